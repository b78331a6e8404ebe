//! The HTTP server: the gate every request passes (authentication, API version, rate
//! limit), the routes, and [`Emulator`], the handle a test or the binary holds.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use axum::Router;
use axum::extract::{DefaultBodyLimit, FromRequestParts, Request, State};
use axum::http::request::Parts;
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
use crate::explain::{RULE_HEADER, set_rule};
use crate::faults::{Call, FaultPlan};
use crate::respond;
use crate::routes;
use crate::version;
use crate::webhooks;
use crate::world::World;

/// One tenant: a client id and API key with their own users, members, clock, fault plan
/// and outbox, so parallel tests sharing an emulator do not collide.
#[derive(Debug)]
pub(crate) struct TenantState {
    world: Mutex<World>,
    client_id: String,
    api_key: String,
    rate_limit: Option<u32>,
    /// What `POST /emulator/reset` starts again from.
    config: Config,
    base_url: String,
    pub(crate) wake: Notify,
    pub(crate) webhook_backoff: TimeDelta,
    pub(crate) webhook_retries: u32,
}

impl TenantState {
    fn new(config: Config, base_url: String) -> Self {
        Self {
            world: Mutex::new(World::new(&config, base_url.clone())),
            client_id: config.client_id.clone(),
            api_key: config.api_key.clone(),
            rate_limit: config.rate_limit,
            wake: Notify::new(),
            webhook_backoff: TimeDelta::from_std(config.webhook_backoff).unwrap_or(TimeDelta::MAX),
            webhook_retries: config.webhook_retries,
            config,
            base_url,
        }
    }

    /// The state. A handler that panicked while holding the lock cannot leave it
    /// unusable: the emulator keeps serving with the state as it was left.
    pub(crate) fn lock(&self) -> MutexGuard<'_, World> {
        self.world
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Forgets everything: users, members, throttle records, the outbox, the fault plan
    /// (back to the configured one) and the clock (back to its start).
    pub(crate) fn reset(&self) {
        let mut world = self.lock();
        let generation = world.generation.wrapping_add(1);
        *world = World::new(&self.config, self.base_url.clone());
        world.generation = generation;
        drop(world);
        self.wake.notify_one();
    }
}

/// Every tenant; the first is `--client-id`/`--api-key`.
#[derive(Debug)]
pub(crate) struct Shared {
    tenants: Vec<Arc<TenantState>>,
}

impl Shared {
    fn new(config: &Config, base_url: &str) -> Self {
        let mut pairs = vec![(config.client_id.clone(), config.api_key.clone())];
        pairs.extend(config.tenants.iter().cloned());
        let tenants = pairs
            .into_iter()
            .zip(0_u64..)
            .map(|((client_id, api_key), n)| {
                let mut own = config.clone();
                own.client_id = client_id;
                own.api_key = api_key;
                own.tenants = Vec::new();
                // Each tenant its own GUIDs: a GUID names one member in the whole emulator.
                own.seed = config
                    .seed
                    .wrapping_add(n.wrapping_mul(0x9e37_79b9_7f4a_7c15));
                Arc::new(TenantState::new(own, base_url.to_owned()))
            })
            .collect();
        Self { tenants }
    }

    /// The tenant whose credentials the request carries (checked in constant time
    /// against each tenant).
    fn tenant_for(&self, headers: &axum::http::HeaderMap) -> Option<&Arc<TenantState>> {
        self.tenants
            .iter()
            .find(|t| auth::is_authorized(headers, &t.client_id, &t.api_key))
    }

    /// The tenant holding the OAuth window `token` (the end user's browser carries no
    /// credentials).
    fn tenant_with_token(&self, token: &str) -> Option<&Arc<TenantState>> {
        self.tenants
            .iter()
            .find(|t| t.lock().oauth_tokens.contains_key(token))
    }

    fn first(&self) -> &Arc<TenantState> {
        // `Shared::new` always makes the first tenant.
        &self.tenants[0]
    }
}

/// The application state of the router.
pub(crate) type App = Arc<Shared>;

/// The tenant of the request, which the gate found from its credentials.
#[derive(Debug, Clone)]
pub(crate) struct Tenant(pub(crate) Arc<TenantState>);

impl FromRequestParts<App> for Tenant {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &App) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<Self>()
            .cloned()
            .ok_or_else(|| ApiError::new(StatusCode::UNAUTHORIZED, "no tenant"))
    }
}

/// The emulator's routes behind its gate, for `config`, answering as if served at
/// `base_url` (which appears in OAuth window URIs).
///
/// Use it to drive the emulator in-process (e.g. with `tower::ServiceExt::oneshot`). It
/// runs no background task: MX's moves happen when a request looks, and no webhook is
/// delivered; [`Emulator::start`] adds the delivery task.
pub fn router(config: &Config, base_url: &str) -> Router {
    build(
        Arc::new(Shared::new(config, base_url)),
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
        .route("/emulator/reset", post(routes::control::reset))
        .route(
            "/emulator/faults",
            get(routes::control::faults)
                .post(routes::control::load_faults)
                .put(routes::control::load_faults)
                .delete(routes::control::clear_faults),
        )
        .route("/emulator/webhooks", get(routes::control::webhooks))
        .route(
            "/emulator/webhooks/{id}/redeliver",
            post(routes::control::redeliver),
        )
        .route(
            "/emulator/members/{member}/trace",
            get(routes::control::trace),
        )
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

/// Checks credentials before routing (401) and finds the tenant, then the API version
/// (406), the rate limit (429) and the fault plan on MX's routes. The control plane
/// (`/emulator/*`) needs credentials only. Every answer leaves with `X-Emulator-Rule`.
async fn gate(State(shared): State<App>, mut request: Request, next: Next) -> Response {
    let path = request.uri().path().to_owned();
    if let Some(token) = path.strip_prefix(OAUTH_WINDOW_PREFIX) {
        let tenant = shared
            .tenant_with_token(token)
            .unwrap_or_else(|| shared.first())
            .clone();
        request.extensions_mut().insert(Tenant(tenant));
        return explained(next.run(request).await, "the OAuth window");
    }
    let Some(tenant) = shared.tenant_for(request.headers()).cloned() else {
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
        && let Some(retry_after) = over_rate_limit(&tenant, limit)
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
    let call = Call::of(&method, &path);
    if let Some(response) = fault(&tenant, &call) {
        return response;
    }
    let kind = call.kind;
    explained(next.run(request).await, kind)
}

/// The answer of the fault plan's rule for `call`, if one fires.
fn fault(tenant: &TenantState, call: &Call<'_>) -> Option<Response> {
    let mut world = tenant.lock();
    let fault = world.cx.faults.decide(call)?;
    let status = StatusCode::from_u16(fault.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut response = if status == StatusCode::ACCEPTED {
        // MX's 202 that starts nothing: the member as it is, when there is one.
        world.tick();
        let member = call.user.zip(call.member).and_then(|(user, member)| {
            let guid = routes::member_guid(&world, user, member).ok()?;
            let member = world.member(&guid)?;
            Some(serde_json::json!({ "member": crate::views::member(member, &world.cx.base_url) }))
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

/// Counts the request in the current second of the virtual clock; when over `limit`,
/// the seconds to wait.
fn over_rate_limit(tenant: &TenantState, limit: u32) -> Option<u64> {
    let mut world = tenant.lock();
    let second = world.clock.now().timestamp();
    if world.rate.second != second {
        world.rate.second = second;
        world.rate.count = 0;
    }
    world.rate.count = world.rate.count.saturating_add(1);
    (world.rate.count > limit).then_some(1)
}

/// A running emulator: the server on its port and its webhook delivery tasks.
///
/// The methods act on the first tenant (`Config::client_id`); [`Emulator::tenant`] finds
/// the others.
///
/// ```
/// use std::time::Duration;
/// use mx_emulator::{Config, Emulator, FaultPlan};
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let mut config = Config::new("client", "key");
/// config.real_time = false; // jobs move only when the test moves the clock
/// config.webhook_url = Some("http://127.0.0.1:9/hooks".to_owned());
/// let emulator = Emulator::start(config).await?; // 127.0.0.1 on a free port
/// let base_url = emulator.base_url(); // point the service under test here
/// assert!(base_url.starts_with("http://127.0.0.1:"));
///
/// // Two 429s for the next two aggregations, then MX's normal answers.
/// emulator.load_faults(FaultPlan::from_json(
///     r#"{"rules": [{"call": "aggregate", "sequence": [429, 429]}]}"#,
/// )?);
///
/// // … the service under test creates members, aggregates …
/// let before = emulator.now();
/// let after = emulator.advance_clock(Duration::from_secs(3 * 3600)).expect("in range");
/// assert_eq!((after - before).num_hours(), 3);
///
/// // Every webhook queued so far and each attempt's outcome.
/// assert!(emulator.webhooks().is_empty());
/// emulator.reset(); // a fresh tenant for the next test
/// # Ok(()) }
/// ```
#[derive(Debug)]
pub struct Emulator {
    base_url: String,
    addr: SocketAddr,
    shared: App,
    tasks: Vec<JoinHandle<()>>,
}

/// One tenant of a running emulator ([`Emulator::tenant`]).
#[derive(Debug, Clone)]
pub struct TenantHandle(Arc<TenantState>);

impl TenantHandle {
    /// The tenant's virtual time now.
    pub fn now(&self) -> DateTime<Utc> {
        self.0.lock().tick()
    }

    /// Moves the tenant's virtual clock `by` forward, plays everything due by then, and
    /// returns the new time; `None` when the time would leave the years 0000-9999.
    pub fn advance_clock(&self, by: Duration) -> Option<DateTime<Utc>> {
        let now = {
            let mut world = self.0.lock();
            world.tick();
            let now = world.clock.advance(by)?;
            world.advance_to(now);
            now
        };
        self.0.wake.notify_one();
        Some(now)
    }

    /// Replaces the tenant's fault plan (its webhook faults too, when the plan has some).
    pub fn load_faults(&self, plan: FaultPlan) {
        self.0.lock().cx.faults.load(plan);
    }

    /// The tenant's outbox: every webhook queued and each attempt's outcome, as
    /// `GET /emulator/webhooks` lists them (`{"id", "type", "member_guid", "state",
    /// "attempts": [{"at", "outcome", "status", "error"}], "body"}`).
    pub fn webhooks(&self) -> Vec<serde_json::Value> {
        self.0
            .lock()
            .cx
            .outbox
            .deliveries
            .iter()
            .map(crate::webhooks::Delivery::view)
            .collect()
    }

    /// Forgets the tenant's users, members, outbox and faults and restarts its clock
    /// (`POST /emulator/reset`).
    pub fn reset(&self) {
        self.0.reset();
    }

    /// The moves members made that the lifecycle table lacks, as `MEMBER: FROM --EVENT--> TO`
    /// lines; empty when the emulator stayed on the model.
    pub fn off_model_moves(&self) -> Vec<String> {
        self.0.lock().cx.off_model.clone()
    }
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
        let shared = Arc::new(Shared::new(&config, &base_url));
        let app = build(shared.clone(), config.max_body_bytes);
        let mut tasks = vec![tokio::spawn(async move {
            if let Err(error) = axum::serve(listener, app).await {
                eprintln!("mx-emulator: server stopped: {error}");
            }
        })];
        if let Some(url) = config.webhook_url.clone() {
            for tenant in &shared.tenants {
                tasks.push(tokio::spawn(webhooks::deliver(tenant.clone(), url.clone())));
            }
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

    /// The tenant with `client_id`, if there is one.
    pub fn tenant(&self, client_id: &str) -> Option<TenantHandle> {
        self.shared
            .tenants
            .iter()
            .find(|t| t.client_id == client_id)
            .map(|t| TenantHandle(t.clone()))
    }

    fn first(&self) -> TenantHandle {
        TenantHandle(self.shared.first().clone())
    }

    /// The virtual time now.
    pub fn now(&self) -> DateTime<Utc> {
        self.first().now()
    }

    /// Moves the virtual clock `by` forward, plays everything due by then, and returns the
    /// new time; `None` when the time would leave the years 0000-9999.
    pub fn advance_clock(&self, by: Duration) -> Option<DateTime<Utc>> {
        self.first().advance_clock(by)
    }

    /// Replaces the fault plan (`POST /emulator/faults`).
    pub fn load_faults(&self, plan: FaultPlan) {
        self.first().load_faults(plan);
    }

    /// The outbox (`GET /emulator/webhooks`): see [`TenantHandle::webhooks`].
    pub fn webhooks(&self) -> Vec<serde_json::Value> {
        self.first().webhooks()
    }

    /// Forgets everything and restarts the clock (`POST /emulator/reset`).
    pub fn reset(&self) {
        self.first().reset();
    }

    /// The moves members made that the lifecycle table lacks, as `MEMBER: FROM --EVENT--> TO`
    /// lines; empty when the emulator stayed on the model.
    pub fn off_model_moves(&self) -> Vec<String> {
        self.first().off_model_moves()
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
