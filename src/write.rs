//! Replacing a file's contents without ever leaving it half-written or clobbering someone else's edit.
//!
//! The new text goes to a temporary file in the same directory (so the final rename stays on one file system and
//! is atomic), gets the original's permissions (and, on Unix, its owner when we may set it), and is flushed to
//! disk. Just before the rename the file is read again: if it no longer holds the text that was analysed (an
//! editor saved it, a formatter ran), nothing is written. The temporary file is removed on every failure.
//!
//! A symbolic link is not replaced: the file it points to is, so the link keeps working. Replacing a file by
//! rename gives it a new inode: other hard links to the old one keep the old text.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use tempfile::NamedTempFile;

#[derive(Debug)]
pub enum WriteError {
    /// The file no longer holds the text that was analysed.
    ChangedOnDisk,
    Io {
        action: &'static str,
        error: io::Error,
    },
}

impl std::fmt::Display for WriteError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            WriteError::ChangedOnDisk => {
                f.write_str("changed on disk since it was read; not overwritten (run exportfix again)")
            }
            WriteError::Io { action, error } => {
                write!(f, "cannot write the fix: {action}: {error}")
            }
        }
    }
}

fn io_error(action: &'static str) -> impl FnOnce(io::Error) -> WriteError {
    move |error| WriteError::Io { action, error }
}

/// Atomically replaces the contents of `path` (or of the file it links to) with `contents`, provided it still
/// holds exactly `expected`.
pub fn replace_contents(path: &Path, expected: &[u8], contents: &[u8]) -> Result<(), WriteError> {
    let target = resolve_symlink(path).map_err(io_error("resolving the symbolic link"))?;
    let directory = match target.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    let metadata = fs::metadata(&target).map_err(io_error("reading its metadata"))?;

    let mut temp = tempfile::Builder::new()
        .prefix(".exportfix-")
        .suffix(".tmp")
        .tempfile_in(directory)
        .map_err(io_error("creating a temporary file next to it"))?;
    temp.write_all(contents).map_err(io_error("writing the temporary file"))?;
    copy_metadata(&temp, &metadata)?;
    temp.as_file().sync_all().map_err(io_error("flushing the temporary file"))?;

    let current = fs::read(&target).map_err(io_error("re-reading it before replacing it"))?;
    if current != expected {
        return Err(WriteError::ChangedOnDisk);
    }
    // On failure `persist` hands the temporary file back inside the error; dropping it deletes it.
    temp.persist(&target).map_err(|error| io_error("renaming the temporary file over it")(error.error))?;
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

fn copy_metadata(temp: &NamedTempFile, original: &fs::Metadata) -> Result<(), WriteError> {
    temp.as_file().set_permissions(original.permissions()).map_err(io_error("copying its permissions"))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        // Only root may give a file away; for anyone else the new file is theirs, as after any editor's save.
        let _ = std::os::unix::fs::fchown(temp.as_file(), Some(original.uid()), Some(original.gid()));
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
}
