//! Byte offsets to 1-based line and column numbers.

/// Line starts of a text, for turning byte offsets into line:column.
///
/// Lines end at every ECMAScript line terminator, as Node counts them in its messages: `\n`, `\r` (CRLF counts
/// once), U+2028 and U+2029. Columns are 1-based and count Unicode scalar values, like ruff's, so a
/// column means the same thing whatever the file's encoding width; the BOM, when present, is not counted.
pub struct LineIndex<'a> {
    text: &'a str,
    line_starts: Vec<usize>,
}

impl<'a> LineIndex<'a> {
    pub fn new(text: &'a str) -> Self {
        let mut line_starts = vec![0];
        let bytes = text.as_bytes();
        // U+2028 and U+2029 are E2 80 A8 and E2 80 A9 in UTF-8.
        for index in memchr::memchr3_iter(b'\n', b'\r', 0xE2, bytes) {
            let next = bytes.get(index + 1).copied();
            let end = match bytes[index] {
                b'\r' if next == Some(b'\n') => continue,
                b'\n' | b'\r' => index + 1,
                _ if next == Some(0x80) && matches!(bytes.get(index + 2), Some(0xA8 | 0xA9)) => index + 3,
                _ => continue,
            };
            line_starts.push(end);
        }
        LineIndex { text, line_starts }
    }

    /// 1-based (line, column) of a byte offset; an offset past the end or inside a character is clamped back.
    pub fn line_column(&self, offset: usize) -> (usize, usize) {
        let mut offset = offset.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.line_starts.partition_point(|&start| start <= offset) - 1;
        let line_start = self.line_starts[line];
        let prefix = &self.text[line_start..offset];
        let column = prefix.chars().filter(|&c| c != '\u{feff}').count() + 1;
        (line + 1, column)
    }
}

#[cfg(test)]
mod tests {
    use super::LineIndex;

    #[test]
    fn counts_lines_and_characters() {
        let text = "\u{feff}a\r\nβγ x\n";
        let index = LineIndex::new(text);
        assert_eq!(index.line_column(3), (1, 1));
        assert_eq!(index.line_column(4), (1, 2));
        let x = text.find('x').unwrap();
        assert_eq!(index.line_column(x), (2, 4));
        assert_eq!(index.line_column(text.len()), (3, 1));
    }

    #[test]
    fn every_ecmascript_line_terminator_ends_a_line() {
        let text = "a\rb\u{2028}c\u{2029}d\r\ne\u{2026}f";
        let index = LineIndex::new(text);
        let lines: Vec<usize> =
            ["b", "c", "d", "e", "f"].iter().map(|s| index.line_column(text.find(s).unwrap()).0).collect();
        assert_eq!(lines, [2, 3, 4, 5, 5], "U+2026 (E2 80 A6) is no terminator");
        assert_eq!(index.line_column(text.find('f').unwrap()), (5, 3));
    }
}
