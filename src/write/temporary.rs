//! The temporary file a new text is staged in before it is renamed over the original, and the clean-up of the
//! names killed runs leave behind (see [`super::replace`] for the whole story).

use std::collections::HashSet;
use std::fs::{self, File};
use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;

use super::error::{io_error, WriteError};

/// The prefix and suffix of every temporary name; `<pid>-<n>` goes between them.
const TEMP_PREFIX: &str = ".exportfix-";
const TEMP_SUFFIX: &str = ".tmp";

/// A temporary name unique in this process; with the pid, unique on the machine.
fn temporary_name() -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.subsec_nanos());
    format!("{TEMP_PREFIX}{}-{n}-{nanos:x}{TEMP_SUFFIX}", std::process::id())
}

/// The new contents, staged in the target's directory: an anonymous inode (Linux `O_TMPFILE`) or a named
/// temporary file, which is removed if the rename does not happen.
pub(super) enum Staged {
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
    pub(super) fn create(directory: &Path) -> io::Result<Staged> {
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

    pub(super) fn file(&self) -> &File {
        match self {
            #[cfg(target_os = "linux")]
            Staged::Anonymous { file, .. } => file,
            Staged::Named { file, .. } => file,
        }
    }

    /// Renames the staged contents over `target`.
    pub(super) fn replace(mut self, target: &Path) -> Result<(), WriteError> {
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
pub(super) fn remove_stale_temporaries(directory: &Path) {
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
    fn temporary_names_carry_the_pid() {
        let name = temporary_name();
        assert_eq!(temporary_owner(&name), Some(std::process::id()));
        assert_eq!(temporary_owner(".exportfix-12-3-af.tmp"), Some(12));
        assert_eq!(temporary_owner(".exportfix-x.tmp"), None);
        assert_eq!(temporary_owner("exportfix-12-3.tmp"), None);
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
