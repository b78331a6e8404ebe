//! A timeout or a 5xx: reads and PUTs are repeated after a doubling backoff; a create, a
//! job call or an MFA answer may have taken effect, so the service checks before it
//! repeats them (no member created twice, no old answer sent to a new challenge).

mod common;

use mx_aggregation::{Answer, Call, HttpRule, NextStep, Policy};

fn answers() -> Vec<Answer<'static>> {
    let mut all = vec![Answer::NoResponse];
    for status in [500, 502, 503, 504, 599] {
        all.push(Answer::Response {
            status,
            body: "",
            retry_after: None,
        });
    }
    all
}

#[test]
fn create_lists_members_before_creating_again() {
    for answer in answers() {
        let outcome = Call::Create.classify(&answer, 1, common::now(), &Policy::default());
        assert_eq!(
            outcome.step,
            NextStep::CheckBeforeRetry { after_secs: 3 },
            "{answer:?}"
        );
        assert_eq!(outcome.rule, HttpRule::AmbiguousCreate);
    }
}

#[test]
fn job_calls_and_resume_read_the_status_before_repeating() {
    for call in [Call::Aggregate, Call::Verify, Call::Identify, Call::Resume] {
        for answer in answers() {
            let outcome = call.classify(&answer, 2, common::now(), &Policy::default());
            assert_eq!(
                outcome.step,
                NextStep::CheckBeforeRetry { after_secs: 6 },
                "{call}"
            );
            assert_eq!(outcome.rule, HttpRule::AmbiguousJob);
        }
    }
}

#[test]
fn reads_and_updates_are_repeated_with_a_doubling_backoff() {
    let policy = Policy::default();
    for call in [
        Call::Read,
        Call::Status,
        Call::Update,
        Call::OauthWindowUri,
        Call::Challenges,
    ] {
        let waits: Vec<u64> = (0..=8)
            .map(|attempt| {
                match call
                    .classify(&Answer::NoResponse, attempt, common::now(), &policy)
                    .step
                {
                    NextStep::Retry { after_secs } => after_secs,
                    other => panic!("{call}: {other:?}"),
                }
            })
            .collect();
        assert_eq!(waits, [3, 3, 6, 12, 24, 48, 96, 192, 300], "{call}");
    }
}

#[test]
fn the_retry_budget_ends_in_give_up_for_every_call() {
    let policy = Policy::default();
    for call in Call::ALL {
        for answer in answers() {
            let last = call.classify(&answer, policy.retry_limit, common::now(), &policy);
            assert_ne!(last.step, NextStep::GiveUp, "{call}");
            let over = call.classify(&answer, policy.retry_limit + 1, common::now(), &policy);
            assert_eq!(over.step, NextStep::GiveUp, "{call}");
        }
    }
}
