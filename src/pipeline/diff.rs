//! Unified diffs that `git apply` accepts byte for byte.
//!
//! The lines are split here rather than by `similar::TextDiff::from_lines`, because that also ends a line at a
//! lone `\r`, where git (and `patch`) only end lines at `\n`: a file containing a lone `\r` would give a patch
//! that does not apply. A line keeps its own terminator, so a CRLF file's `\r` travels inside the patch lines,
//! and a last line without `\n` is followed by git's `\ No newline at end of file` marker.

use std::fmt::Write as _;
use std::ops::Range;

use similar::{Algorithm, DiffOp, DiffTag};

use crate::report::quote::quoted;

/// Lines of context around each change, as `diff -u` and git use.
const CONTEXT_LINES: usize = 3;

/// The unified diff turning `old` into `new`, with `--- a/PATH` and `+++ b/PATH` headers; empty when equal.
pub fn unified_diff(path: &str, old: &str, new: &str) -> String {
    let old_lines: Vec<&str> = old.split_inclusive('\n').collect();
    let new_lines: Vec<&str> = new.split_inclusive('\n').collect();
    let ops = similar::capture_diff_slices(Algorithm::Myers, &old_lines, &new_lines);
    let hunks = similar::group_diff_ops(ops, CONTEXT_LINES);
    if hunks.is_empty() {
        return String::new();
    }
    let mut out = format!("--- {}\n+++ {}\n", quoted(&format!("a/{path}")), quoted(&format!("b/{path}")));
    for hunk in &hunks {
        write_hunk(&mut out, hunk, &old_lines, &new_lines);
    }
    out
}

fn write_hunk(out: &mut String, hunk: &[DiffOp], old_lines: &[&str], new_lines: &[&str]) {
    let (Some(first), Some(last)) = (hunk.first(), hunk.last()) else {
        return;
    };
    let old_range = first.old_range().start..last.old_range().end;
    let new_range = first.new_range().start..last.new_range().end;
    // Writing to a String cannot fail.
    let _ = writeln!(out, "@@ -{} +{} @@", hunk_range(&old_range), hunk_range(&new_range));
    for op in hunk {
        let (tag, old_range, new_range) = op.as_tag_tuple();
        match tag {
            DiffTag::Equal => write_lines(out, ' ', &old_lines[old_range]),
            DiffTag::Delete => write_lines(out, '-', &old_lines[old_range]),
            DiffTag::Insert => write_lines(out, '+', &new_lines[new_range]),
            DiffTag::Replace => {
                write_lines(out, '-', &old_lines[old_range]);
                write_lines(out, '+', &new_lines[new_range]);
            }
        }
    }
}

fn write_lines(out: &mut String, prefix: char, lines: &[&str]) {
    for line in lines {
        out.push(prefix);
        out.push_str(line);
        if !line.ends_with('\n') {
            out.push_str("\n\\ No newline at end of file\n");
        }
    }
}

/// `start,count` with a 1-based start; a one-line range is just `start`, and an empty one names the line before it.
fn hunk_range(range: &Range<usize>) -> String {
    match range.len() {
        0 => format!("{},0", range.start),
        1 => format!("{}", range.start + 1),
        count => format!("{},{count}", range.start + 1),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marks_missing_final_newlines() {
        let diff = unified_diff("a.js", "exports = 1;", "module.exports = 1;");
        assert_eq!(
            diff,
            "--- a/a.js\n+++ b/a.js\n@@ -1 +1 @@\n-exports = 1;\n\\ No newline at end of file\n\
             +module.exports = 1;\n\\ No newline at end of file\n"
        );
    }

    #[test]
    fn keeps_carriage_returns_inside_lines() {
        let diff = unified_diff("a.js", "a\r\nexports = 1;\r\nb\rc\r\n", "a\r\nmodule.exports = 1;\r\nb\rc\r\n");
        assert_eq!(
            diff,
            "--- a/a.js\n+++ b/a.js\n@@ -1,3 +1,3 @@\n a\r\n-exports = 1;\r\n+module.exports = 1;\r\n b\rc\r\n"
        );
    }

    #[test]
    fn distant_changes_get_separate_hunks_with_three_lines_of_context() {
        let filler: String = (1..=10).map(|i| format!("{i}\n")).collect();
        let old = format!("a\n{filler}b\n");
        let new = format!("A\n{filler}B\n");
        assert_eq!(
            unified_diff("x.js", &old, &new),
            "--- a/x.js\n+++ b/x.js\n@@ -1,4 +1,4 @@\n-a\n+A\n 1\n 2\n 3\n\
             @@ -9,4 +9,4 @@\n 8\n 9\n 10\n-b\n+B\n"
        );
    }

    #[test]
    fn deleting_everything_names_the_empty_range() {
        assert_eq!(unified_diff("x.js", "a\n", ""), "--- a/x.js\n+++ b/x.js\n@@ -1 +0,0 @@\n-a\n");
    }

    #[test]
    fn equal_texts_have_no_diff() {
        assert_eq!(unified_diff("a.js", "x\n", "x\n"), "");
    }
}
