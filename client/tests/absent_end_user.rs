//! With the end user absent (a nightly job), the crate decides with `EndUser::Absent`:
//! the driver never starts a foreground aggregation, and hands back what needs the user.

mod common;

use std::time::Duration;

use common::{Harness, assert_no_forbidden_aggregate, frozen_config};
use mx_aggregation::EndUser;
use mx_aggregation_client::{Limits, Outcome, UserAction};

#[tokio::test]
async fn a_stale_member_without_background_aggregation_waits_for_the_user() {
    let h = Harness::start(frozen_config()).await;
    let user = h.user().await;
    let mut request = h.mxbank("password", "m-absent").await;
    request.background_aggregation_is_disabled = Some(true);
    let member = h.create(&user, &request).await;
    assert!(matches!(
        h.driver.drive(&member).await.expect("drive"),
        Outcome::ReadData { .. }
    ));
    // A day and more later the data is stale, and MX will not refresh it by itself.
    h.advance(Duration::from_secs(30 * 3600));
    let h = h.limits(Limits {
        end_user: EndUser::Absent,
        ..Limits::default()
    });

    let outcome = h.driver.drive(&member).await.expect("drive");

    let Outcome::EndUser {
        action: UserAction::Aggregate,
        ..
    } = outcome
    else {
        panic!("expected aggregate-when-present, got {outcome:?}");
    };
    assert!(
        h.calls("aggregate").is_empty(),
        "no foreground job without the user"
    );

    // With the user back, the same member is aggregated once and read.
    let h = h.limits(Limits::default());
    let outcome = h.driver.drive(&member).await.expect("drive");
    assert!(matches!(outcome, Outcome::ReadData { .. }), "{outcome:?}");
    assert_eq!(h.calls("aggregate").len(), 1);
    assert_no_forbidden_aggregate(&h.log);
}
