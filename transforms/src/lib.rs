//! exportfix's engine: CommonJS source text in, export-bug findings and minimal text edits out.
//!
//! This crate is pure: no file system, no printing, no global state beyond swc's per-thread `GLOBALS`, which
//! every call sets up for itself. Parsing and analysis recurse over the syntax tree, so deeply nested input needs
//! a deep stack: run calls on threads with large stacks (the CLI uses 256 MB).

mod apply;
mod budget;
mod diagnostic;
mod meta;
mod model;
mod parse;
pub mod prefilter;
mod rules;
mod source_type;
mod text;

pub use apply::{fix, merge_edits, FixError, FixOutcome};
pub use budget::TooComplex;
pub use diagnostic::{Applicability, Edit, Finding, Fix, RuleId};
pub use meta::{Level, RuleMeta, README_URL};
pub use parse::{AnalysisError, SyntaxError};
pub use source_type::{Exclusion, FileClass, SourceType};
pub use text::LineIndex;

/// Which style rules run besides the bug rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Style {
    /// Report only files that mix `exports` and `module.exports` (`mixed-exports`).
    #[default]
    Mixed,
    /// Also report files that consistently use `exports.x` (`prefer-module-exports`).
    ModuleExports,
}

/// What the caller chooses about an analysis.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Settings {
    pub style: Style,
}

/// The result of analysing one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Analysis {
    /// The file is an ES module (it has `import`/`export` declarations): CommonJS rules do not apply.
    EsModule,
    /// A CommonJS script, with its findings in source order.
    CommonJs(Vec<Finding>),
}

impl Analysis {
    pub fn findings(&self) -> &[Finding] {
        match self {
            Analysis::EsModule => &[],
            Analysis::CommonJs(findings) => findings,
        }
    }
}

/// For the soundness tests: whether the cheap check before resolution ([`model::may_use_exports_unresolved`]) keeps
/// the text whenever the resolved one would. `None` when the text is not a CommonJS script.
#[doc(hidden)]
pub fn resolution_gate_is_sound_on(source: &str, source_type: SourceType) -> Option<bool> {
    model::answers_before_and_after_resolution(source, source_type).map(|(before, after)| before || !after)
}

/// Only parses one file's text: whether it is a CommonJS script (reported with no findings) or an ES module. For
/// a file the [`prefilter`] proved finding-free, this is what remains of [`analyze`] when its syntax errors are
/// asked for (the CLI's `--check-syntax`).
pub fn check_syntax(source: &str, source_type: SourceType) -> Result<Analysis, SyntaxError> {
    Ok(match parse::syntax_only(source, source_type)? {
        parse::Parsed::EsModule => Analysis::EsModule,
        parse::Parsed::Script(()) => Analysis::CommonJs(Vec::new()),
    })
}

/// Analyses one file's text. Fails when the text is not JavaScript (or TypeScript) that Node could load, or when
/// analysing it would cost more than its size allows ([`TooComplex`]).
pub fn analyze(source: &str, source_type: SourceType, settings: &Settings) -> Result<Analysis, AnalysisError> {
    let parsed = parse::with_script(source, source_type, model::may_use_exports_unresolved, |script| {
        if !model::may_use_exports(script) {
            return Ok(Vec::new());
        }
        let model = model::ExportModel::build(script)?;
        let mut findings = rules::check(&model, source, settings)?;
        if script.recoverable_errors > 0 {
            // A file Node would not load is reported, never rewritten: what it "exports" is not known.
            for finding in &mut findings {
                finding.fix = None;
            }
        }
        Ok(findings)
    })?;
    Ok(match parsed {
        parse::Parsed::EsModule => Analysis::EsModule,
        parse::Parsed::Script(None) => Analysis::CommonJs(Vec::new()),
        parse::Parsed::Script(Some(findings)) => Analysis::CommonJs(findings.map_err(AnalysisError::TooComplex)?),
    })
}
