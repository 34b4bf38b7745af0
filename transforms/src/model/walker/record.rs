//! Recording references: what each use of `exports` or `module.exports` evaluates to in both programs.

use swc_core::ecma::ast::*;

use super::*;
use crate::model::value::Pair;
use crate::model::{EditForm, Reference, Target, Usage};

impl Walker<'_> {
    pub(super) fn push_reference(&mut self, mut reference: Reference) {
        if self.with_depth > 0 {
            // Inside `with (o)`, `exports` may be `o.exports`: nothing about it can be known.
            self.dynamic_scope = true;
        }
        if self.recording {
            reference.runs_from = self.runs_from.filter(|_| reference.deferred);
            reference.reachable = reference.deferred || self.state.reachable;
            // Only a `return` in the module body itself (the first frame) ends the module.
            reference.module_returns_before = match self.exits.as_slice() {
                [module] => module.len(),
                [module, ..] => module.len(),
                [] => 0,
            };
            self.references.push(reference);
        }
    }

    /// Records a use of `exports` that does not assign it, and returns what it evaluates to in both programs.
    pub(super) fn use_exports(&mut self, ident: &Ident, usage: Usage, edit_form: EditForm) -> Pair {
        let edit_form = self.unless_module_shadowed(edit_form);
        let range = self.ident_range(ident);
        let id = range.start;
        let rewritten = if self.rewritten(id) && usage != Usage::Typeof {
            self.state.rewritten_module_exports
        } else {
            self.state.rewritten_exports
        };
        if usage == Usage::Escape {
            self.escapes = true;
        }
        let original = self.state.exports;
        self.push_reference(Reference {
            id,
            target: Target::Exports,
            usage,
            range,
            deferred: self.deferred(),
            original,
            rewritten,
            assignment: None,
            module_returns_before: 0,
            runs_from: None,
            reachable: true,
            edit_form,
        });
        Pair { original, rewritten }
    }

    pub(super) fn use_module_exports(&mut self, member: &MemberExpr, usage: Usage) -> Pair {
        if usage == Usage::Escape {
            self.escapes = true;
        }
        if let MemberProp::Computed(computed) = &member.prop {
            self.eval(&computed.expr);
        }
        let range = self.module_exports_range(member);
        let original = self.state.module_exports;
        let rewritten = self.state.rewritten_module_exports;
        self.push_reference(Reference {
            id: range.start,
            target: Target::ModuleExports,
            usage,
            range,
            deferred: self.deferred(),
            original,
            rewritten,
            assignment: None,
            module_returns_before: 0,
            runs_from: None,
            reachable: true,
            edit_form: EditForm::Impossible,
        });
        Pair { original, rewritten }
    }
}
