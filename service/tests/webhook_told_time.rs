//! On `--clock emulator-follow` a webhook that says when the emulator sent it
//! (`mx_emulator::WEBHOOK_NOW_HEADER`) is dated by that header, without a read of the
//! emulator's clock over HTTP; one without it reads the clock as before. The instance
//! here follows an emulator that is not there, so a read of its clock fails: a webhook
//! stored (`204`) was dated by its header, and one refused (`503`) asked the clock.

mod support;

use serde_json::{Value, json};
use support::Scratch;
use support::db::Database;
use support::metrics::gauge;
use support::process::{Instance, Launch, free_addr};

/// An instance on `clock` (SQLite in a scratch directory) whose emulator is not there:
/// every read of the emulator's clock fails. The scratch directory lives as long as it.
async fn instance_without_mx(test: &str, clock: &'static str) -> (Scratch, Instance) {
    let scratch = Scratch::new(test);
    let database = Database::sqlite(&scratch.path);
    let gone = format!("http://{}", free_addr());
    let mut launch = Launch::new(test, &scratch.path, database.url(), &gone);
    launch.clock = clock;
    let instance = Instance::start_async(&launch).await;
    (scratch, instance)
}

/// A background `member_data_updated` for `member` of `user`.
fn data_webhook(member: &str, user: &str) -> Value {
    json!({
        "action": "member_data_updated",
        "type": "AGGREGATION",
        "member_guid": member,
        "user_guid": user,
        "completed_at": 1_700_000_000,
        "is_background": true,
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_webhook_on_a_followed_clock_is_dated_by_the_emulators_header() {
    let (_scratch, mut instance) =
        instance_without_mx("webhook-told-time", "emulator-follow").await;
    let http = reqwest::Client::new();
    let url = format!("{}/webhooks/mx", instance.base_url);
    let body = data_webhook("MBR-told", "USR-told");
    let post = |told: Option<&'static str>| {
        let mut request = http.post(&url).json(&body);
        if let Some(told) = told {
            request = request.header(mx_emulator::WEBHOOK_NOW_HEADER, told);
        }
        request.send()
    };

    let told = post(Some("2026-03-02T10:15:00.000Z")).await.unwrap();
    assert_eq!(told.status().as_u16(), 204, "dated by its header");

    let untold = post(None).await.unwrap();
    assert_eq!(
        untold.status().as_u16(),
        503,
        "without the header the clock is read, and it is not there: {}",
        untold.text().await.unwrap_or_default()
    );

    // A header that is no time is no telling: the clock is read.
    let garbled = post(Some("ten past ten")).await.unwrap();
    assert_eq!(garbled.status().as_u16(), 503);
    instance.kill();
}

/// On the system clock the header is ignored. A body dated by a header of 2020 would be
/// more than a day old when it comes again now, a new webhook; dated by the system's
/// clock, it is a repeat.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_the_system_clock_the_header_is_no_time_to_trust() {
    let (_scratch, mut instance) = instance_without_mx("webhook-told-system", "system").await;
    let http = reqwest::Client::new();
    let base = instance.base_url.clone();
    let body = data_webhook("MBR-told-system", "USR-told-system");
    let first = http
        .post(format!("{base}/webhooks/mx"))
        .header(mx_emulator::WEBHOOK_NOW_HEADER, "2020-01-01T00:00:00.000Z")
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(first.status().as_u16(), 204);
    let again = http
        .post(format!("{base}/webhooks/mx"))
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status().as_u16(), 204);
    assert_eq!(
        gauge(&http, &base, "mx_service_webhooks_repeated_total").await,
        Some(1),
        "the second copy is a repeat of one dated now"
    );
    instance.kill();
}
