//! Rescuing the writes that run before `module.exports = { … }`: merge the new value into the exports object
//! instead of replacing it.
//!
//! `exports.handler = …; …; module.exports = { signPath };` loses `handler`: the rewrite to `module.exports` cannot
//! help, since the write lands on the object the reassignment then replaces. Written as
//! `Object.assign(module.exports, { signPath });` the object the earlier writes landed on stays the export and
//! gains the literal's keys, which is what the author meant.
//!
//! The merge is offered only when it is the one reassignment in the file (no other `module.exports = …`, no
//! `exports = …`), a statement of its own, whose value is an object literal of plain data properties (see
//! [`crate::model::MergeSite`]), with the global `Object`. Then every write through `exports`, before or after it,
//! lands on the export. It is safe unless (the message says which):
//! - the exports object escapes (`var self = module.exports`, `f(exports)`): whoever holds it now holds the export;
//! - code reads either binding after the merge while the module loads, or deletes through it: it would see the
//!   earlier writes, or remove an export;
//! - a key written before the reassignment (through either name) is also written after it or is one of the
//!   literal's (or may be: a computed key, a spread): two values, or two definitions, meet on one object;
//! - the code probes `typeof module`/`typeof exports`.

use std::collections::HashSet;
use std::sync::Arc;

use crate::diagnostic::{Applicability, Edit};
use crate::model::{AssignForm, ExportModel, MergeSite, Reference, Trace, Usage};

use super::rewrite::RewritePlan;

pub struct Rescue {
    pub edits: Arc<[Edit]>,
    pub applicability: Applicability,
    /// Why the merge is unsafe, when it is.
    pub doubt: Option<String>,
    /// Where the merged reassignment starts.
    pub merged_at: usize,
}

impl Rescue {
    /// The merge that rescues the writes the rewrite cannot, when there is one.
    pub fn new(model: &ExportModel<'_>, plan: &RewritePlan) -> Option<Rescue> {
        let trace = &model.original;
        if plan.unrescuable.is_empty() || trace.opaque {
            return None;
        }
        let replaced = the_one_reassignment(trace)?;
        let site = model.merge_site(replaced.range.start).ok()?;
        let mut doubt = doubt(trace, replaced, &site);
        let edits: Vec<Edit> = match &site.writes {
            Some(writes) => {
                let indent = indentation(model.source(), site.prefix.start);
                vec![Edit::replace(site.prefix.start..site.literal_end, writes.join(&format!(";\n{indent}")))]
            }
            None => {
                if doubt.is_none() && !site.keys.is_empty() {
                    doubt = Some(
                        "ES-module importers would no longer see the new value's names (`import { a }`), which \
                         Node finds only in a literal assigned to `module.exports` or in writes to it"
                            .to_owned(),
                    );
                }
                vec![
                    Edit::replace(site.prefix.clone(), "Object.assign(module.exports, "),
                    Edit::replace(site.literal_end..site.literal_end, ")"),
                ]
            }
        };
        let applicability = if doubt.is_none() { Applicability::Safe } else { Applicability::Unsafe };
        Some(Rescue { edits: edits.into(), applicability, doubt, merged_at: replaced.range.start })
    }
}

impl Rescue {
    /// What the fix does, for the findings' messages: merges the value assigned on `line`, and why it is unsafe.
    pub fn what_it_does(&self, line: usize) -> String {
        let reason = self.doubt.as_ref().map_or_else(String::new, |doubt| format!("; the fix is unsafe: {doubt}"));
        format!("the fix merges the new value on line {line} into the exports object{reason}")
    }
}

/// The whitespace before `offset` on its line, when only whitespace precedes it there.
fn indentation(source: &str, offset: usize) -> &str {
    let head = source.get(..offset).unwrap_or_default();
    let line_start = head
        .char_indices()
        .rev()
        .find(|(_, c)| matches!(c, '\n' | '\r' | '\u{2028}' | '\u{2029}'))
        .map_or(0, |(index, c)| index + c.len_utf8());
    let before = &head[line_start..];
    if before.chars().all(|c| c == ' ' || c == '\t') {
        before
    } else {
        ""
    }
}

/// The reassignment of `module.exports`, when it is the only assignment to either binding (a top-level
/// `var exports;` aside) and runs at load, unconditionally linked to nothing.
fn the_one_reassignment(trace: &Trace) -> Option<&Reference> {
    let mut assignments = trace.references.iter().filter(|reference| match &reference.usage {
        Usage::Assign(AssignForm::VarDeclaration) => false,
        Usage::Assign(_) => true,
        _ => false,
    });
    let replaced = assignments.next()?;
    let plain = replaced.usage == Usage::Assign(AssignForm::Plain)
        && !replaced.is_exports()
        && !replaced.deferred
        && replaced.reachable
        && replaced.assignment.as_ref().is_some_and(|assignment| !assignment.links);
    (plain && assignments.next().is_none()).then_some(replaced)
}

/// Why the merge may change more than the lost writes, if it may.
fn doubt(trace: &Trace, replaced: &Reference, site: &MergeSite) -> Option<String> {
    if trace.probes_environment {
        return Some("the code probes `typeof module`/`typeof exports`".to_owned());
    }
    let position = trace.references.iter().position(|reference| std::ptr::eq(reference, replaced))?;
    let mut before = Keys::default();
    let mut after = Keys::default();
    site.keys.iter().for_each(|key| after.add(Some(key)));
    if site.open {
        after.add(None);
    }
    for (index, reference) in trace.references.iter().enumerate() {
        let later = index > position;
        match &reference.usage {
            Usage::Escape => {
                return Some("the exports object is passed on or stored, and would then be the export".to_owned());
            }
            Usage::Read if later && !reference.deferred => {
                return Some("code reads the export after the reassignment while the module loads".to_owned());
            }
            Usage::PropertyDelete { .. } if later => {
                return Some("a property is deleted after the reassignment".to_owned());
            }
            Usage::PropertyWrite { .. } => {
                // A deferred write may run on either side of the reassignment.
                for key in trace.written_keys(reference) {
                    if reference.deferred || !later {
                        before.add(key);
                    }
                    if reference.deferred || later {
                        after.add(key);
                    }
                }
            }
            _ => {}
        }
    }
    before.meets(&after)
}

/// The keys written on one side of the reassignment: before it they land on the exports object, after it (and in
/// the literal) on the new value. The merge puts both on one object.
#[derive(Default)]
struct Keys {
    known: HashSet<String>,
    unknown: bool,
}

impl Keys {
    fn add(&mut self, key: Option<&str>) {
        match key {
            Some(key) => {
                self.known.insert(key.to_owned());
            }
            None => self.unknown = true,
        }
    }

    fn is_empty(&self) -> bool {
        self.known.is_empty() && !self.unknown
    }

    /// Why two values may compete for a key once both sides land on one object.
    fn meets(&self, after: &Keys) -> Option<String> {
        if (self.unknown && !after.is_empty()) || (after.unknown && !self.is_empty()) {
            return Some(
                "a key written before or after the reassignment is not known, and may be written twice".into(),
            );
        }
        let mut shared: Vec<&String> = self.known.intersection(&after.known).collect();
        shared.sort();
        shared
            .first()
            .map(|key| format!("`{key}` is written both before the reassignment and after it (or by the new value)"))
    }
}
