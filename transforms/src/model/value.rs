//! Abstract objects: which object `exports` and `module.exports` point at, as far as the code shows.

/// An object the module's bindings may point at.
///
/// Two equal values are the same object for sure. `Exact` values are distinct objects from each other (each is
/// created at one place in the code); a `Merged` value stands for "one of several objects", made where two control
/// flow paths meet with different objects. It is the same as another value only if it is that very merge, and it
/// differs from another only when none of its possible objects can be the other's.
///
/// A value is `fragile` when it may be a primitive or a frozen object: writing a property to it is silently
/// dropped, or throws in strict mode. A merged value is fragile when any of its objects is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Value {
    Exact { id: u32, fragile: bool },
    Merged { hash: u64, fragile: bool, possible: Possible },
}

/// The exact objects a merged value may be, when there are few enough to list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Possible {
    ids: [u32; MAX_POSSIBLE],
    /// How many of `ids` are used; `None` when the value may be anything.
    len: Option<u8>,
}

const MAX_POSSIBLE: usize = 6;

impl Possible {
    const ANY: Possible = Possible { ids: [0; MAX_POSSIBLE], len: None };

    fn of(value: Value) -> Possible {
        match value {
            Value::Exact { id, .. } => {
                let mut ids = [0; MAX_POSSIBLE];
                ids[0] = id;
                Possible { ids, len: Some(1) }
            }
            Value::Merged { possible, .. } => possible,
        }
    }

    fn ids(&self) -> Option<&[u32]> {
        self.len.map(|len| &self.ids[..usize::from(len)])
    }

    fn union(self, other: Possible) -> Possible {
        let (Some(a), Some(b)) = (self.ids(), other.ids()) else {
            return Possible::ANY;
        };
        let mut ids = [0; MAX_POSSIBLE];
        let mut len = 0;
        for &id in a.iter().chain(b) {
            if ids[..len].contains(&id) {
                continue;
            }
            if len == MAX_POSSIBLE {
                return Possible::ANY;
            }
            ids[len] = id;
            len += 1;
        }
        ids[..len].sort_unstable();
        Possible { ids, len: u8::try_from(len).ok() }
    }

    fn disjoint(self, other: Possible) -> bool {
        match (self.ids(), other.ids()) {
            (Some(a), Some(b)) => a.iter().all(|id| !b.contains(id)),
            _ => false,
        }
    }
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
        let hash = (u64::from(site) << 32 | u64::from(which)).wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
        Value::Merged { hash, fragile: true, possible: Possible::ANY }
    }

    pub fn same_as(self, other: Value) -> bool {
        self == other
    }

    pub fn differs_from(self, other: Value) -> bool {
        self != other && Possible::of(self).disjoint(Possible::of(other))
    }

    /// The exact objects this value may be, when they can be listed.
    pub fn possible_ids(self) -> Option<Vec<u32>> {
        Possible::of(self).ids().map(<[u32]>::to_vec)
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
        Value::Merged {
            hash: mixed | 1,
            fragile: self.is_fragile() || other.is_fragile(),
            possible: Possible::of(self).union(Possible::of(other)),
        }
    }

    fn key(self) -> u64 {
        match self {
            Value::Exact { id, fragile } => (u64::from(id) << 2) | (u64::from(fragile) << 1),
            Value::Merged { hash, .. } => hash,
        }
    }
}

/// What one expression evaluates to in the original program and in the candidate rewrite of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pair {
    pub original: Value,
    pub rewritten: Value,
}

impl Pair {
    /// The same object in both programs.
    pub fn same(value: Value) -> Pair {
        Pair { original: value, rewritten: value }
    }

    /// Where two paths meet, in both programs alike.
    pub fn join(self, other: Pair, site: u32) -> Pair {
        Pair {
            original: self.original.join(other.original, site),
            rewritten: self.rewritten.join(other.rewritten, site),
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

    #[test]
    fn a_merge_differs_only_from_what_it_cannot_be() {
        let (a, b, c) = (Value::created_at(5), Value::created_at(9), Value::created_at(13));
        let either = a.join(b, 1);
        assert!(either.differs_from(c) && c.differs_from(either));
        assert!(!either.differs_from(a) && !either.differs_from(a.join(c, 2)));
        assert!(!Value::unknown_at(3, 0).differs_from(c));
        let many = (1..=10).map(|site| Value::created_at(site * 4)).fold(a, |joined, next| joined.join(next, 7));
        assert!(!many.differs_from(c), "too many possibilities to list is anything");
    }
}
