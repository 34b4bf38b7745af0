//! Calls: functions run in place, `require`, `eval`, and the `Object` methods that write through or freeze the
//! object they are given.

use swc_core::ecma::ast::*;
use swc_core::ecma::visit::VisitWith;

use super::*;
use crate::model::syntax::*;
use crate::model::value::Pair;
use crate::model::{EditForm, Usage};

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
        if let Some(method) = object_method(callee) {
            let first = call.args.first().filter(|argument| argument.spread.is_none());
            let target = first.map(|argument| &*argument.expr);
            let property = match (method, call.args.get(1)) {
                ("defineProperty", Some(key)) => string_value(&key.expr),
                _ => None,
            };
            let writes = matches!(method, "defineProperty" | "defineProperties" | "assign");
            let mut result = None;
            if let Some(target) = target {
                if writes {
                    let is_module_object =
                        self.exports_ident(target).is_some() || self.module_exports_member(target).is_some();
                    self.defines_properties |= is_module_object && method != "assign";
                    if let Some(ident) = self.exports_ident(target) {
                        result = Some(self.use_exports(ident, Usage::PropertyWrite { property }, EditForm::Prefix));
                    } else if let Some(member) = self.module_exports_member(target) {
                        result = Some(self.use_module_exports(member, Usage::PropertyWrite { property }));
                    }
                }
            }
            let skip_first = result.is_some();
            for argument in call.args.iter().skip(usize::from(skip_first)) {
                self.eval_argument(argument);
            }
            return match (method, result) {
                ("assign", Some(value)) => value,
                ("freeze" | "seal" | "preventExtensions", _) => self.created_fragile(span),
                _ => self.opaque_value(span),
            };
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

/// `Object.<method>` with a global `Object`.
pub(super) fn object_method(callee: &Expr) -> Option<&'static str> {
    let Expr::Member(member) = unparen(callee) else {
        return None;
    };
    let Expr::Ident(object) = unparen(&member.obj) else {
        return None;
    };
    if &*object.sym != "Object" {
        return None;
    }
    let MemberProp::Ident(name) = &member.prop else {
        return None;
    };
    ["defineProperty", "defineProperties", "assign", "freeze", "seal", "preventExtensions"]
        .into_iter()
        .find(|method| *method == &*name.sym)
}
