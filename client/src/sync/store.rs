//! [`TransactionStore`]: what the sync core asks of the service's copy; [`MemoryStore`]:
//! that copy in memory.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;

use super::mark::{Pending, RowMark, text_digest};
use crate::types::{Account, Transaction};

/// The service's copy of one member's transactions, as the sync core reads it.
///
/// The core never writes: the service applies each page's
/// [`Changes`](super::Changes) before it hands
/// over the next page, and the final `removed`, in its own storage.
pub trait TransactionStore {
    /// The stored transaction with this guid.
    fn transaction(&self, guid: &str) -> Option<Cow<'_, Transaction>>;

    /// The guids and days of the stored `PENDING` transactions (the day `None` when the
    /// stored `date` does not read as one).
    fn pending(&self) -> Vec<(String, Option<NaiveDate>)>;

    /// How many transactions are stored: the sync reads the whole history in one page
    /// when they fit in one.
    fn count(&self) -> usize;

    /// True when the store keeps each transaction as the text MX sent
    /// ([`text`](Self::text)): the sync then hands over the text of each row it reads
    /// ([`Changes::texts`](super::Changes::texts)). `false` by default.
    fn keeps_text(&self) -> bool {
        false
    }

    /// The text MX sent for the stored transaction `guid`, when the store keeps it. A
    /// listed row whose text is exactly this one is that transaction unchanged, and the
    /// sync does not read it: a later sync lists the member's whole history (hundreds of
    /// rows) to find the few that changed, and reading each row and the stored copy
    /// into [`Transaction`]s cost more than the rest of the sync. `None` by default:
    /// every row is read and compared.
    fn text(&self, _guid: &str) -> Option<&str> {
        None
    }

    /// True when `text` is MX's text of the held transaction `guid`, unchanged: the sync
    /// then does not read the row. By default, when it is [`text`](Self::text); a store
    /// that holds rows by their [`RowMark`] compares digests.
    fn holds_text(&self, guid: &str, text: &str) -> bool {
        self.text(guid) == Some(text)
    }

    /// True when the store holds the transaction `guid`, read, as text, or by its mark
    /// only. By default, when [`transaction`](Self::transaction) gives it.
    fn holds(&self, guid: &str) -> bool {
        self.transaction(guid).is_some()
    }
}

/// A member's accounts and transactions in memory, keyed by guid: the reference store of
/// the driver, the tests and small services.
///
/// A service that keeps MX's rows as MX sent them loads its copy as text
/// ([`keeping_text`](Self::keeping_text), [`hold_text`](Self::hold_text)): a row is
/// read into a [`Transaction`] only when the sync needs it (a listed row with other
/// text), and the sync notes every row it stores or removes
/// ([`changed_transactions`](Self::changed_transactions)), so that the service writes
/// back those rows, with MX's text ([`transaction_text`](Self::transaction_text)).
///
/// Two stores are equal when they hold the same accounts and the same transactions,
/// read and as text; the notes of changes are not compared.
#[derive(Debug, Clone, Default)]
pub struct MemoryStore {
    /// The accounts, by guid.
    pub accounts: BTreeMap<String, Account>,
    /// The transactions read, by guid. A store [`keeping_text`](Self::keeping_text)
    /// holds the others as text only, until a sync reads them.
    pub transactions: BTreeMap<String, Transaction>,
    /// MX's text of held transactions, by guid, when the store keeps it.
    texts: BTreeMap<String, String>,
    /// Held transactions known by their mark only ([`hold_mark`](Self::hold_mark)).
    marks: BTreeMap<String, RowMark>,
    /// Whether rows are kept as MX's text.
    keep_text: bool,
    /// The guids of the transactions stored or removed since the store was made.
    changed: BTreeSet<String>,
}

impl PartialEq for MemoryStore {
    fn eq(&self, other: &Self) -> bool {
        self.accounts == other.accounts
            && self.transactions == other.transactions
            && self.texts == other.texts
            && self.marks == other.marks
    }
}

impl MemoryStore {
    /// A store holding these accounts and transactions.
    pub const fn new(
        accounts: BTreeMap<String, Account>,
        transactions: BTreeMap<String, Transaction>,
    ) -> Self {
        Self {
            accounts,
            transactions,
            texts: BTreeMap::new(),
            marks: BTreeMap::new(),
            keep_text: false,
            changed: BTreeSet::new(),
        }
    }

    /// An empty store that keeps each transaction as the text MX sent
    /// ([`TransactionStore::keeps_text`]).
    pub fn keeping_text() -> Self {
        Self {
            keep_text: true,
            ..Self::default()
        }
    }

    /// Holds the transaction `guid` as MX's `text`, unread (a store
    /// [`keeping_text`](Self::keeping_text) loading its copy). A row whose text does
    /// not read as a transaction counts as not held: the next sync that lists it stores
    /// it again.
    pub fn hold_text(&mut self, guid: String, text: String) {
        self.transactions.remove(&guid);
        self.marks.remove(&guid);
        self.texts.insert(guid, text);
    }

    /// Holds the transaction `guid` by its [`RowMark`] only (a store
    /// [`keeping_text`](Self::keeping_text) loading its copy without the texts): a
    /// listed row whose text has the mark's digest is that transaction unchanged; one
    /// whose text does not is `modified` (its held values are not at hand to compare, so
    /// a row MX sent again with other text but the same values counts as modified too).
    pub fn hold_mark(&mut self, guid: String, mark: RowMark) {
        self.transactions.remove(&guid);
        self.texts.remove(&guid);
        self.marks.insert(guid, mark);
    }

    /// Holds the transaction `guid` as MX's `text` and notes it, so that it is written
    /// back with its [`RowMark`]: a row stored before the store kept marks, loaded as
    /// text this once.
    pub fn hold_text_to_mark(&mut self, guid: String, text: String) {
        self.changed.insert(guid.clone());
        self.hold_text(guid, text);
    }

    /// The text MX sent for the held transaction `guid`, when the store keeps it.
    pub fn transaction_text(&self, guid: &str) -> Option<&str> {
        self.texts.get(guid).map(String::as_str)
    }

    /// The guids of the transactions a sync stored (added, modified, or given MX's new
    /// text) or removed in this store since it was made: each held one is to write, each
    /// other one to delete. Changes made to [`transactions`](Self::transactions)
    /// directly are not noted.
    pub const fn changed_transactions(&self) -> &BTreeSet<String> {
        &self.changed
    }

    /// Removes the transaction `guid`, noting the change; true when it was held.
    pub fn remove_transaction(&mut self, guid: &str) -> bool {
        let read = self.transactions.remove(guid).is_some();
        let text = self.texts.remove(guid).is_some();
        let mark = self.marks.remove(guid).is_some();
        if read || text || mark {
            self.changed.insert(guid.to_owned());
        }
        read || text || mark
    }

    /// Stores `transaction` as `guid`, noting the change. Its held text, from MX's
    /// earlier listing, no longer stands for it: [`store_text`](Self::store_text) gives
    /// it MX's new one.
    pub(super) fn store_transaction(&mut self, guid: &str, transaction: Transaction) {
        self.texts.remove(guid);
        self.marks.remove(guid);
        self.transactions.insert(guid.to_owned(), transaction);
        self.changed.insert(guid.to_owned());
    }

    /// Holds MX's `text` for the transaction `guid` (added, modified, or the same
    /// values under new text) when the store keeps text, noting the change: the row is
    /// written with MX's text.
    pub(super) fn store_text(&mut self, guid: &str, text: &str) {
        if self.keep_text {
            self.marks.remove(guid);
            self.texts.insert(guid.to_owned(), text.to_owned());
            self.changed.insert(guid.to_owned());
        }
    }
}

impl TransactionStore for MemoryStore {
    fn transaction(&self, guid: &str) -> Option<Cow<'_, Transaction>> {
        if let Some(transaction) = self.transactions.get(guid) {
            return Some(Cow::Borrowed(transaction));
        }
        let text = self.texts.get(guid)?;
        serde_json::from_str(text).ok().map(Cow::Owned)
    }

    fn pending(&self) -> Vec<(String, Option<NaiveDate>)> {
        let read = self
            .transactions
            .iter()
            .map(|(guid, transaction)| (guid, Pending::of(transaction)));
        let unread = self
            .texts
            .iter()
            .filter(|(guid, _)| !self.transactions.contains_key(*guid))
            .map(|(guid, text)| (guid, Pending::of_text(text)));
        let marked = self.marks.iter().map(|(guid, mark)| (guid, mark.pending));
        let mut pending: Vec<(String, Option<NaiveDate>)> = read
            .chain(unread)
            .chain(marked)
            .filter_map(|(guid, pending)| match pending {
                Pending::On(day) => Some((guid.clone(), day)),
                Pending::No => None,
            })
            .collect();
        pending.sort_unstable();
        pending
    }

    fn count(&self) -> usize {
        let unread = self
            .texts
            .keys()
            .filter(|guid| !self.transactions.contains_key(*guid))
            .count();
        self.transactions.len() + unread + self.marks.len()
    }

    fn keeps_text(&self) -> bool {
        self.keep_text
    }

    fn text(&self, guid: &str) -> Option<&str> {
        self.transaction_text(guid)
    }

    fn holds_text(&self, guid: &str, text: &str) -> bool {
        match self.texts.get(guid) {
            Some(held) => held == text,
            None => self
                .marks
                .get(guid)
                .is_some_and(|mark| mark.digest == text_digest(text)),
        }
    }

    fn holds(&self, guid: &str) -> bool {
        self.transactions.contains_key(guid)
            || self.texts.contains_key(guid)
            || self.marks.contains_key(guid)
    }
}
