//! Which files are analysed, and with which grammar: the file name decides the grammar, and the nearest
//! package.json decides whether a `.js` (or `.jsx`, `.ts`, `.tsx`) file is an ES module that CommonJS rules do not
//! concern.

mod package_type;

use std::collections::BTreeSet;
use std::path::Path;

use exportfix_transforms::{FileClass, SourceType};

use package_type::PackageTypeCache;

/// Classifies files, remembering each directory's package type across calls.
#[derive(Debug, Default)]
pub struct Classifier {
    package_types: PackageTypeCache,
    /// The extensions to analyse (lower-case, no dot), when the configuration narrows them.
    extensions: Option<BTreeSet<String>>,
    /// Files skipped because they are ES modules (`.mjs`/`.mts`, or in a `"type": "module"` package).
    pub es_modules_skipped: usize,
}

impl Classifier {
    pub fn with_extensions(extensions: Option<BTreeSet<String>>) -> Self {
        Classifier { extensions, ..Classifier::default() }
    }

    /// The grammar to analyse a file with, or `None` when the file is skipped: not JavaScript or TypeScript,
    /// an `.mjs`/`.mts` module, a declaration file, or in a `"type": "module"` package.
    ///
    /// `file_name` is the name the user or the walk gave the file; `real_path` is where it really is (symlinks
    /// resolved), which is where Node would look for its package.json.
    pub fn classify(&mut self, file_name: &str, real_path: &Path) -> Option<SourceType> {
        let source_type = match SourceType::classify(file_name) {
            FileClass::Analyze(source_type) => source_type,
            FileClass::Excluded(exportfix_transforms::Exclusion::EsModuleExtension) => {
                self.es_modules_skipped += 1;
                return None;
            }
            _ => return None,
        };
        if let Some(extensions) = &self.extensions {
            let extension = file_name.rsplit_once('.').map(|(_, extension)| extension.to_ascii_lowercase());
            if !extension.is_some_and(|extension| extensions.contains(&extension)) {
                return None;
            }
        }
        let in_module_package = SourceType::follows_package_type(file_name)
            && real_path.parent().is_some_and(|directory| self.package_types.is_module_scope(directory));
        if in_module_package {
            self.es_modules_skipped += 1;
            return None;
        }
        Some(source_type)
    }
}
