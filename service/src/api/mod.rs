//! The HTTP API (axum): users, members and what the end user does with them, the
//! stored data, MX's webhooks, health, metrics and the scheduler's state. Every route
//! but `/webhooks/mx`, `/healthz`, `/metrics` and `/scheduler` needs `Authorization: Bearer T` when a token is set,
//! checked before routing (a wrong token is `401` on any path, known or not).
//!
//! Files: `error`, `state` ← `users`, `members`, `data`, `webhooks`, `ops` ← this one.

mod data;
mod error;
mod members;
mod ops;
mod state;
mod users;
mod webhooks;

use axum::Router;
use axum::extract::{Request, State};
use axum::http::header::AUTHORIZATION;
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};

pub use error::ApiError;
pub use state::AppState;

use state::constant_time_eq;

/// The paths open without the bearer token: MX's webhooks (Basic auth of their own),
/// and the probes.
const OPEN: [&str; 4] = ["/webhooks/mx", "/healthz", "/metrics", "/scheduler"];

/// The routes.
pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/users", post(users::create))
        .route("/users/{user}/members", post(members::create))
        .route("/members/{member}", get(members::show))
        .route("/members/{member}/mfa", post(members::mfa))
        .route(
            "/members/{member}/credentials",
            axum::routing::put(members::credentials),
        )
        .route("/members/{member}/aggregate", post(members::aggregate))
        .route("/members/{member}/accounts", get(data::accounts))
        .route("/members/{member}/transactions", get(data::transactions))
        .route("/webhooks/mx", post(webhooks::receive))
        .route("/healthz", get(ops::healthz))
        .route("/metrics", get(ops::metrics))
        .route("/scheduler", get(ops::scheduler))
        .fallback(|| async { ApiError::not_found("no such route") })
        .layer(middleware::from_fn_with_state(state.clone(), bearer))
        .with_state(state)
}

/// The bearer token check, on every path but [`OPEN`].
async fn bearer(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let Some(token) = state.api_token.as_deref() else {
        return next.run(request).await;
    };
    if OPEN.contains(&request.uri().path()) {
        return next.run(request).await;
    }
    let given = request
        .headers()
        .get(AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.strip_prefix("Bearer "));
    if given.is_some_and(|given| constant_time_eq(given.as_bytes(), token.as_bytes())) {
        next.run(request).await
    } else {
        ApiError::unauthorized("Authorization: Bearer <token> is missing or wrong").into_response()
    }
}
