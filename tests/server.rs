//! `exportfix server`: the language server over a real stdio pipe — diagnostics, code actions whose edits give what
//! `exportfix fix --stdin-filename` gives, changes, closing, encodings, bad input and the exit codes.
#![cfg(unix)]

mod common;

use common::lsp::{apply_edits, uri, Client};
use common::*;
use serde_json::{json, Value};

/// A file with a safe fix (`exports-reassign`) and one that is only unsafe (the rebind would drop `slugify`).
const UNSAFE: &str = "exports.slugify = function (s) { return s; };\nexports = { render: 1 };\n";

fn started(project: &Project) -> Client {
    let mut client = Client::start(project.dir.path(), &[]);
    client.initialize(json!({}));
    client
}

/// What `exportfix fix --stdin-filename` (with extra flags) writes for `text` as `name` in the project.
fn cli_fix(project: &Project, name: &str, text: &str, flags: &[&str]) -> String {
    let args: Vec<&str> = ["fix", "--stdin-filename", name].iter().chain(flags).copied().collect();
    exportfix(project.dir.path(), &args, Some(text.as_bytes())).stdout
}

/// A message as a stable, readable snapshot: the project's temporary path replaced.
fn redacted(project: &Project, message: &Value) -> String {
    let text = serde_json::to_string_pretty(message).unwrap();
    text.replace(&project.dir.path().display().to_string(), "[project]")
}

/// The code actions for the start of `line`.
fn actions(client: &mut Client, uri: &str, line: u32, only: Option<&[&str]>) -> Vec<Value> {
    let position = json!({ "line": line, "character": 0 });
    actions_at(client, uri, json!({ "start": position, "end": position }), only)
}

fn actions_at(client: &mut Client, uri: &str, range: Value, only: Option<&[&str]>) -> Vec<Value> {
    let mut context = json!({ "diagnostics": [] });
    if let Some(only) = only {
        context["only"] = json!(only);
    }
    let params = json!({ "textDocument": { "uri": uri }, "range": range, "context": context });
    let response = client.request("textDocument/codeAction", params);
    response["result"].as_array().cloned().unwrap_or_default()
}

/// The edits of a code action, whichever shape (`changes` or `documentChanges`) the server used.
fn edits_of(action: &Value, uri: &str) -> Vec<Value> {
    let edit = &action["edit"];
    if let Some(changes) = edit["documentChanges"].as_array() {
        return changes.iter().flat_map(|change| change["edits"].as_array().cloned().unwrap_or_default()).collect();
    }
    edit["changes"][uri].as_array().cloned().expect("the action edits this document")
}

#[test]
fn initialize_announces_code_actions_and_the_encoding() {
    let project = Project::new();
    let mut client = Client::start(project.dir.path(), &[]);
    let result = client.initialize(json!({}));
    insta::assert_snapshot!("initialize_result", redacted(&project, &result));
    let offered = json!({ "general": { "positionEncodings": ["utf-32", "utf-8", "utf-16"] } });
    let mut other = Client::start(project.dir.path(), &[]);
    assert_eq!(other.initialize(offered)["capabilities"]["positionEncoding"], "utf-8");
}

#[test]
fn diagnostics_and_code_actions_match_the_cli() {
    let project = Project::new();
    let path = project.path("lib/a.js");
    let uri = uri(&path);
    let text = format!("{MIXED}exports.c = 3;\n");
    let mut client = Client::start(project.dir.path(), &[]);
    client.initialize(json!({ "workspace": { "workspaceEdit": { "documentChanges": true } } }));
    client.open(&uri, 1, &text);
    let published = client.diagnostics(&uri);
    insta::assert_snapshot!("diagnostics", redacted(&project, &published));
    assert_eq!(published["version"], 1);

    let all = actions_at(&mut client, &uri, published["diagnostics"][0]["range"].clone(), None);
    insta::assert_snapshot!("code_actions", redacted(&project, &Value::Array(all.clone())));
    let expected = cli_fix(&project, "lib/a.js", &text, &[]);
    assert_ne!(expected, text, "the CLI fixes this text");
    let quick_fix = all.iter().find(|action| action["kind"] == "quickfix").expect("a quick fix");
    assert_eq!(quick_fix["isPreferred"], true);
    assert_eq!(quick_fix["edit"]["documentChanges"][0]["textDocument"]["version"], 1, "edits name their version");
    assert_eq!(apply_edits(&text, &edits_of(quick_fix, &uri), "utf-16"), expected);
    let fix_all = actions(&mut client, &uri, 0, Some(&["source.fixAll"]));
    assert_eq!(fix_all.len(), 1, "{fix_all:#?}");
    assert_eq!(fix_all[0]["kind"], "source.fixAll.exportfix");
    assert_eq!(apply_edits(&text, &edits_of(&fix_all[0], &uri), "utf-16"), expected);
}

#[test]
fn unsafe_fixes_say_so_are_never_preferred_and_stay_out_of_fix_all() {
    let project = Project::new();
    let uri = uri(&project.path("md.js"));
    let mut client = started(&project);
    client.open(&uri, 1, UNSAFE);
    let published = client.diagnostics(&uri);
    assert_eq!(published["diagnostics"][0]["code"], "exports-reassign", "{published:#}");
    let all = actions(&mut client, &uri, 1, None);
    assert_eq!(all.len(), 1, "only the unsafe quick fix, no fix-all: {all:#?}");
    assert!(all[0]["title"].as_str().unwrap().contains("unsafe"), "{all:#?}");
    assert_eq!(all[0]["isPreferred"], false);
    let expected = cli_fix(&project, "md.js", UNSAFE, &["--unsafe"]);
    assert_ne!(expected, UNSAFE);
    assert_eq!(apply_edits(UNSAFE, &edits_of(&all[0], &uri), "utf-16"), expected);
    assert_eq!(cli_fix(&project, "md.js", UNSAFE, &[]), UNSAFE, "fix without --unsafe leaves it");
}

#[test]
fn positions_follow_the_negotiated_encoding_after_astral_characters_and_crlf() {
    let project = Project::new();
    let uri = uri(&project.path("a.js"));
    // Before the finding: a CRLF line, a lone-CR line (a line break in LSP) and an emoji on the finding's line.
    let text = "// café\r\n//\r/* 😀 */ exports = function () {};\r\n";
    let expected = cli_fix(&project, "a.js", text, &[]);
    for (encoding, character) in [("utf-16", 9), ("utf-8", 11), ("utf-32", 8)] {
        let mut client = Client::start(project.dir.path(), &[]);
        let offered =
            if encoding == "utf-16" { json!({}) } else { json!({ "general": { "positionEncodings": [encoding] } }) };
        let result = client.initialize(offered);
        assert_eq!(result["capabilities"]["positionEncoding"], encoding);
        client.open(&uri, 1, text);
        let published = client.diagnostics(&uri);
        assert_eq!(published["diagnostics"][0]["range"]["start"], json!({ "line": 2, "character": character }));
        let range = published["diagnostics"][0]["range"].clone();
        let fix = actions_at(&mut client, &uri, range, Some(&["quickfix"]));
        assert_eq!(apply_edits(text, &edits_of(&fix[0], &uri), encoding), expected, "{encoding}");
    }
}

#[test]
fn changes_are_reanalysed_never_published_stale_and_closing_clears() {
    let project = Project::new();
    let uri = uri(&project.path("a.js"));
    let mut client = started(&project);
    client.open(&uri, 1, REASSIGN);
    assert_eq!(client.diagnostics(&uri)["diagnostics"].as_array().unwrap().len(), 1);
    // Rapid changes alternating clean and buggy: whatever is published is for a version at least as new as the
    // last one published, and right for that version's text; the last one is for the last version.
    for version in 2..=40 {
        client.change(&uri, version, if version % 2 == 0 { CLEAN } else { REASSIGN });
    }
    client.change(&uri, 41, CLEAN);
    let mut last = 1;
    loop {
        let published = client.diagnostics(&uri);
        let version = published["version"].as_i64().expect("a version");
        assert!(version > last, "version {version} published after {last}");
        let expected = if version % 2 == 0 || version == 41 { 0 } else { 1 };
        assert_eq!(published["diagnostics"].as_array().unwrap().len(), expected, "version {version}");
        last = version;
        if version == 41 {
            break;
        }
    }
    client.change(&uri, 42, REASSIGN);
    assert_eq!(client.diagnostics(&uri)["version"], 42);
    client.notify("textDocument/didClose", json!({ "textDocument": { "uri": uri } }));
    let cleared = client.diagnostics(&uri);
    assert_eq!(cleared["diagnostics"], json!([]));
    assert!(cleared.get("version").is_none_or(Value::is_null), "{cleared:#}");
}

/// The hold hook exists in debug builds only, as the tests run them.
#[cfg(debug_assertions)]
#[test]
fn analysis_runs_off_the_message_loop_and_queued_versions_are_coalesced() {
    let project = Project::new();
    let release = project.path("release");
    let hold = [("EXPORTFIX_DEBUG_HOLD_UNTIL", release.to_str().unwrap()), ("EXPORTFIX_DEBUG_PANIC_ON", "PANIC-HERE")];
    let mut client = Client::start(project.dir.path(), &hold);
    client.initialize(json!({}));
    let held = uri(&project.path("held.js"));
    client.open(&held, 1, &format!("// exportfix-debug-hold\n{REASSIGN}"));
    // Versions 1-9 queue up behind the held analysis; any of them analysed would panic and say so on stderr.
    let queued = uri(&project.path("queued.js"));
    client.open(&queued, 1, &format!("// PANIC-HERE\n{REASSIGN}"));
    for version in 2..=9 {
        client.change(&queued, version, &format!("// PANIC-HERE\n{REASSIGN}"));
    }
    client.change(&queued, 10, CLEAN);
    // Answered while the analysis is held: the loop does not wait for it. Being answered also means every
    // change above was handed to the worker, which is still held.
    let unknown = uri(&project.path("not-open.js"));
    assert_eq!(actions(&mut client, &unknown, 0, None), Vec::<Value>::new());
    std::fs::write(&release, "").unwrap();
    assert_eq!(client.diagnostics(&held)["diagnostics"][0]["code"], "exports-reassign");
    let published = client.diagnostics(&queued);
    assert_eq!(published["version"], 10, "{published:#}");
    assert_eq!(published["diagnostics"], json!([]));
    client.request("shutdown", Value::Null);
    client.notify("exit", Value::Null);
    assert_eq!(client.exit_code(), Some(0));
    assert!(!client.stderr().contains("panicked"), "a queued version was analysed:\n{}", client.stderr());
}

#[test]
fn the_buffer_is_analysed_with_the_config_and_package_type_of_its_directory() {
    let project = Project::new();
    project.write("styled/exportfix.json", r#"{ "style": "module-exports" }"#);
    project.write("esm/package.json", r#"{ "type": "module" }"#);
    project.write("broken-config/exportfix.json", r#"{ "styles": "mixed" }"#);
    let mut client = started(&project);
    let styled = uri(&project.path("styled/a.js"));
    client.open(&styled, 1, ONLY_EXPORTS);
    let diagnostic = &client.diagnostics(&styled)["diagnostics"][0];
    assert_eq!(diagnostic["code"], "prefer-module-exports");
    assert_eq!(diagnostic["severity"], 2, "style rules are warnings");
    let esm = uri(&project.path("esm/a.js"));
    client.open(&esm, 1, REASSIGN);
    assert_eq!(client.diagnostics(&esm)["diagnostics"], json!([]));
    let plain = uri(&project.path("plain/a.js"));
    client.open(&plain, 1, ONLY_EXPORTS);
    assert_eq!(client.diagnostics(&plain)["diagnostics"], json!([]), "no style finding without the config");
    project.write("excluding/exportfix.json", r#"{ "exclude": ["vendor"] }"#);
    let excluded = uri(&project.path("excluding/vendor/lib/a.js"));
    client.open(&excluded, 1, REASSIGN);
    assert_eq!(client.diagnostics(&excluded)["diagnostics"], json!([]), "excluded by the config file");
    let included = uri(&project.path("excluding/lib/a.js"));
    client.open(&included, 1, REASSIGN);
    assert_eq!(client.diagnostics(&included)["diagnostics"][0]["code"], "exports-reassign");
    let misconfigured = uri(&project.path("broken-config/a.js"));
    client.open(&misconfigured, 1, REASSIGN);
    let message = client.diagnostics(&misconfigured)["diagnostics"][0]["message"].clone();
    assert!(message.as_str().unwrap().contains("unknown key `styles`"), "{message}");
}

#[test]
fn a_syntax_error_is_one_diagnostic_as_the_cli_reports_it() {
    let project = Project::new();
    let uri = uri(&project.path("a.js"));
    let mut client = started(&project);
    client.open(&uri, 1, BROKEN);
    let published = client.diagnostics(&uri);
    let diagnostics = published["diagnostics"].as_array().unwrap();
    assert_eq!(diagnostics.len(), 1, "{published:#}");
    let cli = exportfix(
        project.dir.path(),
        &["check", "--stdin-filename", "a.js", "--format", "json"],
        Some(BROKEN.as_bytes()),
    );
    let error = &cli.json()["errors"][0];
    assert_eq!(diagnostics[0]["message"], error["message"], "{cli:?}");
    let start = &diagnostics[0]["range"]["start"];
    assert_eq!(
        (start["line"].as_u64(), start["character"].as_u64()),
        (error["line"].as_u64().map(|l| l - 1), error["column"].as_u64().map(|c| c - 1))
    );
    assert_eq!(actions(&mut client, &uri, 0, None), Vec::<Value>::new());
}

#[test]
fn malformed_messages_get_json_rpc_errors_and_the_server_lives() {
    let project = Project::new();
    let mut client = Client::start(project.dir.path(), &[]);
    let early = client.request("textDocument/codeAction", json!({}));
    client.initialize(json!({}));
    client.send_raw(b"{not json");
    let parse_error = client.wait_for("a parse error", |m| m["error"]["code"] == -32700);
    client.send_raw(b"[1, 2]");
    let invalid = client.wait_for("an invalid request error", |m| m["error"]["code"] == -32600);
    let unknown = client.request("workspace/unknownThing", json!({}));
    let bad_params = client.request("textDocument/codeAction", json!({ "textDocument": 7 }));
    client.notify("textDocument/didOpen", json!({ "nonsense": true }));
    let errors = json!([early, parse_error, invalid, unknown, bad_params]);
    insta::assert_snapshot!("malformed_errors", redacted(&project, &errors));
    let uri = uri(&project.path("a.js"));
    client.open(&uri, 1, REASSIGN);
    assert_eq!(client.diagnostics(&uri)["diagnostics"][0]["code"], "exports-reassign");
}

#[test]
fn exit_codes_follow_the_spec() {
    let project = Project::new();
    let mut client = started(&project);
    assert_eq!(client.request("shutdown", Value::Null)["result"], Value::Null);
    let after = client.request("textDocument/codeAction", json!({}));
    assert_eq!(after["error"]["code"], -32600, "{after:#}");
    client.notify("exit", Value::Null);
    assert_eq!(client.exit_code(), Some(0));

    let mut client = started(&project);
    client.notify("exit", Value::Null);
    assert_eq!(client.exit_code(), Some(1), "exit without shutdown");
    assert_eq!(started(&project).finish(), Some(1), "end of input without shutdown");
}

/// The panic hook exists in debug builds only, as the tests run them.
#[cfg(debug_assertions)]
#[test]
fn a_panic_in_one_analysis_is_reported_and_logged_and_the_server_lives() {
    let project = Project::new();
    let mut client = Client::start(project.dir.path(), &[("EXPORTFIX_DEBUG_PANIC_ON", "PANIC-HERE")]);
    client.initialize(json!({}));
    let uri = uri(&project.path("a.js"));
    client.open(&uri, 1, &format!("// PANIC-HERE\n{REASSIGN}"));
    let published = client.diagnostics(&uri);
    assert!(published["diagnostics"][0]["message"].as_str().unwrap().starts_with("internal error"), "{published:#}");
    client.change(&uri, 2, REASSIGN);
    assert_eq!(client.diagnostics(&uri)["diagnostics"][0]["code"], "exports-reassign");
    assert!(client.stderr().contains("panicked"), "{}", client.stderr());
}
