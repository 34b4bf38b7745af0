//! Statements in evaluation order: lists, branches, `switch`, `try`, `return` and `throw`.

use swc_core::common::Spanned;
use swc_core::ecma::ast::*;
use swc_core::ecma::visit::VisitWith;

use super::*;
use crate::model::scope::*;

impl Walker<'_> {
    pub(super) fn walk_statements(&mut self, statements: &[Stmt]) {
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
    pub(super) fn walk_nested_statement(&mut self, statement: &Stmt) {
        let outer = self.list_statement.take();
        if let Stmt::Block(block) = statement {
            self.walk_statements(&block.stmts);
        } else {
            self.walk_statement(statement);
        }
        self.list_statement = outer;
    }

    pub(super) fn walk_statement(&mut self, statement: &Stmt) {
        if !self.spend(statement.span()) {
            return;
        }
        match statement {
            Stmt::Block(block) => self.walk_statements(&block.stmts),
            Stmt::Expr(expression) => {
                self.eval_test(&expression.expr);
            }
            Stmt::If(if_statement) => {
                self.eval_test(&if_statement.test);
                // A branch Node's loader never takes is walked as unreachable: its references are still recorded
                // (and rewritten), but it changes no binding.
                let known = self.known_condition(&if_statement.test, 0);
                let before = self.state;
                if known == Some(false) {
                    self.state = before.unreachable();
                }
                self.walk_nested_statement(&if_statement.cons);
                let after_consequent = self.state;
                self.state = if known == Some(true) { before.unreachable() } else { before };
                if let Some(alternate) = &if_statement.alt {
                    self.walk_nested_statement(alternate);
                }
                self.join_into(after_consequent, if_statement.span);
            }
            Stmt::Break(jump) => self.jump(jump.label.as_ref(), false),
            Stmt::Continue(jump) => self.jump(jump.label.as_ref(), true),
            Stmt::While(_) | Stmt::DoWhile(_) | Stmt::For(_) | Stmt::ForIn(_) | Stmt::ForOf(_) => {
                self.walk_loop_statement(statement)
            }
            Stmt::Try(try_statement) => self.walk_try(try_statement),
            Stmt::Switch(switch) => self.walk_switch(switch),
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
            Stmt::Labeled(labeled) => self.walk_labeled(labeled),
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
                self.walk_function_declaration(&function.function)
            }
            // Declarations that bind no value (TypeScript types, `declare` forms) run no code and shadow nothing.
            Stmt::Decl(declaration) if binds_no_value(declaration) => {}
            Stmt::Decl(Decl::Class(class)) => self.walk_class(&class.class),
            other => other.visit_children_with(self),
        }
    }

    pub(super) fn walk_try(&mut self, try_statement: &TryStmt) {
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
}

/// Whether a declaration exists only for the type checker: an interface, a type alias, or a `declare` form.
fn binds_no_value(declaration: &Decl) -> bool {
    match declaration {
        Decl::TsInterface(_) | Decl::TsTypeAlias(_) => true,
        Decl::Var(declaration) => declaration.declare,
        Decl::Fn(function) => function.declare,
        Decl::Class(class) => class.declare,
        Decl::TsEnum(enumeration) => enumeration.declare,
        Decl::TsModule(module) => module.declare,
        Decl::Using(_) => false,
    }
}
