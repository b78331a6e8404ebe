//! Connection-status webhooks seen, one slot per status: MX sends them without a timestamp
//! or an event id and retries each for about a day, so the state remembers when it first
//! and last saw each status's webhook and treats copies that all lie within MX's retry
//! window as one event.

use std::fmt;

use chrono::{DateTime, TimeDelta, Utc};
use serde::de::{MapAccess, Visitor};
use serde::ser::SerializeMap;

use crate::model::status::ConnectionStatus;

/// How long MX retries a webhook: "the frequency of request retries diminishes over the
/// course of approximately 24 hours, with no more than 12 total retries" (WH \[V\]). Two
/// connection-status webhooks for the same member and status within this window may be
/// one event delivered twice.
pub(crate) const WEBHOOK_RETRY_WINDOW: TimeDelta = TimeDelta::hours(24);

const SLOTS: usize = ConnectionStatus::ALL.len();

/// The earliest and the latest receipt of one status's webhooks.
///
/// Both are kept, not "the first receipt of the current event", because a fold must not
/// depend on the order in which copies are applied (logs are replayed out of order), and a
/// single time cannot give that: three copies at A < B < C with B and C each within a day
/// of the one before but C more than a day after A are one event or two depending on which
/// arrives first. The earliest and the latest receipt are each a plain minimum and maximum,
/// so they are the same in every order, and the event's time is read from them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct Receipts {
    first: DateTime<Utc>,
    last: DateTime<Utc>,
}

impl Receipts {
    /// When the newest event was first received, as far as two times can tell: every copy
    /// within [`WEBHOOK_RETRY_WINDOW`] of the first is one event, first received at
    /// `first`; copies spread wider than the window cannot all be retries of one event, so
    /// the latest copy belongs to a newer event, taken as received at `last` (its own first
    /// copy may be earlier, but telling it from the older event's retries would need every
    /// time kept: placing it late can only ask for one more member read, never miss one).
    fn event_at(self) -> DateTime<Utc> {
        if self.last.signed_duration_since(self.first) <= WEBHOOK_RETRY_WINDOW {
            self.first
        } else {
            self.last
        }
    }
}

/// For each status, the first and the last receipt of its webhooks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub(crate) struct StatusWebhooks([Option<Receipts>; SLOTS]);

fn slot(status: ConnectionStatus) -> usize {
    ConnectionStatus::ALL
        .iter()
        .position(|s| *s == status)
        .unwrap_or_default()
}

impl StatusWebhooks {
    /// Records a webhook for `status` received at `at`; true when the table changed.
    ///
    /// The table keeps the earliest and the latest receipt, so the result is the same in
    /// every order of arrival. A copy between the two changes nothing; a later copy within
    /// [`WEBHOOK_RETRY_WINDOW`] of the first moves the latest receipt but not the event's
    /// time ([`Receipts::event_at`]): no decision changes for a retry.
    pub(crate) fn record(&mut self, status: ConnectionStatus, at: DateTime<Utc>) -> bool {
        let entry = &mut self.0[slot(status)];
        let next = match *entry {
            None => Receipts {
                first: at,
                last: at,
            },
            Some(seen) => Receipts {
                first: seen.first.min(at),
                last: seen.last.max(at),
            },
        };
        let changed = *entry != Some(next);
        *entry = Some(next);
        changed
    }

    /// The most recently received event and when it was first received, if any (ties go
    /// to the later status in MX's table, so the answer does not depend on arrival order).
    pub(crate) fn newest(&self) -> Option<(ConnectionStatus, DateTime<Utc>)> {
        ConnectionStatus::ALL
            .into_iter()
            .zip(self.0)
            .filter_map(|(status, receipts)| Some((status, receipts?.event_at())))
            .max_by_key(|&(status, at)| (at, status))
    }

    fn is_empty(&self) -> bool {
        self.0.iter().all(Option::is_none)
    }
}

/// `{"DENIED": "2026-11-24T12:00:00Z", "LOCKED": ["2026-11-24T12:00:00Z",
/// "2026-11-25T13:00:00Z"]}`: the statuses with a recorded webhook, each with its one
/// receipt time, or its first and last when they differ (a state written before the last
/// was kept reads as one receipt).
impl serde::Serialize for StatusWebhooks {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        for (status, receipts) in ConnectionStatus::ALL.into_iter().zip(self.0) {
            match receipts {
                Some(Receipts { first, last }) if first == last => {
                    map.serialize_entry(&status, &first)?;
                }
                Some(Receipts { first, last }) => map.serialize_entry(&status, &[first, last])?,
                None => {}
            }
        }
        map.end()
    }
}

impl<'de> serde::Deserialize<'de> for Receipts {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct ReceiptsVisitor;
        impl<'de> Visitor<'de> for ReceiptsVisitor {
            type Value = Receipts;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an RFC 3339 time, or the first and the last receipt as a pair")
            }
            fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<Receipts, E> {
                let at = <DateTime<Utc> as serde::Deserialize>::deserialize(
                    serde::de::value::StrDeserializer::<E>::new(text),
                )?;
                Ok(Receipts {
                    first: at,
                    last: at,
                })
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> Result<Receipts, A::Error> {
                use serde::de::Error;
                let first: DateTime<Utc> = seq
                    .next_element()?
                    .ok_or_else(|| A::Error::invalid_length(0, &self))?;
                let last: DateTime<Utc> = seq
                    .next_element()?
                    .ok_or_else(|| A::Error::invalid_length(1, &self))?;
                if seq.next_element::<serde::de::IgnoredAny>()?.is_some() {
                    return Err(A::Error::invalid_length(3, &self));
                }
                if last < first {
                    return Err(A::Error::custom(format_args!(
                        "a webhook's last receipt {last} is before its first {first}"
                    )));
                }
                Ok(Receipts { first, last })
            }
        }
        deserializer.deserialize_any(ReceiptsVisitor)
    }
}

impl<'de> serde::Deserialize<'de> for StatusWebhooks {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct TableVisitor;
        impl<'de> Visitor<'de> for TableVisitor {
            type Value = StatusWebhooks;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(
                    "a map from connection status to when its webhook was received first (and last)",
                )
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut table = StatusWebhooks::default();
                while let Some((status, receipts)) =
                    map.next_entry::<ConnectionStatus, Receipts>()?
                {
                    table.0[slot(status)] = Some(receipts);
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
