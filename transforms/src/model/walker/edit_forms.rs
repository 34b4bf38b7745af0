//! How a rewrite of one reference is spelled in the text, and when no edit can spell it.

use std::ops::Range;

use swc_core::common::Span;
use swc_core::ecma::ast::*;

use super::*;
use crate::model::syntax::*;
use crate::model::{EditForm, ValueShape};

impl Walker<'_> {
    /// Where `module` is not the module's, no text edit can turn `exports` into `module.exports`.
    pub(super) fn unless_module_shadowed(&self, edit_form: EditForm) -> EditForm {
        if self.module_shadow_depth > 0 {
            EditForm::Impossible
        } else {
            edit_form
        }
    }

    /// The range of a statement or declaration in the original text, from its first word. After an HTML-like
    /// comment swc starts the span at the comment, which must not be edited with it.
    pub(super) fn anchored_range(&self, span: Span, leading: &str) -> Range<usize> {
        let range = self.range(span);
        let start = match self.source.get(range.clone()) {
            Some(text) if !text.starts_with(leading) => text.find(leading).map_or(range.start, |at| range.start + at),
            _ => range.start,
        };
        start..range.end
    }

    /// Deleting a whole statement must not glue its neighbours into one (`a = b` + `(f)()` becomes a call), so it
    /// is allowed only where the next token cannot continue a statement: even after a `;`, since the statement
    /// that ends there may be deleted too. `None` when it is not allowed: the caller keeps the statement in
    /// another form.
    pub(super) fn delete_statement(&self, statement: Option<ListStatement>, leading: &str) -> Option<EditForm> {
        let statement = statement?;
        let range = self.anchored_range(statement.span, leading);
        let source = self.source;
        let before = &source[..range.start];
        let after = &source[range.end..];
        let next = after.trim_start().chars().next();
        if continues_a_statement(next) && !before.trim().is_empty() {
            return None;
        }
        let line_start = before.rfind('\n').map_or(0, |newline| newline + 1);
        let line_end = after.find('\n').map_or(source.len(), |newline| range.end + newline + 1);
        let alone_on_line = source[line_start..range.start].trim().is_empty()
            && source[range.end..line_end].trim().is_empty()
            && !source[line_start..range.start].contains('\u{feff}');
        Some(EditForm::Delete(if alone_on_line { line_start..line_end } else { range }))
    }

    /// Deletes `exports = ` in front of a value that already is `module.exports`; only when the text is just that.
    ///
    /// Where the prefix starts a statement, what follows it must not continue the statement before
    /// (`a = b` + `(module.exports = {})` becomes a call): the deletion is allowed only after `;`, at the start of
    /// the text, or where the prefix stands inside an expression (after `=`, `(`, `,`, …).
    pub(super) fn delete_prefix(&self, range: Range<usize>, expected: &str) -> Option<EditForm> {
        let text = self.source.get(range.clone())?;
        let normalized: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
        if normalized != expected {
            return None;
        }
        let previous = self.source.get(..range.start)?.trim_end().chars().last();
        let next = self.source.get(range.end..)?.trim_start().chars().next();
        let safe_before = matches!(
            previous,
            None | Some(';' | '=' | '(' | ',' | '[' | '?' | ':' | '&' | '|' | '!' | '{' | '>' | '<' | '+' | '-')
        );
        (safe_before || !continues_a_statement(next)).then_some(EditForm::Delete(range))
    }
}

/// Whether an expression, put at the start of a statement, would be read as a block or a declaration instead.
pub(super) fn starts_a_declaration(expression: &Expr) -> bool {
    match expression {
        Expr::Object(_) | Expr::Fn(_) | Expr::Class(_) => true,
        Expr::Assign(assign) => match &assign.left {
            AssignTarget::Pat(AssignTargetPat::Object(_)) => true,
            AssignTarget::Simple(SimpleAssignTarget::Member(member)) => starts_a_declaration(&member.obj),
            _ => false,
        },
        Expr::Update(update) if !update.prefix => starts_a_declaration(&update.arg),
        Expr::Seq(sequence) => sequence.exprs.first().is_some_and(|first| starts_a_declaration(first)),
        Expr::Bin(binary) => starts_a_declaration(&binary.left),
        Expr::Cond(conditional) => starts_a_declaration(&conditional.test),
        Expr::Member(member) => starts_a_declaration(&member.obj),
        Expr::Call(call) => matches!(&call.callee, Callee::Expr(callee) if starts_a_declaration(callee)),
        Expr::TaggedTpl(tagged) => starts_a_declaration(&tagged.tag),
        _ => false,
    }
}

impl ValueShape {
    /// The shape of a value assigned to the identifier `exports`.
    pub(super) fn of_exports_value(expression: &Expr) -> ValueShape {
        ValueShape { names_function: names_function(expression), ..ValueShape::default() }
    }
}

/// Whether assigning this expression to the identifier `exports` names it "exports": an anonymous function, arrow
/// or class takes the name of the identifier it is assigned to, not of a member like `module.exports`.
pub(super) fn names_function(expression: &Expr) -> bool {
    match unparen(expression) {
        Expr::Fn(function) => function.ident.is_none(),
        Expr::Class(class) => class.ident.is_none(),
        Expr::Arrow(_) => true,
        _ => false,
    }
}
