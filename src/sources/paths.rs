//! How paths are shown: relative to the working directory with `/` separators, so that output is the same on
//! every platform and the diff headers are paths `git apply` finds from there.

use std::path::{Component, Path, PathBuf};

/// Joins `path` onto `base` (unless it is absolute) and removes `.` and `..` components without touching the file
/// system. `..` is resolved lexically: that is only used for display and for matching, never to open files.
pub fn absolute_lexical(base: &Path, path: &Path) -> PathBuf {
    let mut normalized = PathBuf::new();
    for component in base.join(path).components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                normalized.pop();
            }
            other => normalized.push(other.as_os_str()),
        }
    }
    normalized
}

/// The path shown for `absolute`: relative to `cwd` when it lies under it, otherwise absolute.
pub fn display_path(cwd: &Path, absolute: &Path) -> String {
    match absolute.strip_prefix(cwd) {
        Ok(relative) if !relative.as_os_str().is_empty() => slash_separated(relative),
        Ok(_) => ".".to_owned(),
        Err(_) => slash_separated(absolute),
    }
}

/// A path as text with `/` between components, whatever the platform's separator.
pub fn slash_separated(path: &Path) -> String {
    let text = path.to_string_lossy();
    if std::path::MAIN_SEPARATOR == '/' {
        text.into_owned()
    } else {
        text.replace(std::path::MAIN_SEPARATOR, "/")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalizes_and_relativizes() {
        let cwd = Path::new("/work/project");
        let absolute = absolute_lexical(cwd, Path::new("./src/../lib/a.js"));
        assert_eq!(absolute, PathBuf::from("/work/project/lib/a.js"));
        assert_eq!(display_path(cwd, &absolute), "lib/a.js");
        let outside = absolute_lexical(cwd, Path::new("../other/b.js"));
        assert_eq!(display_path(cwd, &outside), "/work/other/b.js");
        assert_eq!(display_path(cwd, cwd), ".");
    }
}
