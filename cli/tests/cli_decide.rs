//! `mx-aggregation decide`: one member in, its decision out, as text or JSON.

mod common;

use common::{EXAMPLES, example, example_path, mx, run};
use mx_aggregation::batch::write_decision;
use mx_aggregation::{MemberJson, Policy, decide, parse_mx_timestamp};

/// For each example, a `--now` at which its decision is the one worth reading.
const EXAMPLE_NOWS: [(&str, &str); 5] = [
    // CONNECTED, last success an hour before: fresh data.
    ("member.json", "2016-10-13T19:00:00Z"),
    // CHALLENGED while a job runs.
    ("member_status_challenged.json", "2020-09-21T19:50:00Z"),
    // CONNECTED, last success ten years before: stale.
    ("member_status_connected.json", "2026-11-24T12:00:00Z"),
    // FAILED an hour after a success: inside the cooldown.
    ("member_webhook.json", "2018-07-18T20:00:00Z"),
    // The connection-status webhook: CHALLENGED.
    ("connection_status_webhook.json", "2026-11-24T12:00:00Z"),
];

#[test]
fn every_example_is_covered() {
    assert_eq!(EXAMPLE_NOWS.map(|(name, _)| name), EXAMPLES);
}

#[test]
fn text_explains_each_example_payload() {
    for (name, now) in EXAMPLE_NOWS {
        let out = run(mx(["decide", &example_path(name), "--now", now]));
        assert_eq!((out.code, out.stderr.as_str()), (Some(0), ""), "{name}");
        insta::assert_snapshot!(
            name.trim_end_matches(".json"),
            out.stdout,
            &format!("decide {name} --now {now}")
        );
    }
}

#[test]
fn json_is_the_library_decision_with_the_guid_first_on_one_line() {
    for (name, now) in EXAMPLE_NOWS {
        let out = run(mx([
            "decide",
            "--format",
            "json",
            &example_path(name),
            "--now",
            now,
        ]));
        assert_eq!((out.code, out.stderr.as_str()), (Some(0), ""), "{name}");

        let text = example(name);
        let member = MemberJson::parse(&text).unwrap();
        let now = parse_mx_timestamp(now).unwrap();
        let decision = decide(&member.snapshot().unwrap(), now, &Policy::default());
        let mut expected = Vec::new();
        write_decision(&mut expected, member.guid(), &decision);
        assert_eq!(out.stdout.as_bytes(), expected, "{name}");
    }
}

#[test]
fn json_output_is_pinned_for_the_webhook_in_its_cooldown() {
    let out = run(mx([
        "decide",
        &example_path("member_webhook.json"),
        "--format=json",
        "--now=2018-07-18T20:00:00Z",
    ]));
    assert_eq!(
        out.stdout,
        "{\"guid\":\"MBR-48d9a481-f2a2-7e13-2685-62869cf0d33a\",\"action\":\"wait\",\"until\":\"2018-07-18T23:56:50Z\",\"reason\":\"cooldown\",\"requires_end_user\":false}\n"
    );
}

#[test]
fn a_member_without_a_guid_prints_the_bare_decision() {
    let out = run(mx(["decide", "--format", "json", "--now", "0"])
        .write_stdin(r#"{"connection_status": "LOCKED"}"#));
    assert_eq!(
        out.stdout,
        "{\"action\":\"resolve_at_institution\",\"reason\":\"institution_action_required\",\"requires_end_user\":true}\n"
    );
}

#[test]
fn standard_input_is_read_with_a_dash_or_no_file() {
    let file = run(mx([
        "decide",
        &example_path("member_status_challenged.json"),
        "--now",
        "0",
    ]));
    for args in [
        vec!["decide", "-", "--now", "0"],
        vec!["decide", "--now", "0"],
    ] {
        let mut command = mx([]);
        command
            .args(args)
            .write_stdin(example("member_status_challenged.json"));
        let stdin = run(&mut command);
        assert_eq!(stdin.code, Some(0));
        assert_eq!(stdin.stdout, file.stdout);
    }
}

/// The text of every action, and of the variants that change what the end user does.
#[test]
fn text_for_every_action() {
    let cases = [
        (
            "poll_running_job",
            r#"{"guid": "MBR-1", "connection_status": "CONNECTED", "is_being_aggregated": true, "aggregated_at": "2026-11-24T11:58:00Z"}"#,
        ),
        (
            "poll_delayed",
            r#"{"guid": "MBR-1", "connection_status": "DELAYED", "aggregated_at": "2026-11-24T11:00:00Z"}"#,
        ),
        (
            "update_credentials",
            r#"{"guid": "MBR-1", "connection_status": "DENIED", "is_oauth": false}"#,
        ),
        (
            "authorize_oauth_prevented",
            r#"{"guid": "MBR-1", "connection_status": "PREVENTED", "is_oauth": true}"#,
        ),
        (
            "authorize_oauth_pending",
            r#"{"member": {"guid": "MBR-1", "connection_status": "PENDING", "is_oauth": true}}"#,
        ),
        (
            "read_member_status_read_of_denied",
            r#"{"member": {"guid": "MBR-1", "connection_status": "DENIED", "is_authenticated": false}}"#,
        ),
        (
            "read_data_aggregation_webhook",
            r#"{"type": "AGGREGATION", "action": "member_data_updated", "member_guid": "MBR-1", "completed_at": 1795521000}"#,
        ),
        (
            "wait_institution_unavailable_with_user_message",
            r#"{"guid": "MBR-1", "connection_status": "FAILED", "aggregated_at": "2026-11-24T11:00:00Z", "is_oauth": false, "error": {"error_code": 3002, "user_message": "This institution isn't responding right now. Please try again later."}}"#,
        ),
        (
            "resolve_at_institution",
            r#"{"guid": "MBR-1", "connection_status": "IMPEDED"}"#,
        ),
        (
            "resolve_at_institution_in_cooldown",
            r#"{"guid": "MBR-1", "connection_status": "LOCKED", "successfully_aggregated_at": "2026-11-24T11:00:00Z"}"#,
        ),
        (
            "aggregate_oauth_background_disabled",
            r#"{"guid": "MBR-1", "connection_status": "CONNECTED", "is_oauth": true, "background_aggregation_is_disabled": true, "successfully_aggregated_at": "2026-11-20T12:00:00Z"}"#,
        ),
        (
            "stop_terminal",
            r#"{"guid": "MBR-1", "connection_status": "CLOSED"}"#,
        ),
        (
            "stop_no_credentials",
            r#"{"member": {"guid": "MBR-1", "connection_status": null}}"#,
        ),
    ];
    for (name, member) in cases {
        let out = run(mx(["decide", "--now", "2026-11-24T12:00:00Z"]).write_stdin(member));
        assert_eq!((out.code, out.stderr.as_str()), (Some(0), ""), "{name}");
        insta::assert_snapshot!(name, out.stdout, member);
    }
}

/// `--end-user absent`: a stale member MX refreshes by itself is waited on, one whose
/// background flag the payload does not say is read in full.
#[test]
fn text_with_the_end_user_absent() {
    let cases = [
        (
            "absent_wait_for_background_aggregation",
            r#"{"guid": "MBR-1", "connection_status": "CONNECTED", "is_oauth": false, "background_aggregation_is_disabled": false, "aggregated_at": "2026-11-23T09:00:00Z", "successfully_aggregated_at": "2026-11-23T09:00:00Z"}"#,
        ),
        (
            "absent_read_member_background_unknown",
            r#"{"member": {"guid": "MBR-1", "connection_status": "CONNECTED", "aggregated_at": "2026-11-23T09:00:00Z", "successfully_aggregated_at": "2026-11-23T09:00:00Z"}}"#,
        ),
    ];
    for (name, member) in cases {
        let out = run(mx([
            "decide",
            "--now",
            "2026-11-24T12:00:00Z",
            "--end-user",
            "absent",
        ])
        .write_stdin(member));
        assert_eq!((out.code, out.stderr.as_str()), (Some(0), ""), "{name}");
        insta::assert_snapshot!(name, out.stdout, member);
    }
}
