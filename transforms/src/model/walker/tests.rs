//! The walker's own tests: snapshots of its trace (one line per reference: usage, the object it sees in the
//! original program and in the rewrite of every `exports`, deferred or not, how its text would be edited), and the
//! complexity test: for every nesting shape, depth 40 costs a small multiple of depth 10.

use std::collections::HashMap;
use std::fmt::Write;

use super::{walk, Walked};
use crate::model::{Reference, Value};
use crate::parse::{with_script, Parsed};
use crate::text::LineIndex;
use crate::SourceType;

/// Walks `source` with every `exports` reference rewritten (the rewrite every fix is made of).
fn walked(source: &str) -> (Walked, Vec<usize>) {
    let parsed = with_script(
        source,
        SourceType::JavaScript,
        |_| true,
        |script| {
            let facts = super::Facts::of(script);
            let original = walk(script, &facts, &|_| false).expect("within budget");
            let ids: Vec<usize> = original.trace.references.iter().filter(|r| r.is_exports()).map(|r| r.id).collect();
            (walk(script, &facts, &|id| ids.contains(&id)).expect("within budget"), ids)
        },
    );
    match parsed {
        Ok(Parsed::Script(Some(walked))) => walked,
        _ => panic!("not a script: {source}"),
    }
}

/// Names values by first appearance, so that snapshots do not depend on byte offsets or hashes.
struct Names<'s> {
    lines: LineIndex<'s>,
    merged: HashMap<Value, usize>,
}

impl Names<'_> {
    fn name(&mut self, value: Value) -> String {
        let fragile = if value.is_fragile() { "!" } else { "" };
        match value {
            Value::Exact { id: 0, .. } => "initial".to_owned(),
            Value::Exact { id, .. } => {
                let (line, column) = self.lines.line_column(id as usize - 1);
                format!("new@{line}:{column}{fragile}")
            }
            Value::Merged { .. } => {
                let next = self.merged.len() + 1;
                format!("merge{}{fragile}", self.merged.entry(value).or_insert(next))
            }
        }
    }
}

fn trace(source: &str) -> String {
    let (walked, _) = walked(source);
    let lines = LineIndex::new(source);
    let mut names = Names { lines: LineIndex::new(source), merged: HashMap::new() };
    let mut out = String::new();
    for reference in &walked.trace.references {
        let Reference { target, usage, deferred, original, rewritten, edit_form, .. } = reference;
        let (line, column) = lines.line_column(reference.range.start);
        let (original, rewritten) = (names.name(*original), names.name(*rewritten));
        let deferred = if *deferred { " deferred" } else { "" };
        let _ = writeln!(out, "{line}:{column} {target:?} {usage:?} {original} -> {rewritten}{deferred} {edit_form:?}");
    }
    let end = walked.trace.end;
    let (exported, rewritten) = (names.name(end.module_exports), names.name(end.rewritten_module_exports));
    let _ = writeln!(out, "end: module.exports {exported} -> {rewritten}, opaque {}", walked.trace.opaque);
    out
}

#[test]
fn trace_of_a_lost_write() {
    insta::assert_snapshot!(trace("exports.a = 1;\nmodule.exports = function () {};\nexports.b = 2;\n"));
}

#[test]
fn trace_of_linking_idioms() {
    insta::assert_snapshot!(trace("exports = module.exports = {};\nexports.a = 1;\nmodule.exports = exports;\n"));
}

#[test]
fn trace_of_a_loop_that_assigns() {
    insta::assert_snapshot!(trace("while (more()) {\n  exports.a = 1;\n  exports = {};\n}\nexports.b = 2;\n"));
}

#[test]
fn trace_of_deferred_code_and_calls_in_place() {
    insta::assert_snapshot!(trace(
        "(function () { exports = module.exports = {}; })();\nfunction later() { exports.c = 1; }\nexports.d = later;\n"
    ));
}

#[test]
fn trace_of_functions_called_in_place_at_load() {
    insta::assert_snapshot!(trace(
        "init();\nfunction init() { exports = {}; helper(); }\nfunction helper() { exports.a = 1; }\n\
         function twice() { exports.b = 2; }\ntwice();\ntwice();\n"
    ));
}

#[test]
fn trace_of_branches_try_and_switch() {
    insta::assert_snapshot!(trace(
        "if (a) module.exports = {};\ntry { exports.x = 1; } catch (e) { exports = {}; }\n\
         switch (k) { case 1: exports.y = 2; break; default: module.exports.z = 3; }\n"
    ));
}

#[test]
fn trace_of_var_exports() {
    insta::assert_snapshot!(trace("var exports = module.exports = function () {};\nexports.a = 1;\n"));
}

/// One nesting shape at a given depth, with a lost `exports` write (or an assignment) at the bottom.
fn nested(shape: &str, depth: usize, inner: &str) -> String {
    let mut open = String::from("module.exports = function () {};\n");
    let mut close = String::new();
    for level in 0..depth {
        let (o, c) = match shape {
            "while" => (format!("while (a{level}) {{"), "}".to_owned()),
            "for-in" => (format!("for (var k{level} in o) {{"), "}".to_owned()),
            "do-while" => ("do {".to_owned(), format!("}} while (a{level});")),
            "labelled" => (format!("l{level}: for (;;) {{ if (x) continue l{level};"), format!("break l{level}; }}")),
            "try" => (format!("while (a{level}) {{ try {{"), "} catch (e) {} }".to_owned()),
            "switch" => (format!("while (a{level}) {{ switch (x) {{ case {level}:"), "} }".to_owned()),
            "closure" => (format!("while (a{level}) {{ (function () {{"), "})(); }".to_owned()),
            "callback" => (format!("while (a{level}) {{ f(function () {{"), "}); }".to_owned()),
            "if" => (format!("if (a{level}) {{"), "}".to_owned()),
            _ => unreachable!("{shape}"),
        };
        open.push_str(&o);
        open.push('\n');
        close = format!("{c}\n{close}");
    }
    format!("{open}{inner}\n{close}")
}

fn else_if_chain(branches: usize) -> String {
    let mut source = String::from("module.exports = function () {};\n");
    for branch in 0..branches {
        let keyword = if branch == 0 { "if" } else { "else if" };
        let _ = writeln!(source, "{keyword} (x === {branch}) {{ exports.x{branch} = {branch}; }}");
    }
    source
}

fn work(source: &str) -> usize {
    walked(source).0.work
}

/// Work grows with the input, never with 2^depth: 4 times the depth costs at most 5 times the work.
#[test]
fn walk_cost_is_linear_in_every_nesting_shape() {
    on_deep_stack(walk_cost_is_linear);
}

fn walk_cost_is_linear() {
    let shapes = ["while", "for-in", "do-while", "labelled", "try", "switch", "closure", "callback", "if"];
    for inner in ["exports.a = 1;", "exports = {};", "module.exports = {}; exports.b = 2;"] {
        for shape in shapes {
            let (shallow, deep) = (work(&nested(shape, 10, inner)), work(&nested(shape, 40, inner)));
            assert!(deep <= 5 * shallow, "{shape} with `{inner}`: depth 10 costs {shallow}, depth 40 costs {deep}");
        }
    }
    let (short, long) = (work(&else_if_chain(500)), work(&else_if_chain(2000)));
    assert!(long <= 5 * short, "else-if chain: 500 branches cost {short}, 2000 cost {long}");
    for calls in 1..=2 {
        let (shallow, deep) = (work(&call_chain(10, calls)), work(&call_chain(40, calls)));
        assert!(deep <= 5 * shallow, "{calls} call(s) per function: 10 functions cost {shallow}, 40 cost {deep}");
    }
}

/// Functions declared in the module, each calling the next `calls` times; the module calls the first.
fn call_chain(functions: usize, calls: usize) -> String {
    let mut source = String::from("module.exports = function () {};\n");
    for index in 0..functions {
        let next = format!("f{}();", index + 1).repeat(calls);
        let _ = writeln!(source, "function f{index}() {{ exports.a{index} = {index}; {next} }}");
    }
    let _ = writeln!(source, "function f{functions}() {{}}\nf0();");
    source
}

/// A walk past its budget is an error naming where the work ran out, not a partial answer.
#[test]
fn a_walk_over_budget_is_an_error() {
    let source = "exports.a = 1;\nexports.b = 2;\nexports.c = 3;\n";
    let parsed = with_script(
        source,
        SourceType::JavaScript,
        |_| true,
        |script| {
            let run = |budget| {
                let facts = super::Facts {
                    assigning_loops: Default::default(),
                    bindings: Default::default(),
                    in_place: Default::default(),
                    block_functions: false,
                    budget,
                };
                super::Walker::run(script, &|_| false, false, &facts).map(|outcome| outcome.walked.work)
            };
            let spent = run(usize::MAX).unwrap_or_default();
            (spent, run(spent).is_ok(), run(spent - 1).err())
        },
    );
    let Ok(Parsed::Script(Some((spent, within, over)))) = parsed else { panic!("not a script") };
    assert!(spent > 3 && within, "{spent}");
    // The last unit of work is the last value evaluated: the `3` of `exports.c = 3`.
    assert_eq!(over, source.rfind('3'));
}

/// The walks run on a deep stack, as the CLI runs them (the nesting tests recurse deeply in a debug build).
fn on_deep_stack(test: impl FnOnce() + Send + 'static) {
    let thread = std::thread::Builder::new().stack_size(256 << 20).spawn(test).expect("a thread");
    thread.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic));
}
