//! The engine, followed to the letter, against a simulated MX on the lifecycle model and a
//! cooperative or absent end user: the lifecycle's promises, over every starting status ×
//! flags × timestamp bucket and several seeds each, plus random timestamps with proptest.

use std::sync::LazyLock;
use std::time::Duration;

use chrono::{DateTime, TimeDelta, Utc};
use mx_aggregation::{
    ActionKind, ConnectionStatus, MX_MIN_POLL_INTERVAL, MemberSnapshot, NextAction, Policy,
    StatusGroup,
};
use mx_aggregation_tooling::matrix;
use mx_aggregation_tooling::simulation::{
    self, AbsentUserFigures, CallKind, CallOutcome, CooperativeFigures, End, EndUser,
    ImplausibleStartFigures, MAX_CALLS_PER_DAY, MX_COOLDOWN, MxBehaviour, Response, Run, Scenario,
    simulate,
};
use proptest::prelude::*;

/// Seeds per starting member in these tests (the documentation's figures use fewer).
const SEEDS: u64 = 3;

struct Case {
    start: MemberSnapshot,
    plausible: bool,
    run: Run,
}

fn now() -> DateTime<Utc> {
    matrix::reference_now()
}

fn run_every_start(scenario: impl Fn(u64) -> Scenario) -> Vec<Case> {
    let now = now();
    let mut cases = Vec::new();
    for (index, start) in simulation::starts(now).into_iter().enumerate() {
        for repetition in 0..SEEDS {
            let seed = u64::try_from(index).unwrap() * 1_000 + repetition;
            cases.push(Case {
                start,
                plausible: simulation::mx_could_report(&start, now),
                run: simulate(&start, now, &Policy::default(), &scenario(seed)),
            });
        }
    }
    cases
}

static COOPERATIVE: LazyLock<Vec<Case>> =
    LazyLock::new(|| run_every_start(CooperativeFigures::scenario));

static ABSENT_USER: LazyLock<Vec<Case>> =
    LazyLock::new(|| run_every_start(AbsentUserFigures::scenario));

/// "Whatever MX does": a cooperative end user against an MX choosing any edge, two days.
static RANDOM_MX: LazyLock<Vec<Case>> = LazyLock::new(|| {
    run_every_start(|seed| Scenario {
        end_user: EndUser::Cooperative,
        mx: MxBehaviour::Random,
        horizon: Duration::from_secs(2 * 24 * 3_600),
        seed,
    })
});

/// Every job fails: from every status with no flag set, a day each.
static ALWAYS_FAILING: LazyLock<Vec<Case>> = LazyLock::new(|| {
    let now = now();
    matrix::statuses_and_null()
        .flat_map(|status| {
            (0..4).map(move |seed| {
                let start = matrix::TimeBucket::Success2d.snapshot(status, false, now);
                let scenario = Scenario {
                    end_user: EndUser::Cooperative,
                    mx: MxBehaviour::AlwaysFails,
                    horizon: Duration::from_secs(24 * 3_600),
                    seed,
                };
                Case {
                    start,
                    plausible: true,
                    run: simulate(&start, now, &Policy::default(), &scenario),
                }
            })
        })
        .collect()
});

/// The promises that hold whatever MX does and whoever the end user is.
fn check_safety(run: &Run) -> Result<(), String> {
    let floor = TimeDelta::from_std(MX_MIN_POLL_INTERVAL).unwrap();
    if run.end == End::StepLimit {
        return Err("the engine loops: step limit reached".into());
    }
    for call in run.calls.iter().filter(|c| c.kind == CallKind::Aggregate) {
        if call.job_running {
            return Err(format!("aggregate while a job runs at {}", call.at));
        }
        if let Some(success) = call.successfully_aggregated_at
            && call.at - success < MX_COOLDOWN
        {
            return Err(format!(
                "aggregate at {} within 3 h of the success at {success}",
                call.at
            ));
        }
        if call.outcome != CallOutcome::JobStarted {
            return Err(format!(
                "aggregate at {} started nothing: {:?}",
                call.at, call.outcome
            ));
        }
    }
    for step in &run.steps {
        if let NextAction::Poll { after_secs } = step.decision.action
            && after_secs < 3
        {
            return Err(format!("poll after {after_secs} s at {}", step.at));
        }
        if let NextAction::Wait { until } = step.decision.action
            && until <= step.at
        {
            return Err(format!("wait until {until}, not after {}", step.at));
        }
    }
    for pair in run.steps.windows(2) {
        let (a, b) = (&pair[0], &pair[1]);
        let gap = b.at - a.at;
        let min_gap = match a.response {
            Response::Polled | Response::Performed(_) => floor,
            Response::Waited
            | Response::AwaitingUser
            | Response::DeferredByCooldown
            | Response::ReadData => TimeDelta::nanoseconds(1),
            Response::Stopped => return Err("a decision after stop".into()),
        };
        if gap < min_gap {
            return Err(format!(
                "read at {} only {gap} after the {:?} at {}",
                b.at, a.response, a.at
            ));
        }
    }
    if run.busiest_day_calls() > MAX_CALLS_PER_DAY {
        return Err(format!("{} calls in 24 h", run.busiest_day_calls()));
    }
    Ok(())
}

fn assert_all(cases: &[Case], check: impl Fn(&Case) -> Result<(), String>) {
    let failures: Vec<String> = cases
        .iter()
        .filter_map(|case| {
            check(case)
                .err()
                .map(|e| format!("{e}\n  start: {:?}", case.start))
        })
        .take(5)
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn whatever_mx_does_no_aggregate_is_wasted_no_poll_is_early_and_time_moves() {
    for cases in [&*COOPERATIVE, &*ABSENT_USER, &*RANDOM_MX, &*ALWAYS_FAILING] {
        assert_all(cases, |case| check_safety(&case.run));
    }
}

#[test]
fn a_cooperative_user_reaches_data_or_stop_within_the_bound() {
    assert_all(&COOPERATIVE, |case| {
        let bound = if case.plausible {
            CooperativeFigures::MAX_STEPS
        } else {
            ImplausibleStartFigures::MAX_STEPS
        };
        match case.run.end {
            End::ReadData | End::Stop if case.run.steps.len() <= bound => Ok(()),
            End::ReadData | End::Stop => {
                Err(format!("{} decisions > {bound}", case.run.steps.len()))
            }
            End::Horizon | End::StepLimit => Err(format!("no end: {:?}", case.run.end)),
        }
    });
    // Both ends occur, and data is the usual one.
    let read = COOPERATIVE
        .iter()
        .filter(|c| c.run.end == End::ReadData)
        .count();
    let stopped = COOPERATIVE
        .iter()
        .filter(|c| c.run.end == End::Stop)
        .count();
    assert!(
        read > stopped && stopped > 0,
        "read {read}, stopped {stopped}"
    );
}

#[test]
fn a_cooperative_user_gets_data_from_every_status_mx_lets_succeed() {
    // Every status but the terminal ones and null reaches read_data from some start.
    for status in ConnectionStatus::ALL
        .into_iter()
        .filter(|s| !s.is_terminal())
    {
        assert!(
            COOPERATIVE
                .iter()
                .any(|c| c.start.connection_status == Some(status) && c.run.end == End::ReadData),
            "{status} never reaches read_data"
        );
    }
}

#[test]
fn an_absent_user_is_never_asked_to_write_and_mx_is_not_hammered() {
    assert_all(&ABSENT_USER, |case| {
        if let Some(call) = case.run.calls.iter().find(|c| c.kind.is_write()) {
            return Err(format!("{:?} at {} with nobody there", call.kind, call.at));
        }
        let calls = case.run.busiest_day_calls();
        if case.plausible && calls > AbsentUserFigures::MAX_CALLS_PER_DAY {
            return Err(format!(
                "{calls} calls in 24 h > {}",
                AbsentUserFigures::MAX_CALLS_PER_DAY
            ));
        }
        Ok(())
    });
}

#[test]
fn an_absent_user_leaves_the_engine_asking_for_them_or_waiting() {
    assert_all(&ABSENT_USER, |case| {
        let last = case.run.steps.last().ok_or("no decision")?;
        let kind = last.decision.action.kind();
        let settled = match kind {
            ActionKind::AnswerMfa
            | ActionKind::UpdateCredentials
            | ActionKind::ResolveAtInstitution
            | ActionKind::Aggregate
            | ActionKind::AuthorizeOauth
            | ActionKind::Wait
            | ActionKind::ReadData
            | ActionKind::Stop => true,
            // What arrived was not enough: the service reads again at once.
            ActionKind::ReadMember => false,
            // Only while MX itself moves the member: a job of its own, or a status it is
            // about to act on.
            ActionKind::Poll => {
                last.member.is_being_aggregated
                    || last.member.connection_status.is_some_and(|s| {
                        matches!(s.group(), StatusGroup::Transient | StatusGroup::Delayed)
                    })
            }
        };
        if settled {
            Ok(())
        } else {
            Err(format!("ends with {kind} on {:?}", last.member))
        }
    });
    // Most runs end asking for the end user: the engine does not give up on them.
    let asking = ABSENT_USER
        .iter()
        .filter(|c| {
            c.run
                .last_action()
                .is_some_and(ActionKind::requires_end_user)
        })
        .count();
    assert!(
        asking * 2 > ABSENT_USER.len(),
        "{asking} of {}",
        ABSENT_USER.len()
    );
}

#[test]
fn the_engine_causes_only_edges_of_the_lifecycle() {
    // Every write the service makes follows an edge of the model from where MX was.
    for cases in [&*COOPERATIVE, &*RANDOM_MX, &*ALWAYS_FAILING] {
        assert_all(cases, |case| {
            for step in &case.run.steps {
                let Response::Performed(_) = step.response else {
                    continue;
                };
                let event =
                    mx_aggregation_tooling::lifecycle::caused_by(step.decision.action.kind())
                        .ok_or("a call for an action that causes nothing")?;
                if mx_aggregation_tooling::lifecycle::targets(step.node, event)
                    .next()
                    .is_none()
                {
                    return Err(format!("{event} from {} has no edge", step.node));
                }
            }
            Ok(())
        });
    }
}

#[test]
fn runs_are_deterministic() {
    let start =
        matrix::TimeBucket::Success2d.snapshot(Some(ConnectionStatus::Failed), false, now());
    let scenario = CooperativeFigures::scenario(42);
    let policy = Policy::default();
    assert_eq!(
        simulate(&start, now(), &policy, &scenario),
        simulate(&start, now(), &policy, &scenario)
    );
    let runs: std::collections::HashSet<usize> = (0..16)
        .map(|seed| {
            simulate(&start, now(), &policy, &CooperativeFigures::scenario(seed))
                .steps
                .len()
        })
        .collect();
    assert!(runs.len() > 1, "the seed changes nothing");
}

fn arbitrary_start() -> impl Strategy<Value = MemberSnapshot> {
    let offset = || proptest::option::of(-40 * 86_400i64..2 * 3_600);
    (0usize..23, any::<[bool; 3]>(), offset(), offset()).prop_map(
        |(status, [aggregating, credentials, background], agg, success)| {
            let at = |o: Option<i64>| o.map(|s| now() + TimeDelta::seconds(s));
            MemberSnapshot {
                connection_status: matrix::statuses_and_null().nth(status).flatten(),
                is_being_aggregated: aggregating,
                needs_updated_credentials: credentials,
                background_aggregation_is_disabled: Some(background),
                is_oauth: Some(false),
                aggregated_at: at(agg),
                successfully_aggregated_at: at(success),
                ..MemberSnapshot::default()
            }
        },
    )
}

fn arbitrary_scenario() -> impl Strategy<Value = Scenario> {
    (0u8..4, 0u8..2, any::<u64>()).prop_map(|(mx, user, seed)| Scenario {
        end_user: if user == 0 {
            EndUser::Cooperative
        } else {
            EndUser::Absent
        },
        mx: match mx {
            0 => MxBehaviour::Random,
            1 => MxBehaviour::AlwaysFails,
            _ => MxBehaviour::EventuallySucceeds { after_moves: 4 },
        },
        horizon: Duration::from_secs(24 * 3_600),
        seed,
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn safety_holds_for_any_timestamps(start in arbitrary_start(), scenario in arbitrary_scenario()) {
        let run = simulate(&start, now(), &Policy::default(), &scenario);
        if let Err(e) = check_safety(&run) {
            prop_assert!(false, "{}", e);
        }
    }
}
