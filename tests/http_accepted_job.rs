//! A 2xx to a job call: the body tells a running job (poll) from MX's throttle (wait out
//! the window), and when it does not tell, the member is read (ERR: the same 202 means
//! started, already running or throttled).

mod common;

use chrono::{TimeDelta, TimeZone, Utc};
use mx_aggregation::{Answer, Call, HttpRule, NextStep, Policy};

fn accepted(body: &str) -> Answer<'_> {
    Answer::Response {
        status: 202,
        body,
        retry_after: None,
    }
}

#[test]
fn a_running_job_is_polled_at_mx_minimum() {
    let body = r#"{"member": {"guid": "MBR-1", "connection_status": "CONNECTED", "is_being_aggregated": true}}"#;
    for call in [Call::Aggregate, Call::Verify, Call::Identify] {
        for status in [200, 202] {
            let answer = Answer::Response {
                status,
                body,
                retry_after: None,
            };
            let outcome = call.classify(&answer, 0, common::now(), &Policy::default());
            assert_eq!(
                outcome.step,
                NextStep::PollJob { after_secs: 3 },
                "{call} {status}"
            );
            assert_eq!(outcome.rule, HttpRule::JobRunning);
        }
    }
}

#[test]
fn aggregate_accepted_without_a_job_waits_for_the_window_from_the_latest_job() {
    // The latest job (a verification, say) started an hour ago; the last success is older.
    let body = r#"{"member": {"guid": "MBR-1", "connection_status": "CONNECTED",
        "is_being_aggregated": false, "aggregated_at": "2026-11-24T11:00:00Z",
        "successfully_aggregated_at": "2026-11-24T08:00:00Z"}}"#;
    let outcome = Call::Aggregate.classify(&accepted(body), 0, common::now(), &Policy::default());
    let until = Utc.with_ymd_and_hms(2026, 11, 24, 14, 0, 0).unwrap();
    assert_eq!(outcome.step, NextStep::Throttled { until });
    assert_eq!(outcome.rule, HttpRule::Throttled);
}

#[test]
fn a_throttle_without_timestamps_waits_one_whole_cooldown() {
    let body = r#"{"member": {"guid": "MBR-1", "is_being_aggregated": false}}"#;
    let policy = Policy::default();
    let outcome = Call::Aggregate.classify(&accepted(body), 0, common::now(), &policy);
    let until = common::now() + TimeDelta::from_std(policy.cooldown).unwrap();
    assert_eq!(outcome.step, NextStep::Throttled { until });
}

#[test]
fn a_throttle_whose_window_already_ended_by_the_policy_still_backs_off() {
    // MX's window is longer than the policy's cooldown (MX says "typically three hours").
    let body =
        r#"{"member": {"is_being_aggregated": false, "aggregated_at": "2026-11-24T06:00:00Z"}}"#;
    let policy = Policy::default();
    // Every retry_max (5 min), doubling, at most one cooldown (3 h).
    for (attempt, secs) in [(0, 300), (1, 300), (2, 600), (3, 1200), (20, 3 * 3600)] {
        let outcome = Call::Aggregate.classify(&accepted(body), attempt, common::now(), &policy);
        let until = common::now() + TimeDelta::seconds(secs);
        assert_eq!(
            outcome.step,
            NextStep::Throttled { until },
            "attempt {attempt}"
        );
    }
}

#[test]
fn a_body_that_does_not_say_reads_the_member() {
    for body in [
        "",
        "{}",
        r#"{"member": {"guid": "MBR-1"}}"#,
        r#"{"member": {"is_being_aggregated": null}}"#,
        r#"{"member": {"is_being_aggregated": "false"}}"#,
        "<html>502</html>",
    ] {
        let outcome =
            Call::Aggregate.classify(&accepted(body), 0, common::now(), &Policy::default());
        assert_eq!(outcome.step, NextStep::ReadMember, "{body}");
        assert_eq!(outcome.rule, HttpRule::JobNotReported);
    }
}

#[test]
fn a_premium_job_accepted_idle_is_not_taken_for_a_throttle() {
    // ERR's "minimum time" 202 is about standard aggregation only.
    let body = r#"{"member": {"is_being_aggregated": false}}"#;
    for call in [Call::Verify, Call::Identify] {
        let outcome = call.classify(&accepted(body), 0, common::now(), &Policy::default());
        assert_eq!(outcome.step, NextStep::ReadMember, "{call}");
    }
}

#[test]
fn resume_accepted_polls_and_other_calls_are_done() {
    let outcome = Call::Resume.classify(&accepted(""), 0, common::now(), &Policy::default());
    assert_eq!(outcome.step, NextStep::PollJob { after_secs: 3 });
    assert_eq!(outcome.rule, HttpRule::MfaAnswerSent);
    for call in [
        Call::Create,
        Call::Read,
        Call::Status,
        Call::Update,
        Call::OauthWindowUri,
        Call::Challenges,
    ] {
        let ok = Answer::Response {
            status: 200,
            body: "{}",
            retry_after: None,
        };
        let outcome = call.classify(&ok, 0, common::now(), &Policy::default());
        assert_eq!(outcome.step, NextStep::Done, "{call}");
    }
}

#[test]
fn outcomes_serialize_flat() {
    let body =
        r#"{"member": {"is_being_aggregated": false, "aggregated_at": "2026-11-24T11:00:00Z"}}"#;
    let outcome = Call::Aggregate.classify(&accepted(body), 0, common::now(), &Policy::default());
    assert_eq!(
        serde_json::to_string(&outcome).unwrap(),
        r#"{"step":"throttled","until":"2026-11-24T14:00:00Z","rule":"throttled"}"#
    );
}
