//! Abstract objects: which object `exports` and `module.exports` point at, as far as the code shows.

/// An object the module's bindings may point at.
///
/// Two equal values are the same object for sure. `Exact` values are distinct objects from each other (each is
/// created at one place in the code); a `Merged` value stands for "one of several objects", made where two control
/// flow paths meet with different objects, so it is never known to differ from anything.
///
/// A value is `fragile` when it may be a primitive or a frozen object: writing a property to it is silently
/// dropped, or throws in strict mode. A merged value is fragile when any of its objects is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Value {
    Exact { id: u32, fragile: bool },
    Merged { hash: u64, fragile: bool },
}

/// The object `module.exports` and `exports` both start as.
pub const INITIAL: Value = Value::Exact { id: 0, fragile: false };

impl Value {
    /// A new object created by the expression starting at `site` (a byte offset + 1, so never 0).
    pub fn created_at(site: u32) -> Value {
        Value::Exact { id: site, fragile: false }
    }

    /// A value created at `site` that cannot take properties: a primitive, or a frozen object.
    pub fn fragile_at(site: u32) -> Value {
        Value::Exact { id: site, fragile: true }
    }

    /// One of two unknown objects told apart by `which`, never known to be (or not to be) anything else.
    pub fn unknown_at(site: u32, which: u32) -> Value {
        Value::Exact { id: 0, fragile: false }.join(Value::Exact { id: u32::MAX - which, fragile: true }, site)
    }

    pub fn same_as(self, other: Value) -> bool {
        self == other
    }

    pub fn differs_from(self, other: Value) -> bool {
        matches!((self, other), (Value::Exact { id: a, .. }, Value::Exact { id: b, .. }) if a != b)
    }

    pub fn is_fragile(self) -> bool {
        match self {
            Value::Exact { fragile, .. } | Value::Merged { fragile, .. } => fragile,
        }
    }

    /// The value after two paths meet. Deterministic, so the original and the rewritten program, meeting the same
    /// values at the same place, get the same merged value.
    pub fn join(self, other: Value, site: u32) -> Value {
        if self == other {
            return self;
        }
        let (a, b) = (self.key(), other.key());
        let (low, high) = if a <= b { (a, b) } else { (b, a) };
        let mixed = low.wrapping_mul(0x9E37_79B9_7F4A_7C15).rotate_left(17)
            ^ high.wrapping_mul(0xC2B2_AE3D_27D4_EB4F)
            ^ u64::from(site).wrapping_mul(0x1656_67B1_9E37_79F9);
        Value::Merged { hash: mixed | 1, fragile: self.is_fragile() || other.is_fragile() }
    }

    fn key(self) -> u64 {
        match self {
            Value::Exact { id, fragile } => (u64::from(id) << 2) | (u64::from(fragile) << 1),
            Value::Merged { hash, .. } => hash,
        }
    }
}

/// Where the two bindings point, in the original program and in the program with the candidate rewrite applied.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct State {
    /// Whether this point of the code can run at all (false after `return` or `throw`).
    pub reachable: bool,
    pub exports: Value,
    pub module_exports: Value,
    pub rewritten_exports: Value,
    pub rewritten_module_exports: Value,
}

impl State {
    pub fn initial() -> State {
        State {
            reachable: true,
            exports: INITIAL,
            module_exports: INITIAL,
            rewritten_exports: INITIAL,
            rewritten_module_exports: INITIAL,
        }
    }

    pub fn join(self, other: State, site: u32) -> State {
        if !self.reachable {
            return other;
        }
        if !other.reachable {
            return self;
        }
        State {
            reachable: true,
            exports: self.exports.join(other.exports, site),
            module_exports: self.module_exports.join(other.module_exports, site),
            rewritten_exports: self.rewritten_exports.join(other.rewritten_exports, site),
            rewritten_module_exports: self.rewritten_module_exports.join(other.rewritten_module_exports, site),
        }
    }

    pub fn unreachable(self) -> State {
        State { reachable: false, ..self }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn join_is_deterministic_and_symmetric() {
        let a = Value::created_at(5);
        let b = Value::created_at(9);
        assert_eq!(a.join(a, 1), a);
        assert_eq!(a.join(b, 1), b.join(a, 1));
        assert_ne!(a.join(b, 1), a.join(b, 2));
        assert!(!a.join(b, 1).differs_from(a));
        assert!(a.differs_from(b));
    }
}
