//! The configuration file: settings a team fixes for its repository.
//!
//! exportfix looks for `exportfix.json`, or an `"exportfix"` key in `package.json`, in the working directory and
//! then in each directory above it; the first directory that has either wins (`exportfix.json` first). Like
//! Prettier's and Babel's, the keys mirror the command-line options:
//!
//! ```json
//! { "style": "module-exports", "exclude": ["vendor/**", "*.min.js"], "extensions": ["js", "cjs"],
//!   "maxFileSize": "2MiB", "checkSyntax": true }
//! ```
//!
//! Flags override the file: `--style` replaces `style`, `--exclude` globs are added to `exclude`,
//! `--max-file-size` replaces `maxFileSize`, `--check-syntax` turns `checkSyntax` on. Exclude globs
//! are also matched against paths relative to the directory holding the config file. An unknown key or a value of
//! the wrong type is an error that names the file and the key: a typo must not silently change what is checked.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context};
use serde::Deserialize;

use crate::cli::StyleArg;
use crate::size::MaxFileSize;

pub const FILE_NAME: &str = "exportfix.json";
pub const PACKAGE_KEY: &str = "exportfix";

/// The extensions exportfix can analyse; `extensions` may only narrow them.
pub const SUPPORTED_EXTENSIONS: [&str; 6] = ["js", "cjs", "jsx", "ts", "cts", "tsx"];

#[derive(Debug, Default, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// `mixed` or `module-exports`.
    pub style: Option<StyleArg>,
    /// Globs to skip while walking.
    #[serde(default)]
    pub exclude: Vec<String>,
    /// The file extensions to analyse (without or with the dot); all supported ones when absent.
    pub extensions: Option<Vec<String>>,
    /// Skip files over this size (bytes, or a string with a unit); 0 means no limit. 1 MiB when absent.
    #[serde(rename = "maxFileSize")]
    pub max_file_size: Option<MaxFileSize>,
    /// Parse every file to report its syntax errors, even the ones no rule can apply to.
    #[serde(rename = "checkSyntax")]
    pub check_syntax: Option<bool>,
}

/// A config file that was found, and where.
#[derive(Debug, Default, Clone)]
pub struct Loaded {
    pub config: Config,
    /// The file it came from (`exportfix.json` or `package.json`), when there is one.
    pub file: Option<PathBuf>,
}

impl Loaded {
    /// The directory holding the config file.
    pub fn root(&self) -> Option<&Path> {
        self.file.as_deref().and_then(Path::parent)
    }

    /// The extensions to analyse, lower-case and without the dot, or `None` for all supported ones.
    pub fn extensions(&self) -> anyhow::Result<Option<BTreeSet<String>>> {
        let Some(extensions) = &self.config.extensions else {
            return Ok(None);
        };
        let mut set = BTreeSet::new();
        for extension in extensions {
            let normalized = extension.trim_start_matches('.').to_ascii_lowercase();
            if !SUPPORTED_EXTENSIONS.contains(&normalized.as_str()) {
                bail!(
                    "{}: key `extensions`: `{extension}` is not an extension exportfix analyses (supported: {})",
                    self.describe(),
                    SUPPORTED_EXTENSIONS.join(", ")
                );
            }
            set.insert(normalized);
        }
        Ok(Some(set))
    }

    fn describe(&self) -> String {
        match &self.file {
            Some(file) if file.file_name().is_some_and(|name| name == "package.json") => {
                format!("{} (key `{PACKAGE_KEY}`)", file.display())
            }
            Some(file) => file.display().to_string(),
            None => "the default configuration".to_owned(),
        }
    }
}

/// Finds and reads the config file for `cwd`.
pub fn discover(cwd: &Path) -> anyhow::Result<Loaded> {
    for directory in cwd.ancestors() {
        let file = directory.join(FILE_NAME);
        if file.is_file() {
            let text = fs::read_to_string(&file).with_context(|| format!("cannot read {}", file.display()))?;
            let config = parse(&text).map_err(|error| anyhow::anyhow!("{}: {error}", file.display()))?;
            return Ok(Loaded { config, file: Some(file) });
        }
        let package = directory.join("package.json");
        if package.is_file() {
            let Ok(text) = fs::read_to_string(&package) else {
                continue;
            };
            // A package.json that is not JSON is someone else's problem; only our key matters here.
            let Ok(serde_json::Value::Object(mut manifest)) = serde_json::from_str(&text) else {
                continue;
            };
            if let Some(value) = manifest.remove(PACKAGE_KEY) {
                let config = Config::deserialize(value).map_err(|error| {
                    anyhow::anyhow!("{} (key `{PACKAGE_KEY}`): {}", package.display(), explain(&error))
                })?;
                return Ok(Loaded { config, file: Some(package) });
            }
        }
    }
    Ok(Loaded::default())
}

fn parse(text: &str) -> Result<Config, String> {
    serde_json::from_str(text).map_err(|error| explain(&error))
}

/// serde's message, in the words of a config file: keys rather than fields.
fn explain(error: &serde_json::Error) -> String {
    let message = error.to_string().replace("unknown field", "unknown key").replace("missing field", "missing key");
    if error.is_data() || error.is_syntax() {
        message
    } else {
        format!("invalid configuration: {message}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_keys_are_named() {
        let error = parse(r#"{ "style": "mixed", "excludes": [] }"#).unwrap_err();
        assert!(error.contains("unknown key `excludes`"), "{error}");
        let error = parse(r#"{ "style": "modern" }"#).unwrap_err();
        assert!(error.contains("modern"), "{error}");
    }

    #[test]
    fn reads_all_keys() {
        let config =
            parse(r#"{ "style": "module-exports", "exclude": ["a/**"], "extensions": [".js", "CJS"] }"#).unwrap();
        assert_eq!(config.style, Some(StyleArg::ModuleExports));
        let loaded = Loaded { config, file: None };
        assert_eq!(loaded.extensions().unwrap().unwrap().into_iter().collect::<Vec<_>>(), ["cjs", "js"]);
        let bad = Loaded { config: parse(r#"{ "extensions": ["mjs"] }"#).unwrap(), file: None };
        assert!(bad.extensions().is_err());
    }

    #[test]
    fn reads_sizes_as_numbers_or_strings() {
        let config = parse(r#"{ "maxFileSize": 0, "checkSyntax": true }"#).unwrap();
        assert_eq!((config.max_file_size, config.check_syntax), (Some(MaxFileSize(0)), Some(true)));
        let config = parse(r#"{ "maxFileSize": "2MiB" }"#).unwrap();
        assert_eq!(config.max_file_size, Some(MaxFileSize(2 * 1024 * 1024)));
        let error = parse(r#"{ "maxFileSize": "big" }"#).unwrap_err();
        assert!(error.contains("maxFileSize") || error.contains("not a size"), "{error}");
        assert!(parse(r#"{ "maxFileSize": -1 }"#).is_err());
    }
}
