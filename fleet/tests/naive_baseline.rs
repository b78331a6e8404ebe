//! The naive integrator over loopback against the in-process emulator for a virtual
//! day: it makes the calls the baseline describes (a status poll while its jobs run, a
//! daily aggregation of every member, a 120-day re-read after each), wastes the
//! aggregations MX's window refuses, and its copy keeps what MX deleted.

use chrono::{TimeZone, Utc};
use mx_fleet::harness::run::{Options, run};

#[test]
fn the_naive_baseline_runs_a_day_and_its_waste_shows() {
    let options = Options {
        members: 0,
        naive_members: 20,
        days: 1,
        step_minutes: 15,
        seed: 27,
        start_at: Utc.with_ymd_and_hms(2026, 3, 2, 0, 0, 0).unwrap(),
        service_bin: None,
        database: None,
        work_dir: std::env::temp_dir().join(format!("mx-fleet-test-{}", std::process::id())),
        concurrency: 8,
        journal_out: None,
        service_concurrency: None,
        account_webhooks: false,
        instances: 1,
        settle_ms: 100,
        mfa_timeout_minutes: 60,
        webhook_concurrency: 8,
    };
    let outcome = run(&options).expect("the run");
    let _ = std::fs::remove_dir_all(&options.work_dir);
    let naive = &outcome.naive;
    assert!(outcome.service.is_none());
    assert_eq!(outcome.steps, 96);
    assert_eq!(outcome.errors.0, 0, "requests without an answer");
    // One user and one member created each, never twice.
    assert_eq!(naive.calls.by_call.get("create_user"), Some(&20));
    assert_eq!(naive.calls.by_call.get("create"), Some(&20));
    assert_eq!(naive.waste.repeated_creates, 0);
    // The daily aggregation of every member meets MX's 3-hour window for some.
    assert!(naive.calls.by_call.get("aggregate").copied().unwrap_or(0) >= 20);
    assert!(
        naive.waste.aggregate_nothing_started > 0,
        "{:?}",
        naive.waste
    );
    // It polls and re-reads.
    assert!(naive.calls.by_call.get("status").copied().unwrap_or(0) > 20);
    assert!(
        naive
            .calls
            .by_call
            .get("list_transactions")
            .copied()
            .unwrap_or(0)
            > 0
    );
    // Its end users were asked for things, some of which MX did not need.
    assert!(naive.prompts.total > naive.prompts.unneeded);
    assert!(naive.staleness.events > 0);
    assert!(outcome.table.contains("| naive integrator |"));
}
