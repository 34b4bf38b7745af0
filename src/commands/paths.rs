//! What `check`, `fix` and `fix --interactive` over paths share: the settings resolved and the paths walked.

use crate::cli::RunArgs;
use crate::report::Mode;
use crate::settings::{Options, Setup};
use crate::sources::{self, FromPaths};

/// The sources a path run analyses, and how.
pub struct Found {
    pub from_paths: FromPaths,
    pub options: Options,
    pub threads: usize,
}

/// Resolves the settings and walks the paths: the part of a path run shared by `check`, `fix` and `fix -i`.
pub fn find(args: &RunArgs, mode: Mode) -> anyhow::Result<Found> {
    let mut setup = Setup::from_args(args)?;
    let options = setup.options(mode, args.include_unsafe);
    let Setup { cwd, config, excludes, classifier, .. } = &mut setup;
    let threads = args.threads.or_else(|| std::thread::available_parallelism().ok()).map_or(1, |threads| threads.get());
    let walk = sources::walk::WalkOptions {
        cwd,
        honour_ignore_files: !args.no_ignore,
        excludes,
        threads,
        config_root: config.root(),
    };
    let from_paths = sources::from_paths(&args.paths, &walk, classifier);
    Ok(Found { from_paths, options, threads })
}
