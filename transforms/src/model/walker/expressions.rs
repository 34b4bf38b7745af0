//! Expressions: what each evaluates to in the original program and in the rewrite, in evaluation order.

use swc_core::common::Spanned;
use swc_core::ecma::ast::*;
use swc_core::ecma::visit::VisitWith;

use super::operators::Flow;
use super::*;
use crate::model::syntax::*;
use crate::model::value::Pair;
use crate::model::{EditForm, Usage};

impl Walker<'_> {
    /// Evaluates an expression whose value is stored into `exports` or `module.exports`: a direct `exports` or
    /// `module.exports` there flows into the binding, it does not escape.
    pub(super) fn eval_assigned(&mut self, expression: &Expr) -> Pair {
        if let Some(ident) = self.exports_ident(expression) {
            return self.use_exports(ident, Usage::Read, EditForm::Prefix);
        }
        if let Some(member) = self.module_exports_member(expression) {
            return self.use_module_exports(member, Usage::Read);
        }
        match unparen(expression) {
            Expr::Cond(conditional) => self.eval_conditional(conditional, conditional.span, Flow::Binding),
            Expr::Bin(binary) => self.eval_binary(binary, binary.span, Flow::Binding),
            Expr::Seq(sequence) => self.eval_sequence(sequence, Flow::Binding),
            _ => self.eval(expression),
        }
    }

    pub(super) fn eval_conditionally(&mut self, expression: &Expr) -> Pair {
        let before = self.state;
        let value = self.eval(expression);
        self.join_into(before, expression.span());
        value
    }

    pub(super) fn eval_argument(&mut self, argument: &ExprOrSpread) {
        if argument.spread.is_some() {
            if let Some(ident) = self.exports_ident(&argument.expr) {
                self.use_exports(ident, Usage::Read, EditForm::Prefix);
                return;
            }
        }
        self.eval(&argument.expr);
    }

    /// Evaluates an expression and returns the object it yields in the original and the rewritten program.
    pub(super) fn eval(&mut self, expression: &Expr) -> Pair {
        let span = expression.span();
        if !self.spend(span) {
            return self.merged_unknown(span);
        }
        match expression {
            Expr::Ident(ident) => self.eval_ident(ident),
            Expr::This(_) => self.eval_this(span),
            wrapper if is_transparent_wrapper(wrapper) => self.eval(unparen(wrapper)),
            Expr::Seq(sequence) => self.eval_sequence(sequence, Flow::Escape),
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
                let value = self.eval_object(object, span);
                self.note_kind(expression, value)
            }
            Expr::Array(array) => {
                for element in array.elems.iter().flatten() {
                    self.eval_argument(element);
                }
                self.created(span)
            }
            Expr::Fn(function) => {
                // Inside `function module() {}`, `module` is the function: no `exports` there may become
                // `module.exports`.
                self.in_scope(names_module(function.ident.as_ref()), |walker| walker.walk_function(&function.function));
                let value = self.created(span);
                self.note_kind(expression, value)
            }
            Expr::Arrow(arrow) => {
                self.walk_arrow(arrow);
                let value = self.created(span);
                self.note_kind(expression, value)
            }
            Expr::Class(class) => {
                self.in_scope(names_module(class.ident.as_ref()), |walker| walker.walk_class(&class.class));
                let value = self.created(span);
                self.note_kind(expression, value)
            }
            Expr::Lit(Lit::Regex(_)) => self.created(span),
            Expr::Lit(_) => self.created_fragile(span),
            Expr::Tpl(template) => {
                for item in &template.exprs {
                    self.eval_read(item);
                }
                self.created_fragile(span)
            }
            Expr::Unary(unary) => self.eval_unary(unary, span),
            Expr::Update(update) => self.eval_update(update, span),
            Expr::Bin(binary) => self.eval_binary(binary, span, Flow::Escape),
            Expr::Cond(conditional) => self.eval_conditional(conditional, span, Flow::Escape),
            Expr::OptChain(chain) => self.eval_opt_chain(chain, span),
            other => {
                other.visit_children_with(self);
                self.opaque_value(span)
            }
        }
    }

    /// Evaluates an operand whose object is only looked at (compared, negated, interpolated), not passed on.
    pub(super) fn eval_read(&mut self, expression: &Expr) -> Pair {
        if let Some(ident) = self.exports_ident(expression) {
            return self.use_exports(ident, Usage::Read, EditForm::Prefix);
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

    pub(super) fn eval_callee(&mut self, callee: &Expr) {
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
    pub(super) fn eval_member(&mut self, member: &MemberExpr, usage_if_module_exports: Usage) -> Pair {
        let span = member.span;
        if self.is_module_exports(member) {
            return self.use_module_exports(member, usage_if_module_exports);
        }
        if let Some(ident) = self.exports_ident(&member.obj) {
            self.use_exports(ident, Usage::Read, EditForm::Prefix);
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
}

/// Whether a function or class expression's own name is `module`, which it binds inside itself.
fn names_module(name: Option<&Ident>) -> bool {
    name.is_some_and(|name| &*name.sym == "module")
}
