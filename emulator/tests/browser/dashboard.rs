//! The dashboard at `GET /emulator/ui`: behind Basic auth, per tenant; a member with its
//! full GUID and status, the clock advanced from the page, a status forced, the trace,
//! and a webhook redelivered.

use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use fantoccini::{Client, Locator};

use crate::common::{API_KEY, CLIENT_ID, Receiver};
use crate::harness::{self, PATIENCE, Shot, screenshot, shown, text_contains};
use crate::kit;

/// The dashboard URL with `id`:`key` in it, as a person would type them into the
/// browser's prompt.
fn dashboard(base: &str, id: &str, key: &str) -> String {
    base.replacen("http://", &format!("http://{id}:{key}@"), 1) + "/emulator/ui"
}

/// The virtual time the page shows.
async fn clock_now(client: &Client) -> DateTime<Utc> {
    let text = shown(client, "[data-test=clock-now]")
        .await
        .attr("datetime")
        .await
        .unwrap()
        .expect("clock-now has a datetime");
    DateTime::parse_from_rfc3339(&text)
        .expect("RFC 3339")
        .with_timezone(&Utc)
}

/// The attempts the page lists for webhook `id`.
async fn attempts(client: &Client, id: &str) -> usize {
    client
        .find_all(Locator::Css(&format!(
            "[data-test=webhook][data-id='{id}'] [data-test=webhook-attempt]"
        )))
        .await
        .map_or(0, |all| all.len())
}

#[tokio::test]
async fn the_dashboard_shows_a_member_advances_the_clock_and_redelivers() {
    let receiver = Receiver::start(0).await;
    let mut config = mx_emulator::Config::new(CLIENT_ID, API_KEY);
    config.start_at = Some(crate::common::start_time());
    config.step = Duration::from_millis(150);
    config.webhook_url = Some(receiver.url.clone());
    config.tenants = vec![("other".to_owned(), "other-key".to_owned())];
    let mx = crate::common::Mx::start(config).await;

    // Without credentials a browser is asked for them.
    let bare = reqwest::get(format!("{}/emulator/ui", mx.base))
        .await
        .unwrap();
    assert_eq!(bare.status(), 401);
    let challenge = bare.headers()["www-authenticate"].to_str().unwrap();
    assert!(challenge.starts_with("Basic"), "{challenge}");

    harness::run("dashboard", |client| async move {
        client.set_window_size(1400, 820).await.unwrap();
        let user = mx.user().await;
        let guid = mx.member_guid(&user, "password").await;
        client
            .goto(&dashboard(&mx.base, CLIENT_ID, API_KEY))
            .await
            .unwrap();
        let row = format!("[data-test=member][data-guid='{guid}']");
        text_contains(&client, &row, &guid).await;
        text_contains(&client, &format!("{row} [data-test=member-status]"), "CONNECTED").await;
        text_contains(&client, &format!("{row} [data-test=member-aggregating]"), "false").await;

        // The MEMBER created webhook, delivered once, then once more from the page.
        let webhook = shown(&client, "[data-test=webhook]").await;
        let id = webhook.attr("data-id").await.unwrap().unwrap();
        text_contains(&client, &format!("[data-test=webhook][data-id='{id}']"), "delivered").await;
        let before = attempts(&client, &id).await;
        assert!(before >= 1);
        let received = receiver.all().len();
        shown(&client, &format!("[data-test=redeliver][data-id='{id}']"))
            .await
            .click()
            .await
            .unwrap();
        let deadline = Instant::now() + PATIENCE;
        while attempts(&client, &id).await <= before {
            assert!(Instant::now() < deadline, "no new attempt for webhook {id}");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        assert!(receiver.all().len() > received, "the receiver got it again");

        // The clock, advanced an hour from the page.
        let then = clock_now(&client).await;
        let seconds = shown(&client, "[data-test=clock-seconds]").await;
        seconds.clear().await.unwrap();
        seconds.send_keys("3600").await.unwrap();
        shown(&client, "[data-test=clock-advance]")
            .await
            .click()
            .await
            .unwrap();
        let deadline = Instant::now() + PATIENCE;
        while clock_now(&client).await < then + chrono::TimeDelta::seconds(3600) {
            assert!(Instant::now() < deadline, "clock-now did not move an hour");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let emulator_now = mx.emulator.as_ref().unwrap().now();
        assert!(emulator_now >= then + chrono::TimeDelta::seconds(3600));

        // A forced status, and the trace that shows it.
        shown(&client, &format!("{row} [data-test=force-status]"))
            .await
            .select_by_value("DENIED")
            .await
            .unwrap();
        shown(&client, &format!("{row} [data-test=force-status-apply]"))
            .await
            .click()
            .await
            .unwrap();
        text_contains(&client, &format!("{row} [data-test=member-status]"), "DENIED").await;
        assert_eq!(mx.read(&user, &guid).await["connection_status"], "DENIED");
        shown(&client, &format!("{row} [data-test=show-trace]"))
            .await
            .click()
            .await
            .unwrap();
        text_contains(&client, "[data-test=trace]", "forced_status").await;
        client
            .execute("window.scrollTo(0, 0); for (const s of document.querySelectorAll('section')) s.scrollLeft = 0;", Vec::new())
            .await
            .unwrap();
        screenshot(&client, "dashboard", Shot::Readme).await;

        // Another tenant sees its own members only.
        client
            .goto(&dashboard(&mx.base, "other", "other-key"))
            .await
            .unwrap();
        shown(&client, "[data-test=clock-now]").await;
        tokio::time::sleep(Duration::from_millis(1500)).await;
        assert_eq!(kit::count(&client, "[data-test=member]").await, 0);
    })
    .await;
}
