//! Destructuring and loop targets, and member expressions that are written or deleted.

use swc_core::ecma::ast::*;
use swc_core::ecma::visit::VisitWith;

use super::*;
use crate::model::syntax::*;
use crate::model::{AssignForm, EditForm, Usage};

impl Walker<'_> {
    pub(super) fn bind_for_head(&mut self, head: &ForHead) {
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
    pub(super) fn bind_pattern(&mut self, pattern: &Pat) {
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
    pub(super) fn bind_target_expression(&mut self, expression: &Expr) {
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

    /// A member expression that is written or deleted: `exports.a = …`, `module.exports.a = …`.
    pub(super) fn write_member(&mut self, member: &MemberExpr) {
        self.write_or_delete_member(member, false);
    }

    pub(super) fn write_or_delete_member(&mut self, member: &MemberExpr, deletes: bool) {
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
            self.use_exports(ident, usage, EditForm::Prefix);
        } else if let Some(inner) = self.module_exports_member(&member.obj) {
            self.use_module_exports(inner, usage);
        } else if matches!(unparen(&member.obj), Expr::This(_)) {
            // `this.a = …` at the top of a module writes to the exports object under another name.
            if !self.deferred() && self.this_is_module {
                self.escapes = true;
            }
        } else {
            let object = self.eval(&member.obj);
            // A write through a followed binding (`api.x = …`): if its object is the export in the end, the export
            // is written under another name, which the model does not follow (see the end of `Walker::run`).
            if matches!(unparen(&member.obj), Expr::Ident(ident) if self.binding_value(ident).is_some()) {
                self.alias_writes.push(object);
            }
        }
        if let MemberProp::Computed(computed) = &member.prop {
            self.eval(&computed.expr);
        }
    }
}
