//! What kind of object a value is, as far as its creation shows: the one fact that decides whether a write moved
//! onto it by a repair succeeds and keeps its meaning.
//!
//! A repair moves `exports.k = v` onto the object `module.exports` holds. That is safe only where the engine knows
//! the write lands as a plain data property: on an object literal without a getter, setter or value of its own for
//! `k`, on a function or class whose own `k` is not read-only (`name`, `length`, a class's `prototype`; `caller`
//! and `arguments` throw in strict code), or on the module's initial exports object. Anything else (a primitive, a
//! call's result, `require()`, `new`, a value the engine cannot follow) may be frozen, a primitive, or have an
//! accessor: the repair is unsafe, and says why.

use swc_core::ecma::ast::{ClassMember, Expr, MethodKind, ObjectLit, Prop, PropName, PropOrSpread};

use super::syntax::string_value;

/// The kind of a created object.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ObjectKind {
    /// An object literal: its data keys and its accessor keys; `open` when a spread, a computed key or
    /// `__proto__` makes its keys unknowable.
    Literal { data: Vec<String>, accessors: Vec<String>, open: bool },
    /// A function or arrow function.
    Function,
    /// A class: its static members' keys; `open` when one is computed; `accessors` when one is a getter or setter.
    Class { statics: Vec<String>, open: bool, accessors: bool },
}

impl ObjectKind {
    pub fn of_object(object: &ObjectLit) -> ObjectKind {
        let (mut data, mut accessors, mut open) = (Vec::new(), Vec::new(), false);
        for property in &object.props {
            let PropOrSpread::Prop(property) = property else {
                open = true;
                continue;
            };
            let (key, accessor) = match &**property {
                Prop::Shorthand(ident) => (Some(ident.sym.to_string()), false),
                Prop::KeyValue(pair) => (key_name(&pair.key), false),
                Prop::Method(method) => (key_name(&method.key), false),
                Prop::Getter(getter) => (key_name(&getter.key), true),
                Prop::Setter(setter) => (key_name(&setter.key), true),
                Prop::Assign(_) => (None, false),
            };
            match key {
                Some(key) if key == "__proto__" => open = true,
                Some(key) if accessor => accessors.push(key),
                Some(key) => data.push(key),
                None => open = true,
            }
        }
        ObjectKind::Literal { data, accessors, open }
    }

    pub fn of_class(class: &swc_core::ecma::ast::Class) -> ObjectKind {
        let (mut statics, mut open, mut accessors) = (Vec::new(), false, false);
        for member in &class.body {
            let key = match member {
                ClassMember::Method(method) if method.is_static => {
                    accessors |= method.kind != MethodKind::Method;
                    key_name(&method.key)
                }
                ClassMember::ClassProp(property) if property.is_static => key_name(&property.key),
                ClassMember::StaticBlock(_) => {
                    open = true;
                    continue;
                }
                _ => continue,
            };
            match key {
                Some(key) => statics.push(key),
                None => open = true,
            }
        }
        ObjectKind::Class { statics, open, accessors }
    }

    /// Whether reading some key of such an object may run code of the file's (a getter): code that then reads
    /// the export reads what a repair changed.
    pub fn may_have_accessors(&self) -> bool {
        match self {
            ObjectKind::Literal { accessors, open, .. } => *open || !accessors.is_empty(),
            ObjectKind::Function => false,
            ObjectKind::Class { open, accessors, .. } => *open || *accessors,
        }
    }

    /// `Ok` when writing `property` (`None`: a computed key) onto such an object surely lands as a plain data
    /// property that nothing else set; otherwise why not.
    pub fn accepts(&self, property: Option<&str>) -> Result<(), String> {
        let Some(key) = property else {
            return match self {
                ObjectKind::Literal { data, accessors, open: false } if data.is_empty() && accessors.is_empty() => {
                    Ok(())
                }
                _ => Err("the key is computed, and the new value may already have it or hold it read-only".into()),
            };
        };
        match self {
            ObjectKind::Literal { accessors, .. } if accessors.iter().any(|name| name == key) => {
                Err(format!("the new value has a getter or setter for `{key}`"))
            }
            ObjectKind::Literal { data, .. } if data.iter().any(|name| name == key) => {
                Err(format!("the new value already has `{key}`: the fix would change it"))
            }
            ObjectKind::Literal { open: true, .. } => Err(format!("the new value may already have `{key}`")),
            ObjectKind::Literal { .. } => Ok(()),
            ObjectKind::Function if FUNCTION_READ_ONLY.contains(&key) => {
                Err(format!("the new value is a function, whose `{key}` is read-only"))
            }
            // Writable, but its own and not enumerable: the written value would not be an exported key.
            ObjectKind::Function if key == "prototype" => {
                Err("the new value is a function, whose own `prototype` is not enumerable".into())
            }
            ObjectKind::Function => Ok(()),
            ObjectKind::Class { .. } if CLASS_READ_ONLY.contains(&key) => {
                Err(format!("the new value is a class, whose `{key}` is read-only"))
            }
            ObjectKind::Class { statics, open, .. } if *open || statics.iter().any(|name| name == key) => {
                Err(format!("the new value is a class that may already have a static `{key}`"))
            }
            ObjectKind::Class { .. } => Ok(()),
        }
    }

    /// `Ok` when `Object.defineProperty` of `key` on such an object surely succeeds and defines a property nothing
    /// else set (not a function's own `name` or `length`, which Node would let it replace); otherwise why not.
    pub fn accepts_definition(&self, key: &str) -> Result<(), String> {
        match self {
            ObjectKind::Function if FUNCTION_UNDEFINABLE.contains(&key) => {
                Err(format!("the new value is a function, whose `{key}` cannot be redefined"))
            }
            ObjectKind::Class { .. } if CLASS_UNDEFINABLE.contains(&key) => {
                Err(format!("the new value is a class, whose `{key}` cannot be redefined"))
            }
            ObjectKind::Class { statics, open, .. } if *open || statics.iter().any(|name| name == key) => {
                Err(format!("the new value is a class that may already have a static `{key}`"))
            }
            // Node lets a definition replace them, but that changes what the function already says of itself.
            ObjectKind::Function | ObjectKind::Class { .. } if ["name", "length"].contains(&key) => {
                Err(format!("the definition would replace the new value's own `{key}`"))
            }
            _ => self.accepts(Some(key)),
        }
    }
}

/// The keys an `Object.assign` source copies, when it is an object literal of plain, fixed keys only (no spread,
/// getter, setter, computed key or `__proto__`): each is then one plain write of that key.
pub fn plain_keys(object: &ObjectLit) -> Option<Vec<String>> {
    object
        .props
        .iter()
        .map(|property| {
            let PropOrSpread::Prop(property) = property else {
                return None;
            };
            let key = match &**property {
                Prop::Shorthand(ident) => Some(ident.sym.to_string()),
                Prop::KeyValue(pair) if !matches!(pair.key, PropName::Computed(_)) => key_name(&pair.key),
                Prop::Method(method) if !matches!(method.key, PropName::Computed(_)) => key_name(&method.key),
                _ => None,
            };
            key.filter(|key| key != "__proto__")
        })
        .collect()
}

/// Keys `Object.defineProperty` cannot give a function (in node: a sloppy function's own `arguments` and `caller`
/// are not configurable; its `prototype` is not configurable, so redefining it as enumerable throws). Its `name` and
/// `length` are configurable: defining them succeeds.
const FUNCTION_UNDEFINABLE: [&str; 3] = ["prototype", "arguments", "caller"];
/// A class's `prototype` is neither writable nor configurable; it has no own `arguments` or `caller`.
const CLASS_UNDEFINABLE: [&str; 1] = ["prototype"];

/// A function's own properties a write cannot change (it throws in strict mode, does nothing otherwise).
const FUNCTION_READ_ONLY: [&str; 4] = ["name", "length", "caller", "arguments"];
/// A class's: the same, and its `prototype`.
const CLASS_READ_ONLY: [&str; 5] = ["name", "length", "caller", "arguments", "prototype"];

fn key_name(key: &PropName) -> Option<String> {
    match key {
        PropName::Ident(name) => Some(name.sym.to_string()),
        PropName::Str(string) => string.value.as_atom().map(|atom| atom.to_string()),
        PropName::Num(number) => Some(number.value.to_string()),
        PropName::Computed(computed) => string_value(&computed.expr),
        PropName::BigInt(_) => None,
    }
}

/// The kind of object an expression creates, when it is one this module knows.
pub fn of_expression(expression: &Expr) -> Option<ObjectKind> {
    match expression {
        Expr::Object(object) => Some(ObjectKind::of_object(object)),
        Expr::Fn(_) | Expr::Arrow(_) => Some(ObjectKind::Function),
        Expr::Class(class) => Some(ObjectKind::of_class(&class.class)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plain_data_writes_are_accepted() {
        let literal = ObjectKind::Literal { data: vec!["a".into()], accessors: vec!["v".into()], open: false };
        assert!(literal.accepts(Some("b")).is_ok());
        assert!(literal.accepts(Some("a")).is_err() && literal.accepts(Some("v")).is_err());
        assert!(literal.accepts(None).is_err());
        assert!(ObjectKind::Function.accepts(Some("name")).is_err());
        assert!(ObjectKind::Function.accepts(Some("prototype")).is_err());
        assert!(ObjectKind::Function.accepts(Some("helper")).is_ok());
        let class = ObjectKind::Class { statics: vec!["create".into()], open: false, accessors: false };
        assert!(class.accepts(Some("prototype")).is_err() && class.accepts(Some("create")).is_err());
        assert!(class.accepts(Some("helper")).is_ok());
    }

    /// What node does with `Object.defineProperty` on each kind (checked in node 20, strict and sloppy).
    #[test]
    fn definitions_follow_what_node_allows() {
        let function = ObjectKind::Function;
        for key in ["prototype", "arguments", "caller", "name", "length"] {
            assert!(function.accepts_definition(key).is_err(), "{key}");
        }
        let class = ObjectKind::Class { statics: vec!["create".into()], open: false, accessors: false };
        assert!(class.accepts_definition("name").is_err() && class.accepts_definition("version").is_ok());
        assert!(class.accepts_definition("prototype").is_err() && class.accepts_definition("create").is_err());
        let literal = ObjectKind::Literal { data: vec!["a".into()], accessors: vec![], open: false };
        assert!(literal.accepts_definition("a").is_err() && literal.accepts_definition("name").is_ok());
    }

    #[test]
    fn only_plain_keys_are_listed() {
        let keys = |source: &str| {
            let parsed = crate::parse::with_script(
                source,
                crate::SourceType::JavaScript,
                |_| true,
                |script| {
                    let swc_core::ecma::ast::Stmt::Expr(statement) = &script.script.body[0] else { return None };
                    let Expr::Paren(paren) = &*statement.expr else { return None };
                    let Expr::Object(object) = &*paren.expr else { return None };
                    plain_keys(object)
                },
            );
            match parsed {
                Ok(crate::parse::Parsed::Script(Some(keys))) => keys,
                _ => None,
            }
        };
        assert_eq!(
            keys("({ a: 1, 'b-c': 2, d, e() {} });"),
            Some(vec!["a".into(), "b-c".into(), "d".into(), "e".into()])
        );
        for source in ["({ ...x });", "({ get a() {} });", "({ [k]: 1 });", "({ ['a']: 1 });", "({ __proto__: p });"] {
            assert_eq!(keys(source), None, "{source}");
        }
    }
}
