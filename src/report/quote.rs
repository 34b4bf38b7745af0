//! Paths in output whose characters would break a line: C-quoted, as git quotes them.

use std::borrow::Cow;
use std::fmt::Write as _;

/// A path as a diff header names it: C-quoted, as git writes it (and `git apply` reads it back), when it holds a
/// character that would end or confuse the header line (a control character, `"` or `\\`).
pub fn quoted(path: &str) -> Cow<'_, str> {
    if path.chars().any(|c| c == '"' || c == '\\' || c.is_control()) {
        Cow::Owned(c_quote(path))
    } else {
        Cow::Borrowed(path)
    }
}

/// A path at the start of a `path:line:col:` line of text output: C-quoted as in [`quoted`] when it holds a control
/// character (a newline would break the line apart), otherwise as it is.
pub fn shown(path: &str) -> Cow<'_, str> {
    if path.chars().any(char::is_control) {
        Cow::Owned(c_quote(path))
    } else {
        Cow::Borrowed(path)
    }
}

fn c_quote(path: &str) -> String {
    let mut quoted = String::from("\"");
    for c in path.chars() {
        match c {
            '"' => quoted.push_str("\\\""),
            '\\' => quoted.push_str("\\\\"),
            '\n' => quoted.push_str("\\n"),
            '\t' => quoted.push_str("\\t"),
            c if c.is_control() => {
                let mut buffer = [0; 4];
                for byte in c.encode_utf8(&mut buffer).bytes() {
                    // Writing to a String cannot fail.
                    let _ = write!(quoted, "\\{byte:03o}");
                }
            }
            c => quoted.push(c),
        }
    }
    quoted.push('"');
    quoted
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_awkward_paths() {
        assert_eq!(quoted("a/we\"ird\\.js"), "\"a/we\\\"ird\\\\.js\"");
        assert_eq!(shown("we\"ird.js"), "we\"ird.js");
        assert_eq!(shown("a\nb\u{7}.js"), "\"a\\nb\\007.js\"");
    }
}
