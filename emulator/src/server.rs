//! The HTTP server: the gate every request passes (authentication, API version, rate
//! limit), the routes, and [`Emulator`], the handle a test or the binary holds.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use axum::Router;
use axum::extract::{DefaultBodyLimit, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use chrono::{DateTime, TimeDelta, Utc};
use tokio::net::TcpListener;
use tokio::sync::Notify;
use tokio::task::JoinHandle;

use crate::auth;
use crate::config::Config;
use crate::error::ApiError;
use crate::routes;
use crate::version;
use crate::webhooks;
use crate::world::World;

/// What every handler shares: the state and the settings the gate needs.
#[derive(Debug)]
pub(crate) struct Shared {
    world: Mutex<World>,
    client_id: String,
    api_key: String,
    rate_limit: Option<u32>,
    pub(crate) wake: Notify,
    pub(crate) webhook_backoff: TimeDelta,
    pub(crate) webhook_retries: u32,
}

impl Shared {
    pub(crate) fn new(config: &Config, base_url: String) -> Self {
        Self {
            world: Mutex::new(World::new(config, base_url)),
            client_id: config.client_id.clone(),
            api_key: config.api_key.clone(),
            rate_limit: config.rate_limit,
            wake: Notify::new(),
            webhook_backoff: TimeDelta::from_std(config.webhook_backoff).unwrap_or(TimeDelta::MAX),
            webhook_retries: config.webhook_retries,
        }
    }

    /// The state. A handler that panicked while holding the lock cannot leave it
    /// unusable: the emulator keeps serving with the state as it was left.
    pub(crate) fn lock(&self) -> MutexGuard<'_, World> {
        self.world
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// The application state of the router.
pub(crate) type App = Arc<Shared>;

/// The emulator's routes behind its gate, for `config`, answering as if served at
/// `base_url` (which appears in OAuth window URIs).
///
/// Use it to drive the emulator in-process (e.g. with `tower::ServiceExt::oneshot`). It
/// runs no background task: MX's moves happen when a request looks, and no webhook is
/// delivered; [`Emulator::start`] adds the delivery task.
pub fn router(config: &Config, base_url: &str) -> Router {
    build(
        Arc::new(Shared::new(config, base_url.to_owned())),
        config.max_body_bytes,
    )
}

fn build(shared: App, max_body_bytes: usize) -> Router {
    let member = "/users/{user}/members/{member}";
    Router::new()
        .route("/users", post(routes::users::create))
        .route(
            "/users/{user}",
            get(routes::users::read).delete(routes::users::delete),
        )
        .route(
            "/users/{user}/members",
            get(routes::members::list).post(routes::members::create),
        )
        .route(
            member,
            get(routes::members::read)
                .put(routes::members::update)
                .delete(routes::members::delete),
        )
        .route(&format!("{member}/status"), get(routes::members::status))
        .route(
            &format!("{member}/challenges"),
            get(routes::mfa::challenges),
        )
        .route(&format!("{member}/resume"), put(routes::mfa::resume))
        .route(
            &format!("{member}/aggregate"),
            post(routes::jobs::aggregate),
        )
        .route(&format!("{member}/verify"), post(routes::jobs::verify))
        .route(&format!("{member}/identify"), post(routes::jobs::identify))
        .route(
            &format!("{member}/oauth_window_uri"),
            get(routes::oauth::window_uri),
        )
        .route(
            "/institutions/{code}/credentials",
            get(routes::institutions::credentials),
        )
        .route("/oauth/authorize/{token}", get(routes::oauth::authorize))
        .route("/emulator/clock", post(routes::control::clock))
        .fallback(|| async { ApiError::not_found("no such route") })
        .method_not_allowed_fallback(|| async {
            ApiError::new(
                StatusCode::METHOD_NOT_ALLOWED,
                "method not allowed on this route",
            )
        })
        .layer(middleware::from_fn_with_state(shared.clone(), gate))
        .layer(DefaultBodyLimit::max(max_body_bytes))
        .with_state(shared)
}

/// The path of the OAuth window, which the end user's browser opens without credentials.
pub(crate) const OAUTH_WINDOW_PREFIX: &str = "/oauth/authorize/";

/// Checks credentials before routing (401), then the API version (406) and the rate limit
/// (429) on MX's routes. The control plane (`/emulator/*`) needs credentials only.
async fn gate(State(shared): State<App>, request: Request, next: Next) -> Response {
    let path = request.uri().path();
    if path.starts_with(OAUTH_WINDOW_PREFIX) {
        return next.run(request).await;
    }
    if !auth::is_authorized(request.headers(), &shared.client_id, &shared.api_key) {
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
    }
    if !path.starts_with("/emulator/") {
        if version::requested(request.headers()).is_none() {
            return ApiError::new(
                StatusCode::NOT_ACCEPTABLE,
                "no valid API version: send Accept: application/json and Accept-Version: v20250224",
            )
            .into_response();
        }
        if let Some(limit) = shared.rate_limit
            && let Some(retry_after) = over_rate_limit(&shared, limit)
        {
            let mut response =
                ApiError::new(StatusCode::TOO_MANY_REQUESTS, "rate limit exceeded").into_response();
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(retry_after));
            return response;
        }
    }
    next.run(request).await
}

/// Counts the request in the current second of the virtual clock; when over `limit`,
/// the seconds to wait.
fn over_rate_limit(shared: &Shared, limit: u32) -> Option<u64> {
    let mut world = shared.lock();
    let second = world.clock.now().timestamp();
    if world.rate.second != second {
        world.rate.second = second;
        world.rate.count = 0;
    }
    world.rate.count = world.rate.count.saturating_add(1);
    (world.rate.count > limit).then_some(1)
}

/// A running emulator: the server on its port and its webhook delivery task.
#[derive(Debug)]
pub struct Emulator {
    base_url: String,
    addr: SocketAddr,
    shared: App,
    tasks: Vec<JoinHandle<()>>,
}

impl Emulator {
    /// Binds `config.addr` (port 0 picks a free port) and serves on the current tokio
    /// runtime until [`Emulator::shutdown`] or drop.
    ///
    /// # Errors
    /// When the address cannot be bound.
    pub async fn start(config: Config) -> std::io::Result<Self> {
        let listener = TcpListener::bind(config.addr).await?;
        let addr = listener.local_addr()?;
        let base_url = format!("http://{addr}");
        let shared = Arc::new(Shared::new(&config, base_url.clone()));
        let app = build(shared.clone(), config.max_body_bytes);
        let mut tasks = vec![tokio::spawn(async move {
            if let Err(error) = axum::serve(listener, app).await {
                eprintln!("mx-emulator: server stopped: {error}");
            }
        })];
        if let Some(url) = config.webhook_url.clone() {
            tasks.push(tokio::spawn(webhooks::deliver(shared.clone(), url)));
        }
        Ok(Self {
            base_url,
            addr,
            shared,
            tasks,
        })
    }

    /// `http://127.0.0.1:PORT`: what a service uses as MX's base URL.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The address the server listens on.
    pub const fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// The virtual time now.
    pub fn now(&self) -> DateTime<Utc> {
        self.shared.lock().tick()
    }

    /// Moves the virtual clock `by` forward, plays everything due by then, and returns the
    /// new time; `None` when the time would leave the years 0000-9999.
    pub fn advance_clock(&self, by: Duration) -> Option<DateTime<Utc>> {
        let now = {
            let mut world = self.shared.lock();
            let now = world.clock.advance(by)?;
            world.advance_to(now);
            now
        };
        self.shared.wake.notify_one();
        Some(now)
    }

    /// The moves members made that the lifecycle table lacks, as `MEMBER: FROM --EVENT--> TO`
    /// lines; empty when the emulator stayed on the model.
    pub fn off_model_moves(&self) -> Vec<String> {
        self.shared.lock().cx.off_model.clone()
    }

    /// Serves until the server task ends (the binary's main loop).
    pub async fn wait(mut self) {
        if let Some(server) = self.tasks.first_mut() {
            let _ = server.await;
        }
    }

    /// Stops the server and the delivery task.
    pub fn shutdown(self) {
        drop(self);
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        for task in &self.tasks {
            task.abort();
        }
    }
}
