//! Functions and classes: bodies that run later (deferred), bodies called where they stand (in place), and
//! hoisted `function exports` declarations.

use swc_core::ecma::ast::*;
use swc_core::ecma::visit::VisitWith;

use super::*;
use crate::model::scope::*;
use crate::model::syntax::*;
use crate::model::AssignForm;

impl Walker<'_> {
    pub(super) fn hoist_function_declarations(&mut self, body: &[Stmt]) {
        for statement in body {
            if let Stmt::Decl(Decl::Fn(function)) = statement {
                if self.is_exports(&function.ident) {
                    self.hoisted_exports_functions.push(function.function.span.lo.0);
                    let value = self.created(function.function.span);
                    let whole = self.range(function.function.span);
                    self.assign_exports(ExportsAssignment::uneditable(
                        &function.ident,
                        AssignForm::FunctionDeclaration,
                        value,
                        whole,
                    ));
                }
            }
        }
    }

    /// A function body runs later, at a time the model does not know.
    pub(super) fn deferred_body(&mut self, walk: impl FnOnce(&mut Self)) {
        self.deferred_body_from(RunsFrom { time: self.time, state: Some(self.state) }, walk);
    }

    /// A function declaration is created when its scope starts (it is hoisted): it may run whenever it is called
    /// from then on. The start of the module stands for any scope's start, the earliest it can be.
    pub(super) fn hoisted_body(&mut self, walk: impl FnOnce(&mut Self)) {
        self.deferred_body_from(RunsFrom { time: 0, state: None }, walk);
    }

    fn deferred_body_from(&mut self, creation: RunsFrom, walk: impl FnOnce(&mut Self)) {
        let outer_runs_from = self.runs_from;
        if outer_runs_from.is_none() {
            self.runs_from = Some(creation);
        }
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
        self.runs_from = outer_runs_from;
    }

    pub(super) fn walk_function(&mut self, function: &Function) {
        for decorator in &function.decorators {
            decorator.visit_with(self);
        }
        self.deferred_body(|walker| walker.walk_function_body(function));
    }

    /// A function declaration: it exists, and may be called, from the start of its scope. One that runs only at
    /// its one call is walked there instead.
    pub(super) fn walk_function_declaration(&mut self, function: &Function) {
        if self.facts.in_place.functions.contains(&function.span.lo.0) {
            return;
        }
        self.hoisted_body(|walker| walker.walk_function_body(function));
    }

    pub(super) fn walk_arrow(&mut self, arrow: &ArrowExpr) {
        self.deferred_body(|walker| walker.walk_arrow_body(arrow));
    }

    pub(super) fn walk_function_body(&mut self, function: &Function) {
        let params: Vec<&Pat> = function.params.iter().map(|param| &param.pat).collect();
        let statements = function.body.as_ref().map_or(&[][..], |body| &body.stmts[..]);
        self.in_scope(scope_declares(statements, &params, "module"), |walker| {
            function.params.visit_with(walker);
            walker.walk_statements(statements);
        });
    }

    pub(super) fn walk_arrow_body(&mut self, arrow: &ArrowExpr) {
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
    pub(super) fn in_scope(&mut self, shadows_module: bool, walk: impl FnOnce(&mut Self)) {
        self.module_shadow_depth += usize::from(shadows_module);
        walk(self);
        self.module_shadow_depth -= usize::from(shadows_module);
    }

    pub(super) fn walk_class(&mut self, class: &Class) {
        if let Some(super_class) = &class.super_class {
            self.eval(super_class);
        }
        self.deferred_body(|walker| {
            class.decorators.visit_with(walker);
            class.body.visit_with(walker);
        });
    }

    /// A function expression called where it stands runs now, in order: its body is walked as load-time code.
    pub(super) fn walk_immediate_call(&mut self, call: &CallExpr) -> bool {
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
                let shadows = function.ident.as_ref().is_some_and(|name| &*name.sym == "module");
                &move |walker: &mut Self| {
                    walker.in_scope(shadows, |walker| walker.walk_function_body(&function.function))
                }
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
        // A `function` binds its own `this`: the module's only when passed by `.call(this)`/`.apply(this)`.
        let keeps_this = !matches!(function, Expr::Fn(_)) || passes_this_as_this;
        self.run_in_place(call, keeps_this, body);
        true
    }

    /// A call of a function declared in the module that runs only there (see [`super::in_place`]): its body is
    /// walked at the call, as load-time code.
    pub(super) fn walk_declared_call(&mut self, call: &CallExpr) -> bool {
        let Callee::Expr(callee) = &call.callee else {
            return false;
        };
        let Expr::Ident(name) = &**callee else {
            return false;
        };
        let site = (call.span.lo.0, call.span.hi.0);
        let Some(Stmt::Decl(Decl::Fn(declaration))) =
            self.facts.in_place.calls.get(&site).and_then(|index| self.script.script.body.get(*index))
        else {
            return false;
        };
        if declaration.ident.sym != name.sym || declaration.ident.ctxt != name.ctxt {
            return false;
        }
        let function = &declaration.function;
        for argument in &call.args {
            self.eval_argument(argument);
        }
        self.run_in_place(call, false, &|walker: &mut Self| walker.walk_function_body(function));
        true
    }

    /// Walks a function body called at `call`, once its arguments are evaluated: in order, as code that runs now.
    fn run_in_place(&mut self, call: &CallExpr, keeps_this: bool, body: &dyn Fn(&mut Self)) {
        if self.deferred() {
            body(self);
            return;
        }
        let saved_statement = self.list_statement.take();
        let saved_this = self.this_is_module;
        let was_reachable = self.state.reachable;
        self.this_is_module = saved_this && keeps_this;
        let saved_jumps = std::mem::take(&mut self.jumps);
        self.exits.push(Vec::new());
        body(self);
        self.jumps = saved_jumps;
        self.this_is_module = saved_this;
        let returns = self.exits.pop().unwrap_or_default();
        for exit in returns {
            self.join_into(exit, call.span);
        }
        // Returns end the body, not the module: the code after the call runs if the call did.
        self.state.reachable = was_reachable;
        self.list_statement = saved_statement;
    }
}
