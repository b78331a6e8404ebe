//! On `--clock emulator-follow` the service never moves MX's clock: a drive's poll waits
//! until whoever runs the emulator moves it, and `/metrics` says how many drives wait and
//! for when (`mx_service_clock_waits`, `mx_service_clock_wait_until_seconds`), so a
//! harness can move the clock to the earliest wait's end.

mod support;

use std::time::Duration;

use support::Scratch;
use support::db::Database;
use support::fleet::Scenario;
use support::harness::Harness;
use support::metrics::{gauge, move_to_next_wait};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_followed_clock_moves_only_when_its_owner_moves_it() {
    let scratch = Scratch::new("followed-clock");
    let database = Database::sqlite(&scratch.path);
    let mut h = Harness::start_following("followed", &scratch.path, database, &[]).await;
    let (mx, api) = (&h.mx, &h.api);
    let base = h.instance.base_url.clone();
    let http = reqwest::Client::new();
    let start = mx.now();

    let user = api.user("u-follow").await;
    let member = api
        .create_member(&user, "k-follow", &Scenario::Success.member("m-follow"))
        .await;

    // MX's job runs; the drive polls it and waits for the clock, which nobody moves.
    let mut until = None;
    for _ in 0..600 {
        if gauge(&http, &base, "mx_service_clock_waits").await > Some(0) {
            until = gauge(&http, &base, "mx_service_clock_wait_until_seconds").await;
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let until = until.expect("a drive waits for the clock");
    assert!(until > start.timestamp(), "it waits for a later moment");
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(mx.now(), start, "the service did not move MX's clock");

    // Moving the clock to each wait's end lets the drive go on, until the data is read.
    let mut moved = 0;
    let mut synced = false;
    for _ in 0..400 {
        let view = api.get(&format!("/members/{member}")).await;
        if view.is_some_and(|v| !v.body["member"]["synced_through"].is_null()) {
            synced = true;
            break;
        }
        moved += move_to_next_wait(&http, &base, mx).await;
    }
    assert!(synced, "the member was synced\n{}", h.log());
    assert!(moved > 0, "the clock had to be moved");
    assert_eq!(
        (mx.now() - start).num_seconds(),
        moved,
        "only this test moved the clock"
    );
    assert_eq!(
        gauge(&http, &base, "mx_service_clock_waits").await,
        Some(0),
        "no wait is left"
    );
    h.instance.kill();
}
