//! The `"type"` of the package a file belongs to, found the way Node finds it: the nearest package.json above the
//! file, not looking past a `node_modules` directory.

use std::collections::HashMap;
use std::fs;
use std::path::{Path, PathBuf};

/// Whether each directory visited so far lies in a `"type": "module"` package. Files in one directory share the
/// answer, and so do the directories under one package root, so most lookups hit the cache.
#[derive(Debug, Default)]
pub struct PackageTypeCache {
    module_scope_by_directory: HashMap<PathBuf, bool>,
}

impl PackageTypeCache {
    /// Whether the nearest package.json at or above `directory` says `"type": "module"`.
    pub fn is_module_scope(&mut self, directory: &Path) -> bool {
        // Collect the directories up to the first one whose answer is known or that decides it, then record the
        // answer for all of them: a loop rather than recursion, and every directory is read at most once.
        let mut unresolved = Vec::new();
        let mut current = Some(directory);
        let answer = loop {
            let Some(dir) = current else {
                break false;
            };
            if let Some(&known) = self.module_scope_by_directory.get(dir) {
                break known;
            }
            unresolved.push(dir.to_path_buf());
            // Node never treats a package.json directly inside node_modules as a package scope, and stops there.
            if dir.file_name().is_some_and(|name| name == "node_modules") {
                break false;
            }
            if let Some(package_type) = read_package_type(&dir.join("package.json")) {
                break package_type == PackageType::Module;
            }
            current = dir.parent();
        };
        for dir in unresolved {
            self.module_scope_by_directory.insert(dir, answer);
        }
        answer
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum PackageType {
    Module,
    CommonJs,
}

/// The type a package.json declares; `None` when there is no package.json file here. A package.json that cannot
/// be read or is not valid JSON still ends the search, as having no `"type"` (CommonJS).
fn read_package_type(path: &Path) -> Option<PackageType> {
    if !fs::metadata(path).is_ok_and(|metadata| metadata.is_file()) {
        return None;
    }
    let declared_module = fs::read(path)
        .ok()
        .and_then(|bytes| serde_json::from_slice::<serde_json::Value>(&bytes).ok())
        .is_some_and(|manifest| manifest.get("type").and_then(|t| t.as_str()) == Some("module"));
    Some(if declared_module { PackageType::Module } else { PackageType::CommonJs })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_package_json_wins_and_node_modules_stops_the_search() {
        let root = tempfile::tempdir().unwrap();
        let base = root.path();
        fs::write(base.join("package.json"), r#"{"type":"module"}"#).unwrap();
        fs::create_dir_all(base.join("src/deep")).unwrap();
        fs::create_dir_all(base.join("cjs")).unwrap();
        fs::write(base.join("cjs/package.json"), r#"{"name":"x"}"#).unwrap();
        fs::create_dir_all(base.join("broken")).unwrap();
        fs::write(base.join("broken/package.json"), "{not json").unwrap();
        fs::create_dir_all(base.join("node_modules/dep")).unwrap();

        let mut cache = PackageTypeCache::default();
        assert!(cache.is_module_scope(&base.join("src/deep")));
        assert!(cache.is_module_scope(&base.join("src")));
        assert!(!cache.is_module_scope(&base.join("cjs")));
        assert!(!cache.is_module_scope(&base.join("broken")));
        assert!(!cache.is_module_scope(&base.join("node_modules/dep")));
    }
}
