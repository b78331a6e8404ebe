//! `TransactionResponse` and the page that lists them (SPEC25
//! `TransactionsResponseBodyIncludes`).

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::pagination::Pagination;

/// A transaction's `status`.
///
/// Closed on purpose: the sync treats `PENDING` rows differently (MX deletes most of them
/// and posts a new guid instead, and deletes any left after 14 days, SPEC25
/// `TransactionResponse.status`), so a status it does not know makes the transaction
/// unreadable, reported by guid, instead of silently stored as if it were posted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum TransactionStatus {
    /// Posted to the account.
    Posted,
    /// Not yet posted: may change, be replaced by a posted one, or disappear.
    Pending,
}

/// A transaction as MX lists it (`GET …/members/{member}/transactions` and the lists
/// by account and by user).
///
/// Every field the spec marks nullable is an `Option`; timestamps and dates stay the
/// strings MX sent (`2025-02-13T18:08:00+00:00`, `2024-12-20`), read on demand by
/// [`updated_at_time`](Self::updated_at_time) and [`day`](Self::day).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Transaction {
    /// MX's identifier, `TRN-…`.
    pub guid: Option<String>,
    /// Your identifier, when you gave one.
    pub id: Option<String>,
    /// The account's guid (not nullable in the spec).
    pub account_guid: Option<String>,
    /// Your identifier for the account.
    pub account_id: Option<String>,
    /// The member's guid.
    pub member_guid: Option<String>,
    /// The user's guid.
    pub user_guid: Option<String>,
    /// Your identifier for the user.
    pub user_id: Option<String>,
    /// The amount.
    pub amount: Option<f64>,
    /// The ISO 4217 currency.
    pub currency_code: Option<String>,
    /// `POSTED` or `PENDING`.
    pub status: Option<TransactionStatus>,
    /// `CREDIT` or `DEBIT`.
    #[serde(rename = "type")]
    pub transaction_type: Option<String>,
    /// The day MX files it under (the date filters read this field).
    pub date: Option<String>,
    /// When it took place.
    pub transacted_at: Option<String>,
    /// When it posted.
    pub posted_at: Option<String>,
    /// When MX created it.
    pub created_at: Option<String>,
    /// When MX last changed it (the `from_updated_at` filter reads this field).
    pub updated_at: Option<String>,
    /// A readable description.
    pub description: Option<String>,
    /// The description as the data feed sent it.
    pub original_description: Option<String>,
    /// The description in a local language.
    pub localized_description: Option<String>,
    /// More about it.
    pub memo: Option<String>,
    /// More about it, in a local language.
    pub localized_memo: Option<String>,
    /// The category.
    pub category: Option<String>,
    /// The category's guid.
    pub category_guid: Option<String>,
    /// The category's parent.
    pub top_level_category: Option<String>,
    /// The check number.
    pub check_number_string: Option<String>,
    /// The partner's own transaction type.
    pub extended_transaction_type: Option<String>,
    /// True for a bill payment.
    pub is_bill_pay: Option<bool>,
    /// True for a direct deposit.
    pub is_direct_deposit: Option<bool>,
    /// True for an expense.
    pub is_expense: Option<bool>,
    /// True for a fee.
    pub is_fee: Option<bool>,
    /// True for income.
    pub is_income: Option<bool>,
    /// True for an international transaction; `None` when the provider does not say.
    pub is_international: Option<bool>,
    /// True for a manual transaction.
    pub is_manual: Option<bool>,
    /// True for an overdraft fee.
    pub is_overdraft_fee: Option<bool>,
    /// True for a payroll advance.
    pub is_payroll_advance: Option<bool>,
    /// Deprecated by MX.
    pub is_recurring: Option<bool>,
    /// True for a subscription payment.
    pub is_subscription: Option<bool>,
    /// Where it took place.
    pub latitude: Option<f64>,
    /// Where it took place.
    pub longitude: Option<f64>,
    /// The ISO 18245 merchant category code.
    pub merchant_category_code: Option<i64>,
    /// The merchant's guid.
    pub merchant_guid: Option<String>,
    /// The merchant location's guid.
    pub merchant_location_guid: Option<String>,
    /// True when the end user manages the member.
    pub member_is_managed_by_user: Option<bool>,
    /// What you stored with it.
    pub metadata: Option<String>,
}

impl Transaction {
    /// True for a `PENDING` transaction.
    pub fn is_pending(&self) -> bool {
        self.status == Some(TransactionStatus::Pending)
    }

    /// `updated_at` as a time, when it reads as RFC 3339 (MX's ISO 8601 with an offset).
    pub fn updated_at_time(&self) -> Option<DateTime<Utc>> {
        read_time(self.updated_at.as_deref()?)
    }

    /// `date` as a day: `YYYY-MM-DD`, or the day of an RFC 3339 timestamp.
    pub fn day(&self) -> Option<NaiveDate> {
        read_day(self.date.as_deref()?)
    }
}

/// An RFC 3339 timestamp, or a Unix timestamp in seconds.
fn read_time(text: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(text)
        .map(|t| t.with_timezone(&Utc))
        .ok()
        .or_else(|| DateTime::from_timestamp(text.parse().ok()?, 0))
}

/// `YYYY-MM-DD`, or the (UTC) day of a timestamp [`read_time`] reads.
fn read_day(text: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .ok()
        .or_else(|| read_time(text).map(|t| t.date_naive()))
}

/// A page of transactions, its rows kept as JSON so that one unreadable transaction
/// does not make the whole page unreadable (the sync reports it by guid and goes on).
///
/// The rows are JSON values by default; the driver's sync reads them as raw JSON text
/// (`TransactionsPage<Box<RawValue>>`), each parsed straight into a [`Transaction`]
/// ([`ListedRow`]) instead of building a JSON value first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TransactionsPage<R = serde_json::Value> {
    /// The transactions on this page, as MX sent them.
    #[serde(default = "Vec::new")]
    pub transactions: Vec<R>,
    /// Where the page sits in the list.
    #[serde(default)]
    pub pagination: Pagination,
}

impl<R> Default for TransactionsPage<R> {
    fn default() -> Self {
        Self {
            transactions: Vec::new(),
            pagination: Pagination::default(),
        }
    }
}

/// A row of a transactions page, as the sync reads it.
pub trait ListedRow {
    /// The row as a [`Transaction`]; when it does not read, its `guid` (when that reads)
    /// and why not.
    ///
    /// # Errors
    /// The guid and serde's message when a field does not read as its type.
    fn read(&self) -> Result<Transaction, (Option<String>, String)>;

    /// The row's text as MX sent it, when the row is kept as text.
    fn text(&self) -> Option<&str> {
        None
    }
}

impl ListedRow for serde_json::Value {
    fn read(&self) -> Result<Transaction, (Option<String>, String)> {
        // Read from the borrowed row: a clone of its map would cost more than the read.
        Transaction::deserialize(self).map_err(|error| {
            let guid = self.get("guid").and_then(Self::as_str);
            (guid.map(str::to_owned), error.to_string())
        })
    }
}

impl ListedRow for Box<serde_json::value::RawValue> {
    fn text(&self) -> Option<&str> {
        Some(self.get())
    }

    fn read(&self) -> Result<Transaction, (Option<String>, String)> {
        serde_json::from_str(self.get()).map_err(|error| {
            /// Only the guid, to name a row that does not read.
            #[derive(Deserialize)]
            struct Guid {
                guid: Option<String>,
            }
            let guid = serde_json::from_str::<Guid>(self.get())
                .ok()
                .and_then(|row| row.guid);
            (guid, error.to_string())
        })
    }
}
