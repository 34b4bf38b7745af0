//! Why a fix was not written.

use std::io;

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

pub(super) fn io_error(action: &'static str) -> impl FnOnce(io::Error) -> WriteError {
    move |error| WriteError::Io { action, error }
}
