//! Operators and the expressions built of a few parts: identifiers, `this`, object literals, unary, update,
//! binary, conditional and optional-chain expressions.

use swc_core::common::Span;
use swc_core::ecma::ast::*;
use swc_core::ecma::visit::VisitWith;

use super::*;
use crate::model::syntax::*;
use crate::model::value::Pair;
use crate::model::{AssignForm, EditForm, Usage};

impl Walker<'_> {
    /// An identifier: `exports` escapes, `module` makes the model opaque, anything else is an unknown value.
    pub(super) fn eval_ident(&mut self, ident: &Ident) -> Pair {
        let span = ident.span;
        if self.is_exports(ident) {
            return self.use_exports(ident, Usage::Escape, EditForm::Prefix);
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
        if let Some(value) = self.binding_value(ident) {
            return value;
        }
        self.opaque_value(span)
    }

    /// `this`: at the top of a module, the initial exports object.
    pub(super) fn eval_this(&mut self, span: Span) -> Pair {
        if !self.deferred() && self.this_is_module {
            // At the top of a CommonJS module, `this` is the initial exports object in both programs.
            self.escapes = true;
            return Pair::same(crate::model::value::INITIAL);
        }
        // Elsewhere `this` may be `undefined` (a plain call in strict mode).
        if self.assume_escape {
            self.merged_unknown(span)
        } else {
            self.created_fragile(span)
        }
    }

    /// An object literal: a new object; `{ exports }` and `...exports` use the exports object.
    pub(super) fn eval_object(&mut self, object: &ObjectLit, span: Span) -> Pair {
        for property in &object.props {
            match property {
                PropOrSpread::Spread(spread) => {
                    if let Some(ident) = self.exports_ident(&spread.expr) {
                        self.use_exports(ident, Usage::Read, EditForm::Prefix);
                    } else {
                        self.eval(&spread.expr);
                    }
                }
                PropOrSpread::Prop(property) => match &**property {
                    Prop::Shorthand(ident) if self.is_exports(ident) => {
                        self.use_exports(ident, Usage::Escape, EditForm::Shorthand);
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

    /// A unary operator: `typeof exports` probes the environment, `delete exports.a` deletes an export.
    pub(super) fn eval_unary(&mut self, unary: &UnaryExpr, span: Span) -> Pair {
        match unary.op {
            UnaryOp::TypeOf => {
                if let Some(ident) = self.exports_ident(&unary.arg) {
                    self.probes_environment = true;
                    self.use_exports(ident, Usage::Typeof, EditForm::Impossible);
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
                    self.use_exports(ident, Usage::Read, EditForm::Impossible);
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

    /// `x++`: on `exports` or `module.exports`, an assignment of an unknown value.
    pub(super) fn eval_update(&mut self, update: &UpdateExpr, span: Span) -> Pair {
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

    /// `test ? a : b`: either branch, and either value, which flows where the whole expression's does; only the
    /// branch Node takes when the test is one the loader fixes ([`Self::known_condition`]).
    pub(super) fn eval_conditional(&mut self, conditional: &CondExpr, span: Span, flow: Flow) -> Pair {
        self.eval_test(&conditional.test);
        let known = self.known_condition(&conditional.test, 0);
        let before = self.state;
        if known == Some(false) {
            self.state = before.unreachable();
        }
        let consequent = self.eval_flowing(&conditional.cons, flow);
        let after_consequent = self.state;
        self.state = if known == Some(true) { before.unreachable() } else { before };
        let alternate = self.eval_flowing(&conditional.alt, flow);
        self.join_into(after_consequent, span);
        match known {
            Some(true) => consequent,
            Some(false) => alternate,
            None => consequent.join(alternate, self.site(span)),
        }
    }

    /// The truth of a condition that Node's CommonJS loader fixes: `typeof module === "object"` and the like (the
    /// wrapper's `module` is always an object), negated or combined with `&&`/`||`. `None` for anything else.
    pub(super) fn known_condition(&self, test: &Expr, depth: usize) -> Option<bool> {
        if depth > MAX_CONDITION_DEPTH {
            return None;
        }
        match unparen(test) {
            Expr::Unary(unary) if unary.op == UnaryOp::Bang => self.known_condition(&unary.arg, depth + 1).map(|v| !v),
            Expr::Bin(binary) => {
                let known = |operand: &Expr| self.known_condition(operand, depth + 1);
                match binary.op {
                    BinaryOp::LogicalAnd => match (known(&binary.left), known(&binary.right)) {
                        (Some(false), _) | (_, Some(false)) => Some(false),
                        (Some(true), Some(true)) => Some(true),
                        _ => None,
                    },
                    BinaryOp::LogicalOr => match (known(&binary.left), known(&binary.right)) {
                        (Some(true), _) | (_, Some(true)) => Some(true),
                        (Some(false), Some(false)) => Some(false),
                        _ => None,
                    },
                    BinaryOp::EqEq | BinaryOp::EqEqEq => self.typeof_module_is(binary),
                    BinaryOp::NotEq | BinaryOp::NotEqEq => self.typeof_module_is(binary).map(|v| !v),
                    _ => None,
                }
            }
            // `module.exports` holding an object, in both programs, is truthy.
            Expr::Member(member) if self.is_module_exports(member) => {
                let holds = self.holds_object(self.state.module_exports)
                    && self.holds_object(self.state.rewritten_module_exports);
                holds.then_some(true)
            }
            _ => None,
        }
    }

    /// `typeof module == "…"` (either way round), with the wrapper's `module`: whether the string is `"object"`.
    fn typeof_module_is(&self, binary: &BinExpr) -> Option<bool> {
        let is_typeof_module = |operand: &Expr| {
            matches!(unparen(operand), Expr::Unary(unary) if unary.op == UnaryOp::TypeOf
                && matches!(unparen(&unary.arg), Expr::Ident(ident) if self.is_free(ident, "module")))
        };
        let string = if is_typeof_module(&binary.left) {
            string_value(&binary.right)?
        } else if is_typeof_module(&binary.right) {
            string_value(&binary.left)?
        } else {
            return None;
        };
        (self.module_shadow_depth == 0 && self.with_depth == 0).then(|| string == "object")
    }

    /// `a?.b`, `f?.()`: may stop before evaluating anything.
    pub(super) fn eval_opt_chain(&mut self, chain: &OptChainExpr, span: Span) -> Pair {
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

    /// A binary operator: `&&`, `||` and `??` yield either operand (which flows where the whole expression's value
    /// does); any other yields a primitive.
    pub(super) fn eval_binary(&mut self, binary: &BinExpr, span: Span, flow: Flow) -> Pair {
        match binary.op {
            BinaryOp::LogicalAnd | BinaryOp::LogicalOr | BinaryOp::NullishCoalescing => {
                let left = self.eval_flowing(&binary.left, flow);
                // Whether the right operand runs, when the loader fixes the left one's truth.
                let right_runs = match (binary.op, self.known_condition(&binary.left, 0)) {
                    (BinaryOp::LogicalAnd, Some(truth)) => Some(truth),
                    (BinaryOp::LogicalOr, Some(truth)) => Some(!truth),
                    _ => None,
                };
                let before = self.state;
                if right_runs == Some(false) {
                    self.state = before.unreachable();
                }
                let right = self.eval_flowing(&binary.right, flow);
                match right_runs {
                    Some(true) => right,
                    Some(false) => {
                        self.state = before;
                        left
                    }
                    None => {
                        self.join_into(before, span);
                        left.join(right, self.site(span))
                    }
                }
            }
            _ => {
                // Long chains (`a + b + c + …`, minified string concatenations) nest to the left as deep as
                // they are long: walk the spine in a loop rather than by recursion.
                let mut right_operands = vec![&binary.right];
                let mut leftmost = &binary.left;
                while let Expr::Bin(inner) = &**leftmost {
                    if matches!(inner.op, BinaryOp::LogicalAnd | BinaryOp::LogicalOr | BinaryOp::NullishCoalescing) {
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
        }
    }
}

/// How deep [`Walker::known_condition`] looks into `!`, `&&` and `||`.
const MAX_CONDITION_DEPTH: usize = 8;

/// Where an expression's value goes, which decides whether a bare `exports` in it is an alias.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Flow {
    /// Into `exports` or `module.exports` itself: the linking idioms follow it.
    Binding,
    /// Only tested or dropped (`if (exports && …)`, an expression statement): nothing keeps it.
    Test,
    /// Anywhere else (a variable, an argument, a property): `exports` there is an alias the model cannot follow.
    Escape,
}

impl Walker<'_> {
    pub(super) fn eval_flowing(&mut self, expression: &Expr, flow: Flow) -> Pair {
        match flow {
            Flow::Binding => self.eval_assigned(expression),
            Flow::Test => self.eval_test(expression),
            Flow::Escape => self.eval(expression),
        }
    }

    /// An expression whose value is only tested or dropped.
    pub(super) fn eval_test(&mut self, expression: &Expr) -> Pair {
        match unparen(expression) {
            Expr::Cond(conditional) => self.eval_conditional(conditional, conditional.span, Flow::Test),
            Expr::Bin(binary) => self.eval_binary(binary, binary.span, Flow::Test),
            Expr::Seq(sequence) => self.eval_sequence(sequence, Flow::Test),
            _ => self.eval_read(expression),
        }
    }

    /// `a, b`: only the last value flows on.
    pub(super) fn eval_sequence(&mut self, sequence: &SeqExpr, flow: Flow) -> Pair {
        let mut value = self.opaque_value(sequence.span);
        for (index, item) in sequence.exprs.iter().enumerate() {
            let last = index + 1 == sequence.exprs.len();
            value = self.eval_flowing(item, if last { flow } else { Flow::Test });
        }
        value
    }
}
