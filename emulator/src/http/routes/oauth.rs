//! OAuth: `GET …/oauth_window_uri` hands out a single-use URI on the emulator itself;
//! opening it (`GET /oauth/authorize/{token}`, no credentials, as a browser would) plays
//! the end user authorizing, after which MX aggregates the member. `?outcome=deny` plays
//! a refusal: the aggregation fails with `DENIED`.
//!
//! MX: "create with `is_oauth: true`; load the one-time `oauth_window_uri`; standard
//! aggregation starts after a successful OAuth" (<https://docs.mx.com/api/guides/oauth>).
//!
//! The window's query parameters (SPEC25): `skip_aggregation=true` authorizes without
//! starting the aggregation (the member waits in `UPDATED` for an aggregate call or its
//! background aggregation); `referral_source` (`BROWSER` or `APP`), `enable_app2app`
//! (`true`/`false`) and `ui_message_webview_url_scheme` are accepted and checked;
//! `client_redirect_url` makes the window answer with a 303 redirect to that URL, with
//! `status` (`success` or `error`) and `member_guid` added to its query: MX says it
//! redirects there "with additional query parameters" without naming them, so these are
//! the emulator's.

use axum::extract::Path;
use axum::extract::rejection::PathRejection;
use axum::http::{StatusCode, Uri};
use axum::response::Response;
use serde_json::json;

use crate::http::error::ApiError;
use crate::http::extract::{MemberPath, Tenant, path_error, query_value};
use crate::http::respond;
use crate::http::routes::Answer;
use crate::model::member::OAuthWindow;
use crate::model::requests::oauth::{self, Authorization};
use crate::wire::views;

/// A new single-use OAuth window URI for the member; the previous one stops working.
pub(crate) async fn window_uri(
    Tenant(tenant): Tenant,
    MemberPath { user, member }: MemberPath,
    uri: Uri,
) -> Answer {
    let window = window_options(uri.query())?;
    let mut world = tenant.lock();
    world.tick();
    let (guid, token) = oauth::new_window(&mut world, &user, &member, window)?;
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
    let (guid, window) = oauth::authorize(&mut world, &token, answer, now)?;
    drop(world);
    tenant.wake.notify_one();
    let text = if refuse {
        "Authorization refused. You may close this window."
    } else {
        "Authorization complete. You may close this window."
    };
    Ok(window.client_redirect_url.as_deref().map_or_else(
        || page(text),
        |url| redirect(url, if refuse { "error" } else { "success" }, &guid),
    ))
}

/// The window's options from `GET …/oauth_window_uri`'s query: 400 naming a parameter
/// whose value MX does not define.
fn window_options(query: Option<&str>) -> Result<OAuthWindow, ApiError> {
    let boolean = |key: &str| -> Result<Option<bool>, ApiError> {
        query_value(query, key)?
            .map(|text| match text.as_str() {
                "true" => Ok(true),
                "false" => Ok(false),
                _ => Err(ApiError::bad_request(format!(
                    "{key} must be true or false, got {text:.60}"
                ))),
            })
            .transpose()
    };
    let skip_aggregation = boolean("skip_aggregation")?.unwrap_or(false);
    boolean("enable_app2app")?;
    if let Some(source) = query_value(query, "referral_source")?
        && source != "BROWSER"
        && source != "APP"
    {
        return Err(ApiError::bad_request(format!(
            "referral_source must be BROWSER or APP, got {source:.60}"
        )));
    }
    query_value(query, "ui_message_webview_url_scheme")?;
    let client_redirect_url = query_value(query, "client_redirect_url")?;
    if let Some(url) = &client_redirect_url
        && !url.contains("://")
    {
        return Err(ApiError::bad_request(format!(
            "client_redirect_url must be an absolute URL, got {url:.60}"
        )));
    }
    Ok(OAuthWindow {
        skip_aggregation,
        client_redirect_url,
    })
}

/// A 303 to `url` with `status` and `member_guid` added to its query.
fn redirect(url: &str, status: &str, member_guid: &str) -> Response {
    let separator = if url.contains('?') { '&' } else { '?' };
    let target = format!("{url}{separator}status={status}&member_guid={member_guid}");
    let mut response = Response::new(axum::body::Body::empty());
    *response.status_mut() = StatusCode::SEE_OTHER;
    if let Ok(location) = axum::http::HeaderValue::from_str(&target) {
        response
            .headers_mut()
            .insert(axum::http::header::LOCATION, location);
    }
    response
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
