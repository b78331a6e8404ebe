//! OAuth: `GET …/oauth_window_uri` hands out a single-use URI on the emulator itself;
//! opening it (`GET /oauth/authorize/{token}`, no credentials, as a browser would) plays
//! the end user authorizing, after which MX aggregates the member. `?outcome=deny` plays
//! a refusal: the aggregation fails with `DENIED`.
//!
//! MX: "create with `is_oauth: true`; load the one-time `oauth_window_uri`; standard
//! aggregation starts after a successful OAuth" (<https://docs.mx.com/api/guides/oauth>).

use axum::extract::Path;
use axum::extract::rejection::PathRejection;
use axum::http::{StatusCode, Uri};
use axum::response::Response;
use mx_aggregation::ConnectionStatus;
use serde_json::json;

use crate::http::error::ApiError;
use crate::http::extract::{MemberPath, Tenant, path_error};
use crate::http::respond;
use crate::http::routes::Answer;
use crate::model::member::JobKind;
use crate::model::moves;
use crate::model::mxbank::Outcome;
use mx_aggregation_tooling::lifecycle::{LifecycleEvent as E, Node};

use crate::model::world::World;
use crate::wire::views;

/// A new single-use OAuth window URI for the member; the previous one stops working.
pub(crate) async fn window_uri(
    Tenant(tenant): Tenant,
    MemberPath { user, member }: MemberPath,
) -> Answer {
    let mut world = tenant.lock();
    world.tick();
    let guid = world.member_guid(&user, &member)?;
    let token = world.cx.ids.token();
    let World {
        members,
        index,
        oauth_tokens,
        cx,
        ..
    } = &mut *world;
    let member = index
        .get(&guid)
        .and_then(|seq| members.get_mut(seq))
        .ok_or_else(|| ApiError::not_found("member not found"))?;
    if !member.is_oauth {
        return Err(ApiError::bad_request("the member does not use OAuth"));
    }
    if let Some(old) = member.oauth_token.replace(token.clone()) {
        oauth_tokens.remove(&old);
    }
    oauth_tokens.insert(token.clone(), guid.clone());
    let uri = views::oauth_uri(&cx.base_url, &token);
    Ok(respond::json(
        StatusCode::OK,
        &json!({ "member": { "guid": guid, "oauth_window_uri": uri } }),
    ))
}

/// The end user completes (or refuses) authorization in the OAuth window.
pub(crate) async fn authorize(
    Tenant(tenant): Tenant,
    path: Result<Path<String>, PathRejection>,
    uri: Uri,
) -> Answer {
    let Path(token) = path.map_err(path_error)?;
    let refuse = uri.query().unwrap_or("").split('&').any(|pair| {
        pair == "outcome=deny" || pair == "outcome=denied" || pair.starts_with("error=")
    });
    let mut world = tenant.lock();
    let now = world.tick();
    let guid = world
        .oauth_tokens
        .remove(&token)
        .ok_or_else(|| ApiError::not_found("this OAuth window is unknown or was already used"))?;
    let World {
        members, index, cx, ..
    } = &mut *world;
    let member = index
        .get(&guid)
        .and_then(|seq| members.get_mut(seq))
        .ok_or_else(|| ApiError::not_found("member not found"))?;
    member.oauth_token = None;
    if member.job.is_some() {
        return Err(ApiError::conflict("a job is running on this member"));
    }
    if !refuse {
        member.oauth_authorized = true;
    }
    // A member past its first authorization is re-authorized: MX treats that as new
    // credentials.
    if !moves::has_edge(member, E::AutomaticAggregation) {
        moves::follow(
            member,
            cx,
            now,
            E::UpdateCredentials,
            Node::Status(ConnectionStatus::Updated),
        );
    }
    let outcome = if refuse {
        Outcome::Fail(ConnectionStatus::Denied)
    } else {
        Outcome::Connect
    };
    moves::start(
        member,
        cx,
        now,
        E::AutomaticAggregation,
        JobKind::Aggregation,
        outcome,
    );
    drop(world);
    tenant.wake.notify_one();
    Ok(page(if refuse {
        "Authorization refused. You may close this window."
    } else {
        "Authorization complete. You may close this window."
    }))
}

fn page(text: &str) -> Response {
    let mut response = Response::new(axum::body::Body::from(format!(
        "<!doctype html><title>MX emulator</title><p>{text}</p>"
    )));
    response.headers_mut().insert(
        axum::http::header::CONTENT_TYPE,
        axum::http::HeaderValue::from_static("text/html; charset=utf-8"),
    );
    response
}
