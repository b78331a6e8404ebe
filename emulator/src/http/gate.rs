//! The gate every request passes before its handler: credentials (401) and the tenant
//! they name, then, on MX's routes, the API version (406), the rate limit (429) and the
//! fault plan. Every answer leaves with `X-Emulator-Rule`, and every answer on MX's
//! routes (and the OAuth window) goes into the tenant's request journal; the control
//! plane's do not, so reading the journal does not change it. The Connect widget's page
//! and its requests need no credentials either (the end user's browser has none): the
//! URL token or session GUID in the path names the tenant, and every widget request but
//! the page's polling (its GETs) is journaled.

use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::http::auth;
use crate::http::error::ApiError;
use crate::http::explain::{JobStarted, RULE_HEADER, set_rule};
use crate::http::extract::{AllTenants, Tenant};
use crate::http::respond;
use crate::http::version;
use crate::model::faults::calls::{CallName, CallRequest};
use crate::model::journal;
use crate::tenant::state::TenantState;
use crate::wire::{views, widget};

/// The path of the OAuth window, which the end user's browser opens without credentials.
pub(crate) const OAUTH_WINDOW_PREFIX: &str = "/oauth/authorize/";

/// Checks credentials before routing (401) and finds the tenant, then the API version
/// (406), the rate limit (429) and the fault plan on MX's routes. The control plane
/// (`/emulator/*`) needs credentials only. Every answer leaves with `X-Emulator-Rule`.
pub(crate) async fn gate(
    State(tenants): State<AllTenants>,
    mut request: Request,
    next: Next,
) -> Response {
    let path = request.uri().path().to_owned();
    let method = request.method().as_str().to_owned();
    if let Some(token) = path.strip_prefix(OAUTH_WINDOW_PREFIX) {
        let tenant = tenants
            .with_token(token)
            .unwrap_or_else(|| tenants.first())
            .clone();
        request.extensions_mut().insert(Tenant(tenant.clone()));
        let response = explained(next.run(request).await, "the OAuth window");
        journal(&tenant, &method, &path, CallName::Other, &response);
        return response;
    }
    if let Some(rest) = path
        .strip_prefix(widget::URL_PREFIX)
        .or_else(|| path.strip_prefix(widget::SESSION_PREFIX))
    {
        let key = rest.split('/').next().unwrap_or("");
        let tenant = tenants
            .with_widget(key)
            .unwrap_or_else(|| tenants.first())
            .clone();
        let polling = method == "GET" && path.starts_with(widget::SESSION_PREFIX);
        request.extensions_mut().insert(Tenant(tenant.clone()));
        let response = explained(next.run(request).await, "the Connect widget");
        if !polling {
            journal(&tenant, &method, &path, CallName::Other, &response);
        }
        return response;
    }
    let tenant = auth::basic_credentials(request.headers())
        .and_then(|(id, key)| tenants.with_credentials(&id, &key).cloned());
    let Some(tenant) = tenant else {
        let mut response = ApiError::new(
            StatusCode::UNAUTHORIZED,
            "missing or invalid Basic credentials",
        )
        .into_response();
        response.headers_mut().insert(
            header::WWW_AUTHENTICATE,
            HeaderValue::from_static("Basic realm=\"mx-emulator\""),
        );
        return response;
    };
    request.extensions_mut().insert(Tenant(tenant.clone()));
    if path.starts_with("/emulator/") {
        return explained(next.run(request).await, "the emulator's control plane");
    }
    let call = CallRequest::of(&method, &path);
    let response = answer(&tenant, &call, request, next).await;
    journal(&tenant, &method, &path, call.name, &response);
    response
}

/// The answer to a request on MX's routes, past the credentials check: 406, 429, a
/// fault, or the handler's.
async fn answer(
    tenant: &TenantState,
    call: &CallRequest<'_>,
    request: Request,
    next: Next,
) -> Response {
    if version::requested(request.headers()).is_none() {
        let mut response = ApiError::new(
            StatusCode::NOT_ACCEPTABLE,
            "no valid API version: send Accept: application/json and Accept-Version: v20250224",
        )
        .into_response();
        set_rule(response.headers_mut(), "406: no valid API version");
        return response;
    }
    if let Some(limit) = tenant.rate_limit
        && let Some(retry_after) = tenant.lock().over_rate_limit(limit)
    {
        let text = format!("rate limit exceeded: more than {limit} requests this second");
        let mut response =
            ApiError::new(StatusCode::TOO_MANY_REQUESTS, text.clone()).into_response();
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(retry_after));
        set_rule(response.headers_mut(), &format!("429: {text}"));
        return response;
    }
    if let Some(response) = fault(tenant, call) {
        return response;
    }
    explained(next.run(request).await, call.name.name())
}

/// Records the answer to a request in the tenant's journal: `job_started` for the calls
/// that can start a job, from the handler's [`JobStarted`] mark.
fn journal(tenant: &TenantState, method: &str, path: &str, call: CallName, response: &Response) {
    let rule = response
        .headers()
        .get(RULE_HEADER)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let job_started =
        journal::can_start_a_job(call).then(|| response.extensions().get::<JobStarted>().is_some());
    let mut world = tenant.lock();
    let at = world.clock.now().max(world.now);
    world.journal.push(&journal::Record {
        at,
        method,
        path,
        status: response.status().as_u16(),
        rule,
        job_started,
    });
}

/// The answer of the fault plan's rule for `call`, if one fires.
fn fault(tenant: &TenantState, call: &CallRequest<'_>) -> Option<Response> {
    let mut world = tenant.lock();
    let fault = world.cx.faults.decide(call)?;
    let status = StatusCode::from_u16(fault.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut response = if status == StatusCode::ACCEPTED {
        // MX's 202 that starts nothing: the member as it is, when there is one.
        world.tick();
        let member = call.user.zip(call.member).and_then(|(user, member)| {
            let guid = world.member_guid(user, member).ok()?;
            let member = world.member(&guid)?;
            Some(serde_json::json!({ "member": views::member(member, &world.cx.base_url) }))
        });
        respond::json(status, &member.unwrap_or_else(|| serde_json::json!({})))
    } else {
        ApiError::new(status, fault.message).into_response()
    };
    drop(world);
    let headers = response.headers_mut();
    if let Some(seconds) = fault.retry_after {
        headers.insert(header::RETRY_AFTER, HeaderValue::from(seconds));
    }
    set_rule(headers, &fault.explanation);
    Some(response)
}

/// Adds `X-Emulator-Rule` when the handler named no rule: the status and `what` answered.
fn explained(mut response: Response, what: &str) -> Response {
    if !response.headers().contains_key(RULE_HEADER) {
        let status = response.status().as_u16();
        let text = format!("{status}: {what}, answered from the emulator's state");
        set_rule(response.headers_mut(), &text);
    }
    response
}
