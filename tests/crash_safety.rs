//! Crash and race safety of `exportfix fix`, on the real binary:
//!
//! - SIGKILLed at random moments while it rewrites a tree of thousands of files, it leaves every file with exactly
//!   its old or exactly its new contents, and no temporary file that the next run does not remove;
//! - a file edited between the read and the write is not overwritten, and is reported;
//! - a read-only file is not modified, and is reported;
//! - a symbolic link named on the command line is fixed through its target; links met while walking are not
//!   followed; a directory symlink loop ends the walk cleanly, and naming one is a clear error.
//!
//! `EXPORTFIX_CRASH_ROUNDS=N` sets the number of kills (default 20).
#![cfg(unix)]

mod common;

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::{BIN, MIXED, MIXED_FIXED};

/// A small deterministic generator (xorshift), so a failing tree can be regenerated.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// One file of the generated tree: what needs a fix, what does not, a few large ones.
fn file_contents(index: usize, rng: &mut Rng) -> String {
    let padding = |rng: &mut Rng, functions: usize| -> String {
        (0..functions)
            .map(|n| format!("function helper{n}(x) {{\n  return x * {} + {n};\n}}\n", rng.below(1000)))
            .collect()
    };
    match index % 7 {
        // mixed-exports
        0 => format!("'use strict';\nexports.a{index} = 1;\nmodule.exports.b = {};\n", rng.below(100)),
        // exports-reassign
        1 => format!("// file {index}\r\nexports = function f{index}() {{}};\r\nexports.version = '1.{index}';\r\n"),
        // lost-export
        2 => format!("module.exports = Router;\nexports.Route{index} = {};\nfunction Router() {{}}\n", index),
        // clean
        3 => format!("module.exports = {{ value: {index} }};\n"),
        4 => format!("exports.only{index} = true;\n"),
        // large: a mixed file of 30-120 KB
        5 if index % 10 == 5 => {
            let functions = 600 + rng.below(1800) as usize;
            format!("exports.big{index} = 1;\n{}module.exports.tail = 2;\n", padding(rng, functions))
        }
        // mid-size, needs a fix
        _ => format!("{}exports.mid{index} = 1;\nmodule.exports.other = 2;\n", padding(rng, 40)),
    }
}

/// Writes the tree: `files` files in nested directories. Returns relative path -> contents.
fn generate_tree(root: &Path, files: usize, seed: u64) -> BTreeMap<PathBuf, String> {
    let mut rng = Rng(seed);
    let mut tree = BTreeMap::new();
    for index in 0..files {
        let relative = PathBuf::from(format!("pkg{}/lib{}/file{index}.js", index % 30, (index / 30) % 4));
        let contents = file_contents(index, &mut rng);
        tree.insert(relative, contents);
    }
    write_tree(root, &tree);
    tree
}

fn write_tree(root: &Path, tree: &BTreeMap<PathBuf, String>) {
    if root.exists() {
        fs::remove_dir_all(root).unwrap();
    }
    for (relative, contents) in tree {
        let path = root.join(relative);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, contents).unwrap();
    }
}

fn read_tree(root: &Path, tree: &BTreeMap<PathBuf, String>) -> BTreeMap<PathBuf, String> {
    tree.keys().map(|relative| (relative.clone(), fs::read_to_string(root.join(relative)).unwrap())).collect()
}

/// Every entry under `root` whose name starts like exportfix's temporary files.
fn temporaries(root: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(directory) = stack.pop() {
        for entry in fs::read_dir(&directory).unwrap() {
            let entry = entry.unwrap();
            if entry.file_type().unwrap().is_dir() {
                stack.push(entry.path());
            } else if entry.file_name().to_string_lossy().starts_with(".exportfix-") {
                found.push(entry.path());
            }
        }
    }
    found
}

fn fix(path: &Path) -> std::process::Output {
    Command::new(BIN).arg("fix").arg("--color").arg("never").arg(path).output().unwrap()
}

#[test]
fn sigkill_at_random_moments_leaves_old_or_new_files_and_no_temporaries() {
    let scratch = tempfile::tempdir().unwrap();
    let files = 3000;
    let seed = 0x9e37_79b9_7f4a_7c15;
    let reference = scratch.path().join("reference");
    let original = generate_tree(&reference, files, seed);
    let total_bytes: usize = original.values().map(String::len).sum();

    // The expected result: a complete run on a copy.
    let started = Instant::now();
    let output = fix(&reference);
    let full_run = started.elapsed();
    assert!(matches!(output.status.code(), Some(0 | 1)), "{}", String::from_utf8_lossy(&output.stderr));
    let expected = read_tree(&reference, &original);
    let changing = original.iter().filter(|(path, old)| expected[*path] != **old).count();
    assert!(changing > files / 3, "only {changing} of {files} files need a fix: the tree does not exercise writes");
    assert!(temporaries(&reference).is_empty());

    let rounds: usize = std::env::var("EXPORTFIX_CRASH_ROUNDS").ok().and_then(|n| n.parse().ok()).unwrap_or(20);
    let work = scratch.path().join("work");
    let mut rng = Rng(seed ^ 0xdead_beef);
    let (mut kills, mut killed_while_running, mut stray_after_kill) = (0, 0, 0);
    let mut progress = Vec::new();
    for round in 0..rounds {
        // Every other round starts again from the original tree, so kills land while most files still need
        // writing; the others continue where the last killed run stopped.
        if round % 2 == 0 {
            write_tree(&work, &original);
        }
        let mut child =
            Command::new(BIN).arg("fix").arg(&work).stdout(Stdio::null()).stderr(Stdio::null()).spawn().unwrap();
        let delay = Duration::from_micros(rng.below(full_run.as_micros().max(1) as u64 * 3 / 4));
        std::thread::sleep(delay);
        let still_running = child.try_wait().unwrap().is_none();
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();
        kills += 1;
        killed_while_running += usize::from(still_running);

        let mut fixed = 0;
        for (relative, old) in &original {
            let now = fs::read_to_string(work.join(relative)).unwrap();
            let new = &expected[relative];
            assert!(
                now == *old || now == *new,
                "round {round}: {} is neither its old nor its new contents ({} bytes; old {}, new {})",
                relative.display(),
                now.len(),
                old.len(),
                new.len()
            );
            fixed += usize::from(now != *old);
        }
        progress.push(fixed);
        let stray = temporaries(&work);
        if !stray.is_empty() {
            // Only possible in the instant between naming the staged inode and renaming it (two system calls);
            // such a file holds a complete new text, and the next run in that directory removes it.
            stray_after_kill += 1;
            eprintln!("round {round}: a kill left {} temporary file(s): {stray:?}", stray.len());
        }
    }

    // A last, complete run finishes the job and removes whatever the killed runs left behind.
    let output = fix(&work);
    assert!(matches!(output.status.code(), Some(0 | 1)), "{}", String::from_utf8_lossy(&output.stderr));
    assert_eq!(
        read_tree(&work, &original),
        expected,
        "the tree after kills and a final run differs from one clean run"
    );
    assert_eq!(temporaries(&work), Vec::<PathBuf>::new());
    eprintln!(
        "{files} files ({} MB, {changing} changed by a fix), full run {:.2} s; {kills} SIGKILLs ({killed_while_running} \
         while running), files already fixed at each kill: {progress:?}; kills leaving a temporary file: {stray_after_kill}",
        total_bytes / 1_000_000,
        full_run.as_secs_f64()
    );
    assert!(
        stray_after_kill * 4 <= kills,
        "{stray_after_kill} of {kills} kills left a temporary file: the unnamed staging does not work"
    );
}

/// A small project for the single-file cases.
fn project() -> tempfile::TempDir {
    tempfile::tempdir().unwrap()
}

#[test]
fn a_file_edited_between_read_and_write_is_not_overwritten() {
    let dir = project();
    let file = dir.path().join("a.js");
    fs::write(&file, MIXED).unwrap();
    // Debug builds only: the hook appends this text to the file right before exportfix re-reads it.
    let output = Command::new(BIN)
        .args(["fix", "--color", "never"])
        .arg(&file)
        .env("EXPORTFIX_DEBUG_EDIT_BEFORE_REPLACE", "// saved by an editor\n")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("a.js") && stderr.contains("changed on disk since it was read"), "{stderr}");
    assert_eq!(fs::read_to_string(&file).unwrap(), format!("{MIXED}// saved by an editor\n"));
    assert!(temporaries(dir.path()).is_empty());
}

#[test]
fn a_read_only_file_is_reported_and_left_alone() {
    use std::os::unix::fs::PermissionsExt;
    let dir = project();
    let read_only = dir.path().join("frozen.js");
    let writable = dir.path().join("open.js");
    fs::write(&read_only, MIXED).unwrap();
    fs::write(&writable, MIXED).unwrap();
    fs::set_permissions(&read_only, fs::Permissions::from_mode(0o444)).unwrap();
    let output = fix(dir.path());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("frozen.js") && stderr.contains("read-only"), "{stderr}");
    assert!(!stderr.contains("open.js"), "{stderr}");
    assert_eq!(fs::read_to_string(&read_only).unwrap(), MIXED);
    assert_eq!(fs::metadata(&read_only).unwrap().permissions().mode() & 0o777, 0o444);
    assert_eq!(fs::read_to_string(&writable).unwrap(), MIXED_FIXED);
    // `check` never writes, so a read-only file is just checked.
    let output = Command::new(BIN).arg("check").arg(&read_only).output().unwrap();
    assert_eq!(output.status.code(), Some(1), "{}", String::from_utf8_lossy(&output.stderr));
}

#[test]
fn a_symlink_named_on_the_command_line_is_fixed_through_its_target() {
    let dir = project();
    fs::create_dir(dir.path().join("real")).unwrap();
    let target = dir.path().join("real/a.js");
    fs::write(&target, MIXED).unwrap();
    let link = dir.path().join("link.js");
    std::os::unix::fs::symlink("real/a.js", &link).unwrap();
    let output = fix(&link);
    assert_eq!(output.status.code(), Some(0), "{}", String::from_utf8_lossy(&output.stderr));
    assert!(fs::symlink_metadata(&link).unwrap().file_type().is_symlink(), "the link is kept");
    assert_eq!(fs::read_to_string(&target).unwrap(), MIXED_FIXED);
    assert!(temporaries(dir.path()).is_empty());
}

#[test]
fn symlinks_met_while_walking_are_not_followed() {
    let dir = project();
    let tree = dir.path().join("tree");
    let outside = dir.path().join("outside");
    fs::create_dir_all(&tree).unwrap();
    fs::create_dir_all(&outside).unwrap();
    fs::write(outside.join("a.js"), MIXED).unwrap();
    std::os::unix::fs::symlink(outside.join("a.js"), tree.join("file-link.js")).unwrap();
    std::os::unix::fs::symlink(&outside, tree.join("dir-link")).unwrap();
    let output = fix(&tree);
    assert_eq!(output.status.code(), Some(0), "{}", String::from_utf8_lossy(&output.stderr));
    assert_eq!(fs::read_to_string(outside.join("a.js")).unwrap(), MIXED, "nothing outside the tree is touched");
}

#[test]
fn directory_symlink_loops_end_the_walk_or_are_clear_errors() {
    let dir = project();
    let tree = dir.path().join("tree");
    fs::create_dir_all(tree.join("lib")).unwrap();
    fs::write(tree.join("lib/a.js"), MIXED).unwrap();
    // A link back up the tree, and two links that point at each other.
    std::os::unix::fs::symlink("..", tree.join("lib/up")).unwrap();
    std::os::unix::fs::symlink("loop-b", tree.join("loop-a")).unwrap();
    std::os::unix::fs::symlink("loop-a", tree.join("loop-b")).unwrap();
    let output = Command::new(BIN).args(["fix", "--color", "never"]).arg(&tree).output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    assert_eq!(fs::read_to_string(tree.join("lib/a.js")).unwrap(), MIXED_FIXED);

    // Named on the command line, a loop cannot be followed: an error naming it, and the other paths still run.
    fs::write(tree.join("b.js"), MIXED).unwrap();
    let output = Command::new(BIN)
        .args(["fix", "--color", "never"])
        .arg(tree.join("loop-a"))
        .arg(tree.join("b.js"))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("loop-a") && stderr.contains("symbolic link"), "{stderr}");
    assert_eq!(fs::read_to_string(tree.join("b.js")).unwrap(), MIXED_FIXED);

    // A link to an ancestor named on the command line is walked once, without following the loop inside it.
    fs::write(tree.join("lib/a.js"), MIXED).unwrap();
    let output = Command::new(BIN).args(["fix", "--color", "never"]).arg(tree.join("lib/up")).output().unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", String::from_utf8_lossy(&output.stderr));
    assert_eq!(fs::read_to_string(tree.join("lib/a.js")).unwrap(), MIXED_FIXED);
}

#[test]
fn a_later_run_removes_temporaries_that_killed_runs_left() {
    let dir = project();
    fs::create_dir(dir.path().join("lib")).unwrap();
    fs::write(dir.path().join("lib/a.js"), MIXED).unwrap();
    // As a kill between naming and renaming would leave it: pid 999999999 cannot exist (above the kernel maximum).
    let stale = dir.path().join("lib/.exportfix-999999999-0-0.tmp");
    fs::write(&stale, MIXED_FIXED).unwrap();
    let output = fix(dir.path());
    assert_eq!(output.status.code(), Some(0), "{}", String::from_utf8_lossy(&output.stderr));
    assert!(!stale.exists(), "the stale temporary file is removed");
    assert_eq!(fs::read_to_string(dir.path().join("lib/a.js")).unwrap(), MIXED_FIXED);
    assert!(temporaries(dir.path()).is_empty());
}
