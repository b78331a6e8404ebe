//! MX's JSON shapes for what the emulator keeps (MX's OpenAPI v20250224: `MemberResponse`,
//! `MemberStatusResponse`, `ChallengeResponse`, `UserResponse`, `CredentialResponse`,
//! `PaginationResponse`). Timestamps are RFC 3339 to the second with `Z`, as in MX's
//! examples (`2020-09-21T19:48:57Z`); webhooks use Unix seconds.

use chrono::{DateTime, SecondsFormat, Utc};
use mx_aggregation::ConnectionStatus;
use serde_json::{Value, json};

use crate::model::data::query::Pagination;
use crate::model::institutions::{self, CredentialField, Institution};
use crate::model::member::{Challenge, Member, User};
use crate::model::mxbank::{ChallengeKind, OPTION_VALUES};

/// `t` as MX writes it.
pub(crate) fn rfc3339(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// `t` in Unix seconds.
pub(crate) fn unix(t: DateTime<Utc>) -> i64 {
    t.timestamp()
}

/// A `MemberResponse`.
pub(crate) fn member(m: &Member, base_url: &str) -> Value {
    let institution_guid = institutions::find(&m.institution_code).map_or("", |i| i.guid);
    json!({
        "aggregated_at": m.aggregated_at.map(rfc3339),
        "background_aggregation_is_disabled": m.background_disabled,
        "connection_status": m.status.map(ConnectionStatus::as_str),
        "connection_status_message": m.status.map(ConnectionStatus::meaning),
        "guid": m.guid,
        "id": m.id,
        "institution_code": m.institution_code,
        "institution_guid": institution_guid,
        "is_being_aggregated": m.is_being_aggregated(),
        // Only members created with MX's managed member feature are false (SPEC25).
        "is_managed_by_user": true,
        "is_manual": false,
        "is_oauth": m.is_oauth,
        "metadata": m.metadata,
        "most_recent_job_detail_code": Value::Null,
        "most_recent_job_detail_text": Value::Null,
        "most_recent_job_guid": m.most_recent_job_guid,
        "name": m.name,
        "needs_updated_credentials": m.needs_updated_credentials,
        "oauth_window_uri": m.oauth_token.as_deref().map(|t| oauth_uri(base_url, t)),
        "successfully_aggregated_at": m.successfully_aggregated_at.map(rfc3339),
        "use_cases": m.use_cases.iter().map(|u| u.as_str()).collect::<Vec<_>>(),
        "user_guid": m.user_guid,
        "user_id": m.user_id,
    })
}

/// The emulator's own OAuth window for `token`.
pub(crate) fn oauth_uri(base_url: &str, token: &str) -> String {
    format!("{base_url}/oauth/authorize/{token}")
}

/// A `MemberStatusResponse`: `is_authenticated` and `has_processed_*` say what the most
/// recent job achieved (`JobResults`).
pub(crate) fn status(m: &Member) -> Value {
    let results = m.results;
    json!({
        "aggregated_at": m.aggregated_at.map(rfc3339),
        "challenges": m.challenges.iter().map(challenge).collect::<Vec<_>>(),
        "connection_status": m.status.map(ConnectionStatus::as_str),
        "guid": m.guid,
        "has_processed_account_numbers": results.account_numbers,
        "has_processed_accounts": results.accounts,
        "has_processed_transactions": results.transactions,
        "is_authenticated": results.authenticated,
        "is_being_aggregated": m.is_being_aggregated(),
        "successfully_aggregated_at": m.successfully_aggregated_at.map(rfc3339),
    })
}

/// A `ChallengeResponse`.
pub(crate) fn challenge(c: &Challenge) -> Value {
    let mut body = json!({
        "field_name": Value::Null,
        "guid": c.guid,
        "label": match c.kind {
            ChallengeKind::Text => "What city were you born in? (MX Bank: answer correct)",
            ChallengeKind::Options => "Choose an option (MX Bank: choose correct)",
            ChallengeKind::Image => "Type the word in the image (MX Bank: correct)",
        },
        "type": c.kind.mx_type(),
    });
    match c.kind {
        ChallengeKind::Text => {}
        ChallengeKind::Options => {
            let options: Vec<Value> = OPTION_VALUES
                .iter()
                .zip(&c.option_guids)
                .map(|(value, guid)| json!({"guid": guid, "label": value, "value": value}))
                .collect();
            body["options"] = Value::Array(options);
        }
        ChallengeKind::Image => {
            // A 1×1 transparent PNG: the shape of MX's image challenges, not a picture.
            body["image_data"] = json!(
                "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII="
            );
        }
    }
    body
}

/// A `UserResponse`.
pub(crate) fn user(u: &User) -> Value {
    json!({
        "email": u.email,
        "guid": u.guid,
        "id": u.id,
        "is_disabled": u.is_disabled,
        "metadata": u.metadata,
    })
}

/// A `CredentialResponse`.
/// An `InstitutionResponse` (v20250224).
pub(crate) fn institution(i: &Institution) -> Value {
    json!({
        "code": i.code,
        "created_at": INSTITUTIONS_CREATED_AT,
        "forgot_password_url": Value::Null,
        "forgot_username_url": Value::Null,
        "guid": i.guid,
        "instructional_text": Value::Null,
        "instructional_text_steps": Value::Null,
        "is_disabled_by_client": false,
        "is_hidden": false,
        "iso_country_code": "US",
        "medium_logo_url": Value::Null,
        "name": i.name,
        "small_logo_url": Value::Null,
        "supported_products": i.products.iter().map(|p| p.as_str()).collect::<Vec<_>>(),
        "supports_oauth": i.supports_oauth,
        "supports_tax_document": false,
        "trouble_signing_in_url": Value::Null,
        "url": i.url,
    })
}

/// When the emulator's institutions were created: a fixed time, the same in every run.
const INSTITUTIONS_CREATED_AT: &str = "2020-01-01T00:00:00Z";

pub(crate) fn credential(f: &CredentialField) -> Value {
    json!({
        "display_order": f.display_order,
        "field_name": f.field_name,
        "field_type": f.field_type,
        "guid": f.guid,
        "label": f.label,
        "type": f.field_type,
    })
}

/// A `PaginationResponse`.
pub(crate) fn pagination(p: Pagination) -> Value {
    json!({
        "current_page": p.current_page,
        "per_page": p.per_page,
        "total_entries": p.total_entries,
        "total_pages": p.total_pages,
    })
}
