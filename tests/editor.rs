//! A real editor as the client: Neovim (headless) opens a buggy file with `exportfix server` attached through its
//! built-in LSP client, waits for the diagnostic, applies the quick fix and writes the file (tests/editor/neovim.lua).
//! CI installs Neovim (.ci/run); elsewhere, without `nvim` on the PATH, the test says it was skipped.
#![cfg(unix)]

mod common;

use std::process::{Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use common::*;

const TIMEOUT: Duration = Duration::from_secs(90);

#[test]
fn neovim_shows_the_diagnostic_and_applies_the_quick_fix() {
    if Command::new("nvim").arg("--version").stdout(Stdio::null()).status().is_err() {
        assert!(std::env::var_os("CI").is_none(), "nvim is required in CI (.ci/run installs it)");
        eprintln!("skipped: nvim is not installed");
        return;
    }
    let project = Project::new();
    project.write("lib/a.js", REASSIGN);
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/editor/neovim.lua");
    let mut nvim = Command::new("nvim")
        .args(["--headless", "--clean", "lib/a.js", "-c", &format!("luafile {script}")])
        .current_dir(project.dir.path())
        .env("EXPORTFIX_BIN", BIN)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start nvim");
    let deadline = Instant::now() + TIMEOUT;
    let status = loop {
        if let Some(status) = nvim.try_wait().expect("wait for nvim") {
            break status;
        }
        if Instant::now() > deadline {
            let _ = nvim.kill();
            panic!("nvim did not finish within {TIMEOUT:?}");
        }
        thread::sleep(Duration::from_millis(20));
    };
    let output = nvim.wait_with_output().expect("nvim output");
    assert!(status.success(), "nvim failed: {}", String::from_utf8_lossy(&output.stderr));
    assert_eq!(project.read_text("lib/a.js"), REASSIGN_FIXED);
    let report = project.read_text("report.txt");
    let lines: Vec<&str> = report.lines().collect();
    assert_eq!(lines[0], "exportfix", "{report}");
    assert!(lines[1].contains("module.exports"), "{report}");
    assert_eq!(lines[2], "Assign to `module.exports` and use it throughout the file", "{report}");
}
