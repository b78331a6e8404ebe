//! `POST /webhooks/mx`: MX's webhooks, `204` only once the body is committed; a body
//! that is not JSON is `400`; a repeat within MX's 24-hour retry horizon changes
//! nothing.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::header::AUTHORIZATION;
use axum::http::{HeaderMap, StatusCode};
use chrono::{DateTime, Utc};
use mx_aggregation::{MemberSnapshot, PayloadKind};
use mx_aggregation_client::sync::AccountWebhook;
use serde_json::Value;

use super::error::ApiError;
use super::state::{AppState, constant_time_eq};
use crate::core::digest::canonical_digest;
use crate::store::{Incoming, Received, Stored};

/// The member and user a webhook is about: top-level for status and data webhooks,
/// under `member` for MEMBER webhooks (the member's `guid`), under `transaction` or
/// `account` for TRANSACTION and ACCOUNT webhooks (their `member_guid`).
fn owners(body: &Value) -> (Option<&str>, Option<&str>) {
    let nested = |key: &str| {
        ["transaction", "account", "member"]
            .into_iter()
            .find_map(|resource| body.get(resource)?.get(key)?.as_str())
    };
    let field = |key: &str| {
        body.get(key)
            .and_then(Value::as_str)
            .or_else(|| nested(key))
    };
    let member = field("member_guid").or_else(|| {
        body.get("member")
            .and_then(|m| m.get("guid"))
            .and_then(Value::as_str)
    });
    (member, field("user_guid"))
}

/// Basic auth as MX sends it, when the service was given `USER:PASS`.
fn authorized(state: &AppState, headers: &HeaderMap) -> bool {
    let Some(expected) = state.webhook_basic_auth.as_deref() else {
        return true;
    };
    let given = headers
        .get(AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.strip_prefix("Basic "))
        .and_then(|encoded| {
            use base64::Engine as _;
            base64::engine::general_purpose::STANDARD
                .decode(encoded.trim())
                .ok()
        });
    given.is_some_and(|given| constant_time_eq(&given, expected.as_bytes()))
}

/// Stores the webhook, then answers `204`.
pub(super) async fn receive(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<StatusCode, ApiError> {
    if !authorized(&state, &headers) {
        return Err(ApiError::unauthorized(
            "the webhook's Basic auth is missing or wrong",
        ));
    }
    let value: Value =
        serde_json::from_slice(&body).map_err(|e| ApiError::body("POST /webhooks/mx", &e))?;
    let (member, user) = owners(&value);
    // An ACCOUNT webhook carries its account: stored at once for a known member, no
    // inbox row and no drive.
    if let (Some(member), Some(account)) = (member, AccountWebhook::read(&value)) {
        let guid = account.guid.clone();
        let incoming = Incoming::Account {
            member_guid: member.to_owned(),
            account: Box::new(account),
        };
        if state.inbox.store(incoming).await? == Stored::Account(true) {
            tracing::debug!(member, account = guid, "account stored");
            return Ok(StatusCode::NO_CONTENT);
        }
    }
    // On a followed emulator clock the webhook says when the emulator sent it: no
    // HTTP round trip to the emulator's clock per webhook.
    let told = headers
        .get(mx_emulator::WEBHOOK_NOW_HEADER)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| DateTime::parse_from_rfc3339(value).ok())
        .and_then(|at| state.worker.told_now(at.with_timezone(&Utc)));
    let now = match told {
        Some(now) => now,
        None => match state.worker.now().await {
            Ok(now) => now,
            Err(error) => return Err(ApiError::unavailable(format!("the clock: {error}"))),
        },
    };
    let text = value.to_string();
    // A connection-status webhook, as the library classifies payloads, has no id and no
    // time: the same status again within a day is the same body, and still news
    // (`Incoming::Webhook::repeat_wakes`).
    let repeat_wakes = MemberSnapshot::from_json(&text)
        .is_ok_and(|snapshot| snapshot.payload == PayloadKind::ConnectionStatusWebhook);
    let incoming = Incoming::Webhook {
        digest: canonical_digest(&value),
        member_guid: member.map(str::to_owned),
        user_guid: user.map(str::to_owned),
        body: text,
        now,
        repeat_wakes,
    };
    let received = match state.inbox.store(incoming).await? {
        Stored::Webhook(received) => received,
        // The writer answers a webhook body with `Stored::Webhook`; were it not to, the
        // scheduler's look costs less than a wake-up missed.
        Stored::Account(_) => Received::New,
    };
    match received {
        Received::New => {
            tracing::info!(member = ?member, "webhook stored");
            state.running.wake();
        }
        Received::Repeat => tracing::debug!(member = ?member, "webhook repeated"),
    }
    Ok(StatusCode::NO_CONTENT)
}
