//! `--exclude` globs: which walked files and directories to leave out.

use std::path::Path;

use anyhow::Context;
use globset::{GlobBuilder, GlobSet, GlobSetBuilder};

/// The compiled `--exclude` globs. `*` and `?` stop at `/` and `**` crosses it, as in .gitignore, so
/// `--exclude 'src/*.js'` does not reach into `src/lib/`; a glob without `/`, such as `*.test.js` or `vendor`,
/// is meant for names and is matched against every file and directory name.
#[derive(Debug, Clone)]
pub struct ExcludeSet {
    globs: GlobSet,
}

impl ExcludeSet {
    pub fn new(patterns: &[String]) -> anyhow::Result<Self> {
        let mut builder = GlobSetBuilder::new();
        for pattern in patterns {
            let glob = GlobBuilder::new(pattern)
                .literal_separator(true)
                .backslash_escape(true)
                .build()
                .with_context(|| format!("invalid --exclude glob `{pattern}`"))?;
            builder.add(glob);
        }
        let globs = builder.build().context("cannot compile the --exclude globs")?;
        Ok(ExcludeSet { globs })
    }

    pub fn is_empty(&self) -> bool {
        self.globs.is_empty()
    }

    /// Whether any of the ways to name one entry (its path relative to the walk root, relative to the working
    /// directory, its file name) matches an exclude glob.
    pub fn excludes(&self, names: &[&Path]) -> bool {
        names.iter().any(|name| self.globs.is_match(name))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(patterns: &[&str]) -> ExcludeSet {
        let patterns: Vec<String> = patterns.iter().map(|p| p.to_string()).collect();
        ExcludeSet::new(&patterns).unwrap()
    }

    #[test]
    fn star_stays_within_a_component() {
        let excludes = set(&["src/*.js", "gen/**"]);
        assert!(excludes.excludes(&[Path::new("src/a.js")]));
        assert!(!excludes.excludes(&[Path::new("src/lib/a.js")]));
        assert!(excludes.excludes(&[Path::new("gen/deep/x.js")]));
    }

    #[test]
    fn rejects_bad_globs() {
        assert!(ExcludeSet::new(&["a[".to_string()]).is_err());
    }
}
