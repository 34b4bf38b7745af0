//! Sources: every text exportfix analyses, whatever its origin — a file named or walked, standard input, a staged
//! blob — as one [`Source`]. Finding, classifying (grammar, ES module by name or package type) and reading
//! (size limit, bytes, then UTF-8) happen here and nowhere else.

pub mod classify;
pub mod decode;
pub mod exclude;
pub mod paths;
pub mod walk;

use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};

use anyhow::Context;
use exportfix_transforms::SourceType;

use crate::report::{FileError, Skipped};
use crate::size::MaxFileSize;
use classify::Classifier;
use decode::decode_utf8;
use paths::{absolute_lexical, display_path};
use walk::{discover, WalkOptions};

/// One unit of work: a text to analyse, named as the user knows it.
#[derive(Debug)]
pub struct Source {
    /// As shown in findings, errors and diff headers: relative to the working directory when under it,
    /// `/`-separated.
    pub display: String,
    pub source_type: SourceType,
    pub origin: Origin,
    /// Its size in bytes as the walk saw it (0 when unknown): work is scheduled largest first.
    pub size: u64,
}

/// Where a source's text comes from, and so where (if anywhere) a fix may be written.
#[derive(Debug)]
pub enum Origin {
    /// A file, read by the worker that analyses it.
    File {
        /// Where it is read and written: symbolic links named on the command line resolved.
        real_path: PathBuf,
        /// Whether the path the user named reaches it through a symbolic link.
        via_link: bool,
    },
    /// Standard input (`--stdin-filename`), already read.
    Stdin(Vec<u8>),
    /// The staged content of a file (the pre-commit hook), already read.
    Staged(Vec<u8>),
    /// An editor's buffer (`exportfix server`): the text being typed, not the file on disk.
    Buffer(Vec<u8>),
}

impl Source {
    pub fn file(display: String, real_path: PathBuf, via_link: bool, source_type: SourceType, size: u64) -> Self {
        Source { display, source_type, origin: Origin::File { real_path, via_link }, size }
    }

    /// A text already in memory (standard input, a staged blob).
    pub fn in_memory(display: String, source_type: SourceType, origin: Origin) -> Self {
        let size = match &origin {
            Origin::Stdin(bytes) | Origin::Staged(bytes) | Origin::Buffer(bytes) => bytes.len() as u64,
            Origin::File { .. } => 0,
        };
        Source { display, source_type, origin, size }
    }

    /// The text, read (for a file) and decoded, or `None` when it is over `limit`: a file's size is taken from
    /// the open file's metadata, so a file over the limit is never read. The bytes held in memory are handed
    /// over, not copied.
    pub fn read(&mut self, limit: MaxFileSize) -> Result<Option<String>, FileError> {
        let bytes = match &mut self.origin {
            Origin::File { real_path, .. } => {
                let cannot_read =
                    |error: std::io::Error| FileError::new(self.display.clone(), format!("cannot read: {error}"));
                let mut file = File::open(real_path).map_err(cannot_read)?;
                let size = file.metadata().map_err(cannot_read)?.len();
                if limit.excludes(size) {
                    return Ok(None);
                }
                let mut bytes = Vec::with_capacity(usize::try_from(size).unwrap_or(0));
                file.read_to_end(&mut bytes).map_err(cannot_read)?;
                bytes
            }
            Origin::Stdin(bytes) | Origin::Staged(bytes) | Origin::Buffer(bytes)
                if limit.excludes(bytes.len() as u64) =>
            {
                return Ok(None)
            }
            Origin::Stdin(bytes) | Origin::Staged(bytes) | Origin::Buffer(bytes) => std::mem::take(bytes),
        };
        let text = decode_utf8(bytes).map_err(|not_utf8| {
            FileError::at(self.display.clone(), not_utf8.line, not_utf8.column, not_utf8.to_string())
        })?;
        Ok(Some(text))
    }
}

/// The sources of a path run, and what never became one.
pub struct FromPaths {
    /// Sorted by display path, each file once.
    pub sources: Vec<Source>,
    /// Paths that could not be walked or opened.
    pub errors: Vec<FileError>,
    /// Files never read: excluded by a glob, or ES modules by name or package type.
    pub skipped: Skipped,
}

/// Walks the paths named on the command line (see [`walk`]) and classifies what it finds.
pub fn from_paths(paths: &[PathBuf], options: &WalkOptions<'_>, classifier: &mut Classifier) -> FromPaths {
    let discovery = discover(paths, options, classifier);
    FromPaths {
        sources: discovery.files,
        errors: discovery.errors,
        skipped: Skipped {
            es_modules: classifier.es_modules_skipped,
            excluded: discovery.excluded,
            ..Skipped::default()
        },
    }
}

/// Standard input, reported as `name` (its extension picks the grammar, its place the package type; it need not
/// exist). `Err` only when standard input cannot be read; `Ok(None)` with the bytes when the name is not a file
/// exportfix analyses.
pub fn from_stdin(name: &Path, cwd: &Path, classifier: &mut Classifier) -> anyhow::Result<(Vec<u8>, Option<Source>)> {
    let mut bytes = Vec::new();
    std::io::stdin().read_to_end(&mut bytes).context("cannot read standard input")?;
    let source = named_text(name, cwd, classifier, || Origin::Stdin(bytes.clone()));
    Ok((bytes, source))
}

/// An editor's buffer for the file at `path`, classified as that file would be; `None` when it is not a file
/// exportfix analyses.
pub fn from_buffer(path: &Path, text: String, cwd: &Path, classifier: &mut Classifier) -> Option<Source> {
    named_text(path, cwd, classifier, || Origin::Buffer(text.into_bytes()))
}

/// A text held in memory, named and classified like the file `name` (relative to `cwd`).
fn named_text(name: &Path, cwd: &Path, classifier: &mut Classifier, origin: impl FnOnce() -> Origin) -> Option<Source> {
    let absolute = absolute_lexical(cwd, name);
    let file_name = name.file_name().map(|name| name.to_string_lossy().into_owned()).unwrap_or_default();
    let source_type = classifier.classify(&file_name, &absolute)?;
    Some(Source::in_memory(display_path(cwd, &absolute), source_type, origin()))
}
