//! [`Checkpoint`]: what a member's last complete sync reached; [`SyncOptions`]: how far
//! back and with how much overlap a sync reads.

use std::collections::BTreeSet;

use chrono::{DateTime, NaiveDate, TimeDelta, Utc};
use serde::{Deserialize, Serialize};

/// One member's sync position, stored by the service between syncs (it serializes to a
/// small JSON object). MX offers no cursor (its lists are numbered pages, SPEC25
/// `PaginationResponse`), so the checkpoint is a time: every transaction MX changed up to
/// `updated_through` was read.
///
/// A sync returns the next checkpoint only after its last page
/// ([`TransactionSync::finish`](super::TransactionSync::finish)); a sync that stops
/// earlier leaves the stored one as it was, and the next sync reads the same ranges again.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Checkpoint {
    /// The upper bound (`to_updated_at`) of the last complete sync; `None` before the
    /// first, which reads the whole history.
    pub updated_through: Option<DateTime<Utc>>,
    /// The first day read: later syncs send it as `from_date`, so that a change to an old
    /// transaction is not cut off by MX's 120-day default.
    pub history_from: Option<NaiveDate>,
    /// Deletions that transaction webhooks announced (MX's only signal for deleting a
    /// posted transaction, WH-T), reported in the next sync's `removed`.
    pub deleted: BTreeSet<String>,
    /// MX's time of the newest data a complete sync read: the member's
    /// `successfully_aggregated_at`, or a `member_data_updated` webhook's `completed_at`,
    /// that the sync was started for. `None` before the first such sync.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub as_of: Option<DateTime<Utc>>,
}

impl Checkpoint {
    /// Notes a transaction webhook that says `guid` was deleted.
    pub fn note_deleted(&mut self, guid: impl Into<String>) {
        self.deleted.insert(guid.into());
    }

    /// True once a sync has completed.
    pub const fn is_synced(&self) -> bool {
        self.updated_through.is_some()
    }

    /// True when the copy already holds what MX had at `as_of`: a complete sync was made
    /// for data at least that new. MX's data changes when an aggregation completes — the
    /// `member_data_updated` webhook fires "only after a completed aggregation", background
    /// ones included, with that moment as `completed_at` (WH-A), the moment the member's
    /// `successfully_aggregated_at` shows (FIELDS) — so reading the lists again for the same
    /// moment returns what the copy holds: a read of unchanged data.
    pub fn holds(&self, as_of: DateTime<Utc>) -> bool {
        self.is_synced() && self.as_of.is_some_and(|held| held >= as_of)
    }

    /// Notes that a complete sync read MX's data as of `as_of` (the later of the two
    /// when one was noted).
    pub fn note_synced(&mut self, as_of: DateTime<Utc>) {
        self.as_of = Some(self.as_of.map_or(as_of, |held| held.max(as_of)));
    }
}

/// How much history the member has at MX.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum History {
    /// MX's default: 120 days (SPEC25 `fromDateUnix`: "Defaults to 120 days ago").
    Default,
    /// After `POST …/extend_history`: up to 24 months (MX's extended transaction history).
    Extended,
}

/// How a sync reads. [`Default`] is MX's documented window with a one-day overlap.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SyncOptions {
    /// How far back the first sync reads.
    pub history: History,
    /// How far before the checkpoint a later sync starts `from_updated_at`: MX writes
    /// some changes with an `updated_at` earlier than the moment they become listed
    /// (late pages), and filters by day in its other versions. At least a day; shorter
    /// values read as a day ([`overlap`](Self::overlap)).
    pub overlap: TimeDelta,
    /// Records per page, within MX's 10 to 1000.
    pub records_per_page: u32,
    /// MX sends this client ACCOUNT webhooks (subscribed on MX's client dashboard; each
    /// carries the account's fields, WH-ACC), folded into the copy by
    /// [`MemberData::fold_webhook`](super::MemberData::fold_webhook): a sync that a data
    /// webhook announced then lists no accounts. A first sync, and one no data webhook
    /// announced (a look without news, which may follow a lost webhook), still list
    /// them.
    pub account_webhooks: bool,
}

impl Default for SyncOptions {
    fn default() -> Self {
        Self {
            history: History::Default,
            overlap: TimeDelta::days(1),
            records_per_page: 100,
            account_webhooks: false,
        }
    }
}

impl SyncOptions {
    /// The overlap actually used: at least a day.
    pub fn overlap(&self) -> TimeDelta {
        self.overlap.max(TimeDelta::days(1))
    }
}
