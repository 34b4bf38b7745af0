//! Parsing a file the way Node's CommonJS loader reads it, and resolving which identifiers are free.

use std::fmt;
use std::panic::{catch_unwind, AssertUnwindSafe};

use swc_core::common::{BytePos, Mark, Spanned, SyntaxContext, GLOBALS};
use swc_core::ecma::ast::{
    AssignExpr, AssignOp, AssignTarget, Decl, EsVersion, Expr, ExprStmt, Ident, IdentName, MemberExpr, MemberProp,
    Module, ModuleDecl, ModuleItem, Pass, Program, Script, SimpleAssignTarget, Stmt, TsModuleRef, VarDeclKind,
};
use swc_core::ecma::parser::error::SyntaxError as ParserError;
use swc_core::ecma::parser::{lexer::Lexer, EsSyntax, Parser, StringInput, Syntax, TsSyntax};
use swc_core::ecma::transforms::base::resolver;

use crate::budget::{check_resolver_cost, TooComplex};
use crate::model::scope::{bound_identifiers, drop_declare_forms};
use crate::source_type::SourceType;
use crate::text::LineIndex;

const BOM: &str = "\u{feff}";

/// The text is not a program Node could load. Line and column follow [`LineIndex`]'s convention.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    pub message: String,
    /// Byte offset in the original text.
    pub offset: usize,
    pub line: usize,
    pub column: usize,
}

impl fmt::Display for SyntaxError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "syntax error at {}:{}: {}", self.line, self.column, self.message)
    }
}

impl std::error::Error for SyntaxError {}

/// Why a text got no analysis.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AnalysisError {
    /// It is not a program Node could load.
    Syntax(SyntaxError),
    /// Analysing it would cost more than its size allows.
    TooComplex(TooComplex),
}

impl fmt::Display for AnalysisError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AnalysisError::Syntax(error) => error.fmt(f),
            AnalysisError::TooComplex(error) => error.fmt(f),
        }
    }
}

impl std::error::Error for AnalysisError {}

impl From<SyntaxError> for AnalysisError {
    fn from(error: SyntaxError) -> Self {
        AnalysisError::Syntax(error)
    }
}

/// A parsed CommonJS script with its identifiers resolved, and the map back to the original text.
pub struct ResolvedScript<'a> {
    pub script: Script,
    /// The context of identifiers that no declaration in the file binds: the module wrapper's `exports`/`module`.
    pub unresolved: SyntaxContext,
    /// The context of top-level declarations. A top-level `var exports` gets it, yet in Node's wrapper it is the
    /// wrapper's own `exports` parameter.
    pub top_level: SyntaxContext,
    pub source: &'a str,
    bom_len: usize,
    /// Errors swc recovered from. Node accepts none of them (sloppy-mode leniency is not among them): such a
    /// file does not load as it is.
    pub recoverable_errors: usize,
}

impl ResolvedScript<'_> {
    /// Byte offset in the original text of a position in the parsed text.
    pub fn offset(&self, pos: BytePos) -> usize {
        (pos.0 as usize).saturating_sub(1) + self.bom_len
    }
}

pub enum Parsed<T> {
    EsModule,
    Script(T),
}

/// Parses `source` without resolving it: whether it is a CommonJS script Node could load or an ES module.
pub fn syntax_only(source: &str, source_type: SourceType) -> Result<Parsed<()>, SyntaxError> {
    GLOBALS.set(&Default::default(), || {
        parse_located(source, source_type).map(|parsed| match parsed {
            Parsed::EsModule => Parsed::EsModule,
            Parsed::Script(_) => Parsed::Script(()),
        })
    })
}

/// Parses `source` and, for a CommonJS script, runs `analyse` on it with swc's `GLOBALS` set for this thread.
/// Resolving every identifier is a whole pass over the tree, so it runs only when `worth_resolving` says the
/// unresolved script may need it; otherwise the result is `None`. A script whose resolving would cost
/// more than its size allows (statement lists nested thousands deep) is [`AnalysisError::TooComplex`].
pub fn with_script<T>(
    source: &str,
    source_type: SourceType,
    worth_resolving: impl FnOnce(&Script) -> bool,
    analyse: impl FnOnce(&ResolvedScript<'_>) -> T,
) -> Result<Parsed<Option<T>>, AnalysisError> {
    let bom_len = bom_len(source);
    GLOBALS.set(&Default::default(), || {
        let (script, recoverable_errors) = match parse_located(source, source_type)? {
            Parsed::Script(parsed) => parsed,
            Parsed::EsModule => return Ok(Parsed::EsModule),
        };
        if !worth_resolving(&script) {
            return Ok(Parsed::Script(None));
        }
        if let Err(position) = check_resolver_cost(&script, source.len()) {
            let offset = (position as usize).saturating_sub(1) + bom_len;
            let message = "statement lists nest too deeply for the cost of resolving its names";
            return Err(AnalysisError::TooComplex(TooComplex::at(source, offset, message)));
        }
        let mut program = Program::Script(script);
        let unresolved_mark = Mark::new();
        let top_level_mark = Mark::new();
        resolver(unresolved_mark, top_level_mark, source_type.is_typescript()).process(&mut program);
        let Program::Script(script) = program else {
            return Ok(Parsed::EsModule);
        };
        let resolved = ResolvedScript {
            script,
            unresolved: SyntaxContext::empty().apply_mark(unresolved_mark),
            top_level: SyntaxContext::empty().apply_mark(top_level_mark),
            source,
            bom_len,
            recoverable_errors,
        };
        Ok(Parsed::Script(Some(analyse(&resolved))))
    })
}

fn bom_len(source: &str) -> usize {
    if source.starts_with(BOM) {
        BOM.len()
    } else {
        0
    }
}

/// Parses `source` (after its byte order mark), locating a failure in the original text. Needs swc's `GLOBALS`.
fn parse_located(source: &str, source_type: SourceType) -> Result<Parsed<(Script, usize)>, SyntaxError> {
    let bom_len = bom_len(source);
    let body = &source[bom_len..];
    if bom_len > 0 && body.starts_with("#!") {
        // Node strips a byte order mark, but a `#!` line is only allowed as the very first bytes of the file.
        let message = "Invalid or unexpected token: a `#!` line after a byte order mark".to_owned();
        return Err(SyntaxError { message, offset: bom_len, line: 1, column: 1 });
    }
    // swc's parser panics on a few malformed inputs (`<a:b.c` in the JSX fallback): that is a syntax error too.
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| parse_program(body, source_type))) {
        Ok(Ok((Parsed::Script(mut script), recoverable))) => {
            if source_type.is_typescript() {
                drop_declare_forms(&mut script);
            }
            match redeclared_wrapper_parameter(&script) {
                Some((name, position)) => {
                    let offset = (position as usize).saturating_sub(1) + bom_len;
                    let (line, column) = LineIndex::new(source).line_column(offset.min(source.len()));
                    let message =
                        format!("Identifier '{name}' has already been declared (the module wrapper's parameter)");
                    Err(SyntaxError { message, offset, line, column })
                }
                None => Ok(Parsed::Script((script, recoverable))),
            }
        }
        Ok(Ok((Parsed::EsModule, _))) => Ok(Parsed::EsModule),
        Ok(Err(failure)) => Err(locate(source, bom_len, failure)),
        Err(_) => {
            let message = "the parser failed on this text".to_string();
            Err(SyntaxError { message, offset: bom_len, line: 1, column: 1 })
        }
    }
}

/// The parameters of the function Node wraps a CommonJS file in.
const WRAPPER_PARAMETERS: [&str; 5] = ["exports", "require", "module", "__filename", "__dirname"];

/// A top-level `let`, `const` or `class` declaration of one of the wrapper's parameters: Node rejects the file
/// ("Identifier 'exports' has already been declared"), as a function body may not lexically redeclare a parameter.
/// The name and where it is declared.
fn redeclared_wrapper_parameter(script: &Script) -> Option<(&'static str, u32)> {
    script.body.iter().find_map(|statement| {
        let names: Vec<&Ident> = match statement {
            Stmt::Decl(Decl::Var(declaration)) if declaration.kind != VarDeclKind::Var => {
                declaration.decls.iter().flat_map(|declarator| bound_identifiers(&declarator.name)).collect()
            }
            Stmt::Decl(Decl::Class(class)) => vec![&class.ident],
            _ => return None,
        };
        names.into_iter().find_map(|ident| {
            let name = WRAPPER_PARAMETERS.into_iter().find(|parameter| *parameter == &*ident.sym)?;
            Some((name, ident.span.lo.0))
        })
    })
}

/// Node wraps a CommonJS file in a function, so it is a sloppy-mode script where a top-level `return` is legal.
/// Recoverable errors (strict-mode rules such as legacy octal or `with`) are not failures: Node accepts such
/// scripts; their count comes back so a fix can be refused for adding any. A file that fails as a script on a
/// top-level `import`/`export`/`import.meta` is an ES module, as Node's own module detection decides (it then never
/// reports the file as a CommonJS syntax error), and so is a file that parses as a module with such declarations.
fn parse_program(body: &str, source_type: SourceType) -> Result<(Parsed<Script>, usize), ParseFailure> {
    let script_error = match parse_script(body, syntax(source_type, false)) {
        Ok(parsed) => return Ok((Parsed::Script(parsed.0), parsed.1)),
        Err(error) => error,
    };
    if let ParseFailure::Syntax(error) = &script_error {
        if matches!(error.kind(), ParserError::ImportExportInScript | ParserError::ImportMetaInScript) {
            let commonjs = source_type.is_typescript().then(|| parse_typescript_commonjs(body, source_type));
            return Ok(match commonjs.flatten() {
                Some(script) => (Parsed::Script(script), 0),
                None => (Parsed::EsModule, 0),
            });
        }
    }
    if let Some(blanked) = blank_line_start_html_comments(body) {
        if let Ok((script, recoverable)) = parse_script(&blanked, syntax(source_type, false)) {
            return Ok((Parsed::Script(script), recoverable));
        }
    }
    if source_type == SourceType::JavaScript {
        if let Ok((script, recoverable)) = parse_script(body, syntax(source_type, true)) {
            return Ok((Parsed::Script(script), recoverable));
        }
    }
    let jsx = source_type == SourceType::JavaScript;
    for syntax in [syntax(source_type, false), syntax(source_type, jsx)] {
        let module = catch_unwind(AssertUnwindSafe(|| new_parser(body, syntax).parse_module()));
        if let Ok(Ok(module)) = module {
            if module.body.iter().any(|item| matches!(item, ModuleItem::ModuleDecl(_))) {
                return Ok((Parsed::EsModule, 0));
            }
        }
    }
    Err(script_error)
}

/// The text as TypeScript's CommonJS (see [`typescript_commonjs`]), when it parses as a module of that form.
fn parse_typescript_commonjs(body: &str, source_type: SourceType) -> Option<Script> {
    let module = catch_unwind(AssertUnwindSafe(|| new_parser(body, syntax(source_type, false)).parse_module()));
    typescript_commonjs(&module.ok()?.ok()?)
}

/// TypeScript's CommonJS forms, `import x = require('y')` and `export = value`, parse only as a module, yet the
/// file is CommonJS: the compiler emits `const x = require('y')` and `module.exports = value`. Such a file is the
/// script of its statements, with `export = value` as the `module.exports = value` it compiles to (spanning the
/// `export =` statement, so messages name its line; the walk never edits a `module.exports` reference) and
/// `import x = require('y')` left out (it binds a local that cannot be `exports`, which the walk follows no
/// further). `None` when the module has any other import or export.
fn typescript_commonjs(module: &Module) -> Option<Script> {
    let mut body = Vec::with_capacity(module.body.len());
    let mut commonjs = false;
    for item in &module.body {
        match item {
            ModuleItem::Stmt(statement) => body.push(statement.clone()),
            ModuleItem::ModuleDecl(ModuleDecl::TsImportEquals(import))
                if !import.is_export
                    && matches!(import.module_ref, TsModuleRef::TsExternalModuleRef(_))
                    && !WRAPPER_PARAMETERS.contains(&&*import.id.sym) =>
            {
                commonjs = true;
            }
            ModuleItem::ModuleDecl(ModuleDecl::TsExportAssignment(assignment)) => {
                commonjs = true;
                let span = assignment.span;
                let module_exports = MemberExpr {
                    span,
                    obj: Box::new(Expr::Ident(Ident::new("module".into(), span, SyntaxContext::empty()))),
                    prop: MemberProp::Ident(IdentName::new("exports".into(), span)),
                };
                let assign = AssignExpr {
                    span,
                    op: AssignOp::Assign,
                    left: AssignTarget::Simple(SimpleAssignTarget::Member(module_exports)),
                    right: assignment.expr.clone(),
                };
                body.push(Stmt::Expr(ExprStmt { span, expr: Box::new(Expr::Assign(assign)) }));
            }
            ModuleItem::ModuleDecl(_) => return None,
        }
    }
    commonjs.then(|| Script { span: module.span, body, shebang: module.shebang.clone() })
}

/// Why a text did not parse.
enum ParseFailure {
    Syntax(swc_core::ecma::parser::error::Error),
    /// The parser itself failed (a bug of swc's, such as a debug assertion on rare input): the file is reported
    /// as unparsable rather than taking the whole run down.
    Panicked,
}

/// Parses a script, returning it with the number of recoverable errors swc noted.
fn parse_script(body: &str, syntax: Syntax) -> Result<(Script, usize), ParseFailure> {
    let parsed = catch_unwind(AssertUnwindSafe(|| {
        let mut parser = new_parser(body, syntax);
        let script = parser.parse_script()?;
        Ok((script, parser.take_errors().len()))
    }));
    match parsed {
        Ok(result) => result.map_err(ParseFailure::Syntax),
        Err(_) => Err(ParseFailure::Panicked),
    }
}

/// The text with every HTML-like comment that starts a line (`<!--` or `-->` after blanks) replaced by spaces,
/// byte for byte, so offsets stay the same; `None` when there is none. swc mis-lexes some tokens after such
/// comments (a regular expression on the next line), so a text that fails to parse is tried again this way. At a
/// line start outside strings, templates and block comments these markers always open a comment in a script.
fn blank_line_start_html_comments(body: &str) -> Option<String> {
    let mut blanked = String::with_capacity(body.len());
    let mut changed = false;
    for line in body.split_inclusive('\n') {
        let content = line.trim_start_matches([' ', '\t']);
        if content.starts_with("<!--") || content.starts_with("-->") {
            let indent = line.len() - content.len();
            let end = content.find(['\r', '\n']).map_or(line.len(), |at| indent + at);
            blanked.push_str(&line[..indent]);
            blanked.extend(std::iter::repeat_n(' ', end - indent));
            blanked.push_str(&line[end..]);
            changed = true;
        } else {
            blanked.push_str(line);
        }
    }
    changed.then_some(blanked)
}

/// How many recoverable errors swc notes in a script, for checking that a fix adds none (swc recovers from
/// `var a.b;`, which Node rejects). `None` when the text does not parse as a script at all.
pub fn recoverable_error_count(source: &str, source_type: SourceType) -> Option<usize> {
    let body = source.strip_prefix(BOM).unwrap_or(source);
    match parse_program(body, source_type) {
        Ok((Parsed::Script(_), count)) => Some(count),
        _ => None,
    }
}

fn new_parser(body: &str, syntax: Syntax) -> Parser<Lexer<'_>> {
    let input = StringInput::new(body, BytePos(1), BytePos(1 + body.len() as u32));
    Parser::new_from(Lexer::new(syntax, EsVersion::latest(), input, None))
}

fn syntax(source_type: SourceType, jsx_fallback: bool) -> Syntax {
    match source_type {
        SourceType::JavaScript | SourceType::Jsx => Syntax::Es(EsSyntax {
            jsx: jsx_fallback || source_type == SourceType::Jsx,
            allow_return_outside_function: true,
            ..Default::default()
        }),
        SourceType::TypeScript | SourceType::Tsx => {
            Syntax::Typescript(TsSyntax { tsx: source_type == SourceType::Tsx, ..Default::default() })
        }
    }
}

fn locate(source: &str, bom_len: usize, failure: ParseFailure) -> SyntaxError {
    let (offset, message) = match failure {
        ParseFailure::Syntax(error) => {
            ((error.span().lo.0 as usize).saturating_sub(1) + bom_len, error.kind().msg().into_owned())
        }
        ParseFailure::Panicked => {
            (bom_len, "the parser failed on this file (an swc bug); it is left unchanged".to_owned())
        }
    };
    let offset = offset.min(source.len());
    let (line, column) = LineIndex::new(source).line_column(offset);
    SyntaxError { message, offset, line, column }
}
