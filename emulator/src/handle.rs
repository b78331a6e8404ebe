//! The handle a test or the binary holds: [`Emulator`] serves the router on a port and
//! runs the webhook delivery tasks; [`TenantHandle`] acts on one tenant.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

use crate::delivery;
use crate::http::router::build;
use crate::model::config::Config;
use crate::model::faults::FaultPlan;
use crate::tenant::state::TenantState;
use crate::tenant::tenants::Tenants;
use crate::wire;

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
    tenants: Arc<Tenants>,
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

    /// How many of the tenant's webhooks are due by its clock's now and not yet answered:
    /// waiting for the delivery task or being sent. 0 means every webhook MX would have
    /// sent by now was answered (a harness waits for it before moving the clock on).
    pub fn webhooks_due(&self) -> usize {
        let mut world = self.0.lock();
        let now = world.tick();
        world.cx.outbox.due_count(now)
    }

    /// The tenant's outbox: every webhook queued and each attempt's outcome, as
    /// `GET /emulator/webhooks` lists them (`{"id", "type", "member_guid", "state",
    /// "attempts": [{"at", "outcome", "status", "error"}], "body"}`).
    pub fn webhooks(&self) -> Vec<serde_json::Value> {
        self.0
            .lock()
            .cx
            .outbox
            .iter()
            .map(wire::outbox::delivery)
            .collect()
    }

    /// Forgets the tenant's users, members, outbox and faults and restarts its clock
    /// (`POST /emulator/reset`).
    pub fn reset(&self) {
        self.0.reset();
    }

    /// Sends this tenant's webhooks to `url` from the next delivery on, as an MX client
    /// sets its own webhook URL in MX's dashboard; the others keep `Config::webhook_url`.
    /// Returns false, changing nothing, when the emulator sends no webhooks (it was
    /// started without `Config::webhook_url`).
    pub fn set_webhook_url(&self, url: &str) -> bool {
        let changed = self.0.set_webhook_url(url);
        self.0.wake.notify_one();
        changed
    }

    /// The tenant's webhook sends that got an HTTP answer (any status), and the wall time
    /// the receiver took to answer them, summed: how long the webhooks held up a sender
    /// that waits for each answer.
    pub fn webhook_answers(&self) -> (u64, Duration) {
        self.0.sends()
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
        let tenants = Arc::new(Tenants::new(&config, &base_url));
        let app = build(tenants.clone(), config.max_body_bytes);
        let mut tasks = vec![tokio::spawn(async move {
            if let Err(error) = axum::serve(listener, app).await {
                eprintln!("mx-emulator: server stopped: {error}");
            }
        })];
        if config.webhook_url.is_some() {
            for tenant in &tenants.all {
                tasks.push(tokio::spawn(delivery::deliver(tenant.clone())));
            }
        }
        Ok(Self {
            base_url,
            addr,
            tenants,
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
        self.tenants
            .with_client_id(client_id)
            .map(|t| TenantHandle(t.clone()))
    }

    fn first(&self) -> TenantHandle {
        TenantHandle(self.tenants.first().clone())
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
