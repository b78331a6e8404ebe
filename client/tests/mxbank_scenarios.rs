//! Every MX Bank scenario, driven end to end against the emulator: the driver reaches the
//! outcome the crate's decisions lead to, and never sends an aggregate that starts
//! nothing.

mod common;

use std::time::Duration;

use common::{Harness, assert_no_forbidden_aggregate, frozen_config};
use mx_aggregation::{Policy, Reason};
use mx_aggregation_client::types::ChallengeKind;
use mx_aggregation_client::{Outcome, UserAction};

#[tokio::test]
async fn connected_reaches_read_data_without_aggregating() {
    let h = Harness::start(frozen_config()).await;
    let user = h.user().await;
    let request = h.mxbank("password", "m-connected").await;
    let member = h.create(&user, &request).await;

    let outcome = h.driver.drive(&member).await.expect("drive");

    let Outcome::ReadData {
        member: read,
        reason,
        ..
    } = outcome
    else {
        panic!("expected read_data, got {outcome:?}");
    };
    assert_eq!(read.connection_status.as_deref(), Some("CONNECTED"));
    assert_eq!(reason, Reason::FreshData);
    // MX aggregates a new member by itself: the driver only polled.
    assert!(h.calls("aggregate").is_empty());
    assert!(h.calls("read").len() >= 2, "polled while the job ran");
    assert_no_forbidden_aggregate(&h.log);
}

async fn challenge_then_correct(password: &str, kind: ChallengeKind) {
    let h = Harness::start(frozen_config()).await;
    let user = h.user().await;
    let request = h.mxbank(password, "m-mfa").await;
    let member = h.create(&user, &request).await;

    let outcome = h.driver.drive(&member).await.expect("drive");
    let Outcome::EndUser {
        action: UserAction::AnswerMfa { challenges },
        reason,
        ..
    } = outcome
    else {
        panic!("expected answer_mfa, got {outcome:?}");
    };
    assert_eq!(reason, Reason::MfaChallenge);
    assert_eq!(challenges.len(), 1);
    assert_eq!(challenges[0].kind.as_ref(), Some(&kind));
    if kind == ChallengeKind::Options {
        assert!(!challenges[0].options.is_empty(), "options are shown");
    }
    if kind == ChallengeKind::ImageData {
        assert!(challenges[0].image_data.is_some(), "the image is shown");
    }

    let answers: Vec<_> = challenges
        .iter()
        .map(|c| c.answer("correct").expect("guid"))
        .collect();
    let outcome = h.driver.answer_mfa(&member, &answers).await.expect("drive");
    let Outcome::ReadData { member: read, .. } = outcome else {
        panic!("expected read_data after answering, got {outcome:?}");
    };
    assert_eq!(read.connection_status.as_deref(), Some("CONNECTED"));
    assert_eq!(h.calls("resume").len(), 1);
    assert!(h.calls("aggregate").is_empty());
    assert_no_forbidden_aggregate(&h.log);
}

#[tokio::test]
async fn text_challenge_answered_correct_reaches_read_data() {
    challenge_then_correct("challenge", ChallengeKind::Text).await;
}

#[tokio::test]
async fn options_challenge_answered_correct_reaches_read_data() {
    challenge_then_correct("options", ChallengeKind::Options).await;
}

#[tokio::test]
async fn image_challenge_answered_correct_reaches_read_data() {
    challenge_then_correct("image", ChallengeKind::ImageData).await;
}

#[tokio::test]
async fn wrong_answer_waits_out_the_window_then_is_challenged_again() {
    let h = Harness::start(frozen_config()).await;
    let user = h.user().await;
    let request = h.mxbank("challenge", "m-wrong").await;
    let member = h.create(&user, &request).await;
    let Outcome::EndUser {
        action: UserAction::AnswerMfa { challenges },
        ..
    } = h.driver.drive(&member).await.expect("drive")
    else {
        panic!("expected answer_mfa");
    };
    let answers = vec![challenges[0].answer("wrong").expect("guid")];

    let outcome = h.driver.answer_mfa(&member, &answers).await.expect("drive");

    // REJECTED: MX's window counts from the failed job too; the crate waits it out.
    let Outcome::WaitUntil { until, reason } = outcome else {
        panic!("expected a wait after a wrong answer, got {outcome:?}");
    };
    assert_eq!(reason, Reason::Cooldown);
    let read = h.client.read_member(&member).await.expect("read");
    assert_eq!(read.connection_status.as_deref(), Some("REJECTED"));
    assert!(
        h.calls("aggregate").is_empty(),
        "no aggregate inside the window"
    );

    // After the window the crate aggregates again, and MX challenges again.
    h.advance((until - h.emulator.now()).to_std().expect("ahead"));
    let outcome = h.driver.drive(&member).await.expect("drive");
    assert!(
        matches!(
            outcome,
            Outcome::EndUser {
                action: UserAction::AnswerMfa { .. },
                ..
            }
        ),
        "{outcome:?}"
    );
    assert_eq!(h.calls("aggregate").len(), 1);
    assert_no_forbidden_aggregate(&h.log);
}

#[tokio::test]
async fn bad_request_takes_the_failure_path() {
    let h = Harness::start(frozen_config()).await;
    let user = h.user().await;
    let request = h.mxbank("BAD_REQUEST", "m-bad").await;
    let member = h.create(&user, &request).await;

    let outcome = h.driver.drive(&member).await.expect("drive");

    // FAILED right after the job MX started: the window after that job is closed to a
    // new aggregation, so the crate waits; the driver hands the wait back.
    let Outcome::WaitUntil { until, reason } = outcome else {
        panic!("expected the failure path's wait, got {outcome:?}");
    };
    assert_eq!(reason, Reason::Cooldown);
    let read = h.client.read_member(&member).await.expect("read");
    assert_eq!(read.connection_status.as_deref(), Some("FAILED"));
    assert!(h.calls("aggregate").is_empty());

    // After the window: one aggregate, which fails again, and a new wait.
    h.advance((until - h.emulator.now()).to_std().expect("ahead"));
    let outcome = h.driver.drive(&member).await.expect("drive");
    let Outcome::WaitUntil { until: next, .. } = outcome else {
        panic!("expected another wait, got {outcome:?}");
    };
    assert!(next > until, "the new window follows the new job");
    assert_eq!(h.calls("aggregate").len(), 1);
    assert_no_forbidden_aggregate(&h.log);
}

#[tokio::test]
async fn a_member_that_keeps_failing_ends_on_aggregate_later() {
    // A contract without a window: MX's integration environment lifts the throttle on
    // mxbank, and the policy says so too. The crate says aggregate after each failure, and
    // the driver's budget of jobs per drive ends the drive.
    let policy = Policy {
        cooldown: Duration::ZERO,
        ..Policy::default()
    };
    let mut config = frozen_config();
    config.integration_env = true;
    let h = Harness::start(config).await.policy(policy);
    let user = h.user().await;
    let request = h.mxbank("BAD_REQUEST", "m-budget").await;
    let member = h.create(&user, &request).await;

    let outcome = h.driver.drive(&member).await.expect("drive");

    let Outcome::AggregateLater { reason, .. } = outcome else {
        panic!("expected aggregate_later, got {outcome:?}");
    };
    assert_eq!(reason, Reason::AggregationFailed);
    assert_eq!(h.calls("aggregate").len(), 2, "Limits::max_aggregations");
    assert_no_forbidden_aggregate(&h.log);
}

async fn needs_end_user(password: &str, expected: &str, status: &str) {
    let h = Harness::start(frozen_config()).await;
    let user = h.user().await;
    let request = h.mxbank(password, "m-user").await;
    let member = h.create(&user, &request).await;

    let outcome = h.driver.drive(&member).await.expect("drive");

    let Outcome::EndUser { action, .. } = &outcome else {
        panic!("{password}: expected an end-user action, got {outcome:?}");
    };
    let json = serde_json::to_value(action).expect("serializes");
    assert_eq!(json["action"], expected, "{password}");
    let read = h.client.read_member(&member).await.expect("read");
    assert_eq!(
        read.connection_status.as_deref(),
        Some(status),
        "{password}"
    );
    assert!(h.calls("aggregate").is_empty(), "{password}");
}

#[tokio::test]
async fn denied_scenarios_ask_for_credentials() {
    for password in ["UNAUTHORIZED", "INVALID", "DISABLED"] {
        needs_end_user(password, "update_credentials", "DENIED").await;
    }
}

#[tokio::test]
async fn locked_sends_the_end_user_to_the_institution() {
    needs_end_user("LOCKED", "resolve_at_institution", "LOCKED").await;
}
