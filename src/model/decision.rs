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

use chrono::{DateTime, Utc};
use serde::ser::SerializeMap;

use crate::model::action::{ActionKind, NextAction};
use crate::model::reason::Reason;
use crate::time::timestamp::{Rfc3339, parse_rfc3339};

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
        let mut entries = 0;
        let _ = self.try_for_each_json_entry(|_, _| {
            entries += 1;
            Ok::<(), ()>(())
        });
        let mut map = serializer.serialize_map(Some(entries))?;
        self.serialize_entries(&mut map)?;
        map.end()
    }
}

/// The value of one entry of a decision's JSON object.
#[derive(Debug, Clone, Copy)]
pub(crate) enum JsonEntry {
    /// A name from one of the crate's tables ([`ActionKind::as_str`], [`Reason::code`]):
    /// lowercase ASCII and `_`, so a JSON string without escapes.
    Name(&'static str),
    /// A count of seconds.
    Secs(u64),
    /// An instant, written as [`Rfc3339`].
    Time(DateTime<Utc>),
    /// A boolean.
    Flag(bool),
}

impl Decision {
    /// Hands the entries of the decision's JSON object to `entry`, in order, until it
    /// fails: the one description of its JSON form, which
    /// [`serialize_entries`](Self::serialize_entries) gives serde and
    /// [`write_decision`](crate::batch::write_decision) writes as bytes.
    pub(crate) fn try_for_each_json_entry<E>(
        &self,
        mut entry: impl FnMut(&'static str, JsonEntry) -> Result<(), E>,
    ) -> Result<(), E> {
        entry("action", JsonEntry::Name(self.action.kind().as_str()))?;
        match self.action {
            NextAction::Poll { after_secs } => entry("after_secs", JsonEntry::Secs(after_secs))?,
            NextAction::Wait { until } => entry("until", JsonEntry::Time(until))?,
            NextAction::ReadData { as_of } => entry("as_of", JsonEntry::Time(as_of))?,
            NextAction::AnswerMfa
            | NextAction::UpdateCredentials
            | NextAction::ResolveAtInstitution
            | NextAction::Aggregate
            | NextAction::AuthorizeOauth
            | NextAction::ReadMember
            | NextAction::Stop => {}
        }
        entry("reason", JsonEntry::Name(self.reason.code()))?;
        entry(
            "requires_end_user",
            JsonEntry::Flag(self.requires_end_user()),
        )
    }

    /// Writes the decision's JSON entries into a map that the caller opened, so it can add
    /// its own entries (the command-line tool adds `"guid"` first).
    pub fn serialize_entries<M: SerializeMap>(&self, map: &mut M) -> Result<(), M::Error> {
        self.try_for_each_json_entry(|key, value| match value {
            JsonEntry::Name(name) => map.serialize_entry(key, name),
            JsonEntry::Secs(secs) => map.serialize_entry(key, &secs),
            JsonEntry::Time(t) => map.serialize_entry(key, &Rfc3339(t)),
            JsonEntry::Flag(flag) => map.serialize_entry(key, &flag),
        })
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
            ActionKind::AuthorizeOauth => NextAction::AuthorizeOauth,
            ActionKind::ReadMember => NextAction::ReadMember,
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
