//! What a run is asked to do, resolved once: the config file's settings with the flags over them.

pub mod config;

use std::path::{Path, PathBuf};

use exportfix_transforms::Settings;

use crate::cli::StyleArg;
use crate::report::Mode;
use crate::size::MaxFileSize;
use crate::sources::classify::Classifier;
use crate::sources::exclude::ExcludeSet;
use config::Loaded;

/// What the pipeline needs to analyse one source.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    /// `Fix` computes what a fix leaves (`remaining`); the pipeline never writes either way.
    pub mode: Mode,
    pub settings: Settings,
    pub include_unsafe: bool,
    /// Parse every file, even one the pre-filter proved finding-free, to report its syntax errors.
    pub check_syntax: bool,
    /// Files over this size are skipped unread.
    pub max_file_size: MaxFileSize,
}

/// What a run needs besides its paths: settings from the config file and the flags, merged.
pub struct Setup {
    pub cwd: PathBuf,
    pub config: Loaded,
    pub settings: Settings,
    pub excludes: ExcludeSet,
    pub classifier: Classifier,
    pub check_syntax: bool,
    pub max_file_size: MaxFileSize,
}

impl Setup {
    /// Reads the config file (unless `no_config`) and lets the flags override it.
    pub fn new(cwd: &Path, style: Option<StyleArg>, excludes: &[String], no_config: bool) -> anyhow::Result<Self> {
        let config = if no_config { Loaded::default() } else { config::discover(cwd)? };
        let style = style.or(config.config.style).unwrap_or(StyleArg::Mixed);
        let all_excludes: Vec<String> = config.config.exclude.iter().chain(excludes).cloned().collect();
        let excludes = ExcludeSet::new(&all_excludes)?;
        let classifier = Classifier::with_extensions(config.extensions()?);
        Ok(Setup {
            cwd: cwd.to_path_buf(),
            settings: Settings { style: style.into() },
            excludes,
            classifier,
            check_syntax: config.config.check_syntax.unwrap_or(false),
            max_file_size: config.config.max_file_size.unwrap_or_default(),
            config,
        })
    }

    /// The setup of `check`/`fix` from its flags, in the working directory.
    pub fn from_args(args: &crate::cli::RunArgs) -> anyhow::Result<Self> {
        use anyhow::Context;
        let cwd = std::env::current_dir().context("cannot determine the working directory")?;
        let mut setup = Setup::new(&cwd, args.style, &args.exclude, args.no_config)?;
        setup.check_syntax |= args.check_syntax;
        setup.max_file_size = args.max_file_size.unwrap_or(setup.max_file_size);
        Ok(setup)
    }

    /// What the pipeline needs, for a run in `mode`.
    pub fn options(&self, mode: Mode, include_unsafe: bool) -> Options {
        Options {
            mode,
            settings: self.settings,
            include_unsafe,
            check_syntax: self.check_syntax,
            max_file_size: self.max_file_size,
        }
    }
}
