//! The simulated service: reads the member, asks the engine, does what it says.

use chrono::{DateTime, TimeDelta, Utc};

use super::mx::SimulatedMx;
use super::run::later;
use super::run::{CallKind, End, EndUser, Response, Run, Scenario, Step};
use mx_aggregation::{AggregationWindow, decide_with, earliest_aggregation};
use mx_aggregation::{Decision, NextAction};

use crate::lifecycle::LifecycleEvent;
use crate::time::delta;
use mx_aggregation::MemberSnapshot;
use mx_aggregation::{MX_MIN_POLL_INTERVAL, Policy};

/// How long the service leaves a member alone when the engine needs an absent end user (or,
/// with an absent end user, after reading fresh data) before reading it again: the
/// service's choice, not the engine's. At most 24 reads a day for a member nobody attends.
pub const ABSENT_USER_RECHECK: TimeDelta = TimeDelta::hours(1);

/// The most decisions one run may take; reaching it means the engine loops.
pub const STEP_LIMIT: usize = 20_000;

/// Where the service goes after a decision.
enum Next {
    ReadAt(DateTime<Utc>),
    End(End),
}

/// Runs the service against a simulated MX holding `start` at `now`, under `policy`.
///
/// The loop: MX acts on its own up to the current time; the service reads the member,
/// calls [`decide_with`](mx_aggregation::decide_with) with the scenario's end user, and
/// responds (see the module's table); time moves to the next read.
/// The run ends with `read_data` (cooperative end user), `stop`, the horizon or
/// [`STEP_LIMIT`].
pub fn simulate(
    start: &MemberSnapshot,
    now: DateTime<Utc>,
    policy: &Policy,
    scenario: &Scenario,
) -> Run {
    let mut mx = SimulatedMx::new(start, now, scenario.mx, scenario.seed);
    let horizon_end = TimeDelta::from_std(scenario.horizon)
        .ok()
        .and_then(|horizon| now.checked_add_signed(horizon))
        .unwrap_or(DateTime::<Utc>::MAX_UTC);
    let mut run = Run {
        started: now,
        steps: Vec::new(),
        calls: Vec::new(),
        end: End::StepLimit,
    };
    let mut t = now;
    while run.steps.len() < STEP_LIMIT {
        mx.advance_to(t);
        let node = mx.node();
        let (member, read) = mx.read();
        run.calls.push(read);
        let situation = match scenario.end_user {
            EndUser::Cooperative => mx_aggregation::EndUser::Present,
            EndUser::Absent => mx_aggregation::EndUser::Absent,
        };
        let decision = decide_with(&member, t, policy, situation);
        let (response, next) = respond(&mut mx, &mut run, &member, decision, t, policy, scenario);
        run.steps.push(Step {
            at: t,
            member,
            node,
            decision,
            response,
        });
        match next {
            // Past the horizon, or a clock that saturated at chrono's last instant.
            Next::ReadAt(at) if at > horizon_end || at <= t => {
                run.end = End::Horizon;
                break;
            }
            Next::ReadAt(at) => t = at,
            Next::End(end) => {
                run.end = end;
                break;
            }
        }
    }
    run
}

fn respond(
    mx: &mut SimulatedMx,
    run: &mut Run,
    member: &MemberSnapshot,
    decision: Decision,
    t: DateTime<Utc>,
    policy: &Policy,
    scenario: &Scenario,
) -> (Response, Next) {
    let after_a_call = Next::ReadAt(later(t, delta(MX_MIN_POLL_INTERVAL)));
    let absent = scenario.end_user == EndUser::Absent;
    match decision.action {
        NextAction::Poll { after_secs } => (
            Response::Polled,
            Next::ReadAt(later(t, delta(std::time::Duration::from_secs(after_secs)))),
        ),
        NextAction::Wait { until } => (Response::Waited, Next::ReadAt(until)),
        NextAction::ReadData { .. } if absent => (
            Response::ReadData,
            Next::ReadAt(later(t, ABSENT_USER_RECHECK)),
        ),
        NextAction::ReadData { .. } => (Response::ReadData, Next::End(End::ReadData)),
        NextAction::Stop => (Response::Stopped, Next::End(End::Stop)),
        // The simulated service reads the member in full at the next allowed read.
        NextAction::ReadMember => (Response::Polled, after_a_call),
        NextAction::AnswerMfa
        | NextAction::UpdateCredentials
        | NextAction::Aggregate
        | NextAction::ResolveAtInstitution
        | NextAction::AuthorizeOauth
            if absent =>
        {
            (
                Response::AwaitingUser,
                Next::ReadAt(later(t, ABSENT_USER_RECHECK)),
            )
        }
        NextAction::AnswerMfa => {
            run.calls.push(mx.resume());
            (Response::Performed(CallKind::Resume), after_a_call)
        }
        NextAction::UpdateCredentials => {
            run.calls.push(mx.update_credentials());
            (Response::Performed(CallKind::UpdateMember), after_a_call)
        }
        // The simulated members are not OAuth members; re-authorizing one updates it.
        NextAction::AuthorizeOauth => {
            run.calls.push(mx.update_credentials());
            (Response::Performed(CallKind::UpdateMember), after_a_call)
        }
        NextAction::Aggregate => {
            run.calls.push(mx.aggregate(LifecycleEvent::Aggregate));
            (Response::Performed(CallKind::Aggregate), after_a_call)
        }
        // The action's doc: aggregate once the user is done, but not before the cooldown ends.
        NextAction::ResolveAtInstitution => match earliest_aggregation(member, policy) {
            AggregationWindow::OpensAt(opens) if opens > t => {
                (Response::DeferredByCooldown, Next::ReadAt(opens))
            }
            AggregationWindow::OpensAt(_)
            | AggregationWindow::Open
            | AggregationWindow::NeverRepresentable => {
                run.calls
                    .push(mx.aggregate(LifecycleEvent::ResolveAtInstitution));
                (Response::Performed(CallKind::Aggregate), after_a_call)
            }
        },
    }
}
