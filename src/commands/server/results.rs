//! What the server knows about one version of a document after analysing it: its diagnostics, a quick fix per
//! fixable finding and the file's safe fix-all, already in the client's positions. Built on the analysis thread,
//! so that answering a code action request is only filtering.

use exportfix_transforms::{merge_edits, Applicability, Edit, Finding, Level};
use lsp_types::{CodeDescription, Diagnostic, DiagnosticSeverity, NumberOrString, TextEdit, Url};

use super::encoding::Lines;
use crate::pipeline::Analysed;
use crate::report::FileError;

pub const SOURCE: &str = "exportfix";

/// The results for one document version.
#[derive(Debug, Default)]
pub struct FileResults {
    pub diagnostics: Vec<Diagnostic>,
    pub quick_fixes: Vec<QuickFix>,
    /// The edits of `exportfix fix` on this text (safe fixes only), when they change it.
    pub fix_all: Option<Vec<TextEdit>>,
}

/// The fix of one diagnostic.
#[derive(Debug)]
pub struct QuickFix {
    pub diagnostic: Diagnostic,
    pub title: String,
    pub safe: bool,
    pub edits: Vec<TextEdit>,
}

impl FileResults {
    /// One diagnostic and nothing else: a problem that is not a finding (a syntax error, a bad config file).
    pub fn problem(diagnostic: Diagnostic) -> Self {
        FileResults { diagnostics: vec![diagnostic], ..FileResults::default() }
    }
}

/// The results of the pipeline's analysis of `text`.
pub fn from_analysis(text: &str, analysed: &Analysed, lines: &Lines<'_>) -> FileResults {
    if let Some(error) = &analysed.report.error {
        return FileResults::problem(error_diagnostic(error, text, lines));
    }
    let findings = &analysed.report.findings;
    let mut results = FileResults::default();
    for finding in findings {
        let diagnostic = finding_diagnostic(finding, lines);
        if let Some(fix) = &finding.fix {
            let safe = fix.applicability == Applicability::Safe;
            let title = if safe {
                fix.title.clone()
            } else {
                format!("{} (unsafe: may change what the module exports)", fix.title)
            };
            let edits = fix.edits.iter().map(|edit| text_edit(edit, lines)).collect();
            results.quick_fixes.push(QuickFix { diagnostic: diagnostic.clone(), title, safe, edits });
        }
        results.diagnostics.push(diagnostic);
    }
    results.fix_all = analysed.rewrite.as_ref().map(|rewrite| fix_all_edits(text, findings, &rewrite.fixed, lines));
    results
}

/// The engine's merged span edits when they give exactly what `exportfix fix` writes; when a fix needed more than
/// one round, the one edit spanning everything that changed (a later round's edits are against a text the
/// editor never had).
fn fix_all_edits(text: &str, findings: &[Finding], fixed: &str, lines: &Lines<'_>) -> Vec<TextEdit> {
    let edits = merge_edits(findings, false);
    if splice(text, &edits).as_deref() == Some(fixed) {
        return edits.into_iter().map(|edit| text_edit(edit, lines)).collect();
    }
    let prefix = common_prefix(text, fixed);
    let suffix = common_suffix(&text[prefix..], &fixed[prefix..]);
    let edit = Edit::replace(prefix..text.len() - suffix, &fixed[prefix..fixed.len() - suffix]);
    vec![text_edit(&edit, lines)]
}

fn splice(text: &str, edits: &[&Edit]) -> Option<String> {
    let mut output = String::with_capacity(text.len());
    let mut cursor = 0;
    for edit in edits {
        output.push_str(text.get(cursor..edit.range.start)?);
        output.push_str(&edit.replacement);
        cursor = edit.range.end;
    }
    output.push_str(text.get(cursor..)?);
    Some(output)
}

/// Byte lengths of the common prefix and suffix, on character boundaries.
fn common_prefix(a: &str, b: &str) -> usize {
    a.char_indices().zip(b.chars()).find(|((_, x), y)| x != y).map_or(a.len().min(b.len()), |((index, _), _)| index)
}

fn common_suffix(a: &str, b: &str) -> usize {
    a.chars().rev().zip(b.chars().rev()).take_while(|(x, y)| x == y).map(|(x, _)| x.len_utf8()).sum()
}

fn text_edit(edit: &Edit, lines: &Lines<'_>) -> TextEdit {
    TextEdit { range: lines.range(&edit.range), new_text: edit.replacement.clone() }
}

fn finding_diagnostic(finding: &Finding, lines: &Lines<'_>) -> Diagnostic {
    let meta = finding.rule.meta();
    Diagnostic {
        range: lines.range(&finding.range),
        severity: Some(match meta.level {
            Level::Error => DiagnosticSeverity::ERROR,
            Level::Warning => DiagnosticSeverity::WARNING,
        }),
        code: Some(NumberOrString::String(meta.id.to_owned())),
        code_description: Url::parse(&meta.docs_url()).ok().map(|href| CodeDescription { href }),
        source: Some(SOURCE.to_owned()),
        message: finding.message.clone(),
        ..Diagnostic::default()
    }
}

/// An error as the CLI reports it, at its place (one character wide) or at the start of the file.
fn error_diagnostic(error: &FileError, text: &str, lines: &Lines<'_>) -> Diagnostic {
    let start = error.location.map_or(0, |at| lines.offset_of_line_column(at.line, at.column));
    let end = text[start..].chars().next().filter(|&c| c != '\n' && c != '\r').map_or(start, |c| start + c.len_utf8());
    problem_diagnostic(lines.range(&(start..end)), error.message.clone())
}

/// A diagnostic that is not a rule's finding: always an error, with no code.
pub fn problem_diagnostic(range: lsp_types::Range, message: String) -> Diagnostic {
    Diagnostic {
        range,
        severity: Some(DiagnosticSeverity::ERROR),
        source: Some(SOURCE.to_owned()),
        message,
        ..Diagnostic::default()
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use exportfix_transforms::{Fix, RuleId};

    use super::super::encoding::Encoding;
    use super::*;

    #[test]
    fn fix_all_uses_the_engines_edits_or_one_edit_when_a_later_round_changed_more() {
        let text = "exports.a = 1;\nexports.b = 2;\n";
        let edit = Edit::replace(0..0, "module.");
        let fix = Fix { applicability: Applicability::Safe, title: String::new(), edits: Arc::from(vec![edit]) };
        let finding = Finding {
            rule: RuleId::MixedExports,
            range: 0..7,
            line: 1,
            column: 1,
            message: String::new(),
            fix: Some(fix),
        };
        let lines = Lines::new(text, Encoding::Utf16);
        let one_round = "module.exports.a = 1;\nexports.b = 2;\n";
        let edits = fix_all_edits(text, std::slice::from_ref(&finding), one_round, &lines);
        assert_eq!(edits, [TextEdit { range: lines.range(&(0..0)), new_text: "module.".into() }]);
        let two_rounds = "module.exports.a = 1;\nmodule.exports.b = 2;\n";
        let edits = fix_all_edits(text, &[finding], two_rounds, &lines);
        let expected = TextEdit { range: lines.range(&(0..15)), new_text: "module.exports.a = 1;\nmodule.".into() };
        assert_eq!(edits, [expected]);
    }

    #[test]
    fn common_ends_stop_at_character_boundaries() {
        assert_eq!(common_prefix("aé1", "aé2"), 3);
        assert_eq!(common_suffix("1é", "2é"), 2);
        assert_eq!(common_prefix("ab", "abc"), 2);
    }
}
