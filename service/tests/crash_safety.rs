//! Crash safety on SQLite: the service is killed with SIGKILL at seeded random moments, at
//! least 30 times, while a fleet of members goes through success, MFA, DENIED then new
//! credentials, LOCKED and OAuth, and each time it is started again on the same database.
//! Afterwards every member ends where MX says, MX saw each member created once, no
//! aggregation was asked for that MX did not run (inside its window or during a job), every
//! webhook answered 204 was folded, and each synced member's stored transactions equal
//! MX's. `MX_CRASH_SEED=N` repeats a run's kill schedule.

mod support;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::time::Duration;

use support::Scratch;
use support::api::Api;
use support::checks::broken_promises;
use support::db::Database;
use support::fleet::{Fleet, Scenario};
use support::mx::Mx;
use support::process::{Instance, Launch, log_tail};
use support::rng::{Rng, seed_from_env};

/// SIGKILLs the run must reach.
const KILLS: u32 = 30;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn killed_thirty_times_every_member_ends_where_mx_says() {
    let scratch = Scratch::new("crash");
    let seed = seed_from_env("MX_CRASH_SEED", 24);
    let database = Database::sqlite(&scratch.path);
    // One fixed port for every start: MX's webhook URL stays the same across restarts.
    let mut launch = Launch::new("service", &scratch.path, database.url(), "");
    let mx = Mx::start(&launch.webhook_url(), seed).await;
    launch.mx_base_url = mx.base_url().to_owned();
    launch.extra = vec!["--concurrency".into(), "8".into()];

    let first = Instance::start_async(&launch).await;
    assert_eq!(first.base_url, launch.base_url(), "the first stdout line");
    let api = Api::new(vec![launch.base_url()]);

    // The killer: waits a seeded random time, SIGKILLs the service, starts it again.
    let kills = Arc::new(AtomicU32::new(0));
    let stop = Arc::new(AtomicBool::new(false));
    let killer = {
        let (kills, stop, launch) = (kills.clone(), stop.clone(), launch.clone());
        tokio::spawn(async move {
            let mut rng = Rng::new(seed);
            let mut instance = first;
            let mut slowest = instance.started_in;
            while !stop.load(Ordering::SeqCst) {
                tokio::time::sleep(Duration::from_millis(rng.between(150, 2_000))).await;
                instance.kill();
                kills.fetch_add(1, Ordering::SeqCst);
                // Sometimes the service stays down a while, so that webhooks and requests fail.
                tokio::time::sleep(Duration::from_millis(rng.between(0, 300))).await;
                instance = Instance::start_async(&launch).await;
                slowest = slowest.max(instance.started_in);
            }
            (instance, slowest)
        })
    };

    // Waves of members, one per scenario, until the kills are reached; each pass between
    // them drives the fleet a little.
    let mut fleet = Fleet::new("crash");
    let mut wave = 0;
    while kills.load(Ordering::SeqCst) < KILLS {
        if wave < 4 {
            for scenario in Scenario::ALL {
                fleet.add(&api, scenario).await;
            }
            wave += 1;
        }
        for _ in 0..5 {
            let _ = fleet.pass(&api, &mx, true).await;
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
    stop.store(true, Ordering::SeqCst);
    let (mut last, slowest) = killer.await.expect("the killer");
    let killed = kills.load(Ordering::SeqCst);
    eprintln!(
        "{killed} SIGKILLs, {} members {:?}, slowest start {slowest:?}",
        fleet.members.len(),
        fleet.census()
    );
    assert!(killed >= KILLS);

    if let Err(unsettled) = fleet.settle(&api, &mx, Duration::from_secs(90)).await {
        panic!("{unsettled}\n{}", log_tail(&launch.log_path(), 80));
    }
    eprintln!(
        "settled; the clock jumped {} times, {} virtual seconds",
        fleet.jumped.1, fleet.jumped.0
    );

    let problems = broken_promises(&api, &mx, &fleet).await;
    assert!(
        problems.is_empty(),
        "{} broken promises:\n{}\n{}",
        problems.len(),
        problems.join("\n"),
        log_tail(&launch.log_path(), 40)
    );
    assert!(
        slowest < Duration::from_secs(5),
        "a restart on the existing database took {slowest:?} to print its URL"
    );
    let status = tokio::task::spawn_blocking(move || last.terminate(Duration::from_secs(10)))
        .await
        .expect("the stop task");
    assert!(
        status.is_some_and(|s| s.success()),
        "SIGTERM: exit 0 within 10 s, got {status:?}"
    );
}
