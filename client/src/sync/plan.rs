//! The reads a sync makes: which list filters, in which order, for one member.

use chrono::{DateTime, Months, NaiveDate, NaiveTime, TimeDelta, Utc};
use serde::{Deserialize, Serialize};

use super::checkpoint::{Checkpoint, History, SyncOptions};
use crate::query::TransactionFilter;

/// Why a read is in the plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReadKind {
    /// Every transaction dated in a range: the first sync, or the older range that
    /// `extend_history` opened.
    History,
    /// The transactions MX changed since the checkpoint (less the overlap).
    Updated,
    /// Every transaction dated from the oldest `PENDING` one held on: the `PENDING` ones
    /// that do not come back were deleted (MX replaces most of them by a posted one with a new guid,
    /// SPEC25 `TransactionResponse.status`). When the member's whole history fits in one
    /// page, the window starts at the history's first day instead and is the sync's only
    /// read (when its copy leaves a quarter of the page free).
    Pending,
}

/// One list read: a filter, read page after page to the last.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Read {
    /// Why it is read.
    pub kind: ReadKind,
    /// The filter; `from_date` is always set.
    pub filter: TransactionFilter,
}

/// The longest range one request may span: MX's other versions reject date ranges over
/// 6 months (SPEC11 `from_date`: "maximum date range limit is 6 months"), and so do its
/// newest by-account lists; v20250224 keeps to the same.
const MAX_RANGE: Months = Months::new(6);
/// How far ahead `to_date` reaches: MX's own default, "5 days forward … to capture
/// pending transactions" (SPEC25 `toDateUnix`).
const AHEAD: TimeDelta = TimeDelta::days(5);
/// The 120 days MX answers without `from_date` (SPEC25 `fromDateUnix`).
const DEFAULT_HISTORY: TimeDelta = TimeDelta::days(120);
/// The history MX holds after `extend_history`.
const EXTENDED_HISTORY: Months = Months::new(24);

/// The first day a member's history starts at `now`.
pub(super) fn history_start(history: History, now: DateTime<Utc>) -> NaiveDate {
    let start = match history {
        History::Default => now.checked_sub_signed(DEFAULT_HISTORY),
        History::Extended => now.checked_sub_months(EXTENDED_HISTORY),
    };
    start.unwrap_or(now).date_naive()
}

/// Midnight UTC of `day`.
fn midnight(day: NaiveDate) -> DateTime<Utc> {
    day.and_time(NaiveTime::MIN).and_utc()
}

/// `[from, to]` cut into ranges of at most [`MAX_RANGE`], each starting where the one
/// before ends (bounds are inclusive, so nothing on a boundary is lost).
fn split(from: DateTime<Utc>, to: DateTime<Utc>) -> Vec<(DateTime<Utc>, DateTime<Utc>)> {
    let mut ranges = Vec::new();
    let mut start = from;
    loop {
        let end = start
            .checked_add_months(MAX_RANGE)
            .map_or(to, |e| e.min(to));
        ranges.push((start, end));
        if end >= to {
            return ranges;
        }
        start = end;
    }
}

/// True when one read of every transaction dated in the member's history (no
/// `updated_at` filter) fits in one page of `records_per_page`, with a quarter of the page
/// left for what MX added since the last sync: that read is then a superset of both the
/// `Updated` reads and the `PENDING` window, in one call instead of at least two. MX's
/// lists are numbered pages of at most 1,000 records (SPEC25 `records_per_page`), so a
/// member whose 120 days hold a few hundred transactions is one page either way; the
/// larger answer costs bytes, not a call. A guess that falls short only costs a second
/// page, what the two reads would have cost.
pub(super) const fn fits_one_page(held: usize, records_per_page: u32) -> bool {
    let page = records_per_page as usize;
    held.saturating_add(held / 3) <= page
}

/// The plan of one sync, with the upper bound fixed at `now`.
pub(super) struct Plan {
    pub(super) reads: Vec<Read>,
    pub(super) history_from: NaiveDate,
}

/// The reads for `checkpoint` at `now`, given the days of the `PENDING` transactions the
/// service holds and how many transactions it holds.
pub(super) fn plan(
    checkpoint: &Checkpoint,
    now: DateTime<Utc>,
    options: &SyncOptions,
    pending_days: &[NaiveDate],
    held: usize,
) -> Plan {
    let upper = now;
    let ahead = (now + AHEAD)
        .date_naive()
        .succ_opt()
        .unwrap_or(now.date_naive());
    let to_date = midnight(ahead.max(pending_days.iter().copied().max().unwrap_or(ahead)));
    let wanted = history_start(options.history, now);
    let history_from = checkpoint
        .history_from
        .map_or(wanted, |held| held.min(wanted));
    let mut reads = Vec::new();
    // A later sync holding PENDING transactions, whose history fits one page: one read of
    // every transaction dated in it replaces the updated reads and the PENDING window.
    let oldest_pending = pending_days.iter().copied().min();
    if let (Some(_), Some(held_from), Some(oldest)) = (
        checkpoint.updated_through,
        checkpoint.history_from,
        oldest_pending,
    ) && wanted >= held_from
        && oldest >= held_from
        && fits_one_page(held, options.records_per_page)
    {
        for (from_date, to_date) in split(midnight(held_from), to_date) {
            reads.push(Read {
                kind: ReadKind::Pending,
                filter: TransactionFilter::dated(from_date, to_date),
            });
        }
        return Plan {
            reads,
            history_from,
        };
    }
    let full = |from: NaiveDate, to: DateTime<Utc>, reads: &mut Vec<Read>| {
        for (from_date, to_date) in split(midnight(from), to) {
            let mut filter = TransactionFilter::dated(from_date, to_date);
            filter.to_updated_at = Some(upper);
            reads.push(Read {
                kind: ReadKind::History,
                filter,
            });
        }
    };
    match (checkpoint.updated_through, checkpoint.history_from) {
        (Some(through), Some(held)) => {
            if wanted < held {
                full(
                    wanted,
                    midnight(held.succ_opt().unwrap_or(held)),
                    &mut reads,
                );
            }
            let from_updated = through
                .checked_sub_signed(options.overlap())
                .unwrap_or(through);
            for (from_date, to_date) in split(midnight(held), to_date) {
                for (from_updated_at, to_updated_at) in split(from_updated.min(upper), upper) {
                    let mut filter = TransactionFilter::dated(from_date, to_date);
                    filter.from_updated_at = Some(from_updated_at);
                    filter.to_updated_at = Some(to_updated_at);
                    reads.push(Read {
                        kind: ReadKind::Updated,
                        filter,
                    });
                }
            }
        }
        (None, _) | (_, None) => full(history_from, to_date, &mut reads),
    }
    // The window starts at the oldest PENDING transaction held: every one held is in it,
    // so one that does not come back was deleted. None held, nothing to check.
    for (from_date, to_date) in
        oldest_pending.map_or_else(Vec::new, |day| split(midnight(day), to_date))
    {
        reads.push(Read {
            kind: ReadKind::Pending,
            filter: TransactionFilter::dated(from_date, to_date),
        });
    }
    Plan {
        reads,
        history_from,
    }
}
