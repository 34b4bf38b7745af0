//! Replacing a file's contents without ever leaving it half-written, clobbering someone else's edit, or leaving
//! a temporary file behind.
//!
//! The new text is written to a new inode in the same directory (so the final rename stays on one file system and
//! is atomic), given the original's permissions (and, on Unix, its owner when we may set it), and flushed to disk.
//! Just before the rename the file is read again: if it no longer holds the text that was analysed (an editor
//! saved it, a formatter ran), nothing is written.
//!
//! Killed at any moment (SIGKILL, power loss after the flush), a run leaves every file with either its old or its
//! new contents. On Linux the new inode is created without a name (`O_TMPFILE`) and only linked under a temporary
//! name `.exportfix-<pid>-<n>.tmp` for the instant between `linkat` and `rename`: a kill before that leaves
//! nothing behind. Elsewhere (or on a file system without `O_TMPFILE`) the temporary file has that name from its
//! creation. Either way a name that a killed run leaves behind is removed by the next run that writes into the
//! same directory, once the process that made it (the `<pid>`) no longer exists. Walks skip such files: they are
//! hidden and not JavaScript.
//!
//! A file without any write permission bit, or that the user may not write, is not modified (a rename would
//! replace it regardless of its mode, and root may write anything): [`WriteError::ReadOnly`].
//!
//! A symbolic link is not replaced: the file it points to is, so the link keeps working. Replacing a file by
//! rename gives it a new inode: other hard links to the old one keep the old text.

use std::fs::{self, File};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use super::error::{io_error, WriteError};
use super::temporary::{remove_stale_temporaries, Staged};

/// Atomically replaces the contents of `path` (or of the file it links to) with `contents`, provided it still
/// holds exactly `expected` and may be written.
pub fn replace_contents(path: &Path, expected: &[u8], contents: &[u8]) -> Result<(), WriteError> {
    let target = resolve_symlink(path).map_err(io_error("resolving the symbolic link"))?;
    let directory = match target.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    let metadata = fs::metadata(&target).map_err(io_error("reading its metadata"))?;
    if read_only(&target, &metadata) {
        return Err(WriteError::ReadOnly);
    }
    remove_stale_temporaries(directory);

    let staged = Staged::create(directory).map_err(io_error("creating a temporary file next to it"))?;
    let mut file = staged.file();
    file.write_all(contents).map_err(io_error("writing the temporary file"))?;
    copy_metadata(file, &metadata)?;
    file.sync_all().map_err(io_error("flushing the temporary file"))?;

    #[cfg(debug_assertions)]
    debug_hooks::before_reread(&target);
    let current = fs::read(&target).map_err(io_error("re-reading it before replacing it"))?;
    if current != expected {
        return Err(WriteError::ChangedOnDisk);
    }
    staged.replace(&target)?;
    sync_directory(directory);
    Ok(())
}

/// The file a path names once symbolic links are followed; the path itself when it is not a link.
fn resolve_symlink(path: &Path) -> io::Result<PathBuf> {
    if fs::symlink_metadata(path)?.file_type().is_symlink() {
        fs::canonicalize(path)
    } else {
        Ok(path.to_path_buf())
    }
}

/// No write permission bit at all (`chmod a-w`), or none for this user (`access(W_OK)`; root passes that test
/// whatever the mode, hence the first).
fn read_only(path: &Path, metadata: &fs::Metadata) -> bool {
    if metadata.permissions().readonly() {
        return true;
    }
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        if let Ok(c_path) = std::ffi::CString::new(path.as_os_str().as_bytes()) {
            // SAFETY: a valid NUL-terminated path.
            if unsafe { libc::access(c_path.as_ptr(), libc::W_OK) } != 0 {
                return true;
            }
        }
    }
    #[cfg(not(unix))]
    let _ = path;
    false
}

fn copy_metadata(file: &File, original: &fs::Metadata) -> Result<(), WriteError> {
    file.set_permissions(original.permissions()).map_err(io_error("copying its permissions"))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        // Only root may give a file away; for anyone else the new file is theirs, as after any editor's save.
        let _ = std::os::unix::fs::fchown(file, Some(original.uid()), Some(original.gid()));
    }
    Ok(())
}

/// Makes the rename itself durable. Best effort: not every platform or file system lets a directory be synced.
fn sync_directory(directory: &Path) {
    #[cfg(unix)]
    if let Ok(dir) = fs::File::open(directory) {
        let _ = dir.sync_all();
    }
    #[cfg(not(unix))]
    let _ = directory;
}

/// Debug builds only (never in a release binary): lets the CLI tests put a concurrent edit exactly between the
/// read and the write. `EXPORTFIX_DEBUG_EDIT_BEFORE_REPLACE=TEXT` appends TEXT to the file just before it is
/// re-read.
#[cfg(debug_assertions)]
mod debug_hooks {
    use std::io::Write;
    use std::path::Path;

    pub fn before_reread(target: &Path) {
        if let Some(text) = std::env::var_os("EXPORTFIX_DEBUG_EDIT_BEFORE_REPLACE") {
            if let Ok(mut file) = std::fs::OpenOptions::new().append(true).open(target) {
                let _ = file.write_all(text.to_string_lossy().as_bytes());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entries(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> =
            fs::read_dir(dir).unwrap().map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned()).collect();
        names.sort();
        names
    }

    #[test]
    fn replaces_and_keeps_permissions() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("a.js");
        fs::write(&file, "old").unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            fs::set_permissions(&file, fs::Permissions::from_mode(0o751)).unwrap();
        }
        replace_contents(&file, b"old", b"new").unwrap();
        assert_eq!(fs::read_to_string(&file).unwrap(), "new");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = fs::metadata(&file).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o751);
        }
        assert_eq!(entries(dir.path()), ["a.js"]);
    }

    #[test]
    fn refuses_when_the_file_changed_and_cleans_up() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("a.js");
        fs::write(&file, "edited meanwhile").unwrap();
        let error = replace_contents(&file, b"what was analysed", b"fixed").unwrap_err();
        assert!(matches!(error, WriteError::ChangedOnDisk), "{error}");
        assert_eq!(fs::read_to_string(&file).unwrap(), "edited meanwhile");
        assert_eq!(entries(dir.path()), ["a.js"]);
    }

    #[cfg(unix)]
    #[test]
    fn writes_through_symlinks() {
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir(dir.path().join("real")).unwrap();
        let target = dir.path().join("real/a.js");
        fs::write(&target, "old").unwrap();
        let link = dir.path().join("link.js");
        std::os::unix::fs::symlink("real/a.js", &link).unwrap();
        replace_contents(&link, b"old", b"new").unwrap();
        assert!(fs::symlink_metadata(&link).unwrap().file_type().is_symlink());
        assert_eq!(fs::read_to_string(&target).unwrap(), "new");
        assert_eq!(entries(&dir.path().join("real")), ["a.js"]);
    }

    #[cfg(unix)]
    #[test]
    fn refuses_files_without_write_permission() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("a.js");
        fs::write(&file, "old").unwrap();
        fs::set_permissions(&file, fs::Permissions::from_mode(0o444)).unwrap();
        // Even root, who may write anything, leaves a read-only file alone.
        let error = replace_contents(&file, b"old", b"new").unwrap_err();
        assert!(matches!(error, WriteError::ReadOnly), "{error}");
        assert_eq!(fs::read_to_string(&file).unwrap(), "old");
        assert_eq!(fs::metadata(&file).unwrap().permissions().mode() & 0o777, 0o444);
        assert_eq!(entries(dir.path()), ["a.js"]);
    }

    #[cfg(unix)]
    #[test]
    fn removes_temporaries_of_dead_runs_only() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("a.js");
        fs::write(&file, "old").unwrap();
        // A pid above the kernel's maximum (4194304) never exists; pid 1 always does.
        let stale = dir.path().join(".exportfix-999999999-0-0.tmp");
        let live = dir.path().join(".exportfix-1-0-0.tmp");
        let unrelated = dir.path().join(".exportfix-notes.tmp");
        for path in [&stale, &live, &unrelated] {
            fs::write(path, "left behind").unwrap();
        }
        replace_contents(&file, b"old", b"new").unwrap();
        assert_eq!(fs::read_to_string(&file).unwrap(), "new");
        assert_eq!(entries(dir.path()), [".exportfix-1-0-0.tmp", ".exportfix-notes.tmp", "a.js"]);
    }
}
