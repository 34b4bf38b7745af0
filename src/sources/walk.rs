//! Turning the command line's paths into the list of files to analyse.
//!
//! Directories are walked in parallel with the `ignore` crate: .gitignore (even outside a git repository), .ignore and git's
//! exclude files are honoured unless `--no-ignore`, hidden files and directories are skipped, `--exclude` globs
//! prune, and symbolic links met while walking are not followed (a link usually points at a file that is walked
//! anyway, and links to directories can loop). `node_modules` gets no special treatment: it is skipped when a
//! .gitignore says so, and walked when the user points exportfix at it.
//!
//! A path named on the command line is always considered, whatever the ignore files and `--exclude` say, and a
//! named symbolic link is followed. Files are then classified (see [`super::classify`]); those that are not
//! CommonJS JavaScript or TypeScript are skipped silently. Whatever order the walkers find files in, the result
//! is sorted by path, so output is deterministic.

use std::collections::HashMap;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use exportfix_transforms::{FileClass, SourceType};
use ignore::{WalkBuilder, WalkState};

use super::classify::Classifier;
use super::exclude::ExcludeSet;
use super::paths::{absolute_lexical, display_path};
use super::Source;
use crate::report::FileError;

#[derive(Debug, Default)]
pub struct Discovery {
    /// Sorted by display path, each file once.
    pub files: Vec<Source>,
    pub errors: Vec<FileError>,
    /// Files and directories left out by exclude globs while walking (a directory counts once).
    pub excluded: usize,
}

pub struct WalkOptions<'a> {
    pub cwd: &'a Path,
    pub honour_ignore_files: bool,
    pub excludes: &'a ExcludeSet,
    /// Directory-reading threads.
    pub threads: usize,
    /// The directory of the config file: exclude globs are also matched relative to it.
    pub config_root: Option<&'a Path>,
}

/// A regular file a walk found, before classification.
struct Found {
    display: String,
    real_path: PathBuf,
    file_name: String,
    /// From the walk's metadata, for the files exportfix may analyse; 0 for the others.
    size: u64,
}

pub fn discover(paths: &[PathBuf], options: &WalkOptions<'_>, classifier: &mut Classifier) -> Discovery {
    let mut discovery = Discovery::default();
    // Keyed by the real path so that a file reached twice (named twice, named and walked, through a link) is
    // analysed, and written, once.
    let mut files = HashMap::new();
    let real_cwd = fs::canonicalize(options.cwd).unwrap_or_else(|_| options.cwd.to_path_buf());
    for path in paths {
        let absolute = absolute_lexical(options.cwd, path);
        let display = display_path(options.cwd, &absolute);
        let link_metadata = match fs::symlink_metadata(path) {
            Ok(metadata) => metadata,
            Err(error) => {
                discovery.errors.push(FileError::new(display, describe_missing(&error)));
                continue;
            }
        };
        let real_path = match fs::canonicalize(path) {
            Ok(real_path) => real_path,
            Err(error) if link_metadata.file_type().is_symlink() => {
                let message = if error.kind() == io::ErrorKind::NotFound {
                    "broken symbolic link: its target does not exist".to_owned()
                } else {
                    format!("cannot follow symbolic link: {error}")
                };
                discovery.errors.push(FileError::new(display, message));
                continue;
            }
            Err(error) => {
                discovery.errors.push(FileError::new(display, format!("cannot open: {error}")));
                continue;
            }
        };
        let metadata = match fs::metadata(&real_path) {
            Ok(metadata) => metadata,
            Err(error) => {
                discovery.errors.push(FileError::new(display, format!("cannot open: {error}")));
                continue;
            }
        };
        let via_link = through_link(options.cwd, &real_cwd, &absolute, &real_path);
        if metadata.is_dir() {
            let walked = walk_directory(path, &absolute, &real_path, options);
            discovery.errors.extend(walked.errors);
            discovery.excluded += walked.excluded;
            for found in walked.files {
                let Some(source_type) = classifier.classify(&found.file_name, &found.real_path) else {
                    continue;
                };
                files
                    .entry(found.real_path.clone())
                    .or_insert_with(|| Source::file(found.display, found.real_path, via_link, source_type, found.size));
            }
            continue;
        }
        let file_name = path.file_name().map(|name| name.to_string_lossy().into_owned()).unwrap_or_default();
        let Some(source_type) = classifier.classify(&file_name, &real_path) else {
            continue;
        };
        if !metadata.is_file() {
            // A FIFO or device would block or never end; only regular files are read.
            discovery.errors.push(FileError::new(display, "not a regular file"));
            continue;
        }
        let size = metadata.len();
        files.entry(real_path.clone()).or_insert_with(|| Source::file(display, real_path, via_link, source_type, size));
    }
    discovery.files = files.into_values().collect();
    discovery.files.sort_by(|a, b| a.display.cmp(&b.display));
    discovery
}

/// Whether a path reaches its file through a symbolic link: its resolved form is not where its lexical form says.
fn through_link(cwd: &Path, real_cwd: &Path, absolute: &Path, real_path: &Path) -> bool {
    let expected = match absolute.strip_prefix(cwd) {
        Ok(relative) => real_cwd.join(relative),
        Err(_) => absolute.to_path_buf(),
    };
    expected != real_path
}

#[derive(Default)]
struct Walked {
    /// Sorted by display path.
    files: Vec<Found>,
    errors: Vec<FileError>,
    excluded: usize,
}

/// Walks one directory named on the command line. `root` is the path as given (ignore files are found relative
/// to it), `absolute_root` its lexical absolute form (for display), `real_root` its resolved form (for reading).
fn walk_directory(root: &Path, absolute_root: &Path, real_root: &Path, options: &WalkOptions<'_>) -> Walked {
    let mut builder = WalkBuilder::new(root);
    builder.standard_filters(true).require_git(false).follow_links(false).threads(options.threads);
    if !options.honour_ignore_files {
        builder.ignore(false).git_ignore(false).git_global(false).git_exclude(false).parents(false);
    }
    let excluded = Arc::new(AtomicUsize::new(0));
    if !options.excludes.is_empty() {
        let excludes = options.excludes.clone();
        let root = root.to_path_buf();
        let absolute_root = absolute_root.to_path_buf();
        let cwd = options.cwd.to_path_buf();
        let config_root = options.config_root.map(Path::to_path_buf);
        let excluded = Arc::clone(&excluded);
        builder.filter_entry(move |entry| {
            // The root was named by the user: it is never excluded.
            if entry.depth() == 0 {
                return true;
            }
            let relative = entry.path().strip_prefix(&root).unwrap_or(entry.path());
            let absolute = absolute_root.join(relative);
            let from_cwd = absolute.strip_prefix(&cwd).unwrap_or(&absolute);
            let mut names = vec![relative, from_cwd, Path::new(entry.file_name())];
            if let Some(from_config) =
                config_root.as_deref().and_then(|config_root| absolute.strip_prefix(config_root).ok())
            {
                names.push(from_config);
            }
            let keep = !excludes.excludes(&names);
            if !keep {
                excluded.fetch_add(1, Ordering::Relaxed);
            }
            keep
        });
    }

    let walked = Mutex::new(Walked::default());
    builder.build_parallel().run(|| {
        Box::new(|result| {
            let outcome = match result {
                Ok(entry) if entry.file_type().is_some_and(|file_type| file_type.is_file()) => {
                    let relative = entry.path().strip_prefix(root).unwrap_or(entry.path());
                    let file_name = entry.file_name().to_string_lossy().into_owned();
                    // Sizes order the work (largest first); only the files that may be analysed cost a `stat`.
                    let may_analyse = matches!(SourceType::classify(&file_name), FileClass::Analyze(_));
                    let size = if may_analyse { entry.metadata().map_or(0, |metadata| metadata.len()) } else { 0 };
                    Ok(Found {
                        display: display_path(options.cwd, &absolute_root.join(relative)),
                        real_path: real_root.join(relative),
                        file_name,
                        size,
                    })
                }
                Ok(_) => return WalkState::Continue,
                Err(error) => Err(walk_error(&error, options.cwd, absolute_root)),
            };
            // A poisoned lock only means another walker panicked; the data it guards is still whole.
            let mut walked = walked.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
            match outcome {
                Ok(found) => walked.files.push(found),
                Err(error) => walked.errors.push(error),
            }
            WalkState::Continue
        })
    });
    let mut walked = walked.into_inner().unwrap_or_else(|poisoned| poisoned.into_inner());
    walked.excluded = excluded.load(Ordering::Relaxed);
    walked.files.sort_by(|a, b| a.display.cmp(&b.display));
    walked
}

fn describe_missing(error: &io::Error) -> String {
    if error.kind() == io::ErrorKind::NotFound {
        "no such file or directory".to_owned()
    } else {
        format!("cannot open: {error}")
    }
}

/// A walk error (typically a directory that cannot be read) named by the path it concerns.
fn walk_error(error: &ignore::Error, cwd: &Path, absolute_root: &Path) -> FileError {
    let (path, cause) = split_path(error);
    let display = match path {
        Some(path) => display_path(cwd, &absolute_lexical(cwd, path)),
        None => display_path(cwd, absolute_root),
    };
    FileError::new(display, format!("cannot read: {cause}"))
}

fn split_path(error: &ignore::Error) -> (Option<&Path>, String) {
    match error {
        ignore::Error::WithPath { path, err } => (Some(path), err.to_string()),
        ignore::Error::WithDepth { err, .. } => split_path(err),
        other => (None, other.to_string()),
    }
}
