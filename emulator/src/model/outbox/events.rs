//! What the outbox holds: the webhook events MX sends, each delivery's state and every
//! attempt's outcome.

use chrono::{DateTime, Utc};
use mx_aggregation::ConnectionStatus;

use crate::model::data::accounts::Account;
use crate::model::data::ledger::Transaction;
use crate::model::member::{JobKind, Member};

/// A webhook MX sends, with what its body needs, taken when it was queued.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum WebhookEvent {
    /// CONNECTION_STATUS: the member entered an end-user-actionable `status`.
    ConnectionStatus {
        /// The member's GUID.
        member_guid: String,
        /// Its user's GUID.
        user_guid: String,
        /// The status entered.
        status: ConnectionStatus,
    },
    /// `member_data_updated`: a job completed.
    DataUpdated {
        /// The member's GUID.
        member_guid: String,
        /// Its user's GUID.
        user_guid: String,
        /// The completed job's GUID.
        job_guid: String,
        /// The job's kind, which names the webhook's `type`.
        kind: JobKind,
        /// True when MX started the job on its own.
        is_background: bool,
        /// When the job completed.
        completed_at: DateTime<Utc>,
        /// The transactions the job created (posted replacements included).
        transactions_created: usize,
        /// The transactions the job updated in place.
        transactions_updated: usize,
        /// The user's partner-defined id.
        user_id: Option<String>,
    },
    /// TRANSACTION: a job created, updated or deleted one of the member's transactions.
    Transaction {
        /// What happened to it.
        action: MemberAction,
        /// The user's GUID.
        user_guid: String,
        /// The member's GUID.
        member_guid: String,
        /// The GUID of its account.
        account_guid: String,
        /// The transaction as the job left it.
        transaction: Box<Transaction>,
    },
    /// ACCOUNT: a job created, updated or deleted one of the member's accounts.
    Account {
        /// What happened to it.
        action: MemberAction,
        /// Whose account it is, as the account's fields name them.
        owner: AccountOwnerIds,
        /// The account as the job left it.
        account: Box<Account>,
    },
    /// MEMBER: the member was created, updated or deleted.
    Member {
        /// What happened to it.
        action: MemberAction,
        /// The member as it was then.
        member: MemberSnapshot,
    },
}

/// What happened to a member or a transaction, for a MEMBER or TRANSACTION webhook's
/// `action`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum MemberAction {
    /// `created`.
    Created,
    /// `updated`.
    Updated,
    /// `deleted`.
    Deleted,
}

impl MemberAction {
    /// MX's `action` word.
    pub(crate) const fn as_str(self) -> &'static str {
        match self {
            Self::Created => "created",
            Self::Updated => "updated",
            Self::Deleted => "deleted",
        }
    }
}

/// The owners an ACCOUNT webhook's account names, taken when it was queued.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct AccountOwnerIds {
    pub(crate) user_guid: String,
    pub(crate) user_id: Option<String>,
    pub(crate) member_guid: String,
    pub(crate) member_id: Option<String>,
    pub(crate) institution_code: String,
}

impl AccountOwnerIds {
    /// `member`'s.
    pub(crate) fn of(member: &Member) -> Self {
        Self {
            user_guid: member.user_guid.clone(),
            user_id: member.user_id.clone(),
            member_guid: member.guid.clone(),
            member_id: member.id.clone(),
            institution_code: member.institution_code.clone(),
        }
    }
}

/// What a MEMBER webhook shows of a member.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct MemberSnapshot {
    pub(crate) guid: String,
    pub(crate) id: Option<String>,
    pub(crate) user_guid: String,
    pub(crate) institution_code: String,
    pub(crate) status: Option<ConnectionStatus>,
    pub(crate) aggregated_at: Option<DateTime<Utc>>,
    pub(crate) successfully_aggregated_at: Option<DateTime<Utc>>,
    pub(crate) created_at: DateTime<Utc>,
    pub(crate) is_being_aggregated: bool,
    pub(crate) is_oauth: bool,
}

impl MemberSnapshot {
    /// `member` as it is now.
    pub(crate) fn of(member: &Member) -> Self {
        Self {
            guid: member.guid.clone(),
            id: member.id.clone(),
            user_guid: member.user_guid.clone(),
            institution_code: member.institution_code.clone(),
            status: member.status,
            aggregated_at: member.aggregated_at,
            successfully_aggregated_at: member.successfully_aggregated_at,
            created_at: member.created_at,
            is_being_aggregated: member.is_being_aggregated(),
            is_oauth: member.is_oauth,
        }
    }
}

impl WebhookEvent {
    /// The GUID of the member the webhook is about.
    pub(crate) fn member_guid(&self) -> &str {
        match self {
            Self::ConnectionStatus { member_guid, .. }
            | Self::DataUpdated { member_guid, .. }
            | Self::Transaction { member_guid, .. } => member_guid,
            Self::Account { owner, .. } => &owner.member_guid,
            Self::Member { member, .. } => &member.guid,
        }
    }
}

/// Where a delivery is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum DeliveryState {
    /// Waiting for its next attempt, due at `next_attempt_at`.
    Pending {
        /// When the next attempt is due.
        next_attempt_at: DateTime<Utc>,
    },
    /// The delivery task is sending it; it was due at `due_at`.
    InFlight {
        /// When the attempt under way was due.
        due_at: DateTime<Utc>,
    },
    /// The receiver answered 2xx.
    Delivered,
    /// A webhook fault swallowed it: nothing was sent.
    Dropped,
    /// Every retry failed.
    GivenUp,
}

impl DeliveryState {
    /// `pending` (in flight included), `delivered`, `dropped` or `given_up`.
    pub(crate) const fn as_str(self) -> &'static str {
        match self {
            Self::Pending { .. } | Self::InFlight { .. } => "pending",
            Self::Delivered => "delivered",
            Self::Dropped => "dropped",
            Self::GivenUp => "given_up",
        }
    }

    /// When the next attempt is due (the one under way, while in flight).
    pub(crate) const fn next_attempt_at(self) -> Option<DateTime<Utc>> {
        match self {
            Self::Pending { next_attempt_at } => Some(next_attempt_at),
            Self::InFlight { due_at } => Some(due_at),
            Self::Delivered | Self::Dropped | Self::GivenUp => None,
        }
    }
}

/// One webhook and its delivery so far.
#[derive(Debug, Clone)]
pub(crate) struct Delivery {
    pub(crate) id: u64,
    pub(crate) event: WebhookEvent,
    /// The caller's `X-CALLBACK-PAYLOAD`, echoed back.
    pub(crate) callback_payload: Option<String>,
    /// When it was queued.
    pub(crate) queued_at: DateTime<Utc>,
    /// Attempts made (drops included: an attempt the fault plan swallowed).
    pub(crate) attempts: u32,
    /// Every attempt and its outcome.
    pub(crate) log: Vec<Attempt>,
    pub(crate) state: DeliveryState,
}

/// How one attempt at delivering a webhook ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum AttemptOutcome {
    /// The receiver answered 2xx.
    Delivered,
    /// The receiver answered something else, or could not be reached.
    Failed,
    /// A webhook fault: nothing was sent.
    Dropped,
    /// A webhook fault: the same webhook sent again after its delivery.
    Duplicate,
}

impl AttemptOutcome {
    /// The outcome as `GET /emulator/webhooks` names it.
    pub(crate) const fn as_str(self) -> &'static str {
        match self {
            Self::Delivered => "delivered",
            Self::Failed => "failed",
            Self::Dropped => "dropped",
            Self::Duplicate => "duplicate",
        }
    }
}

/// One attempt at delivering a webhook.
#[derive(Debug, Clone)]
pub(crate) struct Attempt {
    /// The virtual time of the attempt.
    pub(crate) at: DateTime<Utc>,
    pub(crate) outcome: AttemptOutcome,
    /// The receiver's HTTP status, when it answered.
    pub(crate) status: Option<u16>,
    /// Why the request failed, when it did not reach an answer.
    pub(crate) error: Option<String>,
}

/// The webhook fault a due delivery meets, drawn under the lock from the seeded
/// generator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum DeliveryFault {
    /// Sent as it is.
    None,
    /// Never sent.
    Drop,
    /// Sent twice.
    Duplicate,
}

/// A delivery due now and the fault it meets.
#[derive(Debug, Clone)]
pub(crate) struct Due {
    pub(crate) delivery: Delivery,
    pub(crate) fault: DeliveryFault,
}
