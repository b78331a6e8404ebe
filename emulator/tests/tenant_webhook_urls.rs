//! Each tenant's own webhook URL: MX keeps one per client (set in its dashboard), so a
//! tenant given its own (`TenantHandle::set_webhook_url`) gets its webhooks there and
//! the other tenants keep `Config::webhook_url`; the answers a tenant's sends got are
//! counted (`TenantHandle::webhook_answers`).

mod common;

use common::{Mx, Receiver, frozen_config};

#[tokio::test]
async fn a_tenant_with_its_own_url_gets_its_webhooks_there_and_the_others_keep_the_default() {
    let shared = Receiver::start(0).await;
    let own = Receiver::start(0).await;
    let mut config = frozen_config();
    config.webhook_url = Some(shared.url.clone());
    config.tenants = vec![("second".to_owned(), "second-key".to_owned())];
    let first = Mx::start(config).await;
    let emulator = first.emulator.as_ref().expect("started here");
    let second_tenant = emulator.tenant("second").expect("configured");
    assert!(second_tenant.set_webhook_url(&own.url));
    let second = Mx::at(&first.base, "second", "second-key");

    let first_user = first.user().await;
    let first_member = first.member_guid(&first_user, "password").await;
    let second_user = second.user().await;
    let second_member = second.member_guid(&second_user, "password").await;
    first.advance(1).await;
    second.advance(1).await;

    let aggregated = |r: &common::Received| r.body["type"] == "AGGREGATION";
    let at_shared = shared.wait_for(1, aggregated).await;
    let at_own = own.wait_for(1, aggregated).await;
    assert_eq!(at_shared.len(), 1);
    assert_eq!(at_own.len(), 1);
    // Every webhook names its member at the top (`member_guid`) or in it (MEMBER's).
    let member_of = |r: &common::Received| {
        let top = &r.body["member_guid"];
        if top.is_null() {
            r.body["member"]["guid"].clone()
        } else {
            top.clone()
        }
    };
    for (receiver, member) in [(&shared, &first_member), (&own, &second_member)] {
        let all = receiver.all();
        assert!(all.len() >= 2, "{all:?}");
        for received in &all {
            assert_eq!(member_of(received), member.as_str(), "{received:?}");
        }
    }
    // Every send got an answer, counted per tenant (once nothing is left to send).
    let first_tenant = emulator.tenant(common::CLIENT_ID).expect("the first");
    for tenant in [&first_tenant, &second_tenant] {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        while tenant.webhooks_due() > 0 && std::time::Instant::now() < deadline {
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        }
    }
    let (answered, took) = second_tenant.webhook_answers();
    assert_eq!(answered, own.all().len() as u64);
    assert!(took > std::time::Duration::ZERO);
    assert_eq!(first_tenant.webhook_answers().0, shared.all().len() as u64);
}

#[tokio::test]
async fn an_emulator_that_sends_no_webhooks_takes_no_tenant_url() {
    let receiver = Receiver::start(0).await;
    let mx = Mx::start(frozen_config()).await;
    let tenant = mx
        .emulator
        .as_ref()
        .and_then(|e| e.tenant(common::CLIENT_ID))
        .expect("the first tenant");
    assert!(!tenant.set_webhook_url(&receiver.url));
    let user = mx.user().await;
    mx.member_guid(&user, "password").await;
    mx.advance(1).await;
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    assert!(receiver.all().is_empty());
    assert_eq!(tenant.webhook_answers().0, 0);
    assert!(tenant.webhooks().is_empty());
}
