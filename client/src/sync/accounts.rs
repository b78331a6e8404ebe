//! [`AccountChanges`]: a member's full account listing against the stored accounts.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::types::Account;

/// What a complete account listing changed: MX has no incremental filter for accounts
/// (`listMemberAccounts` takes only paging, SPEC25), so each sync lists them all, and an
/// account the listing no longer holds was removed.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
#[must_use = "apply the changes to the stored accounts"]
pub struct AccountChanges {
    /// Accounts not held before.
    pub added: Vec<Account>,
    /// Accounts held with other values.
    pub modified: Vec<Account>,
    /// Guids held that the listing no longer has.
    pub removed: Vec<String>,
    /// Accounts without a guid, left out.
    pub skipped: u32,
}

impl AccountChanges {
    /// `listed` (every page of the listing) against `held`.
    pub fn between(held: &BTreeMap<String, Account>, listed: &[Account]) -> Self {
        let mut changes = Self::default();
        let mut listed_guids = std::collections::BTreeSet::new();
        for account in listed {
            let Some(guid) = &account.guid else {
                changes.skipped = changes.skipped.saturating_add(1);
                continue;
            };
            listed_guids.insert(guid.as_str());
            match held.get(guid) {
                None => changes.added.push(account.clone()),
                Some(old) if old != account => changes.modified.push(account.clone()),
                Some(_) => {}
            }
        }
        changes.removed = held
            .keys()
            .filter(|guid| !listed_guids.contains(guid.as_str()))
            .cloned()
            .collect();
        changes
    }

    /// Applies the changes to `held`.
    pub fn apply(&self, held: &mut BTreeMap<String, Account>) {
        for account in self.added.iter().chain(&self.modified) {
            if let Some(guid) = &account.guid {
                held.insert(guid.clone(), account.clone());
            }
        }
        for guid in &self.removed {
            held.remove(guid);
        }
    }
}
