//! Aggregation-type jobs: `POST …/aggregate`, `…/verify`, `…/identify`.
//!
//! MX's rules (<https://docs.mx.com/api-reference/platform-api/overview/errors>, "ERR"):
//! 202 when the job starts, when a job of the same kind already runs, and when a standard
//! aggregation is asked for within the throttle window (nothing starts: `aggregated_at`
//! stays); 409 when a job of another kind runs. SPEC25 declares `/verify` 200.

use axum::http::{HeaderMap, StatusCode};

use crate::http::error::ApiError;
use crate::http::explain::with_rule;
use crate::http::extract::{MemberPath, Tenant, callback_payload};
use crate::http::routes::{Answer, member_answer};
use crate::model::member::JobKind;
use crate::model::moves;
use crate::model::mxbank::Outcome;
use mx_aggregation_tooling::lifecycle::LifecycleEvent as E;

use crate::model::world::World;
use crate::wire::views;

/// `POST …/aggregate`: a standard aggregation.
pub(crate) async fn aggregate(app: Tenant, path: MemberPath, headers: HeaderMap) -> Answer {
    run(app, path, &headers, JobKind::Aggregation).await
}

/// `POST …/verify`: instant account verification.
pub(crate) async fn verify(app: Tenant, path: MemberPath, headers: HeaderMap) -> Answer {
    run(app, path, &headers, JobKind::Verification).await
}

/// `POST …/identify`: account owner identification.
pub(crate) async fn identify(app: Tenant, path: MemberPath, headers: HeaderMap) -> Answer {
    run(app, path, &headers, JobKind::Identification).await
}

async fn run(
    Tenant(tenant): Tenant,
    MemberPath { user, member }: MemberPath,
    headers: &HeaderMap,
    kind: JobKind,
) -> Answer {
    let callback = callback_payload(headers)?;
    let mut world = tenant.lock();
    let now = world.tick();
    let guid = world.member_guid(&user, &member)?;
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
    let call = kind.call();
    if let Some(job) = &member.job {
        if job.kind == kind {
            let rule = format!(
                "202: an {call} is already running ({}); nothing new starts",
                job.guid
            );
            return explained(member_answer(&world, &guid, accepted), &rule);
        }
        let running = job.kind.call();
        return Err(ApiError::conflict(format!(
            "a job of another kind ({running}) is running on this member"
        )));
    }
    // An OAuth member the end user has not authorized has nothing to log in with.
    if member.is_oauth && !member.oauth_authorized {
        return explained(
            member_answer(&world, &guid, accepted),
            "202: the end user has not authorized this OAuth member; nothing starts",
        );
    }
    // The model's edge for the call: `aggregate`, or the aggregation after the end user
    // resolved things at the institution. Without one (a member that needs credentials,
    // a closed one) nothing starts.
    let Some(event) = [E::Aggregate, E::ResolveAtInstitution]
        .into_iter()
        .find(|event| moves::has_edge(member, *event))
    else {
        let rule = format!(
            "202: the lifecycle model has no aggregate edge from {}; nothing starts",
            member.node
        );
        return explained(member_answer(&world, &guid, accepted), &rule);
    };
    if kind == JobKind::Aggregation
        && let Some(until) = cx.throttled_until(member, now)
    {
        let hours = cx.rules.throttle_window.num_minutes() as f64 / 60.0;
        let rule = format!(
            "202: inside the {hours}-hour window until {} (from the last {}); nothing starts",
            views::rfc3339(until),
            cx.rules.throttle_from.describe()
        );
        return explained(member_answer(&world, &guid, accepted), &rule);
    }
    let outcome = if member.is_oauth {
        Outcome::Connect
    } else {
        moves::outcome_of(member)
    };
    moves::start(member, cx, now, event, kind, outcome);
    let started = if kind == JobKind::Verification {
        StatusCode::OK
    } else {
        accepted
    };
    let rule = format!(
        "{}: {call} started on the lifecycle edge {event}",
        started.as_u16()
    );
    let answer = explained(member_answer(&world, &guid, started), &rule);
    drop(world);
    tenant.wake.notify_one();
    answer
}

/// `answer` with `X-Emulator-Rule: rule`.
fn explained(answer: Answer, rule: &str) -> Answer {
    answer.map(|response| with_rule(response, rule))
}
