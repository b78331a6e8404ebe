//! `--now` in each form, the system clock when it is absent, and the policy flags
//! `--cooldown`, `--fresh-for`, `--min-poll`, for both `decide` and `batch`.

mod common;

use common::{mx, run};
use serde_json::{Value, json};

/// The decision JSON of `decide --format json` and of `batch`, after checking that the
/// two agree, for one member and these extra arguments.
fn decision(member: &str, args: &[&str]) -> Value {
    let decided = run(mx(["decide", "--format", "json"])
        .args(args)
        .write_stdin(member));
    assert_eq!(decided.code, Some(0), "{decided:?}");
    let batched = run(mx(["batch"]).args(args).write_stdin(member));
    assert_eq!(batched.code, Some(0), "{batched:?}");
    assert_eq!(batched.stdout, decided.stdout, "batch and decide agree");
    serde_json::from_str(&decided.stdout).unwrap()
}

/// A FAILED member whose last success was at 10:00 on 2026-11-24.
const FAILED_AT_10: &str =
    r#"{"connection_status": "FAILED", "successfully_aggregated_at": "2026-11-24T10:00:00Z"}"#;

#[test]
fn now_takes_rfc_3339_in_any_offset_or_unix_seconds() {
    let expected = json!({"action": "wait", "until": "2026-11-24T13:00:00Z", "reason": "cooldown", "requires_end_user": false});
    for now in [
        "2026-11-24T12:00:00Z",
        "2026-11-24T12:00:00.000Z",
        "2026-11-24T06:00:00-06:00",
        "2026-11-24T12:00:00+00:00",
        "1795521600",
    ] {
        assert_eq!(decision(FAILED_AT_10, &["--now", now]), expected, "{now}");
        assert_eq!(
            decision(FAILED_AT_10, &[&format!("--now={now}")]),
            expected,
            "{now}"
        );
    }
}

#[test]
fn now_decides_against_the_given_time() {
    assert_eq!(
        decision(FAILED_AT_10, &["--now", "2026-11-24T13:00:00Z"]),
        json!({"action": "aggregate", "reason": "aggregation_failed", "requires_end_user": true})
    );
    // Before the success: it counts as inside the cooldown.
    assert_eq!(
        decision(FAILED_AT_10, &["--now", "0"])["action"],
        json!("wait")
    );
}

#[test]
fn without_now_the_system_clock_decides() {
    // At any time after 2000-01-01T03:00:00Z the cooldown of this member is over; at the
    // Unix epoch (a clock that was never read) it would not be.
    let member =
        r#"{"connection_status": "FAILED", "successfully_aggregated_at": "2000-01-01T00:00:00Z"}"#;
    assert_eq!(
        decision(member, &[])["action"],
        json!("aggregate"),
        "the system clock is after 2000"
    );
    assert_eq!(
        decision(member, &["--now", "2000-01-01T01:00:00Z"])["action"],
        json!("wait")
    );
}

#[test]
fn cooldown_sets_how_long_after_a_success_no_aggregation_starts() {
    let at_noon = ["--now", "2026-11-24T12:00:00Z"];
    let with = |cooldown: &str| {
        decision(
            FAILED_AT_10,
            &[&at_noon[..], &["--cooldown", cooldown]].concat(),
        )
    };
    assert_eq!(with("1h30m")["action"], json!("aggregate"));
    assert_eq!(with("2h")["action"], json!("aggregate"));
    assert_eq!(with("2h1s")["until"], json!("2026-11-24T12:00:01Z"));
    assert_eq!(with("1d")["until"], json!("2026-11-25T10:00:00Z"));
    assert_eq!(with("0s")["action"], json!("aggregate"));
}

#[test]
fn fresh_for_sets_how_long_data_is_read_without_aggregating() {
    let member = r#"{"connection_status": "CONNECTED", "successfully_aggregated_at": "2026-11-23T06:00:00Z"}"#;
    let at_noon = ["--now", "2026-11-24T12:00:00Z"];
    assert_eq!(
        decision(member, &at_noon),
        json!({"action": "aggregate", "reason": "stale_data", "requires_end_user": true}),
        "30 hours old is stale by default"
    );
    assert_eq!(
        decision(member, &[&at_noon[..], &["--fresh-for", "2d"]].concat()),
        json!({"action": "read_data", "as_of": "2026-11-23T06:00:00Z", "reason": "fresh_data", "requires_end_user": false})
    );
    assert_eq!(
        decision(member, &[&at_noon[..], &["--fresh-for", "30h"]].concat())["action"],
        json!("aggregate"),
        "exactly fresh_for old is stale"
    );
}

#[test]
fn min_poll_raises_the_shortest_poll() {
    let member = r#"{"connection_status": "CONNECTED", "is_being_aggregated": true, "aggregated_at": "2026-11-24T11:59:50Z"}"#;
    let at_noon = ["--now", "2026-11-24T12:00:00Z"];
    assert_eq!(decision(member, &at_noon)["after_secs"], json!(3));
    assert_eq!(
        decision(member, &[&at_noon[..], &["--min-poll", "3s"]].concat())["after_secs"],
        json!(3)
    );
    assert_eq!(
        decision(member, &[&at_noon[..], &["--min-poll", "1m"]].concat())["after_secs"],
        json!(60)
    );
}

#[test]
fn the_text_explanation_follows_the_flags() {
    let out = run(mx([
        "decide",
        "--now",
        "2026-11-24T12:00:00Z",
        "--cooldown",
        "4h",
    ])
    .write_stdin(FAILED_AT_10));
    assert!(
        out.stdout
            .contains("look again  2026-11-24T14:00:00Z (in 2h)\n"),
        "{}",
        out.stdout
    );
    let out = run(mx([
        "decide",
        "--now",
        "2026-11-24T12:00:00Z",
        "--min-poll",
        "10s",
    ])
    .write_stdin(r#"{"connection_status": "DENIED", "is_oauth": false}"#));
    assert!(
        out.stdout.contains("poll, no more often than every 10s."),
        "{}",
        out.stdout
    );
}
