//! [`MemberData`]: what a service keeps to sync one member's data, and the webhooks that
//! say new data is there.

use chrono::{DateTime, Utc};
use mx_aggregation::{ConnectionStatus, Decision, NextAction};
use serde::{Deserialize, Serialize};

use super::accounts::{AccountAction, AccountWebhook, supersedes};

use super::checkpoint::Checkpoint;
use super::store::MemoryStore;

/// What the latest data webhooks say the next sync must read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DataDue {
    /// A `member_data_updated` webhook counted no created and no updated transaction:
    /// the accounts (balances) changed, the transactions did not.
    AccountsOnly,
    /// Transactions changed (or a webhook does not say): read both.
    Everything,
    /// Only ACCOUNT webhooks came (WH-ACC): each carried its account, already folded into
    /// the copy; nothing is to be read for them.
    Carried,
}

impl DataDue {
    /// Both notes in one: reading everything covers reading the accounts.
    const fn and(self, other: Self) -> Self {
        match (self, other) {
            (Self::Carried, Self::Carried) => Self::Carried,
            (Self::AccountsOnly, Self::AccountsOnly | Self::Carried)
            | (Self::Carried, Self::AccountsOnly) => Self::AccountsOnly,
            (Self::Everything, _) | (_, Self::Everything) => Self::Everything,
        }
    }

    /// True when a data webhook (`member_data_updated`, TRANSACTION) announced new data:
    /// MX aggregated, so its ACCOUNT webhooks came for what the aggregation changed.
    pub const fn announced_data(self) -> bool {
        match self {
            Self::AccountsOnly | Self::Everything => true,
            Self::Carried => false,
        }
    }
}

/// What a webhook body was, for the data sync.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "webhook", rename_all = "snake_case")]
pub enum DataWebhook {
    /// An AGGREGATION (or other job's) `member_data_updated`: fires only after a completed
    /// aggregation, background ones included, with the counts of transactions created
    /// and updated (WH-A).
    DataUpdated {
        /// True unless both counts are 0.
        transactions: bool,
    },
    /// A TRANSACTION webhook: one transaction `created`, `updated` or `deleted` (WH-T,
    /// opt-in at MX); a deletion is MX's only signal that a posted transaction is gone.
    Transaction {
        /// `created`, `updated` or `deleted`.
        action: String,
        /// The transaction's guid.
        guid: String,
    },
    /// An ACCOUNT webhook (WH-ACC, opt-in at MX): one account `created`, `updated` or
    /// `deleted`, with its fields; folded into the copy unless the copy holds a newer
    /// `updated_at` (MX retries webhooks for a day, so one may come late).
    Account {
        /// Upserted (`created`, `updated`) or deleted.
        action: AccountAction,
        /// The account's guid.
        guid: String,
        /// False when the copy held a newer version, so nothing changed.
        applied: bool,
    },
    /// None of these: nothing for the data sync.
    Other,
}

/// One member's data as a service keeps it between syncs: the checkpoint, the copy, and
/// what the webhooks since the last sync said. Plain data: a service stores it as it
/// likes.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct MemberData {
    /// Where the last complete transaction sync ended.
    pub checkpoint: Checkpoint,
    /// The accounts and transactions.
    pub store: MemoryStore,
    /// What the data webhooks since the last sync said; `None` when none came.
    pub due: Option<DataDue>,
}

impl MemberData {
    /// Folds a webhook body: `member_data_updated` notes what the next sync reads, a
    /// transaction webhook notes that transactions changed and, for `deleted`, which one
    /// to remove; an account webhook puts its account into the copy (or removes it).
    /// Anything else changes nothing.
    pub fn fold_webhook(&mut self, body: &serde_json::Value) -> DataWebhook {
        let text = |key: &str| body.get(key).and_then(serde_json::Value::as_str);
        let count = |key: &str| body.get(key).and_then(serde_json::Value::as_u64);
        let webhook = if text("action") == Some("member_data_updated") {
            let created = count("transactions_created_count");
            let updated = count("transactions_updated_count");
            // A webhook without the counts does not say: read the transactions.
            DataWebhook::DataUpdated {
                transactions: created != Some(0) || updated != Some(0),
            }
        } else if text("type") == Some("TRANSACTION") {
            let guid = body
                .get("transaction")
                .and_then(|t| t.get("guid"))
                .and_then(serde_json::Value::as_str);
            match (text("action"), guid) {
                (Some(action), Some(guid)) => DataWebhook::Transaction {
                    action: action.to_owned(),
                    guid: guid.to_owned(),
                },
                (None, _) | (_, None) => DataWebhook::Other,
            }
        } else if let Some(account) = AccountWebhook::read(body) {
            self.fold_account(account)
        } else {
            DataWebhook::Other
        };
        let due = match &webhook {
            DataWebhook::DataUpdated {
                transactions: false,
            } => Some(DataDue::AccountsOnly),
            DataWebhook::DataUpdated { transactions: true } => Some(DataDue::Everything),
            DataWebhook::Transaction { action, guid } => {
                if action == "deleted" {
                    self.checkpoint.note_deleted(guid.clone());
                }
                Some(DataDue::Everything)
            }
            DataWebhook::Account { .. } => Some(DataDue::Carried),
            DataWebhook::Other => None,
        };
        if let Some(due) = due {
            self.due = Some(self.due.map_or(due, |held| held.and(due)));
        }
        webhook
    }

    /// An ACCOUNT webhook's account into the copy: `created` and `updated` replace the
    /// held account unless it has a newer `updated_at` ([`supersedes`]), `deleted`
    /// removes it.
    fn fold_account(&mut self, webhook: AccountWebhook) -> DataWebhook {
        let AccountWebhook {
            action,
            guid,
            account,
        } = webhook;
        let applied = match action {
            AccountAction::Deleted => self.store.accounts.remove(&guid).is_some(),
            AccountAction::Upserted => {
                let held = self
                    .store
                    .accounts
                    .get(&guid)
                    .map(|held| held.updated_at.as_deref());
                let newer = held.is_none_or(|held| supersedes(account.updated_at.as_deref(), held));
                if newer {
                    self.store.accounts.insert(guid.clone(), account);
                }
                newer
            }
        };
        DataWebhook::Account {
            action,
            guid,
            applied,
        }
    }

    /// The moment of MX's new data when `decision` — made on the folded state before any
    /// call — is `read_data` for data newer than the copy holds: the member can be synced
    /// without reading it first. The decision already stands on the newest knowledge (a
    /// `member_data_updated` webhook fires only after a completed aggregation, background
    /// ones included, WH-A; a member webhook carries the member's fields, WH-M); a
    /// connection-status webhook or an answer newer than it would have made it
    /// `read_member` instead (`MemberState::decide`). Only for a member last known
    /// `CONNECTED` (`status`): a completed aggregation leaves it so, and what the service
    /// shows of it stays true; a member last known in another status (a first
    /// aggregation, a reconnection) is read, so that what is shown follows MX. `None` for
    /// any other decision, and when the copy already holds that data
    /// ([`Checkpoint::holds`]): see [`announced_held`](Self::announced_held) for that.
    pub fn unread_data(
        &self,
        decision: &Decision,
        status: Option<ConnectionStatus>,
    ) -> Option<DateTime<Utc>> {
        if status != Some(ConnectionStatus::Connected) {
            return None;
        }
        read_data_as_of(decision).filter(|as_of| !self.checkpoint.holds(*as_of))
    }

    /// The moment of MX's data when the data webhooks since the last sync ([`due`](Self::due)
    /// is set) announced only what the copy already holds: `decision`, made on the folded
    /// state, is `read_data` for a moment [`Checkpoint::holds`], for a member last known
    /// `CONNECTED`. Such a webhook is the echo of an aggregation a drive already synced
    /// (MX sends `member_data_updated` after the aggregation completes, WH-A, and it can
    /// arrive after the drive that read the completed member); reading the member would
    /// only find what the folded state says. The caller settles it without a call
    /// ([`settle_held`](Self::settle_held)). `None` when no data webhook came since the
    /// last sync: a look without news (a scheduled one) reads the member, so that a
    /// change MX sent no webhook for is still found.
    pub fn announced_held(
        &self,
        decision: &Decision,
        status: Option<ConnectionStatus>,
    ) -> Option<DateTime<Utc>> {
        if status != Some(ConnectionStatus::Connected) || self.due.is_none() {
            return None;
        }
        read_data_as_of(decision).filter(|as_of| self.checkpoint.holds(*as_of))
    }

    /// Applies what the data webhooks said when the copy already holds MX's data as of
    /// the sync's moment: the deletions they announced (MX's only signal for a deleted
    /// posted transaction, WH-T) leave the copy, and nothing else is due. No call.
    pub fn settle_held(&mut self) -> Vec<String> {
        let deleted: Vec<String> = std::mem::take(&mut self.checkpoint.deleted)
            .into_iter()
            .filter(|guid| self.store.remove_transaction(guid))
            .collect();
        self.due = None;
        deleted
    }

    /// True when reading MX's data as of `as_of` needs the copy's transactions: a sync
    /// that reads them ([`reads_transactions`](Self::reads_transactions)), or, when the
    /// copy already holds that data ([`Checkpoint::holds`]), deletions a transaction
    /// webhook announced ([`settle_held`](Self::settle_held)). A caller keeping the
    /// copy in a database loads the transactions only then
    /// ([`Driver::drive_to_data`](crate::Driver::drive_to_data)).
    pub fn needs_transactions(&self, as_of: DateTime<Utc>) -> bool {
        if self.checkpoint.holds(as_of) {
            !self.checkpoint.deleted.is_empty()
        } else {
            self.reads_transactions()
        }
    }

    /// True when the next sync reads transactions: always, unless the only data webhooks
    /// since the last complete sync counted no transaction created or updated.
    pub fn reads_transactions(&self) -> bool {
        !self.checkpoint.is_synced() || self.due != Some(DataDue::AccountsOnly)
    }

    /// True when the next sync lists the accounts: always, unless MX sends ACCOUNT
    /// webhooks (`account_webhooks`, [`SyncOptions::account_webhooks`](super::SyncOptions))
    /// and a data webhook announced this sync (MX aggregated, and sent an ACCOUNT webhook
    /// for each account the aggregation changed, WH-ACC), after a first complete sync. A
    /// look without news lists them: a webhook may have been lost.
    pub fn lists_accounts(&self, account_webhooks: bool) -> bool {
        !account_webhooks
            || !self.checkpoint.is_synced()
            || !self.due.is_some_and(DataDue::announced_data)
    }
}

/// The moment MX's data is as of when `decision` is `read_data`; `None` for any other.
const fn read_data_as_of(decision: &Decision) -> Option<DateTime<Utc>> {
    match decision.action {
        NextAction::ReadData { as_of } => Some(as_of),
        NextAction::Poll { .. }
        | NextAction::Wait { .. }
        | NextAction::AnswerMfa
        | NextAction::UpdateCredentials
        | NextAction::AuthorizeOauth
        | NextAction::ReadMember
        | NextAction::ResolveAtInstitution
        | NextAction::Aggregate
        | NextAction::Stop => None,
    }
}
