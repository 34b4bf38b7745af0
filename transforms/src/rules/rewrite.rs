//! The one rewrite every rule's fix is made of: free `exports` references become `module.exports`, and linking
//! idioms that this makes redundant collapse. Which references are rewritten, and whether doing so keeps or
//! repairs what the module exports, is decided here once per file by simulating the rewritten program.

use std::collections::HashSet;
use std::sync::Arc;

use crate::budget::TooComplex;
use crate::diagnostic::{Applicability, Edit};
use crate::model::{
    AssignForm, EditForm, ExportModel, KeyWrites, ModuleShadow, RefId, Reference, Target, Trace, Usage, WriteCall,
};

pub struct RewritePlan {
    /// Writes through `exports` that are lost today and that no rewrite can rescue: they run before
    /// `module.exports` is reassigned. They stay as they are, and stay reported.
    pub unrescuable: HashSet<RefId>,
    /// The edits, sorted; `None` when some reference cannot be expressed as a text edit or nothing is rewritten.
    pub edits: Option<Arc<[Edit]>>,
    /// The first reference to be rewritten that no text edit can express (its usage, and what shadows `module`
    /// there): why there are no edits. See [`RewritePlan::why_no_edits`].
    inexpressible: Option<(Usage, Option<ModuleShadow>)>,
    /// The rewrite changes nothing any reference sees nor what the module exports.
    pub preserving: bool,
    /// The rewrite changes only what a repair must: every lost write now lands on the exported object, every write
    /// that landed still does, and no other reference sees anything different.
    pub repairs_cleanly: bool,
    /// Why the repair is not clean (so unsafe), when it is not: a write the repair rescues that may not land as it
    /// reads (a read-only `name`, a getter, a value that may be a primitive), or another reason; findings say it.
    pub doubt: Option<String>,
}

impl RewritePlan {
    pub fn new(model: &ExportModel<'_>) -> Result<RewritePlan, TooComplex> {
        let original = &model.original;
        let candidates: HashSet<RefId> = original
            .references
            .iter()
            .filter(|reference| reference.is_exports() && reference.usage != Usage::Typeof)
            .map(|reference| reference.id)
            .collect();
        let everything = model.simulate(&|id| candidates.contains(&id))?;
        let unrescuable: HashSet<RefId> = lost_writes(original)
            .filter(|reference| {
                counterpart(&everything, reference).and_then(|rewritten| everything.reaches_rewritten(rewritten, true))
                    != Some(true)
            })
            .map(|reference| reference.id)
            .collect();
        let (rewritten, trace) = if unrescuable.is_empty() {
            (candidates, everything)
        } else {
            let rewritten: HashSet<RefId> = candidates.difference(&unrescuable).copied().collect();
            let trace = model.simulate(&|id| rewritten.contains(&id))?;
            (rewritten, trace)
        };
        let edits = edits_for(&trace, &rewritten);
        let inexpressible = trace
            .references
            .iter()
            .find(|reference| rewritten.contains(&reference.id) && reference.edit_form == EditForm::Impossible)
            .map(|reference| (reference.usage.clone(), model.module_shadow_at(reference.range.start)));
        let preserving = !trace.opaque && preserves(&trace, &rewritten);
        let refused_write = rescued_writes(&trace, &rewritten)
            .chain(retargeted_writes(&trace))
            .find_map(|write| trace.accepts_rescued_write(write).err())
            .or_else(|| competing_rescue(&trace, &rewritten))
            .or_else(|| defined_key_collision(&trace, &model.key_writes, &rewritten));
        let doubt = if trace.opaque {
            Some(
                "`exports` or `module.exports` is reassigned where the engine cannot tell when (in code that may \
                  run at any time)"
                    .to_owned(),
            )
        } else if trace.escapes {
            Some(
                "the exports object is passed on or stored, so writes through other names cannot be followed"
                    .to_owned(),
            )
        } else {
            let deferred_reads_follow = unrescuable.is_empty() && !export_may_have_getters(&trace, &model.key_writes);
            refused_write.or_else(|| repairs(&trace, &rewritten, deferred_reads_follow).err())
        };
        let repairs_cleanly = doubt.is_none();
        Ok(RewritePlan { unrescuable, edits, inexpressible, preserving, repairs_cleanly, doubt })
    }

    /// Why the file's findings have no fix although its `exports` were to be rewritten; `line` gives an offset's
    /// line.
    pub fn why_no_edits(&self, line: &dyn Fn(usize) -> usize) -> Option<String> {
        let (usage, shadow) = self.inexpressible.as_ref()?;
        Some(match (shadow, usage) {
            (Some(ModuleShadow::FunctionName(at)), _) => format!(
                "inside the function named `module` (line {}), `module` is that function, so `module.exports` there \
                 would be undefined",
                line(*at)
            ),
            (Some(ModuleShadow::ClassName(at)), _) => format!(
                "inside the class named `module` (line {}), `module` is that class, so `module.exports` there would \
                 not be the module's exports",
                line(*at)
            ),
            (Some(ModuleShadow::Declared(at)), _) => format!(
                "in the scope starting on line {}, `module` is a local name, so `module.exports` there would not be \
                 the module's exports",
                line(*at)
            ),
            (None, Usage::Assign(AssignForm::Pattern)) => {
                "`exports` is assigned by destructuring or a loop head, which no edit can rewrite".to_owned()
            }
            (None, Usage::Assign(AssignForm::FunctionDeclaration)) => {
                "`function exports` declares it, which no edit can rewrite".to_owned()
            }
            (None, Usage::Assign(AssignForm::VarInit | AssignForm::VarDeclaration)) => {
                "its `var exports` declaration cannot be rewritten or deleted safely".to_owned()
            }
            (None, _) => "some `exports` cannot be rewritten to `module.exports` by a text edit".to_owned(),
        })
    }

    /// The applicability of a repair, given whether the rule at hand has a reason of its own to doubt it.
    pub fn repair_applicability(&self, doubtful: bool) -> Applicability {
        if self.repairs_cleanly && !doubtful {
            Applicability::Safe
        } else {
            Applicability::Unsafe
        }
    }
}

/// Property writes through `exports` that surely never reach the exported object in the original program.
pub fn lost_writes(trace: &Trace) -> impl Iterator<Item = &Reference> {
    trace.references.iter().filter(move |reference| {
        !trace.opaque
            && reference.is_exports()
            && reference.reachable
            && matches!(reference.usage, Usage::PropertyWrite { .. })
            && trace.reaches_original(reference) == Some(false)
    })
}

/// Writes through `exports` that are lost today and that the rewrite moves onto the exported object.
fn rescued_writes<'t>(trace: &'t Trace, rewritten: &'t HashSet<RefId>) -> impl Iterator<Item = &'t Reference> {
    trace.references.iter().filter(move |reference| {
        reference.is_exports()
            && reference.reachable
            && rewritten.contains(&reference.id)
            && matches!(reference.usage, Usage::PropertyWrite { .. })
            && trace.reaches_original(reference) == Some(false)
    })
}

/// Writes that landed on one object and, rewritten or not, land on another after the rewrite (`module.exports.k`
/// after a repaired `exports = X`, also in a function that runs later): the new object must take them as the
/// rescued ones.
fn retargeted_writes(trace: &Trace) -> impl Iterator<Item = &Reference> {
    trace.references.iter().filter(|reference| {
        reference.reachable
            && matches!(reference.usage, Usage::PropertyWrite { .. })
            && if reference.deferred {
                !reference.is_exports() && !trace.unchanged(reference, false)
            } else {
                reference.original != reference.rewritten
            }
    })
}

/// Why a rescued write may change more than its own key: it writes a key that an exported write already sets (its
/// value would replace that one), or it was mutating an object the engine does not know (a `require()`d one,
/// which may be exported or used under another name, and would no longer get the write).
fn competing_rescue(trace: &Trace, rewritten: &HashSet<RefId>) -> Option<String> {
    let exported: Vec<Option<&str>> = trace
        .references
        .iter()
        .filter(|reference| matches!(reference.usage, Usage::PropertyWrite { .. }))
        .filter(|reference| reference.reachable && trace.reaches_original(reference) == Some(true))
        .flat_map(|reference| trace.written_keys(reference))
        .collect();
    for write in rescued_writes(trace, rewritten) {
        let known_target = write.original == crate::model::value_initial()
            || write.original.possible_ids().is_some_and(|ids| ids.iter().all(|id| trace.kinds.contains_key(id)));
        if !known_target && !write.deferred {
            return Some(
                "the write also changes an object the engine cannot follow (it may be exported or used \
                         elsewhere), which would no longer get it"
                    .to_owned(),
            );
        }
        for key in trace.written_keys(write) {
            if exported.iter().any(|other| other.is_none() || key.is_none() || *other == key) {
                let key = key.map_or_else(|| "a computed key".to_owned(), |key| format!("`{key}`"));
                return Some(format!(
                    "{key} is also written on the exported object; the rescued write would replace it"
                ));
            }
        }
    }
    None
}

/// Why a write or delete the rewrite moves onto another object may meet a property defined with
/// `Object.defineProperty` there (read-only unless said otherwise) or, moving a definition, a write of its key: either
/// may then throw. Keys are compared over every write in the file, through any name (see [`KeyWrites`]).
fn defined_key_collision(trace: &Trace, key_writes: &KeyWrites, rewritten: &HashSet<RefId>) -> Option<String> {
    trace
        .references
        .iter()
        .filter(|reference| matches!(reference.usage, Usage::PropertyWrite { .. } | Usage::PropertyDelete { .. }))
        .filter(|reference| !sees_same(trace, reference, rewritten))
        .find_map(|reference| {
            let defines = trace.write_calls.get(&reference.id) == Some(&WriteCall::Define);
            let keys = match &reference.usage {
                Usage::PropertyDelete { property } => vec![property.as_deref()],
                _ => trace.written_keys(reference),
            };
            keys.into_iter().find_map(|key| key_writes.collision(key, defines))
        })
}

/// The same reference in another walk of the same program: walks record references in the same order.
fn counterpart<'t>(trace: &'t Trace, reference: &Reference) -> Option<&'t Reference> {
    trace.references.iter().find(|candidate| candidate.id == reference.id && candidate.usage == reference.usage)
}

fn edits_for(trace: &Trace, rewritten: &HashSet<RefId>) -> Option<Arc<[Edit]>> {
    let mut edits = Vec::new();
    let mut seen = HashSet::new();
    for reference in &trace.references {
        if !rewritten.contains(&reference.id) || !seen.insert(reference.id) {
            continue;
        }
        let range = reference.range.clone();
        edits.push(match &reference.edit_form {
            EditForm::Prefix => Edit::replace(range.start..range.start, "module."),
            EditForm::Shorthand => Edit::replace(range, "exports: module.exports"),
            EditForm::Replace(range, text) => Edit::replace(range.clone(), *text),
            EditForm::Delete(range) => Edit::delete(range.clone()),
            EditForm::Impossible => return None,
        });
    }
    if edits.is_empty() {
        return None;
    }
    edits.sort_by_key(|edit| (edit.range.start, edit.range.end));
    let overlapping = edits.windows(2).any(|pair| pair[1].range.start < pair[0].range.end);
    (!overlapping).then(|| edits.into())
}

fn sees_same(trace: &Trace, reference: &Reference, rewritten: &HashSet<RefId>) -> bool {
    let to_module_exports = reference.is_exports() && rewritten.contains(&reference.id);
    trace.unchanged(reference, to_module_exports)
}

fn preserves(trace: &Trace, rewritten: &HashSet<RefId>) -> bool {
    trace.end.module_exports.same_as(trace.end.rewritten_module_exports)
        && trace.references.iter().all(|reference| {
            let renames_function = rewritten.contains(&reference.id)
                && reference.assignment.as_ref().is_some_and(|assignment| assignment.shape.names_function);
            sees_same(trace, reference, rewritten) && !renames_function
        })
}

/// Whether reading a key of the exported object may run a getter of the file's. A getter that reads `exports`
/// reads the initial object today; rewritten, it reads the export itself (its own key: it recurses), so the
/// value it gives changes.
fn export_may_have_getters(trace: &Trace, key_writes: &KeyWrites) -> bool {
    key_writes.defines_any()
        || trace
            .kinds_of(trace.end.rewritten_module_exports)
            .is_none_or(|kinds| kinds.iter().any(|kind| kind.may_have_accessors()))
}

/// `deferred_reads_follow`: every `exports` reference is rewritten and no getter on the export may read one, so
/// code that runs later reads what the rescued writes wrote, as it meant to.
fn repairs(trace: &Trace, rewritten: &HashSet<RefId>, deferred_reads_follow: bool) -> Result<(), String> {
    // Once a lost write lands on the export, code that reads the export while the module loads may read it and
    // take another path (`module.exports.b || (module.exports.parse = …)`).
    let moves_writes = rescued_writes(trace, rewritten).next().is_some();
    let reads_export_while_loading = trace.references.iter().any(|reference| {
        !reference.is_exports() && !reference.deferred && matches!(reference.usage, Usage::Read | Usage::Escape)
    });
    if moves_writes && reads_export_while_loading {
        return Err("code reads `module.exports` while the module loads, and would then see the rescued writes".into());
    }
    // A write through `module.exports` that lands on the new value after the repair changes what a load-time read
    // of that value finds, whichever name reads it.
    let retargets = retargeted_writes(trace).any(|write| !write.is_exports());
    let reads_while_loading = trace.references.iter().any(|reference| {
        !reference.deferred && reference.reachable && matches!(reference.usage, Usage::Read | Usage::Escape)
    });
    if retargets && reads_while_loading {
        return Err("a write through `module.exports` would land on the new value, which code reads while the \
                    module loads"
            .into());
    }
    let unclean = trace.references.iter().find_map(|reference| {
        let to_module_exports = reference.is_exports() && rewritten.contains(&reference.id);
        match (&reference.usage, reference.target) {
            // Code that never runs writes nothing in either program.
            _ if !reference.reachable => None,
            (Usage::PropertyWrite { .. }, _) => {
                let before = trace.reaches_original(reference);
                let after = trace.reaches_rewritten(reference, to_module_exports);
                let lands_safely = after == Some(true) && !writes_to_fragile(trace, reference, to_module_exports);
                let clean = match before {
                    Some(true) => lands_safely,
                    Some(false) if to_module_exports => lands_safely,
                    Some(false) => sees_same(trace, reference, rewritten),
                    None => false,
                };
                (!clean).then_some(
                    "a write may land elsewhere than the exported object, or on a value that may not take it",
                )
            }
            // A delete must act on an exported object exactly when it did: moved onto the export, it removes one.
            (Usage::PropertyDelete { .. }, _) => {
                let before = trace.reaches_original(reference);
                let same = before.is_some()
                    && before == trace.reaches_rewritten(reference, to_module_exports)
                    && !(to_module_exports && writes_to_fragile(trace, reference, to_module_exports));
                (!same).then_some("a `delete` would act on another object than it does today")
            }
            // Code that runs later reads what the rescued writes wrote when every `exports` moves together; a read
            // while the module loads must see what it saw, or control flow and values change.
            (Usage::Read | Usage::Escape, Target::Exports)
                if reference.deferred && to_module_exports && deferred_reads_follow =>
            {
                None
            }
            (Usage::Read | Usage::Escape, Target::Exports) if reference.deferred && to_module_exports => {
                (!sees_same(trace, reference, rewritten)).then_some(
                    "code that runs later reads `exports`, and would then read the exported object (which may \
                     have a getter of its own) instead of the object it reads today",
                )
            }
            (Usage::Assign(_), _) => None,
            _ => (!sees_same(trace, reference, rewritten))
                .then_some("code reads `exports` while the module loads, and would then read another object"),
        }
    });
    unclean.map_or(Ok(()), |reason| Err(reason.to_owned()))
}

/// Writing a property onto a primitive or a frozen object throws in strict mode: such a repair is not safe.
fn writes_to_fragile(trace: &Trace, reference: &Reference, to_module_exports: bool) -> bool {
    let target = if reference.deferred {
        if to_module_exports || reference.target == Target::ModuleExports {
            trace.end.rewritten_module_exports
        } else {
            trace.end.rewritten_exports
        }
    } else {
        reference.rewritten
    };
    target.is_fragile()
}
