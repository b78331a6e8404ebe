//! The gate every request passes before its handler: credentials (401) and the tenant
//! they name, then, on MX's routes, the API version (406), the rate limit (429) and the
//! fault plan. Every answer leaves with `X-Emulator-Rule`.

use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::http::auth;
use crate::http::error::ApiError;
use crate::http::explain::{RULE_HEADER, set_rule};
use crate::http::extract::{AllTenants, Tenant};
use crate::http::respond;
use crate::http::version;
use crate::model::faults::calls::CallRequest;
use crate::tenant::state::TenantState;
use crate::wire::views;

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
    if let Some(token) = path.strip_prefix(OAUTH_WINDOW_PREFIX) {
        let tenant = tenants
            .with_token(token)
            .unwrap_or_else(|| tenants.first())
            .clone();
        request.extensions_mut().insert(Tenant(tenant));
        return explained(next.run(request).await, "the OAuth window");
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
    if version::requested(request.headers()).is_none() {
        return ApiError::new(
            StatusCode::NOT_ACCEPTABLE,
            "no valid API version: send Accept: application/json and Accept-Version: v20250224",
        )
        .into_response();
    }
    if let Some(limit) = tenant.rate_limit
        && let Some(retry_after) = tenant.lock().over_rate_limit(limit)
    {
        let mut response = ApiError::new(
            StatusCode::TOO_MANY_REQUESTS,
            format!("rate limit exceeded: more than {limit} requests this second"),
        )
        .into_response();
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(retry_after));
        return response;
    }
    let method = request.method().as_str().to_owned();
    let call = CallRequest::of(&method, &path);
    if let Some(response) = fault(&tenant, &call) {
        return response;
    }
    let name = call.name.name();
    explained(next.run(request).await, name)
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
