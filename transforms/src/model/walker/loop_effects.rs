//! Which loops may assign a binding: the one fact about a loop body the walk needs before walking it.

use std::collections::HashSet;

use swc_core::common::Span;
use swc_core::ecma::ast::*;
use swc_core::ecma::visit::{Visit, VisitWith};

use crate::model::syntax::*;

/// The loops (by span) whose code may assign `exports` or `module.exports`, by name and conservatively: any
/// binding, assignment target, update operand or declaration named `exports`, or any member `.exports` assigned,
/// anywhere in the loop, nested functions included. One pass over the script: a loop containing such a loop is
/// one too.
pub(super) fn assigning_loops(body: &[Stmt]) -> HashSet<(u32, u32)> {
    let mut finder = Finder { open: Vec::new(), assigning: HashSet::new() };
    body.visit_with(&mut finder);
    finder.assigning
}

/// Whether an assignment target is `exports` or a member named `exports` (of any object).
pub(super) fn names_exports_binding(target: &Expr) -> bool {
    match unparen(target) {
        Expr::Ident(ident) => &*ident.sym == "exports",
        Expr::Member(member) => is_exports_member(member),
        _ => false,
    }
}

pub(super) fn is_exports_member(member: &MemberExpr) -> bool {
    member_name(&member.prop).as_deref() == Some("exports")
}

/// Loops are found bottom-up: each open loop has a flag, set by an assignment inside it and passed to the loop
/// around it when it closes.
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
