//! The dashboard: `GET /emulator/ui`, one page per tenant (behind the same Basic auth as
//! the API, so a browser asks for the client id and API key), showing what the control
//! plane's JSON shows — the members, a member's trace, the webhook outbox with a redeliver
//! button, the request journal, the fault plan with its counters, and the virtual clock
//! with an advance control — refreshed every second. `GET /emulator/members` is the list
//! the page reads: every member of the tenant, whichever user it belongs to.

use axum::body::Body;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::Response;
use mx_aggregation::ConnectionStatus;
use serde_json::json;

use crate::http::extract::Tenant;
use crate::http::respond;
use crate::http::routes::Answer;
use crate::wire::views;

const PAGE: &str = include_str!("../assets/dashboard.html");
const COMMON_CSS: &str = include_str!("../assets/common.css");
const DASHBOARD_CSS: &str = include_str!("../assets/dashboard.css");
const SCRIPT: &str = include_str!("../assets/dashboard.js");

/// `GET /emulator/ui`: the dashboard of the tenant whose credentials the browser sent.
pub(crate) async fn ui(Tenant(tenant): Tenant) -> Response {
    let now = tenant.lock().tick();
    let now = views::rfc3339(now);
    let config = json!({
        "client_id": tenant.client_id,
        "statuses": ConnectionStatus::ALL.map(ConnectionStatus::as_str),
    });
    let page = PAGE
        .replace("{{STYLE}}", &format!("{COMMON_CSS}{DASHBOARD_CSS}"))
        .replace("{{CLIENT_ID}}", &escape(&tenant.client_id))
        .replace("{{NOW}}", &now)
        .replace("{{SCRIPT}}", SCRIPT)
        .replace("{{CONFIG}}", &config.to_string().replace('<', "\\u003c"));
    let mut response = Response::new(Body::from(page));
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// Text safe inside HTML.
fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// `GET /emulator/members`: `{"members": [MemberResponse + "created_at"]}`, every member
/// of the tenant in creation order.
pub(crate) async fn members(Tenant(tenant): Tenant) -> Answer {
    let mut world = tenant.lock();
    world.tick();
    let base = world.cx.base_url.clone();
    let list: Vec<_> = world
        .roster
        .all_members()
        .map(|m| {
            let mut view = views::member(m, &base);
            view["created_at"] = json!(views::rfc3339(m.created_at));
            view
        })
        .collect();
    Ok(respond::json(StatusCode::OK, &json!({ "members": list })))
}
