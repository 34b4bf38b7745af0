//! `exportfix hook install|uninstall`: a native git pre-commit hook, and `hook run`, what that hook executes.
//!
//! The hook judges what will be committed: the staged blobs (`git diff --cached --name-only -z
//! --diff-filter=ACMR`, then `git cat-file blob :PATH`), not the work tree, so a partially staged file is judged by
//! its staged part. In `check` mode it prints the findings and the diff and blocks the commit with the command that
//! fixes the files. In `fix` mode it writes the fixes into the work tree and re-stages each fixed file — but only a
//! file whose work tree matches the index (re-staging a file with unstaged changes would commit them); anything it
//! cannot fix that way blocks the commit. The config file applies as for any run from the repository root.
//!
//! The hook file carries a marker line: `install` replaces only a hook with that marker (or any, with `--force`)
//! and `uninstall` removes only such a hook.

use std::ffi::OsStr;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

use anyhow::{bail, Context};

use crate::cli::{ColorArg, HookCommand, HookMode, Mode};
use crate::decode::decode_utf8;
use crate::process::{analyse_text, ProcessOptions};
use crate::report::{text, FileError, FileReport, RunReport, Skipped};
use crate::run::Setup;
use crate::write::replace_contents;

/// The line that marks a hook as exportfix's own.
pub const MARKER: &str =
    "# exportfix-managed-hook: written by `exportfix hook install`; `exportfix hook uninstall` removes it";

pub fn run(command: &HookCommand) -> anyhow::Result<u8> {
    match command {
        HookCommand::Install { mode, force } => install(*mode, *force),
        HookCommand::Uninstall => uninstall(),
        HookCommand::Run { mode } => run_hook(*mode),
    }
}

/// Runs git, failing with its stderr when it fails.
fn git<S: AsRef<OsStr>>(args: &[S]) -> anyhow::Result<Vec<u8>> {
    let output = Command::new("git")
        .args(args)
        .stdin(Stdio::null())
        .output()
        .context("cannot run git (is it installed and on PATH?)")?;
    if !output.status.success() {
        let shown: Vec<String> = args.iter().map(|arg| arg.as_ref().to_string_lossy().into_owned()).collect();
        bail!("`git {}` failed: {}", shown.join(" "), String::from_utf8_lossy(&output.stderr).trim());
    }
    Ok(output.stdout)
}

fn git_line(args: &[&str]) -> anyhow::Result<String> {
    Ok(String::from_utf8_lossy(&git(args)?).trim_end_matches(['\n', '\r']).to_owned())
}

/// `.git/hooks/pre-commit`, or the pre-commit file in `core.hooksPath`.
fn hook_file() -> anyhow::Result<PathBuf> {
    let hooks = git_line(&["rev-parse", "--git-path", "hooks"]).context("not inside a git repository")?;
    Ok(PathBuf::from(hooks).join("pre-commit"))
}

fn install(mode: HookMode, force: bool) -> anyhow::Result<u8> {
    let path = hook_file()?;
    if let Ok(existing) = fs::read_to_string(&path) {
        if !existing.contains(MARKER) && !force {
            bail!(
                "{} already exists and was not written by exportfix; it is left alone (use --force to replace it, or \
                 call `exportfix hook run --mode {}` from it)",
                path.display(),
                mode.as_str()
            );
        }
    } else if path.exists() && !force {
        bail!("{} exists but cannot be read; it is left alone (use --force to replace it)", path.display());
    }
    if let Some(directory) = path.parent() {
        fs::create_dir_all(directory).with_context(|| format!("cannot create {}", directory.display()))?;
    }
    let exe = std::env::current_exe().and_then(fs::canonicalize).context("cannot locate the exportfix binary")?;
    let script = format!(
        "#!/bin/sh\n{MARKER}\n# Checks the staged content of the staged JavaScript/TypeScript files; skip once with `git commit \
         --no-verify`.\nexportfix={}\nif [ ! -x \"$exportfix\" ]; then exportfix=exportfix; fi\nexec \"$exportfix\" hook run --mode {}\n",
        shell_quote(&exe.to_string_lossy()),
        mode.as_str()
    );
    let _ = fs::remove_file(&path);
    fs::write(&path, script).with_context(|| format!("cannot write {}", path.display()))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(&path, fs::Permissions::from_mode(0o755))
            .with_context(|| format!("cannot make {} executable", path.display()))?;
    }
    println!("Installed the exportfix pre-commit hook ({} mode) at {}", mode.as_str(), path.display());
    Ok(0)
}

fn uninstall() -> anyhow::Result<u8> {
    let path = hook_file()?;
    match fs::read_to_string(&path) {
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
            println!("No pre-commit hook at {}; nothing to remove", path.display());
            Ok(0)
        }
        Err(error) => Err(error).with_context(|| format!("cannot read {}", path.display())),
        Ok(existing) if !existing.contains(MARKER) => {
            bail!("{} was not written by exportfix; it is left alone", path.display())
        }
        Ok(_) => {
            fs::remove_file(&path).with_context(|| format!("cannot remove {}", path.display()))?;
            println!("Removed the exportfix pre-commit hook at {}", path.display());
            Ok(0)
        }
    }
}

/// One staged file that exportfix analyses.
struct Staged {
    name: String,
    staged: String,
    report: FileReport,
    fixed: Option<String>,
}

fn run_hook(mode: HookMode) -> anyhow::Result<u8> {
    let started = Instant::now();
    let top = PathBuf::from(git_line(&["rev-parse", "--show-toplevel"]).context("not inside a git work tree")?);
    std::env::set_current_dir(&top).with_context(|| format!("cannot enter {}", top.display()))?;
    let Setup { settings, excludes, mut classifier, config, .. } = Setup::new(&top, None, &[], false)?;
    // Analysed as `fix` would, in memory: `remaining` then tells what `exportfix fix` would leave.
    let options = ProcessOptions { mode: Mode::Fix, settings, include_unsafe: false };

    let listing = git(&["diff", "--cached", "--name-only", "-z", "--diff-filter=ACMR"])?;
    let mut staged = Vec::new();
    let mut errors = Vec::new();
    let mut skipped = Skipped::default();
    for raw in listing.split(|byte| *byte == 0).filter(|name| !name.is_empty()) {
        let Ok(name) = String::from_utf8(raw.to_vec()) else {
            eprintln!("exportfix: skipping a staged file whose name is not UTF-8: {}", String::from_utf8_lossy(raw));
            continue;
        };
        let path = Path::new(&name);
        let file_name = path.file_name().map(|name| name.to_string_lossy().into_owned()).unwrap_or_default();
        let from_config = config.root().and_then(|root| top.join(path).strip_prefix(root).ok().map(Path::to_path_buf));
        let mut names = vec![path, Path::new(&file_name)];
        if let Some(from_config) = &from_config {
            names.push(from_config);
        }
        if excludes.excludes(&names) {
            skipped.excluded += 1;
            continue;
        }
        let Some(source_type) = classifier.classify(&file_name, &top.join(path)) else {
            continue;
        };
        let blob = git(&["cat-file", "blob", &format!(":{name}")])?;
        let source = match decode_utf8(blob) {
            Ok(source) => source,
            Err(not_utf8) => {
                errors.push(FileError::at(name.clone(), not_utf8.line, not_utf8.column, not_utf8.to_string()));
                continue;
            }
        };
        let (report, fixed) = analyse_text(name.clone(), source.clone(), source_type, options);
        staged.push(Staged { name, staged: source, report, fixed });
    }
    skipped.es_modules = classifier.es_modules_skipped;

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
        path_errors: errors,
        elapsed: started.elapsed(),
        skipped_before_reading: skipped,
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

/// `check` mode: any finding blocks; the message names the command that fixes what can be fixed.
fn judge_check(staged: &mut [Staged], program: &str) -> (u8, String) {
    let left_after_fix: Vec<bool> =
        staged.iter().map(|file| file.fixed.is_none() || file.report.remaining > 0).collect();
    for file in staged.iter_mut() {
        // Shown as `check` shows it: every finding is still there.
        file.report.remaining = file.report.findings.len();
    }
    let with_findings: Vec<&Staged> = staged.iter().filter(|file| !file.report.findings.is_empty()).collect();
    if with_findings.is_empty() {
        return (0, String::new());
    }
    let fixable: Vec<&str> =
        with_findings.iter().filter(|file| file.fixed.is_some()).map(|file| file.name.as_str()).collect();
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
        if let Some(fixed) = &file.fixed {
            let work_tree = top.join(&file.name);
            let clean = fs::read(&work_tree).is_ok_and(|bytes| bytes == file.staged.as_bytes())
                && git(&["diff", "--quiet", "--", &file.name]).is_ok();
            if clean {
                match replace_contents(&work_tree, file.staged.as_bytes(), fixed.as_bytes()) {
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

/// A word for a POSIX shell: as it is when it is plain, otherwise in single quotes.
pub fn shell_quote(word: &str) -> String {
    let plain = !word.is_empty()
        && word
            .bytes()
            .all(|byte| byte.is_ascii_alphanumeric() || matches!(byte, b'_' | b'-' | b'.' | b'/' | b'+' | b'@' | b'='));
    if plain {
        word.to_owned()
    } else {
        format!("'{}'", word.replace('\'', "'\\''"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_for_the_shell() {
        assert_eq!(shell_quote("lib/a.js"), "lib/a.js");
        assert_eq!(shell_quote("my file.js"), "'my file.js'");
        assert_eq!(shell_quote("it's.js"), "'it'\\''s.js'");
        assert_eq!(fix_command("exportfix", &["-a.js", "b c.js"]), "exportfix fix -- -a.js 'b c.js'");
    }
}
