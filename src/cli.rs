//! The command line: what the user can ask for, parsed by clap. Nothing here touches the file system.

use std::num::NonZeroUsize;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::size::MaxFileSize;

const EXAMPLES: &str = "\
Examples:
  Preview: what is wrong and what `fix` would change (writes nothing; exit 1 when there are findings)
    exportfix check src/
    exportfix check --format json . > exportfix.json

  Migration: fix a whole repository, reviewing each file, then commit
    exportfix fix --interactive .
    exportfix fix . && git diff

  Guard every commit
    exportfix hook install               # a git pre-commit hook that checks what is staged
    exportfix hook install --mode fix    # ... that fixes and re-stages clean files instead

  CI annotations and editors
    exportfix check --format github .
    exportfix check --format sarif . > exportfix.sarif
    exportfix fix --stdin-filename lib/a.js < lib/a.js
    exportfix server                     # a language server (LSP on stdio) for Neovim, Helix, VS Code

Settings shared by a team go in exportfix.json (or an \"exportfix\" key in package.json), found by walking up
from the working directory; flags override it.";

#[derive(Debug, Parser)]
#[command(
    name = "exportfix",
    version,
    about = "Find and fix CommonJS export bugs: `exports = X`, lost `exports.a` writes and mixed export styles.",
    after_help = EXAMPLES
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Report findings and print the diff `fix` would apply; never writes. Exit 0: clean, 1: findings, 2: errors.
    #[command(after_help = "Examples:\n  exportfix check\n  exportfix check src/ --format github\n  \
                            exportfix check --stdin-filename lib/a.js < lib/a.js")]
    Check(RunArgs),
    /// Report findings, print the diff and write the fixes. Exit 0: nothing left, 1: findings remain, 2: errors.
    #[command(after_help = "Examples:\n  exportfix fix\n  exportfix fix --interactive src/\n  \
                            exportfix fix --stdin-filename lib/a.js < lib/a.js > fixed.js")]
    Fix(RunArgs),
    /// Run the language server (LSP over stdin/stdout) for editors: diagnostics, quick fixes and fix-all.
    Server,
    /// Install or remove a git pre-commit hook that checks (or fixes) the staged files.
    #[command(subcommand)]
    Hook(HookCommand),
    /// Print a shell completion script, e.g. `exportfix completions bash > ~/.local/share/bash-completion/completions/exportfix`.
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
}

#[derive(Debug, Subcommand)]
pub enum HookCommand {
    /// Write a pre-commit hook into the current repository's hooks directory (honours core.hooksPath).
    Install {
        /// `check` blocks a commit whose staged files have findings; `fix` fixes them, re-stages files that have no
        /// unstaged changes, and blocks only when something is left.
        #[arg(long, value_enum, default_value_t = HookMode::Check)]
        mode: HookMode,
        /// Replace an existing pre-commit hook that exportfix did not write.
        #[arg(long)]
        force: bool,
    },
    /// Remove the pre-commit hook, if exportfix wrote it.
    Uninstall,
    /// What the installed hook runs: check the staged content of the staged files.
    #[command(hide = true)]
    Run {
        #[arg(long, value_enum, default_value_t = HookMode::Check)]
        mode: HookMode,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum HookMode {
    Check,
    Fix,
}

impl HookMode {
    pub fn as_str(self) -> &'static str {
        match self {
            HookMode::Check => "check",
            HookMode::Fix => "fix",
        }
    }
}

#[derive(Debug, Args)]
pub struct RunArgs {
    /// Files and directories to process. Directories are walked, honouring .gitignore and .ignore files; a file
    /// named here is processed even when ignored or excluded.
    #[arg(value_name = "PATH", default_value = ".")]
    pub paths: Vec<PathBuf>,

    /// Also apply (with `fix`) or preview (with `check`) fixes that may change what a module exports.
    #[arg(long = "unsafe")]
    pub include_unsafe: bool,

    /// Which style findings to report besides the bugs [default: mixed, or the config file's "style"].
    #[arg(long, value_enum)]
    pub style: Option<StyleArg>,

    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,

    /// When to colour text output.
    #[arg(long, value_enum, default_value_t = ColorArg::Auto, value_name = "WHEN")]
    pub color: ColorArg,

    /// Do not honour .gitignore, .ignore or git exclude files while walking directories.
    #[arg(long)]
    pub no_ignore: bool,

    /// Skip files and directories matching GLOB while walking (repeatable; added to the config file's "exclude").
    /// The glob is matched against the path relative to the walked directory, the path relative to the working
    /// directory, and the file name; `*` does not cross `/`, `**` does.
    #[arg(long, value_name = "GLOB")]
    pub exclude: Vec<String>,

    /// Number of worker threads [default: available parallelism].
    #[arg(long, value_name = "N")]
    pub threads: Option<NonZeroUsize>,

    /// Read the source from standard input and report it as NAME (its extension picks the grammar). With `fix`,
    /// the fixed source (or the unchanged one) goes to standard output and the findings to standard error.
    #[arg(long, value_name = "NAME", conflicts_with = "paths")]
    pub stdin_filename: Option<PathBuf>,

    /// With `fix`: show each file's diff and ask whether to write it (yes / no / all / quit).
    #[arg(long, short = 'i', conflicts_with = "stdin_filename")]
    pub interactive: bool,

    /// Do not look for a config file (exportfix.json, or "exportfix" in package.json).
    #[arg(long)]
    pub no_config: bool,

    /// Skip files larger than SIZE, unread: bytes, or with a KB, MB, KiB or MiB suffix; 0 for no limit [default:
    /// 1MiB, or the config file's "maxFileSize"]. Files that large are generated (bundles, minified builds): fix
    /// their sources instead. Skipped files are counted in the summary, never errors, never written.
    #[arg(long, value_name = "SIZE")]
    pub max_file_size: Option<MaxFileSize>,

    /// Parse every file and report its syntax errors (exit 2), also the files no rule can apply to. Without it,
    /// a file whose text proves it can have no finding (no bare `exports` that a rule could report) is read but
    /// not parsed, so its syntax errors are not reported: in a dependency tree those are about 94 % of the files,
    /// and parsing them was most of a run [config: "checkSyntax"].
    #[arg(long)]
    pub check_syntax: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum StyleArg {
    /// Report files that mix `exports` and `module.exports`.
    Mixed,
    /// Also report files that use `exports.x` consistently: prefer `module.exports`.
    ModuleExports,
}

impl From<StyleArg> for exportfix_transforms::Style {
    fn from(style: StyleArg) -> Self {
        match style {
            StyleArg::Mixed => exportfix_transforms::Style::Mixed,
            StyleArg::ModuleExports => exportfix_transforms::Style::ModuleExports,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Findings, a unified diff and a summary line, for people and for `git apply`.
    Text,
    /// One JSON object on stdout, for tools.
    Json,
    /// GitHub Actions workflow commands: one `::error` annotation per finding and error.
    Github,
    /// A SARIF 2.1.0 log, for code-scanning services.
    Sarif,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorArg {
    /// Colour only when the stream is a terminal (and NO_COLOR is not set).
    Auto,
    Always,
    Never,
}
