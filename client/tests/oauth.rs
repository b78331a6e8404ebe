//! OAuth: a PENDING OAuth member sends the end user to a one-time OAuth window; once
//! they authorize, MX aggregates and the driver reaches read_data.

mod common;

use common::{Harness, assert_no_forbidden_aggregate, frozen_config};
use mx_aggregation_client::types::MemberCreate;
use mx_aggregation_client::{Outcome, UserAction};

fn oauth_member() -> MemberCreate {
    MemberCreate {
        institution_code: "mx_bank_oauth".to_owned(),
        is_oauth: Some(true),
        id: Some("m-oauth".to_owned()),
        ..MemberCreate::default()
    }
}

#[tokio::test]
async fn authorize_oauth_then_read_data() {
    let h = Harness::start(frozen_config()).await;
    let user = h.user().await;
    let member = h.create(&user, &oauth_member()).await;

    let outcome = h.driver.drive(&member).await.expect("drive");
    let Outcome::EndUser {
        member: to_authorize,
        action: UserAction::AuthorizeOauth { oauth_window_uri },
        ..
    } = outcome
    else {
        panic!("expected authorize_oauth, got {outcome:?}");
    };
    assert!(
        h.calls("aggregate").is_empty(),
        "no aggregate before the user authorized"
    );

    // The end user's browser: no credentials, no version headers.
    let page = reqwest::get(&oauth_window_uri).await.expect("window opens");
    assert!(page.status().is_success(), "{}", page.status());

    let outcome = h.driver.drive(&to_authorize).await.expect("drive");
    let Outcome::ReadData { member: read, .. } = outcome else {
        panic!("expected read_data after authorizing, got {outcome:?}");
    };
    assert_eq!(read.connection_status.as_deref(), Some("CONNECTED"));
    assert_eq!(h.calls("oauth_window_uri").len(), 1);
    assert_no_forbidden_aggregate(&h.log);
}

#[tokio::test]
async fn a_used_window_is_not_reused_a_new_one_is_fetched() {
    let h = Harness::start(frozen_config()).await;
    let user = h.user().await;
    let member = h.create(&user, &oauth_member()).await;
    let first = h.driver.drive(&member).await.expect("drive");
    let second = h.driver.drive(&member).await.expect("drive");
    let uri = |o: &Outcome| match o {
        Outcome::EndUser {
            action: UserAction::AuthorizeOauth { oauth_window_uri },
            ..
        } => oauth_window_uri.clone(),
        other => panic!("expected authorize_oauth, got {other:?}"),
    };
    assert_ne!(
        uri(&first),
        uri(&second),
        "each drive fetches a new one-time URI"
    );
}
