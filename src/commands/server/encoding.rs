//! Positions as the client counts them: LSP lines end at `\n`, `\r\n` or a lone `\r`, and a character offset
//! counts UTF-16 code units unless the client negotiated UTF-8 bytes or UTF-32 code points. The engine works in
//! byte offsets, so every range crosses here on its way out.

use lsp_types::{Position, PositionEncodingKind, Range};

/// The negotiated `positionEncoding`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    Utf16,
    Utf32,
}

impl Encoding {
    /// The one to use among those the client offers: UTF-8 needs no counting, UTF-32 less than UTF-16, and
    /// UTF-16 is what every client understands when it offers nothing.
    pub fn negotiate(offered: Option<&[PositionEncodingKind]>) -> Self {
        let offered = offered.unwrap_or_default();
        if offered.contains(&PositionEncodingKind::UTF8) {
            Encoding::Utf8
        } else if offered.contains(&PositionEncodingKind::UTF32) {
            Encoding::Utf32
        } else {
            Encoding::Utf16
        }
    }

    pub fn kind(self) -> PositionEncodingKind {
        match self {
            Encoding::Utf8 => PositionEncodingKind::UTF8,
            Encoding::Utf16 => PositionEncodingKind::UTF16,
            Encoding::Utf32 => PositionEncodingKind::UTF32,
        }
    }

    fn width(self, c: char) -> usize {
        match self {
            Encoding::Utf8 => c.len_utf8(),
            Encoding::Utf16 => c.len_utf16(),
            Encoding::Utf32 => 1,
        }
    }
}

/// The line starts of one text, to turn byte offsets into positions.
pub struct Lines<'a> {
    text: &'a str,
    starts: Vec<usize>,
    encoding: Encoding,
}

impl<'a> Lines<'a> {
    pub fn new(text: &'a str, encoding: Encoding) -> Self {
        let bytes = text.as_bytes();
        let mut starts = vec![0];
        for (index, &byte) in bytes.iter().enumerate() {
            let ends_line = byte == b'\n' || (byte == b'\r' && bytes.get(index + 1) != Some(&b'\n'));
            if ends_line {
                starts.push(index + 1);
            }
        }
        Lines { text, starts, encoding }
    }

    /// The position of a byte offset; an offset past the end or inside a character is clamped back.
    pub fn position(&self, offset: usize) -> Position {
        let mut offset = offset.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.starts.partition_point(|&start| start <= offset) - 1;
        let prefix = &self.text[self.starts[line]..offset];
        let character: usize = prefix.chars().map(|c| self.encoding.width(c)).sum();
        Position::new(to_u32(line), to_u32(character))
    }

    pub fn range(&self, range: &std::ops::Range<usize>) -> Range {
        Range::new(self.position(range.start), self.position(range.end))
    }

    /// The byte offset of a 1-based line and column as the engine counts them (lines end at `\n`, columns count
    /// characters, a BOM not included), for errors that only carry those.
    pub fn offset_of_line_column(&self, line: usize, column: usize) -> usize {
        let line_start = self.text.match_indices('\n').nth(line.saturating_sub(2)).map_or(0, |(index, _)| index + 1);
        let line_start = if line <= 1 { 0 } else { line_start };
        let rest = &self.text[line_start..];
        let skipped = rest.strip_prefix('\u{feff}').map_or(0, |_| '\u{feff}'.len_utf8());
        let within: usize =
            rest[skipped..].chars().take(column.saturating_sub(1)).take_while(|&c| c != '\n').map(char::len_utf8).sum();
        line_start + skipped + within
    }
}

fn to_u32(value: usize) -> u32 {
    u32::try_from(value).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_in_the_negotiated_unit_after_astral_characters_and_crlf() {
        let text = "// 😀é\r\nx\rexports = 1;";
        let offset = text.find("exports").unwrap();
        let at = |encoding| Lines::new(text, encoding).position(offset);
        assert_eq!(at(Encoding::Utf8), Position::new(2, 0));
        let emoji = text.find('😀').unwrap();
        assert_eq!(Lines::new(text, Encoding::Utf16).position(emoji + 4), Position::new(0, 5));
        assert_eq!(Lines::new(text, Encoding::Utf8).position(emoji + 4), Position::new(0, 7));
        assert_eq!(Lines::new(text, Encoding::Utf32).position(emoji + 4), Position::new(0, 4));
        assert_eq!(Lines::new(text, Encoding::Utf16).position(text.len()), Position::new(2, 12));
    }

    #[test]
    fn finds_engine_line_columns() {
        let text = "\u{feff}a\r\nβγ x\n";
        let lines = Lines::new(text, Encoding::Utf16);
        assert_eq!(lines.offset_of_line_column(1, 2), text.find('a').unwrap() + 1);
        assert_eq!(lines.offset_of_line_column(2, 4), text.find('x').unwrap());
    }

    #[test]
    fn prefers_utf8_then_utf32() {
        let offered = [PositionEncodingKind::UTF16, PositionEncodingKind::UTF8];
        assert_eq!(Encoding::negotiate(Some(&offered)), Encoding::Utf8);
        assert_eq!(Encoding::negotiate(Some(&[PositionEncodingKind::UTF32])), Encoding::Utf32);
        assert_eq!(Encoding::negotiate(None), Encoding::Utf16);
    }
}
