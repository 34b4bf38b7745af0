//! The pre-filter's second stage: the text as code only, with comments and the insides of strings, template
//! chunks and regular expressions blanked, so that `module` or `exports` written there no longer keeps a file.
//!
//! Blanking keeps every token outside those places where it was (each blanked byte becomes a space; line
//! terminators stay), so the byte-level criterion judges the same identifier tokens, with the same neighbours, as
//! in the original: a literal's or comment's text never makes an identifier `exports` a reference or not.
//!
//! A lexer of JavaScript must tell a regular expression from a division, which the grammar decides, not the
//! characters. This one decides from the token before the `/`, as far as that token decides it for every valid
//! program: after an operand (an identifier, a literal, `)` of a call, `]`) it is a division; after an operator,
//! `(`, `,`, a keyword such as `return`, or the `)` of `if (…)`/`while (…)`/`for (…)`/`with (…)` it starts a
//! regular expression. Where the token before does not decide (`}`, `++`, `--`, `of`, `yield`, `await`, `default`)
//! the stage gives up and the file is kept, as it is for anything else it cannot place: an unterminated literal
//! or comment, unbalanced brackets, and any `</`, `/>`, `<!--` or `-->` in the text (JSX, which the engine
//! accepts in a `.js` file, and HTML-like comments). It runs on JavaScript only: TypeScript's `x!` breaks the
//! token-before rule.

/// What a `/` at this point would start.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Slash {
    Regex,
    Division,
    /// The token before does not decide: give up.
    Unknown,
}

/// An open bracket: a `{`, the `${` of a template, or a `(` with what a `/` after its `)` would start.
#[derive(Clone, Copy)]
enum Open {
    Brace,
    Template,
    Paren(Slash),
}

/// The text with comments and the insides of literals blanked; `None` when some token cannot be placed for sure.
pub fn code_only(source: &str) -> Option<String> {
    // JSX, which the engine accepts in a `.js` file that fails to parse without it, has text this lexer would
    // read as code; every JSX element has a `</` or `/>`. HTML-like comments end where only a parser knows.
    if [&b"</"[..], b"/>", b"<!--", b"-->"]
        .iter()
        .any(|needle| memchr::memmem::find(source.as_bytes(), needle).is_some())
    {
        return None;
    }
    let mut lexer = Lexer { bytes: source.as_bytes(), out: source.as_bytes().to_vec(), at: 0, open: Vec::new() };
    lexer.run()?;
    // Only ASCII bytes were written, and only over whole characters: the text stays UTF-8.
    String::from_utf8(lexer.out).ok()
}

struct Lexer<'s> {
    bytes: &'s [u8],
    out: Vec<u8>,
    at: usize,
    open: Vec<Open>,
}

/// Words after which a `/` starts a regular expression.
const BEFORE_REGEX: &[&[u8]] = &[
    b"return",
    b"typeof",
    b"instanceof",
    b"in",
    b"new",
    b"delete",
    b"void",
    b"throw",
    b"case",
    b"do",
    b"else",
    b"extends",
    b"break",
    b"continue",
    b"debugger",
];
/// Words whose `( … )` is a condition or a loop head: a `/` after the `)` starts a regular expression.
const BEFORE_CONDITION: &[&[u8]] = &[b"if", b"while", b"for", b"with"];
/// Words that may be an identifier or a keyword before a regular expression.
const UNDECIDED: &[&[u8]] = &[b"of", b"yield", b"await", b"default"];

/// One step of the lexer.
enum Token {
    /// Whitespace or a comment: the token before still decides.
    Space,
    /// An identifier or keyword: what a `/` after it would start, and after a `(` that follows it.
    Word { breaks: bool, slash: Slash, paren: Slash },
    /// Anything else: what a `/` after it would start.
    Other(Slash),
}

impl Lexer<'_> {
    fn run(&mut self) -> Option<()> {
        let mut slash = Slash::Regex;
        // What a `/` after the `)` of a `(` right here would start: the word before decides it.
        let mut paren = Slash::Division;
        // After `break` or `continue`, a word is a label, and a `/` after it on the next line starts a statement.
        let mut label_next = false;
        if self.bytes.starts_with(b"#!") {
            self.line_comment();
        }
        while self.at < self.bytes.len() {
            match self.token(slash, paren)? {
                Token::Space => continue,
                Token::Word { .. } if label_next => {
                    (slash, paren, label_next) = (Slash::Unknown, Slash::Division, false)
                }
                Token::Word { breaks, slash: after, paren: opened } => {
                    (slash, paren, label_next) = (after, opened, breaks)
                }
                Token::Other(after) => (slash, paren, label_next) = (after, Slash::Division, false),
            }
        }
        self.open.is_empty().then_some(())
    }

    /// Lexes the token at `at`, given what a `/` there would start and what a `(` there would be.
    fn token(&mut self, slash: Slash, paren: Slash) -> Option<Token> {
        let byte = self.bytes[self.at];
        let next = self.bytes.get(self.at + 1).copied();
        let after = match byte {
            b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c => {
                self.at += 1;
                return Some(Token::Space);
            }
            b'/' if next == Some(b'/') => {
                self.line_comment();
                return Some(Token::Space);
            }
            b'/' if next == Some(b'*') => {
                self.block_comment()?;
                return Some(Token::Space);
            }
            b'/' => match slash {
                Slash::Regex => self.regex()?,
                Slash::Division => {
                    self.at += 1;
                    Slash::Regex
                }
                Slash::Unknown => return None,
            },
            b'\'' | b'"' => {
                self.string(byte)?;
                Slash::Division
            }
            b'`' => {
                self.at += 1;
                self.template_chunk()?
            }
            b'{' | b'}' | b'(' | b')' | b'[' | b']' => self.bracket(byte, paren)?,
            b'+' | b'-' if next == Some(byte) => {
                if self.bytes[self.at..].starts_with(b"-->") {
                    return None;
                }
                self.at += 2;
                Slash::Unknown
            }
            b'<' if self.bytes[self.at..].starts_with(b"<!--") => return None,
            b'.' | b'0'..=b'9' if byte.is_ascii_digit() || next.is_some_and(|next| next.is_ascii_digit()) => {
                self.number();
                Slash::Division
            }
            b'.' | b'?' if self.member_access() => {
                // A property name follows: whatever its spelling, it is an operand.
                self.at += if byte == b'.' { 1 } else { 2 };
                self.skip_space_and_comments()?;
                self.word();
                Slash::Division
            }
            _ if byte >= 0x80 && self.non_ascii_space() => return Some(Token::Space),
            _ if byte.is_ascii_alphabetic() || matches!(byte, b'_' | b'$' | b'\\' | b'#') || byte >= 0x80 => {
                let word = self.word();
                let (slash, paren) = classify(word);
                return Some(Token::Word { breaks: word == b"break" || word == b"continue", slash, paren });
            }
            _ => {
                self.at += 1;
                Slash::Regex
            }
        };
        Some(Token::Other(after))
    }

    /// A bracket: opens or closes a pair (a `}` may resume a template); returns what a `/` after it would start.
    fn bracket(&mut self, byte: u8, paren: Slash) -> Option<Slash> {
        self.at += 1;
        Some(match byte {
            b'{' => {
                self.open.push(Open::Brace);
                Slash::Regex
            }
            b'(' => {
                self.open.push(Open::Paren(paren));
                Slash::Regex
            }
            b'[' => Slash::Regex,
            b']' => Slash::Division,
            b'}' => match self.open.pop()? {
                // A block's end or an object literal's: which, the token before does not say.
                Open::Brace => Slash::Unknown,
                Open::Template => self.template_chunk()?,
                Open::Paren(_) => return None,
            },
            _ => match self.open.pop()? {
                Open::Paren(after) => after,
                _ => return None,
            },
        })
    }

    /// Whether the `.` or `?.` at `at` is a member access (not `...`, nor `?` before `.5`, nor a plain `?`).
    fn member_access(&self) -> bool {
        let rest = &self.bytes[self.at..];
        match rest {
            [b'.', b'.', b'.', ..] => false,
            [b'.', ..] => true,
            [b'?', b'.', digit, ..] => !digit.is_ascii_digit(),
            [b'?', b'.'] => true,
            _ => false,
        }
    }

    /// An identifier or keyword, with `\u` escapes, non-ASCII letters and a leading `#`; returns its bytes.
    fn word(&mut self) -> &[u8] {
        let start = self.at;
        if self.bytes.get(self.at) == Some(&b'#') {
            self.at += 1;
        }
        while let Some(&byte) = self.bytes.get(self.at) {
            if byte.is_ascii_alphanumeric() || byte == b'_' || byte == b'$' {
                self.at += 1;
            } else if self.bytes[self.at..].starts_with(b"\\u{") {
                let close = self.bytes[self.at..].iter().position(|&byte| byte == b'}');
                self.at += close.map_or(self.bytes.len(), |close| close + 1);
            } else if byte == b'\\' {
                self.at += 2;
            } else if byte >= 0x80 && !self.is_non_ascii_space() {
                self.at += char_length(byte);
            } else {
                break;
            }
        }
        self.at = self.at.min(self.bytes.len());
        &self.bytes[start..self.at]
    }

    /// A number literal: digits, letters (`0x`, `e`, `n`), `_` and `.`; what follows it is an operator.
    fn number(&mut self) {
        while self.bytes.get(self.at).is_some_and(|byte| byte.is_ascii_alphanumeric() || matches!(byte, b'_' | b'.')) {
            self.at += 1;
        }
    }

    fn is_non_ascii_space(&self) -> bool {
        let Some(letter) = self.bytes.get(self.at..).and_then(first_char) else {
            return false;
        };
        letter.is_whitespace() || letter == '\u{feff}'
    }

    fn non_ascii_space(&mut self) -> bool {
        let space = self.is_non_ascii_space();
        if space {
            self.at += char_length(self.bytes[self.at]);
        }
        space
    }

    fn skip_space_and_comments(&mut self) -> Option<()> {
        loop {
            match self.bytes.get(self.at..)? {
                [b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c, ..] => self.at += 1,
                [b'/', b'/', ..] => self.line_comment(),
                [b'/', b'*', ..] => self.block_comment()?,
                [byte, ..] if *byte >= 0x80 && self.non_ascii_space() => {}
                _ => return Some(()),
            }
        }
    }

    fn line_comment(&mut self) {
        let start = self.at;
        while self.at < self.bytes.len() && line_terminator(&self.bytes[self.at..]) == 0 {
            self.at += 1;
        }
        self.blank(start, self.at);
    }

    fn block_comment(&mut self) -> Option<()> {
        let start = self.at;
        let end = memchr::memmem::find(&self.bytes[start + 2..], b"*/")? + start + 4;
        self.blank(start, end);
        self.at = end;
        Some(())
    }

    /// A string literal from its opening `quote`; a raw line break in it is an error, so it gives up.
    fn string(&mut self, quote: u8) -> Option<()> {
        let start = self.at + 1;
        self.at = start;
        loop {
            match *self.bytes.get(self.at)? {
                // A line continuation: `\` then `\r\n` is one escape.
                b'\\' if self.bytes[self.at + 1..].starts_with(b"\r\n") => self.at += 3,
                b'\\' => self.at += 1 + char_length(*self.bytes.get(self.at + 1)?),
                b'\n' | b'\r' => return None,
                byte if byte == quote => break,
                byte => self.at += char_length(byte),
            }
        }
        self.blank(start, self.at);
        self.at += 1;
        Some(())
    }

    /// A template's text from here to its closing backquote (then an operand ends) or to a `${` (then an
    /// expression starts, and its `}` comes back here).
    fn template_chunk(&mut self) -> Option<Slash> {
        let start = self.at;
        loop {
            match *self.bytes.get(self.at)? {
                b'\\' => self.at += 1 + char_length(*self.bytes.get(self.at + 1)?),
                b'`' => {
                    self.blank(start, self.at);
                    self.at += 1;
                    return Some(Slash::Division);
                }
                b'$' if self.bytes.get(self.at + 1) == Some(&b'{') => {
                    self.blank(start, self.at);
                    self.at += 2;
                    self.open.push(Open::Template);
                    return Some(Slash::Regex);
                }
                byte => self.at += char_length(byte),
            }
        }
    }

    /// A regular expression literal from its `/`: a `/` inside a class `[…]` does not end it, a line break is an
    /// error. Returns what a `/` after it would be.
    fn regex(&mut self) -> Option<Slash> {
        let start = self.at + 1;
        self.at = start;
        let mut class = false;
        loop {
            let rest = self.bytes.get(self.at..)?;
            let &byte = rest.first()?;
            if line_terminator(rest) > 0 {
                return None;
            }
            match byte {
                b'\\' => {
                    let escaped = &rest[1..];
                    let &first = escaped.first()?;
                    if line_terminator(escaped) > 0 {
                        return None;
                    }
                    self.at += 1 + char_length(first);
                    continue;
                }
                b'[' => class = true,
                b']' => class = false,
                b'/' if !class => break,
                _ => {}
            }
            self.at += char_length(byte);
        }
        self.blank(start, self.at);
        self.at += 1;
        self.word();
        Some(Slash::Division)
    }

    /// Blanks `start..end`, keeping line terminators.
    fn blank(&mut self, start: usize, end: usize) {
        let mut at = start;
        while at < end {
            let kept = line_terminator(&self.bytes[at..end]);
            if kept > 0 {
                at += kept;
            } else {
                self.out[at] = b' ';
                at += 1;
            }
        }
    }
}

/// What a `/` after a word would be, and what it would be after a `(` that follows the word.
fn classify(word: &[u8]) -> (Slash, Slash) {
    if BEFORE_CONDITION.contains(&word) {
        (Slash::Division, Slash::Regex)
    } else if BEFORE_REGEX.contains(&word) {
        (Slash::Regex, Slash::Division)
    } else if UNDECIDED.contains(&word) {
        // `for await (…)`: the `)` may end a loop head.
        (Slash::Unknown, Slash::Unknown)
    } else {
        (Slash::Division, Slash::Division)
    }
}

/// The length of the line terminator (`\n`, `\r`, U+2028, U+2029) the bytes start with, or 0.
fn line_terminator(bytes: &[u8]) -> usize {
    match bytes {
        [b'\n' | b'\r', ..] => 1,
        [0xe2, 0x80, 0xa8 | 0xa9, ..] => 3,
        _ => 0,
    }
}

/// The length in bytes of the UTF-8 character starting with `byte` (1 for a continuation byte, to move on).
fn char_length(byte: u8) -> usize {
    match byte {
        0xf0..=0xff => 4,
        0xe0..=0xef => 3,
        0xc0..=0xdf => 2,
        _ => 1,
    }
}

fn first_char(bytes: &[u8]) -> Option<char> {
    let length = char_length(*bytes.first()?).min(bytes.len());
    std::str::from_utf8(&bytes[..length]).ok()?.chars().next()
}

#[cfg(test)]
mod tests {
    use super::code_only;

    fn code(source: &str) -> String {
        code_only(source).unwrap_or_else(|| panic!("gave up on {source:?}"))
    }

    #[test]
    fn blanks_comments_and_literal_insides() {
        assert_eq!(code("a // exports\nb"), "a           \nb");
        assert_eq!(code("a /* exports\n */ b"), "a           \n    b");
        assert_eq!(code("x('exports', \"module\")"), "x('       ', \"      \")");
        assert_eq!(code("x(`a ${exports} b`)"), "x(`  ${exports}  `)");
        assert_eq!(code("x(`${`exports`}`)"), "x(`${`       `}`)");
        assert_eq!(code("x = /exports/g.test(s)"), "x = /       /g.test(s)");
        assert_eq!(code("#!/usr/bin/env node exports\nx"), "                           \nx");
        assert_eq!(code("s = 'a\\'exports'"), "s = '          '");
        assert_eq!(code("s = 'a\\\r\nexports'"), "s = '  \r\n       '");
        assert_eq!(code("x = /[/]exports/"), "x = /          /");
        assert_eq!(code("a = 'ü\u{2028}exports'"), "a = '  \u{2028}       '");
    }

    #[test]
    fn tells_regex_from_division_by_the_token_before() {
        // Division: the `'` and `` ` `` after it are real literals.
        assert_eq!(code("a = b / c / 'exports'"), "a = b / c / '       '");
        assert_eq!(code("a = f(x) / 2; b = '/'"), "a = f(x) / 2; b = ' '");
        assert_eq!(code("a = x[0] / 2 / `exports`"), "a = x[0] / 2 / `       `");
        assert_eq!(code("a = x.return / 2 / 'q'"), "a = x.return / 2 / ' '");
        assert_eq!(code("a = 1.5 / 2 / 'q'"), "a = 1.5 / 2 / ' '");
        // Regular expressions: a quote inside is not a string.
        assert_eq!(code("if (x) /'/.test(exports)"), "if (x) / /.test(exports)");
        assert_eq!(code("return /`/"), "return / /");
        assert_eq!(code("x = a ? /'/ : b"), "x = a ? / / : b");
        assert_eq!(code("continue\n/'/.test(exports)"), "continue\n/ /.test(exports)");
    }

    #[test]
    fn gives_up_where_the_token_before_does_not_decide() {
        for source in [
            "if (a) {}\n/'/.test(exports)",
            "a++\n/'/.test(exports)",
            "for (const x of /'/.exec(s)) {}",
            "function* g() { yield /'/ }",
            "continue outer\n/'/.test(exports)",
            "x = 1 <!-- exports",
            "--> exports",
            "const a = <p>it's {module.exports} isn't</p>;",
            "const a = <br />; exports.a = 1;",
            "s = '</div>'",
            "s = 'unterminated\nexports'",
            "x = /unterminated\nexports/",
            "/* unterminated exports",
            "f(a, b",
            "f(a, b]",
            "`${a`",
        ] {
            assert_eq!(code_only(source), None, "{source:?}");
        }
    }
}
