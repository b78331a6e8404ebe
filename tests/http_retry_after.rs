//! 429: Retry-After in seconds or as an HTTP date (RFC 9110 §10.2.3) is honoured within the
//! policy's bounds; without it (or unreadable), the documented default doubles per attempt.

mod common;

use std::time::Duration;

use mx_aggregation::{Answer, Call, HttpRule, NextStep, Policy};

fn too_many(retry_after: Option<&str>) -> Answer<'_> {
    Answer::Response {
        status: 429,
        body: "",
        retry_after,
    }
}

fn retry_secs(retry_after: Option<&str>, attempt: u32, policy: &Policy) -> u64 {
    let outcome = Call::Status.classify(&too_many(retry_after), attempt, common::now(), policy);
    assert_eq!(outcome.rule, HttpRule::RateLimited);
    match outcome.step {
        NextStep::Retry { after_secs } => after_secs,
        other => panic!("expected retry, got {other:?}"),
    }
}

#[test]
fn seconds_are_honoured() {
    assert_eq!(retry_secs(Some("120"), 1, &Policy::default()), 120);
}

#[test]
fn an_http_date_is_measured_from_now() {
    // common::now() is 2026-11-24T12:00:00Z, a Tuesday.
    assert_eq!(
        retry_secs(Some("Tue, 24 Nov 2026 12:01:30 GMT"), 1, &Policy::default()),
        90
    );
    // The obsolete forms RFC 9110 asks recipients to accept.
    assert_eq!(
        retry_secs(
            Some("Tuesday, 24-Nov-26 12:01:30 GMT"),
            1,
            &Policy::default()
        ),
        90
    );
    assert_eq!(
        retry_secs(Some("Tue Nov 24 12:01:30 2026"), 1, &Policy::default()),
        90
    );
}

#[test]
fn past_dates_and_zero_wait_the_minimum_and_huge_values_the_cap() {
    let policy = Policy::default();
    assert_eq!(retry_secs(Some("0"), 1, &policy), 3);
    assert_eq!(
        retry_secs(Some("Mon, 23 Nov 2026 12:00:00 GMT"), 1, &policy),
        3
    );
    assert_eq!(retry_secs(Some("99999999999999999999"), 1, &policy), 3600);
    assert_eq!(
        retry_secs(Some("Fri, 31 Dec 9999 23:59:59 GMT"), 1, &policy),
        3600
    );
}

#[test]
fn without_a_readable_header_the_default_doubles_up_to_retry_max() {
    let policy = Policy::default();
    for header in [None, Some("soon"), Some("Tue, 24 Nov 2026 12:01:30 UTC")] {
        let waits: Vec<u64> = (1..=7).map(|a| retry_secs(header, a, &policy)).collect();
        assert_eq!(waits, [10, 20, 40, 80, 160, 300, 300], "{header:?}");
    }
    let slow = Policy {
        rate_limit_wait: Duration::from_secs(60),
        ..policy
    };
    assert_eq!(retry_secs(None, 1, &slow), 60);
}

#[test]
fn too_many_429s_in_a_row_give_up() {
    let policy = Policy::default();
    let outcome = Call::Read.classify(
        &too_many(Some("1")),
        policy.retry_limit + 1,
        common::now(),
        &policy,
    );
    assert_eq!(outcome.step, NextStep::GiveUp);
    assert_eq!(outcome.rule, HttpRule::RetriesExhausted);
}
