//! The bodies of the webhooks MX sends, from the outbox's typed events.
//!
//! Shapes follow MX's webhook pages: CONNECTION_STATUS
//! (<https://docs.mx.com/resources/webhooks/connection-status>), AGGREGATION
//! `member_data_updated` (<https://docs.mx.com/resources/webhooks/aggregation>) and MEMBER
//! (<https://docs.mx.com/resources/webhooks/member>); timestamps are Unix seconds. MX
//! returns the caller's `X-CALLBACK-PAYLOAD` "in the Member and Member Data Updated
//! webhooks" (MX's OpenAPI v20250224) without saying where: these carry it back both as
//! the same header (the delivery task sends it) and as a `callback_payload` field.

use mx_aggregation::ConnectionStatus;
use serde_json::{Value, json};

use crate::model::institutions;
use crate::model::member::JobKind;
use crate::model::outbox::{Delivery, MemberSnapshot, WebhookEvent};
use crate::wire::data;
use crate::wire::views::unix;

/// The header on every webhook the emulator posts that carries its virtual time at the
/// send (RFC 3339, milliseconds). MX sends no such header: it is the emulator's, like
/// its control plane, for a receiver that follows the emulator's clock (the service's
/// `--clock emulator-follow`), which can then date the webhook without asking the
/// emulator's clock over HTTP. A receiver on real time ignores it.
pub const NOW_HEADER: &str = "x-emulator-now";

/// The JSON body of `delivery` as MX posts it.
pub(crate) fn body(delivery: &Delivery) -> Value {
    let mut body = event(&delivery.event);
    if let (Some(payload), Some(object)) = (&delivery.callback_payload, body.as_object_mut()) {
        object.insert(
            "callback_payload".to_owned(),
            Value::String(payload.clone()),
        );
    }
    body
}

/// The body of `event`, without the callback payload.
fn event(event: &WebhookEvent) -> Value {
    match event {
        WebhookEvent::ConnectionStatus {
            member_guid,
            user_guid,
            status,
        } => json!({
            "action": "CHANGED",
            "connection_status": status.as_str(),
            "connection_status_id": status.id(),
            "connection_status_message": status.meaning(),
            "member_guid": member_guid,
            "type": "CONNECTION_STATUS",
            "user_guid": user_guid,
        }),
        WebhookEvent::DataUpdated {
            member_guid,
            user_guid,
            job_guid,
            kind,
            is_background,
            completed_at,
            transactions_created,
            transactions_updated,
            user_id,
        } => json!({
            "action": "member_data_updated",
            "completed_at": unix(*completed_at),
            "completed_on": completed_at.format("%Y-%m-%d").to_string(),
            "is_background": is_background,
            "job_guid": job_guid,
            "member_guid": member_guid,
            "transactions_created_count": transactions_created,
            "transactions_updated_count": transactions_updated,
            "type": job_type(*kind),
            "user_guid": user_guid,
            "user_id": user_id,
        }),
        WebhookEvent::Transaction {
            action,
            user_guid,
            member_guid,
            account_guid,
            transaction,
        } => data::transaction_webhook(*action, transaction, account_guid, member_guid, user_guid),
        WebhookEvent::Account {
            action,
            owner,
            account,
        } => data::account_webhook(*action, account, owner),
        WebhookEvent::Member { action, member } => json!({
            "action": action.as_str(),
            "type": "MEMBER",
            "member": member_fields(member),
        }),
    }
}

/// The `type` of the webhook MX sends when a job of `kind` completes.
const fn job_type(kind: JobKind) -> &'static str {
    match kind {
        JobKind::Aggregation => "AGGREGATION",
        JobKind::Verification => "VERIFICATION",
        JobKind::Identification => "IDENTIFICATION",
        JobKind::Balance => "BALANCE",
        JobKind::History => "HISTORY",
        JobKind::Statements => "STATEMENT",
    }
}

fn member_fields(member: &MemberSnapshot) -> Value {
    json!({
        "aggregated_at": member.aggregated_at.map(unix),
        "connection_status": member.status.map(ConnectionStatus::as_str),
        "connection_status_id": member.status.map(ConnectionStatus::id),
        "connection_status_message": member.status.map(ConnectionStatus::meaning),
        "created_at": unix(member.created_at),
        "guid": member.guid,
        "id": member.id,
        "institution_code": member.institution_code,
        "institution_guid": institutions::find(&member.institution_code).map(|i| i.guid),
        "is_being_aggregated": member.is_being_aggregated,
        "is_oauth": member.is_oauth,
        "successfully_aggregated_at": member.successfully_aggregated_at.map(unix),
        "user_guid": member.user_guid,
    })
}
