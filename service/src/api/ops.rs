//! `GET /healthz`, `GET /metrics` (Prometheus text format) and `GET /scheduler` (the
//! scheduler's work now, as JSON).

use std::fmt::Write as _;

use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use serde_json::json;

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
    let mut metric = |name: &str, kind: &str, help: &str, value: &dyn std::fmt::Display| {
        let _ = writeln!(out, "# HELP {name} {help}");
        let _ = writeln!(out, "# TYPE {name} {kind}");
        let _ = writeln!(out, "{name} {value}");
    };
    metric(
        "mx_service_webhooks_received_total",
        "counter",
        "Distinct webhook bodies stored.",
        &received,
    );
    metric(
        "mx_service_webhooks_repeated_total",
        "counter",
        "Webhook repeats that changed nothing.",
        &repeated,
    );
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
    metric(
        "mx_service_scheduler_lag_seconds",
        "gauge",
        "How long the oldest due member has waited for a drive.",
        &lag,
    );
    let due = db
        .due_count((now, Utc::now()), &state.running.members())
        .await?;
    metric(
        "mx_service_members_due",
        "gauge",
        "Members due for a drive and not claimed.",
        &due,
    );
    metric(
        "mx_service_syncs_total",
        "counter",
        "Completed syncs of members' data.",
        &db.sync_count().await?,
    );
    metric(
        "mx_service_drives_running",
        "gauge",
        "Drives running in this instance.",
        &state.running.len(),
    );
    if let Some(free) = state.running.free_slots() {
        metric(
            "mx_service_drive_slots_free",
            "gauge",
            "Slots (--concurrency) free for scheduled drives.",
            &free,
        );
    }
    metric(
        "mx_service_drives_queued",
        "gauge",
        "End users' drives waiting for a slot (--end-user-concurrency).",
        &state.running.queued(),
    );
    let (waits, earliest) = state.worker.clock_waits();
    metric(
        "mx_service_clock_waits",
        "gauge",
        "Drives waiting for a followed clock to move (--clock emulator-follow).",
        &waits,
    );
    if let Some(earliest) = earliest {
        metric(
            "mx_service_clock_wait_until_seconds",
            "gauge",
            "The earliest moment (Unix seconds) a drive waits for.",
            &earliest.timestamp(),
        );
    }
    Ok(([(header::CONTENT_TYPE, "text/plain; version=0.0.4")], out).into_response())
}

/// The scheduler's work in this instance now, as one JSON object, cheap enough to poll
/// (no whole-table count, unlike `/metrics`): members `due` and not claimed (an index
/// range), drives `running` (with claims in progress), end users' drives `queued` for a
/// slot, drives `waiting_for_clock` (a followed clock not yet moved past their wait's
/// end) and the earliest end, `wait_until`, free `slots_free`, and `idle`: nothing here
/// can move until the clock moves or a request comes (no due member a free slot could
/// take, every drive waiting for the clock or for a slot). Reading the clock for this
/// also ends the waits it shows over, so a probe right after the clock moved sees those
/// drives running, not waiting.
pub(super) async fn scheduler(State(state): State<AppState>) -> Result<Response, ApiError> {
    let now = state
        .worker
        .now()
        .await
        .map_err(|e| ApiError::unavailable(e.to_string()))?;
    // Read on both sides of the count: a drive that ended (or a claim that began)
    // while the count ran shows in one of the two readings.
    let before = state.running.busy();
    let due = state
        .worker
        .db()
        .due_count((now, Utc::now()), &state.running.members())
        .await?;
    let running = before.max(state.running.busy());
    let waiting = state.worker.clock_waits_after(now);
    let (_, wait_until) = state.worker.clock_waits();
    let queued = state.running.queued();
    let slots_free = state.running.free_slots();
    let idle = (due == 0 || slots_free == Some(0)) && running <= waiting + queued;
    let body = json!({
        "now": now.to_rfc3339(),
        "due": due,
        "running": running,
        "queued": queued,
        "waiting_for_clock": waiting,
        "wait_until": wait_until.map(|at| at.to_rfc3339()),
        "slots_free": slots_free,
        "idle": idle,
    });
    Ok(axum::Json(body).into_response())
}
