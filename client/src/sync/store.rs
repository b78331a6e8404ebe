//! [`TransactionStore`]: what the sync core asks of the service's copy; [`MemoryStore`]:
//! that copy in memory.

use std::borrow::Cow;
use std::collections::BTreeMap;

use chrono::NaiveDate;

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
}

/// A member's accounts and transactions in memory, keyed by guid: the reference store of
/// the driver, the tests and small services.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct MemoryStore {
    /// The accounts, by guid.
    pub accounts: BTreeMap<String, Account>,
    /// The transactions, by guid.
    pub transactions: BTreeMap<String, Transaction>,
}

impl TransactionStore for MemoryStore {
    fn transaction(&self, guid: &str) -> Option<Cow<'_, Transaction>> {
        self.transactions.get(guid).map(Cow::Borrowed)
    }

    fn pending(&self) -> Vec<(String, Option<NaiveDate>)> {
        self.transactions
            .iter()
            .filter(|(_, transaction)| transaction.is_pending())
            .map(|(guid, transaction)| (guid.clone(), transaction.day()))
            .collect()
    }

    fn count(&self) -> usize {
        self.transactions.len()
    }
}
