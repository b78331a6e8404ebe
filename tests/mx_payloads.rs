//! MX's own example payloads (examples/, from mx-api-facts.md §3 and §6) parse into the
//! snapshots they describe and decide as MX's guides say.

mod common;

use chrono::{DateTime, TimeZone, Utc};
use common::example;
use mx_aggregation::{
    ConnectionStatus, MemberJson, MemberSnapshot, NextAction, Policy, Reason, decide,
};

fn utc(text: &str) -> DateTime<Utc> {
    text.parse().unwrap()
}

#[test]
fn read_member_response_in_its_envelope() {
    let json = example("member.json");
    let member = MemberJson::parse(&json).unwrap();
    assert_eq!(
        member.guid(),
        Some("MBR-7c6f361b-e582-15b6-60c0-358f12466b4b")
    );
    assert_eq!(
        member.snapshot().unwrap(),
        MemberSnapshot {
            connection_status: Some(ConnectionStatus::Connected),
            is_being_aggregated: false,
            aggregated_at: Some(utc("2016-10-13T18:07:57Z")),
            successfully_aggregated_at: Some(utc("2016-10-13T17:57:38Z")),
            needs_updated_credentials: false,
            background_aggregation_is_disabled: false,
            is_oauth: false,
            has_challenges: false,
        }
    );
}

#[test]
fn connected_member_reads_data_the_same_day_and_aggregates_later() {
    let member = MemberSnapshot::from_json(&example("member.json")).unwrap();
    let success = utc("2016-10-13T17:57:38Z");
    let same_day = decide(&member, utc("2016-10-14T09:00:00Z"), &Policy::default());
    assert_eq!(same_day.action, NextAction::ReadData { as_of: success });
    let next_week = decide(&member, utc("2016-10-20T09:00:00Z"), &Policy::default());
    assert_eq!(
        (next_week.action, next_week.reason),
        (NextAction::Aggregate, Reason::StaleData)
    );
}

#[test]
fn member_status_while_challenged_with_an_integer_challenge_type() {
    let json = example("member_status_challenged.json");
    let member = MemberJson::parse(&json).unwrap();
    assert_eq!(
        member.guid(),
        Some("MBR-84ca0882-ad6c-4f10-817f-c8c0de7424fa")
    );
    let snapshot = member.snapshot().unwrap();
    assert_eq!(
        snapshot.connection_status,
        Some(ConnectionStatus::Challenged)
    );
    assert!(snapshot.is_being_aggregated);
    assert!(snapshot.has_challenges);
    assert_eq!(snapshot.aggregated_at, Some(utc("2020-09-21T19:48:57Z")));
    let d = decide(&snapshot, utc("2020-09-21T19:49:30Z"), &Policy::default());
    assert_eq!(
        (d.action, d.reason),
        (NextAction::AnswerMfa, Reason::MfaChallenge)
    );
}

#[test]
fn member_status_after_a_finished_aggregation() {
    let snapshot = MemberSnapshot::from_json(&example("member_status_connected.json")).unwrap();
    assert_eq!(
        snapshot.connection_status,
        Some(ConnectionStatus::Connected)
    );
    assert!(!snapshot.has_challenges, "\"challenges\": null means none");
    let d = decide(&snapshot, utc("2016-10-13T18:10:00Z"), &Policy::default());
    assert_eq!(
        d.action,
        NextAction::ReadData {
            as_of: utc("2016-10-13T17:57:38Z")
        }
    );
}

#[test]
fn member_webhook_with_unix_second_timestamps() {
    let json = example("member_webhook.json");
    let member = MemberJson::parse(&json).unwrap();
    assert_eq!(
        member.guid(),
        Some("MBR-48d9a481-f2a2-7e13-2685-62869cf0d33a")
    );
    let snapshot = member.snapshot().unwrap();
    assert_eq!(snapshot.connection_status, Some(ConnectionStatus::Failed));
    assert_eq!(
        snapshot.aggregated_at,
        Utc.timestamp_opt(1_531_947_410, 0).single()
    );
    assert_eq!(
        snapshot.successfully_aggregated_at,
        Utc.timestamp_opt(1_531_940_410, 0).single()
    );
    // Success at 2018-07-18T19:00:10Z: a FAILED member waits out the 3 h cooldown, then aggregates.
    let d = decide(&snapshot, utc("2018-07-18T21:00:00Z"), &Policy::default());
    assert_eq!(
        d.action,
        NextAction::Wait {
            until: utc("2018-07-18T22:00:10Z")
        }
    );
    let d = decide(&snapshot, utc("2018-07-18T22:00:10Z"), &Policy::default());
    assert_eq!(d.action, NextAction::Aggregate);
}

#[test]
fn connection_status_webhook_names_the_member_by_member_guid() {
    let json = example("connection_status_webhook.json");
    let member = MemberJson::parse(&json).unwrap();
    assert_eq!(
        member.guid(),
        Some("MBR-48d9a481-f2a2-7e13-2685-62869cf0d33a")
    );
    let snapshot = member.snapshot().unwrap();
    assert_eq!(
        snapshot.connection_status,
        Some(ConnectionStatus::Challenged)
    );
    let d = decide(&snapshot, utc("2018-07-18T21:00:00Z"), &Policy::default());
    assert_eq!(d.action, NextAction::AnswerMfa);
}

#[test]
fn the_status_id_alone_is_enough() {
    for status in ConnectionStatus::ALL {
        let json = format!(
            r#"{{"member_guid": "MBR-1", "connection_status_id": {}}}"#,
            status.id()
        );
        assert_eq!(
            MemberSnapshot::from_json(&json).unwrap().connection_status,
            Some(status)
        );
    }
}

#[test]
fn a_null_or_missing_status_is_a_member_without_credentials() {
    for json in [
        r#"{"connection_status": null}"#,
        "{}",
        r#"{"member": {"is_manual": true}}"#,
    ] {
        let snapshot = MemberSnapshot::from_json(json).unwrap();
        assert_eq!(snapshot.connection_status, None, "{json}");
    }
}

#[test]
fn mx_type_slips_do_not_break_parsing() {
    // SPEC11 and the SDKs type most_recent_job_guid as a boolean; most_recent_job_detail_text
    // is a boolean in SPEC25; challenge types come as integers or strings.
    let json = r#"{"member": {"connection_status": "CHALLENGED", "most_recent_job_guid": false,
        "most_recent_job_detail_text": true, "most_recent_job_detail_code": 1000,
        "challenges": [{"type": 0}, {"type": "IMAGE_DATA", "image_options": null}],
        "error": "{\"error_type\": \"MEMBER\", \"error_code\": 1000}", "use_cases": ["PFM"]}}"#;
    let snapshot = MemberSnapshot::from_json(json).unwrap();
    assert_eq!(
        snapshot.connection_status,
        Some(ConnectionStatus::Challenged)
    );
    assert!(snapshot.has_challenges);
}

#[test]
fn serde_deserialize_reads_the_same_payloads() {
    for name in [
        "member.json",
        "member_status_challenged.json",
        "member_webhook.json",
        "connection_status_webhook.json",
    ] {
        let json = example(name);
        let via_serde: MemberSnapshot = serde_json::from_str(&json).unwrap();
        assert_eq!(
            via_serde,
            MemberSnapshot::from_json(&json).unwrap(),
            "{name}"
        );
        let via_reader: MemberSnapshot = serde_json::from_reader(json.as_bytes()).unwrap();
        assert_eq!(via_reader, via_serde, "{name}: owned strings");
    }
}
