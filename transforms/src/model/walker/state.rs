//! The abstract state as the walk keeps it: joining paths, the states deferred code may run in, and the
//! values of expressions the model cannot follow.

use swc_core::common::Span;
use swc_core::ecma::ast::Expr;

use super::*;
use crate::model::value::{Pair, State, Value};
use crate::model::Observed;

impl Walker<'_> {
    /// Records the current state for the agreement flags and the enclosing `try` blocks.
    pub(super) fn note_state(&mut self) {
        let state = self.state;
        if !state.reachable {
            return;
        }
        for try_state in &mut self.try_states {
            *try_state = try_state.join(state, 1);
        }
    }

    /// Records the current state for the agreement flags. Deferred code runs only when something calls it, so
    /// this is done where control can leave the walked code: at statement boundaries, calls, and the end; not in
    /// the middle of `exports = module.exports = X`, whose halves nothing can run between.
    pub(super) fn note_agreement(&mut self) {
        let state = self.state;
        if !state.reachable {
            return;
        }
        self.agreement.exports_with_rewritten_module_exports &= state.exports.same_as(state.rewritten_module_exports);
        self.agreement.exports_with_rewritten_exports &= state.exports.same_as(state.rewritten_exports);
        self.agreement.module_exports_with_rewritten &= state.module_exports.same_as(state.rewritten_module_exports);
        self.time += 1;
        let time = self.time;
        if let Some(observed) = &mut self.observed {
            match observed.iter().position(|seen| seen.state == state) {
                Some(index) => observed[index].last_seen = time,
                None if observed.len() < MAX_OBSERVED_STATES => observed.push(Observed { state, last_seen: time }),
                None => self.observed = None,
            }
        }
    }

    pub(super) fn join_into(&mut self, other: State, span: Span) {
        self.state = self.state.join(other, self.site(span));
        self.note_state();
    }

    /// A value the model cannot follow. When `exports` may have escaped, it may even be the exported object, so it
    /// is a merged value; otherwise it is a new object of its own, the same one in both programs.
    pub(super) fn opaque_value(&self, span: Span) -> Pair {
        if self.assume_escape {
            self.merged_unknown(span)
        } else {
            self.created(span)
        }
    }

    pub(super) fn created(&self, span: Span) -> Pair {
        Pair::same(Value::created_at(self.site(span).max(1)))
    }

    pub(super) fn created_fragile(&self, span: Span) -> Pair {
        Pair::same(Value::fragile_at(self.site(span).max(1)))
    }

    /// Some object or other, different in the two programs: never known to be, or not to be, anything else.
    pub(super) fn merged_unknown(&self, span: Span) -> Pair {
        let site = self.site(span);
        Pair { original: Value::unknown_at(site, 0), rewritten: Value::unknown_at(site, 1) }
    }

    /// Notes what kind of object an expression created (see [`crate::model::kinds`]).
    pub(super) fn note_kind(&mut self, expression: &Expr, value: Pair) -> Pair {
        if let (Value::Exact { id, .. }, Some(kind)) = (value.original, crate::model::kinds::of_expression(expression))
        {
            self.kinds.insert(id, kind);
        }
        value
    }
}
