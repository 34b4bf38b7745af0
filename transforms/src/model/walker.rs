//! The walk: the program in evaluation order, with the abstract state of `exports` and `module.exports` in the
//! original program and in the candidate rewrite, recording every reference on the way.
//!
//! Control flow is followed where it decides which assignment happened: branches and short-circuits join their
//! states, loop bodies are walked twice (once silently, to reach a state that covers every iteration), `try`
//! blocks let any of their intermediate states reach `catch`, and a function expression called on the spot (an
//! IIFE, the usual CommonJS and CoffeeScript wrapper) runs in place. Any other function body runs at a time the
//! model cannot know: its references are marked deferred, and a reassignment inside one makes the model opaque.

use std::collections::{HashMap, HashSet};
use std::ops::Range;

use swc_core::common::{Span, Spanned, SyntaxContext};
use swc_core::ecma::ast::*;
use swc_core::ecma::visit::{Visit, VisitWith};

use super::value::{State, Value};
use super::{
    Agreement, AssignForm, Assignment, RefId, Reference, Rewrite, Target, Trace, Unanalysable, Usage, ValueShape,
};
use crate::parse::ResolvedScript;

/// Walks the script twice when needed: first to learn whether `exports` escapes (which decides how opaque values
/// are), then for real.
pub fn walk(script: &ResolvedScript<'_>, rewrite: &dyn Fn(RefId) -> bool) -> (Trace, Option<Unanalysable>) {
    let assigning_loops = assigning_loops(&script.script.body);
    let probe = Walker::run(script, rewrite, true, &assigning_loops);
    if probe.escapes {
        return (probe.trace, probe.unanalysable);
    }
    let exact = Walker::run(script, rewrite, false, &assigning_loops);
    (exact.trace, exact.unanalysable)
}

/// How deep loops that assign a binding may nest and still each be walked twice (see `Walker::walk_loop`).
const MAX_TWO_PASS_NESTING: usize = 3;

/// How many distinct states the walk keeps for deferred code before it gives up on them (and on deferred writes).
const MAX_OBSERVED_STATES: usize = 256;

struct Outcome {
    trace: Trace,
    unanalysable: Option<Unanalysable>,
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
    /// Every distinct state deferred code could run in; `None` once there are too many to keep.
    observed: Option<Vec<State>>,
    opaque: bool,
    dynamic_scope: bool,
    assigned_at: HashMap<Value, usize>,
    probes_environment: bool,
    defines_properties: bool,
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
    /// The shape of the value the next `assign_exports` stores, set just before it by the callers that know it.
    next_assignment_shape: ValueShape,
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
    /// The loops whose code may assign `exports` or `module.exports` (see [`assigning_loops`]).
    assigning_loops: &'a HashSet<(u32, u32)>,
    /// How many enclosing loops are being walked twice.
    two_pass_loops: usize,
}

impl<'a> Walker<'a> {
    fn run(
        script: &'a ResolvedScript<'a>,
        rewrite: &'a dyn Fn(RefId) -> bool,
        assume_escape: bool,
        assigning_loops: &'a HashSet<(u32, u32)>,
    ) -> Outcome {
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
            opaque: false,
            dynamic_scope: false,
            assigned_at: HashMap::new(),
            probes_environment: false,
            defines_properties: false,
            hoisted_exports_functions: Vec::new(),
            this_is_module: true,
            with_depth: 0,
            next_assignment_shape: ValueShape::default(),
            jumps: Vec::new(),
            pending_label: None,
            module_shadow_depth: usize::from(scope_declares(body, &[], "module")),
            top_level_exports_is_wrapper: !declares_lexically(body, "exports", script.top_level),
            exits: vec![Vec::new()],
            try_states: Vec::new(),
            list_statement: None,
            assigning_loops,
            two_pass_loops: 0,
        };
        if declares_at_top_level(body, "module", script.top_level) {
            walker.opaque = true;
        }
        walker.hoist_function_declarations(body);
        walker.walk_statements(body);
        let module_returns = walker.exits.pop().unwrap_or_default();
        let normal_end = walker.state;
        let end = module_returns.iter().fold(normal_end, |end, exit| end.join(*exit, 0));
        walker.state = State { reachable: true, ..end };
        walker.note_agreement();
        Outcome {
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
                defines_properties: walker.defines_properties,
            },
            unanalysable: walker.dynamic_scope.then_some(Unanalysable::DynamicScope),
            escapes: walker.escapes,
        }
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
        &*ident.sym == name && ident.ctxt == self.script.unresolved
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

    // ----- state -----------------------------------------------------------------------------------------------

    /// Records the current state for the agreement flags and the enclosing `try` blocks.
    fn note_state(&mut self) {
        let state = self.state;
        if !state.reachable {
            return;
        }
        for try_state in &mut self.try_states {
            *try_state = try_state.join(state, 1);
        }
    }

    /// Records the current state for the agreement flags. Deferred code runs only when something calls it, so
    /// this is done where control can leave the walked code: at statement boundaries, calls, and the end; not in
    /// the middle of `exports = module.exports = X`, whose halves nothing can run between.
    fn note_agreement(&mut self) {
        let state = self.state;
        if !state.reachable {
            return;
        }
        self.agreement.exports_with_rewritten_module_exports &= state.exports.same_as(state.rewritten_module_exports);
        self.agreement.exports_with_rewritten_exports &= state.exports.same_as(state.rewritten_exports);
        self.agreement.module_exports_with_rewritten &= state.module_exports.same_as(state.rewritten_module_exports);
        if let Some(observed) = &mut self.observed {
            if !observed.contains(&state) {
                if observed.len() < MAX_OBSERVED_STATES {
                    observed.push(state);
                } else {
                    self.observed = None;
                }
            }
        }
    }

    fn join_into(&mut self, other: State, span: Span) {
        self.state = self.state.join(other, self.site(span));
        self.note_state();
    }

    /// A value the model cannot follow. When `exports` may have escaped, it may even be the exported object, so it
    /// is a merged value; otherwise it is a new object of its own, the same one in both programs.
    fn opaque_value(&self, span: Span) -> (Value, Value) {
        if self.assume_escape {
            self.merged_unknown(span)
        } else {
            self.created(span)
        }
    }

    fn created(&self, span: Span) -> (Value, Value) {
        let value = Value::created_at(self.site(span).max(1));
        (value, value)
    }

    fn created_fragile(&self, span: Span) -> (Value, Value) {
        let value = Value::fragile_at(self.site(span).max(1));
        (value, value)
    }

    /// Some object or other, different in the two programs: never known to be, or not to be, anything else.
    fn merged_unknown(&self, span: Span) -> (Value, Value) {
        let site = self.site(span);
        (Value::unknown_at(site, 0), Value::unknown_at(site, 1))
    }

    // ----- references ------------------------------------------------------------------------------------------

    fn push_reference(&mut self, mut reference: Reference) {
        if self.with_depth > 0 {
            // Inside `with (o)`, `exports` may be `o.exports`: nothing about it can be known.
            self.dynamic_scope = true;
        }
        if self.recording {
            // Only a `return` in the module body itself (the first frame) ends the module.
            reference.module_returns_before = match self.exits.as_slice() {
                [module] => module.len(),
                [module, ..] => module.len(),
                [] => 0,
            };
            self.references.push(reference);
        }
    }

    /// Records a use of `exports` that does not assign it, and returns what it evaluates to in both programs.
    fn use_exports(&mut self, ident: &Ident, usage: Usage, rewrite: Rewrite) -> (Value, Value) {
        let rewrite = self.unless_module_shadowed(rewrite);
        let range = self.ident_range(ident);
        let id = range.start;
        let rewritten = if self.rewritten(id) && usage != Usage::Typeof {
            self.state.rewritten_module_exports
        } else {
            self.state.rewritten_exports
        };
        if usage == Usage::Escape {
            self.escapes = true;
        }
        let original = self.state.exports;
        self.push_reference(Reference {
            id,
            target: Target::Exports,
            usage,
            range,
            deferred: self.deferred(),
            original,
            rewritten,
            assignment: None,
            module_returns_before: 0,
            rewrite,
        });
        (original, rewritten)
    }

    fn use_module_exports(&mut self, member: &MemberExpr, usage: Usage) -> (Value, Value) {
        if usage == Usage::Escape {
            self.escapes = true;
        }
        if let MemberProp::Computed(computed) = &member.prop {
            self.eval(&computed.expr);
        }
        let range = self.module_exports_range(member);
        let original = self.state.module_exports;
        let rewritten = self.state.rewritten_module_exports;
        self.push_reference(Reference {
            id: range.start,
            target: Target::ModuleExports,
            usage,
            range,
            deferred: self.deferred(),
            original,
            rewritten,
            assignment: None,
            module_returns_before: 0,
            rewrite: Rewrite::Impossible,
        });
        (original, rewritten)
    }

    /// Assigns the wrapper's `exports` binding.
    #[allow(clippy::too_many_arguments)]
    fn assign_exports(
        &mut self,
        ident: &Ident,
        form: AssignForm,
        value: (Value, Value),
        whole: Range<usize>,
        linked_by_parent: bool,
        rewrite_when_linked: Rewrite,
        rewrite_otherwise: Rewrite,
    ) {
        let range = self.ident_range(ident);
        let id = range.start;
        let to_module_exports = self.rewritten(id);
        let deferred = self.deferred();
        if deferred {
            self.opaque = true;
        } else if self.state.reachable {
            self.state.exports = value.0;
            if to_module_exports {
                self.state.rewritten_module_exports = value.1;
            } else {
                self.state.rewritten_exports = value.1;
            }
            self.assigned_at.entry(value.0).or_insert(whole.start);
            self.note_state();
        }
        let links = linked_by_parent
            || (!deferred && self.state.reachable && self.state.exports.same_as(self.state.module_exports));
        let rewrite = self.unless_module_shadowed(if links { rewrite_when_linked } else { rewrite_otherwise });
        let shape = std::mem::take(&mut self.next_assignment_shape);
        let rewritten =
            if to_module_exports { self.state.rewritten_module_exports } else { self.state.rewritten_exports };
        self.push_reference(Reference {
            id,
            target: Target::Exports,
            usage: Usage::Assign(form),
            range,
            deferred,
            original: value.0,
            rewritten,
            module_returns_before: 0,
            assignment: Some(Assignment { range: whole, assigned: value.0, links, shape }),
            rewrite,
        });
    }

    fn assign_module_exports(
        &mut self,
        member: &MemberExpr,
        form: AssignForm,
        value: (Value, Value),
        whole: Range<usize>,
        linked_by_parent: bool,
        shape: ValueShape,
    ) {
        let range = self.module_exports_range(member);
        let deferred = self.deferred();
        if deferred {
            self.opaque = true;
        } else if self.state.reachable {
            self.state.module_exports = value.0;
            self.state.rewritten_module_exports = value.1;
            self.assigned_at.entry(value.0).or_insert(whole.start);
            self.note_state();
        }
        let links = linked_by_parent
            || (!deferred && self.state.reachable && self.state.exports.same_as(self.state.module_exports));
        self.push_reference(Reference {
            id: range.start,
            target: Target::ModuleExports,
            usage: Usage::Assign(form),
            range,
            deferred,
            original: value.0,
            rewritten: value.1,
            module_returns_before: 0,
            assignment: Some(Assignment { range: whole, assigned: value.0, links, shape }),
            rewrite: Rewrite::Impossible,
        });
    }

    /// Where `module` is not the module's, no text edit can turn `exports` into `module.exports`.
    fn unless_module_shadowed(&self, rewrite: Rewrite) -> Rewrite {
        if self.module_shadow_depth > 0 {
            Rewrite::Impossible
        } else {
            rewrite
        }
    }

    /// An assignment to `exports` whose value the model cannot follow (a compound operator, a destructuring or
    /// loop target): the binding then holds some unknown object, and no text edit can rewrite it.
    fn assign_exports_unknown(
        &mut self,
        ident: &Ident,
        form: AssignForm,
        span: Span,
        whole: Range<usize>,
    ) -> (Value, Value) {
        let value = self.merged_unknown(span);
        self.assign_exports(ident, form, value, whole, false, Rewrite::Impossible, Rewrite::Impossible);
        value
    }

    /// The same for `module.exports`.
    fn assign_module_exports_unknown(
        &mut self,
        member: &MemberExpr,
        form: AssignForm,
        span: Span,
        whole: Range<usize>,
    ) -> (Value, Value) {
        let value = self.merged_unknown(span);
        self.assign_module_exports(member, form, value, whole, false, ValueShape::default());
        value
    }

    // ----- statements ------------------------------------------------------------------------------------------

    fn hoist_function_declarations(&mut self, body: &[Stmt]) {
        for statement in body {
            if let Stmt::Decl(Decl::Fn(function)) = statement {
                if self.is_exports(&function.ident) {
                    self.hoisted_exports_functions.push(function.function.span.lo.0);
                    let value = self.created(function.function.span);
                    let whole = self.range(function.function.span);
                    self.assign_exports(
                        &function.ident,
                        AssignForm::FunctionDeclaration,
                        value,
                        whole,
                        false,
                        Rewrite::Impossible,
                        Rewrite::Impossible,
                    );
                }
            }
        }
    }

    fn walk_statements(&mut self, statements: &[Stmt]) {
        for statement in statements {
            let expression = match statement {
                Stmt::Expr(expression) => Some(expression.expr.span()),
                _ => None,
            };
            let outer = self.list_statement.replace(ListStatement { span: statement.span(), expression });
            self.walk_statement(statement);
            self.list_statement = outer;
            self.note_agreement();
        }
    }

    /// Walks a statement that is not directly in a statement list (an `if` branch, a loop body).
    fn walk_nested_statement(&mut self, statement: &Stmt) {
        let outer = self.list_statement.take();
        if let Stmt::Block(block) = statement {
            self.walk_statements(&block.stmts);
        } else {
            self.walk_statement(statement);
        }
        self.list_statement = outer;
    }

    fn walk_statement(&mut self, statement: &Stmt) {
        match statement {
            Stmt::Block(block) => self.walk_statements(&block.stmts),
            Stmt::Expr(expression) => {
                self.eval(&expression.expr);
            }
            Stmt::If(if_statement) => {
                self.eval(&if_statement.test);
                let before = self.state;
                self.walk_nested_statement(&if_statement.cons);
                let after_consequent = self.state;
                self.state = before;
                if let Some(alternate) = &if_statement.alt {
                    self.walk_nested_statement(alternate);
                }
                self.join_into(after_consequent, if_statement.span);
            }
            Stmt::Break(jump) => self.jump(jump.label.as_ref(), false),
            Stmt::Continue(jump) => self.jump(jump.label.as_ref(), true),
            Stmt::While(loop_statement) => {
                let label = self.pending_label.take();
                self.walk_loop(label, loop_statement.span, |walker| {
                    walker.eval(&loop_statement.test);
                    walker.walk_nested_statement(&loop_statement.body);
                })
            }
            Stmt::DoWhile(loop_statement) => {
                let label = self.pending_label.take();
                self.walk_loop(label, loop_statement.span, |walker| {
                    walker.walk_nested_statement(&loop_statement.body);
                    walker.eval(&loop_statement.test);
                })
            }
            Stmt::For(loop_statement) => {
                let label = self.pending_label.take();
                match &loop_statement.init {
                    Some(VarDeclOrExpr::VarDecl(declaration)) => self.walk_var_declaration(declaration, false),
                    Some(VarDeclOrExpr::Expr(expression)) => {
                        self.eval(expression);
                    }
                    None => {}
                }
                self.walk_loop(label, loop_statement.span, |walker| {
                    if let Some(test) = &loop_statement.test {
                        walker.eval(test);
                    }
                    walker.walk_nested_statement(&loop_statement.body);
                    if let Some(update) = &loop_statement.update {
                        walker.eval(update);
                    }
                });
            }
            Stmt::ForIn(loop_statement) => {
                let label = self.pending_label.take();
                self.eval(&loop_statement.right);
                self.walk_loop(label, loop_statement.span, |walker| {
                    walker.bind_for_head(&loop_statement.left);
                    walker.walk_nested_statement(&loop_statement.body);
                });
            }
            Stmt::ForOf(loop_statement) => {
                let label = self.pending_label.take();
                self.eval(&loop_statement.right);
                self.walk_loop(label, loop_statement.span, |walker| {
                    walker.bind_for_head(&loop_statement.left);
                    walker.walk_nested_statement(&loop_statement.body);
                });
            }
            Stmt::Try(try_statement) => self.walk_try(try_statement),
            Stmt::Switch(switch) => {
                let label = self.pending_label.take();
                self.eval(&switch.discriminant);
                self.jumps.push(JumpTarget::new(JumpKind::Switch, label));
                let entry = self.state;
                let mut previous = entry.unreachable();
                for case in &switch.cases {
                    self.state = entry.join(previous, self.site(case.span));
                    if let Some(test) = &case.test {
                        self.eval(test);
                    }
                    let outer = self.list_statement.take();
                    self.walk_statements(&case.cons);
                    self.list_statement = outer;
                    previous = self.state;
                }
                // Without a `default`, no case may run at all.
                if switch.cases.iter().any(|case| case.test.is_none()) {
                    self.state = previous;
                } else {
                    self.state = entry;
                    self.join_into(previous, switch.span);
                }
                self.land_breaks(switch.span);
            }
            Stmt::Return(return_statement) => {
                if let Some(argument) = &return_statement.arg {
                    self.eval(argument);
                }
                if !self.deferred() {
                    if let Some(frame) = self.exits.last_mut() {
                        frame.push(self.state);
                    }
                    self.state = self.state.unreachable();
                }
            }
            Stmt::Throw(throw) => {
                self.eval(&throw.arg);
                if !self.deferred() {
                    self.state = self.state.unreachable();
                }
            }
            Stmt::Labeled(labeled) => {
                let is_loop_or_switch = matches!(
                    &*labeled.body,
                    Stmt::While(_)
                        | Stmt::DoWhile(_)
                        | Stmt::For(_)
                        | Stmt::ForIn(_)
                        | Stmt::ForOf(_)
                        | Stmt::Switch(_)
                );
                if is_loop_or_switch {
                    // The loop or switch takes the label as its own jump target.
                    self.pending_label = Some(labeled.label.sym.clone());
                    self.walk_nested_statement(&labeled.body);
                } else {
                    self.jumps.push(JumpTarget::new(JumpKind::Block, Some(labeled.label.sym.clone())));
                    self.walk_nested_statement(&labeled.body);
                    self.land_breaks(labeled.span);
                }
            }
            Stmt::With(with) => {
                self.eval(&with.obj);
                self.with_depth += 1;
                self.walk_nested_statement(&with.body);
                self.with_depth -= 1;
            }
            Stmt::Decl(Decl::Var(declaration)) => self.walk_var_declaration(declaration, true),
            Stmt::Decl(Decl::Fn(function)) => {
                if self.is_exports(&function.ident)
                    && !self.hoisted_exports_functions.contains(&function.function.span.lo.0)
                {
                    // In a block, `function exports` is the block's own binding (Annex B does not hoist it over the
                    // wrapper's parameter); swc resolves it like the parameter, so nothing here can be trusted.
                    self.dynamic_scope = true;
                }
                self.walk_function(&function.function)
            }
            Stmt::Decl(Decl::Class(class)) => self.walk_class(&class.class),
            other => other.visit_children_with(self),
        }
    }

    /// Walks a loop. Only a loop whose code may assign a binding needs the state a later iteration starts in: its
    /// body is walked twice, silently from the entry state, then for real from the join of the entry and the state
    /// after one iteration, so a reference early in the body sees what a later iteration may have assigned. Every
    /// other loop starts each iteration in its entry state, and is walked once. Assigning loops nested deeper than
    /// [`MAX_TWO_PASS_NESTING`] in each other start from a widened state instead of being walked twice again, so no
    /// code is walked more than 2^MAX_TWO_PASS_NESTING times and the walk stays linear however deep loops nest.
    fn walk_loop(&mut self, label: Option<swc_core::ecma::atoms::Atom>, span: Span, mut body: impl FnMut(&mut Self)) {
        self.jumps.push(JumpTarget::new(JumpKind::Loop, label));
        let entry = self.state;
        if !self.assigning_loops.contains(&(span.lo.0, span.hi.0)) {
            body(self);
            self.land_continues(span);
            self.join_into(entry, span);
        } else if self.two_pass_loops >= MAX_TWO_PASS_NESTING {
            self.state = widened(entry, self.site(span));
            let head = self.state;
            body(self);
            self.land_continues(span);
            self.join_into(head, span);
        } else {
            self.two_pass_loops += 1;
            let recording = self.recording;
            self.recording = false;
            body(self);
            self.land_continues(span);
            self.recording = recording;
            let after_first = self.state;
            self.state = entry;
            self.join_into(after_first, span);
            let loop_entry = self.state;
            body(self);
            self.land_continues(span);
            self.join_into(loop_entry, span);
            self.two_pass_loops -= 1;
        }
        self.land_breaks(span);
    }

    /// `break`/`continue` at load time: the state goes to the target's exit (or next iteration) and the code after
    /// the jump does not run on this path. Inside a deferred function jumps change nothing the model follows.
    fn jump(&mut self, label: Option<&Ident>, continues: bool) {
        if self.deferred() {
            return;
        }
        let state = self.state;
        let target = self.jumps.iter_mut().rev().find(|target| match label {
            Some(label) => target.label.as_ref() == Some(&label.sym),
            None if continues => target.kind == JumpKind::Loop,
            None => target.kind != JumpKind::Block,
        });
        match target {
            Some(target) if continues => target.continues.push(state),
            Some(target) => target.breaks.push(state),
            // A jump the walk cannot place: keep going as if it fell through (more states, never fewer).
            None => return,
        }
        self.state = state.unreachable();
    }

    /// Joins the states of the `continue`s of the innermost loop into the end of its body.
    fn land_continues(&mut self, span: Span) {
        let continues = self.jumps.last_mut().map(|target| std::mem::take(&mut target.continues)).unwrap_or_default();
        for state in continues {
            self.join_into(state, span);
        }
    }

    /// Pops the innermost jump target and joins the states of its `break`s into the state after it.
    fn land_breaks(&mut self, span: Span) {
        if let Some(target) = self.jumps.pop() {
            for state in target.breaks.into_iter().chain(target.continues) {
                self.join_into(state, span);
            }
        }
    }

    fn walk_try(&mut self, try_statement: &TryStmt) {
        let entry = self.state;
        self.try_states.push(entry);
        self.walk_statements(&try_statement.block.stmts);
        let seen_in_try = self.try_states.pop().unwrap_or(entry);
        let after_try = self.state;
        if let Some(handler) = &try_statement.handler {
            self.state = seen_in_try;
            let parameters: Vec<&Pat> = handler.param.iter().collect();
            self.in_scope(scope_declares(&handler.body.stmts, &parameters, "module"), |walker| {
                if let Some(parameter) = &handler.param {
                    parameter.visit_with(walker);
                }
                walker.walk_statements(&handler.body.stmts);
            });
            self.join_into(after_try, try_statement.span);
        }
        if let Some(finalizer) = &try_statement.finalizer {
            let normal = self.state;
            self.state = seen_in_try;
            self.join_into(normal, finalizer.span);
            self.walk_statements(&finalizer.stmts);
        }
    }

    fn walk_var_declaration(&mut self, declaration: &VarDecl, in_list: bool) {
        let single = declaration.decls.len() == 1 && declaration.kind == VarDeclKind::Var;
        let statement = self.list_statement.filter(|_| in_list);
        for declarator in &declaration.decls {
            let declares_exports = matches!(&declarator.name, Pat::Ident(binding) if self.is_exports(&binding.id));
            let value = declarator.init.as_ref().map(|init| {
                if declares_exports {
                    self.eval_assigned_linking(init, LinkSide::Exports)
                } else {
                    self.eval(init)
                }
            });
            let Pat::Ident(binding) = &declarator.name else {
                self.bind_pattern(&declarator.name);
                continue;
            };
            if !self.is_exports(&binding.id) {
                continue;
            }
            let editable = single && statement.is_some() && binding.type_ann.is_none();
            let declaration_range = self.anchored_range(declaration.span, "var");
            let ident_range = self.ident_range(&binding.id);
            match (&declarator.init, value) {
                (Some(init), Some(value)) => {
                    let init_start = self.offset(init.span().lo);
                    let (linked, otherwise) = if editable {
                        let linked = if self.module_exports_member(init).is_some() {
                            self.delete_statement(statement, "var").unwrap_or(Rewrite::Impossible)
                        } else {
                            self.delete_prefix(declaration_range.start..init_start, "var exports =")
                                .unwrap_or(Rewrite::Impossible)
                        };
                        (linked, Rewrite::Replace(declaration_range.start..ident_range.end, "module.exports"))
                    } else {
                        (Rewrite::Impossible, Rewrite::Impossible)
                    };
                    let whole = declaration_range.start..self.offset(declarator.span.hi);
                    self.next_assignment_shape =
                        ValueShape { names_function: names_function(init), ..ValueShape::default() };
                    self.assign_exports(&binding.id, AssignForm::VarInit, value, whole, false, linked, otherwise);
                }
                _ => {
                    let rewrite = if editable {
                        self.delete_statement(statement, "var").unwrap_or(Rewrite::Impossible)
                    } else {
                        Rewrite::Impossible
                    };
                    let range = self.ident_range(&binding.id);
                    let original = self.state.exports;
                    self.push_reference(Reference {
                        id: range.start,
                        target: Target::Exports,
                        usage: Usage::Assign(AssignForm::VarDeclaration),
                        range: range.clone(),
                        deferred: self.deferred(),
                        original,
                        rewritten: original,
                        module_returns_before: 0,
                        assignment: Some(Assignment {
                            range,
                            assigned: original,
                            links: true,
                            shape: ValueShape::default(),
                        }),
                        rewrite,
                    });
                }
            }
        }
    }

    /// The range of a statement or declaration in the original text, from its first word. After an HTML-like
    /// comment swc starts the span at the comment, which must not be edited with it.
    fn anchored_range(&self, span: Span, leading: &str) -> Range<usize> {
        let range = self.range(span);
        let start = match self.source.get(range.clone()) {
            Some(text) if !text.starts_with(leading) => text.find(leading).map_or(range.start, |at| range.start + at),
            _ => range.start,
        };
        start..range.end
    }

    /// Deleting a whole statement must not glue its neighbours into one (`a = b` + `(f)()` becomes a call), so it
    /// is allowed only where the next token cannot continue the previous statement, or the previous one ends in
    /// `;`. `None` when it is not allowed: the caller keeps the statement in another form.
    fn delete_statement(&self, statement: Option<ListStatement>, leading: &str) -> Option<Rewrite> {
        let statement = statement?;
        let range = self.anchored_range(statement.span, leading);
        let source = self.source;
        let before = &source[..range.start];
        let after = &source[range.end..];
        let next = after.trim_start().chars().next();
        let previous = before.trim_end().chars().last();
        let continues =
            matches!(next, Some('(' | '[' | '`' | '+' | '-' | '/' | '<' | '*' | '%' | ',' | '.' | '?' | '=' | '!'));
        if continues && !matches!(previous, None | Some(';')) {
            return None;
        }
        let line_start = before.rfind('\n').map_or(0, |newline| newline + 1);
        let line_end = after.find('\n').map_or(source.len(), |newline| range.end + newline + 1);
        let alone_on_line = source[line_start..range.start].trim().is_empty()
            && source[range.end..line_end].trim().is_empty()
            && !source[line_start..range.start].contains('\u{feff}');
        Some(Rewrite::Delete(if alone_on_line { line_start..line_end } else { range }))
    }

    /// Deletes `exports = ` in front of a value that already is `module.exports`; only when the text is just that.
    fn delete_prefix(&self, range: Range<usize>, expected: &str) -> Option<Rewrite> {
        let text = self.source.get(range.clone())?;
        let normalized: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
        (normalized == expected).then_some(Rewrite::Delete(range))
    }

    fn bind_for_head(&mut self, head: &ForHead) {
        match head {
            ForHead::VarDecl(declaration) => {
                for declarator in &declaration.decls {
                    self.bind_pattern(&declarator.name);
                }
            }
            ForHead::UsingDecl(declaration) => declaration.visit_with(self),
            ForHead::Pat(pattern) => self.bind_pattern(pattern),
        }
    }

    /// Binds an assignment or declaration pattern: `exports` inside one is reassigned to something unknown.
    fn bind_pattern(&mut self, pattern: &Pat) {
        match pattern {
            Pat::Ident(binding) => {
                if self.is_exports(&binding.id) {
                    self.assign_exports_unknown(
                        &binding.id,
                        AssignForm::Pattern,
                        binding.id.span,
                        self.ident_range(&binding.id),
                    );
                }
            }
            Pat::Expr(expression) => self.bind_target_expression(expression),
            Pat::Array(array) => {
                for element in array.elems.iter().flatten() {
                    self.bind_pattern(element);
                }
            }
            Pat::Object(object) => {
                for property in &object.props {
                    match property {
                        ObjectPatProp::KeyValue(key_value) => {
                            key_value.key.visit_with(self);
                            self.bind_pattern(&key_value.value);
                        }
                        ObjectPatProp::Assign(assign) => {
                            if let Some(default) = &assign.value {
                                self.eval_conditionally(default);
                            }
                            if self.is_exports(&assign.key.id) {
                                self.assign_exports_unknown(
                                    &assign.key.id,
                                    AssignForm::Pattern,
                                    assign.key.id.span,
                                    self.ident_range(&assign.key.id),
                                );
                            }
                        }
                        ObjectPatProp::Rest(rest) => self.bind_pattern(&rest.arg),
                    }
                }
            }
            Pat::Rest(rest) => self.bind_pattern(&rest.arg),
            Pat::Assign(assign) => {
                self.eval_conditionally(&assign.right);
                self.bind_pattern(&assign.left);
            }
            Pat::Invalid(_) => {}
        }
    }

    /// An expression used as a destructuring or `for-in` target.
    fn bind_target_expression(&mut self, expression: &Expr) {
        if let Some(ident) = self.exports_ident(expression) {
            self.assign_exports_unknown(ident, AssignForm::Pattern, ident.span, self.ident_range(ident));
        } else if let Some(member) = self.module_exports_member(expression) {
            self.assign_module_exports_unknown(
                member,
                AssignForm::Pattern,
                member.span,
                self.module_exports_range(member),
            );
        } else if let Expr::Member(member) = unparen(expression) {
            self.write_member(member);
        } else {
            self.eval(expression);
        }
    }

    // ----- functions -------------------------------------------------------------------------------------------

    /// A function body runs later, at a time the model does not know.
    fn deferred_body(&mut self, walk: impl FnOnce(&mut Self)) {
        let saved = self.state;
        let saved_jumps = std::mem::take(&mut self.jumps);
        let saved_statement = self.list_statement.take();
        self.deferred_depth += 1;
        self.exits.push(Vec::new());
        walk(self);
        self.exits.pop();
        self.deferred_depth -= 1;
        self.list_statement = saved_statement;
        self.jumps = saved_jumps;
        self.state = saved;
    }

    fn walk_function(&mut self, function: &Function) {
        for decorator in &function.decorators {
            decorator.visit_with(self);
        }
        self.deferred_body(|walker| walker.walk_function_body(function));
    }

    fn walk_arrow(&mut self, arrow: &ArrowExpr) {
        self.deferred_body(|walker| walker.walk_arrow_body(arrow));
    }

    fn walk_function_body(&mut self, function: &Function) {
        let params: Vec<&Pat> = function.params.iter().map(|param| &param.pat).collect();
        let statements = function.body.as_ref().map_or(&[][..], |body| &body.stmts[..]);
        self.in_scope(scope_declares(statements, &params, "module"), |walker| {
            function.params.visit_with(walker);
            walker.walk_statements(statements);
        });
    }

    fn walk_arrow_body(&mut self, arrow: &ArrowExpr) {
        let params: Vec<&Pat> = arrow.params.iter().collect();
        let statements = match &*arrow.body {
            ArrowFunctionBody::FunctionBody(body) => &body.stmts[..],
            ArrowFunctionBody::Expr(_) => &[][..],
        };
        self.in_scope(scope_declares(statements, &params, "module"), |walker| {
            arrow.params.visit_with(walker);
            match &*arrow.body {
                ArrowFunctionBody::FunctionBody(body) => walker.walk_statements(&body.stmts),
                ArrowFunctionBody::Expr(expression) => {
                    walker.eval(expression);
                }
            }
        });
    }

    /// Walks a scope, noting whether it declares a `module` of its own.
    fn in_scope(&mut self, shadows_module: bool, walk: impl FnOnce(&mut Self)) {
        self.module_shadow_depth += usize::from(shadows_module);
        walk(self);
        self.module_shadow_depth -= usize::from(shadows_module);
    }

    fn walk_class(&mut self, class: &Class) {
        if let Some(super_class) = &class.super_class {
            self.eval(super_class);
        }
        self.deferred_body(|walker| {
            class.decorators.visit_with(walker);
            class.body.visit_with(walker);
        });
    }

    /// A function expression called where it stands runs now, in order: its body is walked as load-time code.
    fn walk_immediate_call(&mut self, call: &CallExpr) -> bool {
        let Callee::Expr(callee) = &call.callee else {
            return false;
        };
        let function = match unparen(callee) {
            Expr::Member(member) if matches!(&member.prop, MemberProp::Ident(name) if &*name.sym == "call" || &*name.sym == "apply") => {
                unparen(&member.obj)
            }
            other => other,
        };
        let body: &dyn Fn(&mut Self) = match function {
            Expr::Fn(function) if !function.function.is_async && !function.function.is_generator => {
                &|walker: &mut Self| walker.walk_function_body(&function.function)
            }
            Expr::Arrow(arrow) if !arrow.is_async && !arrow.is_generator => {
                &|walker: &mut Self| walker.walk_arrow_body(arrow)
            }
            _ => return false,
        };
        let passes_this_as_this = matches!(unparen(callee), Expr::Member(_))
            && call.args.first().is_some_and(|argument| matches!(unparen(&argument.expr), Expr::This(_)));
        for (index, argument) in call.args.iter().enumerate() {
            // `.call(this)` makes the body's `this` the module's `this`, which the walk follows as it is.
            if !(index == 0 && passes_this_as_this) {
                self.eval_argument(argument);
            }
        }
        if self.deferred() {
            body(self);
            return true;
        }
        let saved_statement = self.list_statement.take();
        let saved_this = self.this_is_module;
        if matches!(function, Expr::Fn(_)) {
            // A `function` binds its own `this`: the module's only when passed by `.call(this)`/`.apply(this)`.
            self.this_is_module = saved_this && passes_this_as_this;
        }
        let saved_jumps = std::mem::take(&mut self.jumps);
        self.exits.push(Vec::new());
        body(self);
        self.jumps = saved_jumps;
        self.this_is_module = saved_this;
        let returns = self.exits.pop().unwrap_or_default();
        for exit in returns {
            self.join_into(exit, call.span);
        }
        self.state.reachable = true;
        self.list_statement = saved_statement;
        true
    }

    // ----- expressions -----------------------------------------------------------------------------------------

    /// Evaluates an expression whose value is stored into `exports` or `module.exports`: a direct `exports` or
    /// `module.exports` there flows into the binding, it does not escape.
    fn eval_assigned(&mut self, expression: &Expr) -> (Value, Value) {
        if let Some(ident) = self.exports_ident(expression) {
            return self.use_exports(ident, Usage::Read, Rewrite::Prefix);
        }
        if let Some(member) = self.module_exports_member(expression) {
            return self.use_module_exports(member, Usage::Read);
        }
        self.eval(expression)
    }

    fn eval_conditionally(&mut self, expression: &Expr) -> (Value, Value) {
        let before = self.state;
        let value = self.eval(expression);
        self.join_into(before, expression.span());
        value
    }

    fn eval_argument(&mut self, argument: &ExprOrSpread) {
        if argument.spread.is_some() {
            if let Some(ident) = self.exports_ident(&argument.expr) {
                self.use_exports(ident, Usage::Read, Rewrite::Prefix);
                return;
            }
        }
        self.eval(&argument.expr);
    }

    /// Evaluates an expression and returns the object it yields in the original and the rewritten program.
    fn eval(&mut self, expression: &Expr) -> (Value, Value) {
        let span = expression.span();
        match expression {
            Expr::Ident(ident) => {
                if self.is_exports(ident) {
                    return self.use_exports(ident, Usage::Escape, Rewrite::Prefix);
                }
                if self.is_free(ident, "module") {
                    self.opaque = true;
                    self.escapes = true;
                    return self.merged_unknown(span);
                }
                if self.is_free(ident, "arguments") && !self.deferred() && self.exits.len() == 1 {
                    // The module body's own `arguments`: in sloppy mode `arguments[0] = x` rebinds `exports`.
                    self.dynamic_scope = true;
                }
                if self.is_free(ident, "undefined") {
                    return self.created_fragile(span);
                }
                self.opaque_value(span)
            }
            Expr::This(_) => {
                if !self.deferred() && self.this_is_module {
                    // At the top of a CommonJS module, `this` is the initial exports object in both programs.
                    self.escapes = true;
                    return (super::value::INITIAL, super::value::INITIAL);
                }
                // Elsewhere `this` may be `undefined` (a plain call in strict mode).
                if self.assume_escape {
                    self.merged_unknown(span)
                } else {
                    self.created_fragile(span)
                }
            }
            Expr::Paren(paren) => self.eval(&paren.expr),
            Expr::Seq(sequence) => {
                let mut value = self.opaque_value(span);
                for item in &sequence.exprs {
                    value = self.eval(item);
                }
                value
            }
            Expr::Assign(assign) => self.eval_assign(assign, false),
            Expr::Member(member) => self.eval_member(member, Usage::Escape),
            Expr::Call(call) => self.eval_call(call),
            Expr::New(new) => {
                self.note_agreement();
                self.eval_callee(&new.callee);
                for argument in new.args.iter().flatten() {
                    self.eval_argument(argument);
                }
                self.created(span)
            }
            Expr::Object(object) => {
                for property in &object.props {
                    match property {
                        PropOrSpread::Spread(spread) => {
                            if let Some(ident) = self.exports_ident(&spread.expr) {
                                self.use_exports(ident, Usage::Read, Rewrite::Prefix);
                            } else {
                                self.eval(&spread.expr);
                            }
                        }
                        PropOrSpread::Prop(property) => match &**property {
                            Prop::Shorthand(ident) if self.is_exports(ident) => {
                                self.use_exports(ident, Usage::Escape, Rewrite::Shorthand);
                            }
                            Prop::Shorthand(ident) if self.is_free(ident, "module") => {
                                self.opaque = true;
                                self.escapes = true;
                            }
                            other => other.visit_with(self),
                        },
                    }
                }
                self.created(span)
            }
            Expr::Array(array) => {
                for element in array.elems.iter().flatten() {
                    self.eval_argument(element);
                }
                self.created(span)
            }
            Expr::Fn(function) => {
                self.walk_function(&function.function);
                self.created(span)
            }
            Expr::Arrow(arrow) => {
                self.walk_arrow(arrow);
                self.created(span)
            }
            Expr::Class(class) => {
                self.walk_class(&class.class);
                self.created(span)
            }
            Expr::Lit(Lit::Regex(_)) => self.created(span),
            Expr::Lit(_) => self.created_fragile(span),
            Expr::Tpl(template) => {
                for item in &template.exprs {
                    self.eval_read(item);
                }
                self.created_fragile(span)
            }
            Expr::Unary(unary) => {
                match unary.op {
                    UnaryOp::TypeOf => {
                        if let Some(ident) = self.exports_ident(&unary.arg) {
                            self.probes_environment = true;
                            self.use_exports(ident, Usage::Typeof, Rewrite::Impossible);
                        } else if let Some(member) = self.module_exports_member(&unary.arg) {
                            self.probes_environment = true;
                            self.use_module_exports(member, Usage::Read);
                        } else if matches!(unparen(&unary.arg), Expr::Ident(ident) if self.is_free(ident, "module")) {
                            self.probes_environment = true;
                        } else {
                            self.eval_read(&unary.arg);
                        }
                    }
                    UnaryOp::Delete => match unparen(&unary.arg) {
                        Expr::Member(member) => self.write_or_delete_member(member, true),
                        // `delete exports` does nothing to a parameter; `delete module.exports` would remove
                        // the export, so this reference must never be rewritten.
                        Expr::Ident(ident) if self.is_exports(ident) => {
                            self.use_exports(ident, Usage::Read, Rewrite::Impossible);
                        }
                        other => {
                            self.eval(other);
                        }
                    },
                    _ => {
                        self.eval_read(&unary.arg);
                    }
                }
                self.created_fragile(span)
            }
            Expr::Update(update) => {
                if let Some(ident) = self.exports_ident(&update.arg) {
                    self.assign_exports_unknown(ident, AssignForm::Compound, span, self.range(span));
                } else if let Some(member) = self.module_exports_member(&update.arg) {
                    self.assign_module_exports_unknown(member, AssignForm::Compound, span, self.range(span));
                } else if let Expr::Member(member) = unparen(&update.arg) {
                    self.write_member(member);
                } else {
                    self.eval(&update.arg);
                }
                self.created_fragile(span)
            }
            Expr::Bin(binary) => match binary.op {
                BinaryOp::LogicalAnd | BinaryOp::LogicalOr | BinaryOp::NullishCoalescing => {
                    let left = self.eval_assigned(&binary.left);
                    let before = self.state;
                    let right = self.eval_assigned(&binary.right);
                    self.join_into(before, span);
                    let site = self.site(span);
                    (left.0.join(right.0, site), left.1.join(right.1, site))
                }
                _ => {
                    // Long chains (`a + b + c + …`, minified string concatenations) nest to the left as deep as
                    // they are long: walk the spine in a loop rather than by recursion.
                    let mut right_operands = vec![&binary.right];
                    let mut leftmost = &binary.left;
                    while let Expr::Bin(inner) = &**leftmost {
                        if matches!(inner.op, BinaryOp::LogicalAnd | BinaryOp::LogicalOr | BinaryOp::NullishCoalescing)
                        {
                            break;
                        }
                        right_operands.push(&inner.right);
                        leftmost = &inner.left;
                    }
                    self.eval_read(leftmost);
                    for operand in right_operands.into_iter().rev() {
                        self.eval_read(operand);
                    }
                    self.created_fragile(span)
                }
            },
            Expr::Cond(conditional) => {
                self.eval(&conditional.test);
                let before = self.state;
                let consequent = self.eval_assigned(&conditional.cons);
                let after_consequent = self.state;
                self.state = before;
                let alternate = self.eval_assigned(&conditional.alt);
                self.join_into(after_consequent, span);
                let site = self.site(span);
                (consequent.0.join(alternate.0, site), consequent.1.join(alternate.1, site))
            }
            Expr::OptChain(chain) => {
                let before = self.state;
                match &*chain.base {
                    OptChainBase::Member(member) => {
                        self.eval_member(member, Usage::Read);
                    }
                    OptChainBase::Call(call) => {
                        self.eval_read(&call.callee);
                        for argument in &call.args {
                            self.eval_argument(argument);
                        }
                    }
                }
                self.join_into(before, span);
                self.opaque_value(span)
            }
            Expr::TsAs(inner) => self.eval(&inner.expr),
            Expr::TsSatisfies(inner) => self.eval(&inner.expr),
            Expr::TsNonNull(inner) => self.eval(&inner.expr),
            Expr::TsTypeAssertion(inner) => self.eval(&inner.expr),
            Expr::TsConstAssertion(inner) => self.eval(&inner.expr),
            Expr::TsInstantiation(inner) => self.eval(&inner.expr),
            other => {
                other.visit_children_with(self);
                self.opaque_value(span)
            }
        }
    }

    /// Evaluates an operand whose object is only looked at (compared, negated, interpolated), not passed on.
    fn eval_read(&mut self, expression: &Expr) -> (Value, Value) {
        if let Some(ident) = self.exports_ident(expression) {
            return self.use_exports(ident, Usage::Read, Rewrite::Prefix);
        }
        if let Some(member) = self.module_exports_member(expression) {
            return self.use_module_exports(member, Usage::Read);
        }
        if matches!(unparen(expression), Expr::Ident(ident) if self.is_free(ident, "module")) {
            // `require.main === module`, `!module`: looking at `module` does not let anyone reassign its exports.
            return self.opaque_value(expression.span());
        }
        self.eval(expression)
    }

    fn eval_callee(&mut self, callee: &Expr) {
        match unparen(callee) {
            Expr::Member(member) => {
                self.eval_member(member, Usage::Read);
            }
            other => {
                self.eval_read(other);
            }
        }
    }

    /// A member expression that is read: `exports.a`, `module.exports`, `module.exports.a`, `module.id`.
    fn eval_member(&mut self, member: &MemberExpr, usage_if_module_exports: Usage) -> (Value, Value) {
        let span = member.span;
        if self.is_module_exports(member) {
            return self.use_module_exports(member, usage_if_module_exports);
        }
        if let Some(ident) = self.exports_ident(&member.obj) {
            self.use_exports(ident, Usage::Read, Rewrite::Prefix);
        } else if let Some(inner) = self.module_exports_member(&member.obj) {
            self.use_module_exports(inner, Usage::Read);
        } else if matches!(unparen(&member.obj), Expr::This(_)) {
            // `this.x` reads a property; it does not hand the object to anyone.
        } else if let Expr::Ident(object) = unparen(&member.obj) {
            if self.is_free(object, "module") && member_name(&member.prop).is_none() {
                // `module[key]` may be `module.exports` under another name.
                self.opaque = true;
                self.escapes = true;
            } else if !self.is_free(object, "module") {
                self.eval(&member.obj);
            }
        } else {
            self.eval(&member.obj);
        }
        if let MemberProp::Computed(computed) = &member.prop {
            self.eval(&computed.expr);
        }
        // A property's value is anything, `undefined` included: it cannot be trusted to take properties.
        if self.assume_escape {
            self.merged_unknown(span)
        } else {
            self.created_fragile(span)
        }
    }

    /// A member expression that is written or deleted: `exports.a = …`, `module.exports.a = …`.
    fn write_member(&mut self, member: &MemberExpr) {
        self.write_or_delete_member(member, false);
    }

    fn write_or_delete_member(&mut self, member: &MemberExpr, deletes: bool) {
        if self.is_module_exports(member) {
            self.assign_module_exports_unknown(
                member,
                AssignForm::Compound,
                member.span,
                self.module_exports_range(member),
            );
            return;
        }
        let property = member_name(&member.prop);
        let usage = if deletes { Usage::PropertyDelete { property } } else { Usage::PropertyWrite { property } };
        if let Some(ident) = self.exports_ident(&member.obj) {
            self.use_exports(ident, usage, Rewrite::Prefix);
        } else if let Some(inner) = self.module_exports_member(&member.obj) {
            self.use_module_exports(inner, usage);
        } else if matches!(unparen(&member.obj), Expr::This(_)) {
            // `this.a = …` at the top of a module writes to the exports object under another name.
            if !self.deferred() && self.this_is_module {
                self.escapes = true;
            }
        } else {
            self.eval(&member.obj);
        }
        if let MemberProp::Computed(computed) = &member.prop {
            self.eval(&computed.expr);
        }
    }

    fn eval_assign(&mut self, assign: &AssignExpr, linked_by_parent: bool) -> (Value, Value) {
        let span = assign.span;
        match &assign.left {
            AssignTarget::Simple(SimpleAssignTarget::Ident(binding)) if self.is_exports(&binding.id) => {
                if assign.op != AssignOp::Assign {
                    let before = self.state;
                    self.eval(&assign.right);
                    if assign.op.may_short_circuit() {
                        self.join_into(before, span);
                    }
                    let value = self.assign_exports_unknown(&binding.id, AssignForm::Compound, span, self.range(span));
                    return value;
                }
                let value = self.eval_assigned_linking(&assign.right, LinkSide::Exports);
                let start = self.ident_range(&binding.id).start;
                let right_start = self.offset(assign.right.span().lo);
                let whole = start..self.offset(span.hi);
                let is_whole_statement =
                    self.list_statement.is_some_and(|statement| statement.expression == Some(span));
                // Where the statement cannot go, `exports = module.exports;` becomes the harmless
                // `module.exports = module.exports;`.
                let linked = if is_whole_statement && self.module_exports_member(&assign.right).is_some() {
                    self.delete_statement(self.list_statement, "exports")
                } else if is_whole_statement && starts_a_declaration(&assign.right) {
                    // At the start of a statement `{`, `function` and `class` would begin a block or declaration.
                    None
                } else {
                    self.delete_prefix(start..right_start, "exports =")
                }
                .unwrap_or(Rewrite::Prefix);
                self.next_assignment_shape =
                    ValueShape { names_function: names_function(&assign.right), ..ValueShape::default() };
                self.assign_exports(&binding.id, AssignForm::Plain, value, whole, false, linked, Rewrite::Prefix);
                value
            }
            AssignTarget::Simple(SimpleAssignTarget::Member(member)) if self.is_module_exports(member) => {
                if assign.op != AssignOp::Assign {
                    let before = self.state;
                    self.eval(&assign.right);
                    if assign.op.may_short_circuit() {
                        self.join_into(before, span);
                    }
                    let value =
                        self.assign_module_exports_unknown(member, AssignForm::Compound, span, self.range(span));
                    return value;
                }
                let is_whole_statement =
                    self.list_statement.is_some_and(|statement| statement.expression == Some(span));
                let value = match self.exports_ident(&assign.right) {
                    // `module.exports = exports;` adopts the object: once every `exports` is `module.exports` it
                    // says nothing, so the rewrite deletes it.
                    Some(ident) if is_whole_statement => {
                        let rewrite = self.delete_statement(self.list_statement, "module").unwrap_or(Rewrite::Prefix);
                        self.use_exports(ident, Usage::Read, rewrite)
                    }
                    _ => self.eval_assigned_linking(&assign.right, LinkSide::ModuleExports),
                };
                let whole = self.module_exports_range(member).start..self.offset(span.hi);
                let shape = ValueShape {
                    from_exports: matches!(
                        unparen(&assign.right),
                        Expr::Member(source) if self.exports_ident(&source.obj).is_some()
                    ),
                    empty_object: matches!(innermost_value(&assign.right), Expr::Object(object) if object.props.is_empty()),
                    names_function: false,
                };
                self.assign_module_exports(member, AssignForm::Plain, value, whole, linked_by_parent, shape);
                value
            }
            AssignTarget::Simple(SimpleAssignTarget::Member(member)) => {
                self.write_member(member);
                if assign.op.may_short_circuit() {
                    self.eval_conditionally(&assign.right)
                } else {
                    self.eval(&assign.right)
                }
            }
            AssignTarget::Simple(SimpleAssignTarget::Paren(paren)) => {
                let value = self.eval(&assign.right);
                self.bind_target_expression(&paren.expr);
                value
            }
            AssignTarget::Simple(other) => {
                other.visit_children_with(self);
                self.eval(&assign.right)
            }
            AssignTarget::Pat(pattern) => {
                let value = self.eval(&assign.right);
                match pattern {
                    AssignTargetPat::Array(array) => self.bind_pattern(&Pat::Array(array.clone())),
                    AssignTargetPat::Object(object) => self.bind_pattern(&Pat::Object(object.clone())),
                    AssignTargetPat::Invalid(_) => {}
                }
                value
            }
        }
    }

    /// The right side of an assignment to one binding, where an assignment to the other binding is a linking idiom:
    /// `module.exports = exports = X` and `exports = module.exports = X`.
    fn eval_assigned_linking(&mut self, right: &Expr, side: LinkSide) -> (Value, Value) {
        if let (LinkSide::Exports, Expr::Assign(inner)) = (side, unparen(right)) {
            if matches!(&inner.left, AssignTarget::Simple(SimpleAssignTarget::Member(member)) if self.is_module_exports(member))
            {
                return self.eval_assign(inner, true);
            }
        }
        if let (LinkSide::ModuleExports, Expr::Assign(inner)) = (side, unparen(right)) {
            if inner.op == AssignOp::Assign {
                if let AssignTarget::Simple(SimpleAssignTarget::Ident(binding)) = &inner.left {
                    if self.is_exports(&binding.id) {
                        let value = self.eval_assigned(&inner.right);
                        let start = self.ident_range(&binding.id).start;
                        let right_start = self.offset(inner.right.span().lo);
                        let linked = self.delete_prefix(start..right_start, "exports =").unwrap_or(Rewrite::Prefix);
                        let whole = start..self.offset(inner.span.hi);
                        self.next_assignment_shape =
                            ValueShape { names_function: names_function(&inner.right), ..ValueShape::default() };
                        self.assign_exports(
                            &binding.id,
                            AssignForm::Plain,
                            value,
                            whole,
                            true,
                            linked,
                            Rewrite::Prefix,
                        );
                        return value;
                    }
                }
            }
        }
        self.eval_assigned(right)
    }

    fn eval_call(&mut self, call: &CallExpr) -> (Value, Value) {
        let span = call.span;
        self.note_agreement();
        if self.walk_immediate_call(call) {
            return self.opaque_value(span);
        }
        let Callee::Expr(callee) = &call.callee else {
            call.visit_children_with(self);
            return self.opaque_value(span);
        };
        if let Some(method) = object_method(callee) {
            let first = call.args.first().filter(|argument| argument.spread.is_none());
            let target = first.map(|argument| &*argument.expr);
            let property = match (method, call.args.get(1)) {
                ("defineProperty", Some(key)) => string_value(&key.expr),
                _ => None,
            };
            let writes = matches!(method, "defineProperty" | "defineProperties" | "assign");
            let mut result = None;
            if let Some(target) = target {
                if writes {
                    let is_module_object =
                        self.exports_ident(target).is_some() || self.module_exports_member(target).is_some();
                    self.defines_properties |= is_module_object && method != "assign";
                    if let Some(ident) = self.exports_ident(target) {
                        result = Some(self.use_exports(ident, Usage::PropertyWrite { property }, Rewrite::Prefix));
                    } else if let Some(member) = self.module_exports_member(target) {
                        result = Some(self.use_module_exports(member, Usage::PropertyWrite { property }));
                    }
                }
            }
            let skip_first = result.is_some();
            for argument in call.args.iter().skip(usize::from(skip_first)) {
                self.eval_argument(argument);
            }
            return match (method, result) {
                ("assign", Some(value)) => value,
                ("freeze" | "seal" | "preventExtensions", _) => self.created_fragile(span),
                _ => self.opaque_value(span),
            };
        }
        if matches!(unparen(callee), Expr::Ident(ident) if self.is_free(ident, "require")) {
            for argument in &call.args {
                self.eval_argument(argument);
            }
            return self.created(span);
        }
        if matches!(unparen(callee), Expr::Ident(ident) if self.is_free(ident, "eval")) {
            self.dynamic_scope = true;
        }
        self.eval_callee(callee);
        for argument in &call.args {
            self.eval_argument(argument);
        }
        self.opaque_value(span)
    }
}

#[derive(Clone, Copy)]
enum LinkSide {
    Exports,
    ModuleExports,
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

/// The value finally assigned by a chain of assignments: `X` in `module.exports = exports = X`.
fn innermost_value(expression: &Expr) -> &Expr {
    match unparen(expression) {
        Expr::Assign(assign) if assign.op == AssignOp::Assign => innermost_value(&assign.right),
        other => other,
    }
}

fn unparen(expression: &Expr) -> &Expr {
    match expression {
        Expr::Paren(paren) => unparen(&paren.expr),
        Expr::TsAs(inner) => unparen(&inner.expr),
        Expr::TsNonNull(inner) => unparen(&inner.expr),
        Expr::TsSatisfies(inner) => unparen(&inner.expr),
        Expr::TsTypeAssertion(inner) => unparen(&inner.expr),
        other => other,
    }
}

/// The property a member expression names, when it is a fixed name: `.a`, `["a"]`, `[0]`.
fn member_name(property: &MemberProp) -> Option<String> {
    match property {
        MemberProp::Ident(name) => Some(name.sym.to_string()),
        MemberProp::Computed(computed) => string_value(&computed.expr),
        MemberProp::PrivateName(_) => None,
    }
}

fn string_value(expression: &Expr) -> Option<String> {
    match unparen(expression) {
        Expr::Lit(Lit::Str(string)) => string.value.as_atom().map(|atom| atom.to_string()),
        Expr::Lit(Lit::Num(number)) => Some(number.value.to_string()),
        Expr::Tpl(template) if template.exprs.is_empty() => template
            .quasis
            .first()
            .and_then(|quasi| quasi.cooked.as_ref())
            .and_then(|cooked| cooked.as_atom())
            .map(|atom| atom.to_string()),
        _ => None,
    }
}

/// `Object.<method>` with a global `Object`.
fn object_method(callee: &Expr) -> Option<&'static str> {
    let Expr::Member(member) = unparen(callee) else {
        return None;
    };
    let Expr::Ident(object) = unparen(&member.obj) else {
        return None;
    };
    if &*object.sym != "Object" {
        return None;
    }
    let MemberProp::Ident(name) = &member.prop else {
        return None;
    };
    ["defineProperty", "defineProperties", "assign", "freeze", "seal", "preventExtensions"]
        .into_iter()
        .find(|method| *method == &*name.sym)
}

/// Whether the script's top level declares `name` with `let`, `const` or `class` (a binding of its own).
fn declares_lexically(body: &[Stmt], name: &str, top_level: SyntaxContext) -> bool {
    body.iter().any(|statement| match statement {
        Stmt::Decl(Decl::Var(declaration)) if declaration.kind != VarDeclKind::Var => {
            declaration.decls.iter().any(|declarator| binds(&declarator.name, name, top_level))
        }
        Stmt::Decl(Decl::Class(class)) => &*class.ident.sym == name && class.ident.ctxt == top_level,
        _ => false,
    })
}

/// Whether the top level declares `name` in any way (including `var` and `function`).
fn declares_at_top_level(body: &[Stmt], name: &str, top_level: SyntaxContext) -> bool {
    struct Finder<'n> {
        name: &'n str,
        top_level: SyntaxContext,
        found: bool,
    }
    impl Visit for Finder<'_> {
        fn visit_binding_ident(&mut self, binding: &BindingIdent) {
            if &*binding.id.sym == self.name && binding.id.ctxt == self.top_level {
                self.found = true;
            }
        }
        fn visit_fn_decl(&mut self, function: &FnDecl) {
            if &*function.ident.sym == self.name && function.ident.ctxt == self.top_level {
                self.found = true;
            }
            function.function.visit_with(self);
        }
        fn visit_class_decl(&mut self, class: &ClassDecl) {
            if &*class.ident.sym == self.name && class.ident.ctxt == self.top_level {
                self.found = true;
            }
            class.class.visit_with(self);
        }
        fn visit_expr(&mut self, _: &Expr) {}
    }
    let mut finder = Finder { name, top_level, found: false };
    body.visit_with(&mut finder);
    finder.found
}

fn binds(pattern: &Pat, name: &str, top_level: SyntaxContext) -> bool {
    match pattern {
        Pat::Ident(binding) => &*binding.id.sym == name && binding.id.ctxt == top_level,
        Pat::Array(array) => array.elems.iter().flatten().any(|element| binds(element, name, top_level)),
        Pat::Object(object) => object.props.iter().any(|property| match property {
            ObjectPatProp::KeyValue(key_value) => binds(&key_value.value, name, top_level),
            ObjectPatProp::Assign(assign) => &*assign.key.id.sym == name && assign.key.id.ctxt == top_level,
            ObjectPatProp::Rest(rest) => binds(&rest.arg, name, top_level),
        }),
        Pat::Rest(rest) => binds(&rest.arg, name, top_level),
        Pat::Assign(assign) => binds(&assign.left, name, top_level),
        _ => false,
    }
}

/// Whether a scope (its parameters and statements, not nested functions) declares `name`: `var` anywhere in it
/// (hoisted), `let`/`const`/`class`/`function` in any of its blocks (over-approximated to the whole scope), a
/// parameter or a catch parameter.
fn scope_declares(statements: &[Stmt], params: &[&Pat], name: &str) -> bool {
    struct Finder<'n> {
        name: &'n str,
        found: bool,
    }
    impl Visit for Finder<'_> {
        fn visit_binding_ident(&mut self, binding: &BindingIdent) {
            self.found |= &*binding.id.sym == self.name;
        }
        fn visit_fn_decl(&mut self, function: &FnDecl) {
            self.found |= &*function.ident.sym == self.name;
        }
        fn visit_class_decl(&mut self, class: &ClassDecl) {
            self.found |= &*class.ident.sym == self.name;
        }
        fn visit_object_pat_prop(&mut self, property: &ObjectPatProp) {
            match property {
                ObjectPatProp::Assign(assign) => self.found |= &*assign.key.id.sym == self.name,
                ObjectPatProp::KeyValue(key_value) => key_value.value.visit_with(self),
                ObjectPatProp::Rest(rest) => rest.arg.visit_with(self),
            }
        }
        // Nested functions and classes are scopes of their own; expressions hold no declarations of this scope.
        fn visit_function(&mut self, _: &Function) {}
        fn visit_arrow_expr(&mut self, _: &ArrowExpr) {}
        fn visit_class(&mut self, _: &Class) {}
        fn visit_expr(&mut self, _: &Expr) {}
    }
    let mut finder = Finder { name, found: false };
    for param in params {
        param.visit_with(&mut finder);
    }
    statements.visit_with(&mut finder);
    finder.found
}

/// Whether assigning this expression to the identifier `exports` names it "exports": an anonymous function, arrow
/// or class takes the name of the identifier it is assigned to, not of a member like `module.exports`.
fn names_function(expression: &Expr) -> bool {
    match unparen(expression) {
        Expr::Fn(function) => function.ident.is_none(),
        Expr::Class(class) => class.ident.is_none(),
        Expr::Arrow(_) => true,
        _ => false,
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum JumpKind {
    Loop,
    Switch,
    /// A labelled statement that is not a loop or a switch: only `break label` reaches it.
    Block,
}

struct JumpTarget {
    kind: JumpKind,
    label: Option<swc_core::ecma::atoms::Atom>,
    breaks: Vec<State>,
    continues: Vec<State>,
}

impl JumpTarget {
    fn new(kind: JumpKind, label: Option<swc_core::ecma::atoms::Atom>) -> JumpTarget {
        JumpTarget { kind, label, breaks: Vec::new(), continues: Vec::new() }
    }
}

/// Whether an expression, put at the start of a statement, would be read as a block or a declaration instead.
fn starts_a_declaration(expression: &Expr) -> bool {
    match expression {
        Expr::Object(_) | Expr::Fn(_) | Expr::Class(_) => true,
        Expr::Assign(assign) => matches!(&assign.left, AssignTarget::Pat(AssignTargetPat::Object(_))),
        Expr::Seq(sequence) => sequence.exprs.first().is_some_and(|first| starts_a_declaration(first)),
        Expr::Bin(binary) => starts_a_declaration(&binary.left),
        Expr::Cond(conditional) => starts_a_declaration(&conditional.test),
        Expr::Member(member) => starts_a_declaration(&member.obj),
        Expr::Call(call) => matches!(&call.callee, Callee::Expr(callee) if starts_a_declaration(callee)),
        Expr::TaggedTpl(tagged) => starts_a_declaration(&tagged.tag),
        _ => false,
    }
}

/// The state at the head of a loop nested in one walked twice: any object a binding may hold after any number of
/// iterations, never known to be (or not to be) anything else, and different in the two programs.
fn widened(entry: State, site: u32) -> State {
    let any = |value: Value, which: u32| value.join(Value::unknown_at(site, which), site);
    State {
        reachable: entry.reachable,
        exports: any(entry.exports, 2),
        module_exports: any(entry.module_exports, 3),
        rewritten_exports: any(entry.rewritten_exports, 4),
        rewritten_module_exports: any(entry.rewritten_module_exports, 5),
    }
}

/// The loops (by span) whose code may assign `exports` or `module.exports`, by name and conservatively: any
/// binding, assignment target, update operand or declaration named `exports`, or any member `.exports` assigned,
/// anywhere in the loop, nested functions included. One pass over the script: a loop containing such a loop is
/// one too.
fn assigning_loops(body: &[Stmt]) -> HashSet<(u32, u32)> {
    struct Finder {
        open: Vec<bool>,
        assigning: HashSet<(u32, u32)>,
    }
    impl Finder {
        fn mark(&mut self) {
            if let Some(top) = self.open.last_mut() {
                *top = true;
            }
        }
        fn in_loop(&mut self, span: Span, visit: impl FnOnce(&mut Self)) {
            self.open.push(false);
            visit(self);
            if self.open.pop() == Some(true) {
                self.assigning.insert((span.lo.0, span.hi.0));
                self.mark();
            }
        }
        fn check_target(&mut self, target: &Expr) {
            if names_exports_binding(target) {
                self.mark();
            }
        }
    }
    impl Visit for Finder {
        fn visit_while_stmt(&mut self, node: &WhileStmt) {
            self.in_loop(node.span, |finder| node.visit_children_with(finder));
        }
        fn visit_do_while_stmt(&mut self, node: &DoWhileStmt) {
            self.in_loop(node.span, |finder| node.visit_children_with(finder));
        }
        fn visit_for_stmt(&mut self, node: &ForStmt) {
            self.in_loop(node.span, |finder| node.visit_children_with(finder));
        }
        fn visit_for_in_stmt(&mut self, node: &ForInStmt) {
            self.in_loop(node.span, |finder| node.visit_children_with(finder));
        }
        fn visit_for_of_stmt(&mut self, node: &ForOfStmt) {
            self.in_loop(node.span, |finder| node.visit_children_with(finder));
        }
        fn visit_binding_ident(&mut self, binding: &BindingIdent) {
            if &*binding.id.sym == "exports" {
                self.mark();
            }
        }
        fn visit_fn_decl(&mut self, function: &FnDecl) {
            if &*function.ident.sym == "exports" {
                self.mark();
            }
            function.visit_children_with(self);
        }
        fn visit_class_decl(&mut self, class: &ClassDecl) {
            if &*class.ident.sym == "exports" {
                self.mark();
            }
            class.visit_children_with(self);
        }
        fn visit_simple_assign_target(&mut self, target: &SimpleAssignTarget) {
            match target {
                SimpleAssignTarget::Member(member) if is_exports_member(member) => self.mark(),
                SimpleAssignTarget::Paren(paren) => self.check_target(&paren.expr),
                _ => {}
            }
            target.visit_children_with(self);
        }
        fn visit_pat(&mut self, pattern: &Pat) {
            if let Pat::Expr(expression) = pattern {
                self.check_target(expression);
            }
            pattern.visit_children_with(self);
        }
        fn visit_update_expr(&mut self, update: &UpdateExpr) {
            self.check_target(&update.arg);
            update.visit_children_with(self);
        }
    }
    let mut finder = Finder { open: Vec::new(), assigning: HashSet::new() };
    body.visit_with(&mut finder);
    finder.assigning
}

/// Whether an assignment target is `exports` or a member named `exports` (of any object).
fn names_exports_binding(target: &Expr) -> bool {
    match unparen(target) {
        Expr::Ident(ident) => &*ident.sym == "exports",
        Expr::Member(member) => is_exports_member(member),
        _ => false,
    }
}

fn is_exports_member(member: &MemberExpr) -> bool {
    member_name(&member.prop).as_deref() == Some("exports")
}
