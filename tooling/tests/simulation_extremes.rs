//! The public simulator never panics, even when a run starts at chrono's limits: its clock
//! saturates and the run ends at its step limit or horizon.

use chrono::{DateTime, TimeDelta, Utc};
use mx_aggregation::Policy;
use mx_aggregation_tooling::matrix::{TimeBucket, statuses_and_null};
use mx_aggregation_tooling::simulation::{
    End, EndUser, MxBehaviour, STEP_LIMIT, Scenario, simulate,
};

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
                // The run decided at least once, and its end matches its length: only a
                // run that took every allowed step may say it hit the step limit.
                assert!(!run.steps.is_empty(), "{status:?} at {now}");
                let at_limit = run.steps.len() == STEP_LIMIT;
                assert_eq!(
                    at_limit,
                    run.end == End::StepLimit,
                    "{status:?} at {now}: {:?}",
                    run.end
                );
                // The saturating clock never runs backwards.
                assert!(
                    run.steps.windows(2).all(|w| w[0].at <= w[1].at),
                    "{status:?} at {now}: time went backwards"
                );
                assert!(run.steps[0].at >= run.started, "{status:?} at {now}");
            }
        }
    }
}
