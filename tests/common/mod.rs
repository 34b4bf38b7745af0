//! What every CLI test binary shares: the sample sources, a runner for the real binary, temporary projects and
//! git repositories, git isolated from the user's configuration, and the pseudo-terminal driver.
#![allow(dead_code)] // each test binary uses a different part

use std::collections::BTreeMap;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use serde_json::Value;

pub mod lsp;

/// `exports-reassign`, fixed safely.
pub const REASSIGN: &str = "exports = function () {};\n";
pub const REASSIGN_FIXED: &str = "module.exports = function () {};\n";
/// `mixed-exports`, fixed safely.
pub const MIXED: &str = "exports.a = 1;\nmodule.exports.b = 2;\n";
pub const MIXED_FIXED: &str = "module.exports.a = 1;\nmodule.exports.b = 2;\n";
pub const CLEAN: &str = "module.exports = function () {};\n";
/// A syntax error next to a bare `exports`, so the pre-filter keeps it.
pub const BROKEN: &str = "exports = (;\n";
pub const ONLY_EXPORTS: &str = "exports.a = 1;\n";

pub const BIN: &str = env!("CARGO_BIN_EXE_exportfix");

/// One run of a process: its exit code and output.
pub struct Run {
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

impl std::fmt::Debug for Run {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "exit {:?}\n--- stdout\n{}--- stderr\n{}", self.code, self.stdout, self.stderr)
    }
}

impl From<Output> for Run {
    fn from(output: Output) -> Self {
        Run {
            code: output.status.code(),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    }
}

impl Run {
    pub fn stdout_lines(&self) -> Vec<&str> {
        self.stdout.lines().collect()
    }

    pub fn summary(&self) -> &str {
        self.stdout.lines().last().unwrap_or_default()
    }

    pub fn json(&self) -> Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|error| panic!("stdout is not one JSON value ({error}):\n{self:?}"))
    }
}

/// Runs the binary in `dir`, with `stdin` as its standard input (or none), colour settings from the environment
/// removed.
pub fn exportfix(dir: &Path, args: &[&str], stdin: Option<&[u8]>) -> Run {
    let mut child = Command::new(BIN)
        .args(args)
        .current_dir(dir)
        .env_remove("CLICOLOR_FORCE")
        .env_remove("NO_COLOR")
        .stdin(if stdin.is_some() { Stdio::piped() } else { Stdio::null() })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run exportfix");
    if let Some(input) = stdin {
        child.stdin.take().expect("exportfix stdin").write_all(input).expect("write to exportfix");
    }
    child.wait_with_output().expect("wait for exportfix").into()
}

pub fn run_in(dir: &Path, args: &[&str]) -> Run {
    exportfix(dir, args, None)
}

pub fn write(dir: &Path, relative: &str, contents: impl AsRef<[u8]>) {
    let path = dir.join(relative);
    fs::create_dir_all(path.parent().expect("a parent directory")).expect("create parent directories");
    fs::write(path, contents).expect("write file");
}

pub fn symlink(target: &str, link: &Path) {
    std::os::unix::fs::symlink(target, link).expect("create symlink");
}

// ---------------------------------------------------------------------------------------------------------------
// Temporary projects
// ---------------------------------------------------------------------------------------------------------------

/// A temporary project directory the binary runs in.
pub struct Project {
    pub dir: tempfile::TempDir,
}

impl Project {
    pub fn new() -> Self {
        Project { dir: tempfile::tempdir().expect("temporary directory") }
    }

    pub fn path(&self, relative: &str) -> PathBuf {
        self.dir.path().join(relative)
    }

    pub fn write(&self, relative: &str, contents: impl AsRef<[u8]>) -> &Self {
        write(self.dir.path(), relative, contents);
        self
    }

    pub fn read(&self, relative: &str) -> Vec<u8> {
        fs::read(self.path(relative)).expect("read file")
    }

    pub fn read_text(&self, relative: &str) -> String {
        String::from_utf8(self.read(relative)).expect("UTF-8 file")
    }

    pub fn run(&self, args: &[&str]) -> Run {
        run_in(self.dir.path(), args)
    }

    /// Every file under the project (hidden ones included, `.git` left out) with its bytes.
    pub fn snapshot(&self) -> BTreeMap<String, Vec<u8>> {
        let mut files = BTreeMap::new();
        collect(self.dir.path(), self.dir.path(), &mut files);
        files
    }
}

fn collect(root: &Path, dir: &Path, files: &mut BTreeMap<String, Vec<u8>>) {
    for entry in fs::read_dir(dir).expect("read directory") {
        let entry = entry.expect("directory entry");
        let path = entry.path();
        let file_type = entry.file_type().expect("file type");
        let name = path.strip_prefix(root).expect("under the root").to_string_lossy().into_owned();
        if file_type.is_dir() {
            if entry.file_name() != ".git" {
                collect(root, &path, files);
            }
        } else if file_type.is_file() {
            files.insert(name, fs::read(&path).expect("read file"));
        } else {
            files.insert(name, b"<not a regular file>".to_vec());
        }
    }
}

// ---------------------------------------------------------------------------------------------------------------
// git, isolated from the user's and the system's configuration, and temporary repositories
// ---------------------------------------------------------------------------------------------------------------

/// git with `stdin` as its standard input.
pub fn git(dir: &Path, args: &[&str], stdin: Option<&[u8]>) -> std::process::Output {
    use std::io::Write;
    let mut child = Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run git");
    let mut input = child.stdin.take().expect("git stdin");
    input.write_all(stdin.unwrap_or_default()).expect("write to git");
    drop(input);
    child.wait_with_output().expect("wait for git")
}

pub struct Repo {
    pub dir: tempfile::TempDir,
}

impl Repo {
    pub fn new() -> Self {
        let repo = Repo { dir: tempfile::tempdir().unwrap() };
        repo.git_ok(&["init", "-q", "-b", "main"]);
        repo
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    pub fn git(&self, args: &[&str]) -> Run {
        git_in(self.path(), args)
    }

    pub fn git_ok(&self, args: &[&str]) -> String {
        let run = self.git(args);
        assert_eq!(run.code, Some(0), "git {args:?}: {run:?}");
        run.stdout
    }

    pub fn write(&self, relative: &str, contents: &str) {
        write(self.path(), relative, contents);
    }

    pub fn read(&self, relative: &str) -> String {
        fs::read_to_string(self.path().join(relative)).unwrap()
    }

    pub fn exportfix(&self, args: &[&str]) -> Run {
        exportfix(self.path(), args, None)
    }

    pub fn commit(&self, message: &str) -> Run {
        self.git(&["commit", "-q", "-m", message])
    }

    /// The contents of `relative` in the last commit.
    pub fn committed(&self, relative: &str) -> String {
        self.git_ok(&["show", &format!("HEAD:{relative}")])
    }
}

/// git isolated from the user's and the system's configuration.
pub fn git_in(dir: &Path, args: &[&str]) -> Run {
    Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_AUTHOR_NAME", "Test")
        .env("GIT_AUTHOR_EMAIL", "test@example.com")
        .env("GIT_COMMITTER_NAME", "Test")
        .env("GIT_COMMITTER_EMAIL", "test@example.com")
        .env_remove("GIT_DIR")
        .env_remove("GIT_INDEX_FILE")
        .env_remove("GIT_WORK_TREE")
        .stdin(Stdio::null())
        .output()
        .expect("run git")
        .into()
}

// ---------------------------------------------------------------------------------------------------------------
// A real pseudo-terminal (tests/pty/drive.py)
// ---------------------------------------------------------------------------------------------------------------

pub struct Terminal {
    pub code: i64,
    pub output: String,
    pub prompts: u64,
}

impl std::fmt::Debug for Terminal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "exit {}, {} prompts\n--- terminal\n{}", self.code, self.prompts, self.output)
    }
}

/// Runs exportfix with `args` in a pseudo-terminal in `dir`, typing `answers` at its prompts.
pub fn in_terminal(dir: &Path, answers: &[&str], args: &[&str]) -> Terminal {
    drive(dir, answers, args, None)
}

/// As [`in_terminal`], but runs the shell command `meanwhile` (in `dir`) once the first prompt is shown and before
/// it is answered: another writer acting while the user reads the diff.
pub fn in_terminal_meanwhile(dir: &Path, answers: &[&str], args: &[&str], meanwhile: &str) -> Terminal {
    drive(dir, answers, args, Some(meanwhile))
}

fn drive(dir: &Path, answers: &[&str], args: &[&str], meanwhile: Option<&str>) -> Terminal {
    let driver = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/pty/drive.py");
    let mut command = Command::new("python3");
    command.arg(driver).arg(answers.join(",")).arg(BIN).args(args).current_dir(dir).env_remove("NO_COLOR");
    match meanwhile {
        Some(meanwhile) => command.env("DRIVE_BEFORE_FIRST_ANSWER", meanwhile),
        None => command.env_remove("DRIVE_BEFORE_FIRST_ANSWER"),
    };
    let output = command.stdin(Stdio::null()).output().expect("run tests/pty/drive.py");
    let run = Run::from(output);
    let value: Value = serde_json::from_str(&run.stdout).unwrap_or_else(|_| panic!("drive.py failed: {run:?}"));
    Terminal {
        code: value["code"].as_i64().expect("an exit code"),
        output: value["output"].as_str().expect("the terminal's output").replace("\r\n", "\n"),
        prompts: value["prompts"].as_u64().expect("a prompt count"),
    }
}
