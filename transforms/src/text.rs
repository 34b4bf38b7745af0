//! Byte offsets to 1-based line and column numbers.

/// Line starts of a text, for turning byte offsets into line:column.
///
/// Lines end at `\n` (so CRLF counts once). Columns are 1-based and count Unicode scalar values, like ruff's, so a
/// column means the same thing whatever the file's encoding width; the BOM, when present, is not counted.
pub struct LineIndex<'a> {
    text: &'a str,
    line_starts: Vec<usize>,
}

impl<'a> LineIndex<'a> {
    pub fn new(text: &'a str) -> Self {
        let mut line_starts = vec![0];
        line_starts.extend(text.match_indices('\n').map(|(index, _)| index + 1));
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
}
