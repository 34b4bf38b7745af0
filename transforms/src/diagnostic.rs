//! What an analysis reports: findings, their fixes and the edits those fixes are made of.

use std::fmt;
use std::ops::Range;
use std::sync::Arc;

/// The rules exportfix knows, by their stable ids.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum RuleId {
    ExportsReassign,
    LostExport,
    MixedExports,
    PreferModuleExports,
}

impl RuleId {
    pub const ALL: [RuleId; 4] =
        [RuleId::ExportsReassign, RuleId::LostExport, RuleId::MixedExports, RuleId::PreferModuleExports];

    /// The stable id (from the rule table, [`RuleId::meta`]).
    pub fn as_str(self) -> &'static str {
        self.meta().id
    }
}

impl fmt::Display for RuleId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Whether a fix may be applied without the user asking for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Applicability {
    /// Applied by `fix`: keeps a working module's exports, or repairs a broken one the one way its author meant.
    Safe,
    /// Applied only with `--unsafe`: the intent is ambiguous or the rewrite may change what is exported.
    Unsafe,
}

/// Replace the bytes `range` of the original text with `replacement`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Edit {
    pub range: Range<usize>,
    pub replacement: String,
}

impl Edit {
    pub fn replace(range: Range<usize>, replacement: impl Into<String>) -> Self {
        Edit { range, replacement: replacement.into() }
    }

    pub fn delete(range: Range<usize>) -> Self {
        Edit { range, replacement: String::new() }
    }
}

/// A set of edits that must be applied together, or not at all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fix {
    pub applicability: Applicability,
    /// What the fix does, imperative: "Assign to `module.exports`".
    pub title: String,
    /// Sorted by start, non-overlapping. Shared: every finding of a file carries the one rewrite's edits, so a
    /// file with many findings holds them once, not once per finding.
    pub edits: Arc<[Edit]>,
}

/// One reported problem, located in the original text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub rule: RuleId,
    /// Byte range in the original text (BOM included) of the offending code.
    pub range: Range<usize>,
    /// 1-based line of `range.start`.
    pub line: usize,
    /// 1-based column of `range.start`, counted in Unicode scalar values (characters) from the line start.
    pub column: usize,
    pub message: String,
    pub fix: Option<Fix>,
}

impl Finding {
    /// The fix, when one exists and `include_unsafe` admits its applicability.
    pub fn applicable_fix(&self, include_unsafe: bool) -> Option<&Fix> {
        self.fix.as_ref().filter(|fix| include_unsafe || fix.applicability == Applicability::Safe)
    }
}
