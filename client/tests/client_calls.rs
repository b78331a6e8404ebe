//! The typed client against the emulator: bodies decode into MX's shapes, lists page,
//! and MX's errors come back with their status and message.

mod common;

use common::{Harness, frozen_config};
use mx_aggregation::{ConnectionStatus, MemberState};
use mx_aggregation_client::types::MemberUpdate;
use mx_aggregation_client::{MemberRef, MxError, Outcome, UserAction};

#[tokio::test]
async fn credentials_come_with_guids_and_display_order() {
    let h = Harness::start(frozen_config()).await;
    let fields = h.client.credentials("mxbank").await.expect("fields");
    assert_eq!(fields.len(), 2);
    for field in &fields {
        assert!(field.guid.as_deref().is_some_and(|g| g.starts_with("CRD-")));
        assert!(field.label.is_some());
    }
    let orders: Vec<_> = fields.iter().map(|f| f.display_order).collect();
    assert_eq!(orders, vec![Some(1), Some(2)]);
}

#[tokio::test]
async fn a_challenged_members_status_carries_its_challenges() {
    let h = Harness::start(frozen_config()).await;
    let user = h.user().await;
    let request = h.mxbank("options", "c-status").await;
    let member = h.create(&user, &request).await;
    let Outcome::EndUser { .. } = h.driver.drive(&member).await.expect("drive") else {
        panic!("challenged");
    };
    let status = h.client.member_status(&member).await.expect("status");
    assert_eq!(status.connection_status.as_deref(), Some("CHALLENGED"));
    assert_eq!(status.challenges.len(), 1);
    assert_eq!(status.challenges[0].options.len(), 2);
}

#[tokio::test]
async fn members_are_listed_page_by_page() {
    let h = Harness::start(frozen_config()).await;
    let user = h.user().await;
    // MX's smallest page holds 10 records (SPEC25 `recordsPerPageMax1000`): 11 members
    // make two pages.
    for i in 0..11 {
        let request = h.mxbank(&format!("p{i}"), &format!("c-list-{i}")).await;
        h.create(&user, &request).await;
    }
    let first = h.client.list_members(&user, 1, 10).await.expect("page 1");
    assert_eq!(first.members.len(), 10);
    assert!(first.pagination.has_next());
    assert_eq!(first.pagination.total_entries, 11);
    let second = h.client.list_members(&user, 2, 10).await.expect("page 2");
    assert_eq!(second.members.len(), 1);
    assert!(!second.pagination.has_next());
    assert_eq!(h.client.all_members(&user).await.expect("all").len(), 11);
}

#[tokio::test]
async fn mx_errors_keep_status_and_message() {
    let h = Harness::start(frozen_config()).await;
    let user = h.user().await;
    let missing = MemberRef::new(user, "MBR-missing");
    let error = h.client.read_member(&missing).await.expect_err("404");
    let MxError::Api {
        endpoint,
        status,
        message,
    } = &error
    else {
        panic!("expected an API error, got {error:?}");
    };
    assert_eq!((*endpoint, *status), ("read", 404));
    assert!(!message.is_empty() && !message.contains('{'), "{message}");
    assert_eq!(error.status(), Some(404));

    let not_challenged = h.client.challenges(&missing).await.expect_err("404");
    assert_eq!(not_challenged.status(), Some(404));
}

#[tokio::test]
async fn new_credentials_after_denied_reach_read_data() {
    let h = Harness::start(frozen_config()).await;
    let user = h.user().await;
    let request = h.mxbank("UNAUTHORIZED", "c-denied").await;
    let member = h.create(&user, &request).await;
    let mut state = MemberState::default();
    let outcome = h
        .driver
        .drive_state(&member, &mut state)
        .await
        .expect("drive");
    assert!(
        matches!(
            outcome,
            Outcome::EndUser {
                action: UserAction::UpdateCredentials,
                ..
            }
        ),
        "{outcome:?}"
    );
    let fixed = h.mxbank("password", "c-denied").await;
    let update = MemberUpdate {
        credentials: fixed.credentials,
        ..MemberUpdate::default()
    };

    let outcome = h
        .driver
        .update_credentials(&member, &update, &mut state)
        .await
        .expect("drive");

    let Outcome::ReadData { member: read, .. } = outcome else {
        panic!("expected read_data after new credentials, got {outcome:?}");
    };
    assert_eq!(read.connection_status.as_deref(), Some("CONNECTED"));
    assert_eq!(
        state.snapshot().and_then(|s| s.connection_status),
        Some(ConnectionStatus::Connected),
        "the caller's state holds what the drive read after the update"
    );
    assert!(
        h.calls("aggregate").is_empty(),
        "MX aggregates after an update by itself"
    );
}

#[tokio::test]
async fn verify_starts_a_verification_job() {
    let h = Harness::start(frozen_config()).await;
    let user = h.user().await;
    let request = h.mxbank("password", "c-verify").await;
    let member = h.create(&user, &request).await;
    assert!(matches!(
        h.driver.drive(&member).await.expect("drive"),
        Outcome::ReadData { .. }
    ));
    let verified = h.client.verify(&member).await.expect("verify");
    assert_eq!(verified.is_being_aggregated, Some(true));
}
