//! A lexical pre-filter: decides, without parsing, that a file cannot produce a finding.
//!
//! ## The criterion
//! Every rule needs a reference to the module wrapper's own `exports` binding that is not only the operand of
//! `typeof` (see the rules: `exports-reassign` needs an assignment to it, `lost-export` a property write through
//! it, `mixed-exports` and `prefer-module-exports` a use of it that is not a `typeof` probe). Such a reference is
//! an identifier token `exports` in the text. So a file in which every occurrence of the letters `exports` is
//! provably *not* such a token cannot have a finding, under either `--style`, and need not be parsed.
//!
//! An occurrence is harmless when it is:
//! - part of a longer identifier (`myexports`, `exportsMap`: an ASCII identifier character touches it);
//! - a property name after a member dot: `module.exports`, `a?.exports`, `a .  exports` (only spaces and tabs
//!   between, never a newline, so that a line comment ending in `.` cannot fool it). A `.` that is the end of
//!   `...` (spread: `...exports` *is* a reference) or of a number (`1.` then `exports` on the same line) does not
//!   count;
//! - the whole operand of `typeof`: `typeof exports` or `typeof(exports)`, followed by a token that cannot
//!   extend the operand (`===`, `!==`, `==`, `!=`, `&&`, `||`, `?` not starting `?.`, `)`, `]`, `}`, `,`, `;`,
//!   `:` or the end of the text). `typeof exports.a` or `typeof exports++` keep the file.
//!
//! Anything else keeps the file, including occurrences inside strings, comments and regular expressions: those
//! only make the filter keep files it could have skipped, never the reverse. Identifiers may be spelled with
//! Unicode escapes (`\u0065xports` is the identifier `exports`), so a file containing a `\u` escape that decodes
//! to one of the letters of `exports` is always kept.
//!
//! ## What skipping means
//! A skipped file is never parsed, so a syntax error in it is not reported, and whether it is an ES module is not
//! decided: it simply has nothing to report. The soundness of the filter is checked by running the full analysis
//! on every file it skips (the fixtures, a generated set, and the pinned corpus) and asserting no finding.

use crate::Settings;

/// Whether `source` may produce a finding. `false` is a proof that the full analysis, under any [`Settings`],
/// finds nothing (or fails to parse); `true` means the file must be analysed.
pub fn may_have_findings(source: &str, _settings: &Settings) -> bool {
    let bytes = source.as_bytes();
    if has_escape_of_exports_letter(source) {
        return true;
    }
    source.match_indices("exports").any(|(start, _)| !harmless(bytes, start))
}

const WORD: &[u8] = b"exports";

fn is_ident_byte(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || byte == b'_' || byte == b'$'
}

fn is_blank(byte: u8) -> bool {
    matches!(byte, b' ' | b'\t')
}

/// Whether the occurrence of `exports` at `start` cannot be a non-`typeof` reference to the identifier.
fn harmless(bytes: &[u8], start: usize) -> bool {
    let end = start + WORD.len();
    if bytes.get(end).is_some_and(|&byte| is_ident_byte(byte)) {
        return true;
    }
    if start > 0 && is_ident_byte(bytes[start - 1]) {
        return true;
    }
    let before = skip_blanks_back(bytes, start);
    match before.checked_sub(1).map(|index| (index, bytes[index])) {
        Some((dot, b'.')) => member_dot(bytes, dot),
        Some((paren, b'(')) => {
            let after = skip_whitespace(bytes, end);
            bytes.get(after) == Some(&b')') && preceded_by_typeof(bytes, paren) && ends_operand(bytes, after + 1)
        }
        Some(_) => preceded_by_typeof(bytes, start) && ends_operand(bytes, end),
        None => false,
    }
}

/// Whether the `.` at `dot` is a member access dot (not the end of `...` or of a number literal).
fn member_dot(bytes: &[u8], dot: usize) -> bool {
    let Some(previous) = dot.checked_sub(1).map(|index| bytes[index]) else {
        return false;
    };
    if previous == b'.' {
        return false;
    }
    if previous.is_ascii_digit() {
        // Walk back over the identifier-or-number characters: a run starting with a digit is a number.
        let mut index = dot;
        while index > 0 && is_ident_byte(bytes[index - 1]) {
            index -= 1;
        }
        return !bytes[index].is_ascii_digit();
    }
    true
}

/// Whether the token ending just before `at` (blanks skipped) is the keyword `typeof`, with at least one blank
/// or a `(` between them.
fn preceded_by_typeof(bytes: &[u8], at: usize) -> bool {
    let end = skip_blanks_back(bytes, at);
    let Some(start) = end.checked_sub(b"typeof".len()) else {
        return false;
    };
    if &bytes[start..end] != b"typeof" {
        return false;
    }
    if bytes.get(end).is_some_and(|&byte| is_ident_byte(byte)) {
        return false;
    }
    start == 0 || !(is_ident_byte(bytes[start - 1]) || matches!(bytes[start - 1], b'.' | b'#' | b'\\'))
}

/// Whether what follows `at` cannot extend a `typeof` operand ending there.
fn ends_operand(bytes: &[u8], at: usize) -> bool {
    let at = skip_whitespace(bytes, at);
    let Some(&next) = bytes.get(at) else {
        return true;
    };
    let second = bytes.get(at + 1).copied();
    match next {
        b')' | b']' | b'}' | b',' | b';' | b':' => true,
        b'=' | b'!' => second == Some(b'='),
        b'&' => second == Some(b'&'),
        b'|' => second == Some(b'|'),
        b'?' => second != Some(b'.'),
        _ => false,
    }
}

fn skip_blanks_back(bytes: &[u8], mut at: usize) -> usize {
    while at > 0 && is_blank(bytes[at - 1]) {
        at -= 1;
    }
    at
}

fn skip_whitespace(bytes: &[u8], mut at: usize) -> usize {
    while bytes.get(at).is_some_and(|byte| byte.is_ascii_whitespace() || *byte == 0x0b) {
        at += 1;
    }
    at
}

/// Whether the text has a `\u` escape (`\uXXXX` or `\u{X…}`) for one of the letters of `exports`, in either case
/// of hex digits. Any other escape cannot help spell the identifier.
fn has_escape_of_exports_letter(source: &str) -> bool {
    let bytes = source.as_bytes();
    source.match_indices("\\u").any(|(start, _)| {
        let rest = &bytes[start + 2..];
        let digits: &[u8] = match rest.first() {
            Some(b'{') => {
                let close = rest.iter().take(16).position(|&byte| byte == b'}');
                match close {
                    Some(close) => &rest[1..close],
                    // Unterminated: not an escape the parser accepts, but keep the file to be safe.
                    None => return true,
                }
            }
            _ => &rest[..rest.len().min(4)],
        };
        let Some(code) = std::str::from_utf8(digits).ok().and_then(|hex| u32::from_str_radix(hex, 16).ok()) else {
            // Not hex digits: an invalid escape, which no identifier can contain.
            return false;
        };
        char::from_u32(code).is_some_and(|letter| letter.is_ascii() && WORD.contains(&(letter as u8)))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn skips(source: &str) -> bool {
        !may_have_findings(source, &Settings::default())
    }

    #[test]
    fn skips_member_accesses_and_longer_identifiers() {
        assert!(skips(""));
        assert!(skips("module.exports = function () {};"));
        assert!(skips("module . exports = x; a?.exports; module\t.\texports.a = 1;"));
        assert!(skips("var myexports = 1, exportsMap = 2, $exports = 3, _exports = 4;"));
        assert!(skips("v8.exports = 1;"));
        assert!(skips("var s = '\\u0041';"));
    }

    #[test]
    fn skips_typeof_probes() {
        assert!(skips("typeof exports === 'object' && typeof module !== 'undefined' ? module.exports = f() : 0"));
        assert!(skips("if (typeof exports == 'object') {}"));
        assert!(skips("if (typeof(exports) !== 'undefined') {}"));
        assert!(skips("if ( typeof ( exports ) !== 'undefined') {}"));
        assert!(skips("var t = typeof exports; x(typeof exports)"));
        assert!(skips("typeof exports\n=== 'object'"));
        assert!(skips("a = typeof exports ? 1 : 2"));
        assert!(skips("typeof exports"));
        assert!(skips("typeofexports = 1"));
    }

    #[test]
    fn keeps_every_possible_reference() {
        for source in [
            "exports = 1",
            "exports.a = 1",
            "module.exports = x; exports.a = 1;",
            "f(...exports)",
            "1.\nexports = 1",
            "1. exports",
            "a.\nexports = 1",
            "// end of a sentence.\nexports.a = 1",
            "/* . */exports.a = 1",
            "\\u0065xports = 1",
            "e\\u{78}ports = 1",
            "exp\\u006Frts = 1",
            "typeof exports.a",
            "typeof exports++",
            "typeof exports?.a",
            "typeof\nexports.a = 1",
            "a.typeof exports",
            "typeof (exports).a",
            "typeof (exports) .a",
            "this.#exports",
            "x = { exports }",
            "'exports'",
            "var exports = 1",
            "function exports() {}",
        ] {
            assert!(!skips(source), "{source:?} must be kept");
        }
    }
}
