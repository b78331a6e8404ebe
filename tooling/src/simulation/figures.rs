//! The simulation's figures for the generated documentation: every starting member, a few
//! seeds each, three scenarios, summarised.

use std::time::Duration;

use chrono::{DateTime, Utc};

use super::run::{CallKind, End, EndUser, MxBehaviour, Response, Run, Scenario, busiest_day};
use super::service::simulate;
use crate::matrix::{TimeBucket, statuses_and_null};
use mx_aggregation::ActionKind;
use mx_aggregation::MemberSnapshot;
use mx_aggregation::Policy;

/// How many seeds [`figures`] runs for every starting member and scenario.
pub const SEEDS_PER_START: u64 = 2;

/// Every starting member the simulation covers at `now`: every status and `null` ×
/// `is_being_aggregated` × `needs_updated_credentials` × `background_aggregation_is_disabled`
/// × every [`TimeBucket`] of the decision matrix (23 × 2 × 2 × 2 × 8 = 1,472 members).
pub fn starts(now: DateTime<Utc>) -> Vec<MemberSnapshot> {
    let mut out = Vec::new();
    for status in statuses_and_null() {
        for bits in 0..8u8 {
            for bucket in TimeBucket::ALL {
                out.push(MemberSnapshot {
                    needs_updated_credentials: bits & 2 != 0,
                    background_aggregation_is_disabled: Some(bits & 4 != 0),
                    ..bucket.snapshot(status, bits & 1 != 0, now)
                });
            }
        }
    }
    out
}

/// Median, 95th percentile and maximum of a set of counts (nearest rank).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Summary {
    /// How many values.
    pub count: usize,
    /// The median.
    pub median: u64,
    /// The 95th percentile.
    pub p95: u64,
    /// The largest value.
    pub max: u64,
}

impl Summary {
    /// Summarises `values`; all zero when there are none.
    pub fn of(values: impl IntoIterator<Item = u64>) -> Self {
        let mut values: Vec<u64> = values.into_iter().collect();
        values.sort_unstable();
        let rank = |percent: usize| {
            let index = (values.len() * percent).div_ceil(100).saturating_sub(1);
            values.get(index).copied().unwrap_or(0)
        };
        Self {
            count: values.len(),
            median: rank(50),
            p95: rank(95),
            max: values.last().copied().unwrap_or(0),
        }
    }
}

/// True when MX itself could have reported `member` at `now`: no timestamp lies after
/// `now`, and a running job has an `aggregated_at`.
///
/// The other starts are still simulated and checked for safety, but their figures are
/// reported apart: with no job start, or one in the future, the engine cannot tell a job's
/// age and polls at MX's 3-second floor for as long as the job runs.
pub fn mx_could_report(member: &MemberSnapshot, now: DateTime<Utc>) -> bool {
    let not_future = |t: Option<DateTime<Utc>>| t.is_none_or(|t| t <= now);
    not_future(member.aggregated_at)
        && not_future(member.successfully_aggregated_at)
        && (!member.is_being_aggregated || member.aggregated_at.is_some())
}

/// A cooperative end user and an MX that lets a job succeed after
/// [`CooperativeFigures::AFTER_MOVES`] job moves: how fast the engine gets to data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct CooperativeFigures {
    /// Decisions until `read_data` or `stop`.
    pub steps: Summary,
    /// Calls to MX (reads and writes) until then.
    pub calls: Summary,
    /// Simulated minutes until then.
    pub minutes: Summary,
    /// Runs that ended reading data.
    pub read_data: usize,
    /// Runs that ended with `stop`.
    pub stopped: usize,
    /// Runs that ended otherwise (horizon or step limit): zero when the engine is sound.
    pub unfinished: usize,
    /// Decisions where the service had to hold back the aggregation after a
    /// `resolve_at_institution`, because MX's cooldown had not ended.
    pub deferred_resolutions: usize,
}

impl CooperativeFigures {
    /// How many job moves the simulated MX makes freely before it lets a job succeed.
    pub const AFTER_MOVES: u32 = 4;
    /// The most decisions a run from a start MX could report may take to reach `read_data`
    /// or `stop`. A job polled with the backoff for six hours (the longest simulated job)
    /// takes about 120 reads; a run sees at most a few jobs before MX lets one succeed, up
    /// to a day of hourly looks at an idle `DELAYED` member, up to ten minutes of polls of a
    /// transient status, and one decision per action and wait.
    pub const MAX_STEPS: usize = 750;
    /// The scenario, for a seed.
    pub const fn scenario(seed: u64) -> Scenario {
        Scenario {
            end_user: EndUser::Cooperative,
            mx: MxBehaviour::EventuallySucceeds {
                after_moves: Self::AFTER_MOVES,
            },
            horizon: Duration::from_secs(14 * 24 * 3_600),
            seed,
        }
    }
}

/// An absent end user and an MX choosing any edge, for three days: how much the engine asks
/// of MX when nobody can act.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct AbsentUserFigures {
    /// Calls to MX within the run's busiest 24 hours.
    pub calls_per_day: Summary,
    /// Writes (aggregate, resume, update) over all runs: zero, as nobody can make them.
    pub writes: usize,
    /// Runs whose last decision asks for the end user.
    pub ends_asking_for_user: usize,
    /// Runs whose last decision is `wait`.
    pub ends_waiting: usize,
    /// Runs whose last decision is `read_data` (MX's background aggregation succeeded).
    pub ends_reading_data: usize,
    /// Runs that ended with `stop`.
    pub ends_stopped: usize,
    /// Runs whose last decision is `poll` (a job of MX's own was running at the horizon).
    pub ends_polling: usize,
}

impl AbsentUserFigures {
    /// The most calls to MX in any 24 hours of a run from a start MX could report: 24
    /// hourly reads while the engine waits for the end user, plus the polls of the jobs MX
    /// runs by itself (a background aggregation a day, an automatic one after a create or
    /// update, each polled with the backoff) and of a transient or `DELAYED` status.
    pub const MAX_CALLS_PER_DAY: usize = 350;
    /// The scenario, for a seed.
    pub const fn scenario(seed: u64) -> Scenario {
        Scenario {
            end_user: EndUser::Absent,
            mx: MxBehaviour::Random,
            horizon: Duration::from_secs(3 * 24 * 3_600),
            seed,
        }
    }
}

/// The same two scenarios from the starts MX could not have reported
/// (see [`mx_could_report`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ImplausibleStartFigures {
    /// Decisions until `read_data` or `stop`, cooperative end user.
    pub cooperative_steps: Summary,
    /// Calls to MX within the run's busiest 24 hours, absent end user.
    pub absent_user_calls_per_day: Summary,
}

impl ImplausibleStartFigures {
    /// The most decisions a cooperative run from such a start may take to reach
    /// `read_data` or `stop`: the longest simulated job (six hours and three minutes)
    /// polled every 3 s is 7,260 reads, plus [`CooperativeFigures::MAX_STEPS`] for the
    /// rest.
    pub const MAX_STEPS: usize = 8_010;
}

/// A cooperative end user and an MX whose every job fails, for one day, from every status
/// (and `null`) with no flag set and a success two days ago: what the engine's lack of a
/// backoff between failed aggregations costs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct AlwaysFailingFigures {
    /// Runs.
    pub runs: usize,
    /// Calls to MX within the run's busiest 24 hours.
    pub calls_per_day: Summary,
    /// `POST …/aggregate` calls within the run's busiest 24 hours.
    pub aggregates_per_day: Summary,
}

impl AlwaysFailingFigures {
    /// Seeds per starting status.
    pub const SEEDS: u64 = 8;
    /// The scenario, for a seed.
    pub const fn scenario(seed: u64) -> Scenario {
        Scenario {
            end_user: EndUser::Cooperative,
            mx: MxBehaviour::AlwaysFails,
            horizon: Duration::from_secs(24 * 3_600),
            seed,
        }
    }
}

/// Every figure the generated documentation reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Figures {
    /// Starts MX could have reported (see [`mx_could_report`]).
    pub plausible_starts: usize,
    /// The other starts.
    pub implausible_starts: usize,
    /// Cooperative end user, MX eventually succeeds, plausible starts.
    pub cooperative: CooperativeFigures,
    /// Absent end user, MX random, plausible starts.
    pub absent_user: AbsentUserFigures,
    /// Both, from the implausible starts.
    pub implausible: ImplausibleStartFigures,
    /// Cooperative end user, MX always fails.
    pub always_failing: AlwaysFailingFigures,
}

/// Runs every scenario under `policy`, at the matrix's reference time, from every
/// [`starts`] member with [`SEEDS_PER_START`] seeds each. Deterministic: the same figures
/// on every run.
pub fn figures(policy: &Policy) -> Figures {
    let now = crate::matrix::reference_now();
    let (plausible, implausible): (Vec<_>, Vec<_>) = starts(now)
        .into_iter()
        .enumerate()
        .partition(|(_, start)| mx_could_report(start, now));
    let runs = |starts: &[(usize, MemberSnapshot)], scenario: fn(u64) -> Scenario| {
        let mut out = Vec::new();
        for (index, start) in starts {
            for repetition in 0..SEEDS_PER_START {
                let seed = seed_for(*index, repetition);
                out.push(simulate(start, now, policy, &scenario(seed)));
            }
        }
        out
    };
    let failing_starts: Vec<(usize, MemberSnapshot)> = statuses_and_null()
        .enumerate()
        .map(|(index, status)| (index, TimeBucket::Success2d.snapshot(status, false, now)))
        .collect();
    let failing: Vec<Run> = failing_starts
        .iter()
        .flat_map(|(index, start)| {
            (0..AlwaysFailingFigures::SEEDS).map(move |repetition| {
                let scenario = AlwaysFailingFigures::scenario(seed_for(*index, repetition));
                simulate(start, now, policy, &scenario)
            })
        })
        .collect();
    let implausible_cooperative = runs(&implausible, CooperativeFigures::scenario);
    let implausible_absent = runs(&implausible, AbsentUserFigures::scenario);
    Figures {
        plausible_starts: plausible.len(),
        implausible_starts: implausible.len(),
        cooperative: cooperative_figures(&runs(&plausible, CooperativeFigures::scenario)),
        absent_user: absent_user_figures(&runs(&plausible, AbsentUserFigures::scenario)),
        implausible: ImplausibleStartFigures {
            cooperative_steps: Summary::of(
                implausible_cooperative
                    .iter()
                    .map(|run| count(run.steps.len())),
            ),
            absent_user_calls_per_day: Summary::of(
                implausible_absent
                    .iter()
                    .map(|run| count(run.busiest_day_calls())),
            ),
        },
        always_failing: AlwaysFailingFigures {
            runs: failing.len(),
            calls_per_day: Summary::of(failing.iter().map(|run| count(run.busiest_day_calls()))),
            aggregates_per_day: Summary::of(failing.iter().map(|run| {
                count(busiest_day(
                    run.calls
                        .iter()
                        .filter(|call| call.kind == CallKind::Aggregate)
                        .map(|call| call.at),
                ))
            })),
        },
    }
}

/// A distinct, well-spread seed for every (start, repetition).
pub(crate) fn seed_for(index: usize, repetition: u64) -> u64 {
    let index = u64::try_from(index).unwrap_or(u64::MAX);
    super::rng::SplitMix64::new(index.wrapping_mul(0x1_0000).wrapping_add(repetition)).next_u64()
}

fn cooperative_figures(runs: &[Run]) -> CooperativeFigures {
    let finished = || {
        runs.iter()
            .filter(|run| matches!(run.end, End::ReadData | End::Stop))
    };
    CooperativeFigures {
        steps: Summary::of(finished().map(|run| count(run.steps.len()))),
        calls: Summary::of(finished().map(|run| count(run.calls.len()))),
        minutes: Summary::of(finished().map(|run| {
            u64::try_from(run.elapsed().num_seconds())
                .unwrap_or(0)
                .div_ceil(60)
        })),
        read_data: runs.iter().filter(|run| run.end == End::ReadData).count(),
        stopped: runs.iter().filter(|run| run.end == End::Stop).count(),
        unfinished: runs
            .iter()
            .filter(|run| matches!(run.end, End::Horizon | End::StepLimit))
            .count(),
        deferred_resolutions: runs
            .iter()
            .flat_map(|run| &run.steps)
            .filter(|step| step.response == Response::DeferredByCooldown)
            .count(),
    }
}

fn absent_user_figures(runs: &[Run]) -> AbsentUserFigures {
    let ending = |wanted: fn(ActionKind) -> bool| {
        runs.iter()
            .filter(|run| run.last_action().is_some_and(wanted))
            .count()
    };
    AbsentUserFigures {
        calls_per_day: Summary::of(runs.iter().map(|run| count(run.busiest_day_calls()))),
        writes: runs
            .iter()
            .flat_map(|run| &run.calls)
            .filter(|call| call.kind.is_write())
            .count(),
        ends_asking_for_user: ending(ActionKind::requires_end_user),
        ends_waiting: ending(|kind| kind == ActionKind::Wait),
        ends_reading_data: ending(|kind| kind == ActionKind::ReadData),
        ends_stopped: ending(|kind| kind == ActionKind::Stop),
        ends_polling: ending(|kind| kind == ActionKind::Poll),
    }
}

fn count(n: usize) -> u64 {
    u64::try_from(n).unwrap_or(u64::MAX)
}
