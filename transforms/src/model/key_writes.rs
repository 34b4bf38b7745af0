//! Which property keys the file writes or defines, through any name.
//!
//! `Object.defineProperty` makes a property read-only unless its descriptor says otherwise (and an accessor without
//! a setter takes no write at all): a later write of that key throws in strict mode (`Object.assign` throws in any
//! mode), and defining it again throws. A repair that moves a definition and another write of the same key onto
//! one object may therefore make the module throw. Aliases of the exported object (`this` in its methods, its own
//! name, a variable holding it) are invisible to the export model, so the question is answered for every object
//! in the file: a definition is safe to move only when nothing else in the file writes its key, and a write only
//! when nothing in the file defines it.

use std::collections::HashMap;

use swc_core::ecma::ast::*;
use swc_core::ecma::visit::{Visit, VisitWith};

use super::kinds::plain_keys;
use super::syntax::{member_name, string_value, unparen};

/// What the file writes, by key, on any object.
#[derive(Debug, Default, Clone)]
pub struct KeyWrites {
    /// How many places write each key: assignments, updates, deletes, definitions, `Object.assign` sources.
    writes: HashMap<String, usize>,
    /// How many places define each key with `Object.defineProperty` or `__defineGetter__`/`__defineSetter__`.
    definitions: HashMap<String, usize>,
    /// Some write's key is not known (a computed member, `Object.assign` from a value, `Object.defineProperties`).
    unknown_write: bool,
    /// Some definition's key is not known.
    unknown_definition: bool,
}

impl KeyWrites {
    pub fn of(body: &[Stmt]) -> KeyWrites {
        let mut scan = KeyWrites::default();
        body.visit_with(&mut scan);
        scan
    }

    /// Why moving one write of `key` (`None`: a key not known) onto another object may make it collide with a
    /// definition, or a definition (`defines`) with another write; `None` when it cannot.
    pub fn collision(&self, key: Option<&str>, defines: bool) -> Option<String> {
        if !self.defines_any() {
            return None;
        }
        let Some(key) = key else {
            return Some(
                "a property is defined with `Object.defineProperty` in this file, and this key is not known".into(),
            );
        };
        if defines {
            let written = self.writes.get(key).copied().unwrap_or(0);
            if written > 1 {
                return Some(format!(
                    "`{key}` is defined with `Object.defineProperty` and written elsewhere in this file: \
                     once both land on one object, the write may throw"
                ));
            }
            if self.unknown_write {
                return Some(format!(
                    "`{key}` is defined with `Object.defineProperty`, and this file writes keys it does not name"
                ));
            }
            None
        } else if self.definitions.contains_key(key) {
            Some(format!(
                "`{key}` is also defined with `Object.defineProperty` in this file: a write onto the defined \
                 property may throw"
            ))
        } else if self.unknown_definition {
            Some("this file defines properties whose keys are not known: a write onto one may throw".into())
        } else {
            None
        }
    }

    /// Whether the file defines any property with `Object.defineProperty` and the like: on the export, that may
    /// be a getter.
    pub fn defines_any(&self) -> bool {
        self.unknown_definition || !self.definitions.is_empty()
    }

    fn write(&mut self, key: Option<String>) {
        match key {
            Some(key) => *self.writes.entry(key).or_default() += 1,
            None => self.unknown_write = true,
        }
    }

    fn define(&mut self, key: Option<String>) {
        match &key {
            Some(key) => *self.definitions.entry(key.clone()).or_default() += 1,
            None => self.unknown_definition = true,
        }
        self.write(key);
    }

    fn member_target(&mut self, expression: &Expr) {
        match unparen(expression) {
            Expr::Member(member) if !matches!(member.prop, MemberProp::PrivateName(_)) => {
                self.write(member_name(&member.prop));
            }
            Expr::SuperProp(member) => self.write(super_key(&member.prop)),
            _ => {}
        }
    }

    /// `Object.defineProperty(o, k, d)`, `Object.assign(o, …)` and their kin: what they write.
    fn call(&mut self, call: &CallExpr) {
        let Callee::Expr(callee) = &call.callee else {
            return;
        };
        let Expr::Member(member) = unparen(callee) else {
            return;
        };
        let Some(method) = member_name(&member.prop) else {
            return;
        };
        let object = match unparen(&member.obj) {
            Expr::Ident(ident) => Some(&*ident.sym),
            _ => None,
        };
        let key = || call.args.get(1).filter(|argument| argument.spread.is_none()).and_then(|a| string_value(&a.expr));
        match (object, method.as_str()) {
            (Some("Object" | "Reflect"), "defineProperty") => self.define(key()),
            (Some("Object"), "defineProperties") => self.define(None),
            (Some("Reflect"), "set" | "deleteProperty") => self.write(key()),
            (Some("Object"), "assign") => {
                for source in call.args.iter().skip(1) {
                    let keys = match (&source.spread, unparen(&source.expr)) {
                        (None, Expr::Object(object)) => plain_keys(object),
                        _ => None,
                    };
                    match keys {
                        Some(keys) => keys.into_iter().for_each(|key| self.write(Some(key))),
                        None => self.write(None),
                    }
                }
            }
            (_, "__defineGetter__" | "__defineSetter__") => {
                let key = call.args.first().filter(|a| a.spread.is_none()).and_then(|a| string_value(&a.expr));
                self.define(key);
            }
            _ => {}
        }
    }
}

fn super_key(property: &SuperProp) -> Option<String> {
    match property {
        SuperProp::Ident(name) => Some(name.sym.to_string()),
        SuperProp::Computed(computed) => string_value(&computed.expr),
    }
}

impl Visit for KeyWrites {
    fn visit_simple_assign_target(&mut self, target: &SimpleAssignTarget) {
        match target {
            SimpleAssignTarget::Member(member) if !matches!(member.prop, MemberProp::PrivateName(_)) => {
                self.write(member_name(&member.prop));
            }
            SimpleAssignTarget::SuperProp(member) => self.write(super_key(&member.prop)),
            SimpleAssignTarget::Paren(ParenExpr { expr, .. })
            | SimpleAssignTarget::TsAs(TsAsExpr { expr, .. })
            | SimpleAssignTarget::TsSatisfies(TsSatisfiesExpr { expr, .. })
            | SimpleAssignTarget::TsNonNull(TsNonNullExpr { expr, .. })
            | SimpleAssignTarget::TsTypeAssertion(TsTypeAssertion { expr, .. }) => self.member_target(expr),
            _ => {}
        }
        target.visit_children_with(self);
    }

    fn visit_pat(&mut self, pattern: &Pat) {
        if let Pat::Expr(expression) = pattern {
            self.member_target(expression);
        }
        pattern.visit_children_with(self);
    }

    fn visit_update_expr(&mut self, update: &UpdateExpr) {
        self.member_target(&update.arg);
        update.visit_children_with(self);
    }

    fn visit_unary_expr(&mut self, unary: &UnaryExpr) {
        if unary.op == UnaryOp::Delete {
            self.member_target(&unary.arg);
        }
        unary.visit_children_with(self);
    }

    fn visit_call_expr(&mut self, call: &CallExpr) {
        self.call(call);
        call.visit_children_with(self);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::{with_script, Parsed};
    use crate::SourceType;

    fn scan(source: &str) -> KeyWrites {
        match with_script(source, SourceType::JavaScript, |_| true, |script| KeyWrites::of(&script.script.body)) {
            Ok(Parsed::Script(Some(scan))) => scan,
            _ => panic!("not a script: {source}"),
        }
    }

    #[test]
    fn every_way_of_writing_a_key_counts() {
        let writes = scan(
            "Object.defineProperty(exports, 'v', { value: 1 });\nthis.a = 1;\nself.b += 1;\nc.c++;\ndelete d.d;\n\
             ({ x: e.e } = {});\nObject.assign(f, { g: 1, h() {} });\nclass K { static m() { super.s = 1; } }\n",
        );
        for key in ["v", "a", "b", "c", "d", "e", "g", "h", "s"] {
            assert_eq!(writes.writes.get(key), Some(&1), "{key}: {writes:?}");
        }
        assert!(!writes.unknown_write && !writes.unknown_definition, "{writes:?}");
        assert_eq!(writes.collision(Some("v"), true), None);
        assert!(writes.collision(Some("v"), false).is_some());
        assert_eq!(writes.collision(Some("w"), false), None);
    }

    #[test]
    fn keys_not_named_make_definitions_collide() {
        assert!(scan("Object.defineProperty(exports, 'v', {});\ncache[key] = 1;\n")
            .collision(Some("v"), true)
            .is_some());
        assert!(scan("Object.defineProperty(exports, 'v', {});\nObject.assign(o, src);\n")
            .collision(Some("v"), true)
            .is_some());
        assert!(scan("Object.defineProperties(o, d);\n").collision(Some("w"), false).is_some());
        assert!(scan("o.__defineGetter__('w', f);\n").collision(Some("w"), false).is_some());
        // Without a definition, writes do not collide: every one of them lands on a writable property.
        assert_eq!(scan("cache[key] = 1;\n").collision(None, false), None);
    }
}
