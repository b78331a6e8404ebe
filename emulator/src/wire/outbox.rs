//! The outbox as `GET /emulator/webhooks` shows it.

use serde_json::{Value, json};

use crate::model::outbox::{Attempt, Delivery};
use crate::wire::views::rfc3339;
use crate::wire::webhooks;

/// An outbox entry: `{"id", "type", "member_guid", "state", "queued_at",
/// "next_attempt_at", "attempts": [{"at", "outcome", "status", "error"}], "body"}`.
pub(crate) fn delivery(delivery: &Delivery) -> Value {
    let body = webhooks::body(delivery);
    json!({
        "id": delivery.id,
        "type": body.get("type").cloned().unwrap_or(Value::Null),
        "member_guid": delivery.event.member_guid(),
        "state": delivery.state.as_str(),
        "queued_at": rfc3339(delivery.queued_at),
        "next_attempt_at": delivery.state.next_attempt_at().map(rfc3339),
        "attempts": delivery.log.iter().map(attempt).collect::<Vec<_>>(),
        "body": body,
    })
}

fn attempt(attempt: &Attempt) -> Value {
    json!({
        "at": rfc3339(attempt.at),
        "outcome": attempt.outcome.as_str(),
        "status": attempt.status,
        "error": attempt.error,
    })
}
