//! The emulator's control plane, per tenant: `POST /emulator/clock {"advance_seconds": N}`
//! moves the virtual clock N seconds forward and answers `{"now": RFC 3339}` (`GET` reads
//! it); `POST /emulator/reset`; `GET`/`POST`/`DELETE /emulator/faults`; `GET
//! /emulator/webhooks` (`?member=`, `?type=`) and `POST /emulator/webhooks/{id}/redeliver`;
//! `GET /emulator/members/{member}/trace`; `GET /emulator/requests` (`?since=SEQ`), the
//! request journal.

use std::time::Duration;

use axum::body::Bytes;
use axum::extract::Path;
use axum::extract::rejection::BytesRejection;
use axum::extract::rejection::PathRejection;
use axum::http::{StatusCode, Uri};
use serde::Deserialize;
use serde_json::json;

use crate::http::error::ApiError;
use crate::http::extract::{Tenant, parse, path_error, query_value};
use crate::http::respond;
use crate::http::routes::Answer;
use crate::model::faults::FaultPlan;
use crate::model::journal;

use crate::wire;
use crate::wire::views;

#[derive(Debug, Deserialize)]
struct Advance {
    advance_seconds: u64,
}

/// Moves the clock and plays everything due by the new time.
pub(crate) async fn clock(Tenant(tenant): Tenant, body: Result<Bytes, BytesRejection>) -> Answer {
    let Advance { advance_seconds } = parse(body)?;
    let now = {
        let mut world = tenant.lock();
        world.tick();
        let now = world
            .clock
            .advance(Duration::from_secs(advance_seconds))
            .ok_or_else(|| {
                ApiError::bad_request("advance_seconds takes the clock past 9999-12-31")
            })?;
        world.advance_to(now);
        now
    };
    tenant.wake.notify_one();
    Ok(respond::json(
        StatusCode::OK,
        &json!({ "now": views::rfc3339(now) }),
    ))
}

/// `GET /emulator/clock`: the virtual time now, as the `POST` with 0 seconds answers it.
pub(crate) async fn read_clock(Tenant(tenant): Tenant) -> Answer {
    let now = tenant.lock().tick();
    Ok(respond::json(
        StatusCode::OK,
        &json!({ "now": views::rfc3339(now) }),
    ))
}

/// `GET /emulator/requests`: the request journal from the oldest kept entry, or after
/// `?since=SEQ` (exclusive), in `seq` order; at most 10,000 entries an answer, with
/// `"more": true` when more follow.
pub(crate) async fn requests(Tenant(tenant): Tenant, uri: Uri) -> Answer {
    let since = query_value(uri.query(), "since")?
        .map(|text| {
            text.parse::<u64>().map_err(|_| {
                ApiError::bad_request(format!("since must be a whole number >= 0, got {text:.60}"))
            })
        })
        .transpose()?;
    let world = tenant.lock();
    let page = world.journal.read(since, journal::MAX_PER_READ);
    Ok(respond::json(StatusCode::OK, &wire::journal::page(&page)))
}

/// `POST /emulator/reset`: forgets the tenant's users, members, throttle records, outbox
/// and faults, and restarts its clock. Other tenants are untouched.
pub(crate) async fn reset(Tenant(tenant): Tenant) -> Answer {
    tenant.reset();
    let now = tenant.lock().tick();
    Ok(respond::json(
        StatusCode::OK,
        &json!({ "reset": true, "now": views::rfc3339(now) }),
    ))
}

/// `GET /emulator/faults`: the plan and, per rule, the requests it matched and the faults
/// it answered.
pub(crate) async fn faults(Tenant(tenant): Tenant) -> Answer {
    let world = tenant.lock();
    let faults = &world.cx.faults;
    let rules: Vec<_> = faults
        .plan
        .rules
        .iter()
        .enumerate()
        .map(|(i, rule)| {
            json!({
                "rule": rule,
                "matched": faults.matched.get(i).copied().unwrap_or(0),
                "fired": faults.fired.get(i).copied().unwrap_or(0),
            })
        })
        .collect();
    Ok(respond::json(
        StatusCode::OK,
        &json!({ "rules": rules, "webhooks": faults.webhooks }),
    ))
}

/// `POST` (or `PUT`) `/emulator/faults`: replaces the plan; 400 when it cannot be played.
pub(crate) async fn load_faults(
    Tenant(tenant): Tenant,
    body: Result<Bytes, BytesRejection>,
) -> Answer {
    let bytes =
        body.map_err(|rejection| ApiError::new(rejection.status(), rejection.body_text()))?;
    let text = std::str::from_utf8(&bytes)
        .map_err(|_| ApiError::bad_request("the fault plan is not UTF-8"))?;
    let plan =
        FaultPlan::from_json(text).map_err(|error| ApiError::bad_request(error.to_string()))?;
    let count = plan.rules.len();
    tenant.lock().cx.faults.load(plan);
    Ok(respond::json(
        StatusCode::OK,
        &json!({ "rules_loaded": count }),
    ))
}

/// `DELETE /emulator/faults`: no more faults (webhook faults set by flags stay).
pub(crate) async fn clear_faults(Tenant(tenant): Tenant) -> Answer {
    tenant.lock().cx.faults.load(FaultPlan::default());
    Ok(respond::json(StatusCode::OK, &json!({ "rules_loaded": 0 })))
}

/// `GET /emulator/webhooks`: every webhook kept, its state (`pending`, `delivered`,
/// `dropped`, `given_up`) and each attempt's outcome, oldest first; `?member=GUID` keeps
/// the member's, `?type=T` those of `type` T (`CONNECTION_STATUS`, `AGGREGATION`,
/// `MEMBER`…). The outbox keeps `Config::webhooks_kept` (10,000 by default), forgetting
/// the oldest delivered, dropped or given-up ones first.
pub(crate) async fn webhooks(Tenant(tenant): Tenant, uri: Uri) -> Answer {
    let member = query_value(uri.query(), "member")?;
    let kind = query_value(uri.query(), "type")?;
    let mut world = tenant.lock();
    world.tick();
    let list: Vec<_> = world
        .cx
        .outbox
        .iter()
        .filter(|d| member.as_deref().is_none_or(|m| d.event.member_guid() == m))
        .map(wire::outbox::delivery)
        .filter(|view| kind.as_deref().is_none_or(|k| view["type"] == k))
        .collect();
    Ok(respond::json(StatusCode::OK, &json!({ "webhooks": list })))
}

/// `POST /emulator/webhooks/{id}/redeliver`: sends webhook `id` again now, whatever
/// became of it.
pub(crate) async fn redeliver(
    Tenant(tenant): Tenant,
    path: Result<Path<u64>, PathRejection>,
) -> Answer {
    let Path(id) = path.map_err(path_error)?;
    let answer = {
        let mut world = tenant.lock();
        let now = world.tick();
        if !world.cx.outbox.redeliver(id, now) {
            return Err(ApiError::not_found("no webhook with this id"));
        }
        let view = world.cx.outbox.get(id).map(wire::outbox::delivery);
        respond::json(StatusCode::ACCEPTED, &json!({ "webhook": view }))
    };
    tenant.wake.notify_one();
    Ok(answer)
}

/// `GET /emulator/members/{member}/trace`: each transition of the member with the
/// lifecycle edge (its basis tag and guard) and the edge's source.
pub(crate) async fn trace(
    Tenant(tenant): Tenant,
    path: Result<Path<String>, PathRejection>,
) -> Answer {
    let Path(guid) = path.map_err(path_error)?;
    let mut world = tenant.lock();
    world.tick();
    let member = world
        .member(&guid)
        .ok_or_else(|| ApiError::not_found("member not found"))?;
    let trace: Vec<_> = member.trace.iter().map(wire::trace::entry).collect();
    Ok(respond::json(
        StatusCode::OK,
        &json!({
            "member_guid": member.guid,
            "connection_status": member.status.map(mx_aggregation::ConnectionStatus::as_str),
            "trace": trace,
        }),
    ))
}
