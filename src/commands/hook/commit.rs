//! `hook run`: what the installed pre-commit hook executes. The staged blobs go through the same pipeline as any
//! path run; `check` mode blocks on findings, `fix` mode writes and re-stages what it safely can.

use std::fs;
use std::path::Path;
use std::time::Instant;

use anyhow::Context;

use super::git::{git, staged_blob, staged_names, top_level};
use super::shell_quote;
use crate::cli::{ColorArg, HookMode};
use crate::pipeline::{self, Rewrite};
use crate::report::{text, FileError, FileReport, Mode, RunReport, Skipped};
use crate::settings::Setup;
use crate::sources::{Origin, Source};
use crate::write::replace_contents;

/// One staged file that exportfix analyses.
struct Staged {
    name: String,
    report: FileReport,
    /// The staged text and its fix, when the fixes change it.
    rewrite: Option<Rewrite>,
}

pub fn run(mode: HookMode) -> anyhow::Result<u8> {
    let started = Instant::now();
    let top = top_level()?;
    std::env::set_current_dir(&top).with_context(|| format!("cannot enter {}", top.display()))?;
    let mut setup = Setup::new(&top, None, &[], false)?;
    let (sources, mut skipped) = staged_sources(&top, &mut setup)?;
    skipped.es_modules = setup.classifier.es_modules_skipped;
    // Analysed as `fix` would, in memory: `remaining` then tells what `exportfix fix` would leave.
    let options = setup.options(Mode::Fix, false);
    let mut staged = pipeline::run(sources, options, 1, &|analysed| Staged {
        name: analysed.source.display,
        report: analysed.report,
        rewrite: analysed.rewrite,
    })?;

    let program = program_name();
    let (code, message) = match mode {
        HookMode::Check => judge_check(&mut staged, &program),
        HookMode::Fix => apply_fixes(&mut staged, &top, &program)?,
    };
    let report = RunReport {
        mode: match mode {
            HookMode::Check => Mode::Check,
            HookMode::Fix => Mode::Fix,
        },
        include_unsafe: false,
        files: staged.into_iter().map(|file| file.report).collect(),
        path_errors: Vec::new(),
        elapsed: started.elapsed(),
        skipped_before_reading: skipped,
        max_file_size: setup.max_file_size,
    };
    let code = if report.errors().is_empty() { code } else { 2 };
    // A clean commit passes silently.
    if code != 0 || report.reportable_files().next().is_some() {
        text::emit(&report, ColorArg::Auto).context("cannot write the report")?;
    }
    if code != 0 {
        eprintln!("{message}");
        if !report.errors().is_empty() {
            eprintln!(
                "exportfix: some staged files could not be analysed (see above); fix them or commit with --no-verify"
            );
        }
    } else if !message.is_empty() {
        eprintln!("{message}");
    }
    Ok(code)
}

/// The staged files exportfix analyses, with their staged content, and how many the exclude globs left out.
fn staged_sources(top: &Path, setup: &mut Setup) -> anyhow::Result<(Vec<Source>, Skipped)> {
    let mut sources = Vec::new();
    let mut skipped = Skipped::default();
    for name in staged_names()? {
        let path = Path::new(&name);
        let file_name = path.file_name().map(|name| name.to_string_lossy().into_owned()).unwrap_or_default();
        let from_config =
            setup.config.root().and_then(|root| top.join(path).strip_prefix(root).ok().map(Path::to_path_buf));
        let mut names = vec![path, Path::new(&file_name)];
        if let Some(from_config) = &from_config {
            names.push(from_config);
        }
        if setup.excludes.excludes(&names) {
            skipped.excluded += 1;
            continue;
        }
        let Some(source_type) = setup.classifier.classify(&file_name, &top.join(path)) else {
            continue;
        };
        let blob = staged_blob(&name)?;
        sources.push(Source::in_memory(name, source_type, Origin::Staged(blob)));
    }
    Ok((sources, skipped))
}

/// `check` mode: any finding blocks; the message names the command that fixes what can be fixed.
fn judge_check(staged: &mut [Staged], program: &str) -> (u8, String) {
    let left_after_fix: Vec<bool> =
        staged.iter().map(|file| file.rewrite.is_none() || file.report.remaining > 0).collect();
    for file in staged.iter_mut() {
        // Shown as `check` shows it: every finding is still there.
        file.report.remaining = file.report.findings.len();
    }
    let with_findings: Vec<&Staged> = staged.iter().filter(|file| !file.report.findings.is_empty()).collect();
    if with_findings.is_empty() {
        return (0, String::new());
    }
    let fixable: Vec<&str> =
        with_findings.iter().filter(|file| file.rewrite.is_some()).map(|file| file.name.as_str()).collect();
    let mut message = format!(
        "exportfix: commit blocked: the staged content of {} has export findings.",
        count_files(with_findings.len())
    );
    if !fixable.is_empty() {
        message.push_str(&format!(
            "\nFix them with:\n\n    {}\n\nthen stage the result (git add) and commit again.",
            fix_command(program, &fixable)
        ));
    }
    let by_hand: Vec<&str> = staged
        .iter()
        .zip(&left_after_fix)
        .filter(|(file, left)| **left && !file.report.findings.is_empty())
        .map(|(file, _)| file.name.as_str())
        .collect();
    if !by_hand.is_empty() {
        message.push_str(&format!(
            "\nNo safe fix for some findings in: {} (edit by hand, or review what `{}` does).",
            by_hand.iter().map(|name| shell_quote(name)).collect::<Vec<_>>().join(" "),
            fix_command(&format!("{program} --unsafe"), &by_hand).replacen(" --unsafe fix", " fix --unsafe", 1)
        ));
    }
    message.push_str("\nTo commit anyway: git commit --no-verify");
    (1, message)
}

/// `fix` mode: fix and re-stage files without unstaged changes; block on anything else.
fn apply_fixes(staged: &mut [Staged], top: &Path, program: &str) -> anyhow::Result<(u8, String)> {
    let mut restaged = Vec::new();
    let mut blocked = Vec::new();
    for file in staged.iter_mut() {
        if let Some(Rewrite { original: staged, fixed }) = &file.rewrite {
            let work_tree = top.join(&file.name);
            let clean = fs::read(&work_tree).is_ok_and(|bytes| bytes == staged.as_bytes())
                && git(&["diff", "--quiet", "--", &file.name]).is_ok();
            if clean {
                match replace_contents(&work_tree, staged.as_bytes(), fixed.as_bytes()) {
                    Ok(()) => {
                        git(&["add", "--", &file.name])?;
                        restaged.push(file.name.clone());
                        if file.report.remaining > 0 {
                            blocked.push(file.name.clone());
                        }
                        continue;
                    }
                    Err(error) => {
                        file.report.error = Some(FileError::new(file.name.clone(), error.to_string()));
                    }
                }
            }
            // Not written: everything found is still there.
            file.report.changed = false;
            file.report.remaining = file.report.findings.len();
            blocked.push(file.name.clone());
        } else if !file.report.findings.is_empty() {
            blocked.push(file.name.clone());
        }
    }
    let mut message = String::new();
    if !restaged.is_empty() {
        message.push_str(&format!(
            "exportfix: fixed and re-staged: {}",
            restaged.iter().map(|name| shell_quote(name)).collect::<Vec<_>>().join(" ")
        ));
    }
    if blocked.is_empty() {
        return Ok((0, message));
    }
    if !message.is_empty() {
        message.push('\n');
    }
    let names: Vec<&str> = blocked.iter().map(String::as_str).collect();
    message.push_str(&format!(
        "exportfix: commit blocked: {} could not be fixed and re-staged here (unstaged changes in the file, or \
         findings without a safe fix).\nFix them with:\n\n    {}\n\nthen review, stage the result (git add) and \
         commit again. To commit anyway: git commit --no-verify",
        count_files(names.len()),
        fix_command(program, &names)
    ));
    Ok((1, message))
}

fn count_files(count: usize) -> String {
    if count == 1 {
        "1 file".to_owned()
    } else {
        format!("{count} files")
    }
}

fn fix_command(program: &str, names: &[&str]) -> String {
    let separator = if names.iter().any(|name| name.starts_with('-')) { " --" } else { "" };
    let quoted: Vec<String> = names.iter().map(|name| shell_quote(name)).collect();
    format!("{program} fix{separator} {}", quoted.join(" "))
}

/// `exportfix` when that name on PATH is this binary; otherwise this binary's path.
fn program_name() -> String {
    let Ok(exe) = std::env::current_exe().and_then(fs::canonicalize) else {
        return "exportfix".to_owned();
    };
    let on_path = std::env::var_os("PATH").is_some_and(|path| {
        std::env::split_paths(&path)
            .any(|directory| fs::canonicalize(directory.join("exportfix")).is_ok_and(|found| found == exe))
    });
    if on_path {
        "exportfix".to_owned()
    } else {
        shell_quote(&exe.to_string_lossy())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fix_command_quotes_names_and_ends_options() {
        assert_eq!(fix_command("exportfix", &["-a.js", "b c.js"]), "exportfix fix -- -a.js 'b c.js'");
    }
}
