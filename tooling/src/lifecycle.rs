//! The lifecycle of an MX member: which statuses MX can move a member to, and on what event.
//!
//! [`decide`](mx_aggregation::decide) answers "what do I do now"; this module answers "what can MX
//! do next". [`TRANSITIONS`] is the one table: every row is an edge from a [`Node`] to a
//! [`Node`], labelled with the [`LifecycleEvent`] that causes it, the [`Guard`] MX applies,
//! how sure we are of it ([`Basis`]) and the MX source ([`Source`](mx_aggregation::Source) keys, listed in `docs/sources.md`).
//! The generated documentation draws it, and the simulator (`simulation`) moves its
//! simulated MX along it, so the picture and the checked model are the same data.
//!
//! Two things make MX's statuses more than a flat graph, and the model says both:
//!
//! - A status changes *during* a job. When an aggregation starts, MX sets
//!   `is_being_aggregated` and keeps showing the status the member had before (MX's Connect
//!   widget polls on while `CONNECTED` and `is_being_aggregated` are both true, CW \[V-code\]).
//!   The job may then ask for MFA (`CHALLENGED`, still aggregating: MFA \[V\] example),
//!   get the answer (`RESUMED`), run late (`DELAYED`), and ends in `CONNECTED` or a failure.
//!   [`Node::Aggregating`] is that running job before it reports a status of its own, so
//!   the outcomes of a job are drawn once, not once per status the job started from.
//! - Some events can happen to any member, whatever its status (closing it, disabling its
//!   aggregation, MX dropping the institution, the `needs_updated_credentials` flag):
//!   [`Node::AnyLive`] stands for every status but the three terminal ones.
//!
//! The engine's actions name the event they cause: [`caused_by`].

use std::fmt;

use mx_aggregation::{ActionKind, ConnectionStatus};

/// A place in the lifecycle: a status, or one of the pseudo-states the diagram needs.
///
/// Ordered for rendering: `Start`, `NoCredentials`, the statuses in MX id order,
/// `Aggregating`, `AnyLive`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Node {
    /// Before the member exists (`[*]` in the diagram).
    Start,
    /// `connection_status` is `null`: a member without credentials, e.g. a manual one. MX
    /// never aggregates it (NEXUS \[V\]: next step none), so no edge leaves it.
    NoCredentials,
    /// A member whose `connection_status` is this status.
    Status(ConnectionStatus),
    /// A job runs (`is_being_aggregated` is true) and has not reported a status of its own
    /// yet: MX still shows the status the member had when the job started.
    Aggregating,
    /// Any status but `CLOSED`, `DISABLED` and `DISCONTINUED`: the source of events that
    /// can happen to every live member.
    AnyLive,
}

impl Node {
    /// Every node, in rendering order.
    pub fn all() -> impl Iterator<Item = Self> {
        [Self::Start, Self::NoCredentials]
            .into_iter()
            .chain(ConnectionStatus::ALL.map(Self::Status))
            .chain([Self::Aggregating, Self::AnyLive])
    }

    /// The node identifier in the generated diagrams (no spaces): the MX string for a
    /// status, `NO_CREDENTIALS`, `AGGREGATING`, `ANY_LIVE`; `[*]` for [`Node::Start`].
    pub const fn diagram_id(self) -> &'static str {
        match self {
            Self::Start => "[*]",
            Self::NoCredentials => "NO_CREDENTIALS",
            Self::Status(status) => status.as_str(),
            Self::Aggregating => "AGGREGATING",
            Self::AnyLive => "ANY_LIVE",
        }
    }

    /// What the node stands for, for pseudo-states; `None` for a status, which is its own
    /// label.
    pub const fn description(self) -> Option<&'static str> {
        match self {
            Self::Start => Some("member created or imported"),
            Self::NoCredentials => Some("null (no credentials)"),
            Self::Status(_) => None,
            Self::Aggregating => Some("job running, status not reported yet"),
            Self::AnyLive => Some("any status but CLOSED, DISABLED, DISCONTINUED"),
        }
    }

    /// The node a member is at, given what MX reports about it.
    ///
    /// A running job is [`Node::Aggregating`] unless its status is one MX shows *during* a
    /// job (`CHALLENGED`, `RESUMED`, `DELAYED`) or a terminal one (a closed member stays
    /// closed while a job winds down). `null` is [`Node::NoCredentials`] whatever the flag.
    pub const fn of(status: Option<ConnectionStatus>, is_being_aggregated: bool) -> Self {
        let Some(status) = status else {
            return Self::NoCredentials;
        };
        if !is_being_aggregated || status.is_terminal() || shown_during_a_job(status) {
            Self::Status(status)
        } else {
            Self::Aggregating
        }
    }

    /// True when `self` as an edge's source covers `node`: itself, and for
    /// [`Node::AnyLive`] every non-terminal status.
    pub fn covers(self, node: Self) -> bool {
        match self {
            Self::AnyLive => match node {
                Self::Status(status) => !status.is_terminal(),
                Self::AnyLive => true,
                Self::Start | Self::NoCredentials | Self::Aggregating => false,
            },
            Self::Start | Self::NoCredentials | Self::Status(_) | Self::Aggregating => self == node,
        }
    }
}

impl fmt::Display for Node {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.diagram_id())
    }
}

/// The statuses MX reports while a job is still running: the job waits for an MFA answer,
/// has received one, or runs late.
const fn shown_during_a_job(status: ConnectionStatus) -> bool {
    use ConnectionStatus as S;
    match status {
        S::Challenged | S::Resumed | S::Delayed => true,
        S::Created
        | S::Prevented
        | S::Denied
        | S::Rejected
        | S::Locked
        | S::Connected
        | S::Impeded
        | S::Reconnected
        | S::Degraded
        | S::Disconnected
        | S::Discontinued
        | S::Closed
        | S::Failed
        | S::Updated
        | S::Disabled
        | S::Imported
        | S::Expired
        | S::Impaired
        | S::Pending => false,
    }
}

/// Who makes an event happen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Cause {
    /// The service calls MX: one of the engine's actions
    /// ([`caused_by`]), or creating the member.
    Service,
    /// MX, while a job runs: the job asks for MFA, times out, finishes or fails.
    Job,
    /// MX on its own with no job running (a schedule, an automatic aggregation), or someone
    /// other than the service (the end user, the client or MX closing the member).
    Mx,
}

impl Cause {
    /// The name used in the generated documentation.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Service => "service",
            Self::Job => "MX (job)",
            Self::Mx => "MX (idle)",
        }
    }
}

/// Declares [`LifecycleEvent`] and its table.
macro_rules! lifecycle_events {
    ($(
        $variant:ident $name:literal, $cause:ident, job_runs_after: $runs:literal,
        $doc:literal;
    )+) => {
        /// What moves a member along an edge of the lifecycle.
        ///
        /// Service events are named after the engine's action that causes them
        /// ([`caused_by`]); the others are MX's.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum LifecycleEvent {
            $(
                #[doc = $doc]
                #[doc = ""]
                #[doc = concat!("Label `", $name, "`; cause [`Cause::", stringify!($cause), "`].")]
                $variant,
            )+
        }

        impl LifecycleEvent {
            /// Every event, in declaration order.
            pub const ALL: [Self; [$($name),+].len()] = [$(Self::$variant),+];

            /// The edge label in the diagrams (snake_case; a service event's label is the
            /// name of the action that causes it).
            pub const fn as_str(self) -> &'static str {
                match self {
                    $(Self::$variant => $name,)+
                }
            }

            /// Who makes the event happen.
            pub const fn cause(self) -> Cause {
                match self {
                    $(Self::$variant => Cause::$cause,)+
                }
            }

            /// True when a job runs after the event (`is_being_aggregated` is true).
            pub const fn job_runs_after(self) -> bool {
                match self {
                    $(Self::$variant => $runs,)+
                }
            }

            /// What the event is, in one sentence.
            pub const fn description(self) -> &'static str {
                match self {
                    $(Self::$variant => $doc,)+
                }
            }
        }
    };
}

lifecycle_events! {
    MemberCreated "member_created", Service, job_runs_after: false,
        "The service creates the member with the end user's credentials; MX then starts an aggregation by itself.";
    Aggregate "aggregate", Service, job_runs_after: true,
        "The service calls `POST …/aggregate` with the end user present, outside the cooldown, with no job running: a job starts.";
    AnswerMfa "answer_mfa", Service, job_runs_after: true,
        "The end user answers the challenge and the service sends it with `PUT …/resume`; the job goes on.";
    UpdateCredentials "update_credentials", Service, job_runs_after: false,
        "The end user enters new credentials and the service updates the member; MX then starts an aggregation by itself.";
    ResolveAtInstitution "resolve_at_institution", Service, job_runs_after: true,
        "The end user fixes things on the institution's website, then the service calls `POST …/aggregate` with them present.";
    AuthorizeOauth "authorize_oauth", Service, job_runs_after: true,
        "The service requests a new one-time `oauth_window_uri` and the end user authorizes in the institution's OAuth window; MX then aggregates by itself.";
    MfaRequired "mfa_required", Job, job_runs_after: true,
        "The institution asks for MFA during the job; the job waits for the answer.";
    MfaTimeout "mfa_timeout", Job, job_runs_after: false,
        "Nobody answered the challenge within the time the institution allows; the job ends.";
    MfaRejected "mfa_rejected", Job, job_runs_after: false,
        "The institution rejected the MFA answer; the job ends.";
    JobDelayed "job_delayed", Job, job_runs_after: true,
        "The job takes longer than MX expected; it goes on.";
    JobSucceeded "job_succeeded", Job, job_runs_after: false,
        "The job finished successfully: `successfully_aggregated_at` moves and the cooldown starts.";
    JobFailed "job_failed", Job, job_runs_after: false,
        "The job finished without connecting: bad credentials, a block at the institution, or an error.";
    RepeatedDenials "repeated_denials", Job, job_runs_after: false,
        "The job's credentials failed for the third time in a row; MX stops trying them.";
    RepeatedFailures "repeated_failures", Job, job_runs_after: false,
        "The job failed again after earlier failures; MX marks the connection degraded or disconnected.";
    AutomaticAggregation "automatic_aggregation", Mx, job_runs_after: true,
        "MX starts a job by itself right after the member was created or updated.";
    BackgroundAggregation "background_aggregation", Mx, job_runs_after: true,
        "MX's daily background aggregation starts a job (unless disabled for the member).";
    SourceMigrated "source_migrated", Mx, job_runs_after: false,
        "MX moved the member to a new data source.";
    MemberImported "member_imported", Mx, job_runs_after: false,
        "MX or a partner imported the member without credentials.";
    MemberClosed "member_closed", Mx, job_runs_after: false,
        "The end user, MX, the client or a partner closed the member.";
    AggregationDisabled "aggregation_disabled", Mx, job_runs_after: false,
        "MX or the client paused aggregation for the member.";
    InstitutionDiscontinued "institution_discontinued", Mx, job_runs_after: false,
        "MX's connection to the institution is no longer available.";
}

impl fmt::Display for LifecycleEvent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A condition MX checks before an edge can be taken, beyond the member being at its
/// source node.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Guard {
    /// No condition.
    Always,
    /// The two jobs before this one ended in `DENIED` or `PREVENTED`: this is the third
    /// credential failure in a row (NEXUS \[V\]).
    TwoDenialsBefore,
    /// The two jobs before this one failed too (Atrium \[3P\]: "failed at least three times
    /// within a short period").
    TwoFailuresBefore,
    /// The two jobs before this one failed too, and no job has succeeded for two weeks
    /// (Atrium \[3P\]).
    TwoFailuresBeforeNoSuccessFor14Days,
}

impl Guard {
    /// The condition in words, empty for [`Guard::Always`].
    pub const fn description(self) -> &'static str {
        match self {
            Self::Always => "",
            Self::TwoDenialsBefore => "3rd denial in a row",
            Self::TwoFailuresBefore => "3rd failure in a row",
            Self::TwoFailuresBeforeNoSuccessFor14Days => {
                "3rd failure in a row, no success for 14 days"
            }
        }
    }
}

/// How sure the model is of an edge, in the confidence tags of the sources page (`docs/sources.md`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Basis {
    /// Tag \[V\]: read in MX's documentation or guide (the seed).
    Verified,
    /// Tag \[V-code\]: read in MX's own open-source code.
    MxCode,
    /// Tag \[3P\]: a third-party copy of MX's (Atrium-era) documentation.
    ThirdParty,
    /// Not documented: this crate's reading of the other edges and of MX's behaviour.
    Inferred,
}

impl Basis {
    /// The tag used in the generated documentation.
    pub const fn tag(self) -> &'static str {
        match self {
            Self::Verified => "V",
            Self::MxCode => "V-code",
            Self::ThirdParty => "3P",
            Self::Inferred => "inferred",
        }
    }
}

/// One edge of the lifecycle: `from` moves to `to` on `event`, when `guard` holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Transition {
    /// Where the member is.
    pub from: Node,
    /// What happens.
    pub event: LifecycleEvent,
    /// Where the member goes.
    pub to: Node,
    /// What MX checks first.
    pub guard: Guard,
    /// How sure the model is of the edge.
    pub basis: Basis,
    /// Where the edge comes from: [`Source`](mx_aggregation::Source) keys (`seed` is MX's
    /// "Aggregation Methods" guide).
    pub source: &'static str,
}

impl Transition {
    /// True when the edge can be taken from `node` (the edge's source covers it).
    pub fn leaves(&self, node: Node) -> bool {
        self.from.covers(node)
    }
}

const fn edge(
    from: Node,
    event: LifecycleEvent,
    to: Node,
    basis: Basis,
    source: &'static str,
) -> Transition {
    Transition {
        from,
        event,
        to,
        guard: Guard::Always,
        basis,
        source,
    }
}

const fn guarded(
    from: Node,
    event: LifecycleEvent,
    to: Node,
    guard: Guard,
    basis: Basis,
    source: &'static str,
) -> Transition {
    Transition {
        from,
        event,
        to,
        guard,
        basis,
        source,
    }
}

use Basis::{Inferred, MxCode, ThirdParty, Verified};
use ConnectionStatus as S;
use LifecycleEvent as E;
use Node::{AnyLive, Start};

const AGG: Node = Node::Aggregating;

const fn st(status: ConnectionStatus) -> Node {
    Node::Status(status)
}

/// The lifecycle model: every edge, grouped by source node.
///
/// What is not here cannot happen in the model: the terminal statuses (`CLOSED`,
/// `DISABLED`, `DISCONTINUED`) and `null` have no outgoing edge; background aggregation
/// starts only from `CONNECTED`, `UPDATED` and `CREATED`, the statuses MX documents it for
/// (BG \[V\]), so `RECONNECTED` (Atrium \[3P\]), the failed statuses and `DELAYED` are
/// never aggregated in the background; the statuses that need credentials are never
/// aggregated until they are updated or, for an OAuth member, authorized again (seed).
#[rustfmt::skip]
pub const TRANSITIONS: &[Transition] = &[
    // Creation.
    edge(Start, E::MemberCreated, st(S::Created), Verified,
        "seed \"Automatic Aggregation\"; NEXUS: CREATED is a new member not yet aggregated"),
    edge(Start, E::MemberCreated, st(S::Pending), Verified,
        "NEXUS-CREATE: OAuth members are created PENDING, with a one-time oauth_window_uri"),
    edge(Start, E::MemberImported, st(S::Imported), ThirdParty,
        "Atrium: IMPORTED has no credentials and waits for the end user's"),
    // Statuses where MX is about to start a job.
    edge(st(S::Created), E::AutomaticAggregation, AGG, Verified,
        "seed \"Automatic Aggregation\": every successful create starts an aggregation"),
    edge(st(S::Created), E::Aggregate, AGG, Verified,
        "seed: aggregation can be attempted for CREATED; NEXUS: aggregate once the end user logs in"),
    edge(st(S::Updated), E::AutomaticAggregation, AGG, Verified,
        "seed \"Automatic Aggregation\": every successful update starts an aggregation"),
    edge(st(S::Updated), E::Aggregate, AGG, Verified,
        "seed: aggregation can be attempted for UPDATED"),
    edge(st(S::Pending), E::AuthorizeOauth, AGG, Verified,
        "CREATE: OAuth members aggregate automatically once the user completes authorization"),
    // A running job.
    edge(AGG, E::MfaRequired, st(S::Challenged), Verified,
        "NEXUS; MFA docs' example is CHALLENGED with is_being_aggregated true"),
    edge(AGG, E::JobSucceeded, st(S::Connected), Verified,
        "AT-read-member-connection-status: CONNECTED and is_being_aggregated true to false"),
    edge(AGG, E::JobFailed, st(S::Failed), ThirdParty,
        "Atrium: aggregation failed without being connected"),
    edge(AGG, E::JobFailed, st(S::Denied), Verified,
        "NEXUS: the credentials are invalid"),
    edge(AGG, E::JobFailed, st(S::Locked), Verified,
        "NEXUS: the institution prevents authentication"),
    edge(AGG, E::JobFailed, st(S::Impeded), ThirdParty,
        "Atrium: the end user's attention is required at the institution"),
    edge(AGG, E::JobFailed, st(S::Impaired), ThirdParty,
        "Atrium: credentials needed to connect are missing"),
    guarded(AGG, E::RepeatedDenials, st(S::Prevented), Guard::TwoDenialsBefore, Verified,
        "NEXUS: credentials failed three times in a row; MX stops to avoid a lockout"),
    guarded(AGG, E::RepeatedFailures, st(S::Degraded), Guard::TwoFailuresBefore, ThirdParty,
        "Atrium: failed at least three times within a short period; ACAD"),
    guarded(AGG, E::RepeatedFailures, st(S::Disconnected),
        Guard::TwoFailuresBeforeNoSuccessFor14Days, ThirdParty,
        "Atrium: failed at least three times and no success for at least two weeks"),
    edge(AGG, E::JobDelayed, st(S::Delayed), ThirdParty,
        "Atrium: taking longer than expected; ACAD; is_being_aggregated staying true is inferred"),
    // MFA.
    edge(st(S::Challenged), E::AnswerMfa, st(S::Resumed), Verified,
        "MFA docs: answer with PUT …/resume, then RESUMED"),
    edge(st(S::Challenged), E::MfaTimeout, st(S::Expired), Verified,
        "NEXUS, ACAD: an unanswered challenge becomes EXPIRED, in the institution's time"),
    edge(st(S::Resumed), E::JobSucceeded, st(S::Connected), Verified,
        "MFA docs: RESUMED then CONNECTED"),
    edge(st(S::Resumed), E::MfaRejected, st(S::Rejected), Verified,
        "MFA docs, NEXUS: a wrong answer gives REJECTED"),
    edge(st(S::Resumed), E::MfaRequired, st(S::Challenged), Verified,
        "MFA docs: multi-step MFA, each step its own challenge; NEXUS: another challenge may follow"),
    edge(st(S::Resumed), E::Aggregate, AGG, MxCode,
        "DEMO re-aggregates RESUMED; the engine's stall rule"),
    // A late job.
    edge(st(S::Delayed), E::JobSucceeded, st(S::Connected), Inferred,
        "a late job still ends; ACAD: check back later"),
    edge(st(S::Delayed), E::JobFailed, st(S::Failed), Inferred,
        "a late job still ends; Atrium: not yet connected"),
    edge(st(S::Delayed), E::Aggregate, AGG, Inferred,
        "the engine's stall rule (Policy::delayed_stall)"),
    // Connected.
    edge(st(S::Connected), E::Aggregate, AGG, Verified,
        "seed: aggregation can be attempted for CONNECTED, outside three hours of a success"),
    edge(st(S::Created), E::BackgroundAggregation, AGG, Verified,
        "BG: background aggregation runs for CONNECTED, UPDATED or CREATED members"),
    edge(st(S::Updated), E::BackgroundAggregation, AGG, Verified,
        "BG: background aggregation runs for CONNECTED, UPDATED or CREATED members"),
    edge(st(S::Connected), E::BackgroundAggregation, AGG, Verified,
        "seed: MX aggregates each member every 24 hours; AT-aggregate-member"),
    edge(st(S::Connected), E::SourceMigrated, st(S::Reconnected), ThirdParty,
        "Atrium: migrated to a new data source"),
    edge(st(S::Reconnected), E::Aggregate, AGG, ThirdParty,
        "Atrium: must be aggregated in the foreground with the end user present"),
    // Failed jobs: try again.
    edge(st(S::Failed), E::Aggregate, AGG, Verified,
        "seed: aggregation can be attempted for FAILED"),
    edge(st(S::Degraded), E::Aggregate, AGG, Verified,
        "seed: aggregation can be attempted for DEGRADED"),
    edge(st(S::Disconnected), E::Aggregate, AGG, Verified,
        "seed: aggregation can be attempted for DISCONNECTED"),
    edge(st(S::Expired), E::Aggregate, AGG, Verified,
        "seed: aggregation can be attempted for EXPIRED; CW [V-code]: \"try again\""),
    edge(st(S::Rejected), E::Aggregate, AGG, Verified,
        "NEXUS: the aggregation may need restarting; CW [V-code]: \"try again\""),
    // The end user must act.
    edge(st(S::Locked), E::ResolveAtInstitution, AGG, Verified,
        "NEXUS: the end user must go to the institution; CW [V-code]: \"visit website\""),
    edge(st(S::Impeded), E::ResolveAtInstitution, AGG, MxCode,
        "CW LoginError: visit the institution's website, then refresh; seed: can aggregate IMPEDED"),
    edge(st(S::Prevented), E::UpdateCredentials, st(S::Updated), Verified,
        "seed: update credentials before aggregating; NEXUS: then aggregate again"),
    edge(st(S::Denied), E::UpdateCredentials, st(S::Updated), Verified,
        "seed: update credentials before aggregating; NEXUS: then aggregate again"),
    edge(st(S::Impaired), E::UpdateCredentials, st(S::Updated), Verified,
        "seed: update credentials before aggregating"),
    edge(st(S::Imported), E::UpdateCredentials, st(S::Updated), Verified,
        "seed: update credentials before aggregating"),
    edge(AnyLive, E::UpdateCredentials, st(S::Updated), Verified,
        "SPEC25: needs_updated_credentials can be set on any member; Atrium [3P]: UPDATED after a credential change"),
    edge(AnyLive, E::AuthorizeOauth, AGG, Verified,
        "NEXUS-OAUTH-URI: a new oauth_window_uri sends an OAuth member's end user through OAuth again; CREATE: aggregation starts once they authorize"),
    // Any live member.
    edge(AnyLive, E::MemberClosed, st(S::Closed), ThirdParty,
        "Atrium: closed by the end user, MX, the client or a partner"),
    edge(AnyLive, E::AggregationDisabled, st(S::Disabled), ThirdParty,
        "Atrium, ACAD: aggregation paused by MX or the client"),
    edge(AnyLive, E::InstitutionDiscontinued, st(S::Discontinued), ThirdParty,
        "Atrium: the connection to the institution is no longer available"),
];

/// The edges that leave `node` on `event` (including [`Node::AnyLive`]'s, when `node` is a
/// live status), in table order.
pub fn targets(node: Node, event: LifecycleEvent) -> impl Iterator<Item = &'static Transition> {
    TRANSITIONS
        .iter()
        .filter(move |t| t.event == event && t.leaves(node))
}

/// Every edge that leaves `node`, including [`Node::AnyLive`]'s when `node` is a live
/// status, in table order.
pub fn leaving(node: Node) -> impl Iterator<Item = &'static Transition> {
    TRANSITIONS.iter().filter(move |t| t.leaves(node))
}

/// The lifecycle event the caller causes by carrying out an action of the engine, if any:
/// the edge of [`TRANSITIONS`] it takes the member along.
///
/// `poll`, `wait`, `read_member`, `read_data` and `stop` change nothing at MX, so they
/// cause none. Every action that causes an event needs the end user
/// ([`ActionKind::requires_end_user`]).
pub const fn caused_by(action: ActionKind) -> Option<LifecycleEvent> {
    match action {
        ActionKind::Aggregate => Some(LifecycleEvent::Aggregate),
        ActionKind::AnswerMfa => Some(LifecycleEvent::AnswerMfa),
        ActionKind::UpdateCredentials => Some(LifecycleEvent::UpdateCredentials),
        ActionKind::ResolveAtInstitution => Some(LifecycleEvent::ResolveAtInstitution),
        ActionKind::AuthorizeOauth => Some(LifecycleEvent::AuthorizeOauth),
        ActionKind::Poll
        | ActionKind::Wait
        | ActionKind::ReadMember
        | ActionKind::ReadData
        | ActionKind::Stop => None,
    }
}
