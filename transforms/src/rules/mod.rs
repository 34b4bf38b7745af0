//! The rules. Each lives in its own file with its documentation and its pass/fail/fix tables; this module runs
//! them over one file's export model and turns their violations into located findings.

mod exports_reassign;
mod lost_export;
mod mixed_exports;
mod prefer_module_exports;
mod rescue;
mod rewrite;
#[cfg(test)]
mod table;

use std::ops::Range;

use crate::budget::TooComplex;
use crate::diagnostic::{Applicability, Finding, Fix, RuleId};
use crate::model::{Assignment, ExportModel, Usage};
use crate::text::LineIndex;
use crate::{Settings, Style};
use rescue::Rescue;
use rewrite::RewritePlan;

/// What a rule reports, before it is located in lines and columns.
pub struct Violation {
    pub rule: RuleId,
    pub range: Range<usize>,
    pub message: String,
    /// The fix title and its applicability, when the file's rewrite applies to this violation.
    pub fix: Option<(&'static str, Applicability)>,
}

/// Everything the rules share about one file.
pub struct Context<'m, 'a> {
    pub model: &'m ExportModel<'a>,
    pub plan: RewritePlan,
    /// The merge that rescues writes running before `module.exports = { … }`, when the file has one: then its
    /// edits are the file's fix.
    pub rescue: Option<Rescue>,
    pub line_index: LineIndex<'a>,
}

impl Context<'_, '_> {
    /// Whether `module.exports` is reassigned other than by a linking idiom.
    pub fn reassigns_module_exports(&self) -> bool {
        self.module_exports_assignments().any(|assignment| !assignment.links)
    }

    /// Whether `module.exports` is given a value of its own (anything but `{}` in a linking idiom), which an
    /// `exports = X` elsewhere would compete with.
    pub fn module_exports_has_own_value(&self) -> bool {
        self.module_exports_assignments().any(|assignment| !assignment.links || !assignment.shape.empty_object)
    }

    fn module_exports_assignments(&self) -> impl Iterator<Item = &Assignment> {
        self.model
            .original
            .references
            .iter()
            .filter(|reference| !reference.is_exports() && matches!(reference.usage, Usage::Assign(_)))
            .filter_map(|reference| reference.assignment.as_ref())
    }

    /// Whether a style rewrite may run: the module works (neither binding is reassigned, or every use of
    /// `exports` is the exported object), and the code does not probe for `exports`/`module` (where one may exist
    /// without the other, swapping them is not harmless).
    pub fn style_rewrite_allowed(&self) -> bool {
        self.plan.preserving
            && self.plan.edits.is_some()
            && (!self.reassigns_module_exports() || self.exports_is_always_the_export())
            && !self.model.original.probes_environment
    }

    /// Whether every use of `exports` outside the linking idioms is the object exported at the end: after
    /// `module.exports = X; exports = module.exports;` (a resync) the two names are one object again.
    fn exports_is_always_the_export(&self) -> bool {
        let trace = &self.model.original;
        !trace.opaque
            && trace
                .references
                .iter()
                .filter(|reference| reference.is_exports() && reference.reachable && reference.usage != Usage::Typeof)
                .filter(|reference| !reference.assignment.as_ref().is_some_and(|assignment| assignment.links))
                .all(|reference| trace.reaches_original(reference) == Some(true))
    }

    pub fn line(&self, offset: usize) -> usize {
        self.line_index.line_column(offset).0
    }

    /// What a repair's message ends with: why it has no fix, or why its fix is unsafe (the plan's doubt, else the
    /// rule's own `doubt`); empty when the fix is safe.
    pub fn repair_reason(&self, doubt: Option<&str>) -> String {
        if self.plan.edits.is_none() {
            let why = self.plan.why_no_edits(&|offset| self.line(offset));
            return why.map_or_else(String::new, |reason| format!("; there is no fix: {reason}"));
        }
        match self.plan.doubt.as_deref().or(doubt) {
            Some(reason) => format!("; the fix is unsafe: {reason}"),
            None => String::new(),
        }
    }
}

/// Why a repair is unsafe in code that tests for `exports` or `module`.
pub const PROBES_ENVIRONMENT: &str =
    "the code tests `typeof exports` or `typeof module`, so it may run where one exists without the other";

/// Whether the module's own `exports` is used other than as a `typeof` operand. Every rule needs such a use
/// (an assignment, a property write, or a use beside `module.exports`), so without one the rewrite plan and its
/// simulations are skipped. The lexical pre-filter ([`crate::prefilter`]) rests on the same fact.
fn uses_exports(model: &ExportModel<'_>) -> bool {
    model.original.references.iter().any(|reference| reference.is_exports() && reference.usage != Usage::Typeof)
}

pub fn check(model: &ExportModel<'_>, source: &str, settings: &Settings) -> Result<Vec<Finding>, TooComplex> {
    if model.unanalysable.is_some() || !uses_exports(model) {
        return Ok(Vec::new());
    }
    let plan = RewritePlan::new(model)?;
    let rescue = Rescue::new(model, &plan);
    let context = Context { model, plan, rescue, line_index: LineIndex::new(source) };
    let mut violations = exports_reassign::check(&context);
    violations.extend(lost_export::check(&context));
    if violations.is_empty() {
        violations.extend(mixed_exports::check(&context));
        if settings.style == Style::ModuleExports {
            violations.extend(prefer_module_exports::check(&context));
        }
    }
    // One rewrite serves every finding of the file, so they share its edits and its weakest applicability.
    let applicability = violations
        .iter()
        .filter_map(|violation| violation.fix.map(|(_, applicability)| applicability))
        .max()
        .unwrap_or(Applicability::Safe);
    let mut findings: Vec<Finding> = violations
        .into_iter()
        .map(|violation| {
            let (line, column) = context.line_index.line_column(violation.range.start);
            let fix = violation.fix.and_then(|(title, _)| {
                let edits = match &context.rescue {
                    Some(rescue) => Some(rescue.edits.clone()),
                    None => context.plan.edits.clone(),
                };
                edits.map(|edits| Fix { applicability, title: title.to_owned(), edits })
            });
            Finding { rule: violation.rule, range: violation.range, line, column, message: violation.message, fix }
        })
        .collect();
    findings.sort_by_key(|finding| (finding.range.start, finding.rule));
    Ok(findings)
}
