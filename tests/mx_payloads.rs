//! MX's own example payloads (examples/, from mx-api-facts.md §3 and §6) parse into the
//! snapshots they describe and decide as MX's guides say.

mod common;

use chrono::{DateTime, TimeZone, Utc};
use common::example;
use mx_aggregation::{
    ConnectionStatus, EndUser, MemberJson, MemberSnapshot, NextAction, PayloadKind, Policy, Reason,
    SnapshotError, decide, decide_with,
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
            background_aggregation_is_disabled: Some(false),
            is_oauth: Some(false),
            has_challenges: false,
            ..MemberSnapshot::default()
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
    // Success at 19:00:10Z, failed job started at 20:56:50Z: any aggregation process blocks
    // a new standard one for three hours (REW), so the FAILED member waits until 23:56:50Z.
    let d = decide(&snapshot, utc("2018-07-18T21:00:00Z"), &Policy::default());
    assert_eq!(
        d.action,
        NextAction::Wait {
            until: utc("2018-07-18T23:56:50Z")
        }
    );
    let d = decide(&snapshot, utc("2018-07-18T23:56:50Z"), &Policy::default());
    assert_eq!(d.action, NextAction::Aggregate);
    // Counting from the success only (the seed's reading), the window ends at 22:00:10Z.
    let seed = Policy {
        cooldown_from_any_job: false,
        ..Policy::default()
    };
    let d = decide(&snapshot, utc("2018-07-18T21:00:00Z"), &seed);
    assert_eq!(
        d.action,
        NextAction::Wait {
            until: utc("2018-07-18T22:00:10Z")
        }
    );
}

#[test]
fn connection_status_webhook_is_read_again_by_member_guid() {
    // No timestamps, retried by MX for about 24 hours: the status it names may be stale, so
    // the member is read rather than MFA asked for (WH, WH-CS).
    let json = example("connection_status_webhook.json");
    let member = MemberJson::parse(&json).unwrap();
    assert_eq!(
        member.guid(),
        Some("MBR-48d9a481-f2a2-7e13-2685-62869cf0d33a")
    );
    let snapshot = member.snapshot().unwrap();
    assert_eq!(snapshot.payload, PayloadKind::ConnectionStatusWebhook);
    assert_eq!(
        snapshot.connection_status,
        Some(ConnectionStatus::Challenged)
    );
    let d = decide(&snapshot, utc("2018-07-18T21:00:00Z"), &Policy::default());
    assert_eq!(
        (d.action, d.reason),
        (NextAction::ReadMember, Reason::StatusWebhook)
    );
    assert!(!d.requires_end_user());
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
fn a_null_status_is_a_member_without_credentials_and_a_missing_one_is_not_a_member() {
    for json in [
        r#"{"connection_status": null}"#,
        r#"{"member": {"connection_status_id": null}}"#,
    ] {
        let snapshot = MemberSnapshot::from_json(json).unwrap();
        assert_eq!(snapshot.connection_status, None, "{json}");
        let d = decide(&snapshot, utc("2018-07-18T21:00:00Z"), &Policy::default());
        assert_eq!(
            (d.action, d.reason),
            (NextAction::Stop, Reason::NoCredentials)
        );
    }
    for json in ["{}", r#"{"is_manual": true}"#] {
        let err = MemberSnapshot::from_json(json).unwrap_err();
        assert!(
            matches!(err, SnapshotError::NotAMember { .. }),
            "{json}: {err}"
        );
    }
    // A manual member: stop whatever its status says (NEXUS).
    let manual = MemberSnapshot::from_json(
        r#"{"member": {"guid": "MBR-1", "connection_status": "FAILED", "is_manual": true}}"#,
    )
    .unwrap();
    let d = decide(&manual, utc("2018-07-18T21:00:00Z"), &Policy::default());
    assert_eq!(
        (d.action, d.reason),
        (NextAction::Stop, Reason::ManualMember)
    );
}

#[test]
fn the_oauth_window_uri_response_names_the_member_to_read() {
    let json = example("oauth_window_uri.json");
    let member = MemberJson::parse(&json).unwrap();
    assert_eq!(
        member.guid(),
        Some("MBR-df96fd60-7122-4464-b3c2-ff11d8c74f6f")
    );
    let snapshot = member.snapshot().unwrap();
    assert_eq!(snapshot.payload, PayloadKind::MemberReference);
    let d = decide(&snapshot, utc("2018-07-18T21:00:00Z"), &Policy::default());
    assert_eq!(
        (d.action, d.reason),
        (NextAction::ReadMember, Reason::MemberReference)
    );
}

#[test]
fn an_oauth_member_created_pending_waits_for_its_authorization() {
    let snapshot = MemberSnapshot::from_json(&example("member_oauth_pending.json")).unwrap();
    assert_eq!(snapshot.connection_status, Some(ConnectionStatus::Pending));
    assert_eq!(snapshot.is_oauth, Some(true));
    let d = decide(&snapshot, utc("2026-11-24T12:00:00Z"), &Policy::default());
    assert_eq!(
        (d.action, d.reason),
        (NextAction::AuthorizeOauth, Reason::OauthPending)
    );
    assert!(d.requires_end_user());
}

#[test]
fn aggregation_webhooks_read_data_as_of_completed_at() {
    let completed = Utc.timestamp_opt(1_531_947_410, 0).single();
    for (name, kind) in [
        ("aggregation_webhook.json", PayloadKind::AggregationWebhook),
        ("balance_webhook.json", PayloadKind::JobWebhook),
        ("history_webhook.json", PayloadKind::JobWebhook),
        ("statement_webhook.json", PayloadKind::JobWebhook),
        ("reward_webhook.json", PayloadKind::JobWebhook),
    ] {
        let snapshot = MemberSnapshot::from_json(&example(name)).unwrap();
        assert_eq!(snapshot.payload, kind, "{name}");
        assert_eq!(snapshot.completed_at, completed, "{name}");
        for end_user in [EndUser::Present, EndUser::Absent] {
            let d = decide_with(
                &snapshot,
                utc("2026-11-24T12:00:00Z"),
                &Policy::default(),
                end_user,
            );
            assert_eq!(
                (d.action, d.reason),
                (
                    NextAction::ReadData {
                        as_of: completed.unwrap()
                    },
                    Reason::DataWebhook
                ),
                "{name}"
            );
        }
    }
    // A type MX adds later is read the same way; one without member_data_updated is not.
    let future = r#"{"type": "IDENTITY", "action": "member_data_updated", "member_guid": "MBR-1", "completed_at": 1531947410, "extra": {"x": 1}}"#;
    assert_eq!(
        MemberSnapshot::from_json(future).unwrap().payload,
        PayloadKind::JobWebhook
    );
}

#[test]
fn error_codes_arrive_as_objects_or_json_strings() {
    let (object, text) = (
        example("member_error_object.json"),
        example("member_error_string.json"),
    );
    let object = MemberJson::parse(&object).unwrap();
    assert_eq!(object.snapshot().unwrap().error_code, Some(3001));
    assert!(object.user_message().unwrap().contains("maintenance"));
    let text = MemberJson::parse(&text).unwrap();
    assert_eq!(text.snapshot().unwrap().error_code, Some(2005));
    assert!(text.user_message().unwrap().contains("incorrect"));
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
    assert_eq!(snapshot.error_code, Some(1000));
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
