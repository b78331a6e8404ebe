//! MX's JSON shapes for a member's data (MX's OpenAPI v20250224: `AccountResponse`,
//! `TransactionResponse`) and the transaction webhooks
//! (<https://docs.mx.com/resources/webhooks/transactions>: "Transaction webhooks notify you
//! when a transaction is created, updated, or deleted"; their timestamps and `date` are
//! Unix seconds, as that page types them `Integer`). The webhook's envelope, `action`,
//! `type` and the resource under its name, is the one MX's member webhooks use
//! (<https://docs.mx.com/resources/webhooks/member>).

use chrono::{DateTime, SecondsFormat, Utc};
use serde::Serialize;
use serde_json::{Value, json};

use crate::model::data::accounts::Account;
use crate::model::data::catalog::{Direction, Purpose};
use crate::model::data::ledger::Transaction;
use crate::model::outbox::{AccountOwnerIds, MemberAction};

/// Who owns the data: the user and the member, as the views name them.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Owner<'a> {
    pub(crate) user_guid: &'a str,
    pub(crate) user_id: Option<&'a str>,
    pub(crate) member_guid: &'a str,
    pub(crate) member_id: Option<&'a str>,
    pub(crate) institution_code: &'a str,
}

fn rfc3339(t: i64) -> Value {
    rfc3339_text(t).map_or(Value::Null, Value::String)
}

fn rfc3339_text(t: i64) -> Option<String> {
    DateTime::<Utc>::from_timestamp(t, 0).map(|t| t.to_rfc3339_opts(SecondsFormat::Secs, true))
}

#[allow(clippy::cast_precision_loss)]
fn dollars(cents: i64) -> f64 {
    cents as f64 / 100.0
}

/// An `AccountResponse`.
pub(crate) fn account(a: &Account, owner: Owner<'_>) -> Value {
    let is_card = a.credit_limit_cents.is_some();
    json!({
        "account_number": a.number,
        "available_balance": dollars(a.available_cents),
        "available_credit": is_card.then(|| dollars(a.available_cents)),
        "balance": dollars(a.balance_cents),
        "created_at": rfc3339(a.created_at),
        "credit_limit": a.credit_limit_cents.map(dollars),
        "currency_code": "USD",
        "guid": a.guid,
        "id": Value::Null,
        "institution_code": owner.institution_code,
        "is_closed": false,
        "is_hidden": false,
        "is_manual": false,
        "member_guid": owner.member_guid,
        "member_id": owner.member_id,
        "member_is_managed_by_user": true,
        "metadata": Value::Null,
        "name": a.kind.name(),
        "subtype": Value::Null,
        "type": a.kind.mx_type(),
        "updated_at": rfc3339(a.updated_at),
        "user_guid": owner.user_guid,
        "user_id": owner.user_id,
    })
}

/// An ACCOUNT webhook (<https://docs.mx.com/resources/webhooks/accounts>: "notified when
/// an account is created, updated, or deleted"): the account's fields as
/// `AccountResponse` has them, under `account`, in the envelope of the TRANSACTION
/// webhook.
pub(crate) fn account_webhook(action: MemberAction, a: &Account, ids: &AccountOwnerIds) -> Value {
    let owner = Owner {
        user_guid: &ids.user_guid,
        user_id: ids.user_id.as_deref(),
        member_guid: &ids.member_guid,
        member_id: ids.member_id.as_deref(),
        institution_code: &ids.institution_code,
    };
    json!({
        "action": action.as_str(),
        "type": "ACCOUNT",
        "account": account(a, owner),
    })
}

/// A `TransactionResponse`, with `account_guid` the GUID of its account, as JSON.
pub(crate) fn transaction(t: &Transaction, account_guid: &str, owner: Owner<'_>) -> Value {
    serde_json::to_value(TransactionView::of(t, account_guid.to_owned(), owner))
        .unwrap_or(Value::Null)
}

/// A `TransactionResponse` that serializes straight to JSON text. A listing of hundreds
/// of transactions is the emulator's largest answer; building a map of values per row
/// and dropping it after cost more than the rest of the request. The fields are in
/// alphabetical order, so the text is the one a JSON object of the same values prints
/// (its keys sorted); `()` is `null`.
#[derive(Debug, Serialize)]
pub(crate) struct TransactionView {
    account_guid: String,
    account_id: (),
    amount: f64,
    category: &'static str,
    category_guid: (),
    check_number_string: (),
    created_at: Option<String>,
    currency_code: &'static str,
    date: String,
    description: &'static str,
    guid: String,
    id: (),
    is_bill_pay: bool,
    is_direct_deposit: bool,
    is_expense: bool,
    is_fee: bool,
    is_income: bool,
    is_international: bool,
    is_manual: bool,
    is_overdraft_fee: bool,
    is_payroll_advance: bool,
    is_recurring: bool,
    is_subscription: bool,
    latitude: (),
    localized_description: (),
    localized_memo: (),
    longitude: (),
    member_guid: String,
    member_is_managed_by_user: bool,
    memo: (),
    merchant_category_code: Option<u16>,
    merchant_guid: (),
    merchant_location_guid: (),
    metadata: (),
    original_description: &'static str,
    posted_at: Option<String>,
    status: &'static str,
    top_level_category: &'static str,
    transacted_at: Option<String>,
    #[serde(rename = "type")]
    kind: &'static str,
    updated_at: Option<String>,
    user_guid: String,
    user_id: Option<String>,
}

impl TransactionView {
    /// The view of `t`, whose account's GUID is `account_guid`. It owns its text, so a
    /// page of views is built under the world's lock and printed after it is released.
    pub(crate) fn of(t: &Transaction, account_guid: String, owner: Owner<'_>) -> Self {
        let purpose = t.entry.purpose;
        Self {
            account_guid,
            account_id: (),
            amount: dollars(t.amount_cents),
            category: t.entry.category,
            category_guid: (),
            check_number_string: (),
            created_at: rfc3339_text(t.created_at),
            currency_code: "USD",
            date: t.date().format("%Y-%m-%d").to_string(),
            description: t.description,
            guid: t.guid(),
            id: (),
            is_bill_pay: purpose == Purpose::BillPay,
            is_direct_deposit: purpose == Purpose::Payroll,
            is_expense: t.entry.direction == Direction::Debit && purpose != Purpose::Transfer,
            is_fee: purpose == Purpose::Fee,
            is_income: matches!(purpose, Purpose::Payroll | Purpose::Interest),
            is_international: false,
            is_manual: false,
            is_overdraft_fee: false,
            is_payroll_advance: false,
            is_recurring: matches!(
                purpose,
                Purpose::Subscription | Purpose::Payroll | Purpose::BillPay
            ),
            is_subscription: purpose == Purpose::Subscription,
            latitude: (),
            localized_description: (),
            localized_memo: (),
            longitude: (),
            member_guid: owner.member_guid.to_owned(),
            member_is_managed_by_user: true,
            memo: (),
            merchant_category_code: t.entry.merchant_category_code,
            merchant_guid: (),
            merchant_location_guid: (),
            metadata: (),
            original_description: t.entry.original,
            posted_at: t.posted_at.and_then(rfc3339_text),
            status: t.status.as_str(),
            top_level_category: t.entry.top_level_category,
            transacted_at: rfc3339_text(t.transacted_at),
            kind: t.entry.direction.mx_type(),
            updated_at: rfc3339_text(t.updated_at),
            user_guid: owner.user_guid.to_owned(),
            user_id: owner.user_id.map(str::to_owned),
        }
    }
}

/// A TRANSACTION webhook body.
pub(crate) fn transaction_webhook(
    action: MemberAction,
    t: &Transaction,
    account_guid: &str,
    member_guid: &str,
    user_guid: &str,
) -> Value {
    json!({
        "action": action.as_str(),
        "type": "TRANSACTION",
        "transaction": {
            "account_guid": account_guid,
            "amount": dollars(t.amount_cents),
            "category": t.entry.category,
            "created_at": t.created_at,
            "currency_code": "USD",
            "date": t.transacted_at - t.transacted_at.rem_euclid(86_400),
            "description": t.description,
            "guid": t.guid(),
            "member_guid": member_guid,
            "original_description": t.entry.original,
            "posted_at": t.posted_at,
            "status": t.status.as_str(),
            "transacted_at": t.transacted_at,
            "type": t.entry.direction.mx_type(),
            "updated_at": t.updated_at,
            "user_guid": user_guid,
        },
    })
}
