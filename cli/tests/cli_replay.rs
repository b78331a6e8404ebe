//! `mx-aggregation replay`: a log of observations folded per member, one decision per member
//! in order of first appearance under its newest guid, bad lines answered as `batch` does,
//! exit 0 or 65.

mod common;

use common::{example_path, mx, run};

const NOW: &str = "2026-11-24T10:41:00Z";

fn replay(stdin: &str, extra: &[&str]) -> common::Run {
    let mut command = mx(["replay", "-", "--now", NOW]);
    command.args(extra).write_stdin(stdin.to_owned());
    run(command)
}

#[test]
fn a_late_challenged_webhook_after_connected_asks_for_a_read_not_mfa() {
    let out = run(mx([
        "replay",
        &example_path("replay_late_challenged.jsonl"),
        "--now",
        NOW,
    ]));
    assert_eq!(out.code, Some(0), "{out:?}");
    assert_eq!(
        out.stdout,
        "{\"guid\":\"MBR-48d9a481-f2a2-7e13-2685-62869cf0d33a\",\"action\":\"read_member\",\"reason\":\"status_webhook\",\"requires_end_user\":false}\n"
    );
    assert_eq!(out.stderr, "lines read: 3, members: 1, lines failed: 0\n");
}

#[test]
fn a_duplicated_denied_webhook_changes_nothing() {
    let out = run(mx([
        "replay",
        &example_path("replay_duplicated_denied.jsonl"),
        "--now",
        NOW,
    ]));
    assert_eq!(out.code, Some(0), "{out:?}");
    assert_eq!(
        out.stdout,
        "{\"guid\":\"MBR-7c6f361b-e582-15b6-60c0-358f12466b4b\",\"action\":\"update_credentials\",\"reason\":\"credentials_required\",\"requires_end_user\":true}\n"
    );
    // Without its duplicates the log gives the same decision.
    let log = std::fs::read_to_string(example_path("replay_duplicated_denied.jsonl")).unwrap();
    let first_two: String = log.lines().take(2).map(|l| format!("{l}\n")).collect();
    assert_eq!(replay(&first_two, &[]).stdout, out.stdout);
}

#[test]
fn one_line_per_member_in_order_of_first_appearance_relinks_under_the_newest_guid() {
    let log = r#"{"received_at": "2026-11-24T10:00:00Z", "payload": {"guid": "MBR-B", "connection_status": "CONNECTED", "aggregated_at": 1795514400, "successfully_aggregated_at": 1795514400}}
{"received_at": "2026-11-24T10:01:00Z", "payload": {"guid": "MBR-A", "connection_status": "DENIED", "is_oauth": true}}
{"received_at": 1795515000, "payload": {"member": {"guid": "MBR-B", "connection_status": "CHALLENGED", "aggregated_at": "2026-11-24T10:05:00Z"}}}
{"received_at": "2026-11-24T10:30:00Z", "previous_guid": "MBR-A", "call": "oauth_window_uri", "payload": {"member": {"guid": "MBR-A2", "oauth_window_uri": "https://int-widgets.moneydesktop.com/oauth/predirect_to/MBR-A2/p8v"}}}
{"received_at": "2026-11-24T10:35:00Z", "payload": {"guid": "MBR-A2", "connection_status": "CONNECTED", "is_oauth": true, "aggregated_at": 1795516500, "successfully_aggregated_at": 1795516500}}
"#;
    let out = replay(log, &[]);
    assert_eq!(out.code, Some(0), "{out:?}");
    let lines: Vec<serde_json::Value> = out
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2, "{}", out.stdout);
    assert_eq!(lines[0]["guid"], "MBR-B");
    assert_eq!(lines[0]["action"], "answer_mfa");
    assert_eq!(lines[1]["guid"], "MBR-A2");
    assert_eq!(lines[1]["action"], "read_data");
}

#[test]
fn bad_lines_are_answered_as_batch_answers_them_and_exit_65() {
    let log = "{\"received_at\": 1795521600, \"payload\": {}}\n\
               \n\
               {\"received_at\": \"yesterday\", \"payload\": {\"guid\": \"MBR-1\"}}\n\
               {\"received_at\": 1795521600, \"payload\": {\"type\": \"AGGREGATION\", \"action\": \"member_data_updated\", \"completed_at\": 1795521000, \"member_guid\": \"MBR-1\"}}\n\
               {\"received_at\": 1795521600, \"call\": \"status\", \"http_status\": 500, \"payload\": {}}\n\
               {\"received_at\": 1795521600, \"http_status\": 404, \"payload\": {}}\n\
               {\"received_at\": 1795521600}\n\
               not json\n";
    let out = replay(log, &[]);
    assert_eq!(out.code, Some(65), "{out:?}");
    let expected = [
        r#"{"line":1,"error":"not a member payload: an empty object"}"#,
        r#"{"line":3,"error":"received_at: expected RFC 3339 or Unix seconds, got \"yesterday\""}"#,
        r#"{"line":5,"error":"the observation names no member: the payload has no guid or member_guid; add \"guid\" to the line"}"#,
        r#"{"line":6,"error":"http_status without call: name the call it answers (create, read, status, aggregate, verify, identify, resume, update, oauth_window_uri, challenges)"}"#,
        r#"{"line":7,"error":"payload: missing"}"#,
    ];
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert_eq!(&lines[..5], expected);
    assert!(
        lines[5].starts_with(r#"{"line":8,"error":"invalid line: "#),
        "{}",
        lines[5]
    );
    assert_eq!(
        lines[6],
        r#"{"guid":"MBR-1","action":"read_data","as_of":"2026-11-24T11:50:00Z","reason":"data_webhook","requires_end_user":false}"#
    );
    assert_eq!(lines.len(), 7);
    assert_eq!(out.stderr, "lines read: 8, members: 1, lines failed: 6\n");
}

#[test]
fn answers_to_calls_fold_into_the_member() {
    let log = r#"{"received_at": "2026-11-24T10:00:00Z", "payload": {"guid": "MBR-1", "connection_status": "CONNECTED", "is_oauth": false, "background_aggregation_is_disabled": true, "aggregated_at": 1795400000, "successfully_aggregated_at": 1795400000}}
{"received_at": "2026-11-24T10:01:00Z", "call": "aggregate", "http_status": 202, "payload": {"member": {"guid": "MBR-1", "connection_status": "CONNECTED", "is_being_aggregated": false, "aggregated_at": "2026-11-24T09:30:00Z", "successfully_aggregated_at": 1795400000}}}
"#;
    let out = replay(log, &[]);
    assert_eq!(out.code, Some(0), "{out:?}");
    assert_eq!(
        out.stdout,
        "{\"guid\":\"MBR-1\",\"action\":\"wait\",\"until\":\"2026-11-24T12:30:00Z\",\"reason\":\"cooldown\",\"requires_end_user\":false}\n"
    );
    let gone = r#"{"received_at": "2026-11-24T10:02:00Z", "call": "read", "http_status": 404, "guid": "MBR-1", "payload": {"error": "not found"}}
"#;
    let out = replay(&format!("{log}{gone}"), &["--end-user", "absent"]);
    assert_eq!(
        out.stdout,
        "{\"guid\":\"MBR-1\",\"action\":\"stop\",\"reason\":\"member_gone\",\"requires_end_user\":false}\n"
    );
}

#[test]
fn an_unreadable_file_exits_1() {
    let out = run(mx(["replay", "/nonexistent/log.jsonl", "--now", NOW]));
    assert_eq!(out.code, Some(1), "{out:?}");
}
