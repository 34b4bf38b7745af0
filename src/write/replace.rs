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

use std::collections::HashSet;
use std::fs::{self, File};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;

/// The prefix and suffix of every temporary name; `<pid>-<n>` goes between them.
const TEMP_PREFIX: &str = ".exportfix-";
const TEMP_SUFFIX: &str = ".tmp";

#[derive(Debug)]
pub enum WriteError {
    /// The file no longer holds the text that was analysed.
    ChangedOnDisk,
    /// The file has no write permission (for anyone, or for this user).
    ReadOnly,
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
            WriteError::ReadOnly => {
                f.write_str("read-only (no write permission); not modified (make it writable to fix it)")
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

/// A temporary name unique in this process; with the pid, unique on the machine.
fn temporary_name() -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.subsec_nanos());
    format!("{TEMP_PREFIX}{}-{n}-{nanos:x}{TEMP_SUFFIX}", std::process::id())
}

/// The new contents, staged in the target's directory: an anonymous inode (Linux `O_TMPFILE`) or a named
/// temporary file, which is removed if the rename does not happen.
enum Staged {
    #[cfg(target_os = "linux")]
    Anonymous {
        file: File,
        directory: PathBuf,
    },
    Named {
        file: File,
        path: PathBuf,
        persisted: bool,
    },
}

impl Staged {
    fn create(directory: &Path) -> io::Result<Staged> {
        #[cfg(target_os = "linux")]
        {
            use std::os::unix::fs::OpenOptionsExt;
            match fs::OpenOptions::new().write(true).mode(0o600).custom_flags(libc::O_TMPFILE).open(directory) {
                Ok(file) => return Ok(Staged::Anonymous { file, directory: directory.to_path_buf() }),
                // The file system cannot make anonymous files: fall back to a named one.
                Err(error)
                    if matches!(
                        error.raw_os_error(),
                        Some(libc::EOPNOTSUPP | libc::EISDIR | libc::EINVAL | libc::ENOENT)
                    ) => {}
                Err(error) => return Err(error),
            }
        }
        loop {
            let path = directory.join(temporary_name());
            match fs::OpenOptions::new().write(true).create_new(true).open(&path) {
                Ok(file) => return Ok(Staged::Named { file, path, persisted: false }),
                Err(error) if error.kind() == io::ErrorKind::AlreadyExists => continue,
                Err(error) => return Err(error),
            }
        }
    }

    fn file(&self) -> &File {
        match self {
            #[cfg(target_os = "linux")]
            Staged::Anonymous { file, .. } => file,
            Staged::Named { file, .. } => file,
        }
    }

    /// Renames the staged contents over `target`.
    fn replace(mut self, target: &Path) -> Result<(), WriteError> {
        match &mut self {
            #[cfg(target_os = "linux")]
            Staged::Anonymous { file, directory } => {
                // A name exists only from here to the rename: two system calls.
                let temporary = link_anonymous(file, directory).map_err(io_error("naming the temporary file"))?;
                if let Err(error) = fs::rename(&temporary, target) {
                    let _ = fs::remove_file(&temporary);
                    return Err(io_error("renaming the temporary file over it")(error));
                }
                Ok(())
            }
            Staged::Named { path, persisted, .. } => {
                fs::rename(&*path, target).map_err(io_error("renaming the temporary file over it"))?;
                *persisted = true;
                Ok(())
            }
        }
    }
}

impl Drop for Staged {
    fn drop(&mut self) {
        if let Staged::Named { path, persisted: false, .. } = self {
            let _ = fs::remove_file(&*path);
        }
    }
}

/// Gives an `O_TMPFILE` inode a (temporary) name in `directory`.
#[cfg(target_os = "linux")]
fn link_anonymous(file: &File, directory: &Path) -> io::Result<PathBuf> {
    use std::ffi::CString;
    use std::os::unix::ffi::OsStrExt;
    use std::os::unix::io::AsRawFd;
    loop {
        let temporary = directory.join(temporary_name());
        let to = CString::new(temporary.as_os_str().as_bytes()).map_err(io::Error::other)?;
        let from = CString::new(format!("/proc/self/fd/{}", file.as_raw_fd())).map_err(io::Error::other)?;
        // Through /proc (any user); failing that, AT_EMPTY_PATH (needs CAP_DAC_READ_SEARCH).
        // SAFETY: valid NUL-terminated paths and an open descriptor.
        let mut result = unsafe {
            libc::linkat(libc::AT_FDCWD, from.as_ptr(), libc::AT_FDCWD, to.as_ptr(), libc::AT_SYMLINK_FOLLOW)
        };
        if result != 0 && io::Error::last_os_error().raw_os_error() == Some(libc::ENOENT) {
            // SAFETY: as above, with an empty path naming the descriptor itself.
            result = unsafe {
                libc::linkat(file.as_raw_fd(), c"".as_ptr(), libc::AT_FDCWD, to.as_ptr(), libc::AT_EMPTY_PATH)
            };
        }
        if result == 0 {
            return Ok(temporary);
        }
        let error = io::Error::last_os_error();
        if error.kind() != io::ErrorKind::AlreadyExists {
            return Err(error);
        }
    }
}

/// Removes, once per directory and run, the temporary files that killed runs left in `directory`: names of ours
/// whose process no longer exists. A concurrent run's files (its pid is alive) are left alone.
fn remove_stale_temporaries(directory: &Path) {
    static CLEANED: Mutex<Option<HashSet<PathBuf>>> = Mutex::new(None);
    {
        let mut cleaned = CLEANED.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if !cleaned.get_or_insert_with(HashSet::new).insert(directory.to_path_buf()) {
            return;
        }
    }
    let Ok(entries) = fs::read_dir(directory) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(pid) = name.to_str().and_then(temporary_owner) else {
            continue;
        };
        if pid != std::process::id() && !process_exists(pid) && entry.file_type().is_ok_and(|kind| kind.is_file()) {
            let _ = fs::remove_file(entry.path());
        }
    }
}

/// The pid in a temporary name `.exportfix-<pid>-<rest>.tmp`.
fn temporary_owner(name: &str) -> Option<u32> {
    let rest = name.strip_prefix(TEMP_PREFIX)?.strip_suffix(TEMP_SUFFIX)?;
    rest.split('-').next()?.parse().ok()
}

fn process_exists(pid: u32) -> bool {
    #[cfg(unix)]
    {
        let Ok(pid) = libc::pid_t::try_from(pid) else {
            return false;
        };
        // SAFETY: signal 0 only checks that the process exists (EPERM: it does, and is someone else's).
        unsafe { libc::kill(pid, 0) == 0 || io::Error::last_os_error().raw_os_error() == Some(libc::EPERM) }
    }
    #[cfg(not(unix))]
    {
        let _ = pid;
        true // cannot tell: never remove
    }
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

    #[test]
    fn temporary_names_carry_the_pid() {
        let name = temporary_name();
        assert_eq!(temporary_owner(&name), Some(std::process::id()));
        assert_eq!(temporary_owner(".exportfix-12-3-af.tmp"), Some(12));
        assert_eq!(temporary_owner(".exportfix-x.tmp"), None);
        assert_eq!(temporary_owner("exportfix-12-3.tmp"), None);
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

    #[cfg(target_os = "linux")]
    #[test]
    fn stages_without_a_name_on_linux() {
        let dir = tempfile::tempdir().unwrap();
        let staged = Staged::create(dir.path()).unwrap();
        assert!(matches!(staged, Staged::Anonymous { .. }), "tmpfs and ext4 support O_TMPFILE");
        // Nothing in the directory until the rename.
        assert!(entries(dir.path()).is_empty());
        drop(staged);
        assert!(entries(dir.path()).is_empty());
    }
}
