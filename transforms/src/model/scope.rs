//! Scope queries on the syntax tree: what a scope or a pattern declares.

use swc_core::common::SyntaxContext;
use swc_core::ecma::ast::*;
use swc_core::ecma::visit::{Visit, VisitMut, VisitMutWith, VisitWith};

/// Whether the script's top level declares `name` with `let`, `const` or `class` (a binding of its own).
pub(super) fn declares_lexically(body: &[Stmt], name: &str, top_level: SyntaxContext) -> bool {
    body.iter().any(|statement| match statement {
        Stmt::Decl(Decl::Var(declaration)) if declaration.kind != VarDeclKind::Var => declaration
            .decls
            .iter()
            .any(|declarator| pattern_binds(&declarator.name, &|ident| &*ident.sym == name && ident.ctxt == top_level)),
        Stmt::Decl(Decl::Class(class)) => &*class.ident.sym == name && class.ident.ctxt == top_level,
        _ => false,
    })
}

/// Whether the top level declares `name` in any way (including `var` and `function`).
pub(super) fn declares_at_top_level(body: &[Stmt], name: &str, top_level: SyntaxContext) -> bool {
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

/// Whether a declaration or parameter pattern binds an identifier for which `matches` holds. The one answer to
/// "does this pattern bind this name" for every pass of the model.
pub(super) fn pattern_binds(pattern: &Pat, matches: &dyn Fn(&Ident) -> bool) -> bool {
    bound_identifiers(pattern).into_iter().any(matches)
}

/// The identifiers a declaration or parameter pattern binds (not the default values' code).
pub(crate) fn bound_identifiers(pattern: &Pat) -> Vec<&Ident> {
    let mut names = Vec::new();
    collect_bound(pattern, &mut names);
    names
}

fn collect_bound<'p>(pattern: &'p Pat, names: &mut Vec<&'p Ident>) {
    match pattern {
        Pat::Ident(binding) => names.push(&binding.id),
        Pat::Array(array) => array.elems.iter().flatten().for_each(|element| collect_bound(element, names)),
        Pat::Object(object) => {
            for property in &object.props {
                match property {
                    ObjectPatProp::KeyValue(key_value) => collect_bound(&key_value.value, names),
                    ObjectPatProp::Assign(assign) => names.push(&assign.key.id),
                    ObjectPatProp::Rest(rest) => collect_bound(&rest.arg, names),
                }
            }
        }
        Pat::Rest(rest) => collect_bound(&rest.arg, names),
        Pat::Assign(assign) => collect_bound(&assign.left, names),
        Pat::Invalid(_) | Pat::Expr(_) => {}
    }
}

/// Whether a scope (its parameters and statements, not nested functions) declares `name`: `var` anywhere in it
/// (hoisted), `let`/`const`/`class`/`function` in any of its blocks (over-approximated to the whole scope), a
/// parameter or a catch parameter.
pub(super) fn scope_declares(statements: &[Stmt], params: &[&Pat], name: &str) -> bool {
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

/// Whether every top-level declaration of `name` is a `var` without a value (`var module;`): in Node's wrapper such
/// a `var` is the parameter itself, and declaring it again changes nothing.
pub(super) fn only_redeclared_by_var(body: &[Stmt], name: &str, top_level: SyntaxContext) -> bool {
    struct Finder<'n> {
        name: &'n str,
        top_level: SyntaxContext,
        bare_vars: usize,
        others: usize,
    }
    impl Visit for Finder<'_> {
        fn visit_var_decl(&mut self, declaration: &VarDecl) {
            for declarator in &declaration.decls {
                let ours =
                    pattern_binds(&declarator.name, &|ident| &*ident.sym == self.name && ident.ctxt == self.top_level);
                match (ours, declaration.kind, &declarator.name, &declarator.init) {
                    (false, ..) => {}
                    (true, VarDeclKind::Var, Pat::Ident(_), None) => self.bare_vars += 1,
                    (true, ..) => self.others += 1,
                }
            }
            declaration.visit_children_with(self);
        }
        fn visit_fn_decl(&mut self, function: &FnDecl) {
            self.others += usize::from(&*function.ident.sym == self.name && function.ident.ctxt == self.top_level);
            function.function.visit_with(self);
        }
        fn visit_class_decl(&mut self, class: &ClassDecl) {
            self.others += usize::from(&*class.ident.sym == self.name && class.ident.ctxt == self.top_level);
            class.class.visit_with(self);
        }
        fn visit_expr(&mut self, _: &Expr) {}
    }
    let mut finder = Finder { name, top_level, bare_vars: 0, others: 0 };
    body.visit_with(&mut finder);
    finder.bare_vars > 0 && finder.others == 0
}

/// What makes `module` in some code something other than the module: the innermost enclosing scope that declares a
/// `module` of its own, and where (a byte offset).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ModuleShadow {
    /// A function expression named `module`: inside it, `module` is the function itself.
    FunctionName(usize),
    /// A class expression named `module`: inside it, `module` is the class.
    ClassName(usize),
    /// A parameter, variable, function or class declared `module` in an enclosing scope (or a `catch (module)`).
    Declared(usize),
}

/// The innermost scope around the code at `offset` that declares `module` (see [`ModuleShadow`]); `offset_of`
/// turns a position of the tree into a byte offset of the text.
pub(crate) fn module_shadow_at(
    body: &[Stmt],
    offset: usize,
    offset_of: &dyn Fn(swc_core::common::BytePos) -> usize,
) -> Option<ModuleShadow> {
    struct Finder<'f> {
        offset: usize,
        offset_of: &'f dyn Fn(swc_core::common::BytePos) -> usize,
        found: Option<ModuleShadow>,
    }
    impl Finder<'_> {
        fn inside(&self, span: swc_core::common::Span) -> bool {
            (self.offset_of)(span.lo) <= self.offset && self.offset < (self.offset_of)(span.hi)
        }
        /// Notes a scope around the offset; scopes are met outermost first, so the last noted is the innermost.
        fn scope(&mut self, span: swc_core::common::Span, declares: bool, shadow: fn(usize) -> ModuleShadow) {
            if declares && self.inside(span) {
                self.found = Some(shadow((self.offset_of)(span.lo)));
            }
        }
    }
    impl Visit for Finder<'_> {
        fn visit_fn_expr(&mut self, function: &FnExpr) {
            let named = function.ident.as_ref().is_some_and(|name| &*name.sym == "module");
            self.scope(function.function.span, named, ModuleShadow::FunctionName);
            function.function.visit_with(self);
        }
        fn visit_class_expr(&mut self, class: &ClassExpr) {
            let named = class.ident.as_ref().is_some_and(|name| &*name.sym == "module");
            self.scope(class.class.span, named, ModuleShadow::ClassName);
            class.class.visit_with(self);
        }
        fn visit_function(&mut self, function: &Function) {
            let params: Vec<&Pat> = function.params.iter().map(|param| &param.pat).collect();
            let statements = function.body.as_ref().map_or(&[][..], |body| &body.stmts[..]);
            self.scope(function.span, scope_declares(statements, &params, "module"), ModuleShadow::Declared);
            function.visit_children_with(self);
        }
        fn visit_arrow_expr(&mut self, arrow: &ArrowExpr) {
            let params: Vec<&Pat> = arrow.params.iter().collect();
            let statements = match &*arrow.body {
                ArrowFunctionBody::FunctionBody(body) => &body.stmts[..],
                ArrowFunctionBody::Expr(_) => &[][..],
            };
            self.scope(arrow.span, scope_declares(statements, &params, "module"), ModuleShadow::Declared);
            arrow.visit_children_with(self);
        }
        fn visit_catch_clause(&mut self, handler: &CatchClause) {
            let params: Vec<&Pat> = handler.param.iter().collect();
            self.scope(handler.span, scope_declares(&handler.body.stmts, &params, "module"), ModuleShadow::Declared);
            handler.visit_children_with(self);
        }
    }
    let mut finder = Finder { offset, offset_of, found: None };
    body.visit_with(&mut finder);
    finder.found
}

/// Removes TypeScript's `declare` forms (`declare var exports: any;`, `declare function module(): void;`,
/// `export declare …` in a namespace) from every statement list: they run no code and bind no value, yet swc's
/// resolver binds their names like values, which would make the module's `exports` or `module` look shadowed in
/// their scope. Every other statement keeps its place in the text.
pub(crate) fn drop_declare_forms(script: &mut Script) {
    struct Dropper;
    impl VisitMut for Dropper {
        fn visit_mut_stmts(&mut self, statements: &mut Vec<Stmt>) {
            statements
                .retain(|statement| !matches!(statement, Stmt::Decl(declaration) if is_declare_form(declaration)));
            statements.visit_mut_children_with(self);
        }
        fn visit_mut_module_items(&mut self, items: &mut Vec<ModuleItem>) {
            items.retain(|item| match item {
                ModuleItem::Stmt(Stmt::Decl(declaration)) => !is_declare_form(declaration),
                ModuleItem::ModuleDecl(ModuleDecl::ExportDecl(export)) => !is_declare_form(&export.decl),
                _ => true,
            });
            items.visit_mut_children_with(self);
        }
    }
    script.visit_mut_with(&mut Dropper);
}

fn is_declare_form(declaration: &Decl) -> bool {
    match declaration {
        Decl::Var(declaration) => declaration.declare,
        Decl::Fn(function) => function.declare,
        Decl::Class(class) => class.declare,
        Decl::TsEnum(enumeration) => enumeration.declare,
        Decl::TsModule(module) => module.declare,
        Decl::TsInterface(_) | Decl::TsTypeAlias(_) | Decl::Using(_) => false,
    }
}

/// Whether a function named `exports` or `module` is declared in a block (not directly in a function or module
/// body). In sloppy mode Annex B may also bind it in the enclosing function (even past a `catch` parameter of the
/// same name), which swc's resolver does not model: where such a name points cannot be known.
pub fn declares_block_function_named_like_a_binding(body: &[Stmt]) -> bool {
    let mut finder = BlockFunctions { depth: 0, found: false };
    for statement in body {
        statement.visit_with(&mut finder);
    }
    finder.found
}

struct BlockFunctions {
    /// How many blocks enclose the code inside its function.
    depth: usize,
    found: bool,
}

impl BlockFunctions {
    fn body(&mut self, statements: &[Stmt]) {
        let outer = std::mem::take(&mut self.depth);
        for statement in statements {
            statement.visit_with(self);
        }
        self.depth = outer;
    }
}

impl Visit for BlockFunctions {
    fn visit_fn_decl(&mut self, declaration: &FnDecl) {
        self.found |= self.depth > 0 && ["exports", "module"].contains(&&*declaration.ident.sym);
        declaration.function.visit_with(self);
    }

    fn visit_function(&mut self, function: &Function) {
        function.params.visit_with(self);
        self.body(function.body.as_ref().map_or(&[][..], |body| &body.stmts[..]));
    }

    fn visit_arrow_expr(&mut self, arrow: &ArrowExpr) {
        match &*arrow.body {
            ArrowFunctionBody::FunctionBody(block) => self.body(&block.stmts),
            ArrowFunctionBody::Expr(expression) => expression.visit_with(self),
        }
    }

    fn visit_block_stmt(&mut self, block: &BlockStmt) {
        self.depth += 1;
        block.visit_children_with(self);
        self.depth -= 1;
    }

    fn visit_switch_case(&mut self, case: &SwitchCase) {
        self.depth += 1;
        case.visit_children_with(self);
        self.depth -= 1;
    }

    fn visit_if_stmt(&mut self, node: &IfStmt) {
        // `if (x) function exports() {}`: a declaration as a branch, in sloppy mode.
        self.depth += 1;
        node.visit_children_with(self);
        self.depth -= 1;
    }
}
