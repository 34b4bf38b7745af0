//! Calls: functions run in place, `require`, `eval`, and the `Object` methods that write through or freeze the
//! object they are given.

use swc_core::ecma::ast::*;
use swc_core::ecma::visit::VisitWith;

use super::*;
use crate::model::kinds::plain_keys;
use crate::model::syntax::*;
use crate::model::value::Pair;
use crate::model::{EditForm, Usage, WriteCall};

impl Walker<'_> {
    pub(super) fn eval_call(&mut self, call: &CallExpr) -> Pair {
        let span = call.span;
        self.note_agreement();
        if self.walk_immediate_call(call) || self.walk_declared_call(call) {
            return self.opaque_value(span);
        }
        let Callee::Expr(callee) = &call.callee else {
            call.visit_children_with(self);
            return self.opaque_value(span);
        };
        if let Some(method) = object_method(callee, self.script.unresolved) {
            return self.eval_object_call(method, call);
        }
        if matches!(unparen(callee), Expr::Ident(ident) if self.is_free(ident, "require")) {
            for argument in &call.args {
                self.eval_argument(argument);
            }
            return self.created(span);
        }
        if matches!(unparen(callee), Expr::Ident(ident) if self.is_free(ident, "eval")) {
            self.dynamic_scope = true;
        }
        self.eval_callee(callee);
        for argument in &call.args {
            self.eval_argument(argument);
        }
        self.opaque_value(span)
    }
}

impl Walker<'_> {
    /// `Object.defineProperty`, `defineProperties` and `assign` write through their first argument; `freeze`,
    /// `seal` and `preventExtensions` return an object that takes no new property.
    fn eval_object_call(&mut self, method: &str, call: &CallExpr) -> Pair {
        let first = call.args.first().filter(|argument| argument.spread.is_none());
        let target = first.map(|argument| &*argument.expr);
        let property = match (method, call.args.get(1)) {
            ("defineProperty", Some(key)) if key.spread.is_none() => string_value(&key.expr),
            _ => None,
        };
        let write_call = match method {
            "defineProperty" | "defineProperties" => Some(WriteCall::Define),
            "assign" => Some(WriteCall::Assign { keys: assigned_keys(call.args.get(1..).unwrap_or_default()) }),
            _ => None,
        };
        let mut result = None;
        if let (Some(target), Some(write_call)) = (target, write_call) {
            let usage = Usage::PropertyWrite { property };
            if let Some(ident) = self.exports_ident(target) {
                self.write_calls.insert(self.ident_range(ident).start, write_call);
                result = Some(self.use_exports(ident, usage, EditForm::Prefix));
            } else if let Some(member) = self.module_exports_member(target) {
                self.write_calls.insert(self.module_exports_range(member).start, write_call);
                result = Some(self.use_module_exports(member, usage));
            }
        }
        let skip_first = result.is_some();
        for argument in call.args.iter().skip(usize::from(skip_first)) {
            self.eval_argument(argument);
        }
        let span = call.span;
        match (method, result) {
            ("assign", Some(value)) => value,
            ("freeze" | "seal" | "preventExtensions", _) => self.created_fragile(span),
            _ => self.opaque_value(span),
        }
    }
}

/// The keys `Object.assign` copies from its sources, when each is an object literal of plain keys.
fn assigned_keys(sources: &[ExprOrSpread]) -> Option<Vec<String>> {
    let mut keys = Vec::new();
    for source in sources {
        match (&source.spread, unparen(&source.expr)) {
            (None, Expr::Object(object)) => keys.extend(plain_keys(object)?),
            _ => return None,
        }
    }
    Some(keys)
}

/// `Object.<method>` with a global `Object` (not one the file declares).
pub(super) fn object_method(callee: &Expr, unresolved: swc_core::common::SyntaxContext) -> Option<&'static str> {
    let Expr::Member(member) = unparen(callee) else {
        return None;
    };
    let Expr::Ident(object) = unparen(&member.obj) else {
        return None;
    };
    if &*object.sym != "Object" || object.ctxt != unresolved {
        return None;
    }
    let MemberProp::Ident(name) = &member.prop else {
        return None;
    };
    ["defineProperty", "defineProperties", "assign", "freeze", "seal", "preventExtensions"]
        .into_iter()
        .find(|method| *method == &*name.sym)
}
