//! Loops, labels, `break` and `continue`: where each jump takes its state, and the state a loop's iterations
//! start in.

use swc_core::common::Span;
use swc_core::ecma::ast::*;

use super::*;
use crate::model::value::{State, Value};

impl Walker<'_> {
    /// `while`, `do … while`, `for`, `for … in` and `for … of`.
    pub(super) fn walk_loop_statement(&mut self, statement: &Stmt) {
        match statement {
            Stmt::While(loop_statement) => {
                let label = self.pending_label.take();
                let exit = if always_true(&loop_statement.test) { LoopExit::OnlyByBreak } else { LoopExit::AtHead };
                self.walk_loop(label, loop_statement.span, exit, |walker| {
                    walker.eval_test(&loop_statement.test);
                    walker.walk_nested_statement(&loop_statement.body);
                })
            }
            Stmt::DoWhile(loop_statement) => {
                let label = self.pending_label.take();
                let exit = if always_true(&loop_statement.test) { LoopExit::OnlyByBreak } else { LoopExit::AfterBody };
                self.walk_loop(label, loop_statement.span, exit, |walker| {
                    walker.walk_nested_statement(&loop_statement.body);
                    walker.eval_test(&loop_statement.test);
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
                let exit = match &loop_statement.test {
                    Some(test) if !always_true(test) => LoopExit::AtHead,
                    _ => LoopExit::OnlyByBreak,
                };
                self.walk_loop(label, loop_statement.span, exit, |walker| {
                    if let Some(test) = &loop_statement.test {
                        walker.eval_test(test);
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
                self.walk_loop(label, loop_statement.span, LoopExit::AtHead, |walker| {
                    walker.bind_for_head(&loop_statement.left);
                    walker.walk_nested_statement(&loop_statement.body);
                });
            }
            Stmt::ForOf(loop_statement) => {
                let label = self.pending_label.take();
                self.eval(&loop_statement.right);
                self.walk_loop(label, loop_statement.span, LoopExit::AtHead, |walker| {
                    walker.bind_for_head(&loop_statement.left);
                    walker.walk_nested_statement(&loop_statement.body);
                });
            }
            _ => {}
        }
    }

    /// A `switch`: each case starts from the discriminant's state or falls through from the case before.
    pub(super) fn walk_switch(&mut self, switch: &SwitchStmt) {
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

    /// A labelled statement: a loop or switch takes the label as its own jump target; any other statement is a
    /// target only for `break label`.
    pub(super) fn walk_labeled(&mut self, labeled: &LabeledStmt) {
        let is_loop_or_switch = matches!(
            &*labeled.body,
            Stmt::While(_) | Stmt::DoWhile(_) | Stmt::For(_) | Stmt::ForIn(_) | Stmt::ForOf(_) | Stmt::Switch(_)
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

    /// Walks a loop. Only a loop whose code may assign a binding needs the state a later iteration starts in: its
    /// body is walked twice, silently from the entry state, then for real from the join of the entry and the state
    /// after one iteration, so a reference early in the body sees what a later iteration may have assigned. Every
    /// other loop starts each iteration in its entry state, and is walked once. Assigning loops nested deeper than
    /// [`MAX_TWO_PASS_NESTING`] in each other start from a widened state instead of being walked twice again, so no
    /// code is walked more than 2^MAX_TWO_PASS_NESTING times and the walk stays linear however deep loops nest.
    pub(super) fn walk_loop(
        &mut self,
        label: Option<swc_core::ecma::atoms::Atom>,
        span: Span,
        exit: LoopExit,
        mut body: impl FnMut(&mut Self),
    ) {
        self.jumps.push(JumpTarget::new(JumpKind::Loop, label));
        let entry = self.state;
        if !self.facts.assigning_loops.contains(&(span.lo.0, span.hi.0)) {
            body(self);
            self.land_continues(span);
            self.leave_loop(exit, entry, span);
        } else if self.two_pass_loops >= MAX_TWO_PASS_NESTING {
            self.state = widened(entry, self.site(span));
            let head = self.state;
            body(self);
            self.land_continues(span);
            self.leave_loop(exit, head, span);
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
            self.leave_loop(exit, loop_entry, span);
            self.two_pass_loops -= 1;
        }
        self.land_breaks(span);
    }

    /// The state a loop falls out in (before its `break`s join), from the end of its last walked iteration and the
    /// state at its head.
    fn leave_loop(&mut self, exit: LoopExit, head: State, span: Span) {
        match exit {
            LoopExit::AtHead => self.join_into(head, span),
            LoopExit::AfterBody => {}
            LoopExit::OnlyByBreak => self.state = self.state.unreachable(),
        }
    }

    /// `break`/`continue` at load time: the state goes to the target's exit (or next iteration) and the code after
    /// the jump does not run on this path. Inside a deferred function jumps change nothing the model follows.
    pub(super) fn jump(&mut self, label: Option<&Ident>, continues: bool) {
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
    pub(super) fn land_continues(&mut self, span: Span) {
        let continues = self.jumps.last_mut().map(|target| std::mem::take(&mut target.continues)).unwrap_or_default();
        for state in continues {
            self.join_into(state, span);
        }
    }

    /// Pops the innermost jump target and joins the states of its `break`s into the state after it.
    pub(super) fn land_breaks(&mut self, span: Span) {
        if let Some(target) = self.jumps.pop() {
            for state in target.breaks.into_iter().chain(target.continues) {
                self.join_into(state, span);
            }
        }
    }
}

/// Where a loop that ends normally leaves from.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum LoopExit {
    /// Its test, before any iteration or after one: `while`, `for`, `for … in`, `for … of`.
    AtHead,
    /// Its test after an iteration: `do … while`, whose body runs at least once.
    AfterBody,
    /// Never (`for (;;)`, `while (true)`): only a `break` (or `return`, `throw`) leaves it.
    OnlyByBreak,
}

/// A loop test that is `true` whatever runs: `true`, or a non-zero number.
fn always_true(test: &Expr) -> bool {
    match crate::model::syntax::unparen(test) {
        Expr::Lit(Lit::Bool(value)) => value.value,
        Expr::Lit(Lit::Num(number)) => number.value != 0.0 && !number.value.is_nan(),
        _ => false,
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum JumpKind {
    Loop,
    Switch,
    /// A labelled statement that is not a loop or a switch: only `break label` reaches it.
    Block,
}

pub(super) struct JumpTarget {
    kind: JumpKind,
    label: Option<swc_core::ecma::atoms::Atom>,
    breaks: Vec<State>,
    continues: Vec<State>,
}

impl JumpTarget {
    pub(super) fn new(kind: JumpKind, label: Option<swc_core::ecma::atoms::Atom>) -> JumpTarget {
        JumpTarget { kind, label, breaks: Vec::new(), continues: Vec::new() }
    }
}

/// The state at the head of a loop nested in one walked twice: any object a binding may hold after any number of
/// iterations, never known to be (or not to be) anything else, and different in the two programs.
pub(super) fn widened(entry: State, site: u32) -> State {
    let any = |value: Value, which: u32| value.join(Value::unknown_at(site, which), site);
    State {
        reachable: entry.reachable,
        exports: any(entry.exports, 2),
        module_exports: any(entry.module_exports, 3),
        rewritten_exports: any(entry.rewritten_exports, 4),
        rewritten_module_exports: any(entry.rewritten_module_exports, 5),
    }
}
