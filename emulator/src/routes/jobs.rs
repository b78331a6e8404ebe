//! Aggregation-type jobs: `POST …/aggregate`, `…/verify`, `…/identify`.
//!
//! MX's rules (<https://docs.mx.com/api-reference/platform-api/overview/errors>, "ERR"):
//! 202 when the job starts, when a job of the same kind already runs, and when a standard
//! aggregation is asked for within the throttle window (nothing starts: `aggregated_at`
//! stays); 409 when a job of another kind runs. SPEC25 declares `/verify` 200.

use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};

use super::{Answer, callback_payload, member_answer, member_guid, path_error};
use crate::error::ApiError;
use crate::jobs;
use crate::lifecycle::LifecycleEvent as E;
use crate::member::JobKind;
use crate::mxbank::Outcome;
use crate::server::App;
use crate::world::World;

/// `POST …/aggregate`: a standard aggregation.
pub(crate) async fn aggregate(
    app: State<App>,
    path: Result<Path<(String, String)>, PathRejection>,
    headers: HeaderMap,
) -> Answer {
    run(app, path, &headers, JobKind::Aggregation).await
}

/// `POST …/verify`: instant account verification.
pub(crate) async fn verify(
    app: State<App>,
    path: Result<Path<(String, String)>, PathRejection>,
    headers: HeaderMap,
) -> Answer {
    run(app, path, &headers, JobKind::Verification).await
}

/// `POST …/identify`: account owner identification.
pub(crate) async fn identify(
    app: State<App>,
    path: Result<Path<(String, String)>, PathRejection>,
    headers: HeaderMap,
) -> Answer {
    run(app, path, &headers, JobKind::Identification).await
}

async fn run(
    State(app): State<App>,
    path: Result<Path<(String, String)>, PathRejection>,
    headers: &HeaderMap,
    kind: JobKind,
) -> Answer {
    let Path((user, member)) = path.map_err(path_error)?;
    let callback = callback_payload(headers)?;
    let mut world = app.lock();
    let now = world.tick();
    let guid = member_guid(&world, &user, &member)?;
    let World {
        members, index, cx, ..
    } = &mut *world;
    let member = index
        .get(&guid)
        .and_then(|seq| members.get_mut(seq))
        .ok_or_else(|| ApiError::not_found("member not found"))?;
    if callback.is_some() {
        member.callback_payload = callback;
    }
    let accepted = StatusCode::ACCEPTED;
    if let Some(job) = &member.job {
        if job.kind == kind {
            return member_answer(&world, &guid, accepted);
        }
        return Err(ApiError::conflict(
            "a job of another kind is running on this member",
        ));
    }
    // An OAuth member the end user has not authorized has nothing to log in with.
    if member.is_oauth && !member.oauth_authorized {
        return member_answer(&world, &guid, accepted);
    }
    // The model's edge for the call: `aggregate`, or the aggregation after the end user
    // resolved things at the institution. Without one (a member that needs credentials,
    // a closed one) nothing starts.
    let Some(event) = [E::Aggregate, E::ResolveAtInstitution]
        .into_iter()
        .find(|event| jobs::has_edge(member, *event))
    else {
        return member_answer(&world, &guid, accepted);
    };
    if kind == JobKind::Aggregation && cx.throttled_until(member, now).is_some() {
        return member_answer(&world, &guid, accepted);
    }
    let outcome = if member.is_oauth {
        Outcome::Connect
    } else {
        jobs::outcome_of(member)
    };
    jobs::start(member, cx, now, event, kind, outcome);
    let started = if kind == JobKind::Verification {
        StatusCode::OK
    } else {
        accepted
    };
    let answer = member_answer(&world, &guid, started);
    drop(world);
    app.wake.notify_one();
    answer
}
