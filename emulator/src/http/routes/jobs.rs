//! Aggregation-type jobs: `POST …/aggregate`, `…/verify`, `…/identify`,
//! `…/check_balance`, `…/extend_history`, `…/fetch_statements`.
//!
//! MX's rules (<https://docs.mx.com/api-reference/platform-api/overview/errors>, "ERR"):
//! 202 when the job starts, when a job of the same kind already runs, and when a standard
//! aggregation is asked for within the throttle window (nothing starts: `aggregated_at`
//! stays); 409 when a job of another kind runs. SPEC25 declares `/verify` 200.

use axum::http::{HeaderMap, StatusCode};

use crate::http::explain::with_rule;
use crate::http::extract::{MemberPath, Tenant, callback_payload};
use crate::http::routes::{Answer, member_answer};
use crate::model::member::JobKind;
use crate::model::requests::jobs::{self, JobCall};
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

/// `POST …/check_balance`: the accounts' balances only (CHECK-BALANCE).
pub(crate) async fn check_balance(app: Tenant, path: MemberPath, headers: HeaderMap) -> Answer {
    run(app, path, &headers, JobKind::Balance).await
}

/// `POST …/extend_history`: up to 24 months of transactions (EXT-HISTORY).
pub(crate) async fn extend_history(app: Tenant, path: MemberPath, headers: HeaderMap) -> Answer {
    run(app, path, &headers, JobKind::History).await
}

/// `POST …/fetch_statements`: the accounts' statements (FETCH-STATEMENTS).
pub(crate) async fn fetch_statements(app: Tenant, path: MemberPath, headers: HeaderMap) -> Answer {
    run(app, path, &headers, JobKind::Statements).await
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
    let (guid, done) = jobs::start(&mut world, &user, &member, kind, callback, now)?;
    let call = kind.call();
    let accepted = StatusCode::ACCEPTED;
    let started = matches!(done, JobCall::Started(_));
    let (status, rule) = match done {
        JobCall::AlreadyRunning(job) => (
            accepted,
            format!("202: an {call} is already running ({job}); nothing new starts"),
        ),
        JobCall::NotAuthorized => (
            accepted,
            "202: the end user has not authorized this OAuth member; nothing starts".to_owned(),
        ),
        JobCall::NoEdge(node) => (
            accepted,
            format!("202: the lifecycle model has no aggregate edge from {node}; nothing starts"),
        ),
        JobCall::Throttled(until) => {
            let rules = &world.cx.rules;
            let hours = rules.throttle_window.num_minutes() as f64 / 60.0;
            let from = if kind.mx_call().is_premium_job() {
                format!("{call}'s start")
            } else {
                rules.throttle_from.describe().to_owned()
            };
            (
                accepted,
                format!(
                    "202: inside the {hours}-hour window until {} (from the last {from}); nothing starts",
                    views::rfc3339(until),
                ),
            )
        }
        JobCall::Started(event) => {
            // SPEC25 declares `/verify` 200.
            let started = if kind == JobKind::Verification {
                StatusCode::OK
            } else {
                accepted
            };
            (
                started,
                format!(
                    "{}: {call} started on the lifecycle edge {event}",
                    started.as_u16()
                ),
            )
        }
    };
    let answer = explained(member_answer(&world, &guid, status), &rule).map(|response| {
        if started {
            crate::http::explain::job_started(response)
        } else {
            response
        }
    });
    drop(world);
    tenant.wake.notify_one();
    answer
}

/// `answer` with `X-Emulator-Rule: rule`.
fn explained(answer: Answer, rule: &str) -> Answer {
    answer.map(|response| with_rule(response, rule))
}
