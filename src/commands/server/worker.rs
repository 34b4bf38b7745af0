//! The analysis thread: the message loop hands it document versions and goes back to reading, so typing is never
//! blocked by an analysis. Versions queued while it works are coalesced: only the newest of each document is
//! analysed. A panic is caught, logged and reported for that version only.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::thread;

use crossbeam_channel::{Receiver, Sender};
use lsp_types::{Position, Range, Url};

use super::encoding::{Encoding, Lines};
use super::results::{self, problem_diagnostic, FileResults};
use crate::pipeline::{self, WORKER_STACK_BYTES};
use crate::report::Mode;
use crate::settings::Setup;
use crate::sources;

/// One version of one open document, to analyse.
pub struct Job {
    pub uri: Url,
    /// Unique across the session (a reopened document may reuse version numbers): what staleness is judged by.
    pub revision: u64,
    pub path: PathBuf,
    pub text: String,
    pub encoding: Encoding,
}

/// The results for one job.
pub struct Done {
    pub uri: Url,
    pub revision: u64,
    pub results: FileResults,
}

/// Starts the thread; it ends when `jobs` is closed.
pub fn start(jobs: Receiver<Job>, done: Sender<Done>) -> std::io::Result<thread::JoinHandle<()>> {
    thread::Builder::new().name("exportfix-analysis".into()).stack_size(WORKER_STACK_BYTES).spawn(move || {
        let mut queue: Vec<Job> = Vec::new();
        loop {
            if queue.is_empty() {
                match jobs.recv() {
                    Ok(job) => queue.push(job),
                    Err(_) => return,
                }
            }
            for job in jobs.try_iter() {
                // A newer version replaces the queued one: that is the coalescing.
                queue.retain(|queued| queued.uri != job.uri);
                queue.push(job);
            }
            let job = queue.remove(0);
            let results = analyse_caught(&job);
            if done.send(Done { uri: job.uri, revision: job.revision, results }).is_err() {
                return;
            }
        }
    })
}

fn analyse_caught(job: &Job) -> FileResults {
    match catch_unwind(AssertUnwindSafe(|| analyse(job))) {
        Ok(results) => results,
        Err(panic) => {
            let what = panic
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_default();
            eprintln!("exportfix server: internal error: the analysis of {} panicked: {what}", job.uri);
            let message = "internal error: exportfix crashed on this file (please report it)".to_owned();
            FileResults::problem(problem_diagnostic(Range::default(), message))
        }
    }
}

/// Analyses a buffer as the CLI would analyse the file: its directory's config file, package type, pre-filter
/// and engine.
fn analyse(job: &Job) -> FileResults {
    #[cfg(debug_assertions)]
    debug_hooks::before_analysis(&job.text);
    let directory = job.path.parent().unwrap_or(Path::new("/"));
    let setup = match Setup::new(directory, None, &[], false) {
        Ok(setup) => setup,
        Err(error) => return config_problem(&error),
    };
    if is_excluded(&job.path, &setup) {
        return FileResults::default();
    }
    let options = setup.options(Mode::Check, false);
    let mut classifier = setup.classifier;
    let Some(source) = sources::from_buffer(&job.path, job.text.clone(), directory, &mut classifier) else {
        return FileResults::default();
    };
    let analysed = pipeline::analyse(source, &options);
    results::from_analysis(&job.text, &analysed, &Lines::new(&job.text, job.encoding))
}

/// Whether the config file's `exclude` globs leave this file out, matched as a walk from the config file's
/// directory would match it (the file, each directory on the way, and their names).
fn is_excluded(path: &Path, setup: &Setup) -> bool {
    let (Some(root), false) = (setup.config.root(), setup.excludes.is_empty()) else {
        return false;
    };
    let Ok(relative) = path.strip_prefix(root) else {
        return false;
    };
    let mut names: Vec<&Path> = relative.ancestors().filter(|a| !a.as_os_str().is_empty()).collect();
    names.extend(relative.iter().map(Path::new));
    setup.excludes.excludes(&names)
}

fn config_problem(error: &anyhow::Error) -> FileResults {
    let start = Position::new(0, 0);
    FileResults::problem(problem_diagnostic(Range::new(start, start), format!("{error:#}")))
}

/// Debug builds only (never in a release binary): lets the protocol tests make one analysis panic, or hold it.
/// `EXPORTFIX_DEBUG_PANIC_ON=TEXT` panics while analysing a buffer that contains TEXT;
/// `EXPORTFIX_DEBUG_HOLD_UNTIL=PATH` holds the analysis of a buffer containing `exportfix-debug-hold` until PATH
/// exists (at most a minute), so that a test can queue work behind it and see the loop still answering.
#[cfg(debug_assertions)]
mod debug_hooks {
    use std::path::Path;
    use std::time::{Duration, Instant};

    pub fn before_analysis(text: &str) {
        if let Some(marker) = std::env::var_os("EXPORTFIX_DEBUG_PANIC_ON") {
            if text.contains(&*marker.to_string_lossy()) {
                panic!("EXPORTFIX_DEBUG_PANIC_ON matched");
            }
        }
        let Some(release) = std::env::var_os("EXPORTFIX_DEBUG_HOLD_UNTIL") else { return };
        if text.contains("exportfix-debug-hold") {
            let deadline = Instant::now() + Duration::from_secs(60);
            while !Path::new(&release).exists() && Instant::now() < deadline {
                std::thread::sleep(Duration::from_millis(10));
            }
        }
    }
}
