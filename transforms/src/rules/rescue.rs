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
use crate::model::{AssignForm, ExportModel, Reference, Trace, Usage};

use super::rewrite::{lost_writes, RewritePlan};

pub struct Rescue {
    pub edits: Arc<[Edit]>,
    pub applicability: Applicability,
    /// Why the merge is unsafe, when it is.
    pub doubt: Option<String>,
    /// Where the merged reassignment starts.
    pub merged_at: usize,
    /// Whether the lost writes move after the reassignment (rather than the new value merging into them).
    pub moves: bool,
}

impl Rescue {
    /// The merge that rescues the writes the rewrite cannot, when there is one.
    pub fn new(model: &ExportModel<'_>, plan: &RewritePlan) -> Option<Rescue> {
        let trace = &model.original;
        if plan.unrescuable.is_empty() || trace.opaque {
            return None;
        }
        let replaced = the_one_reassignment(trace)?;
        let site = match model.merge_site(replaced.range.start) {
            Ok(site) => site,
            Err(_) => return Rescue::by_moving(model, plan, replaced),
        };
        let mut doubt = doubt(trace, replaced, &site.keys, site.open);
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
        Some(Rescue { edits: edits.into(), applicability, doubt, merged_at: replaced.range.start, moves: false })
    }

    /// The other form, for a new value that is not an object literal: every lost write is a statement of the
    /// module body before the reassignment whose value is fixed (a literal, a function or class expression, a
    /// function, class or `const` of the module body), and moves after it, where it lands on the new value.
    fn by_moving(model: &ExportModel<'_>, plan: &RewritePlan, replaced: &Reference) -> Option<Rescue> {
        let trace = &model.original;
        let statement_end = model.top_level_statement_end(replaced.range.start)?;
        let mut edits = Vec::new();
        let mut moved = Vec::new();
        let mut doubt = doubt(trace, replaced, &[], false);
        let mut uses_rewrite = false;
        let movable_writes = model.movable_writes();
        for write in lost_writes(trace) {
            // The ES-module interop marker stays on the object left behind: the new value is the default export.
            if trace.written_keys(write) == [Some("__esModule")] {
                continue;
            }
            // A write after the reassignment is the rewrite's to rescue: its edits come along.
            if !plan.unrescuable.contains(&write.id) {
                uses_rewrite = true;
                if doubt.is_none() {
                    doubt = plan.doubt.clone();
                }
                continue;
            }
            if write.deferred {
                return None;
            }
            let movable = movable_writes.get(&write.range.start)?.clone().ok()?;
            if doubt.is_none() {
                doubt = lands_on(trace, replaced, write).err();
            }
            edits.push(Edit::delete(movable.statement));
            moved.push(movable.moved);
        }
        let reads = trace.references.iter().any(|reference| reference.usage == Usage::Read);
        if doubt.is_none() && reads {
            doubt = Some("code reads the exports object, and could read a moved property before it is set".into());
        }
        let indent = indentation(model.source(), replaced.range.start);
        let inserted = moved.iter().map(|write| format!("\n{indent}{write}")).collect::<String>();
        edits.push(Edit::replace(statement_end..statement_end, inserted));
        if uses_rewrite {
            edits.extend(plan.edits.as_deref()?.iter().cloned());
        }
        edits.sort_by_key(|edit| (edit.range.start, edit.range.end));
        if moved.is_empty() || edits.windows(2).any(|pair| pair[1].range.start < pair[0].range.end) {
            return None;
        }
        let applicability = if doubt.is_none() { Applicability::Safe } else { Applicability::Unsafe };
        Some(Rescue { edits: edits.into(), applicability, doubt, merged_at: replaced.range.start, moves: true })
    }
}

/// Whether a moved write lands on the new value as it reads (see [`crate::model::kinds`]).
fn lands_on(trace: &Trace, replaced: &Reference, write: &Reference) -> Result<(), String> {
    let assigned = replaced.assignment.as_ref().map(|assignment| assignment.assigned);
    let ids = assigned.and_then(|value| value.possible_ids()).ok_or("the new value is not known")?;
    let keys = trace.written_keys(write);
    ids.iter().try_for_each(|id| match trace.kinds.get(id) {
        Some(kind) => keys.iter().try_for_each(|key| kind.accepts(*key)),
        None => Err("the new value is not one whose properties are known (a function, class or literal)".into()),
    })
}

impl Rescue {
    /// What the fix does to one write, for its message (from `; `): merges the value assigned on `line`, or moves
    /// the write after it (`moved`: the write is one of those moved), and why it is unsafe.
    pub fn what_it_does(&self, line: usize, moved: bool) -> String {
        let reason = self.doubt.as_ref().map_or_else(String::new, |doubt| format!("; the fix is unsafe: {doubt}"));
        match (self.moves, moved) {
            (true, true) => format!("; the fix moves it after line {line}, onto the new value{reason}"),
            (true, false) => reason,
            (false, _) => format!("; the fix merges the new value on line {line} into the exports object{reason}"),
        }
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
fn doubt(trace: &Trace, replaced: &Reference, literal_keys: &[String], open: bool) -> Option<String> {
    if trace.probes_environment {
        return Some("the code probes `typeof module`/`typeof exports`".to_owned());
    }
    if trace.escapes {
        return Some(
            "the exports object is also used under another name (`this`, a variable), which the fix would \
                     make the export"
                .to_owned(),
        );
    }
    let position = trace.references.iter().position(|reference| std::ptr::eq(reference, replaced))?;
    // Writes before the reassignment and after it (or in the literal) meet on one object; so do the writes through
    // `exports`, all lost today, and the keys the new value is exported with (the literal's, and later writes
    // through `module.exports`).
    let (mut before, mut after) = (Keys::default(), Keys::default());
    let (mut rescued, mut exported) = (Keys::default(), Keys::default());
    for keys in [&mut after, &mut exported] {
        literal_keys.iter().for_each(|key| keys.add(Some(key)));
        if open {
            keys.add(None);
        }
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
                    if reference.is_exports() {
                        rescued.add(key);
                    } else if reference.deferred || later {
                        exported.add(key);
                    }
                }
            }
            _ => {}
        }
    }
    before.meets(&after).or_else(|| rescued.meets(&exported))
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
        shared.first().map(|key| format!("`{key}` is written twice, on objects the fix makes one"))
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::table::{assert_cases, Case};

    /// `lost-export` cases whose fix is a rescue: a merge or a move.
    #[test]
    fn rescue_table() {
        assert_cases(
            "lost-export",
            &[
                // A write before `module.exports = { … }`: the literal is merged into the exports object, one write
                // per key where that is the same (ES-module importers see those names), else with `Object.assign`.
                Case::fix(
                    "exports.a = 1;\n  module.exports = { b: 2, 'c-d': x, e: function e() {} };\n",
                    "module.exports.a = 1;\n  module.exports.b = 2;\n  module.exports['c-d'] = x;\n  module.exports.e = function e() {};\n",
                ),
                Case::unsafe_fix(
                    "exports.a = 1;\nmodule.exports = { b: () => 2 };\n",
                    "module.exports.a = 1;\nObject.assign(module.exports, { b: () => 2 });\n",
                ),
                Case::fix(
                    "exports.handler = function () {};\nmodule.exports = { signPath };\n",
                    "module.exports.handler = function () {};\nmodule.exports.signPath = signPath;\n",
                ),
                Case::unsafe_fix(
                    "exports.a = 1;\nmodule.exports = { a: 2 };\n",
                    "module.exports.a = 1;\nmodule.exports.a = 2;\n",
                ),
                Case::unsafe_fix(
                    "var self = module.exports;\nexports.a = 1;\nmodule.exports = { b: 2 };\n",
                    "var self = module.exports;\nmodule.exports.a = 1;\nmodule.exports.b = 2;\n",
                ),
                Case::unsafe_fix(
                    "exports.a = 1;\nmodule.exports = { ...base, b: 2 };\n",
                    "module.exports.a = 1;\nObject.assign(module.exports, { ...base, b: 2 });\n",
                ),
                // A write before `module.exports = f` moves after it, when its value is fixed and lands on `f`.
                Case::fix(
                    "function getDef() {}\nexports.default = getDef;\nmodule.exports = getDef;\n",
                    "function getDef() {}\nmodule.exports = getDef;\nmodule.exports.default = getDef;\n",
                ),
                Case::unsafe_fix(
                    "function f() {}\nexports.name = 'x';\nmodule.exports = f;\n",
                    "function f() {}\nmodule.exports = f;\nmodule.exports.name = 'x';\n",
                ),
                Case::no_fix("var x = 1;\nexports.a = x;\nmodule.exports = function f() {};\n"),
                // Not merged (accessors, `__proto__`, `super`, a local `Object`), so moved instead; unsafe where the
                // new value may hold the key, or is not known.
                Case::fix(
                    "exports.a = 1;\nmodule.exports = { get b() { return 1; } };\n",
                    "module.exports = { get b() { return 1; } };\nmodule.exports.a = 1;\n",
                ),
                Case::unsafe_fix(
                    "exports.a = 1;\nmodule.exports = { __proto__: null, b: 1 };\n",
                    "module.exports = { __proto__: null, b: 1 };\nmodule.exports.a = 1;\n",
                ),
                Case::fix(
                    "const Object = {};\nexports.a = 1;\nmodule.exports = { b: 1 };\n",
                    "const Object = {};\nmodule.exports = { b: 1 };\nmodule.exports.a = 1;\n",
                ),
                Case::unsafe_fix(
                    "exports.a = 1;\nmodule.exports = makeApi();\n",
                    "module.exports = makeApi();\nmodule.exports.a = 1;\n",
                ),
                // A value that may read what the code in between changes does not move.
                Case::no_fix("let v = 1;\nexports.a = v;\nv = 2;\nmodule.exports = function f() {};\n"),
            ],
        );
    }
}
