//! One tenant: its world behind a lock, its credentials, and what wakes its delivery
//! task.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError, RwLock};
use std::time::Duration;

use chrono::TimeDelta;
use tokio::sync::Notify;

use crate::model::config::Config;
use crate::model::world::World;
use crate::tenant::credentials;

/// One tenant: a client id and API key with their own users, members, clock, fault plan
/// and outbox.
#[derive(Debug)]
pub(crate) struct TenantState {
    world: Mutex<World>,
    pub(crate) client_id: String,
    api_key: String,
    /// Requests per second of virtual time before 429; `None` never limits.
    pub(crate) rate_limit: Option<u32>,
    /// What `POST /emulator/reset` starts again from.
    config: Config,
    base_url: String,
    /// Wakes the delivery task when a webhook is queued or the clock moves.
    pub(crate) wake: Notify,
    pub(crate) webhook_backoff: TimeDelta,
    pub(crate) webhook_retries: u32,
    /// Webhooks in flight at once, each member's in turn.
    pub(crate) webhook_concurrency: usize,
    /// Where this tenant's webhooks go: `Config::webhook_url` until the tenant is given
    /// its own (MX keeps one webhook URL per client, set in its dashboard, so each
    /// tenant may have its own). `None` when the emulator sends no webhooks.
    webhook_url: RwLock<Option<Arc<str>>>,
    /// The webhook sends answered (any status) and the wall time their answers took.
    sends: (AtomicU64, AtomicU64),
}

impl TenantState {
    pub(crate) fn new(config: Config, base_url: String) -> Self {
        Self {
            world: Mutex::new(World::new(&config, base_url.clone())),
            client_id: config.client_id.clone(),
            api_key: config.api_key.clone(),
            rate_limit: config.rate_limit,
            wake: Notify::new(),
            webhook_backoff: mx_aggregation::saturating_delta(config.webhook_backoff),
            webhook_retries: config.webhook_retries,
            webhook_concurrency: config.webhook_concurrency.max(1),
            webhook_url: RwLock::new(config.webhook_url.as_deref().map(Arc::from)),
            sends: (AtomicU64::new(0), AtomicU64::new(0)),
            config,
            base_url,
        }
    }

    /// True when `id` and `key` are this tenant's client id and API key (compared in
    /// constant time).
    pub(crate) fn accepts(&self, id: &[u8], key: &[u8]) -> bool {
        credentials::matches(id, key, &self.client_id, &self.api_key)
    }

    /// The state. A handler that panicked while holding the lock cannot leave it
    /// unusable: the emulator keeps serving with the state as it was left.
    pub(crate) fn lock(&self) -> MutexGuard<'_, World> {
        self.world
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Where the tenant's webhooks go now; `None` when the emulator sends none.
    pub(crate) fn webhook_url(&self) -> Option<Arc<str>> {
        self.webhook_url
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// Sends this tenant's webhooks to `url` from the next delivery on; false (and
    /// nothing changed) when the emulator sends no webhooks (started without
    /// `Config::webhook_url`), since it then queues none.
    pub(crate) fn set_webhook_url(&self, url: &str) -> bool {
        let mut held = self
            .webhook_url
            .write()
            .unwrap_or_else(PoisonError::into_inner);
        if held.is_none() {
            return false;
        }
        *held = Some(Arc::from(url));
        true
    }

    /// Counts one webhook send that was answered after `took` of wall time.
    pub(crate) fn count_send(&self, took: Duration) {
        let micros = u64::try_from(took.as_micros()).unwrap_or(u64::MAX);
        self.sends.0.fetch_add(1, Ordering::Relaxed);
        self.sends.1.fetch_add(micros, Ordering::Relaxed);
    }

    /// The webhook sends answered so far and the wall time their answers took, summed.
    pub(crate) fn sends(&self) -> (u64, Duration) {
        (
            self.sends.0.load(Ordering::Relaxed),
            Duration::from_micros(self.sends.1.load(Ordering::Relaxed)),
        )
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
