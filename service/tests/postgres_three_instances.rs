//! Three instances on one PostgreSQL database drive 200 members (`MX_PG_MEMBERS` and
//! `MX_PG_INSTANCES` change the numbers; `benches/service_instances.sh` runs 1,000)
//! through every scenario, MX's
//! webhooks spread over them by a balancer; midway one instance is SIGKILLed and not
//! started again. Every member settles where MX says, MX sees each created once and no
//! aggregation it did not run, every webhook answered 204 was folded, and the stored
//! transactions equal MX's. Skipped (with a line on stderr) without `MX_TEST_POSTGRES_URL`,
//! failed under `CI=true`.

mod support;

use std::sync::Arc;
use std::time::{Duration, Instant};

use support::Scratch;
use support::api::Api;
use support::balancer::Balancer;
use support::checks::broken_promises;
use support::db::Database;
use support::fleet::{Fleet, Scenario};
use support::mx::Mx;
use support::process::{Instance, Launch, log_tail};
use support::rng::seed_from_env;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn three_instances_one_killed_every_member_settles() {
    let test = "postgres_three_instances";
    let Some(database) = Database::postgres(test).await else {
        return;
    };
    let members: usize = std::env::var("MX_PG_MEMBERS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(200);
    let count: usize = std::env::var("MX_PG_INSTANCES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(3)
        .max(2);
    let seed = seed_from_env("MX_PG_SEED", 25);
    let scratch = Scratch::new("three");
    let mut launches: Vec<Launch> = (0..count)
        .map(|i| Launch::new(&format!("instance-{i}"), &scratch.path, database.url(), ""))
        .collect();
    let api = Arc::new(Api::new(launches.iter().map(Launch::base_url).collect()));
    let balancer = Balancer::start(api.clone()).await;
    let mx = Mx::start(&balancer.url, seed).await;
    for launch in &mut launches {
        launch.mx_base_url = mx.base_url().to_owned();
        launch.extra = vec!["--concurrency".into(), "8".into()];
    }
    let logs = || {
        launches
            .iter()
            .map(|l| log_tail(&l.log_path(), 30))
            .collect::<Vec<_>>()
            .join("\n")
    };

    // All three start at once on the empty database: the migrations run once.
    let began = Instant::now();
    let starts = launches.iter().map(Instance::start_async);
    let mut instances: Vec<Instance> = Vec::new();
    for start in starts {
        instances.push(start.await);
    }
    for (instance, launch) in instances.iter().zip(&launches) {
        assert_eq!(instance.base_url, launch.base_url());
    }

    // Members arrive eight at a time; midway, with drives under way, one instance dies
    // and stays dead.
    let mut fleet = Fleet::new("three");
    let scenarios: Vec<Scenario> = (0..members)
        .map(|n| Scenario::ALL[n % Scenario::ALL.len()])
        .collect();
    let (first, second) = scenarios.split_at(members / 2);
    fleet.add_all(&api, first, 8).await;
    let _ = fleet.pass(&api, &mx, true).await;
    let victim = &mut instances[1];
    victim.kill();
    api.forget(&victim.base_url);
    eprintln!("SIGKILLed instance-1 after {} members", first.len());
    fleet.add_all(&api, second, 8).await;
    let created = began.elapsed();
    if let Err(unsettled) = fleet
        .settle(&api, &mx, Duration::from_secs(300 + members as u64))
        .await
    {
        panic!("{unsettled}\n{}", logs());
    }
    eprintln!(
        "{members} members {:?}: created in {created:?}, settled in {:?}; the clock jumped {} times, {} virtual seconds",
        fleet.census(),
        began.elapsed(),
        fleet.jumped.1,
        fleet.jumped.0
    );

    let problems = broken_promises(&api, &mx, &fleet).await;
    assert!(
        problems.is_empty(),
        "{} broken promises:\n{}\n{}",
        problems.len(),
        problems
            .iter()
            .take(40)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n"),
        logs()
    );
    drop(instances);
    database.drop_database().await;
}
