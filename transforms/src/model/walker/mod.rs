//! The walk: the program in evaluation order, with the abstract state of `exports` and `module.exports` in the
//! original program and in the candidate rewrite, recording every reference on the way.
//!
//! Control flow is followed where it decides which assignment happened: branches and short-circuits join their
//! states, a loop that may assign a binding is walked twice (once silently, to reach a state that covers every
//! iteration), `try` blocks let any of their intermediate states reach `catch`, and a function expression called on
//! the spot (an IIFE, the usual CommonJS and CoffeeScript wrapper) runs in place. Any other function body runs at a
//! time the model cannot know: its references are marked deferred, and a reassignment inside one makes the model
//! opaque.
//!
//! One file per concern, each an `impl Walker` block: this one holds the walker and the questions every part asks
//! (where a node is, whether an identifier is the module's); [`statements`], [`jumps`] and [`functions`] follow
//! control flow; [`expressions`], [`calls`], [`assignments`] and [`patterns`] evaluate; [`record`] and [`state`]
//! keep what the walk learns; [`edit_forms`] says how a rewrite is spelled; [`loop_effects`], [`in_place`] and
//! [`bindings`] are the passes before the walk.

mod assignments;
mod bindings;
mod calls;
mod edit_forms;
mod expressions;
mod functions;
mod in_place;
mod jumps;
mod loop_effects;
mod operators;
mod patterns;
mod record;
mod state;
mod statements;

use std::collections::{HashMap, HashSet};
use std::ops::Range;

use swc_core::common::Span;
use swc_core::ecma::ast::*;
use swc_core::ecma::visit::{Visit, VisitWith};

use super::kinds::ObjectKind;
use super::scope::{declares_at_top_level, declares_lexically, only_redeclared_by_var, scope_declares};
use super::syntax::{member_name, unparen};
use super::value::{Pair, State};
use super::{Agreement, Observed, RefId, Reference, RunsFrom, Trace, Unanalysable, Value, WriteCall};
use crate::parse::ResolvedScript;
use assignments::ExportsAssignment;
use bindings::{BindingKey, Bindings};
use edit_forms::starts_a_declaration;
use in_place::InPlace;
use jumps::JumpTarget;
use loop_effects::assigning_loops;

/// Walks the script twice when needed: first to learn whether `exports` escapes (which decides how opaque values
/// are), then for real. `Err` with where the work ran out when a walk would cost more than the file's size allows.
pub fn walk(script: &ResolvedScript<'_>, facts: &Facts, rewrite: &dyn Fn(RefId) -> bool) -> Result<Walked, usize> {
    let probe = Walker::run(script, rewrite, true, facts)?;
    if probe.escapes {
        return Ok(probe.walked);
    }
    Ok(Walker::run(script, rewrite, false, facts)?.walked)
}

impl Facts {
    /// The passes before the walk, run once per script: every walk of it (the original program and each
    /// simulated rewrite) shares their answers.
    pub fn of(script: &ResolvedScript<'_>) -> Facts {
        Facts {
            assigning_loops: assigning_loops(&script.script.body),
            bindings: Bindings::of(&script.script.body),
            in_place: InPlace::of(&script.script.body, script.top_level),
            block_functions: crate::model::scope::declares_block_function_named_like_a_binding(&script.script.body),
            budget: crate::budget::walk_budget(script.source.len()),
        }
    }
}

/// What the passes before the walk learn about the script, shared by its walks.
pub struct Facts {
    /// The loops whose code may assign `exports` or `module.exports` (see [`assigning_loops`]).
    assigning_loops: HashSet<(u32, u32)>,
    bindings: Bindings,
    /// The function declarations whose body runs at their one call (see [`in_place`]).
    in_place: InPlace,
    /// A function named `exports` or `module` is declared in a block: where those names point is not known.
    block_functions: bool,
    /// How many units of work one walk may spend (see [`crate::budget`]).
    budget: usize,
}

/// What one walk learnt.
pub struct Walked {
    pub trace: Trace,
    pub unanalysable: Option<Unanalysable>,
    /// The work units it spent (statements and expressions walked), for the complexity tests.
    #[cfg(test)]
    pub work: usize,
}

/// How deep loops that assign a binding may nest and still each be walked twice (see `Walker::walk_loop`).
const MAX_TWO_PASS_NESTING: usize = 3;

/// How many distinct states the walk keeps for deferred code before it gives up on them (and on deferred writes).
const MAX_OBSERVED_STATES: usize = 256;

struct Outcome {
    walked: Walked,
    escapes: bool,
}

/// The statement being walked, when it sits directly in a statement list (so it may be deleted whole).
#[derive(Clone, Copy)]
struct ListStatement {
    span: Span,
    /// The span of its expression, for an expression statement.
    expression: Option<Span>,
}

struct Walker<'a> {
    script: &'a ResolvedScript<'a>,
    source: &'a str,
    rewrite: &'a dyn Fn(RefId) -> bool,
    /// Whether unknown values must be assumed to possibly be the exported object.
    assume_escape: bool,
    escapes: bool,
    state: State,
    deferred_depth: usize,
    recording: bool,
    references: Vec<Reference>,
    agreement: Agreement,
    /// Every distinct state deferred code could run in, with when it was last seen; `None` once there are too many
    /// to keep.
    observed: Option<Vec<Observed>>,
    /// The clock of `observed`: ticks at every point where deferred code could run.
    time: usize,
    /// Inside a deferred function: the point from which the outermost one can run.
    runs_from: Option<RunsFrom>,
    opaque: bool,
    dynamic_scope: bool,
    assigned_at: HashMap<Value, usize>,
    probes_environment: bool,
    write_calls: HashMap<RefId, WriteCall>,
    /// `function exports() {}` statements hoisted at the top level (by their start); one anywhere else declares a
    /// block-scoped `exports` the walk cannot tell from the wrapper's.
    hoisted_exports_functions: Vec<u32>,
    /// Whether `this` in the code being walked is the module's `this` (the initial exports object).
    this_is_module: bool,
    /// How many `with` statements enclose the code being walked.
    with_depth: usize,
    /// The loops, switches and labelled statements enclosing the code being walked, innermost last, with the
    /// states their `break`s and `continue`s carry. Each function run in place has a stack of its own.
    jumps: Vec<JumpTarget>,
    /// A label waiting for the loop or switch it labels.
    pending_label: Option<swc_core::ecma::atoms::Atom>,
    /// How many enclosing scopes declare a `module` of their own: there `module.exports` is not the module's, so
    /// no `exports` may be rewritten to it.
    module_shadow_depth: usize,
    /// A top-level `var exports` is the wrapper's parameter; a top-level `let`/`const`/`class` is not.
    top_level_exports_is_wrapper: bool,
    /// States at `return` statements, one frame per function run in place (the module body is one too).
    exits: Vec<Vec<State>>,
    /// Join of every state seen inside each enclosing `try` block, for its `catch`.
    try_states: Vec<State>,
    list_statement: Option<ListStatement>,
    facts: &'a Facts,
    /// The values of the followed bindings whose declarations have run.
    binding_values: HashMap<BindingKey, Pair>,
    /// What kind of object each created value is, where that is known (by value id).
    kinds: HashMap<u32, ObjectKind>,
    /// How many enclosing loops are being walked twice.
    two_pass_loops: usize,
    /// Statements and expressions walked so far, and how many the file's size allows (see [`crate::budget`]).
    work: usize,
    budget: usize,
    /// Where the work passed the budget; from then on every node returns at once.
    exhausted_at: Option<usize>,
    /// The top level declares `module` only by `var module;`, which is the wrapper's parameter itself.
    module_var_is_wrapper: bool,
    /// The objects written through followed bindings (`api.x = …`).
    alias_writes: Vec<Pair>,
}

impl<'a> Walker<'a> {
    fn run(
        script: &'a ResolvedScript<'a>,
        rewrite: &'a dyn Fn(RefId) -> bool,
        assume_escape: bool,
        facts: &'a Facts,
    ) -> Result<Outcome, usize> {
        let body = &script.script.body;
        let mut walker = Walker {
            script,
            source: script.source,
            rewrite,
            assume_escape,
            escapes: false,
            state: State::initial(),
            deferred_depth: 0,
            recording: true,
            references: Vec::new(),
            agreement: Agreement {
                exports_with_rewritten_module_exports: true,
                exports_with_rewritten_exports: true,
                module_exports_with_rewritten: true,
            },
            observed: Some(Vec::new()),
            time: 0,
            runs_from: None,
            opaque: false,
            dynamic_scope: false,
            assigned_at: HashMap::new(),
            probes_environment: false,
            write_calls: HashMap::new(),
            hoisted_exports_functions: Vec::new(),
            this_is_module: true,
            with_depth: 0,
            jumps: Vec::new(),
            pending_label: None,
            module_shadow_depth: usize::from(scope_declares(body, &[], "module")),
            top_level_exports_is_wrapper: !declares_lexically(body, "exports", script.top_level),
            exits: vec![Vec::new()],
            try_states: Vec::new(),
            list_statement: None,
            facts,
            binding_values: HashMap::new(),
            kinds: facts.bindings.declared.values().map(|(site, kind)| ((*site).max(1), kind.clone())).collect(),
            two_pass_loops: 0,
            work: 0,
            budget: facts.budget,
            exhausted_at: None,
            module_var_is_wrapper: only_redeclared_by_var(body, "module", script.top_level),
            alias_writes: Vec::new(),
        };
        if walker.module_var_is_wrapper {
            // `var module;` is the wrapper's own parameter: `module` there is the module's.
        } else if declares_at_top_level(body, "module", script.top_level) {
            walker.opaque = true;
        }
        walker.dynamic_scope |= facts.block_functions;
        walker.hoist_function_declarations(body);
        walker.walk_statements(body);
        if let Some(offset) = walker.exhausted_at {
            return Err(offset);
        }
        let module_returns = walker.exits.pop().unwrap_or_default();
        let normal_end = walker.state;
        let end = module_returns.iter().fold(normal_end, |end, exit| end.join(*exit, 0));
        walker.state = State { reachable: true, ..end };
        walker.note_agreement();
        // The export written under a followed binding's name is an alias the model does not follow, like `this.x`.
        let exported = |value: Value| value.same_as(end.module_exports) || value.same_as(end.rewritten_module_exports);
        if walker.alias_writes.iter().any(|object| exported(object.original) || exported(object.rewritten)) {
            walker.escapes = true;
        }
        let walked = Walked {
            trace: Trace {
                references: walker.references,
                end: walker.state,
                normal_end,
                module_returns,
                agreement: walker.agreement,
                observed: walker.observed,
                opaque: walker.opaque,
                assigned_at: walker.assigned_at,
                probes_environment: walker.probes_environment,
                escapes: walker.escapes,
                write_calls: walker.write_calls,
                kinds: walker.kinds,
            },
            unanalysable: walker.dynamic_scope.then_some(Unanalysable::DynamicScope),
            #[cfg(test)]
            work: walker.work,
        };
        Ok(Outcome { walked, escapes: walker.escapes })
    }

    /// Counts one unit of work; `false` once the budget is spent, when the caller returns at once.
    fn spend(&mut self, span: Span) -> bool {
        self.work += 1;
        if self.work <= self.budget {
            return true;
        }
        if self.exhausted_at.is_none() {
            self.exhausted_at = Some(self.offset(span.lo));
        }
        false
    }

    // ----- positions -------------------------------------------------------------------------------------------

    fn offset(&self, pos: swc_core::common::BytePos) -> usize {
        self.script.offset(pos).min(self.source.len())
    }

    fn range(&self, span: Span) -> Range<usize> {
        self.offset(span.lo)..self.offset(span.hi)
    }

    /// The identifier's own bytes. After an HTML-like comment swc starts the span at the comment, so the span is
    /// re-anchored on the name, which always ends where the span ends.
    fn ident_range(&self, ident: &Ident) -> Range<usize> {
        let end = self.offset(ident.span.hi);
        let name = ident.sym.as_str();
        let start = end.saturating_sub(name.len());
        if self.source.get(start..end) == Some(name) {
            return start..end;
        }
        let span_start = self.offset(ident.span.lo);
        self.source
            .get(span_start..end)
            .and_then(|text| text.rfind(name))
            .map(|found| span_start + found..span_start + found + name.len())
            .unwrap_or(span_start..end)
    }

    fn site(&self, span: Span) -> u32 {
        span.lo.0
    }

    // ----- identity --------------------------------------------------------------------------------------------

    fn is_exports(&self, ident: &Ident) -> bool {
        &*ident.sym == "exports"
            && (ident.ctxt == self.script.unresolved
                || (ident.ctxt == self.script.top_level && self.top_level_exports_is_wrapper))
    }

    fn is_free(&self, ident: &Ident, name: &str) -> bool {
        &*ident.sym == name
            && (ident.ctxt == self.script.unresolved
                || (name == "module" && self.module_var_is_wrapper && ident.ctxt == self.script.top_level))
    }

    fn exports_ident<'e>(&self, expr: &'e Expr) -> Option<&'e Ident> {
        match unparen(expr) {
            Expr::Ident(ident) if self.is_exports(ident) => Some(ident),
            _ => None,
        }
    }

    fn is_module_exports(&self, member: &MemberExpr) -> bool {
        let Expr::Ident(object) = unparen(&member.obj) else {
            return false;
        };
        self.is_free(object, "module") && member_name(&member.prop).as_deref() == Some("exports")
    }

    fn module_exports_member<'e>(&self, expr: &'e Expr) -> Option<&'e MemberExpr> {
        match unparen(expr) {
            Expr::Member(member) if self.is_module_exports(member) => Some(member),
            _ => None,
        }
    }

    fn module_exports_range(&self, member: &MemberExpr) -> Range<usize> {
        let start = match unparen(&member.obj) {
            Expr::Ident(object) => self.ident_range(object).start,
            _ => self.offset(member.span.lo),
        };
        start..self.offset(member.span.hi)
    }

    fn deferred(&self) -> bool {
        self.deferred_depth > 0
    }

    fn rewritten(&self, id: RefId) -> bool {
        (self.rewrite)(id)
    }
}

impl Visit for Walker<'_> {
    fn visit_expr(&mut self, expression: &Expr) {
        self.eval(expression);
    }

    fn visit_stmt(&mut self, statement: &Stmt) {
        self.walk_nested_statement(statement);
    }

    fn visit_function(&mut self, function: &Function) {
        self.walk_function(function);
    }

    fn visit_arrow_expr(&mut self, arrow: &ArrowExpr) {
        self.walk_arrow(arrow);
    }

    /// A static block is a scope of its own: a `var module` there shadows the module's.
    fn visit_static_block(&mut self, block: &StaticBlock) {
        let shadows = super::scope::scope_declares(&block.body.stmts, &[], "module");
        self.in_scope(shadows, |walker| walker.walk_statements(&block.body.stmts));
    }

    fn visit_class(&mut self, class: &Class) {
        self.walk_class(class);
    }

    fn visit_pat(&mut self, pattern: &Pat) {
        // Parameters and catch clauses bind names of their own; only their default values are code.
        match pattern {
            Pat::Assign(assign) => {
                self.eval(&assign.right);
                self.visit_pat(&assign.left);
            }
            Pat::Expr(expression) => self.bind_target_expression(expression),
            other => other.visit_children_with(self),
        }
    }

    fn visit_ts_type(&mut self, _: &TsType) {}

    fn visit_ts_type_ann(&mut self, _: &TsTypeAnn) {}

    /// Every expression position is handled by `eval`; an `exports` or `module` reached here stands somewhere the
    /// model does not follow (a JSX tag name such as `<exports.Foo />`), so the file is left alone.
    fn visit_ident(&mut self, ident: &Ident) {
        if self.is_exports(ident) || self.is_free(ident, "module") {
            self.dynamic_scope = true;
        }
    }
}
#[cfg(test)]
mod tests;
