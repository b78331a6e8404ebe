//! [`AccountChanges`]: a member's full account listing against the stored accounts;
//! [`AccountWebhook`]: one account as MX's ACCOUNT webhook carries it.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

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

/// What an ACCOUNT webhook says happened to its account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AccountAction {
    /// `created` or `updated`: the account is as the webhook carries it.
    Upserted,
    /// `deleted`: the account is gone.
    Deleted,
}

/// An ACCOUNT webhook (WH-ACC: "a partner subscribed to accounts will be notified when an
/// account is created, updated, or deleted", opt-in on MX's client dashboard), read: its
/// `action` and the account under `account`, whose fields are `AccountResponse`'s.
#[derive(Debug, Clone, PartialEq)]
pub struct AccountWebhook {
    /// What happened to it.
    pub action: AccountAction,
    /// The account's guid.
    pub guid: String,
    /// The account as MX sent it.
    pub account: Account,
}

impl AccountWebhook {
    /// The webhook `body` is, when it is an ACCOUNT webhook (`type` `ACCOUNT`, an
    /// `action` of `created`, `updated` or `deleted`, an `account` with a `guid`);
    /// `None` for any other body, an unknown action included (MX adds values, WH).
    pub fn read(body: &serde_json::Value) -> Option<Self> {
        if body.get("type").and_then(serde_json::Value::as_str) != Some("ACCOUNT") {
            return None;
        }
        let action = match body.get("action").and_then(serde_json::Value::as_str)? {
            "created" | "updated" => AccountAction::Upserted,
            "deleted" => AccountAction::Deleted,
            _ => return None,
        };
        let account = Account::deserialize(body.get("account")?).ok()?;
        let guid = account.guid.clone()?;
        Some(Self {
            action,
            guid,
            account,
        })
    }
}

/// True when an account MX sent with `came` as its `updated_at` replaces the one held
/// with `held`: unless both read and the held one is newer. MX retries a webhook for
/// about a day (WH), so an older version can come after a newer one; a listing and a
/// webhook can cross too.
pub fn supersedes(came: Option<&str>, held: Option<&str>) -> bool {
    let stamp = |text: Option<&str>| {
        text.and_then(|text| DateTime::parse_from_rfc3339(text).ok())
            .map(|at| at.with_timezone(&Utc))
    };
    match (stamp(came), stamp(held)) {
        (Some(came), Some(held)) => came >= held,
        (None, _) | (_, None) => true,
    }
}
