//! The simulated MX: one member moving along [`lifecycle::TRANSITIONS`], driven by a seeded
//! generator and by the service's calls.
//!
//! It keeps what MX keeps (`connection_status`, `is_being_aggregated`, `aggregated_at`,
//! `successfully_aggregated_at`, `needs_updated_credentials`) and what MX hides (when the
//! running job moves next, when a challenge expires, when background aggregation is due,
//! how many jobs failed in a row), and enforces MX's rules on the service's calls: one job
//! at a time, no new aggregation within three hours of a success (seed; ERR \[V\]: such a call
//! is answered `202 Accepted` and starts nothing).

use chrono::{DateTime, TimeDelta, Utc};

use super::rng::SplitMix64;
use super::run::later;
use super::run::{CallKind, CallOutcome, MxBehaviour, MxCall};
use crate::job_rules::{BACKGROUND_EVERY, BackgroundCheck, Streak};
use crate::lifecycle::{self, Cause, LifecycleEvent, Node, Transition};
use mx_aggregation::ConnectionStatus;
use mx_aggregation::MemberSnapshot;

/// MX's throttle window, counted from the last success: the simulated MX enforces it
/// whatever the policy the service under test uses says ([`crate::job_rules::THROTTLE_WINDOW`]).
pub const MX_COOLDOWN: TimeDelta = crate::job_rules::THROTTLE_WINDOW;

/// How long after a create or an update MX's automatic aggregation starts (inferred: MX's
/// guides say only that it starts by itself).
const AUTOMATIC_START_SECS: (u64, u64) = (1, 2);
/// How long a job runs before its next move, by the node it is at, in seconds. Inferred:
/// MX documents no durations; MX's widget gives up its "connecting" view after 60 s (CW).
const JOB_STEP_SECS: (u64, u64) = (5, 180);
/// From `RESUMED` to the institution's verdict on the answer.
const RESUMED_STEP_SECS: (u64, u64) = (5, 60);
/// How long a `DELAYED` job runs on: MX Academy says to check back later.
const DELAYED_STEP_SECS: (u64, u64) = (3_600, 6 * 3_600);
/// How long the institution waits for an MFA answer (NEXUS: the institution's time; MX
/// gives no number).
const MFA_TIMEOUT_SECS: (u64, u64) = (120, 600);
/// How often, on average, someone other than the service changes a member (closes it,
/// disables it, MX drops the institution, MX migrates it): the next such event comes after
/// up to this many seconds.
const OUTSIDE_EVENT_MAX_SECS: u64 = 60 * 24 * 3_600;

/// One simulated MX member.
#[derive(Debug, Clone)]
pub(crate) struct SimulatedMx {
    now: DateTime<Utc>,
    /// Where the member is in the lifecycle. Kept, not derived from the status and the
    /// flag: a job started on a `RESUMED` or `DELAYED` member shows that status while it
    /// runs, yet it is at [`Node::Aggregating`], as the table says.
    node: Node,
    status: Option<ConnectionStatus>,
    job_running: bool,
    aggregated_at: Option<DateTime<Utc>>,
    successfully_aggregated_at: Option<DateTime<Utc>>,
    needs_updated_credentials: bool,
    background_disabled: bool,
    /// When the job (or the open challenge) moves next.
    next_move_at: Option<DateTime<Utc>>,
    /// When MX's automatic aggregation after a create or update starts.
    automatic_start_at: Option<DateTime<Utc>>,
    /// When MX's next background aggregation is due.
    background_due: DateTime<Utc>,
    /// When someone other than the service next changes the member.
    outside_event_at: DateTime<Utc>,
    streak: Streak,
    job_moves: u32,
    behaviour: MxBehaviour,
    rng: SplitMix64,
}

impl SimulatedMx {
    /// MX holding `start` at `now`. A start with `is_being_aggregated` has a job running;
    /// a `CHALLENGED` start has an open challenge; a `CREATED`, `UPDATED` or `PENDING` start
    /// that is not being aggregated is, by the toss of a coin, about to be aggregated
    /// automatically or stalled.
    pub(crate) fn new(
        start: &MemberSnapshot,
        now: DateTime<Utc>,
        behaviour: MxBehaviour,
        seed: u64,
    ) -> Self {
        let mut rng = SplitMix64::new(seed);
        let background_due = match start.aggregated_at {
            Some(at) if later(at, BACKGROUND_EVERY) > now => later(at, BACKGROUND_EVERY),
            Some(_) | None => later(now, secs(rng.between(1, 24 * 3_600))),
        };
        let outside_event_at = later(now, secs(rng.between(1, OUTSIDE_EVENT_MAX_SECS)));
        let mut mx = Self {
            now,
            node: Node::of(start.connection_status, start.is_being_aggregated),
            status: start.connection_status,
            job_running: start.is_being_aggregated,
            aggregated_at: start.aggregated_at,
            successfully_aggregated_at: start.successfully_aggregated_at,
            needs_updated_credentials: start.needs_updated_credentials,
            background_disabled: start.background_aggregation_is_disabled.unwrap_or(false),
            next_move_at: None,
            automatic_start_at: None,
            background_due,
            outside_event_at,
            streak: Streak::default(),
            job_moves: 0,
            behaviour,
            rng,
        };
        if mx.job_running || mx.node == Node::Status(ConnectionStatus::Challenged) {
            mx.schedule_move();
        }
        if !mx.job_running
            && mx.has_edge(LifecycleEvent::AutomaticAggregation)
            && mx.rng.chance(1, 2)
        {
            mx.automatic_start_at = Some(later(now, secs(mx.rng.between(1, 60))));
        }
        mx
    }

    /// What a read of the member returns now.
    pub(crate) fn snapshot(&self) -> MemberSnapshot {
        MemberSnapshot {
            connection_status: self.status,
            is_being_aggregated: self.job_running,
            aggregated_at: self.aggregated_at,
            successfully_aggregated_at: self.successfully_aggregated_at,
            needs_updated_credentials: self.needs_updated_credentials,
            background_aggregation_is_disabled: Some(self.background_disabled),
            is_oauth: Some(false),
            has_challenges: self.status == Some(ConnectionStatus::Challenged),
            ..MemberSnapshot::default()
        }
    }

    /// The lifecycle node the member is at.
    pub(crate) const fn node(&self) -> Node {
        self.node
    }

    /// Lets MX act on its own until `t`: every job move, expired challenge, automatic and
    /// background aggregation and outside event due by then happens, in time order.
    pub(crate) fn advance_to(&mut self, t: DateTime<Utc>) {
        while let Some((at, happening)) = self.next_happening() {
            // A happening scheduled at chrono's last instant was saturated by `later`: it
            // never comes, or the loop would take it forever.
            if at > t || at == DateTime::<Utc>::MAX_UTC {
                break;
            }
            self.now = at;
            match happening {
                Happening::Move => self.take_job_move(),
                Happening::AutomaticStart => {
                    self.automatic_start_at = None;
                    if self.has_edge(LifecycleEvent::AutomaticAggregation) {
                        self.start_job();
                    }
                }
                Happening::Background => {
                    self.background_due = later(at, BACKGROUND_EVERY);
                    if self.background_allowed() {
                        self.start_job();
                    }
                }
                Happening::Outside => {
                    self.outside_event_at =
                        later(at, secs(self.rng.between(1, OUTSIDE_EVENT_MAX_SECS)));
                    self.take_outside_event();
                }
            }
        }
        self.now = self.now.max(t);
    }

    /// The service calls `POST …/aggregate` (for `event` [`LifecycleEvent::Aggregate`] or
    /// [`LifecycleEvent::ResolveAtInstitution`]).
    pub(crate) fn aggregate(&mut self, event: LifecycleEvent) -> MxCall {
        let call = self.call(CallKind::Aggregate);
        let outcome = if self.job_running {
            CallOutcome::AlreadyRunning
        } else if self.in_cooldown() {
            CallOutcome::Throttled
        } else if !self.has_edge(event) {
            CallOutcome::Refused
        } else {
            self.start_job();
            CallOutcome::JobStarted
        };
        MxCall { outcome, ..call }
    }

    /// The service sends an MFA answer (`PUT …/resume`).
    pub(crate) fn resume(&mut self) -> MxCall {
        let call = self.call(CallKind::Resume);
        let outcome = match lifecycle::targets(self.node(), LifecycleEvent::AnswerMfa).next() {
            Some(edge) => {
                self.follow(edge);
                CallOutcome::Applied
            }
            None => CallOutcome::Refused,
        };
        MxCall { outcome, ..call }
    }

    /// The service updates the member with new credentials (`PUT …/members/{member}`).
    pub(crate) fn update_credentials(&mut self) -> MxCall {
        let call = self.call(CallKind::UpdateMember);
        let edge = lifecycle::targets(self.node(), LifecycleEvent::UpdateCredentials).next();
        let outcome = match edge {
            Some(edge) if !self.job_running => {
                self.follow(edge);
                self.needs_updated_credentials = false;
                let (low, high) = AUTOMATIC_START_SECS;
                self.automatic_start_at = Some(later(self.now, secs(self.rng.between(low, high))));
                CallOutcome::Applied
            }
            Some(_) | None => CallOutcome::Refused,
        };
        MxCall { outcome, ..call }
    }

    /// The service reads the member (`GET …/members/{member}/status`).
    pub(crate) fn read(&mut self) -> (MemberSnapshot, MxCall) {
        (self.snapshot(), self.call(CallKind::ReadStatus))
    }

    /// A call arriving now, as MX sees it before acting on it; its outcome is a read until
    /// the caller says otherwise.
    fn call(&self, kind: CallKind) -> MxCall {
        MxCall {
            at: self.now,
            kind,
            job_running: self.job_running,
            successfully_aggregated_at: self.successfully_aggregated_at,
            outcome: CallOutcome::Read,
        }
    }

    fn in_cooldown(&self) -> bool {
        self.successfully_aggregated_at
            .is_some_and(|success| self.now.signed_duration_since(success) < MX_COOLDOWN)
    }

    fn has_edge(&self, event: LifecycleEvent) -> bool {
        lifecycle::targets(self.node(), event).next().is_some()
    }

    fn background_allowed(&self) -> bool {
        BackgroundCheck {
            node: self.node(),
            job_running: self.job_running,
            disabled: self.background_disabled,
            needs_updated_credentials: self.needs_updated_credentials,
            can_log_in: true,
            throttled: self.in_cooldown(),
        }
        .allows()
    }

    fn next_happening(&self) -> Option<(DateTime<Utc>, Happening)> {
        let idle = !self.job_running;
        [
            self.next_move_at.map(|at| (at, Happening::Move)),
            self.automatic_start_at
                .filter(|_| idle)
                .map(|at| (at, Happening::AutomaticStart)),
            idle.then_some((self.background_due, Happening::Background)),
            idle.then_some((self.outside_event_at, Happening::Outside)),
        ]
        .into_iter()
        .flatten()
        .min_by_key(|(at, _)| *at)
    }

    fn start_job(&mut self) {
        self.node = Node::Aggregating;
        self.job_running = true;
        self.aggregated_at = Some(self.now);
        self.background_due = later(self.now, BACKGROUND_EVERY);
        self.automatic_start_at = None;
        self.schedule_move();
    }

    /// Picks the next job move among the edges MX may take from here.
    fn take_job_move(&mut self) {
        self.next_move_at = None;
        self.job_moves = self.job_moves.saturating_add(1);
        let node = self.node();
        let mut candidates: Vec<&'static Transition> = lifecycle::leaving(node)
            .filter(|edge| {
                edge.event.cause() == Cause::Job
                    && self
                        .streak
                        .holds(edge.guard, self.now, self.successfully_aggregated_at)
            })
            .collect();
        match self.behaviour {
            MxBehaviour::Random => {}
            MxBehaviour::EventuallySucceeds { after_moves } => {
                if self.job_moves >= after_moves
                    && candidates
                        .iter()
                        .any(|edge| edge.event == LifecycleEvent::JobSucceeded)
                {
                    candidates.retain(|edge| edge.event == LifecycleEvent::JobSucceeded);
                }
            }
            MxBehaviour::AlwaysFails => {
                candidates.retain(|edge| edge.event != LifecycleEvent::JobSucceeded);
            }
        }
        let pick = usize::try_from(self.rng.below(candidates.len() as u64)).unwrap_or(0);
        match candidates.get(pick) {
            Some(edge) => self.follow(edge),
            // No move from here (a terminal or null member whose job winds down): the job
            // ends and the status stays.
            None => {
                self.job_running = false;
                self.node = Node::of(self.status, false);
            }
        }
    }

    /// Someone other than the service changes the member, if anything can happen to it now.
    fn take_outside_event(&mut self) {
        let node = self.node();
        let candidates: Vec<&'static Transition> = lifecycle::leaving(node)
            .filter(|edge| {
                edge.event.cause() == Cause::Mx
                    && !edge.event.job_runs_after()
                    && edge.from != Node::Start
            })
            .collect();
        let pick = usize::try_from(self.rng.below(candidates.len() as u64)).unwrap_or(0);
        if let Some(edge) = candidates.get(pick) {
            self.follow(edge);
        }
    }

    /// Moves the member along `edge`, keeping MX's bookkeeping.
    fn follow(&mut self, edge: &Transition) {
        self.node = edge.to;
        if let Node::Status(status) = edge.to {
            self.status = Some(status);
        }
        let was_running = self.job_running;
        self.job_running = edge.event.job_runs_after();
        if was_running && !self.job_running {
            self.job_ended(edge);
        }
        if self.job_running || self.node == Node::Status(ConnectionStatus::Challenged) {
            self.schedule_move();
        } else {
            self.next_move_at = None;
        }
    }

    fn job_ended(&mut self, edge: &Transition) {
        if edge.event == LifecycleEvent::JobSucceeded {
            self.successfully_aggregated_at = Some(self.now);
            self.streak.job_succeeded();
        } else {
            self.streak.job_failed(edge.to);
        }
    }

    fn schedule_move(&mut self) {
        let (low, high) = match self.node() {
            Node::Status(status) => step_secs(status),
            Node::Start | Node::NoCredentials | Node::Aggregating | Node::AnyLive => JOB_STEP_SECS,
        };
        self.next_move_at = Some(later(self.now, secs(self.rng.between(low, high))));
    }
}

/// Something MX does on its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Happening {
    Move,
    AutomaticStart,
    Background,
    Outside,
}

/// How long a job stays in `status` before it moves on (all inferred: MX documents none).
const fn step_secs(status: ConnectionStatus) -> (u64, u64) {
    match status {
        ConnectionStatus::Challenged => MFA_TIMEOUT_SECS,
        ConnectionStatus::Resumed => RESUMED_STEP_SECS,
        ConnectionStatus::Delayed => DELAYED_STEP_SECS,
        ConnectionStatus::Created
        | ConnectionStatus::Prevented
        | ConnectionStatus::Denied
        | ConnectionStatus::Rejected
        | ConnectionStatus::Locked
        | ConnectionStatus::Connected
        | ConnectionStatus::Impeded
        | ConnectionStatus::Reconnected
        | ConnectionStatus::Degraded
        | ConnectionStatus::Disconnected
        | ConnectionStatus::Discontinued
        | ConnectionStatus::Closed
        | ConnectionStatus::Failed
        | ConnectionStatus::Updated
        | ConnectionStatus::Disabled
        | ConnectionStatus::Imported
        | ConnectionStatus::Expired
        | ConnectionStatus::Impaired
        | ConnectionStatus::Pending => JOB_STEP_SECS,
    }
}

fn secs(s: u64) -> TimeDelta {
    i64::try_from(s)
        .ok()
        .and_then(TimeDelta::try_seconds)
        .unwrap_or(TimeDelta::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::matrix::{TimeBucket, reference_now};

    fn mx(status: ConnectionStatus, aggregating: bool, bucket: TimeBucket) -> SimulatedMx {
        let start = bucket.snapshot(Some(status), aggregating, reference_now());
        SimulatedMx::new(&start, reference_now(), MxBehaviour::Random, 1)
    }

    #[test]
    fn one_job_at_a_time() {
        let mut mx = mx(ConnectionStatus::Connected, true, TimeBucket::Started1m);
        let call = mx.aggregate(LifecycleEvent::Aggregate);
        assert!(call.job_running);
        assert_eq!(call.outcome, CallOutcome::AlreadyRunning);
    }

    #[test]
    fn no_aggregation_within_three_hours_of_a_success() {
        let mut mx = mx(ConnectionStatus::Failed, false, TimeBucket::Success1h);
        let call = mx.aggregate(LifecycleEvent::Aggregate);
        assert_eq!(call.outcome, CallOutcome::Throttled);
        assert!(!mx.snapshot().is_being_aggregated);
        mx.advance_to(reference_now() + TimeDelta::hours(2));
        assert_eq!(
            mx.aggregate(LifecycleEvent::Aggregate).outcome,
            CallOutcome::JobStarted
        );
        let member = mx.snapshot();
        assert!(member.is_being_aggregated);
        assert_eq!(
            member.aggregated_at,
            Some(reference_now() + TimeDelta::hours(2))
        );
    }

    #[test]
    fn an_aggregation_the_model_has_no_edge_for_is_refused() {
        let mut mx = mx(ConnectionStatus::Denied, false, TimeBucket::Success2d);
        assert_eq!(
            mx.aggregate(LifecycleEvent::Aggregate).outcome,
            CallOutcome::Refused
        );
    }

    #[test]
    fn an_unanswered_challenge_expires_and_ends_the_job() {
        let mut mx = mx(ConnectionStatus::Challenged, true, TimeBucket::Started1m);
        mx.advance_to(reference_now() + TimeDelta::seconds(MFA_TIMEOUT_SECS.1 as i64));
        let member = mx.snapshot();
        assert_eq!(member.connection_status, Some(ConnectionStatus::Expired));
        assert!(!member.is_being_aggregated);
    }

    #[test]
    fn an_answer_resumes_the_job() {
        let mut mx = mx(ConnectionStatus::Challenged, true, TimeBucket::Started1m);
        assert_eq!(mx.resume().outcome, CallOutcome::Applied);
        let member = mx.snapshot();
        assert_eq!(member.connection_status, Some(ConnectionStatus::Resumed));
        assert!(member.is_being_aggregated);
        assert_eq!(mx.resume().outcome, CallOutcome::Refused);
    }

    #[test]
    fn new_credentials_start_an_automatic_aggregation() {
        let mut mx = mx(ConnectionStatus::Denied, false, TimeBucket::Success2d);
        assert_eq!(mx.update_credentials().outcome, CallOutcome::Applied);
        assert_eq!(
            mx.snapshot().connection_status,
            Some(ConnectionStatus::Updated)
        );
        assert!(!mx.snapshot().is_being_aggregated);
        mx.advance_to(reference_now() + TimeDelta::seconds(AUTOMATIC_START_SECS.1 as i64));
        assert!(mx.snapshot().is_being_aggregated);
        assert_eq!(mx.node(), Node::Aggregating);
    }

    #[test]
    fn a_job_ends_and_a_success_starts_the_cooldown() {
        let start =
            TimeBucket::Success2d.snapshot(Some(ConnectionStatus::Failed), false, reference_now());
        let behaviour = MxBehaviour::EventuallySucceeds { after_moves: 0 };
        let mut mx = SimulatedMx::new(&start, reference_now(), behaviour, 7);
        assert_eq!(
            mx.aggregate(LifecycleEvent::Aggregate).outcome,
            CallOutcome::JobStarted
        );
        mx.advance_to(reference_now() + TimeDelta::seconds(JOB_STEP_SECS.1 as i64));
        let member = mx.snapshot();
        assert_eq!(member.connection_status, Some(ConnectionStatus::Connected));
        assert!(!member.is_being_aggregated);
        let success = member.successfully_aggregated_at.expect("a success");
        assert!(success > reference_now());
        assert_eq!(
            mx.aggregate(LifecycleEvent::Aggregate).outcome,
            CallOutcome::Throttled
        );
    }

    #[test]
    fn background_aggregation_comes_a_day_after_the_last_job_unless_disabled() {
        let start = TimeBucket::Success6h.snapshot(
            Some(ConnectionStatus::Connected),
            false,
            reference_now(),
        );
        let due = reference_now() + TimeDelta::hours(18);
        for (disabled, runs) in [(false, true), (true, false)] {
            let start = MemberSnapshot {
                background_aggregation_is_disabled: Some(disabled),
                ..start
            };
            let mut mx = SimulatedMx::new(&start, reference_now(), MxBehaviour::Random, 3);
            mx.advance_to(due - TimeDelta::seconds(1));
            assert!(!mx.snapshot().is_being_aggregated);
            mx.advance_to(due);
            assert_eq!(
                mx.snapshot().is_being_aggregated,
                runs,
                "disabled: {disabled}"
            );
        }
    }
}
