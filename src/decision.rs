//! The engine's output: what the caller must do next, and the rule that says so.
//!
//! A [`Decision`] serializes to one flat JSON object, the format the command-line tool
//! prints and other tools read:
//!
//! ```json
//! {"action":"wait","until":"2018-07-18T23:16:40Z","reason":"cooldown","requires_end_user":false}
//! ```
//!
//! `"action"` is [`ActionKind::as_str`]; `poll` adds `"after_secs"`, `wait` adds `"until"`
//! and `read_data` adds `"as_of"` (RFC 3339, UTC, `Z`); `"reason"` is [`Reason::code`];
//! `"requires_end_user"` is [`ActionKind::requires_end_user`].

use std::fmt;

use chrono::{DateTime, Utc};
use serde::ser::SerializeMap;

use crate::lifecycle::LifecycleEvent;
use crate::reason::Reason;
use crate::timestamp::{Rfc3339, parse_rfc3339};

/// What the caller must do next with the member. Each variant's doc is the caller's duty.
///
/// Deliberately not `#[non_exhaustive]`: a new action needs new handling in every caller,
/// so adding one is a breaking change that the compiler should point out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[must_use = "a NextAction tells the caller what it must do next"]
pub enum NextAction {
    /// Read the member again (`GET …/members/{member}/status`) no sooner than `after_secs`
    /// seconds from now, then call [`decide`](crate::decide) with what MX returns. Start no
    /// job meanwhile: one is already running, or about to.
    Poll {
        /// Seconds until the next read; never less than MX's 3-second minimum.
        after_secs: u64,
    },
    /// The end user MUST answer MFA now. Fetch the challenges (`GET …/challenges`, or the
    /// `challenges` of the status response), show them, send the answers with
    /// `PUT …/resume`, then poll. If the end user is not there, the challenge expires and
    /// the member becomes `EXPIRED`.
    AnswerMfa,
    /// The end user MUST enter new credentials (OAuth members: go through
    /// `oauth_window_uri` again). Update the member (`PUT …/members/{member}`); MX starts an
    /// aggregation by itself after a successful update, so poll next. Do not call aggregate
    /// first: MX will not aggregate with the current credentials.
    UpdateCredentials,
    /// The end user MUST act on the institution's own website (unlock the account, read a
    /// message, accept terms) or contact the institution. When they say it is done, start a
    /// foreground aggregation (`POST …/aggregate`) with them present and poll; the status
    /// stays `LOCKED`/`IMPEDED` until an aggregation gets through. That aggregation is
    /// subject to MX's cooldown like any other: not before
    /// [`earliest_aggregation`](crate::earliest_aggregation) (MX would accept the call and
    /// run nothing, and the member would still say `LOCKED`).
    ResolveAtInstitution,
    /// Start a foreground aggregation now (`POST …/aggregate`) with the end user present, as
    /// it may raise MFA or ask for credentials; then poll. The engine says this only outside
    /// MX's cooldown. Offer it to the end user rather than retrying on your own: after a
    /// failure the next decision may be `aggregate` again at once, and only the end user's
    /// presence paces such retries.
    Aggregate,
    /// Do nothing with the member until `until`, then call [`decide`](crate::decide) again.
    /// MX would not start an aggregation before then.
    Wait {
        /// The first whole second at which the member may be aggregated again.
        until: DateTime<Utc>,
    },
    /// Read the member's accounts and transactions now: they are fresh. No aggregation is
    /// needed.
    ReadData {
        /// When the data was last successfully aggregated (`successfully_aggregated_at`).
        as_of: DateTime<Utc>,
    },
    /// Stop working on the member: no call to MX will change its state. Tell the end user
    /// why (the status's meaning) and offer to remove or reconnect it. Exception: with
    /// [`Reason::TimeOutOfRange`] the member's timestamps or your clock are corrupt: fix
    /// them rather than the member.
    Stop,
}

impl NextAction {
    /// The action without its data.
    pub const fn kind(&self) -> ActionKind {
        match self {
            Self::Poll { .. } => ActionKind::Poll,
            Self::AnswerMfa => ActionKind::AnswerMfa,
            Self::UpdateCredentials => ActionKind::UpdateCredentials,
            Self::ResolveAtInstitution => ActionKind::ResolveAtInstitution,
            Self::Aggregate => ActionKind::Aggregate,
            Self::Wait { .. } => ActionKind::Wait,
            Self::ReadData { .. } => ActionKind::ReadData,
            Self::Stop => ActionKind::Stop,
        }
    }

    /// True when the caller cannot carry the action out without the end user.
    pub const fn requires_end_user(&self) -> bool {
        self.kind().requires_end_user()
    }
}

/// The kinds of [`NextAction`], without their data: for counting, matching and docs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ActionKind {
    /// [`NextAction::Poll`].
    Poll,
    /// [`NextAction::AnswerMfa`].
    AnswerMfa,
    /// [`NextAction::UpdateCredentials`].
    UpdateCredentials,
    /// [`NextAction::ResolveAtInstitution`].
    ResolveAtInstitution,
    /// [`NextAction::Aggregate`].
    Aggregate,
    /// [`NextAction::Wait`].
    Wait,
    /// [`NextAction::ReadData`].
    ReadData,
    /// [`NextAction::Stop`].
    Stop,
}

impl ActionKind {
    /// Every kind, in declaration order.
    pub const ALL: [Self; 8] = [
        Self::Poll,
        Self::AnswerMfa,
        Self::UpdateCredentials,
        Self::ResolveAtInstitution,
        Self::Aggregate,
        Self::Wait,
        Self::ReadData,
        Self::Stop,
    ];

    /// The JSON name: `poll`, `answer_mfa`, `update_credentials`,
    /// `resolve_at_institution`, `aggregate`, `wait`, `read_data` or `stop`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Poll => "poll",
            Self::AnswerMfa => "answer_mfa",
            Self::UpdateCredentials => "update_credentials",
            Self::ResolveAtInstitution => "resolve_at_institution",
            Self::Aggregate => "aggregate",
            Self::Wait => "wait",
            Self::ReadData => "read_data",
            Self::Stop => "stop",
        }
    }

    /// The kind with this JSON name, if there is one.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|kind| kind.as_str() == name)
    }

    /// True exactly for `answer_mfa`, `update_credentials`, `resolve_at_institution` and
    /// `aggregate`: the end user must be present. Foreground aggregation "may run into MFA,
    /// credential update requests, terms and conditions agreements, or other situations
    /// requiring end-user input" (seed).
    pub const fn requires_end_user(self) -> bool {
        match self {
            Self::AnswerMfa
            | Self::UpdateCredentials
            | Self::ResolveAtInstitution
            | Self::Aggregate => true,
            Self::Poll | Self::Wait | Self::ReadData | Self::Stop => false,
        }
    }

    /// The lifecycle event the caller causes by carrying the action out, if any: the edge of
    /// [`lifecycle::TRANSITIONS`](crate::lifecycle::TRANSITIONS) it takes the member along.
    ///
    /// `poll`, `wait`, `read_data` and `stop` change nothing at MX, so they cause none. Every
    /// action that causes an event needs the end user ([`requires_end_user`](Self::requires_end_user)).
    pub const fn causes(self) -> Option<LifecycleEvent> {
        match self {
            Self::Aggregate => Some(LifecycleEvent::Aggregate),
            Self::AnswerMfa => Some(LifecycleEvent::AnswerMfa),
            Self::UpdateCredentials => Some(LifecycleEvent::UpdateCredentials),
            Self::ResolveAtInstitution => Some(LifecycleEvent::ResolveAtInstitution),
            Self::Poll | Self::Wait | Self::ReadData | Self::Stop => None,
        }
    }
}

impl fmt::Display for ActionKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What [`decide`](crate::decide) returns: the action and the rule that chose it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[must_use = "a Decision tells the caller what it must do next"]
pub struct Decision {
    /// What the caller must do next.
    pub action: NextAction,
    /// The rule that chose the action; `reason.action() == action.kind()` holds for every
    /// decision [`decide`](crate::decide) returns (and `Deserialize` checks it).
    pub reason: Reason,
}

impl Decision {
    /// True when the caller cannot carry the action out without the end user.
    pub const fn requires_end_user(&self) -> bool {
        self.action.requires_end_user()
    }
}

impl serde::Serialize for Decision {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let payload = match self.action {
            NextAction::Poll { .. } | NextAction::Wait { .. } | NextAction::ReadData { .. } => 1,
            NextAction::AnswerMfa
            | NextAction::UpdateCredentials
            | NextAction::ResolveAtInstitution
            | NextAction::Aggregate
            | NextAction::Stop => 0,
        };
        let mut map = serializer.serialize_map(Some(3 + payload))?;
        self.serialize_entries(&mut map)?;
        map.end()
    }
}

impl Decision {
    /// Writes the decision's JSON entries into a map that the caller opened, so it can add
    /// its own entries (the command-line tool adds `"guid"` first).
    pub fn serialize_entries<M: SerializeMap>(&self, map: &mut M) -> Result<(), M::Error> {
        map.serialize_entry("action", self.action.kind().as_str())?;
        match self.action {
            NextAction::Poll { after_secs } => map.serialize_entry("after_secs", &after_secs)?,
            NextAction::Wait { until } => map.serialize_entry("until", &Rfc3339(until))?,
            NextAction::ReadData { as_of } => map.serialize_entry("as_of", &Rfc3339(as_of))?,
            NextAction::AnswerMfa
            | NextAction::UpdateCredentials
            | NextAction::ResolveAtInstitution
            | NextAction::Aggregate
            | NextAction::Stop => {}
        }
        map.serialize_entry("reason", self.reason.code())?;
        map.serialize_entry("requires_end_user", &self.requires_end_user())
    }
}

impl serde::Serialize for Rfc3339 {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// The JSON form of a [`Decision`], before its fields are checked against each other.
/// Other fields (the command-line tool's `"guid"`) are ignored.
#[derive(serde::Deserialize)]
struct DecisionJson<'a> {
    #[serde(borrow)]
    action: std::borrow::Cow<'a, str>,
    after_secs: Option<u64>,
    #[serde(borrow)]
    until: Option<std::borrow::Cow<'a, str>>,
    #[serde(borrow)]
    as_of: Option<std::borrow::Cow<'a, str>>,
    reason: Reason,
    requires_end_user: bool,
}

impl<'de> serde::Deserialize<'de> for Decision {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        use serde::de::Error;
        let json = DecisionJson::deserialize(deserializer)?;
        let kind = ActionKind::from_name(&json.action)
            .ok_or_else(|| D::Error::custom(format_args!("unknown action {:?}", json.action)))?;
        let time = |field: &'static str, text: Option<std::borrow::Cow<'_, str>>| {
            let text = text.ok_or_else(|| D::Error::missing_field(field))?;
            parse_rfc3339(&text).map_err(|_| {
                D::Error::custom(format_args!("{field}: expected RFC 3339, got {text:?}"))
            })
        };
        let action = match kind {
            ActionKind::Poll => NextAction::Poll {
                after_secs: json
                    .after_secs
                    .ok_or_else(|| D::Error::missing_field("after_secs"))?,
            },
            ActionKind::AnswerMfa => NextAction::AnswerMfa,
            ActionKind::UpdateCredentials => NextAction::UpdateCredentials,
            ActionKind::ResolveAtInstitution => NextAction::ResolveAtInstitution,
            ActionKind::Aggregate => NextAction::Aggregate,
            ActionKind::Wait => NextAction::Wait {
                until: time("until", json.until)?,
            },
            ActionKind::ReadData => NextAction::ReadData {
                as_of: time("as_of", json.as_of)?,
            },
            ActionKind::Stop => NextAction::Stop,
        };
        if json.reason.action() != kind {
            return Err(D::Error::custom(format_args!(
                "reason {} leads to {}, not {}",
                json.reason,
                json.reason.action(),
                kind
            )));
        }
        if json.requires_end_user != kind.requires_end_user() {
            return Err(D::Error::custom(format_args!(
                "requires_end_user is {} for {kind}",
                kind.requires_end_user()
            )));
        }
        Ok(Self {
            action,
            reason: json.reason,
        })
    }
}
