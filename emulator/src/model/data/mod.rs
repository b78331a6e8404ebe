//! MX Bank's data, pure: a member's accounts and transactions as a function of the
//! emulator's seed, the member's GUID and the virtual times of its successful
//! aggregations ([`ledger::Ledger`], the only thing stored), and the list queries
//! (paging, filters) that read them.
//!
//! Nothing here knows HTTP or a clock: the caller passes the time and the query string.

pub(crate) mod accounts;
pub(crate) mod catalog;
pub(crate) mod holdings;
pub(crate) mod ledger;
pub(crate) mod premium;
pub(crate) mod query;

use ledger::{Ledger, MemberKey, Transaction};
use query::TransactionFilter;

/// Records a successful aggregation at `at` (Unix seconds) and returns what it changed;
/// nothing when it is not later than the last one.
pub(crate) fn aggregated(ledger: &mut Ledger, key: MemberKey, at: i64) -> ledger::Changes {
    if ledger.record(at) {
        ledger::latest_changes(key, ledger)
    } else {
        ledger::Changes::default()
    }
}

/// Records a successful history extension at `at` (Unix seconds) and returns what it
/// changed: the transactions of the latest days and those older than the first job's
/// history.
pub(crate) fn history_extended(ledger: &mut Ledger, key: MemberKey, at: i64) -> ledger::Changes {
    if ledger.extend(at) {
        ledger::latest_changes(key, ledger)
    } else {
        ledger::Changes::default()
    }
}

/// The member's live transactions that pass `filter`, in [`listing_order`]: a
/// stable order, so the pages of one listing hold every record once.
pub(crate) fn transactions(
    key: MemberKey,
    ledger: &Ledger,
    filter: &TransactionFilter,
) -> Vec<Transaction> {
    let mut list: Vec<Transaction> =
        ledger::records_on(key, ledger, filter.from_date, filter.to_date)
            .into_iter()
            .filter(|t| t.is_live() && filter.admits(t))
            .collect();
    list.sort_by(listing_order);
    list
}

/// The order of every transaction listing: newest first, ties by the draw (day, place in
/// the day, record), which no two records share.
pub(crate) fn listing_order(a: &Transaction, b: &Transaction) -> std::cmp::Ordering {
    b.transacted_at
        .cmp(&a.transacted_at)
        .then_with(|| a.id.cmp(&b.id))
}
