//! The command line: what the user can ask for, parsed by clap. Nothing here touches the file system.

use std::num::NonZeroUsize;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

#[derive(Debug, Parser)]
#[command(
    name = "exportfix",
    version,
    about = "Find and fix CommonJS export bugs: `exports = X`, lost `exports.a` writes and mixed export styles."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Report findings and print the diff `fix` would apply; never writes. Exit 0: clean, 1: findings, 2: errors.
    Check(RunArgs),
    /// Report findings, print the diff and write the fixes. Exit 0: nothing left, 1: findings remain, 2: errors.
    Fix(RunArgs),
}

impl Command {
    pub fn mode(&self) -> Mode {
        match self {
            Command::Check(_) => Mode::Check,
            Command::Fix(_) => Mode::Fix,
        }
    }

    pub fn args(&self) -> &RunArgs {
        match self {
            Command::Check(args) | Command::Fix(args) => args,
        }
    }
}

/// Whether a run may write files.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Check,
    Fix,
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

    /// Which style findings to report besides the bugs.
    #[arg(long, value_enum, default_value_t = StyleArg::Mixed)]
    pub style: StyleArg,

    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,

    /// When to colour text output.
    #[arg(long, value_enum, default_value_t = ColorArg::Auto, value_name = "WHEN")]
    pub color: ColorArg,

    /// Do not honour .gitignore, .ignore or git exclude files while walking directories.
    #[arg(long)]
    pub no_ignore: bool,

    /// Skip files and directories matching GLOB while walking (repeatable). The glob is matched against the path
    /// relative to the walked directory, the path relative to the working directory, and the file name; `*` does
    /// not cross `/`, `**` does.
    #[arg(long, value_name = "GLOB")]
    pub exclude: Vec<String>,

    /// Number of worker threads [default: available parallelism].
    #[arg(long, value_name = "N")]
    pub threads: Option<NonZeroUsize>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
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
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorArg {
    /// Colour only when the stream is a terminal (and NO_COLOR is not set).
    Auto,
    Always,
    Never,
}
