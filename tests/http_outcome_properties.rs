//! Properties of `Call::classify` over arbitrary answers, policies and times: it never
//! panics, every wait stays within the policy's bounds, and every `until` is writable and
//! within one cooldown (or one backoff step) of now.

mod common;

use std::time::Duration;

use chrono::{DateTime, TimeDelta, Utc};
use mx_aggregation::{Answer, Call, MAX_UNIX_SECONDS, MIN_UNIX_SECONDS, NextStep, Policy};
use proptest::prelude::*;

fn call() -> impl Strategy<Value = Call> {
    proptest::sample::select(Call::ALL.to_vec())
}

fn duration() -> impl Strategy<Value = Duration> {
    prop_oneof![
        (0u64..100_000).prop_map(Duration::from_secs),
        (0u64..u64::MAX, 0u32..1_000_000_000).prop_map(|(s, n)| Duration::new(s, n)),
        Just(Duration::ZERO),
        Just(Duration::MAX),
    ]
}

fn policy() -> impl Strategy<Value = Policy> {
    (
        duration(),
        duration(),
        duration(),
        duration(),
        duration(),
        any::<u32>(),
    )
        .prop_map(
            |(cooldown, retry_min, retry_max, rate_limit_wait, retry_after_max, retry_limit)| {
                Policy {
                    cooldown,
                    retry_min,
                    retry_max,
                    rate_limit_wait,
                    retry_after_max,
                    retry_limit,
                    ..Policy::MX_DEFAULT
                }
            },
        )
}

fn now() -> impl Strategy<Value = DateTime<Utc>> {
    prop_oneof![
        (-10 * 86_400i64..10 * 86_400).prop_map(|s| common::now() + TimeDelta::seconds(s)),
        (MIN_UNIX_SECONDS..=MAX_UNIX_SECONDS).prop_map(|s| DateTime::from_timestamp(s, 0).unwrap()),
    ]
}

fn body() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        ".{0,40}",
        (any::<Option<bool>>(), any::<Option<i64>>(), any::<Option<i64>>()).prop_map(|(running, at, ok)| {
            let field = |v: Option<i64>| v.map_or("null".to_owned(), |v| v.to_string());
            format!(
                r#"{{"member": {{"is_being_aggregated": {}, "aggregated_at": {}, "successfully_aggregated_at": {}}}}}"#,
                running.map_or("null".to_owned(), |b| b.to_string()),
                field(at),
                field(ok)
            )
        }),
    ]
}

fn retry_after() -> impl Strategy<Value = Option<String>> {
    prop_oneof![
        Just(None),
        any::<u64>().prop_map(|s| Some(s.to_string())),
        "[0-9 ]{0,25}".prop_map(Some),
        (MIN_UNIX_SECONDS..=MAX_UNIX_SECONDS).prop_map(|s| Some(
            DateTime::from_timestamp(s, 0)
                .unwrap()
                .format("%a, %d %b %Y %H:%M:%S GMT")
                .to_string()
        )),
        ".{0,30}".prop_map(Some),
    ]
}

fn ceil_secs(d: Duration) -> u64 {
    d.as_secs().saturating_add(u64::from(d.subsec_nanos() > 0))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn classification_is_total_and_waits_stay_within_bounds(
        call in call(),
        status in prop_oneof![any::<u16>(), 100u16..600, Just(202u16), Just(429u16)],
        timed_out in proptest::bool::weighted(0.1),
        body in body(),
        retry_after in retry_after(),
        attempt in prop_oneof![0u32..12, any::<u32>()],
        now in now(),
        policy in policy(),
    ) {
        let answer = if timed_out {
            Answer::NoResponse
        } else {
            Answer::Response { status, body: &body, retry_after: retry_after.as_deref() }
        };
        let outcome = call.classify(&answer, attempt, now, &policy);
        prop_assert_eq!(outcome.rule.step(), outcome.step.name());

        let floor = ceil_secs(policy.retry_min);
        let ceiling = ceil_secs(policy.retry_max.max(policy.retry_after_max).max(policy.retry_min));
        let poll = ceil_secs(policy.min_poll.max(mx_aggregation::MX_MIN_POLL_INTERVAL));
        match outcome.step {
            NextStep::Retry { after_secs } | NextStep::CheckBeforeRetry { after_secs } => {
                prop_assert!(attempt <= policy.retry_limit);
                prop_assert!((floor..=ceiling).contains(&after_secs), "{} not in {}..={}", after_secs, floor, ceiling);
            }
            NextStep::PollJob { after_secs } | NextStep::OtherJobRunning { after_secs } => {
                prop_assert_eq!(after_secs, poll);
            }
            NextStep::Throttled { until } => {
                prop_assert!(until.timestamp() <= MAX_UNIX_SECONDS);
                prop_assert_eq!(until.timestamp_subsec_nanos(), 0);
                let step = policy.retry_min.max(Duration::from_secs(0));
                let latest = policy.cooldown.max(policy.retry_max.max(step));
                let limit = now.checked_add_signed(TimeDelta::from_std(latest).unwrap_or(TimeDelta::MAX));
                let limit = limit.map_or(MAX_UNIX_SECONDS, |t| t.timestamp().saturating_add(1));
                prop_assert!(until.timestamp() <= limit, "{} past {}", until, limit);
                // Never before one retry_min from now, unless that is past 9999.
                let first = now.checked_add_signed(TimeDelta::from_std(policy.retry_min).unwrap_or(TimeDelta::MAX));
                if let Some(first) = first.filter(|t| t.timestamp() < MAX_UNIX_SECONDS) {
                    prop_assert!(until >= first, "{} before {}", until, first);
                }
            }
            NextStep::GiveUp => prop_assert!(attempt > policy.retry_limit),
            NextStep::Done | NextStep::ReadMember | NextStep::AlreadyExists
            | NextStep::NotSupported | NextStep::MemberGone | NextStep::FixClient => {}
        }
        // The outcome is always writable JSON.
        prop_assert!(serde_json::to_string(&outcome).is_ok());
    }
}
