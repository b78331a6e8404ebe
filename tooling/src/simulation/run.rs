//! What a simulated run is made of: the scenario (the end user, how MX behaves), what the
//! service did with each decision, the calls it made and what MX did with them, how the run
//! ended, and the run itself with the counts the figures take from it.

use std::time::Duration;

use chrono::{DateTime, TimeDelta, Utc};

use crate::lifecycle::Node;
use mx_aggregation::MemberSnapshot;
use mx_aggregation::{ActionKind, Decision};

/// The most calls to MX in any 24 hours, whatever MX and the end user do: the engine never
/// polls sooner than MX's 3-second floor, and the service reads the member again at least
/// that long after each call that changes it, so each 3 seconds hold at most one read and
/// one write.
pub const MAX_CALLS_PER_DAY: usize = 2 * 24 * 3_600 / 3;

/// How the simulated end user behaves.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EndUser {
    /// Present whenever the engine needs them: answers MFA, enters new credentials, fixes
    /// things at the institution, stays for an aggregation. Acts at once.
    Cooperative,
    /// Never there: nothing that needs the end user can be done.
    Absent,
}

/// How the simulated MX chooses among the edges it may take while a job runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MxBehaviour {
    /// Any edge, uniformly.
    Random,
    /// Any edge for the first `after_moves` moves of its jobs; from then on a job that can
    /// succeed does (a challenge still expires if nobody answers it in time).
    EventuallySucceeds {
        /// How many job moves MX makes freely before it lets a job succeed.
        after_moves: u32,
    },
    /// Any edge but success: every job fails.
    AlwaysFails,
}

/// One simulation's settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Scenario {
    /// The end user.
    pub end_user: EndUser,
    /// MX.
    pub mx: MxBehaviour,
    /// The run ends when the next read would come later than this after the start.
    pub horizon: Duration,
    /// Fixes every choice MX makes.
    pub seed: u64,
}

/// What the simulated service did with one decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Response {
    /// Read the member again after the poll's `after_secs`.
    Polled,
    /// Read the member again at the wait's `until`.
    Waited,
    /// Made this call to MX with the end user, then read the member 3 s later.
    Performed(CallKind),
    /// `resolve_at_institution` within MX's cooldown: the end user fixed things at the
    /// institution, but the aggregation that must follow cannot start before the cooldown
    /// ends, so the service waits for its end and asks the engine again. The engine's
    /// `resolve_at_institution` does not say when that aggregation may start.
    DeferredByCooldown,
    /// The action needs the end user, who is absent: read the member again after
    /// [`ABSENT_USER_RECHECK`](super::ABSENT_USER_RECHECK).
    AwaitingUser,
    /// Read the data.
    ReadData,
    /// Stopped working on the member.
    Stopped,
}

/// One decision of a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Step {
    /// When the service read the member and decided.
    pub at: DateTime<Utc>,
    /// What the read returned.
    pub member: MemberSnapshot,
    /// Where the member was in the lifecycle (MX's hidden state).
    pub node: Node,
    /// The engine's decision.
    pub decision: Decision,
    /// What the service did with it.
    pub response: Response,
}

/// A call the service made to MX.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum CallKind {
    /// `GET …/members/{member}/status`.
    ReadStatus,
    /// `POST …/members/{member}/aggregate`.
    Aggregate,
    /// `PUT …/members/{member}/resume` with the MFA answers.
    Resume,
    /// `PUT …/members/{member}` with new credentials.
    UpdateMember,
}

impl CallKind {
    /// True for the calls that change the member (every call but a read).
    pub const fn is_write(self) -> bool {
        match self {
            Self::ReadStatus => false,
            Self::Aggregate | Self::Resume | Self::UpdateMember => true,
        }
    }
}

/// What MX did with a call.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CallOutcome {
    /// A read.
    Read,
    /// An aggregation started.
    JobStarted,
    /// Nothing: a job was already running (MX answers `202 Accepted`, ERR \[V\]).
    AlreadyRunning,
    /// Nothing: within three hours of a success (MX answers `202 Accepted`, ERR \[V\]).
    Throttled,
    /// Nothing: the member's status has no edge for the call.
    Refused,
    /// The answer or the credentials were taken.
    Applied,
}

/// One call as MX saw it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct MxCall {
    /// When.
    pub at: DateTime<Utc>,
    /// Which call.
    pub kind: CallKind,
    /// Whether a job was running when the call arrived (MX's truth, not the service's view).
    pub job_running: bool,
    /// MX's last success when the call arrived.
    pub successfully_aggregated_at: Option<DateTime<Utc>>,
    /// What MX did.
    pub outcome: CallOutcome,
}

/// Why a run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum End {
    /// The engine said `read_data` with the end user there.
    ReadData,
    /// The engine said `stop`.
    Stop,
    /// The horizon passed.
    Horizon,
    /// [`STEP_LIMIT`](super::STEP_LIMIT) decisions were taken without an end: the engine is
    /// looping.
    StepLimit,
}

/// Everything that happened in one simulation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Run {
    /// When the run started.
    pub started: DateTime<Utc>,
    /// Every decision, in order.
    pub steps: Vec<Step>,
    /// Every call to MX, in order.
    pub calls: Vec<MxCall>,
    /// Why the run ended.
    pub end: End,
}

impl Run {
    /// The most calls to MX within any 24 hours of the run.
    pub fn busiest_day_calls(&self) -> usize {
        busiest_day(self.calls.iter().map(|call| call.at))
    }

    /// The most writes (calls that change the member) within any 24 hours of the run.
    pub fn busiest_day_writes(&self) -> usize {
        busiest_day(
            self.calls
                .iter()
                .filter(|call| call.kind.is_write())
                .map(|call| call.at),
        )
    }

    /// How long the run lasted in simulated time, to its last decision.
    pub fn elapsed(&self) -> TimeDelta {
        self.steps
            .last()
            .map_or(TimeDelta::zero(), |step| step.at - self.started)
    }

    /// The kind of the last decision.
    pub fn last_action(&self) -> Option<ActionKind> {
        self.steps.last().map(|step| step.decision.action.kind())
    }
}

/// The most instants of `times` (in order) within any window of 24 hours.
pub(super) fn busiest_day(times: impl Iterator<Item = DateTime<Utc>> + Clone) -> usize {
    let day = TimeDelta::days(1);
    let mut first = times.clone().peekable();
    let mut in_window = 0usize;
    let mut most = 0usize;
    for t in times {
        in_window += 1;
        while first.peek().is_some_and(|&start| t - start >= day) {
            first.next();
            in_window -= 1;
        }
        most = most.max(in_window);
    }
    most
}

/// `t + d`, saturating at chrono's last instant: the simulator is public and must not panic
/// on a start near chrono's limits. Time that cannot advance ends the run at its horizon or
/// its step limit.
pub(crate) fn later(t: DateTime<Utc>, d: TimeDelta) -> DateTime<Utc> {
    t.checked_add_signed(d).unwrap_or(DateTime::<Utc>::MAX_UTC)
}
