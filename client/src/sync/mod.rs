//! The sans-IO sync of a member's accounts and transactions: Plaid's
//! `/transactions/sync` contract (`added`, `modified`, `removed`, a checkpoint saved only
//! after the last page) built on MX's lists, which offer none of it (numbered pages, no
//! cursor, no removed list, SPEC25).
//!
//! No clock, no IO: `now` is an argument and the service makes the requests.
//!
//! ```text
//! Checkpoint × now × SyncOptions × store ──start──▶ reads (every one names from_date)
//!   loop: next_page ─▶ service reads it ─▶ handle_page ─▶ Changes (apply them)
//! finish ─▶ removed + next Checkpoint (store both)
//! ```
//!
//! - The first sync reads every transaction dated in the member's history (MX's 120
//!   days, or 24 months after `extend_history`), later ones the transactions MX changed
//!   since the checkpoint less an overlap of at least a day, dated anywhere in that
//!   history; every read ends at the same `to_updated_at`, fixed at the start, and spans
//!   at most 6 months of dates and of updates.
//! - `PENDING` transactions are mostly deleted and replaced by a posted one with a new
//!   guid, and all are deleted after 14 days (SPEC25 `TransactionResponse.status`): a
//!   trailing window from the oldest `PENDING` transaction held is read in full, and a
//!   held `PENDING` guid that did not come back is removed. When the copy fits in
//!   three quarters of a page, that window starts at the history's first day and is the
//!   later sync's only read: one call (MX's pages hold up to 1,000 records, SPEC25)
//!   instead of an updated read and the window. Posted transactions are deleted only as transaction webhooks announce
//!   ([`Checkpoint::note_deleted`]).
//! - A sync is for MX's data as of a moment (`successfully_aggregated_at`, or a
//!   `member_data_updated` webhook's `completed_at`), noted in the checkpoint: MX's data
//!   changes when an aggregation completes (WH-A), so a copy already synced for that
//!   moment is not read again ([`Checkpoint::holds`]).
//! - A store may keep each transaction as the text MX sent
//!   ([`TransactionStore::keeps_text`], [`MemoryStore::keeping_text`]): a listed row
//!   whose text is the held one is that transaction unchanged and is not read, so a
//!   later sync that lists the whole history reads only the rows MX changed. It may
//!   hold them by a digest of that text instead ([`RowMark`],
//!   [`MemoryStore::hold_mark`]), without loading the texts.
//! - Accounts have no incremental filter (`listMemberAccounts` takes only paging): a
//!   sync lists them all ([`AccountChanges`]), unless MX's ACCOUNT webhooks carry them
//!   ([`AccountWebhook`], [`SyncOptions::account_webhooks`]).

mod accounts;
mod checkpoint;
mod mark;
mod member_data;
mod plan;
mod run;
mod store;

pub use accounts::{AccountAction, AccountChanges, AccountWebhook, supersedes};
pub use checkpoint::{Checkpoint, History, SyncOptions};
pub use mark::{Pending, RowMark, text_digest};
pub use member_data::{DataDue, DataWebhook, MemberData};
pub use plan::{Read, ReadKind};
pub use run::{
    Changes, Finished, MAX_RESTARTS, PageRequest, Skipped, SyncCounts, SyncError, TransactionSync,
};
pub use store::{MemoryStore, TransactionStore};
