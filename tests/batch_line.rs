//! `batch::triage_line`, the per-line code path of `mx-aggregation batch`: exactly one JSON
//! line per non-blank input line, decision or error, whatever the bytes.

mod common;

use common::{example, now};
use mx_aggregation::batch::{LineOutcome, triage_line, write_decision};
use mx_aggregation::{Decision, EndUser, MemberJson, Policy, decide};
use proptest::prelude::*;
use serde_json::{Value, json};

/// Triages one line and returns its outcome and output.
fn triage(line: &[u8], line_no: u64) -> (LineOutcome, String) {
    let mut out = Vec::new();
    let outcome = triage_line(
        line,
        line_no,
        now(),
        &Policy::default(),
        EndUser::Present,
        &mut out,
    );
    (outcome, String::from_utf8(out).expect("output is UTF-8"))
}

/// The one JSON object of a one-line output.
fn only_line(out: &str) -> Value {
    let line = out.strip_suffix('\n').expect("ends with a newline");
    assert!(!line.contains('\n'), "one line: {out:?}");
    serde_json::from_str(line).expect("the line is JSON")
}

#[test]
fn blank_lines_write_nothing() {
    for blank in [&b""[..], b"\n", b"\r\n", b"   \t \n", b"\t"] {
        assert_eq!(triage(blank, 1), (LineOutcome::Blank, String::new()));
    }
}

#[test]
fn each_example_payload_folded_to_one_line_gives_the_decision_with_its_guid() {
    for name in [
        "member.json",
        "member_status_challenged.json",
        "member_status_connected.json",
        "member_webhook.json",
        "connection_status_webhook.json",
    ] {
        let text = example(name);
        let folded = serde_json::to_string(&serde_json::from_str::<Value>(&text).unwrap()).unwrap();
        let member = MemberJson::parse(&text).unwrap();
        let expected = decide(&member.snapshot().unwrap(), now(), &Policy::default());

        let (outcome, out) = triage(folded.as_bytes(), 7);
        assert_eq!(outcome, LineOutcome::Decided(expected), "{name}");
        let line = only_line(&out);
        let guid = member.guid().expect("every example names its member");
        assert_eq!(line["guid"], json!(guid), "{name}");
        assert_eq!(
            serde_json::from_value::<Decision>(line).unwrap(),
            expected,
            "{name}"
        );
        assert!(out.starts_with(r#"{"guid":"#), "guid comes first: {out}");
    }
}

#[test]
fn the_decision_line_is_the_decision_json_with_guid_first() {
    let (_, out) = triage(
        br#"{"guid":"MBR-1","connection_status":"FAILED","successfully_aggregated_at":"2026-11-24T11:00:00Z"}"#,
        1,
    );
    assert_eq!(
        out,
        "{\"guid\":\"MBR-1\",\"action\":\"wait\",\"until\":\"2026-11-24T14:00:00Z\",\"reason\":\"cooldown\",\"requires_end_user\":false}\n"
    );
}

#[test]
fn a_member_without_a_guid_gets_the_bare_decision() {
    let (outcome, out) = triage(br#"{"connection_status":"CLOSED"}"#, 1);
    let LineOutcome::Decided(decision) = outcome else {
        panic!("decided: {out}")
    };
    assert_eq!(out, serde_json::to_string(&decision).unwrap() + "\n");
}

#[test]
fn line_endings_do_not_matter() {
    let member = br#"{"guid":"MBR-1","connection_status":"LOCKED"}"#;
    let (_, bare) = triage(member, 1);
    for ending in [&b"\n"[..], b"\r\n", b"  \n"] {
        let (_, out) = triage(&[&member[..], ending].concat(), 1);
        assert_eq!(out, bare);
    }
}

#[test]
fn error_positions_are_within_the_line_without_its_ending() {
    for ending in ["", "\n", "\r\n"] {
        let (_, out) = triage(format!("{{\"guid\":\"MBR-1\"{ending}").as_bytes(), 9);
        assert_eq!(
            only_line(&out)["error"],
            json!("invalid JSON: EOF while parsing an object at line 1 column 15"),
            "{ending:?}"
        );
    }
}

#[test]
fn a_guid_with_escapes_is_written_back_unchanged() {
    let (_, out) = triage(
        br#"{"member_guid":"MBR-\"q\"-\u00e9","connection_status_id":12}"#,
        1,
    );
    assert_eq!(only_line(&out)["guid"], json!("MBR-\"q\"-\u{e9}"));
}

#[test]
fn bad_data_gives_the_line_number_the_message_and_the_guid_when_readable() {
    let cases: [(&[u8], Value); 8] = [
        (
            br#"{"guid":"MBR-2","connection_status":"TELEPORTED"}"#,
            json!({"line": 4, "error": "unknown connection_status \"TELEPORTED\"", "guid": "MBR-2"}),
        ),
        (
            br#"{"guid":"MBR-3","connection_status":null,"successfully_aggregated_at":"last tuesday"}"#,
            json!({"line": 4, "error": "successfully_aggregated_at: expected RFC 3339 or Unix seconds, got \"last tuesday\"", "guid": "MBR-3"}),
        ),
        (
            br#"{"member":{"guid":"MBR-4","connection_status":"FAILED","is_being_aggregated":"yes"}}"#,
            json!({"line": 4, "error": "is_being_aggregated: expected a boolean or null, got \"yes\"", "guid": "MBR-4"}),
        ),
        (
            br#"{"members":[{"guid":"MBR-7","connection_status":"CONNECTED"}]}"#,
            json!({"line": 4, "error": "not a member payload: a page of members (\"members\"): give each member on its own"}),
        ),
        (
            br#"{"type":"CONNECTION_STATUS","action":"CHANGED","connection_status":"DENIED"}"#,
            json!({"line": 4, "error": "connection status webhook without member_guid"}),
        ),
        (
            br#"{"connection_status":"CONNECTED""#,
            json!({"line": 4, "error": "invalid JSON: EOF while parsing an object at line 1 column 32"}),
        ),
        (
            br#""MBR-6""#,
            json!({"line": 4, "error": "invalid JSON: invalid type: string \"MBR-6\", expected an MX member object at line 1 column 7"}),
        ),
        (
            b"{\"guid\":\"MBR-5\",\"name\":\"\xff\"}",
            json!({"line": 4, "error": "invalid UTF-8 at byte offset 24"}),
        ),
    ];
    for (line, expected) in cases {
        let (outcome, out) = triage(line, 4);
        assert_eq!(outcome, LineOutcome::Failed, "{out}");
        assert_eq!(only_line(&out), expected);
        assert!(
            out.starts_with(r#"{"line":4,"error":"#),
            "line first: {out}"
        );
    }
}

#[test]
fn output_appends_and_never_rewrites_what_is_there() {
    let mut out = b"earlier\n".to_vec();
    let _ = triage_line(
        br#"{"connection_status":"DENIED","is_oauth":false}"#,
        1,
        now(),
        &Policy::default(),
        EndUser::Present,
        &mut out,
    );
    assert!(out.starts_with(b"earlier\n{\"action\":\"update_credentials\""));
}

#[test]
fn write_decision_is_what_triage_line_writes() {
    let line = br#"{"guid":"MBR-1","connection_status":"CONNECTED","successfully_aggregated_at":1700000000}"#;
    let (outcome, out) = triage(line, 1);
    let LineOutcome::Decided(decision) = outcome else {
        panic!("decided: {out}")
    };
    let mut written = Vec::new();
    write_decision(&mut written, Some("MBR-1"), &decision);
    assert_eq!(String::from_utf8(written).unwrap(), out);
}

proptest! {
    /// Whatever the bytes: blank gives nothing; anything else gives one JSON object on one
    /// line, a decision or an error naming the line.
    #[test]
    fn any_bytes_give_nothing_or_exactly_one_json_line(
        line in prop_oneof![
            proptest::collection::vec(any::<u8>(), 0..80),
            "[ \\t]{0,3}\\{(\"[a-z_]{1,30}\":(null|true|1531947410|\"[A-Z]{0,12}\"|\"2020-09-21T19:48:57Z\"),?){0,6}\\}?"
                .prop_map(String::into_bytes),
        ],
        line_no in 1..u64::MAX,
    ) {
        let mut out = Vec::new();
        let outcome = triage_line(&line, line_no, now(), &Policy::default(), EndUser::Present, &mut out);
        if line.trim_ascii().is_empty() {
            prop_assert_eq!(outcome, LineOutcome::Blank);
            prop_assert!(out.is_empty());
        } else {
            let text = String::from_utf8(out).expect("output is UTF-8");
            let object = only_line(&text);
            match outcome {
                LineOutcome::Decided(decision) => {
                    prop_assert_eq!(serde_json::from_value::<Decision>(object).unwrap(), decision);
                }
                LineOutcome::Failed => {
                    prop_assert_eq!(&object["line"], &json!(line_no));
                    prop_assert!(object["error"].is_string());
                }
                LineOutcome::Blank => prop_assert!(false, "not blank: {:?}", line),
            }
        }
    }
}
