//! MX's JSON shapes for a member's data (MX's OpenAPI v20250224: `AccountResponse`,
//! `TransactionResponse`) and the transaction webhooks
//! (<https://docs.mx.com/resources/webhooks/transactions>: "Transaction webhooks notify you
//! when a transaction is created, updated, or deleted"; their timestamps and `date` are
//! Unix seconds, as that page types them `Integer`). The webhook's envelope, `action`,
//! `type` and the resource under its name, is the one MX's member webhooks use
//! (<https://docs.mx.com/resources/webhooks/member>).

use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::{Value, json};

use crate::model::data::accounts::Account;
use crate::model::data::catalog::{Direction, Purpose};
use crate::model::data::ledger::Transaction;
use crate::model::outbox::MemberAction;

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
    DateTime::<Utc>::from_timestamp(t, 0).map_or(Value::Null, |t| {
        Value::String(t.to_rfc3339_opts(SecondsFormat::Secs, true))
    })
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

/// A `TransactionResponse`, with `account_guid` the GUID of its account.
pub(crate) fn transaction(t: &Transaction, account_guid: &str, owner: Owner<'_>) -> Value {
    let purpose = t.entry.purpose;
    let fields: [(&str, Value); 43] = [
        ("account_guid", json!(account_guid)),
        ("account_id", json!(Value::Null)),
        ("amount", json!(dollars(t.amount_cents))),
        ("category", json!(t.entry.category)),
        ("category_guid", json!(Value::Null)),
        ("check_number_string", json!(Value::Null)),
        ("created_at", json!(rfc3339(t.created_at))),
        ("currency_code", json!("USD")),
        ("date", json!(t.date().format("%Y-%m-%d").to_string())),
        ("description", json!(t.description)),
        ("guid", json!(t.guid())),
        ("id", json!(Value::Null)),
        ("is_bill_pay", json!(purpose == Purpose::BillPay)),
        ("is_direct_deposit", json!(purpose == Purpose::Payroll)),
        (
            "is_expense",
            json!(t.entry.direction == Direction::Debit && purpose != Purpose::Transfer),
        ),
        ("is_fee", json!(purpose == Purpose::Fee)),
        (
            "is_income",
            json!(matches!(purpose, Purpose::Payroll | Purpose::Interest)),
        ),
        ("is_international", json!(false)),
        ("is_manual", json!(false)),
        ("is_overdraft_fee", json!(false)),
        ("is_payroll_advance", json!(false)),
        (
            "is_recurring",
            json!(matches!(
                purpose,
                Purpose::Subscription | Purpose::Payroll | Purpose::BillPay
            )),
        ),
        ("is_subscription", json!(purpose == Purpose::Subscription)),
        ("latitude", json!(Value::Null)),
        ("localized_description", json!(Value::Null)),
        ("localized_memo", json!(Value::Null)),
        ("longitude", json!(Value::Null)),
        ("member_guid", json!(owner.member_guid)),
        ("member_is_managed_by_user", json!(true)),
        ("memo", json!(Value::Null)),
        (
            "merchant_category_code",
            json!(t.entry.merchant_category_code),
        ),
        ("merchant_guid", json!(Value::Null)),
        ("merchant_location_guid", json!(Value::Null)),
        ("metadata", json!(Value::Null)),
        ("original_description", json!(t.entry.original)),
        ("posted_at", json!(t.posted_at.map_or(Value::Null, rfc3339))),
        ("status", json!(t.status.as_str())),
        ("top_level_category", json!(t.entry.top_level_category)),
        ("transacted_at", json!(rfc3339(t.transacted_at))),
        ("type", json!(t.entry.direction.mx_type())),
        ("updated_at", json!(rfc3339(t.updated_at))),
        ("user_guid", json!(owner.user_guid)),
        ("user_id", json!(owner.user_id)),
    ];
    Value::Object(fields.into_iter().map(|(k, v)| (k.to_owned(), v)).collect())
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
