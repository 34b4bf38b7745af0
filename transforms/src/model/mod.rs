//! The export model: every reference to the module's own `exports` and `module.exports`, what it does, and which
//! object it touches, in the original program and in a candidate rewrite of it.
//!
//! Rules ask one question of the model: "if these `exports` references were rewritten to `module.exports`, what
//! would every reference see, and what would the module export?". [`ExportModel::simulate`] answers it by walking
//! the program in evaluation order with an abstract state per binding (see [`value`]).

mod gate;
mod key_writes;
pub mod kinds;
mod merge;
pub(crate) mod scope;
mod syntax;
mod value;
mod walker;

use std::collections::HashMap;
use std::ops::Range;

use crate::budget::TooComplex;
use crate::parse::ResolvedScript;
pub use gate::{answers_before_and_after_resolution, may_use_exports, may_use_exports_unresolved};
pub use key_writes::KeyWrites;
pub use scope::ModuleShadow;
pub use value::{State, Value};

/// The object `exports` and `module.exports` both start as.
pub fn value_initial() -> Value {
    value::INITIAL
}

/// A reference is identified by the byte offset where it starts in the original text.
pub type RefId = usize;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// The wrapper's `exports` binding.
    Exports,
    /// `module.exports` (or `module["exports"]`) of the wrapper's `module`.
    ModuleExports,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Usage {
    /// The binding itself is assigned.
    Assign(AssignForm),
    /// A property of the object is written: `exports.a = …`, `Object.defineProperty(exports, …)`.
    PropertyWrite { property: Option<String> },
    /// A property of the object is deleted: `delete exports.a`. Unlike a write, "rescuing" it would remove an
    /// export, so it must keep acting on the same object.
    PropertyDelete { property: Option<String> },
    /// A property of the object is read, or the object is compared.
    Read,
    /// `typeof exports`: an environment probe, not a use.
    Typeof,
    /// The object itself is passed, stored or returned: it escapes and may be written through other names.
    Escape,
}

/// A property write made by an `Object` method rather than an assignment, where that changes whether a repair may
/// move it (by the reference's id; the reference's usage is a [`Usage::PropertyWrite`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WriteCall {
    /// `Object.defineProperty(exports, key, …)` (the key is the usage's property) or `defineProperties` (none).
    Define,
    /// `Object.assign(exports, …)`: the keys it copies, when every source is an object literal of plain keys.
    Assign { keys: Option<Vec<String>> },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AssignForm {
    /// `exports = X`
    Plain,
    /// `exports += X`, `exports ||= X`, `exports++`
    Compound,
    /// `[exports] = …`, `({ exports } = …)`, `for (exports in …)`
    Pattern,
    /// A top-level `var exports = X`: in Node's wrapper the same variable as the `exports` parameter.
    VarInit,
    /// A top-level `var exports;`: changes nothing.
    VarDeclaration,
    /// A top-level `function exports() {}`: rebinds the parameter when the module starts.
    FunctionDeclaration,
}

/// How the text of one `exports` reference is edited when the rewrite turns it into `module.exports`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EditForm {
    /// Put `module.` in front of the identifier.
    Prefix,
    /// `{ exports }` becomes `{ exports: module.exports }`.
    Shorthand,
    /// Replace a range (e.g. `var exports` with `module.exports`).
    Replace(Range<usize>, &'static str),
    /// Delete a range: a linking idiom that the rewrite makes redundant.
    Delete(Range<usize>),
    /// No text edit can express it (a destructuring target, a function declaration, a multi-name `var`).
    Impossible,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assignment {
    /// The whole assignment (or declaration) in the original text.
    pub range: Range<usize>,
    /// The object the binding holds afterwards in the original program.
    pub assigned: Value,
    /// Whether `exports` and `module.exports` are the same object right after it (a linking idiom).
    pub links: bool,
    /// What the assigned expression looks like, where that matters to a rule.
    pub shape: ValueShape,
}

/// Facts about an assigned expression that its value alone does not tell.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ValueShape {
    /// `module.exports = exports.default`: the new value is taken from the old exports object, so the writes to
    /// that object were made to be left behind (Babel's add-module-exports output).
    pub from_exports: bool,
    /// `exports = module.exports = {}`: a fresh empty object, no export value of its own to compete with another.
    pub empty_object: bool,
    /// `exports = function () {}`: the anonymous function is named "exports"; assigned to `module.exports` it
    /// would stay nameless, so the rewrite changes the exported function's `name`.
    pub names_function: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reference {
    pub id: RefId,
    pub target: Target,
    pub usage: Usage,
    /// The identifier `exports`, or the whole `module.exports` expression, in the original text.
    pub range: Range<usize>,
    /// Inside a function that is not called on the spot: it runs at a time the model does not know.
    pub deferred: bool,
    /// The object the reference evaluates to (for a write, the object written to), in the original program.
    pub original: Value,
    /// The same in the rewritten program.
    pub rewritten: Value,
    pub assignment: Option<Assignment>,
    pub edit_form: EditForm,
    /// How many `return`s of the module body the walk had met before this reference: the ones after it are the
    /// ways the module can end once this reference has run.
    pub module_returns_before: usize,
    /// For a deferred reference: when the function holding it was created, the earliest it can run.
    pub runs_from: Option<RunsFrom>,
    /// Whether the code can run at all: false after a `return` or `throw`, and in a branch Node's loader never
    /// takes (`if (typeof module !== "object")`). Such a write is neither exported nor lost. A deferred reference
    /// counts as reachable: a hoisted function may be called from code that runs.
    pub reachable: bool,
}

/// The point of the load from which a deferred function can run: where it was created (a function expression),
/// or the start of its scope (a declaration, which is hoisted).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RunsFrom {
    /// The walk's clock (see [`Observed`]) at that point.
    pub time: usize,
    /// The state there, when it is a state the function may run in that the clock may not have noted (a function
    /// expression may be called at once by what it is passed to). A hoisted declaration has none: it runs only
    /// when called, at a noted point.
    pub state: Option<State>,
}

/// A distinct state deferred code could run in, and the last time the walk was in it (a clock that ticks at every
/// point where deferred code could run).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Observed {
    pub state: State,
    pub last_seen: usize,
}

impl Reference {
    pub fn is_exports(&self) -> bool {
        self.target == Target::Exports
    }
}

/// Whether two bindings held the same object at every point of the load (for references whose time is unknown).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Agreement {
    pub exports_with_rewritten_module_exports: bool,
    pub exports_with_rewritten_exports: bool,
    pub module_exports_with_rewritten: bool,
}

/// One walk of the program under one candidate rewrite.
#[derive(Debug, Clone)]
pub struct Trace {
    pub references: Vec<Reference>,
    /// The state when the module finishes loading, whichever way it ends.
    pub end: State,
    /// The state at the end of the module body, reached without a `return`.
    pub normal_end: State,
    /// The states at each top-level `return`, in walk order.
    pub module_returns: Vec<State>,
    pub agreement: Agreement,
    /// Every distinct state at a point where deferred code could run (statement boundaries, calls, the end);
    /// `None` when there were too many to keep.
    pub observed: Option<Vec<Observed>>,
    /// The model cannot order the events: a reassignment inside a function, a `module` that escapes, or a
    /// top-level `module` declaration. Nothing is claimed lost and no fix is safe.
    pub opaque: bool,
    /// Where each object was assigned to a binding (byte offset of the assignment), for messages.
    pub assigned_at: HashMap<Value, usize>,
    /// `exports` reaches code the model cannot see under another name (stored, passed, `this.a = …` at the top):
    /// writes through such aliases are invisible, so no repair is safe.
    pub escapes: bool,
    /// The property writes made by `Object.defineProperty`/`defineProperties`/`assign` (by reference id).
    pub write_calls: HashMap<RefId, WriteCall>,
    /// What kind of object each created value is, where the code shows it (by the value's id).
    pub kinds: HashMap<u32, kinds::ObjectKind>,
    /// `typeof exports` or `typeof module` appears: the code runs where they may not exist (UMD), so a rewrite
    /// from one to the other is not known to be harmless.
    pub probes_environment: bool,
}

impl Trace {
    /// Whether the reference sees the same object in both programs, at whatever time it runs.
    pub fn unchanged(&self, reference: &Reference, rewritten_to_module_exports: bool) -> bool {
        if reference.deferred {
            let agree = |state: &State| match (reference.target, rewritten_to_module_exports) {
                (Target::Exports, true) => state.exports.same_as(state.rewritten_module_exports),
                (Target::Exports, false) => state.exports.same_as(state.rewritten_exports),
                (Target::ModuleExports, _) => state.module_exports.same_as(state.rewritten_module_exports),
            };
            match self.states_it_may_run_in(reference) {
                Some(states) => states.iter().all(agree),
                None => match (reference.target, rewritten_to_module_exports) {
                    (Target::Exports, true) => self.agreement.exports_with_rewritten_module_exports,
                    (Target::Exports, false) => self.agreement.exports_with_rewritten_exports,
                    (Target::ModuleExports, _) => self.agreement.module_exports_with_rewritten,
                },
            }
        } else {
            // Code that never runs sees nothing, in either program (they branch alike).
            !reference.reachable || reference.original.same_as(reference.rewritten)
        }
    }

    /// The state the module ends in once this reference has run: a `return` met before it is not a way out for
    /// the paths that run it.
    pub fn end_after(&self, reference: &Reference) -> State {
        if reference.deferred {
            return self.end;
        }
        let later_returns = self.module_returns.get(reference.module_returns_before..).unwrap_or_default();
        let end = later_returns.iter().fold(self.normal_end, |end, exit| end.join(*exit, 0));
        if end.reachable {
            end
        } else {
            self.end
        }
    }

    /// Whether a write lands on the object exported at the end of the load, in the original program. A deferred
    /// write may run in any state the load passes through, so it lands (or not) only if it does in all of them.
    pub fn reaches_original(&self, reference: &Reference) -> Option<bool> {
        if reference.deferred {
            let exported = self.end.module_exports;
            return self.reach_in_every_state(reference, |state| match reference.target {
                Target::Exports => reach(state.exports, exported),
                Target::ModuleExports => reach(state.module_exports, exported),
            });
        }
        reach(reference.original, self.end_after(reference).module_exports)
    }

    /// Same, in the rewritten program.
    pub fn reaches_rewritten(&self, reference: &Reference, rewritten_to_module_exports: bool) -> Option<bool> {
        if reference.deferred {
            let exported = self.end.rewritten_module_exports;
            return self.reach_in_every_state(reference, |state| {
                match (reference.target, rewritten_to_module_exports) {
                    (Target::Exports, false) => reach(state.rewritten_exports, exported),
                    _ => reach(state.rewritten_module_exports, exported),
                }
            });
        }
        reach(reference.rewritten, self.end_after(reference).rewritten_module_exports)
    }

    /// Whether a write moved onto the exported object by the rewrite surely lands there as a plain data property
    /// (see [`kinds`]); otherwise why not.
    pub fn accepts_rescued_write(&self, reference: &Reference) -> Result<(), String> {
        // Code that runs later writes onto whatever `module.exports` holds then, in any state from its creation on.
        let targets: Vec<Value> = if reference.deferred {
            let states = self.states_it_may_run_in(reference).ok_or_else(unknown_value)?;
            states.iter().map(|state| state.rewritten_module_exports).collect()
        } else {
            vec![reference.rewritten]
        };
        let mut kinds: Vec<&kinds::ObjectKind> = Vec::new();
        for target in targets {
            kinds.extend(self.kinds_of(target).ok_or_else(unknown_value)?);
        }
        let call = self.write_calls.get(&reference.id);
        let keys = self.written_keys(reference);
        kinds.iter().try_for_each(|kind| keys.iter().try_for_each(|key| accepts_write(kind, call, *key)))
    }

    /// The kinds of object `value` may be, the module's initial exports object left out; `None` when one of them
    /// is not known.
    pub fn kinds_of(&self, value: Value) -> Option<Vec<&kinds::ObjectKind>> {
        value.possible_ids()?.iter().filter(|id| **id != 0).map(|id| self.kinds.get(id)).collect()
    }

    /// The keys a property write writes: one (`None`: not known), or each key an `Object.assign` copies.
    pub fn written_keys<'r>(&'r self, reference: &'r Reference) -> Vec<Option<&'r str>> {
        match (self.write_calls.get(&reference.id), &reference.usage) {
            (Some(WriteCall::Assign { keys: Some(keys) }), _) => keys.iter().map(|key| Some(key.as_str())).collect(),
            (_, Usage::PropertyWrite { property }) => vec![property.as_deref()],
            _ => vec![None],
        }
    }

    fn reach_in_every_state(&self, reference: &Reference, reach_in: impl Fn(&State) -> Option<bool>) -> Option<bool> {
        let states = self.states_it_may_run_in(reference)?;
        let mut verdicts = states.iter().map(reach_in);
        let first = verdicts.next()??;
        verdicts.all(|verdict| verdict == Some(first)).then_some(first)
    }

    /// The states a deferred reference may run in: those the load passes through from its function's creation on
    /// (every one when that is not known), and the end. `None` when there were too many states to keep.
    fn states_it_may_run_in(&self, reference: &Reference) -> Option<Vec<State>> {
        let observed = self.observed.as_ref()?;
        let from = reference.runs_from.map_or(0, |from| from.time);
        let mut states: Vec<State> =
            observed.iter().filter(|seen| seen.last_seen >= from).map(|seen| seen.state).collect();
        states.extend(reference.runs_from.and_then(|from| from.state).filter(|state| state.reachable));
        states.push(self.end);
        Some(states)
    }
}

/// Whether one key written by a plain write, a definition or `Object.assign` lands on an object of this kind.
fn accepts_write(kind: &kinds::ObjectKind, call: Option<&WriteCall>, key: Option<&str>) -> Result<(), String> {
    match (call, key) {
        (Some(WriteCall::Define), Some(key)) => kind.accepts_definition(key),
        (Some(WriteCall::Define), None) => Err("the key defined is not known".to_owned()),
        (Some(WriteCall::Assign { keys: None }), _) => kind.accepts(None).map_err(|_| {
            "`Object.assign` copies keys the engine cannot list (a source that is not an object literal of plain \
             keys), and the new value may already have them or hold them read-only"
                .to_owned()
        }),
        _ => kind.accepts(key),
    }
}

fn unknown_value() -> String {
    "the new value is not known to take properties (it may be a primitive, frozen, or have accessors)".to_owned()
}

/// `Some(true)`: the write lands on the exported object; `Some(false)`: surely not; `None`: unknown.
fn reach(target: Value, exported: Value) -> Option<bool> {
    if target.same_as(exported) {
        Some(true)
    } else if target.differs_from(exported) {
        Some(false)
    } else {
        None
    }
}

/// What the file does that defeats any analysis of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unanalysable {
    /// `with` or a direct `eval` can reach `exports` under other names.
    DynamicScope,
}

pub struct ExportModel<'a> {
    script: &'a ResolvedScript<'a>,
    facts: walker::Facts,
    /// The walk with nothing rewritten: the original program.
    pub original: Trace,
    /// Which keys the file writes and defines, through any name.
    pub key_writes: KeyWrites,
    pub unanalysable: Option<Unanalysable>,
}

impl<'a> ExportModel<'a> {
    pub fn build(script: &'a ResolvedScript<'a>) -> Result<Self, TooComplex> {
        let facts = walker::Facts::of(script);
        let walked = walker::walk(script, &facts, &|_| false).map_err(|offset| too_complex(script, offset))?;
        let key_writes = KeyWrites::of(&script.script.body);
        Ok(ExportModel { script, facts, original: walked.trace, key_writes, unanalysable: walked.unanalysable })
    }

    /// What makes `module` at this offset something other than the module, if anything does.
    pub fn module_shadow_at(&self, offset: usize) -> Option<ModuleShadow> {
        scope::module_shadow_at(&self.script.script.body, offset, &|pos| self.script.offset(pos))
    }

    /// The file's text.
    pub fn source(&self) -> &'a str {
        self.script.source
    }

    /// Walks the program as if the `exports` references for which `rewrite` holds were `module.exports`.
    pub fn simulate(&self, rewrite: &dyn Fn(RefId) -> bool) -> Result<Trace, TooComplex> {
        Ok(walker::walk(self.script, &self.facts, rewrite).map_err(|offset| too_complex(self.script, offset))?.trace)
    }
}

fn too_complex(script: &ResolvedScript<'_>, offset: usize) -> TooComplex {
    TooComplex::at(script.source, offset, "the walk of its control flow would cost more than its size allows")
}
