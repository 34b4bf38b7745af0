//! Development scan: runs the engine over every JavaScript file below a directory and checks its promises on
//! each (the fix re-parses, a second fix changes nothing). Prints the findings per rule and every broken promise.
//!
//! `cargo run --release -p exportfix_transforms --example scan -- DIR [--unsafe] [--emit OUT]`
//!
//! With `--emit OUT`, every changed file is written below OUT at its path relative to DIR, for comparing the
//! modules before and after in Node.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use exportfix_transforms::{fix, FileClass, FixError, Settings, SourceType};

fn main() {
    let mut args = std::env::args().skip(1);
    let Some(root) = args.next() else {
        eprintln!("usage: scan DIR [--unsafe]");
        std::process::exit(2);
    };
    let rest: Vec<String> = args.collect();
    let include_unsafe = rest.iter().any(|arg| arg == "--unsafe");
    let emit = rest.iter().position(|arg| arg == "--emit").and_then(|index| rest.get(index + 1)).map(PathBuf::from);
    let worker = std::thread::Builder::new()
        .stack_size(256 << 20)
        .spawn(move || scan(Path::new(&root), include_unsafe, emit.as_deref()));
    match worker.map(|handle| handle.join()) {
        Ok(Ok(())) => {}
        _ => std::process::exit(101),
    }
}

fn scan(root: &Path, include_unsafe: bool, emit: Option<&Path>) {
    let mut files = Vec::new();
    collect(root, &mut files);
    files.sort();
    let mut per_rule: BTreeMap<String, usize> = BTreeMap::new();
    let (mut scanned, mut changed, mut syntax_errors, mut broken) = (0, 0, 0, 0);
    for path in &files {
        let FileClass::Analyze(source_type) = SourceType::classify(&path.to_string_lossy()) else {
            continue;
        };
        let Ok(source) = std::fs::read_to_string(path) else {
            continue;
        };
        scanned += 1;
        match fix(&source, source_type, &Settings::default(), include_unsafe) {
            Ok(outcome) => {
                for finding in outcome.analysis.findings() {
                    *per_rule.entry(finding.rule.to_string()).or_default() += 1;
                    println!(
                        "{}:{}:{}: {} {}",
                        path.display(),
                        finding.line,
                        finding.column,
                        finding.rule,
                        finding.message
                    );
                }
                if let Some(fixed) = outcome.fixed {
                    changed += 1;
                    if let (Some(out), Ok(relative)) = (emit, path.strip_prefix(root)) {
                        let target = out.join(relative);
                        let written = target
                            .parent()
                            .map_or(Ok(()), std::fs::create_dir_all)
                            .and_then(|()| std::fs::write(&target, &fixed));
                        if let Err(error) = written {
                            println!("EMIT {}: {error}", target.display());
                        }
                    }
                    match fix(&fixed, source_type, &Settings::default(), include_unsafe) {
                        Ok(again) if again.fixed.is_none() => {}
                        Ok(_) => {
                            broken += 1;
                            println!("BROKEN {}: second fix changes the file", path.display());
                        }
                        Err(error) => {
                            broken += 1;
                            println!("BROKEN {}: fixed text fails: {error}", path.display());
                        }
                    }
                }
            }
            Err(FixError::Syntax(error)) => {
                syntax_errors += 1;
                println!("SYNTAX {}: {error}", path.display());
            }
            Err(error) => {
                broken += 1;
                println!("BROKEN {}: {error}", path.display());
            }
        }
    }
    println!("scanned {scanned} files, {changed} changed, {syntax_errors} syntax errors, {broken} broken; findings: {per_rule:?}");
}

fn collect(directory: &Path, files: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(directory) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        match entry.file_type() {
            Ok(kind) if kind.is_dir() => collect(&path, files),
            Ok(kind) if kind.is_file() => files.push(path),
            _ => {}
        }
    }
}
