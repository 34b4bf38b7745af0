//! The last line of defence against inputs whose analysis would cost far more than their size. Every pass of the
//! engine is linear in the tree it walks, but swc's resolver is quadratic in how deeply statement lists nest (it
//! re-walks every nested list to hoist declarations), and a bug could make a walk blow up again. A file over its
//! budget is reported as an error that names where the cost ran out: never a hang, never a partial fix.

use std::fmt;

use swc_core::ecma::ast::{ArrowExpr, Function, Script, Stmt};
use swc_core::ecma::visit::{Visit, VisitWith};

use crate::text::LineIndex;

/// The file would cost more to analyse than its size allows. Line and column follow [`LineIndex`]'s convention.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TooComplex {
    /// What made it too costly.
    pub message: String,
    /// Where the cost ran out, as a byte offset in the original text.
    pub offset: usize,
    pub line: usize,
    pub column: usize,
}

impl TooComplex {
    pub(crate) fn at(source: &str, offset: usize, message: &str) -> TooComplex {
        let offset = offset.min(source.len());
        let (line, column) = LineIndex::new(source).line_column(offset);
        TooComplex { message: message.to_owned(), offset, line, column }
    }
}

impl fmt::Display for TooComplex {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "too complex to analyse at {}:{}: {}", self.line, self.column, self.message)
    }
}

impl std::error::Error for TooComplex {}

/// Work units (statements and expressions walked) one walk of the model may spend. A linear walk spends at most
/// a few per byte: loops that assign are walked twice, and up to three of them nested (see the walker), so eight
/// walks of the deepest code; the rest is margin.
pub fn walk_budget(source_len: usize) -> usize {
    WORK_PER_BYTE.saturating_mul(source_len).saturating_add(WORK_FLOOR)
}

const WORK_PER_BYTE: usize = 32;
const WORK_FLOOR: usize = 1_000_000;

/// What swc's resolver will spend hoisting declarations: for every statement, the number of statement lists
/// around it in its function, each of which the resolver's hoister walks through. `Err` with the offset of the
/// statement where it passes the budget (proportional to the source's size).
pub fn check_resolver_cost(script: &Script, source_len: usize) -> Result<(), u32> {
    let mut counter = ResolverCost { depth: 0, cost: 0, budget: walk_budget(source_len), over_at: None };
    script.body.visit_with(&mut counter);
    counter.over_at.map_or(Ok(()), Err)
}

struct ResolverCost {
    /// Statement lists enclosing the current statement, in its function.
    depth: usize,
    cost: usize,
    budget: usize,
    over_at: Option<u32>,
}

impl ResolverCost {
    fn in_function(&mut self, visit: impl FnOnce(&mut Self)) {
        let outer = std::mem::replace(&mut self.depth, 0);
        visit(self);
        self.depth = outer;
    }
}

impl Visit for ResolverCost {
    fn visit_stmts(&mut self, statements: &[Stmt]) {
        if self.over_at.is_some() {
            return;
        }
        self.depth += 1;
        for statement in statements {
            self.cost = self.cost.saturating_add(self.depth);
            if self.cost > self.budget {
                self.over_at = Some(swc_core::common::Spanned::span(statement).lo.0);
                break;
            }
            statement.visit_with(self);
        }
        self.depth -= 1;
    }

    fn visit_function(&mut self, function: &Function) {
        self.in_function(|counter| function.visit_children_with(counter));
    }

    fn visit_arrow_expr(&mut self, arrow: &ArrowExpr) {
        self.in_function(|counter| arrow.visit_children_with(counter));
    }
}
