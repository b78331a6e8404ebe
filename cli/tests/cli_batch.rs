//! `mx-aggregation batch`: JSON Lines in, exactly one JSON line out per non-blank input
//! line, in input order, bad lines answered in place; summary on stderr; exit 0 or 65.

mod common;

use common::{EXAMPLES, example, example_path, mx, run};
use serde_json::{Value, json};

const NOW: &str = "2026-11-24T12:00:00Z";

/// The output lines as JSON objects, after checking each is one compact line.
fn json_lines(stdout: &str) -> Vec<Value> {
    assert!(stdout.is_empty() || stdout.ends_with('\n'), "{stdout:?}");
    stdout
        .lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("{line}: {e}")))
        .collect()
}

#[test]
fn the_readme_example_interleaves_errors_in_input_order() {
    let out = run(mx(["batch", &example_path("members.jsonl"), "--now", NOW]));
    assert_eq!(out.code, Some(65), "{out:?}");
    insta::assert_snapshot!("members_jsonl_stdout", out.stdout);
    insta::assert_snapshot!("members_jsonl_stderr", out.stderr);

    let input = example("members.jsonl");
    let non_blank: Vec<usize> = input
        .lines()
        .enumerate()
        .filter(|(_, line)| !line.trim().is_empty())
        .map(|(i, _)| i + 1)
        .collect();
    let output = json_lines(&out.stdout);
    assert_eq!(
        output.len(),
        non_blank.len(),
        "one output line per non-blank line"
    );
    for (line_no, object) in non_blank.iter().zip(&output) {
        match object.get("line") {
            Some(n) => assert_eq!(n, &json!(line_no), "{object}"),
            None => assert!(object["action"].is_string(), "{object}"),
        }
    }
}

#[test]
fn each_example_as_a_line_gives_what_decide_gives() {
    let mut input = String::new();
    let mut expected = String::new();
    for name in EXAMPLES {
        let member: Value = serde_json::from_str(&example(name)).unwrap();
        input.push_str(&serde_json::to_string(&member).unwrap());
        input.push('\n');
        let decided = run(mx([
            "decide",
            "--format",
            "json",
            "--now",
            NOW,
            &example_path(name),
        ]));
        expected.push_str(&decided.stdout);
    }
    let out = run(mx(["batch", "--now", NOW]).write_stdin(input));
    assert_eq!(out.code, Some(0), "{out:?}");
    assert_eq!(out.stdout, expected);
    assert!(
        out.stderr
            .starts_with("lines read: 5, members decided: 5, lines failed: 0\n"),
        "{}",
        out.stderr
    );
}

#[test]
fn bad_lines_are_answered_in_place_and_the_rest_go_on() {
    let input = [
        r#"{"guid":"MBR-1","connection_status":"CLOSED"}"#,
        "",
        r#"{"guid":"MBR-2","connection_status":"TELEPORTED"}"#,
        "   ",
        "not json",
        r#"{"guid":"MBR-3","connection_status":"FAILED","successfully_aggregated_at":"last tuesday"}"#,
        r#"{"member_guid":"MBR-4","connection_status_id":3}"#,
        r#"{"guid":"MBR-5","connection_status":"FAILED","is_being_aggregated":1}"#,
        r#"{"guid":"MBR-6","connection_status":"LOCKED"}"#,
    ]
    .join("\n");
    let out = run(mx(["batch", "--now", NOW]).write_stdin(input));
    assert_eq!(out.code, Some(65));
    assert_eq!(
        json_lines(&out.stdout),
        [
            json!({"guid": "MBR-1", "action": "stop", "reason": "terminal_status", "requires_end_user": false}),
            json!({"line": 3, "error": "unknown connection_status \"TELEPORTED\"", "guid": "MBR-2"}),
            json!({"line": 5, "error": "invalid JSON: expected ident at line 1 column 2"}),
            json!({"line": 6, "error": "successfully_aggregated_at: expected RFC 3339 or Unix seconds, got \"last tuesday\"", "guid": "MBR-3"}),
            json!({"guid": "MBR-4", "action": "answer_mfa", "reason": "mfa_challenge", "requires_end_user": true}),
            json!({"line": 8, "error": "is_being_aggregated: expected a boolean or null, got 1", "guid": "MBR-5"}),
            json!({"guid": "MBR-6", "action": "resolve_at_institution", "reason": "institution_action_required", "requires_end_user": true}),
        ]
    );
    assert!(
        out.stderr
            .starts_with("lines read: 9, members decided: 3, lines failed: 4\n"),
        "{}",
        out.stderr
    );
}

#[test]
fn invalid_utf8_crlf_and_a_missing_final_newline_are_handled() {
    let mut input = Vec::new();
    input.extend_from_slice(
        b"{\"guid\":\"MBR-1\",\"connection_status\":\"DENIED\",\"is_oauth\":false}\r\n",
    );
    input.extend_from_slice(b"{\"guid\":\"MBR-\xff\",\"connection_status\":\"DENIED\"}\n");
    input.extend_from_slice(b"\r\n");
    input.extend_from_slice(
        b"{\"guid\":\"MBR-3\",\"connection_status\":\"IMPORTED\",\"is_oauth\":false}",
    );
    let out = run(mx(["batch", "--now", NOW]).write_stdin(input));
    assert_eq!(out.code, Some(65));
    assert_eq!(
        json_lines(&out.stdout),
        [
            json!({"guid": "MBR-1", "action": "update_credentials", "reason": "credentials_required", "requires_end_user": true}),
            json!({"line": 2, "error": "invalid UTF-8 at byte offset 13"}),
            json!({"guid": "MBR-3", "action": "update_credentials", "reason": "credentials_required", "requires_end_user": true}),
        ]
    );
}

#[test]
fn empty_and_blank_inputs_decide_nothing_and_succeed() {
    for input in ["", "\n\n", "  \n\t\n"] {
        let out = run(mx(["batch", "--now", NOW]).write_stdin(input));
        assert_eq!((out.code, out.stdout.as_str()), (Some(0), ""), "{input:?}");
    }
}

#[test]
fn a_file_and_standard_input_give_the_same_output() {
    let file = run(mx(["batch", "--now", NOW, &example_path("members.jsonl")]));
    let stdin = run(mx(["batch", "--now", NOW, "-"]).write_stdin(example("members.jsonl")));
    assert_eq!(file.stdout, stdin.stdout);
    assert_eq!(file.stderr, stdin.stderr);
    assert_eq!(file.code, stdin.code);
}

#[test]
fn output_order_follows_input_order_over_many_lines() {
    let lines = 20_000;
    let input: String = (0..lines)
        .map(|i| {
            if i % 97 == 0 {
                format!("{{\"guid\":\"MBR-{i}\",\"connection_status\":{i}}}\n")
            } else {
                format!("{{\"guid\":\"MBR-{i}\",\"connection_status\":\"CLOSED\"}}\n")
            }
        })
        .collect();
    let out = run(mx(["batch", "--now", NOW]).write_stdin(input));
    assert_eq!(out.code, Some(65));
    let output = json_lines(&out.stdout);
    assert_eq!(output.len(), lines);
    for (i, object) in output.iter().enumerate() {
        assert_eq!(object["guid"], json!(format!("MBR-{i}")));
        assert_eq!(object.get("line").is_some(), i % 97 == 0, "{object}");
    }
}

#[test]
fn a_line_longer_than_16_mib_is_skipped_with_an_error_line() {
    let good = r#"{"guid": "MBR-1", "connection_status": "CHALLENGED"}"#;
    let huge = format!(r#"{{"guid": "MBR-2", "name": "{}"}}"#, "x".repeat(17 << 20));
    let input = format!("{good}\n{huge}\n{good}\n{huge}");
    let out = run(mx(["batch", "--now", NOW]).write_stdin(input));
    assert_eq!(out.code, Some(65), "{}", out.stderr);
    let lines = json_lines(&out.stdout);
    assert_eq!(lines.len(), 4);
    assert_eq!(lines[0]["action"], json!("answer_mfa"));
    assert_eq!(
        lines[1],
        json!({"line": 2, "error": "line longer than 16777216 bytes: skipped"})
    );
    assert_eq!(lines[2]["action"], json!("answer_mfa"));
    assert_eq!(
        lines[3],
        json!({"line": 4, "error": "line longer than 16777216 bytes: skipped"})
    );
}

#[test]
fn payloads_that_are_not_members_get_error_lines_and_exit_65() {
    let input = [
        r#"{}"#,
        r#"{"members":[{"guid":"MBR-1","connection_status":"CONNECTED"}],"pagination":{}}"#,
        r#"{"action":"created","user":{"guid":"USR-1"}}"#,
        r#"{"type":"CONNECTION_STATUS","action":"CHANGED","member_guid":"MBR-2","connection_status":"DENIED"}"#,
    ]
    .join("\n");
    let out = run(mx(["batch", "--now", NOW]).write_stdin(input));
    assert_eq!(out.code, Some(65));
    assert_eq!(
        json_lines(&out.stdout),
        [
            json!({"line": 1, "error": "not a member payload: an empty object"}),
            json!({"line": 2, "error": "not a member payload: a page of members (\"members\"): give each member on its own"}),
            json!({"line": 3, "error": "not a member payload: a user (\"user\")"}),
            json!({"guid": "MBR-2", "action": "read_member", "reason": "status_webhook", "requires_end_user": false}),
        ]
    );
}

#[test]
fn end_user_absent_waits_for_background_aggregation() {
    let line = r#"{"guid":"MBR-1","connection_status":"CONNECTED","aggregated_at":"2026-11-23T09:00:00Z","successfully_aggregated_at":"2026-11-23T09:00:00Z","background_aggregation_is_disabled":false,"is_oauth":false}"#;
    let now = "2026-11-24T12:00:00Z";
    let present = run(mx(["batch", "--now", now]).write_stdin(line));
    assert_eq!(
        json_lines(&present.stdout),
        [
            json!({"guid": "MBR-1", "action": "aggregate", "reason": "stale_data", "requires_end_user": true})
        ]
    );
    let absent = run(mx(["batch", "--now", now, "--end-user", "absent"]).write_stdin(line));
    assert_eq!(absent.code, Some(0));
    assert_eq!(
        json_lines(&absent.stdout),
        [
            json!({"guid": "MBR-1", "action": "wait", "until": "2026-11-25T09:00:00Z", "reason": "background_aggregation", "requires_end_user": false})
        ]
    );
}
