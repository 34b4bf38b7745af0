//! Turning a file's bytes into text. exportfix edits UTF-8 only: anything else is reported, never guessed at, so
//! that a fix can never re-encode a file.

use exportfix_transforms::LineIndex;

/// Where a file stops being UTF-8.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotUtf8 {
    /// Byte offset of the first invalid byte.
    pub offset: usize,
    pub byte: u8,
    /// 1-based line and column of that byte, counted like findings are.
    pub line: usize,
    pub column: usize,
}

impl std::fmt::Display for NotUtf8 {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "not valid UTF-8: invalid byte 0x{:02x} at byte offset {}; exportfix only reads UTF-8 files",
            self.byte, self.offset
        )
    }
}

pub fn decode_utf8(bytes: Vec<u8>) -> Result<String, NotUtf8> {
    String::from_utf8(bytes).map_err(|error| {
        let offset = error.utf8_error().valid_up_to();
        let bytes = error.as_bytes();
        // The prefix up to the first invalid byte is valid UTF-8 by definition.
        let valid = std::str::from_utf8(&bytes[..offset]).unwrap_or_default();
        let (line, column) = LineIndex::new(valid).line_column(valid.len());
        NotUtf8 { offset, byte: bytes.get(offset).copied().unwrap_or_default(), line, column }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locates_the_first_invalid_byte() {
        let error = decode_utf8(b"ok\n\xc3\xa9 \xff rest".to_vec()).unwrap_err();
        assert_eq!(error, NotUtf8 { offset: 6, byte: 0xff, line: 2, column: 3 });
        assert_eq!(decode_utf8(b"fine".to_vec()).unwrap(), "fine");
    }
}
