//! Function declarations that run in place: a top-level `function init() {}` whose one use is one direct call,
//! `init()`, in code that runs while the module loads. Its body runs there and nowhere else, so the walk walks it
//! at that call (as it does an IIFE) rather than as code that may run at any time.
//!
//! The call must be in the module body, outside loops, or in the body of another such function (not in a loop
//! there either), so each body is walked once per walk of its caller and the walk stays linear. Recursion (a
//! function whose call is, through such bodies, inside itself) never reaches the module body, so such functions
//! stay deferred. Any other use of the name (`new init()`, `init.call()`, `var init`, passing it on), `arguments`
//! inside its body (`arguments.callee` lets it escape), a direct `eval` or a `with` anywhere, and the function
//! keeps running "at any time".

use std::collections::{HashMap, HashSet};

use swc_core::common::SyntaxContext;
use swc_core::ecma::ast::*;
use swc_core::ecma::atoms::Atom;
use swc_core::ecma::visit::{Visit, VisitWith};

/// The declarations that run in place, found before the walk.
#[derive(Default)]
pub(super) struct InPlace {
    /// The call (by its span) that runs each such function, with the function's index in the module body.
    pub(super) calls: HashMap<(u32, u32), usize>,
    /// The functions (by their span's start) walked at their call rather than where they are declared.
    pub(super) functions: HashSet<u32>,
}

impl InPlace {
    pub(super) fn of(body: &[Stmt], top_level: SyntaxContext) -> InPlace {
        let mut finder = Finder {
            candidates: candidates(body, top_level),
            frames: vec![Frame { owner: Owner::Module, loops: 0 }],
            calls: HashMap::new(),
            disqualified: HashSet::new(),
            dynamic: false,
        };
        if finder.candidates.is_empty() {
            return InPlace::default();
        }
        body.visit_with(&mut finder);
        if finder.dynamic {
            return InPlace::default();
        }
        let mut in_place = InPlace::default();
        for &index in finder.candidates.values() {
            if let Some(call) = finder.runs_at_load(index) {
                in_place.calls.insert(call, index);
                if let Stmt::Decl(Decl::Fn(function)) = &body[index] {
                    in_place.functions.insert(function.function.span.lo.0);
                }
            }
        }
        in_place
    }
}

/// Plain top-level function declarations declared once, by name and binding context.
fn candidates(body: &[Stmt], top_level: SyntaxContext) -> HashMap<(Atom, SyntaxContext), usize> {
    let mut found = HashMap::new();
    let mut repeated = HashSet::new();
    for (index, statement) in body.iter().enumerate() {
        let Stmt::Decl(Decl::Fn(declaration)) = statement else {
            continue;
        };
        let function = &declaration.function;
        let key = (declaration.ident.sym.clone(), declaration.ident.ctxt);
        let plain = !declaration.declare && function.body.is_some() && !function.is_async && !function.is_generator;
        let special = ["exports", "module", "require", "arguments", "eval"].contains(&&*declaration.ident.sym);
        if !plain || special || declaration.ident.ctxt != top_level || found.insert(key.clone(), index).is_some() {
            repeated.insert(key);
        }
    }
    found.retain(|key, _| !repeated.contains(key));
    found
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Owner {
    /// The module body itself.
    Module,
    /// The body of a candidate (its index in the module body).
    Candidate(usize),
    /// Any other function, method, accessor or class body.
    Other,
}

struct Frame {
    owner: Owner,
    /// Loops enclosing the code, inside this frame.
    loops: usize,
}

struct Call {
    site: (u32, u32),
    owner: Owner,
    in_loop: bool,
}

struct Finder {
    candidates: HashMap<(Atom, SyntaxContext), usize>,
    frames: Vec<Frame>,
    calls: HashMap<usize, Vec<Call>>,
    disqualified: HashSet<usize>,
    dynamic: bool,
}

impl Finder {
    fn candidate(&self, ident: &Ident) -> Option<usize> {
        self.candidates.get(&(ident.sym.clone(), ident.ctxt)).copied()
    }

    fn in_frame(&mut self, owner: Owner, visit: impl FnOnce(&mut Self)) {
        self.frames.push(Frame { owner, loops: 0 });
        visit(self);
        self.frames.pop();
    }

    fn in_loop(&mut self, visit: impl FnOnce(&mut Self)) {
        if let Some(frame) = self.frames.last_mut() {
            frame.loops += 1;
        }
        visit(self);
        if let Some(frame) = self.frames.last_mut() {
            frame.loops -= 1;
        }
    }

    /// The site of the one call that runs the candidate while the module loads, if it has exactly one and that
    /// call is reached from the module body through candidates only (none of them recursive).
    fn runs_at_load(&self, index: usize) -> Option<(u32, u32)> {
        let site = self.only_call(index)?.site;
        let mut seen = HashSet::new();
        let mut current = index;
        loop {
            if !seen.insert(current) {
                return None;
            }
            let call = self.only_call(current)?;
            match call.owner {
                Owner::Module => return Some(site),
                Owner::Candidate(caller) => current = caller,
                Owner::Other => return None,
            }
        }
    }

    fn only_call(&self, index: usize) -> Option<&Call> {
        if self.disqualified.contains(&index) {
            return None;
        }
        match self.calls.get(&index).map(Vec::as_slice) {
            Some([call]) if !call.in_loop => Some(call),
            _ => None,
        }
    }
}

impl Visit for Finder {
    fn visit_fn_decl(&mut self, declaration: &FnDecl) {
        let owner = match self.candidate(&declaration.ident) {
            Some(index) => Owner::Candidate(index),
            None => Owner::Other,
        };
        self.in_frame(owner, |finder| declaration.function.visit_children_with(finder));
    }

    fn visit_function(&mut self, function: &Function) {
        self.in_frame(Owner::Other, |finder| function.visit_children_with(finder));
    }

    fn visit_arrow_expr(&mut self, arrow: &ArrowExpr) {
        self.in_frame(Owner::Other, |finder| arrow.visit_children_with(finder));
    }

    fn visit_class(&mut self, class: &Class) {
        self.in_frame(Owner::Other, |finder| class.visit_children_with(finder));
    }

    fn visit_getter_prop(&mut self, getter: &GetterProp) {
        self.in_frame(Owner::Other, |finder| getter.visit_children_with(finder));
    }

    fn visit_setter_prop(&mut self, setter: &SetterProp) {
        self.in_frame(Owner::Other, |finder| setter.visit_children_with(finder));
    }

    fn visit_for_stmt(&mut self, node: &ForStmt) {
        self.in_loop(|finder| node.visit_children_with(finder));
    }

    fn visit_for_in_stmt(&mut self, node: &ForInStmt) {
        self.in_loop(|finder| node.visit_children_with(finder));
    }

    fn visit_for_of_stmt(&mut self, node: &ForOfStmt) {
        self.in_loop(|finder| node.visit_children_with(finder));
    }

    fn visit_while_stmt(&mut self, node: &WhileStmt) {
        self.in_loop(|finder| node.visit_children_with(finder));
    }

    fn visit_do_while_stmt(&mut self, node: &DoWhileStmt) {
        self.in_loop(|finder| node.visit_children_with(finder));
    }

    fn visit_with_stmt(&mut self, node: &WithStmt) {
        self.dynamic = true;
        node.visit_children_with(self);
    }

    fn visit_call_expr(&mut self, call: &CallExpr) {
        if let Callee::Expr(callee) = &call.callee {
            if let Expr::Ident(ident) = &**callee {
                if let Some(index) = self.candidate(ident) {
                    let frame = self.frames.last();
                    let owner = frame.map_or(Owner::Other, |frame| frame.owner);
                    let in_loop = frame.is_some_and(|frame| frame.loops > 0);
                    self.calls.entry(index).or_default().push(Call {
                        site: (call.span.lo.0, call.span.hi.0),
                        owner,
                        in_loop,
                    });
                    call.args.visit_with(self);
                    return;
                }
            }
        }
        call.visit_children_with(self);
    }

    fn visit_ident(&mut self, ident: &Ident) {
        if let Some(index) = self.candidate(ident) {
            self.disqualified.insert(index);
        }
        match &*ident.sym {
            "eval" => self.dynamic = true,
            "arguments" => {
                if let Some(Frame { owner: Owner::Candidate(index), .. }) = self.frames.last() {
                    self.disqualified.insert(*index);
                }
            }
            _ => {}
        }
    }
}
