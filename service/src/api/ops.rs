//! `GET /healthz` and `GET /metrics` (Prometheus text format).

use std::fmt::Write as _;

use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::Utc;

use super::error::ApiError;
use super::state::AppState;

/// `200` when the database answers, `503` otherwise.
pub(super) async fn healthz(State(state): State<AppState>) -> Response {
    if state.worker.db().healthy().await {
        (StatusCode::OK, "ok\n").into_response()
    } else {
        ApiError::unavailable("the database does not answer").into_response()
    }
}

/// Escapes a label value (Prometheus text format: backslash, quote, newline).
fn label(value: &str) -> String {
    value
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

/// Members by action, MX calls by call and status, webhooks received and repeated,
/// the scheduler's lag, completed syncs, drives running here.
pub(super) async fn metrics(State(state): State<AppState>) -> Result<Response, ApiError> {
    let db = state.worker.db();
    let mut out = String::new();
    let _ = writeln!(
        out,
        "# HELP mx_service_members Members by the latest decision's action."
    );
    let _ = writeln!(out, "# TYPE mx_service_members gauge");
    for (action, count) in db.members_by_action().await? {
        let _ = writeln!(
            out,
            "mx_service_members{{action=\"{}\"}} {count}",
            label(&action)
        );
    }
    let _ = writeln!(
        out,
        "# HELP mx_service_mx_calls_total MX calls by call and HTTP status."
    );
    let _ = writeln!(out, "# TYPE mx_service_mx_calls_total counter");
    for (call, status, count) in state.worker.tally().counts() {
        let status = status.map_or_else(|| "none".to_owned(), |s| s.to_string());
        let _ = writeln!(
            out,
            "mx_service_mx_calls_total{{call=\"{}\",status=\"{status}\"}} {count}",
            label(call)
        );
    }
    let (received, repeated) = db.webhook_counts().await?;
    let _ = writeln!(
        out,
        "# HELP mx_service_webhooks_received_total Distinct webhook bodies stored."
    );
    let _ = writeln!(out, "# TYPE mx_service_webhooks_received_total counter");
    let _ = writeln!(out, "mx_service_webhooks_received_total {received}");
    let _ = writeln!(
        out,
        "# HELP mx_service_webhooks_repeated_total Webhook repeats that changed nothing."
    );
    let _ = writeln!(out, "# TYPE mx_service_webhooks_repeated_total counter");
    let _ = writeln!(out, "mx_service_webhooks_repeated_total {repeated}");
    let now = state
        .worker
        .now()
        .await
        .map_err(|e| ApiError::unavailable(e.to_string()))?;
    let lag = db
        .oldest_due((now, Utc::now()))
        .await?
        .map_or(0.0, |oldest| {
            (now - oldest).num_milliseconds().max(0) as f64 / 1000.0
        });
    let _ = writeln!(
        out,
        "# HELP mx_service_scheduler_lag_seconds How long the oldest due member has waited for a drive."
    );
    let _ = writeln!(out, "# TYPE mx_service_scheduler_lag_seconds gauge");
    let _ = writeln!(out, "mx_service_scheduler_lag_seconds {lag}");
    let _ = writeln!(
        out,
        "# HELP mx_service_members_due Members due for a drive and not claimed."
    );
    let _ = writeln!(out, "# TYPE mx_service_members_due gauge");
    let due = db
        .due_count((now, Utc::now()), &state.running.members())
        .await?;
    let _ = writeln!(out, "mx_service_members_due {due}");
    let _ = writeln!(
        out,
        "# HELP mx_service_syncs_total Completed syncs of members' data."
    );
    let _ = writeln!(out, "# TYPE mx_service_syncs_total counter");
    let _ = writeln!(out, "mx_service_syncs_total {}", db.sync_count().await?);
    let _ = writeln!(
        out,
        "# HELP mx_service_drives_running Drives running in this instance."
    );
    let _ = writeln!(out, "# TYPE mx_service_drives_running gauge");
    let _ = writeln!(out, "mx_service_drives_running {}", state.running.len());
    if let Some(free) = state.running.free_slots() {
        let _ = writeln!(
            out,
            "# HELP mx_service_drive_slots_free Slots (--concurrency) free for scheduled drives."
        );
        let _ = writeln!(out, "# TYPE mx_service_drive_slots_free gauge");
        let _ = writeln!(out, "mx_service_drive_slots_free {free}");
    }
    let _ = writeln!(
        out,
        "# HELP mx_service_drives_queued End users' drives waiting for a slot (--end-user-concurrency)."
    );
    let _ = writeln!(out, "# TYPE mx_service_drives_queued gauge");
    let _ = writeln!(out, "mx_service_drives_queued {}", state.running.queued());
    let (waits, earliest) = state.worker.clock_waits();
    let _ = writeln!(
        out,
        "# HELP mx_service_clock_waits Drives waiting for a followed clock to move (--clock emulator-follow)."
    );
    let _ = writeln!(out, "# TYPE mx_service_clock_waits gauge");
    let _ = writeln!(out, "mx_service_clock_waits {waits}");
    if let Some(earliest) = earliest {
        let _ = writeln!(
            out,
            "# HELP mx_service_clock_wait_until_seconds The earliest moment (Unix seconds) a drive waits for."
        );
        let _ = writeln!(out, "# TYPE mx_service_clock_wait_until_seconds gauge");
        let _ = writeln!(
            out,
            "mx_service_clock_wait_until_seconds {}",
            earliest.timestamp()
        );
    }
    Ok(([(header::CONTENT_TYPE, "text/plain; version=0.0.4")], out).into_response())
}
