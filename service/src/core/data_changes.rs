//! What a drive changed in a member's stored copy, row by row: the write-back stores
//! these rows and deletes those, instead of rewriting the member's whole copy. A later
//! sync changes a few rows of a copy of hundreds (MX Bank's 120 days are 3 to 6
//! transactions a day), so the write is in proportion to the change.

use std::collections::BTreeMap;

use mx_aggregation_client::sync::MemoryStore;
use mx_aggregation_client::types::Account;
use serde::Serialize;

/// The rows of one table to store (added or changed) and to delete, by guid.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RowChanges {
    /// Guid and JSON body of each row added or changed.
    pub upsert: Vec<(String, String)>,
    /// Guids of the rows gone.
    pub delete: Vec<String>,
}

impl RowChanges {
    /// The rows of `after` that `before` lacks or holds with other values, and the
    /// guids of `before` that `after` lacks. A value that does not serialize is stored
    /// as `null` (the client's types always serialize).
    pub fn between<T: PartialEq + Serialize>(
        before: &BTreeMap<String, T>,
        after: &BTreeMap<String, T>,
    ) -> Self {
        let upsert = after
            .iter()
            .filter(|(guid, row)| before.get(*guid) != Some(*row))
            .map(|(guid, row)| {
                let body = serde_json::to_string(row).unwrap_or_else(|_| "null".to_owned());
                (guid.clone(), body)
            })
            .collect();
        let delete = before
            .keys()
            .filter(|guid| !after.contains_key(*guid))
            .cloned()
            .collect();
        Self { upsert, delete }
    }

    /// True when nothing is to write.
    pub fn is_empty(&self) -> bool {
        self.upsert.is_empty() && self.delete.is_empty()
    }
}

/// What a drive changed in a member's accounts and transactions.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DataChanges {
    /// The accounts' rows.
    pub accounts: RowChanges,
    /// The transactions' rows.
    pub transactions: RowChanges,
}

impl DataChanges {
    /// The rows to write to turn the stored copy `before` into `after`.
    pub fn between(before: &MemoryStore, after: &MemoryStore) -> Self {
        Self {
            accounts: RowChanges::between(&before.accounts, &after.accounts),
            transactions: RowChanges::between(&before.transactions, &after.transactions),
        }
    }

    /// The rows to write after a drive: the accounts compared with `accounts_before`
    /// (a handful of rows, which ACCOUNT webhooks change outside the sync), and the
    /// transactions the sync noted as changed in `after`
    /// ([`MemoryStore::changed_transactions`]): each one `after` holds is written, as
    /// MX's text when it keeps it, each other one deleted. The sync knows what it
    /// changed (a row added or differing from the held one, a `PENDING` one gone, a
    /// deletion MX announced); the copy is not compared row by row.
    pub fn after_sync(accounts_before: &BTreeMap<String, Account>, after: &MemoryStore) -> Self {
        let mut transactions = RowChanges::default();
        for guid in after.changed_transactions() {
            if let Some(text) = after.transaction_text(guid) {
                transactions.upsert.push((guid.clone(), text.to_owned()));
            } else if let Some(row) = after.transactions.get(guid) {
                let body = serde_json::to_string(row).unwrap_or_else(|_| "null".to_owned());
                transactions.upsert.push((guid.clone(), body));
            } else {
                transactions.delete.push(guid.clone());
            }
        }
        Self {
            accounts: RowChanges::between(accounts_before, &after.accounts),
            transactions,
        }
    }

    /// True when the copy did not change.
    pub fn is_empty(&self) -> bool {
        self.accounts.is_empty() && self.transactions.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use proptest::prelude::*;

    use super::RowChanges;

    fn apply(before: &BTreeMap<String, u8>, changes: &RowChanges) -> BTreeMap<String, u8> {
        let mut rows = before.clone();
        for guid in &changes.delete {
            rows.remove(guid);
        }
        for (guid, body) in &changes.upsert {
            rows.insert(guid.clone(), serde_json::from_str(body).unwrap());
        }
        rows
    }

    proptest! {
        /// Applying the changes to the stored copy gives the new copy, and only rows
        /// that differ are written.
        #[test]
        fn the_changes_turn_before_into_after(
            before in prop::collection::btree_map("[a-e]", 0u8..3, 0..5),
            after in prop::collection::btree_map("[a-e]", 0u8..3, 0..5),
        ) {
            let changes = RowChanges::between(&before, &after);
            prop_assert_eq!(apply(&before, &changes), after.clone());
            for (guid, _) in &changes.upsert {
                prop_assert_ne!(before.get(guid), after.get(guid));
            }
            prop_assert_eq!(changes.is_empty(), before == after);
        }
    }
}
