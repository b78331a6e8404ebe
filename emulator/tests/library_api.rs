//! The in-process library API a Rust test uses: start on a free port, advance the clock,
//! load a fault plan, read the outbox, reach another tenant, reset.

mod common;

use std::time::Duration;

use common::{Mx, Receiver, frozen_config};
use mx_emulator::FaultPlan;

#[tokio::test]
async fn a_test_drives_the_emulator_through_its_handle() {
    let receiver = Receiver::start(0).await;
    let mut config = frozen_config();
    config.webhook_url = Some(receiver.url.clone());
    config.tenants = vec![("other".to_owned(), "other-key".to_owned())];
    let mx = Mx::start(config).await;
    let emulator = mx.emulator.as_ref().unwrap();
    assert_eq!(mx.base, emulator.base_url());
    assert_ne!(emulator.local_addr().port(), 0);

    emulator.load_faults(
        FaultPlan::from_json(r#"{"rules": [{"call": "create_member", "sequence": [503]}]}"#)
            .unwrap(),
    );
    let user = mx.user().await;
    assert_eq!(mx.create_member(&user, "any").await.status, 503);
    let member = mx.member_guid(&user, "any").await;

    let start = emulator.now();
    let later = emulator.advance_clock(Duration::from_secs(2)).unwrap();
    assert_eq!((later - start).num_seconds(), 2);
    assert_eq!(
        mx.read(&user, &member).await["connection_status"],
        "CONNECTED"
    );

    receiver.wait_for(2, |_| true).await;
    let mut outbox = emulator.webhooks();
    for _ in 0..200 {
        if outbox.iter().all(|w| w["state"] == "delivered") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
        outbox = emulator.webhooks();
    }
    let kinds: Vec<_> = outbox.iter().map(|w| w["type"].clone()).collect();
    assert_eq!(kinds, ["MEMBER", "AGGREGATION"]);
    assert!(
        outbox.iter().all(|w| w["state"] == "delivered"),
        "{outbox:?}"
    );
    assert!(emulator.off_model_moves().is_empty());

    // The other tenant has its own clock; the first one's reset leaves it alone.
    let other = emulator.tenant("other").unwrap();
    other.advance_clock(Duration::from_secs(60)).unwrap();
    assert_eq!((other.now() - start).num_seconds(), 60);
    assert!(emulator.tenant("nobody").is_none());
    emulator.reset();
    assert!(emulator.webhooks().is_empty());
    assert_eq!(emulator.now(), start);
    assert_eq!((other.now() - start).num_seconds(), 60);
    let gone = mx
        .send("GET", &format!("/users/{user}/members/{member}"), None)
        .await;
    assert_eq!(gone.status, 404);
}
