//! Applying fixes: merge the applicable edits, splice them into the original text, and prove the result.

use std::collections::{BTreeMap, HashSet};

use crate::budget::TooComplex;
use crate::diagnostic::{Edit, Finding};
use crate::parse::{recoverable_error_count, AnalysisError, SyntaxError};
use crate::{analyze, Analysis, Settings, SourceType};

/// How many rounds of analyse-and-edit may run before the fix is declared not to converge. Each round applies
/// every non-conflicting edit; a fix that conflicts with another waits for the next round.
const MAX_ROUNDS: usize = 8;

/// The result of fixing one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FixOutcome {
    /// The findings in the original text.
    pub analysis: Analysis,
    /// The fixed text, when at least one edit applied.
    pub fixed: Option<String>,
    /// The findings still present in the fixed text (the original ones when nothing applied).
    pub remaining: Vec<Finding>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FixError {
    /// The original text does not parse.
    Syntax(SyntaxError),
    /// Analysing the original text would cost more than its size allows.
    TooComplex(TooComplex),
    /// The fixes produced text that does not parse or does not settle: nothing may be written.
    Unverified { message: String },
}

impl std::fmt::Display for FixError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FixError::Syntax(error) => write!(f, "{error}"),
            FixError::TooComplex(error) => write!(f, "{error}"),
            FixError::Unverified { message } => {
                write!(f, "internal error, the file is left unchanged: {message}")
            }
        }
    }
}

/// Analyses `source` and applies its fixes (safe ones, and unsafe ones too when `include_unsafe`), repeating until
/// nothing more applies. The fixed text is re-parsed after every round; if it ever fails to parse, or the rounds
/// do not settle, the whole fix is refused with [`FixError::Unverified`].
pub fn fix(
    source: &str,
    source_type: SourceType,
    settings: &Settings,
    include_unsafe: bool,
) -> Result<FixOutcome, FixError> {
    let analysis = analyze(source, source_type, settings).map_err(|error| match error {
        AnalysisError::Syntax(error) => FixError::Syntax(error),
        AnalysisError::TooComplex(error) => FixError::TooComplex(error),
    })?;
    let mut current: Option<String> = None;
    let mut findings = analysis.findings().to_vec();

    for _ in 0..MAX_ROUNDS {
        let text = current.as_deref().unwrap_or(source);
        let Some(next) = apply_fixes(text, &findings, include_unsafe) else {
            return Ok(FixOutcome { analysis, fixed: current, remaining: findings });
        };
        findings = match analyze(&next, source_type, settings) {
            Ok(reanalysis) => reanalysis.findings().to_vec(),
            Err(error) => {
                return Err(FixError::Unverified { message: format!("the fixed text would not parse ({error})") })
            }
        };
        // swc recovers from some errors Node rejects (`var a.b;`): the fix must not add any.
        let errors_before = recoverable_error_count(text, source_type);
        let errors_after = recoverable_error_count(&next, source_type);
        if errors_after > errors_before {
            return Err(FixError::Unverified {
                message: "the fixed text would have syntax errors the original does not have".to_owned(),
            });
        }
        current = Some(next);
    }
    Err(FixError::Unverified { message: format!("fixes did not settle after {MAX_ROUNDS} rounds") })
}

/// Applies every applicable fix whose edits do not conflict with an earlier one; `None` when nothing changes.
/// Two fixes may share identical edits (several findings repaired by one rewrite): a shared edit is applied once.
/// Linear in the edits (up to a logarithm), however many findings share them.
pub fn apply_fixes(source: &str, findings: &[Finding], include_unsafe: bool) -> Option<String> {
    let edits = merge_edits(findings, include_unsafe);
    let mut output = String::with_capacity(source.len() + 64 * edits.len());
    let mut cursor = 0;
    for edit in edits {
        output.push_str(source.get(cursor..edit.range.start)?);
        output.push_str(&edit.replacement);
        cursor = edit.range.end;
    }
    output.push_str(source.get(cursor..)?);
    (output != source).then_some(output)
}

/// The edits one round of [`apply_fixes`] makes: every applicable fix whose edits do not conflict with an earlier
/// one, shared edits once, sorted by start and non-overlapping. An editor applies these as one fix-all.
pub fn merge_edits(findings: &[Finding], include_unsafe: bool) -> Vec<&Edit> {
    let mut accepted = Accepted::default();
    let mut seen_lists = HashSet::new();
    for fix in findings.iter().filter_map(|finding| finding.applicable_fix(include_unsafe)) {
        // The findings of one rewrite share one list: once it is decided, deciding it again changes nothing.
        if !seen_lists.insert(fix.edits.as_ptr()) {
            continue;
        }
        let fresh: Vec<&Edit> = fix.edits.iter().filter(|edit| !accepted.contains(edit)).collect();
        if !fresh.iter().any(|edit| accepted.conflicts_with(edit)) {
            for edit in fresh {
                accepted.insert(edit);
            }
        }
    }
    accepted.by_start.into_values().collect()
}

/// The edits accepted so far: pairwise non-overlapping, so at most one starts at any offset, and an edit can only
/// overlap the accepted one starting at or before it, or the first one starting after it.
#[derive(Default)]
struct Accepted<'f> {
    by_start: BTreeMap<usize, &'f Edit>,
}

impl<'f> Accepted<'f> {
    fn contains(&self, edit: &Edit) -> bool {
        self.by_start.get(&edit.range.start).is_some_and(|taken| *taken == edit)
    }

    fn conflicts_with(&self, edit: &Edit) -> bool {
        let before = self.by_start.range(..=edit.range.start).next_back();
        let after = self.by_start.range(edit.range.start + 1..).next();
        before.into_iter().chain(after).any(|(_, taken)| overlaps(&taken.range, &edit.range))
    }

    fn insert(&mut self, edit: &'f Edit) {
        self.by_start.insert(edit.range.start, edit);
    }
}

/// Whether two edits touch the same bytes, or insert at the same point (their order would be ambiguous).
fn overlaps(a: &std::ops::Range<usize>, b: &std::ops::Range<usize>) -> bool {
    a.start < b.end && b.start < a.end || a.start == b.start
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::{Applicability, Fix, RuleId};

    fn finding(edits: Vec<Edit>, applicability: Applicability) -> Finding {
        Finding {
            rule: RuleId::MixedExports,
            range: 0..0,
            line: 1,
            column: 1,
            message: String::new(),
            fix: Some(Fix { applicability, title: String::new(), edits: edits.into() }),
        }
    }

    #[test]
    fn shared_edits_apply_once_and_conflicts_wait() {
        let shared = Edit::replace(0..1, "X");
        let a = finding(vec![shared.clone(), Edit::replace(2..3, "Y")], Applicability::Safe);
        let b = finding(vec![shared, Edit::delete(4..5)], Applicability::Safe);
        let conflicting = finding(vec![Edit::replace(2..4, "Z")], Applicability::Safe);
        assert_eq!(apply_fixes("abcdef", &[a, b, conflicting], false).as_deref(), Some("XbYdf"));
    }

    #[test]
    fn unsafe_fixes_need_opt_in() {
        let unsafe_fix = finding(vec![Edit::replace(0..1, "X")], Applicability::Unsafe);
        assert_eq!(apply_fixes("ab", std::slice::from_ref(&unsafe_fix), false), None);
        assert_eq!(apply_fixes("ab", &[unsafe_fix], true).as_deref(), Some("Xb"));
    }
}
