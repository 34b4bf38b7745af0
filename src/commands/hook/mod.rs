//! `exportfix hook install|uninstall`: a native git pre-commit hook, and `hook run` (in [`commit`]), what that
//! hook executes; the git plumbing is in [`git`].
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

mod commit;
mod git;

use std::fs;

use anyhow::{bail, Context};

use crate::cli::{HookCommand, HookMode};
use git::hook_file;

/// The line that marks a hook as exportfix's own.
pub const MARKER: &str =
    "# exportfix-managed-hook: written by `exportfix hook install`; `exportfix hook uninstall` removes it";

pub fn run(command: &HookCommand) -> anyhow::Result<u8> {
    match command {
        HookCommand::Install { mode, force } => install(*mode, *force),
        HookCommand::Uninstall => uninstall(),
        HookCommand::Run { mode } => commit::run(*mode),
    }
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
    }
}
