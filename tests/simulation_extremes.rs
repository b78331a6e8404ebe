//! The public simulator never panics, even when a run starts at chrono's limits: its clock
//! saturates and the run ends at its step limit or horizon.

use chrono::{DateTime, TimeDelta, Utc};
use mx_aggregation::Policy;
use mx_aggregation::matrix::{TimeBucket, statuses_and_null};
use mx_aggregation::simulation::{EndUser, MxBehaviour, Scenario, simulate};

#[test]
fn runs_starting_at_chronos_limits_end_without_panicking() {
    let edges = [
        DateTime::<Utc>::MAX_UTC,
        DateTime::<Utc>::MAX_UTC - TimeDelta::seconds(10),
        DateTime::<Utc>::MIN_UTC,
    ];
    for now in edges {
        for status in statuses_and_null() {
            for bucket in [TimeBucket::Never, TimeBucket::Started1m] {
                let member = bucket.snapshot(status, false, now);
                let scenario = Scenario {
                    end_user: EndUser::Cooperative,
                    mx: MxBehaviour::Random,
                    horizon: std::time::Duration::from_secs(86_400),
                    seed: 1,
                };
                let run = simulate(&member, now, &Policy::default(), &scenario);
                assert!(
                    run.steps.len() <= mx_aggregation::simulation::STEP_LIMIT,
                    "{status:?}"
                );
            }
        }
    }
}
