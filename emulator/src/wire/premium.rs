//! MX's JSON shapes for what the premium jobs read (MX's OpenAPI v20250224:
//! `StatementResponse`, `AccountNumberResponse`, `AccountOwnerResponse`).

use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::{Value, json};

use crate::model::data::premium::{AccountNumber, AccountOwner, Statement};
use crate::wire::data::Owner;

fn rfc3339(t: i64) -> Value {
    DateTime::<Utc>::from_timestamp(t, 0).map_or(Value::Null, |t| {
        Value::String(t.to_rfc3339_opts(SecondsFormat::Secs, true))
    })
}

/// A `StatementResponse`; its `uri` is the path of its PDF.
pub(crate) fn statement(s: &Statement, owner: Owner<'_>) -> Value {
    json!({
        "account_guid": s.account.guid,
        "content_hash": s.content_hash,
        "created_at": rfc3339(s.fetched_at),
        "guid": s.guid,
        "member_guid": owner.member_guid,
        "updated_at": rfc3339(s.fetched_at),
        "uri": format!(
            "/users/{}/members/{}/statements/{}.pdf",
            owner.user_guid, owner.member_guid, s.guid
        ),
        "user_guid": owner.user_guid,
    })
}

/// An `AccountNumberResponse`.
pub(crate) fn account_number(n: &AccountNumber, owner: Owner<'_>) -> Value {
    json!({
        "account_guid": n.account.guid,
        "account_number": n.account_number,
        "guid": n.guid,
        "member_guid": owner.member_guid,
        "passed_validation": true,
        "routing_number": n.routing_number,
        "user_guid": owner.user_guid,
    })
}

/// An `AccountOwnerResponse`.
pub(crate) fn account_owner(o: &AccountOwner, owner: Owner<'_>) -> Value {
    json!({
        "account_guid": o.account.guid,
        "address": o.address,
        "city": o.city,
        "country": "US",
        "email": format!(
            "{}.{}@example.com",
            o.first_name.to_lowercase(),
            o.last_name.to_lowercase()
        ),
        "first_name": o.first_name,
        "guid": o.guid,
        "last_name": o.last_name,
        "member_guid": owner.member_guid,
        "owner_name": format!("{} {}", o.first_name, o.last_name),
        "phone": o.phone,
        "postal_code": o.postal_code,
        "state": o.state,
        "user_guid": owner.user_guid,
    })
}
