//! Connection-status webhooks seen, one slot per status: MX sends them without a timestamp
//! or an event id and retries each for about a day, so the state remembers when it first
//! saw each status's webhook and treats copies within MX's retry window as one event.

use std::fmt;

use chrono::{DateTime, TimeDelta, Utc};
use serde::de::{MapAccess, Visitor};
use serde::ser::SerializeMap;

use crate::model::status::ConnectionStatus;

/// How long MX retries a webhook: "the frequency of request retries diminishes over the
/// course of approximately 24 hours, with no more than 12 total retries" (WH \[V\]). Two
/// connection-status webhooks for the same member and status within this window are one
/// event delivered twice.
pub(crate) const WEBHOOK_RETRY_WINDOW: TimeDelta = TimeDelta::hours(24);

const SLOTS: usize = ConnectionStatus::ALL.len();

/// For each status, when its current webhook event was first received.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub(crate) struct StatusWebhooks([Option<DateTime<Utc>>; SLOTS]);

fn slot(status: ConnectionStatus) -> usize {
    ConnectionStatus::ALL
        .iter()
        .position(|s| *s == status)
        .unwrap_or_default()
}

impl StatusWebhooks {
    /// Records a webhook for `status` received at `at`; true when the table changed.
    ///
    /// A copy within [`WEBHOOK_RETRY_WINDOW`] of the recorded first receipt is the same
    /// event: it changes nothing, except that an earlier copy (logs replayed out of order)
    /// moves the first receipt back. A webhook further away is another event: a later one
    /// replaces the record, an earlier one is old news. Within the window the result does
    /// not depend on the order of arrival.
    pub(crate) fn record(&mut self, status: ConnectionStatus, at: DateTime<Utc>) -> bool {
        let first = &mut self.0[slot(status)];
        let replace = match *first {
            None => true,
            Some(seen) => {
                let apart = at.signed_duration_since(seen).abs();
                if apart <= WEBHOOK_RETRY_WINDOW {
                    at < seen
                } else {
                    at > seen
                }
            }
        };
        if replace {
            *first = Some(at);
        }
        replace
    }

    /// The most recently received event, if any (ties go to the later status in MX's
    /// table, so the answer does not depend on arrival order).
    pub(crate) fn newest(&self) -> Option<(ConnectionStatus, DateTime<Utc>)> {
        ConnectionStatus::ALL
            .into_iter()
            .zip(self.0)
            .filter_map(|(status, at)| Some((status, at?)))
            .max_by_key(|&(status, at)| (at, status))
    }

    fn is_empty(&self) -> bool {
        self.0.iter().all(Option::is_none)
    }
}

/// `{"DENIED": "2026-11-24T12:00:00Z", …}`: the statuses with a recorded webhook.
impl serde::Serialize for StatusWebhooks {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        for (status, at) in ConnectionStatus::ALL.into_iter().zip(self.0) {
            if let Some(at) = at {
                map.serialize_entry(&status, &at)?;
            }
        }
        map.end()
    }
}

impl<'de> serde::Deserialize<'de> for StatusWebhooks {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct TableVisitor;
        impl<'de> Visitor<'de> for TableVisitor {
            type Value = StatusWebhooks;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(
                    "a map from connection status to the time its webhook was first received",
                )
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut table = StatusWebhooks::default();
                while let Some((status, at)) =
                    map.next_entry::<ConnectionStatus, DateTime<Utc>>()?
                {
                    table.0[slot(status)] = Some(at);
                }
                Ok(table)
            }
        }
        deserializer.deserialize_map(TableVisitor)
    }
}

impl StatusWebhooks {
    /// For `skip_serializing_if`.
    pub(crate) fn none_recorded(&self) -> bool {
        self.is_empty()
    }
}
