//! What the emulator keeps about users and members: what MX shows and what MX hides.

use chrono::{DateTime, Utc};
use mx_aggregation::{Call, ConnectionStatus};

use mx_aggregation_tooling::job_rules::Streak;
use mx_aggregation_tooling::lifecycle::Node;

use crate::model::mxbank::{ChallengeKind, Outcome};
use crate::model::trace::TraceEntry;

/// A user (`POST /users`).
#[derive(Debug, Clone)]
pub(crate) struct User {
    pub(crate) guid: String,
    pub(crate) id: Option<String>,
    pub(crate) email: Option<String>,
    pub(crate) metadata: Option<String>,
    pub(crate) is_disabled: bool,
}

/// A credential value sent with a member: the field's GUID and what the end user typed.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) struct CredentialValue {
    pub(crate) guid: String,
    pub(crate) value: String,
}

/// The kind of an aggregation-type job. Two jobs of one kind share a 202; two of
/// different kinds conflict (409), as MX's errors page says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum JobKind {
    /// A standard aggregation (`POST …/aggregate`, or started by MX).
    Aggregation,
    /// Instant account verification (`POST …/verify`).
    Verification,
    /// Account owner identification (`POST …/identify`).
    Identification,
    /// The accounts' balances only (`POST …/check_balance`).
    Balance,
    /// Up to 24 months of transactions (`POST …/extend_history`).
    History,
    /// The accounts' statements (`POST …/fetch_statements`).
    Statements,
}

impl JobKind {
    /// The library's call that starts it: its name, method and path, and whether it is a
    /// premium job ([`Call::is_premium_job`]).
    pub(crate) const fn mx_call(self) -> Call {
        match self {
            Self::Aggregation => Call::Aggregate,
            Self::Verification => Call::Verify,
            Self::Identification => Call::Identify,
            Self::Balance => Call::CheckBalance,
            Self::History => Call::ExtendHistory,
            Self::Statements => Call::FetchStatements,
        }
    }

    /// The job's name, for explanations.
    pub(crate) const fn call(self) -> &'static str {
        match self {
            Self::Aggregation => "aggregation",
            Self::Verification => "verification",
            Self::Identification => "identification",
            Self::Balance => "balance check",
            Self::History => "history extension",
            Self::Statements => "statement fetch",
        }
    }

    /// Its place in a table of every kind.
    pub(crate) const fn index(self) -> usize {
        match self {
            Self::Aggregation => 0,
            Self::Verification => 1,
            Self::Identification => 2,
            Self::Balance => 3,
            Self::History => 4,
            Self::Statements => 5,
        }
    }
}

/// When each premium job kind last started on a member and when each last succeeded:
/// the window a premium job waits out, and what the data reads show (account numbers
/// after a verification, owners after an identification, statements after a fetch).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct PremiumRuns {
    started: [Option<i64>; 6],
    succeeded: [Option<i64>; 6],
}

impl PremiumRuns {
    /// Records that a job of `kind` started at `at` (Unix seconds).
    pub(crate) fn started(&mut self, kind: JobKind, at: i64) {
        self.started[kind.index()] = Some(at);
    }

    /// Records that a job of `kind` succeeded at `at` (Unix seconds).
    pub(crate) fn succeeded(&mut self, kind: JobKind, at: i64) {
        self.succeeded[kind.index()] = Some(at);
    }

    /// When a job of `kind` last started.
    pub(crate) const fn last_start(&self, kind: JobKind) -> Option<i64> {
        self.started[kind.index()]
    }

    /// When a job of `kind` last succeeded.
    pub(crate) const fn last_success(&self, kind: JobKind) -> Option<i64> {
        self.succeeded[kind.index()]
    }
}

/// Where a running job is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Stage {
    /// Logging in; the next step gives the job's outcome.
    Running,
    /// Waiting for the end user's MFA answer; the step at `next_at` expires it.
    AwaitingMfa,
    /// The answer was sent; the next step gives the institution's verdict.
    Resumed {
        /// True when the answer passes.
        passes: bool,
    },
}

/// A running job.
#[derive(Debug, Clone)]
pub(crate) struct Job {
    pub(crate) guid: String,
    pub(crate) kind: JobKind,
    pub(crate) is_background: bool,
    pub(crate) stage: Stage,
    /// When the job moves next.
    pub(crate) next_at: DateTime<Utc>,
    /// How the first step ends.
    pub(crate) outcome: Outcome,
}

/// An open MFA challenge.
#[derive(Debug, Clone)]
pub(crate) struct Challenge {
    pub(crate) guid: String,
    pub(crate) kind: ChallengeKind,
    /// The `guid` of each option of an `OPTIONS` challenge, in the options' order
    /// (`OptionResponse.guid`, SPEC25); empty for the other kinds.
    pub(crate) option_guids: Vec<String>,
}

/// A member's use case (`use_cases`, SPEC25: "Valid values are `PFM` and/or
/// `MONEY_MOVEMENT`").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum UseCase {
    /// `MONEY_MOVEMENT`.
    MoneyMovement,
    /// `PFM`.
    Pfm,
}

impl UseCase {
    /// MX's string.
    pub(crate) const fn as_str(self) -> &'static str {
        match self {
            Self::MoneyMovement => "MONEY_MOVEMENT",
            Self::Pfm => "PFM",
        }
    }

    /// The use case MX names `text`, if any.
    pub(crate) fn parse(text: &str) -> Option<Self> {
        [Self::MoneyMovement, Self::Pfm]
            .into_iter()
            .find(|u| u.as_str() == text)
    }
}

/// What the most recent job achieved, as the status read shows it. MX resets these when
/// a job starts (AT-connection-status: `has_processed_accounts` and
/// `has_processed_transactions` "reset each time aggregate is called"; `is_authenticated`
/// true when the credentials were authenticated in the most recent aggregation).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct JobResults {
    /// The institution accepted the credentials and any MFA answer (`is_authenticated`).
    pub(crate) authenticated: bool,
    /// `has_processed_accounts`.
    pub(crate) accounts: bool,
    /// `has_processed_account_numbers`: only a verification reads account numbers.
    pub(crate) account_numbers: bool,
    /// `has_processed_transactions`: an aggregation reads transactions.
    pub(crate) transactions: bool,
}

impl JobResults {
    /// What a successful job of `kind` processed.
    pub(crate) const fn succeeded(kind: JobKind) -> Self {
        Self {
            authenticated: true,
            accounts: true,
            account_numbers: matches!(kind, JobKind::Verification),
            transactions: matches!(kind, JobKind::Aggregation | JobKind::History),
        }
    }
}

/// What a request for an OAuth window asked for (`GET …/oauth_window_uri`'s query,
/// SPEC25).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct OAuthWindow {
    /// `skip_aggregation=true`: "prevent the member from automatically aggregating after
    /// being redirected from the authorization page".
    pub(crate) skip_aggregation: bool,
    /// `client_redirect_url`: "A URL that MX will redirect to at the end of OAuth with
    /// additional query parameters".
    pub(crate) client_redirect_url: Option<String>,
}

/// A member.
#[derive(Debug, Clone)]
pub(crate) struct Member {
    pub(crate) guid: String,
    pub(crate) user_guid: String,
    /// The user's partner-defined `id` (`user_id`).
    pub(crate) user_id: Option<String>,
    pub(crate) id: Option<String>,
    /// The use cases the member was created or updated with.
    pub(crate) use_cases: Vec<UseCase>,
    /// What the most recent job achieved.
    pub(crate) results: JobResults,
    pub(crate) name: String,
    pub(crate) institution_code: String,
    pub(crate) metadata: Option<String>,
    pub(crate) credentials: Vec<CredentialValue>,
    pub(crate) is_oauth: bool,
    /// True once the end user authorized the OAuth member.
    pub(crate) oauth_authorized: bool,
    pub(crate) background_disabled: bool,
    /// Where the member is on the lifecycle model.
    pub(crate) node: Node,
    pub(crate) status: Option<ConnectionStatus>,
    pub(crate) job: Option<Job>,
    pub(crate) aggregated_at: Option<DateTime<Utc>>,
    pub(crate) successfully_aggregated_at: Option<DateTime<Utc>>,
    pub(crate) created_at: DateTime<Utc>,
    pub(crate) needs_updated_credentials: bool,
    pub(crate) challenges: Vec<Challenge>,
    /// The current single-use OAuth window token.
    pub(crate) oauth_token: Option<String>,
    /// What the request for the current OAuth window asked for.
    pub(crate) oauth_window: OAuthWindow,
    pub(crate) most_recent_job_guid: Option<String>,
    /// The caller's last `X-CALLBACK-PAYLOAD`, echoed on member and data webhooks.
    pub(crate) callback_payload: Option<String>,
    /// When MX's daily background aggregation is next due.
    pub(crate) next_background_at: DateTime<Utc>,
    /// The jobs in a row that failed, and those that failed on the credentials.
    pub(crate) streak: Streak,
    /// The times of its successful aggregations, from which its accounts and transactions
    /// are derived (`model::data`).
    pub(crate) ledger: crate::model::data::ledger::Ledger,
    /// When its premium jobs last started and succeeded.
    pub(crate) premium: PremiumRuns,
    /// Every transition, for `GET /emulator/members/{member}/trace`.
    pub(crate) trace: Vec<TraceEntry>,
}

impl Member {
    /// The credential value for the field with `guid`, or "".
    pub(crate) fn credential(&self, guid: &str) -> &str {
        self.credentials
            .iter()
            .find(|c| c.guid == guid)
            .map_or("", |c| c.value.as_str())
    }

    /// True while a job runs (`is_being_aggregated`).
    pub(crate) const fn is_being_aggregated(&self) -> bool {
        self.job.is_some()
    }
}
