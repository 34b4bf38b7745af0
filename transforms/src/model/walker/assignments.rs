//! Assignments to the two bindings, the linking idioms among them (`exports = module.exports = X`), and
//! `var exports` declarations.

use std::ops::Range;

use swc_core::common::{Span, Spanned};
use swc_core::ecma::ast::*;
use swc_core::ecma::visit::VisitWith;

use super::*;
use crate::model::syntax::*;
use crate::model::value::Pair;
use crate::model::{AssignForm, Assignment, EditForm, Reference, Target, Usage, ValueShape};

impl Walker<'_> {
    /// Assigns the wrapper's `exports` binding.
    pub(super) fn assign_exports(&mut self, assignment: ExportsAssignment<'_>) {
        let ExportsAssignment { ident, form, value, whole, linked_by_parent, edit_when_linked, edit_otherwise, shape } =
            assignment;
        let range = self.ident_range(ident);
        let id = range.start;
        let to_module_exports = self.rewritten(id);
        let deferred = self.deferred();
        if deferred {
            self.opaque = true;
        } else if self.state.reachable {
            self.state.exports = value.original;
            if to_module_exports {
                self.state.rewritten_module_exports = value.rewritten;
            } else {
                self.state.rewritten_exports = value.rewritten;
            }
            self.assigned_at.entry(value.original).or_insert(whole.start);
            self.note_state();
        }
        // In code that never runs the state stays as it was; the idiom is judged on the value it would assign.
        let exports_now = if self.state.reachable { self.state.exports } else { value.original };
        let links = linked_by_parent || (!deferred && exports_now.same_as(self.state.module_exports));
        let edit_form = self.unless_module_shadowed(if links { edit_when_linked } else { edit_otherwise });
        let rewritten =
            if to_module_exports { self.state.rewritten_module_exports } else { self.state.rewritten_exports };
        self.push_reference(Reference {
            id,
            target: Target::Exports,
            usage: Usage::Assign(form),
            range,
            deferred,
            original: value.original,
            rewritten,
            module_returns_before: 0,
            runs_from: None,
            reachable: true,
            assignment: Some(Assignment { range: whole, assigned: value.original, links, shape }),
            edit_form,
        });
    }

    pub(super) fn assign_module_exports(
        &mut self,
        member: &MemberExpr,
        form: AssignForm,
        value: Pair,
        whole: Range<usize>,
        linked_by_parent: bool,
        shape: ValueShape,
    ) {
        let range = self.module_exports_range(member);
        let deferred = self.deferred();
        if deferred {
            self.opaque = true;
        } else if self.state.reachable {
            self.state.module_exports = value.original;
            self.state.rewritten_module_exports = value.rewritten;
            self.assigned_at.entry(value.original).or_insert(whole.start);
            self.note_state();
        }
        let module_exports_now = if self.state.reachable { self.state.module_exports } else { value.original };
        let links = linked_by_parent || (!deferred && self.state.exports.same_as(module_exports_now));
        self.push_reference(Reference {
            id: range.start,
            target: Target::ModuleExports,
            usage: Usage::Assign(form),
            range,
            deferred,
            original: value.original,
            rewritten: value.rewritten,
            module_returns_before: 0,
            runs_from: None,
            reachable: true,
            assignment: Some(Assignment { range: whole, assigned: value.original, links, shape }),
            edit_form: EditForm::Impossible,
        });
    }

    /// An assignment to `exports` whose value the model cannot follow (a compound operator, a destructuring or
    /// loop target): the binding then holds some unknown object, and no text edit can rewrite it.
    pub(super) fn assign_exports_unknown(
        &mut self,
        ident: &Ident,
        form: AssignForm,
        span: Span,
        whole: Range<usize>,
    ) -> Pair {
        let value = self.merged_unknown(span);
        self.assign_exports(ExportsAssignment::uneditable(ident, form, value, whole));
        value
    }

    /// The same for `module.exports`.
    pub(super) fn assign_module_exports_unknown(
        &mut self,
        member: &MemberExpr,
        form: AssignForm,
        span: Span,
        whole: Range<usize>,
    ) -> Pair {
        let value = self.merged_unknown(span);
        self.assign_module_exports(member, form, value, whole, false, ValueShape::default());
        value
    }

    pub(super) fn eval_assign(&mut self, assign: &AssignExpr, linked_by_parent: bool) -> Pair {
        if let Some(ident) = self.assigned_exports(&assign.left) {
            return self.eval_assign_to_exports(assign, ident);
        }
        if let Some(member) = self.assigned_module_exports(&assign.left) {
            return self.eval_assign_to_module_exports(assign, member, linked_by_parent);
        }
        match &assign.left {
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

    /// `x ||= y` (or `??=`) where `x` holds an object: `y` never runs, and the value is `x` (`read`).
    fn skip_logical_assignment(&mut self, assign: &AssignExpr, read: impl FnOnce(&mut Self) -> Pair) -> Pair {
        let value = read(self);
        let before = self.state;
        // Walked as unreachable so that its references are still recorded.
        self.state = before.unreachable();
        self.eval(&assign.right);
        self.state = before;
        value
    }

    /// Whether a binding's value is surely an object (so truthy and not nullish): the initial exports object, or
    /// one an object literal, function or class created.
    pub(super) fn holds_object(&self, value: crate::model::Value) -> bool {
        value == crate::model::value::INITIAL
            || matches!(value, crate::model::Value::Exact { id, fragile: false } if self.kinds.contains_key(&id))
    }

    /// The right side of `x op= y`: `||=`, `&&=` and `??=` may skip it.
    fn eval_compound_right(&mut self, assign: &AssignExpr) {
        let before = self.state;
        self.eval(&assign.right);
        if assign.op.may_short_circuit() {
            self.join_into(before, assign.span);
        }
    }

    /// `exports = X` (or `exports op= X`): a plain assignment may be a linking idiom with `module.exports`.
    fn eval_assign_to_exports(&mut self, assign: &AssignExpr, ident: &Ident) -> Pair {
        let span = assign.span;
        if assign.op != AssignOp::Assign {
            let holds_object = self.holds_object(self.state.exports) && self.holds_object(self.state.rewritten_exports);
            return match short_circuit(assign.op, holds_object) {
                // `exports &&= X` on an object is `exports = X`: a linking idiom when `X` is `module.exports`.
                Some(false) => {
                    let value = self.eval_assigned_linking(&assign.right, LinkSide::Exports);
                    let whole = self.range(span);
                    self.assign_exports(ExportsAssignment::uneditable(ident, AssignForm::Compound, value, whole));
                    value
                }
                Some(true) => self.skip_logical_assignment(assign, |walker| {
                    walker.use_exports(ident, Usage::Read, EditForm::Impossible)
                }),
                None => {
                    self.eval_compound_right(assign);
                    self.assign_exports_unknown(ident, AssignForm::Compound, span, self.range(span))
                }
            };
        }
        let value = self.eval_assigned_linking(&assign.right, LinkSide::Exports);
        let start = self.ident_range(ident).start;
        let right_start = self.offset(assign.right.span().lo);
        let whole = start..self.offset(span.hi);
        let is_whole_statement = self.list_statement.is_some_and(|statement| statement.expression == Some(span));
        // Where the statement cannot go, `exports = module.exports;` becomes the harmless
        // `module.exports = module.exports;`. A relink to a declared binding (`exports = api;` after
        // `module.exports = api;`) reads a variable the linked value was already read from: it goes whole too.
        let reads_declared = matches!(unparen(&assign.right),
            Expr::Ident(name) if name.ctxt != self.script.unresolved && !self.is_exports(name));
        let linked = if is_whole_statement && (self.module_exports_member(&assign.right).is_some() || reads_declared) {
            self.delete_statement(self.list_statement, "exports")
        } else if is_whole_statement && starts_a_declaration(&assign.right) {
            // At the start of a statement `{`, `function` and `class` would begin a block or declaration.
            None
        } else {
            self.delete_prefix(start..right_start, "exports =")
        }
        .unwrap_or(EditForm::Prefix);
        self.assign_exports(ExportsAssignment {
            ident,
            form: AssignForm::Plain,
            value,
            whole,
            linked_by_parent: false,
            edit_when_linked: linked,
            edit_otherwise: EditForm::Prefix,
            shape: ValueShape::of_exports_value(&assign.right),
        });
        value
    }

    /// `module.exports = X` (or `module.exports op= X`).
    fn eval_assign_to_module_exports(
        &mut self,
        assign: &AssignExpr,
        member: &MemberExpr,
        linked_by_parent: bool,
    ) -> Pair {
        let span = assign.span;
        if assign.op != AssignOp::Assign {
            let holds_object =
                self.holds_object(self.state.module_exports) && self.holds_object(self.state.rewritten_module_exports);
            // `module.exports ||= X` on an object assigns nothing; it is `module.exports` (the other linking half).
            if short_circuit(assign.op, holds_object) == Some(true) {
                return self.skip_logical_assignment(assign, |walker| walker.use_module_exports(member, Usage::Read));
            }
            self.eval_compound_right(assign);
            return self.assign_module_exports_unknown(member, AssignForm::Compound, span, self.range(span));
        }
        let is_whole_statement = self.list_statement.is_some_and(|statement| statement.expression == Some(span));
        let value = match self.exports_ident(&assign.right) {
            // `module.exports = exports;` adopts the object: once every `exports` is `module.exports` it
            // says nothing, so the rewrite deletes it.
            Some(ident) if is_whole_statement => {
                let rewrite = self.delete_statement(self.list_statement, "module").unwrap_or(EditForm::Prefix);
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

    /// A top-level `var exports;`: the wrapper's parameter declared again, which changes nothing. Deleting it is
    /// the rewrite's edit, where the statement can go (`statement` is `None` where it cannot).
    fn redeclare_exports(&mut self, ident: &Ident, statement: Option<ListStatement>) {
        let rewrite = self.delete_statement(statement, "var").unwrap_or(EditForm::Impossible);
        let range = self.ident_range(ident);
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
            runs_from: None,
            reachable: true,
            assignment: Some(Assignment { range, assigned: original, links: true, shape: ValueShape::default() }),
            edit_form: rewrite,
        });
    }

    /// The module's `exports` as an assignment target: `exports`, `(exports)`, `(exports as any)`.
    fn assigned_exports<'t>(&self, target: &'t AssignTarget) -> Option<&'t Ident> {
        match target {
            AssignTarget::Simple(SimpleAssignTarget::Ident(binding)) => {
                self.is_exports(&binding.id).then_some(&binding.id)
            }
            AssignTarget::Simple(simple) => self.exports_ident(wrapped_target(simple)?),
            AssignTarget::Pat(_) => None,
        }
    }

    /// `module.exports` as an assignment target: `module.exports`, `(module.exports)`, `(module).exports`.
    fn assigned_module_exports<'t>(&self, target: &'t AssignTarget) -> Option<&'t MemberExpr> {
        match target {
            AssignTarget::Simple(SimpleAssignTarget::Member(member)) => {
                self.is_module_exports(member).then_some(member)
            }
            AssignTarget::Simple(simple) => self.module_exports_member(wrapped_target(simple)?),
            AssignTarget::Pat(_) => None,
        }
    }

    /// The right side of an assignment to one binding, where an assignment to the other binding is a linking idiom:
    /// `module.exports = exports = X` and `exports = module.exports = X`.
    pub(super) fn eval_assigned_linking(&mut self, right: &Expr, side: LinkSide) -> Pair {
        if let (LinkSide::Exports, Expr::Assign(inner)) = (side, unparen(right)) {
            if self.assigned_module_exports(&inner.left).is_some() {
                return self.eval_assign(inner, true);
            }
        }
        if let (LinkSide::ModuleExports, Expr::Assign(inner)) = (side, unparen(right)) {
            if inner.op == AssignOp::Assign {
                if let Some(ident) = self.assigned_exports(&inner.left) {
                    {
                        let value = self.eval_assigned(&inner.right);
                        let start = self.ident_range(ident).start;
                        let right_start = self.offset(inner.right.span().lo);
                        let linked = self.delete_prefix(start..right_start, "exports =").unwrap_or(EditForm::Prefix);
                        let whole = start..self.offset(inner.span.hi);
                        self.assign_exports(ExportsAssignment {
                            ident,
                            form: AssignForm::Plain,
                            value,
                            whole,
                            linked_by_parent: true,
                            edit_when_linked: linked,
                            edit_otherwise: EditForm::Prefix,
                            shape: ValueShape::of_exports_value(&inner.right),
                        });
                        return value;
                    }
                }
            }
        }
        self.eval_assigned(right)
    }

    pub(super) fn walk_var_declaration(&mut self, declaration: &VarDecl, in_list: bool) {
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
                if let Some(value) = value {
                    self.bind_value(&binding.id, value);
                }
                continue;
            }
            let editable = single && statement.is_some() && binding.type_ann.is_none();
            let declaration_range = self.anchored_range(declaration.span, "var");
            let ident_range = self.ident_range(&binding.id);
            match (&declarator.init, value) {
                (Some(init), Some(value)) => {
                    let init_start = self.offset(init.span().lo);
                    let (linked, otherwise) = if editable {
                        let replace = EditForm::Replace(declaration_range.start..ident_range.end, "module.exports");
                        let linked = if self.module_exports_member(init).is_some() {
                            self.delete_statement(statement, "var").unwrap_or(EditForm::Impossible)
                        } else if starts_a_declaration(init) {
                            // Without `var exports =`, a `{`, `function` or `class` would start the statement.
                            replace.clone()
                        } else {
                            // Where `var exports =` cannot go, `module.exports = (module.exports = X)` is harmless.
                            self.delete_prefix(declaration_range.start..init_start, "var exports =")
                                .unwrap_or_else(|| replace.clone())
                        };
                        (linked, replace)
                    } else {
                        (EditForm::Impossible, EditForm::Impossible)
                    };
                    let whole = declaration_range.start..self.offset(declarator.span.hi);
                    self.assign_exports(ExportsAssignment {
                        ident: &binding.id,
                        form: AssignForm::VarInit,
                        value,
                        whole,
                        linked_by_parent: false,
                        edit_when_linked: linked,
                        edit_otherwise: otherwise,
                        shape: ValueShape::of_exports_value(init),
                    });
                }
                _ => self.redeclare_exports(&binding.id, editable.then_some(statement).flatten()),
            }
        }
    }
}

/// An assignment to the wrapper's `exports` binding, as the walk meets it.
pub(super) struct ExportsAssignment<'n> {
    ident: &'n Ident,
    form: AssignForm,
    value: Pair,
    /// The whole assignment or declaration in the original text.
    whole: Range<usize>,
    /// The assignment around this one makes it a linking idiom: `module.exports = exports = X`.
    linked_by_parent: bool,
    /// How the reference is edited when the assignment links the two bindings, and when it does not.
    edit_when_linked: EditForm,
    edit_otherwise: EditForm,
    shape: ValueShape,
}

impl<'n> ExportsAssignment<'n> {
    /// An assignment no text edit can rewrite: a declaration, a pattern, a compound operator.
    pub(super) fn uneditable(ident: &'n Ident, form: AssignForm, value: Pair, whole: Range<usize>) -> Self {
        ExportsAssignment {
            ident,
            form,
            value,
            whole,
            linked_by_parent: false,
            edit_when_linked: EditForm::Impossible,
            edit_otherwise: EditForm::Impossible,
            shape: ValueShape::default(),
        }
    }
}

#[derive(Clone, Copy)]
pub(super) enum LinkSide {
    Exports,
    ModuleExports,
}

/// Whether a logical assignment on a binding that surely holds an object skips its right side (`||=`, `??=`) or
/// always runs it (`&&=`); `None` for other operators, or when the binding may hold anything.
fn short_circuit(op: AssignOp, holds_object: bool) -> Option<bool> {
    match op {
        AssignOp::OrAssign | AssignOp::NullishAssign if holds_object => Some(true),
        AssignOp::AndAssign if holds_object => Some(false),
        _ => None,
    }
}

/// The expression inside a parenthesised or TypeScript-wrapped assignment target: `(x)`, `(x as T)`, `x!`.
fn wrapped_target(target: &SimpleAssignTarget) -> Option<&Expr> {
    match target {
        SimpleAssignTarget::Paren(paren) => Some(&paren.expr),
        SimpleAssignTarget::TsAs(wrapper) => Some(&wrapper.expr),
        SimpleAssignTarget::TsSatisfies(wrapper) => Some(&wrapper.expr),
        SimpleAssignTarget::TsNonNull(wrapper) => Some(&wrapper.expr),
        SimpleAssignTarget::TsTypeAssertion(wrapper) => Some(&wrapper.expr),
        _ => None,
    }
}
