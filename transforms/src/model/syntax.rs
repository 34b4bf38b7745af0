//! Syntax facts the model's passes share: which wrappers are transparent, and what a member expression names.

use swc_core::ecma::ast::*;

/// The expression inside the wrappers that change nothing at run time: parentheses and TypeScript's type-level
/// forms (`x as T`, `x!`, `x satisfies T`, `<T>x`, `x as const`, `f<T>`). The one list of them every pass uses.
pub(super) fn unparen(expression: &Expr) -> &Expr {
    match expression {
        Expr::Paren(paren) => unparen(&paren.expr),
        Expr::TsAs(inner) => unparen(&inner.expr),
        Expr::TsNonNull(inner) => unparen(&inner.expr),
        Expr::TsSatisfies(inner) => unparen(&inner.expr),
        Expr::TsTypeAssertion(inner) => unparen(&inner.expr),
        Expr::TsConstAssertion(inner) => unparen(&inner.expr),
        Expr::TsInstantiation(inner) => unparen(&inner.expr),
        other => other,
    }
}

/// Whether the expression is one of the wrappers [`unparen`] sees through.
pub(super) fn is_transparent_wrapper(expression: &Expr) -> bool {
    !std::ptr::eq(unparen(expression), expression)
}

/// The value finally assigned by a chain of assignments: `X` in `module.exports = exports = X`.
pub(super) fn innermost_value(expression: &Expr) -> &Expr {
    match unparen(expression) {
        Expr::Assign(assign) if assign.op == AssignOp::Assign => innermost_value(&assign.right),
        other => other,
    }
}

/// The property a member expression names, when it is a fixed name: `.a`, `["a"]`, `[0]`.
pub(super) fn member_name(property: &MemberProp) -> Option<String> {
    match property {
        MemberProp::Ident(name) => Some(name.sym.to_string()),
        MemberProp::Computed(computed) => string_value(&computed.expr),
        MemberProp::PrivateName(_) => None,
    }
}

pub(super) fn string_value(expression: &Expr) -> Option<String> {
    match unparen(expression) {
        Expr::Lit(Lit::Str(string)) => string.value.as_atom().map(|atom| atom.to_string()),
        Expr::Lit(Lit::Num(number)) => Some(number.value.to_string()),
        Expr::Tpl(template) if template.exprs.is_empty() => template
            .quasis
            .first()
            .and_then(|quasi| quasi.cooked.as_ref())
            .and_then(|cooked| cooked.as_atom())
            .map(|atom| atom.to_string()),
        _ => None,
    }
}

/// Whether a statement starting with this character could instead continue the statement before it (no automatic
/// semicolon is inserted before these).
pub(super) fn continues_a_statement(next: Option<char>) -> bool {
    matches!(next, Some('(' | '[' | '`' | '+' | '-' | '/' | '<' | '*' | '%' | ',' | '.' | '?' | '=' | '!'))
}
