//! Which files are analysed, and with which grammar: the file name decides the grammar, and the nearest
//! package.json decides whether a `.js` (or `.jsx`, `.ts`, `.tsx`) file is an ES module that CommonJS rules do not
//! concern.

mod package_type;

use std::path::Path;

use exportfix_transforms::{FileClass, SourceType};

use package_type::PackageTypeCache;

/// Classifies files, remembering each directory's package type across calls.
#[derive(Debug, Default)]
pub struct Classifier {
    package_types: PackageTypeCache,
}

impl Classifier {
    /// The grammar to analyse a file with, or `None` when the file is skipped: not JavaScript or TypeScript,
    /// an `.mjs`/`.mts` module, a declaration file, or in a `"type": "module"` package.
    ///
    /// `file_name` is the name the user or the walk gave the file; `real_path` is where it really is (symlinks
    /// resolved), which is where Node would look for its package.json.
    pub fn classify(&mut self, file_name: &str, real_path: &Path) -> Option<SourceType> {
        let FileClass::Analyze(source_type) = SourceType::classify(file_name) else {
            return None;
        };
        let in_module_package = SourceType::follows_package_type(file_name)
            && real_path.parent().is_some_and(|directory| self.package_types.is_module_scope(directory));
        (!in_module_package).then_some(source_type)
    }
}
