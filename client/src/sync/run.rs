//! [`TransactionSync`]: one sync of one member, page by page, sans IO.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::checkpoint::{Checkpoint, SyncOptions};
use super::plan::{Read, plan};
use super::store::{MemoryStore, TransactionStore};
use crate::query::{PageQuery, TransactionFilter};
use crate::types::{ListedRow, Transaction, TransactionsPage};

/// How often one read may start again from page 1 because its list changed under it
/// (its `total_entries` moved between pages) before the sync gives up on it.
pub const MAX_RESTARTS: u32 = 3;

/// The next page to read: which read of the plan, and its query.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub struct PageRequest {
    /// The read's index in [`TransactionSync::reads`].
    pub read: usize,
    /// The read's filter.
    pub filter: TransactionFilter,
    /// The page and its size.
    pub page: PageQuery,
}

/// A transaction left out because its fields could not be read: reported, counted, never
/// silently dropped.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Skipped {
    /// Its guid, when the row has a readable one.
    pub guid: Option<String>,
    /// What could not be read, e.g. `unknown variant "CLEARED"`.
    pub reason: String,
}

/// What one page changed, to apply to the service's copy before the next page.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
#[must_use = "apply the changes before handing over the next page"]
pub struct Changes {
    /// Transactions the copy did not hold.
    pub added: Vec<Transaction>,
    /// Transactions the copy holds with other values.
    pub modified: Vec<Transaction>,
    /// Rows that could not be read.
    pub skipped: Vec<Skipped>,
    /// MX's text of the rows the store is to keep as text, by guid, when it keeps them
    /// ([`TransactionStore::keeps_text`]): those added or modified, and those whose
    /// values are the held ones but whose text is not (the copy keeps MX's latest text,
    /// so that the next sync finds the row unchanged without reading it).
    #[serde(skip)]
    pub texts: BTreeMap<String, String>,
}

/// What a sync read and changed, in total.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct SyncCounts {
    /// Pages read (restarted reads included).
    pub pages: u32,
    /// Transactions added.
    pub added: u32,
    /// Transactions modified.
    pub modified: u32,
    /// Transactions removed.
    pub removed: u32,
    /// Rows that could not be read.
    pub skipped: u32,
    /// Reads started again because their list changed between pages.
    pub restarts: u32,
}

/// The end of a complete sync.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[must_use = "remove the transactions, then store the checkpoint"]
pub struct Finished {
    /// Guids to forget: stored `PENDING` transactions the trailing window did not return,
    /// and the deletions transaction webhooks announced, of transactions the copy holds.
    pub removed: Vec<String>,
    /// The checkpoint to store once `removed` is applied.
    pub checkpoint: Checkpoint,
    /// The sync's totals.
    pub counts: SyncCounts,
}

/// Why a sync stopped. The stored checkpoint stays as it was: the next sync reads the
/// same ranges again, and what the pages before brought is already applied.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[serde(tag = "error", rename_all = "snake_case")]
pub enum SyncError {
    /// A page of the account list could not be read from MX (after the client's retries).
    #[error("accounts, page {page}: {reason}")]
    AccountsFailed {
        /// The page.
        page: u32,
        /// What went wrong.
        reason: String,
    },
    /// The page could not be read from MX (after the client's retries).
    #[error("read {read}, page {page}: {reason}")]
    PageFailed {
        /// The read's index.
        read: usize,
        /// The page.
        page: u32,
        /// What went wrong.
        reason: String,
    },
    /// MX answered another page than the one asked for.
    #[error("read {read}, page {page}: MX answered page {answered}")]
    WrongPage {
        /// The read's index.
        read: usize,
        /// The page asked for.
        page: u32,
        /// The `current_page` MX answered.
        answered: u32,
    },
    /// The read's list kept changing between pages.
    #[error("read {read}, page {page}: the list changed between pages {MAX_RESTARTS} times")]
    Unsettled {
        /// The read's index.
        read: usize,
        /// The page.
        page: u32,
    },
    /// [`finish`](TransactionSync::finish) came before the last page.
    #[error("read {read}, page {page} is still to read")]
    Unfinished {
        /// The read's index.
        read: usize,
        /// The page.
        page: u32,
    },
}

/// Where the sync stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Cursor {
    /// Reading `page` of read `read`; `total_entries` as its first page said.
    Reading {
        read: usize,
        page: u32,
        total_entries: Option<u32>,
        restarts: u32,
    },
    /// Every page read.
    Done,
}

/// One sync of one member's transactions: the plan fixed at [`start`](Self::start),
/// then the pages handed in one by one, then [`finish`](Self::finish).
///
/// No clock and no IO: `now` is an argument, the service makes the requests
/// ([`next_page`](Self::next_page)) and applies the [`Changes`]. The sync reads MX's
/// lists the way Plaid's `/transactions/sync` answers: `added`, `modified`, `removed`,
/// and a checkpoint committed only after the last page. Whatever page a sync stops
/// after, the next one from the stored checkpoint ends with the same copy.
#[derive(Debug, Clone)]
pub struct TransactionSync {
    reads: Vec<Read>,
    records_per_page: u32,
    cursor: Cursor,
    upper: DateTime<Utc>,
    history_from: NaiveDate,
    deleted: BTreeSet<String>,
    as_of: Option<DateTime<Utc>>,
    pending: Vec<String>,
    seen: BTreeSet<String>,
    counts: SyncCounts,
}

impl TransactionSync {
    /// Plans the sync of a member whose last complete sync left `checkpoint`, at `now`:
    /// every page read bounds `to_updated_at` at `now`, so that changes made while it
    /// runs do not move rows between pages; they come with the next sync.
    pub fn start(
        checkpoint: &Checkpoint,
        now: DateTime<Utc>,
        options: &SyncOptions,
        store: &impl TransactionStore,
    ) -> Self {
        let held = store.pending();
        let days: Vec<NaiveDate> = held.iter().filter_map(|(_, day)| *day).collect();
        let planned = plan(checkpoint, now, options, &days, store.count());
        let cursor = if planned.reads.is_empty() {
            Cursor::Done
        } else {
            Cursor::Reading {
                read: 0,
                page: 1,
                total_entries: None,
                restarts: 0,
            }
        };
        Self {
            reads: planned.reads,
            records_per_page: options.records_per_page,
            cursor,
            upper: now,
            history_from: planned.history_from,
            deleted: checkpoint.deleted.clone(),
            as_of: checkpoint.as_of,
            pending: held
                .into_iter()
                .filter(|(_, day)| day.is_some())
                .map(|(guid, _)| guid)
                .collect(),
            seen: BTreeSet::new(),
            counts: SyncCounts::default(),
        }
    }

    /// The reads planned, in the order they are made.
    pub fn reads(&self) -> &[Read] {
        &self.reads
    }

    /// The totals so far.
    pub const fn counts(&self) -> SyncCounts {
        self.counts
    }

    /// The page to read next; `None` once every page is read.
    pub fn next_page(&self) -> Option<PageRequest> {
        match self.cursor {
            Cursor::Reading { read, page, .. } => Some(PageRequest {
                read,
                filter: self.reads.get(read)?.filter,
                page: PageQuery::new(page, self.records_per_page),
            }),
            Cursor::Done => None,
        }
    }

    /// The error for a page MX did not deliver (after the client's retries): the sync
    /// stops there, and says which page.
    pub fn failed(&self, request: &PageRequest, reason: impl Into<String>) -> SyncError {
        SyncError::PageFailed {
            read: request.read,
            page: request.page.page,
            reason: reason.into(),
        }
    }

    /// Takes the page MX answered to [`next_page`](Self::next_page): the rows the store
    /// does not hold are `added`, those it holds with other values `modified`, rows whose
    /// fields cannot be read `skipped` (by guid). Apply the changes before the next page.
    ///
    /// # Errors
    /// [`SyncError::WrongPage`] when the page is not the one asked for,
    /// [`SyncError::Unsettled`] when the list kept changing between pages.
    pub fn handle_page<R: ListedRow>(
        &mut self,
        page: &TransactionsPage<R>,
        store: &impl TransactionStore,
    ) -> Result<Changes, SyncError> {
        let Cursor::Reading {
            read,
            page: asked,
            total_entries,
            restarts,
        } = self.cursor
        else {
            return Ok(Changes::default());
        };
        let answered = page.pagination.current_page;
        if answered != 0 && answered != asked {
            return Err(SyncError::WrongPage {
                read,
                page: asked,
                answered,
            });
        }
        self.counts.pages = self.counts.pages.saturating_add(1);
        let changes = self.classify(page, store);
        let total = page.pagination.total_entries;
        self.cursor = match total_entries {
            Some(first) if first != total => {
                if restarts >= MAX_RESTARTS {
                    return Err(SyncError::Unsettled { read, page: asked });
                }
                self.counts.restarts = self.counts.restarts.saturating_add(1);
                Cursor::Reading {
                    read,
                    page: 1,
                    total_entries: None,
                    restarts: restarts.saturating_add(1),
                }
            }
            Some(_) | None if asked < page.pagination.total_pages => Cursor::Reading {
                read,
                page: asked.saturating_add(1),
                total_entries: Some(total),
                restarts,
            },
            Some(_) | None if read.saturating_add(1) < self.reads.len() => Cursor::Reading {
                read: read.saturating_add(1),
                page: 1,
                total_entries: None,
                restarts: 0,
            },
            Some(_) | None => Cursor::Done,
        };
        Ok(changes)
    }

    fn classify<R: ListedRow>(
        &mut self,
        page: &TransactionsPage<R>,
        store: &impl TransactionStore,
    ) -> Changes {
        let mut changes = Changes::default();
        let keeps_text = store.keeps_text();
        for row in &page.transactions {
            let text = row.text().filter(|_| keeps_text);
            // A row with the text held for its guid is that transaction unchanged: not
            // read (the store's text is MX's, from an earlier listing).
            if let Some((text, guid)) = text.and_then(|text| Some((text, guid_of(text)?)))
                && store.holds_text(&guid, text)
            {
                if !self.deleted.contains(guid.as_ref()) {
                    self.seen.insert(guid.into_owned());
                }
                continue;
            }
            let transaction = match row.read() {
                Ok(transaction) if transaction.guid.is_some() => transaction,
                Ok(_) => {
                    changes.skipped.push(Skipped {
                        guid: None,
                        reason: "the transaction has no guid".to_owned(),
                    });
                    continue;
                }
                Err((guid, reason)) => {
                    if let Some(guid) = &guid {
                        self.seen.insert(guid.clone());
                    }
                    changes.skipped.push(Skipped { guid, reason });
                    continue;
                }
            };
            let guid = transaction.guid.clone().unwrap_or_default();
            if self.deleted.contains(&guid) {
                continue;
            }
            self.seen.insert(guid.clone());
            let changed = match store.transaction(&guid) {
                // Held by its mark only, with other text: MX changed it.
                None if store.holds(&guid) => {
                    changes.modified.push(transaction);
                    true
                }
                None => {
                    changes.added.push(transaction);
                    true
                }
                Some(held) if *held != transaction => {
                    changes.modified.push(transaction);
                    true
                }
                // The same values under other text: the copy takes MX's text.
                Some(_) => store.text(&guid) != text,
            };
            if let Some(text) = text.filter(|_| changed) {
                changes.texts.insert(guid, text.to_owned());
            }
        }
        let count = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
        self.counts.added = self.counts.added.saturating_add(count(changes.added.len()));
        self.counts.modified = (self.counts.modified).saturating_add(count(changes.modified.len()));
        self.counts.skipped = (self.counts.skipped).saturating_add(count(changes.skipped.len()));
        changes
    }

    /// Ends a sync whose every page was read: the transactions to remove, and the next
    /// checkpoint, to store once they are removed.
    ///
    /// # Errors
    /// [`SyncError::Unfinished`] while a page is still to read.
    pub fn finish(self, store: &impl TransactionStore) -> Result<Finished, SyncError> {
        if let Cursor::Reading { read, page, .. } = self.cursor {
            return Err(SyncError::Unfinished { read, page });
        }
        let gone_pending = self
            .pending
            .iter()
            .filter(|guid| !self.seen.contains(*guid));
        let removed: BTreeSet<&String> = gone_pending
            .chain(&self.deleted)
            .filter(|guid| store.holds(guid))
            .collect();
        let removed: Vec<String> = removed.into_iter().cloned().collect();
        let mut counts = self.counts;
        counts.removed = u32::try_from(removed.len()).unwrap_or(u32::MAX);
        Ok(Finished {
            removed,
            checkpoint: Checkpoint {
                updated_through: Some(self.upper),
                history_from: Some(self.history_from),
                deleted: BTreeSet::new(),
                as_of: self.as_of,
            },
            counts,
        })
    }
}

/// The guid of a row given as MX's text, read without reading the rest of the row: the
/// string after the first `"guid"` key ([`scan_guid`]), or serde's reading of the row
/// when that finds none.
///
/// The guid is only a lookup key: a row is taken as unchanged only when its whole text is
/// the text held for that guid, and a held text is the row of its own guid. A `"guid"`
/// key met first inside a nested object names another row, whose text cannot be this
/// one: the row is then read in full, as any changed row is.
fn guid_of(text: &str) -> Option<Cow<'_, str>> {
    /// Only the guid; every other field is skipped.
    #[derive(Deserialize)]
    struct Guid<'a> {
        #[serde(borrow)]
        guid: Option<Cow<'a, str>>,
    }
    if let Some(guid) = scan_guid(text) {
        return Some(Cow::Borrowed(guid));
    }
    serde_json::from_str::<Guid<'_>>(text).ok()?.guid
}

/// The value of the first `"guid"` key in `text`, when it is a string without escapes.
/// A later sync lists a member's whole history (hundreds of rows) to find the few MX
/// changed: reading each row's fields to reach its guid cost as much as parsing the page.
/// In JSON, `"guid"` followed by `:` is a key (a string value is followed by `,`, `}` or
/// `]`, and a quote inside a string is escaped).
fn scan_guid(text: &str) -> Option<&str> {
    const KEY: &str = "\"guid\"";
    let at = text.find(KEY)?.checked_add(KEY.len())?;
    let value = text.get(at..)?.trim_start().strip_prefix(':')?.trim_start();
    let value = value.strip_prefix('"')?;
    let guid = value.get(..value.find('"')?)?;
    (!guid.contains('\\')).then_some(guid)
}

impl MemoryStore {
    /// Stores the added and modified transactions of one page (with MX's text when the
    /// store keeps it), and the new text of rows whose values did not change.
    pub fn apply(&mut self, changes: &Changes) {
        for transaction in changes.added.iter().chain(&changes.modified) {
            if let Some(guid) = &transaction.guid {
                self.store_transaction(guid, transaction.clone());
            }
        }
        for (guid, text) in &changes.texts {
            self.store_text(guid, text);
        }
    }

    /// Forgets the removed transactions.
    pub fn remove(&mut self, removed: &[String]) {
        for guid in removed {
            self.remove_transaction(guid);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{guid_of, scan_guid};

    #[test]
    fn the_guid_is_found_without_reading_the_row() {
        let row = r#"{"account_guid":"ACT-1","amount":1.5,"guid":"TRN-7","status":"POSTED"}"#;
        assert_eq!(scan_guid(row), Some("TRN-7"));
        assert_eq!(scan_guid(r#"{ "guid" :  "TRN-8" , "x": 1}"#), Some("TRN-8"));
        // `account_guid` and `member_guid` are other keys.
        assert_eq!(
            scan_guid(r#"{"account_guid":"ACT-1","member_guid":"MBR-1"}"#),
            None
        );
    }

    #[test]
    fn a_guid_the_scan_cannot_read_is_read_by_serde() {
        // An escape in the value, a null guid, a quote inside a string value.
        let escaped = r#"{"guid":"TRN-\u0031"}"#;
        assert_eq!(scan_guid(escaped), None);
        assert_eq!(guid_of(escaped).as_deref(), Some("TRN-1"));
        assert_eq!(scan_guid(r#"{"guid":null}"#), None);
        assert_eq!(guid_of(r#"{"guid":null}"#), None);
        let quoted = r#"{"memo":"say \"guid\": \"x\"","guid":"TRN-9"}"#;
        assert_eq!(guid_of(quoted).as_deref(), Some("TRN-9"));
    }
}
