//! Parsing a file the way Node's CommonJS loader reads it, and resolving which identifiers are free.

use std::fmt;

use swc_core::common::{BytePos, Mark, Spanned, SyntaxContext, GLOBALS};
use swc_core::ecma::ast::{EsVersion, ModuleItem, Pass, Program, Script};
use swc_core::ecma::parser::error::SyntaxError as ParserError;
use swc_core::ecma::parser::{lexer::Lexer, EsSyntax, Parser, StringInput, Syntax, TsSyntax};
use swc_core::ecma::transforms::base::resolver;

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

/// Parses `source` and, for a CommonJS script, runs `analyse` on it with swc's `GLOBALS` set for this thread.
pub fn with_script<T>(
    source: &str,
    source_type: SourceType,
    analyse: impl FnOnce(&ResolvedScript<'_>) -> T,
) -> Result<Parsed<T>, SyntaxError> {
    let bom_len = if source.starts_with(BOM) { BOM.len() } else { 0 };
    let body = &source[bom_len..];
    GLOBALS.set(&Default::default(), || {
        let mut program = match parse_program(body, source_type) {
            Ok(Parsed::Script(script)) => Program::Script(script),
            Ok(Parsed::EsModule) => return Ok(Parsed::EsModule),
            Err(error) => return Err(locate(source, bom_len, error)),
        };
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
        };
        Ok(Parsed::Script(analyse(&resolved)))
    })
}

/// Node wraps a CommonJS file in a function, so it is a sloppy-mode script where a top-level `return` is legal.
/// Recoverable errors (strict-mode rules such as legacy octal or `with`) are not failures: Node accepts such
/// scripts. A file that fails as a script on a top-level `import`/`export`/`import.meta` is an ES module, as
/// Node's own module detection decides (it then never reports the file as a CommonJS syntax error), and so is a
/// file that parses as a module with such declarations.
fn parse_program(body: &str, source_type: SourceType) -> Result<Parsed<Script>, swc_core::ecma::parser::error::Error> {
    let script_error = match parse_script(body, syntax(source_type, false)) {
        Ok(script) => return Ok(Parsed::Script(script)),
        Err(error) => error,
    };
    if matches!(script_error.kind(), ParserError::ImportExportInScript | ParserError::ImportMetaInScript) {
        return Ok(Parsed::EsModule);
    }
    if source_type == SourceType::JavaScript {
        if let Ok(script) = parse_script(body, syntax(source_type, true)) {
            return Ok(Parsed::Script(script));
        }
    }
    let jsx = source_type == SourceType::JavaScript;
    for syntax in [syntax(source_type, false), syntax(source_type, jsx)] {
        if let Ok(module) = new_parser(body, syntax).parse_module() {
            if module.body.iter().any(|item| matches!(item, ModuleItem::ModuleDecl(_))) {
                return Ok(Parsed::EsModule);
            }
        }
    }
    Err(script_error)
}

fn parse_script(body: &str, syntax: Syntax) -> Result<Script, swc_core::ecma::parser::error::Error> {
    let mut parser = new_parser(body, syntax);
    let script = parser.parse_script()?;
    // Recoverable errors are strict-mode or early errors that Node's sloppy CommonJS wrapper accepts.
    drop(parser.take_errors());
    Ok(script)
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

fn locate(source: &str, bom_len: usize, error: swc_core::ecma::parser::error::Error) -> SyntaxError {
    let offset = (error.span().lo.0 as usize).saturating_sub(1) + bom_len;
    let offset = offset.min(source.len());
    let (line, column) = LineIndex::new(source).line_column(offset);
    SyntaxError { message: error.kind().msg().into_owned(), offset, line, column }
}
