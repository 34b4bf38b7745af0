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
//! Anything else keeps the file. Occurrences inside strings, comments and regular expressions are the second
//! stage's business: for JavaScript, the same criterion runs again on the code alone, with those blanked
//! ([`code_only`]), when the text lexes for sure; otherwise they too keep the file. Identifiers may be spelled with
//! Unicode escapes (`\u0065xports` is the identifier `exports`), so a file containing a `\u` escape that decodes
//! to one of the letters of `exports` or `module` is always kept.
//!
//! ## Without `module`, only reassigning `exports` can be a bug
//! Under the default style (`--style mixed`), `mixed-exports` needs `module.exports` beside `exports`, and
//! `lost-export` needs `module.exports` or `exports` reassigned: each needs an identifier `module`, or an
//! assignment to `exports` itself, as `exports-reassign` does. So a file whose references to `exports` all stand
//! where no assignment can (before `.`, `[` or `(`, as an argument `(exports,` or `, exports)`, and the like;
//! [`may_be_assigned`] lists them) and whose every `module` is harmless in the same sense as above (a longer
//! identifier or a property name; a `module` in a string or comment keeps the file) cannot have a finding under
//! that style either. `--style module-exports` reports any use of `exports`, so it does not get this second test.
//!
//! ## What skipping means
//! A skipped file is never analysed, and the CLI does not even parse it unless `--check-syntax` asks for its
//! syntax errors (docs/engine.md, section 0). The soundness of the
//! filter is checked by running the full analysis on every text it skips, under the style it skipped it for, and
//! asserting no finding: the fixtures, a generated set of near misses, random programs from a small grammar with
//! comments and line breaks between tokens, and the pinned corpus (`transforms/tests/prefilter.rs`).

mod code_only;

use memchr::memmem;

use crate::{Settings, SourceType, Style};

/// Whether `source` may produce a finding under `settings`. `false` is a proof that the full analysis under
/// these settings finds nothing (or fails to parse); `true` means the file must be analysed.
///
/// Two stages: the bytes as they are, then, for JavaScript that the first stage keeps, the same criterion on the
/// code alone (comments and the insides of literals blanked, [`code_only`]), when the text lexes for sure.
pub fn may_have_findings(source: &str, source_type: SourceType, settings: &Settings) -> bool {
    may_have_findings_in_bytes(source, settings)
        && (source_type != SourceType::JavaScript
            || code_only::code_only(source).is_none_or(|code| may_have_findings_in_bytes(&code, settings)))
}

fn may_have_findings_in_bytes(source: &str, settings: &Settings) -> bool {
    let bytes = source.as_bytes();
    if has_escape_of_letter(source) {
        return true;
    }
    let mut references = memmem::find_iter(bytes, WORD).filter(|&start| !harmless(bytes, start));
    match settings.style {
        Style::ModuleExports => references.next().is_some(),
        Style::Mixed => {
            let mut referenced = false;
            for start in references {
                if may_be_assigned(bytes, start) {
                    return true;
                }
                referenced = true;
            }
            referenced && has_module_reference(source)
        }
    }
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
    if not_an_identifier(bytes, start, end) {
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

/// Whether the word at `start..end` is part of a longer identifier.
fn not_an_identifier(bytes: &[u8], start: usize, end: usize) -> bool {
    bytes.get(end).is_some_and(|&byte| is_ident_byte(byte)) || (start > 0 && is_ident_byte(bytes[start - 1]))
}

/// Whether some `module` may be the identifier: anywhere but inside a longer identifier or after a member dot.
fn has_module_reference(source: &str) -> bool {
    let bytes = source.as_bytes();
    memmem::find_iter(bytes, b"module").any(|start| {
        if not_an_identifier(bytes, start, start + b"module".len()) {
            return false;
        }
        let before = skip_blanks_back(bytes, start);
        !(before > 0 && bytes[before - 1] == b'.' && member_dot(bytes, before - 1))
    })
}

/// Whether the `exports` reference at `start` may be the target of an assignment (`exports = …`, `exports += …`,
/// `exports++`, `--exports`, a destructuring target, a `for…in`/`for…of` head), judged by the bytes around it.
/// Only what cannot be an assignment target counts as not: a member access or a call (`exports.a`, `exports[k]`,
/// `exports(…)` unless it may be `function exports(`, whatever precedes them), and, after a known token on the same line, a comparison, a condition,
/// `;`, a parameter or argument `(exports,`, `, exports)` or `(exports)` followed by what cannot follow an
/// assignment target. The token before is trusted only on the same line and only when it is ASCII: a line comment
/// may end the previous line (`--// c` then `exports`), and a comment's text is not a token. Comments, other
/// whitespace and anything unlisted count as an assignment.
fn may_be_assigned(bytes: &[u8], start: usize) -> bool {
    let after = skip_whitespace(bytes, start + WORD.len());
    let next = bytes.get(after).copied();
    if next == Some(b'(') && may_name_a_function(bytes, start) {
        return true;
    }
    if matches!(next, Some(b'[' | b'(')) || (next == Some(b'.') && bytes.get(after + 1) != Some(&b'.')) {
        return false;
    }
    let Some((previous_at, previous)) = token_before(bytes, start) else {
        return true;
    };
    match next {
        Some(b',') => previous != b'(',
        Some(b')') => match previous {
            b',' => false,
            b'(' => parenthesized_may_be_assigned(bytes, previous_at, after + 1),
            _ => true,
        },
        _ => assigned_before(bytes, after),
    }
}

/// Whether `exports` at `start`, followed by `(`, may be the name of a function declaration (`function exports(`,
/// `async function exports(`, `function* exports(`, `function *exports(`), which rebinds the wrapper's `exports`,
/// rather than a call. Only the word `function` or a `*` on the same line, with blanks between, proves either;
/// a line break, a comment or anything unknown before it counts as a declaration.
fn may_name_a_function(bytes: &[u8], start: usize) -> bool {
    let Some(index) = skip_blanks_back(bytes, start).checked_sub(1) else {
        return false;
    };
    match bytes[index] {
        b'*' | b'/' | b'\n' | b'\r' => true,
        byte if is_ident_byte(byte) => {
            let word_start = bytes[..=index].iter().rposition(|&byte| !is_ident_byte(byte)).map_or(0, |at| at + 1);
            &bytes[word_start..=index] == b"function"
        }
        byte => !byte.is_ascii(),
    }
}

/// The last byte of the token before `at` and its offset, when it is known and cannot be an update operator: on
/// the same line, ASCII, and not `+`, `-` (`++exports`, `--exports`) or `/` (the end of a comment that may follow
/// either).
fn token_before(bytes: &[u8], at: usize) -> Option<(usize, u8)> {
    let index = skip_blanks_back(bytes, at).checked_sub(1)?;
    let byte = bytes[index];
    (byte.is_ascii() && !matches!(byte, b'\n' | b'\r' | b'+' | b'-' | b'/')).then_some((index, byte))
}

/// Whether `(exports)`, its `(` at `open` and followed by the text at `at`, may be an assignment target. Another
/// `)` may close an outer parenthesis (`((exports)) = 1`) and `,` or `}` may continue a pattern
/// (`[(exports), a] = b`): both count, and so does an update operator before it (`++(exports)`).
fn parenthesized_may_be_assigned(bytes: &[u8], open: usize, at: usize) -> bool {
    if token_before(bytes, open).is_none() {
        return true;
    }
    let at = skip_whitespace(bytes, at);
    // `function (exports) {`: a parameter list.
    bytes.get(at) != Some(&b'{') && assigned_before(bytes, at)
}

/// Whether the token at `at`, following an expression, may assign it; `false` only for tokens that cannot follow
/// an assignment target: `.` `[` `(` (member access and calls), `;`, `:`, `?` but not `??=`, `==`/`===`, `!=`,
/// `=>` (a parameter list), `&&`/`||` but not `&&=`/`||=`, and the end of the text.
fn assigned_before(bytes: &[u8], at: usize) -> bool {
    let rest = &bytes[at.min(bytes.len())..];
    match rest.first() {
        None | Some(b'.' | b'[' | b'(' | b';' | b':') => false,
        Some(b'?') => rest.starts_with(b"??="),
        Some(b'=') => !matches!(rest.get(1), Some(b'=' | b'>')),
        Some(b'!') => !rest.starts_with(b"!="),
        Some(b'&') => !rest.starts_with(b"&&") || rest.starts_with(b"&&="),
        Some(b'|') => !rest.starts_with(b"||") || rest.starts_with(b"||="),
        Some(_) => true,
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

/// Whether the text has a `\u` escape (`\uXXXX` or `\u{X…}`) for one of the letters of `exports` or `module`, in
/// either case of hex digits. Any other escape cannot help spell either identifier.
fn has_escape_of_letter(source: &str) -> bool {
    let bytes = source.as_bytes();
    memmem::find_iter(bytes, b"\\u").any(|start| {
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
        char::from_u32(code).is_some_and(|letter| letter.is_ascii() && b"exportsmodule".contains(&(letter as u8)))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Skipped under both styles.
    fn skips(source: &str) -> bool {
        skips_under(Style::ModuleExports, source) && skips_under(Style::Mixed, source)
    }

    fn skips_under(style: Style, source: &str) -> bool {
        !may_have_findings(source, SourceType::JavaScript, &Settings { style })
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
            "var exports = 1",
            "function exports() {}",
        ] {
            assert!(!skips_under(Style::ModuleExports, source), "{source:?} must be kept");
        }
    }

    #[test]
    fn without_module_keeps_every_possible_assignment_to_exports() {
        for source in [
            "exports = 1",
            "exports\n= 1",
            "exports += 1",
            "exports ||= {}",
            "exports &&= x",
            "exports ??= {}",
            "exports++",
            "--exports",
            "exports | 0",
            "[exports] = a",
            "[a, exports] = b",
            "[exports, a] = b",
            "[a, exports, b] = c",
            "[(exports)] = a",
            "[(exports), a] = b",
            "({ exports } = a)",
            "({ a: exports } = b)",
            "({ a: exports, b } = c)",
            "({ a: (exports) } = b)",
            "({ exports = 1 } = a)",
            "[...exports] = a",
            "(exports) = 1",
            "((exports)) = 1",
            "(exports) += 1",
            "for (exports in a) {}",
            "for (exports of a) {}",
            "for ((exports) in a) {}",
            "exports /* a */ = 1",
            "exports // a\n= 1",
            "exports\u{a0}= 1",
            "var exports = 1",
            "var exports, a = 1",
            "exports.a = 1; \\u006dodule.exports = {}",
            "exports.a = 1; m\\u{6f}dule.exports = {}",
            "exports;",
            "--// c\nexports;",
            "-- /* c */ exports;",
            "++\nexports;",
            "--// c;\u{2028}exports;",
            "[a, // (\n exports, b] = c",
            "[a, // ,\n exports) = c",
        ] {
            assert!(!skips_under(Style::Mixed, source), "{source:?} must be kept");
        }
    }

    #[test]
    fn without_module_keeps_files_that_name_it() {
        for source in [
            "exports.a = 1; module.exports.b = 2;",
            "exports.a = 1; module.exports = {};",
            "exports.a = 1; typeof module",
            "exports.a = 1; f(module)",
            "exports.a = 1; 1. module",
        ] {
            assert!(!skips_under(Style::Mixed, source), "{source:?} must be kept");
        }
    }

    #[test]
    fn second_stage_skips_words_in_literals_and_comments_of_javascript() {
        let typescript = |source: &str| !may_have_findings(source, SourceType::TypeScript, &Settings::default());
        for source in [
            "exports.a = 1; var s = 'module'",
            "exports.a = 1; // the module\n",
            "exports.a = 1; /* module.exports */",
            "exports.a = 1; x = /module/.test(s)",
            "exports.a = 1; x = `the ${'module'}`",
        ] {
            assert!(skips_under(Style::Mixed, source), "{source:?} must be skipped");
            assert!(!typescript(source), "{source:?} is kept in TypeScript");
        }
        assert!(skips("'exports'"));
        // Where the lexer gives up, the first stage's answer stands.
        assert!(!skips_under(Style::Mixed, "exports.a = 1; if (a) {}\n/'/.test(s); // module"));
    }

    #[test]
    fn without_module_skips_files_that_only_use_exports() {
        for source in [
            "exports.a = 1;",
            "exports['a'] = 1; exports.b = exports.a;",
            "exports(1);",
            "Object.defineProperty(exports, '__esModule', { value: true });\nexports.x = void 0;",
            "__exportStar(require('./a'), exports);",
            "(function (exports) { exports.a = 1; })(exports);",
            "factory(exports) ;",
            "var f = function (exports) {\n};",
            "if (exports) {}",
            "x = exports ? 1 : 2; y = exports ?? 3;",
            "x = exports == null || exports != null && exports === 1;",
            "var f = exports => 1;",
            "var f = (exports) => 1;",
            "var o = { exports: 1 };",
            "a = exports;",
            "mymodule.exports = 1; exports.a = 1; a.module = 2; modules = 3;",
        ] {
            assert!(skips_under(Style::Mixed, source), "{source:?} must be skipped under the default style");
            assert!(!skips_under(Style::ModuleExports, source), "{source:?} must be kept under module-exports");
        }
    }
}
