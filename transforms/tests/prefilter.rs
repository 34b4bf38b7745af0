//! Soundness of the lexical pre-filter (`exportfix_transforms::prefilter`): every file it skips is run through
//! the full analysis, under both styles, and must have no finding. Every file it keeps checks the second cheap
//! gate, the one before resolution (`model::gate`): it must keep every script whose resolved form may use the
//! module's `exports`.
//!
//! - `fixtures_and_generated`: the fixture corpus and a generated set of tricky spellings, always.
//! - `corpus`: every `.js`/`.cjs`/`.jsx`/`.ts`/`.cts`/`.tsx` file of the pinned corpus (`target/corpus/node_modules`,
//!   or the directory in `EXPORTFIX_PREFILTER_CORPUS`). It is ignored by default (it parses tens of thousands of
//!   files); CI runs it in release with `cargo test --release -p exportfix_transforms --test prefilter -- --ignored`. Without a corpus it
//!   passes, saying so.

use std::path::{Path, PathBuf};

use exportfix_transforms::prefilter::may_have_findings;
use exportfix_transforms::{analyze, resolution_gate_is_sound_on, FileClass, Settings, SourceType, Style};

const STACK: usize = 256 * 1024 * 1024;

/// The findings of the full analysis (syntax errors count as none: nothing is reported).
fn findings(source: &str, source_type: SourceType, settings: &Settings) -> Vec<String> {
    match analyze(source, source_type, settings) {
        Ok(analysis) => {
            analysis.findings().iter().map(|finding| format!("{}:{}", finding.rule.as_str(), finding.line)).collect()
        }
        Err(_) => Vec::new(),
    }
}

/// Checks one text under each style; returns whether the default style skipped it. Panics when a text skipped
/// under a style has a finding under it, or when the gate before resolution drops a text that needs analysis.
fn check_text(name: &str, source: &str, source_type: SourceType) -> bool {
    let mut gate_checked = false;
    let mut skipped_by_default = false;
    for style in [Style::Mixed, Style::ModuleExports] {
        let settings = Settings { style };
        if may_have_findings(source, source_type, &settings) {
            if !gate_checked {
                let gate = resolution_gate_is_sound_on(source, source_type);
                assert_ne!(gate, Some(false), "the check before resolution drops {name}, which may use `exports`");
                gate_checked = true;
            }
            continue;
        }
        let found = findings(source, source_type, &settings);
        assert!(found.is_empty(), "the pre-filter skipped {name} under {style:?}, which has findings {found:?}");
        skipped_by_default |= settings == Settings::default();
    }
    skipped_by_default
}

fn source_files(root: &Path, into: &mut Vec<(PathBuf, SourceType)>) {
    let Ok(entries) = std::fs::read_dir(root) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        let Ok(kind) = entry.file_type() else { continue };
        if kind.is_dir() {
            source_files(&path, into);
        } else if kind.is_file() {
            if let FileClass::Analyze(source_type) = SourceType::classify(&path.to_string_lossy()) {
                into.push((path, source_type));
            }
        }
    }
}

/// Checks every file on `threads` deep-stacked threads; returns (files, skipped).
fn check_files(files: Vec<(PathBuf, SourceType)>, threads: usize) -> (usize, usize) {
    let total = files.len();
    let chunks: Vec<Vec<(PathBuf, SourceType)>> = {
        let mut chunks: Vec<Vec<_>> = (0..threads).map(|_| Vec::new()).collect();
        for (index, file) in files.into_iter().enumerate() {
            chunks[index % threads].push(file);
        }
        chunks
    };
    let handles: Vec<_> = chunks
        .into_iter()
        .map(|chunk| {
            std::thread::Builder::new()
                .stack_size(STACK)
                .spawn(move || {
                    let mut skipped = 0;
                    for (path, source_type) in chunk {
                        let Ok(source) = std::fs::read_to_string(&path) else { continue };
                        if check_text(&path.display().to_string(), &source, source_type) {
                            skipped += 1;
                        }
                    }
                    skipped
                })
                .expect("spawn")
        })
        .collect();
    let skipped = handles.into_iter().map(|handle| handle.join().expect("a checker thread failed")).sum();
    (total, skipped)
}

/// Programs around every spelling that comes near a reference: each must be kept, or have no finding.
fn generated() -> Vec<String> {
    let befores = [
        "",
        ".",
        "a.",
        "a?.",
        "a . ",
        "...",
        "f(...",
        "1.",
        "1. ",
        "1.\n",
        "a1.",
        "v8.",
        "0x1.",
        "a.\n",
        "// end.\n",
        "/* . */",
        "/*.*/ ",
        "#",
        "this.#",
        "typeof ",
        "typeof  ",
        "typeof\t",
        "typeof(",
        "typeof (",
        "typeof\n",
        "x.typeof ",
        "void ",
        "!",
        "-",
        "{ ",
        "[",
        "'",
        "\"",
        "`",
        "`${",
        "[(",
        "({ a: ",
        "({ ",
        "({ a: (",
        "[a, ",
        "[a, (",
        "f(a, ",
        "for (",
        "for ((",
        "((",
        "++",
        "a - ",
        "a +\n",
        "my",
        "_",
        "$",
        "\\u0065",
        "e\\u{78}",
        "\\u{65}",
        "var ",
        "let ",
        "function ",
        "(",
        "a ? ",
        "=",
    ];
    let words = ["exports", "xports", "exp\\u006Frts", "e\\u0078ports", "exports$", "exportsX"];
    let afters = [
        "",
        " = 1",
        " = {}",
        ".a = 1",
        "['a'] = 1",
        "++",
        "--",
        " += 1",
        ")",
        ") .a = 1",
        ").a = 1",
        " === 'object'",
        " !== 'undefined'",
        " == null",
        "?.a",
        "?.a = 1",
        " ? 1 : 2",
        "\n.a = 1",
        "\n=== 'x'",
        " && 1",
        " || 1",
        ";",
        ",",
        ":",
        "}",
        "]",
        "'",
        "\"",
        "`",
        "}`",
        " = module.exports = {}",
        ", a) = 1",
        ") = 1",
        ")) = 1",
        "] = a",
        "), b] = c",
        ")] = a",
        "} = a)",
        ") } = a)",
        ", b] = c",
        ", b } = c)",
        " = 1 } = a)",
        " in a) {}",
        " of a) {}",
        ") in a) {}",
        ") {}",
        ", b) => 1",
        ") => 1",
        " => 1",
        " ??= 1",
        " &&= 1",
        " ||= 1",
        " != null",
        "!",
        " | 0",
        " /* c */ = 1",
        " // c\n= 1",
        "\u{a0}= 1",
        "\u{2028}= 1",
        ".default",
    ];
    let frames = [
        ("", ""),
        ("module.exports = f;\n", "\n"),
        ("", "\nmodule.exports = g;\n"),
        ("module.exports.a = 1;\n", "\n"),
        ("(function () {\n", "\n})();\n"),
    ];
    let mut programs = Vec::new();
    for (head, tail) in frames {
        for before in befores {
            for word in words {
                for after in afters {
                    programs.push(format!("{head}{before}{word}{after}{tail}"));
                }
            }
        }
    }
    programs
}

#[test]
fn fixtures_and_generated() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut files = Vec::new();
    source_files(&root.join("tests/fixtures"), &mut files);
    source_files(&root.join("examples"), &mut files);
    assert!(!files.is_empty(), "no fixtures found");
    let (total, skipped) = check_files(files, 2);
    println!("fixtures: {total} files, {skipped} skipped by the pre-filter, none has a finding; the gate before resolution kept every other one that needs it");

    let programs = generated();
    let count = programs.len();
    let skipped = std::thread::Builder::new()
        .stack_size(STACK)
        .spawn(move || {
            programs
                .iter()
                .enumerate()
                .filter(|(index, program)| {
                    check_text(&format!("generated #{index}: {program:?}"), program, SourceType::JavaScript)
                })
                .count()
        })
        .expect("spawn")
        .join()
        .expect("a generated program has findings although the pre-filter skips it");
    println!("generated: {count} programs, {skipped} skipped by the pre-filter, none has a finding; the gate before resolution kept every other one that needs it");
    assert!(skipped > 0 && skipped < count, "the generated set must exercise both outcomes");
}

#[test]
#[ignore = "parses the whole pinned corpus; CI runs it in release"]
fn corpus() {
    let root = std::env::var_os("EXPORTFIX_PREFILTER_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/corpus/node_modules"));
    if !root.is_dir() {
        println!("no corpus at {}: nothing to check (run scripts/corpus-install.sh)", root.display());
        return;
    }
    let mut files = Vec::new();
    source_files(&root, &mut files);
    let threads = std::thread::available_parallelism().map_or(2, |threads| threads.get());
    let (total, skipped) = check_files(files, threads);
    println!("corpus {}: {total} files, {skipped} skipped by the pre-filter, none has a finding; the gate before resolution kept every other one that needs it", root.display());
    assert!(total > 0);
}

/// Random programs from a small grammar of statements around `exports` and `module`, with comments, line breaks
/// and line separators between tokens: each is checked like the generated set. `EXPORTFIX_PREFILTER_RANDOM`
/// sets how many (default 20,000) and `EXPORTFIX_PREFILTER_SEED` the seed.
#[test]
fn random_programs() {
    let count = std::env::var("EXPORTFIX_PREFILTER_RANDOM").ok().and_then(|value| value.parse().ok()).unwrap_or(20_000);
    let seed = std::env::var("EXPORTFIX_PREFILTER_SEED").ok().and_then(|value| value.parse().ok()).unwrap_or(1);
    let (valid, skipped) = std::thread::Builder::new()
        .stack_size(STACK)
        .spawn(move || {
            let mut grammar = Grammar { state: seed ^ 0x9e37_79b9_7f4a_7c15 };
            let (mut valid, mut skipped) = (0, 0);
            for index in 0..count {
                let program = grammar.program();
                if analyze(&program, SourceType::JavaScript, &Settings::default()).is_ok() {
                    valid += 1;
                }
                if check_text(&format!("random #{index} (seed {seed}): {program:?}"), &program, SourceType::JavaScript)
                {
                    skipped += 1;
                }
            }
            (valid, skipped)
        })
        .expect("spawn")
        .join()
        .expect("a random program has findings although the pre-filter skips it");
    println!("random: {count} programs, {valid} parse, {skipped} skipped by the pre-filter, none has a finding");
    assert!(skipped > 0 && valid > count / 4, "the grammar must produce programs that parse and that are skipped");
}

/// Expressions where `module` or `exports` stand in literals, or where a `/` is a division or starts a regular
/// expression holding a quote or a backquote.
const LEXICAL: &[&str] = &[
    "'exports'",
    "\"module.exports = exports\"",
    "`exports = ${exports}`",
    "`${`module`}`",
    "/exports/.test(a)",
    "/'/.test(exports)",
    "/`/.test(a) + `${exports}`",
    "/[/'`]exports/g",
    "a / 2 / exports",
    "f(a) / exports / '`'",
    "a[0] / 2 + '/'",
    "(a) / exports",
    "a.return / 2 / exports",
    "x ? /'/ : exports",
    "typeof /`/ + `exports`",
    "'\\'' + exports",
    "1 / 2 / `'`",
    "{ a: 1 } / `${exports}`",
    "<p>it's {module.exports} isn't</p>",
];

/// A xorshift generator of small programs.
struct Grammar {
    state: u64,
}

impl Grammar {
    fn below(&mut self, bound: usize) -> usize {
        self.state ^= self.state << 13;
        self.state ^= self.state >> 7;
        self.state ^= self.state << 17;
        (self.state % bound as u64) as usize
    }

    fn pick<'a>(&mut self, choices: &[&'a str]) -> &'a str {
        choices[self.below(choices.len())]
    }

    /// What may stand between two tokens.
    fn gap(&mut self) -> &'static str {
        self.pick(&[
            "",
            "",
            "",
            " ",
            " ",
            "\n",
            "/* ( , */",
            "// c;\n",
            "// (\n",
            "\u{2028}",
            "\t",
            "/* exports = 1 */",
            "// module.exports = exports\n",
        ])
    }

    fn program(&mut self) -> String {
        let statements = 1 + self.below(4);
        (0..statements).map(|_| self.statement(2)).collect::<Vec<_>>().join("\n")
    }

    fn statement(&mut self, depth: usize) -> String {
        let gap = self.gap();
        match self.below(if depth == 0 { 5 } else { 13 }) {
            0 | 1 => format!("{};", self.expression(depth)),
            2 => format!("var a{gap}={gap}{};", self.expression(depth)),
            3 => format!("{}{gap}={gap}{};", self.target(depth), self.expression(depth)),
            4 => format!("{}{gap}{};", self.target(depth), self.pick(&["++", "--", " += 1", " ||= a", " ??= a"])),
            5 => format!("if ({}) {{{gap}{}{gap}}}", self.expression(depth - 1), self.statement(depth - 1)),
            6 => format!(
                "function f({}) {{{gap}{}{gap}}}",
                self.pick(&["", "a", "exports", "module, exports", "a = exports"]),
                self.statement(depth - 1)
            ),
            7 => format!("for ({}{gap}{} a) {{}}", self.target(depth - 1), self.pick(&[" in", " of"])),
            8 => {
                format!("try {{}} catch ({}) {{{gap}{}{gap}}}", self.pick(&["exports", "e"]), self.statement(depth - 1))
            }
            9 => format!(
                "class A {{ {}({}) {{{gap}{}{gap}}} }}",
                self.pick(&["m", "constructor", "static m", "set m"]),
                self.pick(&["exports", "a"]),
                self.statement(depth - 1)
            ),
            10 => format!("{{ {} exports; {} }}", self.pick(&["let", "var", "const"]), self.statement(depth - 1)),
            11 if self.below(2) == 0 => self
                .pick(&[
                    "if (a) /'/.test(exports);",
                    "if (a) {}\n/`/.test(a); exports = 1;",
                    "function g() { return /`/; } exports = 1;",
                    "for (;;) { break\n/'/.test(exports) }",
                    "a = b\n/'/g.exec(exports)",
                    "do /`/.test(a); while (exports)",
                ])
                .to_owned(),
            11 => format!(
                "{}{gap}exports{gap}() {{}}",
                self.pick(&["function", "async function", "function*", "function *", "function/* c */", "class"])
            ),
            _ => format!(
                "({}{gap}=>{gap}{{{}}})",
                self.pick(&["exports", "(exports)", "(a, exports)", "a"]),
                self.statement(depth - 1)
            ),
        }
    }

    fn target(&mut self, depth: usize) -> String {
        let gap = self.gap();
        match self.below(if depth == 0 { 4 } else { 8 }) {
            0 | 1 => "exports".to_owned(),
            2 => self.pick(&["a", "exports.a", "exports[a]", "module.exports", "module"]).to_owned(),
            3 => format!("({gap}exports{gap})"),
            4 => format!("[{gap}{}{gap}]", self.target(depth - 1)),
            5 => format!("[a,{gap}{}]", self.target(depth - 1)),
            6 => format!("({{ a:{gap}{} }})", self.target(depth - 1)),
            _ => format!("[{},{gap}a]", self.target(depth - 1)),
        }
    }

    fn expression(&mut self, depth: usize) -> String {
        let gap = self.gap();
        match self.below(if depth == 0 { 4 } else { 14 }) {
            0 => "exports".to_owned(),
            // Lexical traps for the second stage: `exports` in literals, and literals a wrong guess between
            // division and regular expression would open or close.
            11 | 12 => self.pick(LEXICAL).to_owned(),
            1 => self.pick(&["module.exports", "exports.a", "module", "a", "1", "typeof exports", "{}"]).to_owned(),
            2 => {
                format!("{}{gap}{}", self.pick(&["++", "--", "!", "-", "void ", "typeof ", "delete "]), self.target(0))
            }
            3 => format!("{}{gap}{}", self.target(0), self.pick(&["++", "--", ".a", "[0]", "(a)"])),
            4 => format!("({gap}{}{gap})", self.expression(depth - 1)),
            5 => format!("f({gap}{},{gap}{})", self.expression(depth - 1), self.expression(depth - 1)),
            6 => format!(
                "{}{gap}{}{gap}{}",
                self.expression(depth - 1),
                self.pick(&["==", "=", "+=", "&&", "&&=", "||", "??", "??=", "?a:", ",", "+", "-", "in"]),
                self.expression(depth - 1)
            ),
            7 => format!("{}{gap}={gap}{}", self.target(depth - 1), self.expression(depth - 1)),
            8 => format!("[{gap}{}{gap}]{gap}={gap}a", self.target(depth - 1)),
            9 => format!(
                "function ({}) {{{gap}{}{gap}}}",
                self.pick(&["exports", "a", "module"]),
                self.statement(depth - 1)
            ),
            10 => format!("({}){gap}=>{gap}{}", self.pick(&["exports", "a, exports", "a"]), self.expression(depth - 1)),
            _ => format!("`${{{gap}{}{gap}}}`", self.expression(depth - 1)),
        }
    }
}
