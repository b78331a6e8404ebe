//! One tenant: its world behind a lock, its credentials, and what wakes its delivery
//! task.

use std::sync::{Mutex, MutexGuard};

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
