//! File sizes as users spell them (`--max-file-size`, `maxFileSize`): a number of bytes, optionally with a
//! decimal (`KB`, `MB`, `GB`) or binary (`KiB`, `MiB`, `GiB`) unit, and how a size is shown back.

use std::fmt;
use std::str::FromStr;

use serde::Deserialize;

const KIB: u64 = 1024;
const MIB: u64 = 1024 * KIB;

/// A limit on the size of the files analysed; zero means no limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MaxFileSize(pub u64);

impl MaxFileSize {
    /// Generated bundles are the files above this size; Biome and semgrep skip files over the same 1 MiB / 1 MB.
    pub const DEFAULT: MaxFileSize = MaxFileSize(MIB);

    /// Whether a file of `bytes` bytes is over the limit.
    pub fn excludes(self, bytes: u64) -> bool {
        self.0 != 0 && bytes > self.0
    }
}

impl Default for MaxFileSize {
    fn default() -> Self {
        MaxFileSize::DEFAULT
    }
}

const UNITS: [(&str, u64); 7] = [
    ("b", 1),
    ("kb", 1000),
    ("mb", 1000 * 1000),
    ("gb", 1000 * 1000 * 1000),
    ("kib", KIB),
    ("mib", MIB),
    ("gib", 1024 * MIB),
];

impl FromStr for MaxFileSize {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        let invalid = || format!("`{text}` is not a size: use a number of bytes, optionally with KB, MB, KiB or MiB");
        let trimmed = text.trim();
        let split = trimmed.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(trimmed.len());
        let (number, unit) = trimmed.split_at(split);
        let unit = unit.trim().to_ascii_lowercase();
        let scale = if unit.is_empty() {
            1
        } else {
            UNITS.iter().find(|(name, _)| *name == unit).map(|&(_, scale)| scale).ok_or_else(invalid)?
        };
        if number.is_empty() || number.starts_with('.') || number.ends_with('.') {
            return Err(invalid());
        }
        if let Ok(whole) = number.parse::<u64>() {
            return whole.checked_mul(scale).map(MaxFileSize).ok_or_else(invalid);
        }
        // A fraction (`1.5MB`) is allowed with a unit only: bytes are whole.
        let value: f64 = number.parse().map_err(|_| invalid())?;
        let bytes = value * scale as f64;
        if scale == 1 || bytes.fract() != 0.0 || bytes >= u64::MAX as f64 {
            return Err(invalid());
        }
        Ok(MaxFileSize(bytes as u64))
    }
}

/// In the largest unit that divides the size exactly: `1 MiB`, `500 KB`, `1234 bytes`.
impl fmt::Display for MaxFileSize {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        let bytes = self.0;
        let exact = [("GiB", 1024 * MIB), ("MiB", MIB), ("MB", 1000 * 1000), ("KiB", KIB), ("KB", 1000)]
            .into_iter()
            .find(|&(_, scale)| bytes != 0 && bytes % scale == 0);
        match exact {
            Some((unit, scale)) => write!(formatter, "{} {unit}", bytes / scale),
            None if bytes == 1 => write!(formatter, "1 byte"),
            None => write!(formatter, "{bytes} bytes"),
        }
    }
}

/// In a config file: a number of bytes, or a string as on the command line.
impl<'de> Deserialize<'de> for MaxFileSize {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Spelled {
            Bytes(u64),
            Text(String),
        }
        match Spelled::deserialize(deserializer) {
            Ok(Spelled::Bytes(bytes)) => Ok(MaxFileSize(bytes)),
            Ok(Spelled::Text(text)) => text.parse().map_err(serde::de::Error::custom),
            Err(_) => Err(serde::de::Error::custom(
                "expected a number of bytes or a string such as \"2MiB\" (0 means no limit)",
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<u64, String> {
        text.parse::<MaxFileSize>().map(|size| size.0)
    }

    #[test]
    fn reads_bytes_and_units() {
        assert_eq!(parse("0"), Ok(0));
        assert_eq!(parse("1048576"), Ok(1_048_576));
        assert_eq!(parse("500KB"), Ok(500_000));
        assert_eq!(parse("2 MiB"), Ok(2 * MIB));
        assert_eq!(parse("1mb"), Ok(1_000_000));
        assert_eq!(parse("64KiB"), Ok(64 * 1024));
        assert_eq!(parse("1.5MB"), Ok(1_500_000));
        assert_eq!(parse("10B"), Ok(10));
        for bad in ["", "MiB", "1.5", "-1", "1 TB", "1..5MB", ".5MB", "1e6", "99999999999999999999", "0.0000001KB"] {
            assert!(parse(bad).is_err(), "{bad:?} must be refused");
        }
    }

    #[test]
    fn shows_the_largest_exact_unit() {
        assert_eq!(MaxFileSize::DEFAULT.to_string(), "1 MiB");
        assert_eq!(MaxFileSize(3 * MIB / 2).to_string(), "1536 KiB");
        assert_eq!(MaxFileSize(2_000_000).to_string(), "2 MB");
        assert_eq!(MaxFileSize(1234).to_string(), "1234 bytes");
    }

    #[test]
    fn zero_is_no_limit() {
        assert!(!MaxFileSize(0).excludes(u64::MAX));
        assert!(MaxFileSize(10).excludes(11));
        assert!(!MaxFileSize(10).excludes(10));
    }
}
