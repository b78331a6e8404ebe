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
use serde_json::json;

use crate::http::extract::{MemberPath, Tenant, path_error};
use crate::http::respond;
use crate::http::routes::Answer;
use crate::model::requests::oauth::{self, Authorization};
use crate::wire::views;

/// A new single-use OAuth window URI for the member; the previous one stops working.
pub(crate) async fn window_uri(
    Tenant(tenant): Tenant,
    MemberPath { user, member }: MemberPath,
) -> Answer {
    let mut world = tenant.lock();
    world.tick();
    let (guid, token) = oauth::new_window(&mut world, &user, &member)?;
    let uri = views::oauth_uri(&world.cx.base_url, &token);
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
    let answer = if refuse {
        Authorization::Refused
    } else {
        Authorization::Granted
    };
    let mut world = tenant.lock();
    let now = world.tick();
    oauth::authorize(&mut world, &token, answer, now)?;
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
