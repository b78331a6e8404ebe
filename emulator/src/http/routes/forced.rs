//! Every status on demand: `POST /emulator/members/{member}/connection_status` with
//! `{"connection_status": S}` sets any of MX's 22 statuses (`mx_aggregation::ConnectionStatus`)
//! from any status, as `model::statuses` says, and answers `{"member": …}`.

use axum::body::Bytes;
use axum::extract::Path;
use axum::extract::rejection::{BytesRejection, PathRejection};
use axum::http::StatusCode;
use mx_aggregation::ConnectionStatus;
use serde_json::Value;

use crate::http::error::ApiError;
use crate::http::explain::with_rule;
use crate::http::extract::{Tenant, parse, path_error};
use crate::http::routes::{Answer, member_answer};
use crate::model::statuses;

/// The status named by the body's `connection_status`: 400 naming the value otherwise.
fn wanted(body: &Value) -> Result<ConnectionStatus, ApiError> {
    let value = body.get("connection_status").ok_or_else(|| {
        ApiError::bad_request("connection_status is required: one of MX's 22 statuses")
    })?;
    let text = value.as_str().ok_or_else(|| {
        ApiError::bad_request(format!(
            "connection_status must be a string, got {:.60}",
            value.to_string()
        ))
    })?;
    text.parse().map_err(|_| {
        ApiError::bad_request(format!(
            "unknown connection_status {text:.60}: expected one of {}",
            ConnectionStatus::ALL
                .map(ConnectionStatus::as_str)
                .join(", ")
        ))
    })
}

/// Sets the member's status, from any status, ending any job it had.
pub(crate) async fn set(
    Tenant(tenant): Tenant,
    path: Result<Path<String>, PathRejection>,
    body: Result<Bytes, BytesRejection>,
) -> Answer {
    let Path(guid) = path.map_err(path_error)?;
    let body: Value = parse(body)?;
    let status = wanted(&body)?;
    let mut world = tenant.lock();
    let now = world.tick();
    let (mut member, cx) = world
        .member_with_ctx(&guid)
        .map_err(|_| ApiError::not_found("member not found"))?;
    let from = member.node;
    statuses::force(&mut member, cx, now, status);
    drop(member);
    let rule = format!("200: connection_status set from {from} to {status} by the control plane");
    let answer = member_answer(&world, &guid, StatusCode::OK).map(|r| with_rule(r, &rule));
    drop(world);
    tenant.wake.notify_one();
    answer
}
