//! Where `module.exports = { … }` can become `Object.assign(module.exports, { … })`: the syntax half of rescuing
//! the writes that run before a reassignment (the reasoning is in `rules/rescue.rs`).
//!
//! The merge keeps the object the earlier writes landed on as the export and adds the literal's keys to it. That
//! is the same for a key only when the literal defines it as a plain data property: a value, a shorthand, a method
//! without `super` (whose home object would change), or a spread (which copies own enumerable properties, as
//! `Object.assign` does). A getter or setter would be called and copied as a value, and `__proto__: x` sets the
//! literal's prototype where `Object.assign` would set an own key: such a literal is not merged.

use std::ops::Range;

use swc_core::common::Spanned;
use swc_core::ecma::ast::*;
use swc_core::ecma::visit::{Visit, VisitWith};

use super::syntax::{continues_a_statement, string_value};
use super::ExportModel;

/// A `module.exports = { … };` statement that can be written as a merge.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MergeSite {
    /// `module.exports = `, to become `Object.assign(module.exports, `.
    pub prefix: Range<usize>,
    /// Where the literal ends, for the closing `)`.
    pub literal_end: usize,
    /// The literal's fixed keys; `open` when a spread or a computed key may add others.
    pub keys: Vec<String>,
    pub open: bool,
    /// The literal as one write per key (`module.exports.a = a`), in order, when that is the same as merging it:
    /// each key is fixed and each value an identifier, a literal, or a named function or class (an anonymous one
    /// would lose the name the literal gives it), and no comment would be lost. Unlike `Object.assign`, these
    /// writes are what Node's ES-module interop sees as named exports.
    pub writes: Option<Vec<String>>,
}

impl ExportModel<'_> {
    /// The merge site of the assignment to `module.exports` that starts at `start`, or why there is none.
    pub fn merge_site(&self, start: usize) -> Result<MergeSite, &'static str> {
        if declares_object(&self.script.script.body, self.script.unresolved) {
            return Err("`Object` is not the global one here");
        }
        let mut finder = StatementFinder { script: self.script, start, found: None };
        self.script.script.body.visit_with(&mut finder);
        finder.found.unwrap_or(Err("the reassignment is not a statement of its own"))
    }
}

/// The literal's keys when each is a plain data property; why not otherwise.
fn mergeable_keys(literal: &ObjectLit) -> Result<(Vec<String>, bool), &'static str> {
    let (mut keys, mut open) = (Vec::new(), false);
    for property in &literal.props {
        let PropOrSpread::Prop(property) = property else {
            open = true;
            continue;
        };
        let key = match &**property {
            Prop::Shorthand(ident) => Some(ident.sym.to_string()),
            Prop::KeyValue(pair) => property_key(&pair.key)?,
            Prop::Method(method) => {
                let mut finder = SuperFinder(false);
                method.function.visit_with(&mut finder);
                if finder.0 {
                    return Err("a method of the new value uses `super`");
                }
                property_key(&method.key)?
            }
            Prop::Getter(_) | Prop::Setter(_) => return Err("the new value has a getter or setter"),
            Prop::Assign(_) => return Err("the new value is not a plain object literal"),
        };
        match key {
            Some(key) => keys.push(key),
            None => open = true,
        }
    }
    Ok((keys, open))
}

/// A fixed key (`None` for a computed one); `__proto__:` written as a plain key is refused.
fn property_key(key: &PropName) -> Result<Option<String>, &'static str> {
    let name = match key {
        PropName::Ident(ident) => Some(ident.sym.to_string()),
        PropName::Str(string) => string.value.as_atom().map(|atom| atom.to_string()),
        PropName::Num(number) => Some(number.value.to_string()),
        // A computed key is evaluated alike in both forms; which key it is is not followed.
        PropName::Computed(computed) => return Ok(string_value(&computed.expr)),
        PropName::BigInt(_) => None,
    };
    if name.as_deref() == Some("__proto__") {
        return Err("the new value sets `__proto__`");
    }
    Ok(name)
}

/// Whether the script declares a binding named `Object` anywhere (so `Object.assign` might not be the global's).
fn declares_object(body: &[Stmt], unresolved: swc_core::common::SyntaxContext) -> bool {
    struct Finder(bool, swc_core::common::SyntaxContext);
    impl Visit for Finder {
        fn visit_ident(&mut self, ident: &Ident) {
            self.0 |= &*ident.sym == "Object" && ident.ctxt != self.1;
        }
    }
    let mut finder = Finder(false, unresolved);
    body.visit_with(&mut finder);
    finder.0
}

/// Finds the expression statement `module.exports = …;` whose assignment starts at `start`, and reads its site.
struct StatementFinder<'s, 'a> {
    script: &'s crate::parse::ResolvedScript<'a>,
    start: usize,
    found: Option<Result<MergeSite, &'static str>>,
}

impl Visit for StatementFinder<'_, '_> {
    fn visit_stmt(&mut self, statement: &Stmt) {
        if self.found.is_some() {
            return;
        }
        if let Stmt::Expr(expression) = statement {
            if let Expr::Assign(assign) = &*expression.expr {
                let left_start = self.script.offset(assign.left.span().lo);
                if assign.op == AssignOp::Assign && left_start == self.start {
                    self.found = Some(self.site(assign));
                    return;
                }
            }
        }
        statement.visit_children_with(self);
    }
}

impl StatementFinder<'_, '_> {
    fn site(&self, assign: &AssignExpr) -> Result<MergeSite, &'static str> {
        let Expr::Object(literal) = &*assign.right else {
            return Err("the new value is not an object literal");
        };
        let (keys, open) = mergeable_keys(literal)?;
        let prefix = self.start..self.script.offset(assign.right.span().lo);
        let literal_end = self.script.offset(assign.right.span().hi);
        let text = self.script.source.get(prefix.end..literal_end).unwrap_or_default();
        let writes = if text.contains("//") || text.contains("/*") || literal.props.is_empty() {
            None
        } else {
            literal.props.iter().map(|property| self.write_of(property)).collect()
        };
        Ok(MergeSite { prefix, literal_end, keys, open, writes })
    }

    /// `module.exports.k = v` for one property of the literal, when it is a plain one of the kind [`MergeSite::writes`]
    /// allows.
    fn write_of(&self, property: &PropOrSpread) -> Option<String> {
        let text = |span: swc_core::common::Span| {
            self.script.source.get(self.script.offset(span.lo)..self.script.offset(span.hi))
        };
        let PropOrSpread::Prop(property) = property else {
            return None;
        };
        let (key, value) = match &**property {
            Prop::Shorthand(ident) => (format!(".{}", ident.sym), ident.sym.to_string()),
            Prop::KeyValue(pair) => {
                let key = match &pair.key {
                    PropName::Ident(name) => format!(".{}", name.sym),
                    PropName::Str(string) => format!("[{}]", text(string.span)?),
                    PropName::Num(number) => format!("[{}]", text(number.span)?),
                    _ => return None,
                };
                let simple = match &*pair.value {
                    Expr::Ident(_) | Expr::Lit(_) => true,
                    Expr::Fn(function) => function.ident.is_some(),
                    Expr::Class(class) => class.ident.is_some(),
                    _ => false,
                };
                (key, text(pair.value.span()).filter(|_| simple)?.to_owned())
            }
            _ => return None,
        };
        Some(format!("module.exports{key} = {value}"))
    }
}

/// Whether a `super` appears anywhere inside (an arrow's `super` is its method's).
struct SuperFinder(bool);

impl Visit for SuperFinder {
    fn visit_super(&mut self, _: &Super) {
        self.0 = true;
    }
}

/// A write through `exports` that can be moved after the reassignment: `exports.k = v;`, a statement of the module
/// body, whose value reads nothing the code in between could change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MovableWrite {
    /// The statement, with its line when it stands alone on it.
    pub statement: Range<usize>,
    /// The write as it will read after the reassignment: `module.exports.k = v;`.
    pub moved: String,
}

impl ExportModel<'_> {
    /// The module body's assignment statements as writes that can move (or why not), by where the assignment
    /// starts: one pass over the body for all of a file's lost writes.
    pub fn movable_writes(&self) -> std::collections::HashMap<usize, Result<MovableWrite, &'static str>> {
        let body = &self.script.script.body;
        let constants = top_level_constants(body);
        let mut writes = std::collections::HashMap::new();
        for statement in body {
            let Stmt::Expr(expression) = statement else { continue };
            let Expr::Assign(assign) = &*expression.expr else { continue };
            let start = self.script.offset(assign.span.lo);
            writes.insert(start, self.movable_write(statement, assign, start, &constants));
        }
        writes
    }

    fn movable_write(
        &self,
        statement: &Stmt,
        assign: &AssignExpr,
        start: usize,
        constants: &std::collections::HashSet<(swc_core::ecma::atoms::Atom, swc_core::common::SyntaxContext)>,
    ) -> Result<MovableWrite, &'static str> {
        let pure = match &*assign.right {
            Expr::Lit(_) | Expr::Fn(_) | Expr::Arrow(_) | Expr::Class(_) => true,
            Expr::Ident(ident) => constants.contains(&(ident.sym.clone(), ident.ctxt)),
            _ => false,
        };
        if assign.op != AssignOp::Assign || !pure {
            return Err("its value may read what the code before the reassignment changes");
        }
        let source = self.script.source;
        let text = source.get(start..self.script.offset(assign.span.hi)).ok_or("not in the text")?;
        let range = self.script.offset(statement.span().lo)..self.script.offset(statement.span().hi);
        // Taking the statement out must not join its neighbours (`a = b` + `(f)()` becomes a call).
        let next = source.get(range.end..).unwrap_or_default().trim_start().chars().next();
        let first = source.get(..range.start).unwrap_or_default().trim().is_empty();
        if !first && continues_a_statement(next) {
            return Err("taking it out would join the statements around it");
        }
        Ok(MovableWrite { statement: whole_line(source, range), moved: format!("module.{text};") })
    }

    /// Where the module-body statement whose expression starts at `start` ends.
    pub fn top_level_statement_end(&self, start: usize) -> Option<usize> {
        self.script.script.body.iter().find_map(|statement| match statement {
            Stmt::Expr(expression) if self.script.offset(expression.expr.span().lo) == start => {
                Some(self.script.offset(statement.span().hi))
            }
            _ => None,
        })
    }
}

/// The names the module body binds for good: function and class declarations, `const`.
fn top_level_constants(
    body: &[Stmt],
) -> std::collections::HashSet<(swc_core::ecma::atoms::Atom, swc_core::common::SyntaxContext)> {
    let mut names = std::collections::HashSet::new();
    for statement in body {
        match statement {
            Stmt::Decl(Decl::Fn(function)) => {
                names.insert((function.ident.sym.clone(), function.ident.ctxt));
            }
            Stmt::Decl(Decl::Class(class)) => {
                names.insert((class.ident.sym.clone(), class.ident.ctxt));
            }
            Stmt::Decl(Decl::Var(declaration)) if declaration.kind == VarDeclKind::Const => {
                for declarator in &declaration.decls {
                    if let Pat::Ident(binding) = &declarator.name {
                        names.insert((binding.id.sym.clone(), binding.id.ctxt));
                    }
                }
            }
            _ => {}
        }
    }
    names
}

/// A statement's range widened to its whole line (indentation and line break) when nothing else is on it.
fn whole_line(source: &str, range: Range<usize>) -> Range<usize> {
    let is_break = |c: char| matches!(c, '\n' | '\r' | '\u{2028}' | '\u{2029}');
    let head = source.get(..range.start).unwrap_or_default();
    let indentation = head.len() - head.trim_end_matches([' ', '\t']).len();
    let line_start = range.start - indentation;
    let at_line_start = line_start == 0 || head[..line_start].ends_with(is_break);
    let tail = source.get(range.end..).unwrap_or_default();
    let rest = tail.len() - tail.trim_start_matches([' ', '\t']).len();
    let after = &tail[rest..];
    let line_break = if after.starts_with("\r\n") {
        2
    } else {
        after.chars().next().filter(|c| is_break(*c)).map_or(0, char::len_utf8)
    };
    if at_line_start && line_break > 0 {
        line_start..range.end + rest + line_break
    } else {
        range
    }
}
