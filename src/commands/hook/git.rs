//! The git plumbing the hook needs: running git, the hooks directory, the repository's top, the staged names and
//! blobs.

use std::ffi::OsStr;
use std::path::PathBuf;
use std::process::{Command, Stdio};

use anyhow::{bail, Context};

/// Runs git, failing with its stderr when it fails.
pub fn git<S: AsRef<OsStr>>(args: &[S]) -> anyhow::Result<Vec<u8>> {
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

pub fn git_line(args: &[&str]) -> anyhow::Result<String> {
    Ok(String::from_utf8_lossy(&git(args)?).trim_end_matches(['\n', '\r']).to_owned())
}

/// `.git/hooks/pre-commit`, or the pre-commit file in `core.hooksPath`.
pub fn hook_file() -> anyhow::Result<PathBuf> {
    let hooks = git_line(&["rev-parse", "--git-path", "hooks"]).context("not inside a git repository")?;
    Ok(PathBuf::from(hooks).join("pre-commit"))
}

/// The repository's top directory.
pub fn top_level() -> anyhow::Result<PathBuf> {
    Ok(PathBuf::from(git_line(&["rev-parse", "--show-toplevel"]).context("not inside a git work tree")?))
}

/// The names of the files staged as added, copied, modified or renamed; a name that is not UTF-8 is skipped with
/// a word on stderr.
pub fn staged_names() -> anyhow::Result<Vec<String>> {
    let listing = git(&["diff", "--cached", "--name-only", "-z", "--diff-filter=ACMR"])?;
    let mut names = Vec::new();
    for raw in listing.split(|byte| *byte == 0).filter(|name| !name.is_empty()) {
        match String::from_utf8(raw.to_vec()) {
            Ok(name) => names.push(name),
            Err(_) => {
                eprintln!("exportfix: skipping a staged file whose name is not UTF-8: {}", String::from_utf8_lossy(raw))
            }
        }
    }
    Ok(names)
}

/// The staged content of `name`.
pub fn staged_blob(name: &str) -> anyhow::Result<Vec<u8>> {
    git(&["cat-file", "blob", &format!(":{name}")])
}
