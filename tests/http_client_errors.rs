//! 4xx: what is the member's (gone, exists, not challenged, premium job unsupported) is
//! told apart from what is the service's (credentials, API version, request).

mod common;

use mx_aggregation::{Answer, Call, HttpRule, NextStep, Policy};

fn status(call: Call, status: u16) -> (NextStep, HttpRule) {
    let answer = Answer::Response {
        status,
        body: r#"{"error": "x"}"#,
        retry_after: None,
    };
    let outcome = call.classify(&answer, 1, common::now(), &Policy::default());
    (outcome.step, outcome.rule)
}

#[test]
fn conflict_means_exists_on_create_and_update_and_another_job_elsewhere() {
    assert_eq!(
        status(Call::Create, 409),
        (NextStep::AlreadyExists, HttpRule::AlreadyExists)
    );
    assert_eq!(
        status(Call::Update, 409),
        (NextStep::AlreadyExists, HttpRule::AlreadyExists)
    );
    for call in [Call::Aggregate, Call::Verify, Call::Identify, Call::Resume] {
        assert_eq!(
            status(call, 409),
            (
                NextStep::OtherJobRunning { after_secs: 3 },
                HttpRule::OtherJobRunning
            ),
            "{call}"
        );
    }
}

#[test]
fn nothing_to_answer_reads_the_member() {
    let no_content = Answer::Response {
        status: 204,
        body: "",
        retry_after: None,
    };
    let outcome = Call::Challenges.classify(&no_content, 0, common::now(), &Policy::default());
    assert_eq!(
        (outcome.step, outcome.rule),
        (NextStep::ReadMember, HttpRule::NoChallenges)
    );
    assert_eq!(
        status(Call::Resume, 405),
        (NextStep::ReadMember, HttpRule::NotChallenged)
    );
    assert_eq!(
        status(Call::Create, 405),
        (NextStep::FixClient, HttpRule::NotAllowed)
    );
}

#[test]
fn premium_jobs_can_be_unsupported_but_a_bad_aggregate_is_the_clients() {
    assert_eq!(
        status(Call::Verify, 400),
        (NextStep::NotSupported, HttpRule::PremiumUnsupported)
    );
    assert_eq!(
        status(Call::Identify, 400),
        (NextStep::NotSupported, HttpRule::PremiumUnsupported)
    );
    assert_eq!(
        status(Call::Aggregate, 400),
        (NextStep::FixClient, HttpRule::BadRequest)
    );
    assert_eq!(
        status(Call::Create, 422),
        (NextStep::FixClient, HttpRule::BadRequest)
    );
}

#[test]
fn authentication_and_version_are_the_clients_not_the_members() {
    for call in Call::ALL {
        assert_eq!(
            status(call, 401),
            (NextStep::FixClient, HttpRule::Unauthorized)
        );
        assert_eq!(
            status(call, 403),
            (NextStep::FixClient, HttpRule::Forbidden)
        );
        assert_eq!(
            status(call, 406),
            (NextStep::FixClient, HttpRule::BadApiVersion)
        );
        assert_eq!(
            status(call, 302),
            (NextStep::FixClient, HttpRule::UnexpectedStatus)
        );
    }
}

#[test]
fn not_found_is_a_gone_member_except_on_create() {
    for call in Call::ALL {
        let expected = if matches!(call, Call::Create | Call::CreateUser) {
            (NextStep::FixClient, HttpRule::UserNotFound)
        } else {
            (NextStep::MemberGone, HttpRule::MemberGone)
        };
        assert_eq!(status(call, 404), expected, "{call}");
    }
}
