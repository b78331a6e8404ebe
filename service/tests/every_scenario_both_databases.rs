//! The behaviour suite's core on SQLite and on PostgreSQL alike: members through success,
//! MFA, DENIED then new credentials, LOCKED and OAuth each end where MX says, MX sees each
//! created once and no aggregation it did not run, every webhook answered 204 is counted,
//! and the stored transactions equal MX's. PostgreSQL runs when `MX_TEST_POSTGRES_URL` is
//! set (skipped with a line on stderr otherwise, failed under `CI=true`).

mod support;

use std::time::Duration;

use support::Scratch;
use support::checks::broken_promises;
use support::db::Database;
use support::fleet::{Fleet, Scenario};
use support::harness::Harness;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn every_scenario_ends_where_mx_says_on_each_database() {
    let scratch = Scratch::new("every-scenario");
    for database in Database::all(&scratch.path, "every_scenario_both_databases").await {
        let kind = database.kind();
        let h = Harness::start(kind, &scratch.path, database, &[]).await;
        let mut fleet = Fleet::new(kind);
        for scenario in Scenario::ALL.iter().chain(&Scenario::ALL) {
            fleet.add(&h.api, *scenario).await;
        }
        if let Err(unsettled) = fleet.settle(&h.api, &h.mx, Duration::from_secs(120)).await {
            panic!("{kind}: {unsettled}\n{}", h.log());
        }
        let problems = broken_promises(&h.api, &h.mx, &fleet).await;
        assert!(
            problems.is_empty(),
            "{kind}: {}\n{}",
            problems.join("\n"),
            h.log()
        );
        h.finish().await;
    }
}
