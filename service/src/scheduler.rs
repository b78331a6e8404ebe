//! The scheduler loop around the pure rules: claim due members (at most
//! `--concurrency` drives at once, none before MX's global `Retry-After`), drive each
//! with the end user absent, and on shutdown stop claiming, let running drives finish
//! for a grace period and give the rest back.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use tokio::sync::{Semaphore, watch};

use crate::drive::{Intent, Worker};
use crate::store::Claimed;

/// How often the scheduler looks for due members.
const TICK: Duration = Duration::from_millis(200);

/// The drives running in this process, by a local number, with their claims: what
/// shutdown waits for and gives back.
#[derive(Debug, Clone, Default)]
pub struct Running {
    drives: Arc<Mutex<HashMap<u64, Claimed>>>,
    next: Arc<AtomicU64>,
}

impl Running {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<u64, Claimed>> {
        self.drives.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Runs `intent` on `claimed` in the background, tracked until it ends.
    pub fn spawn(
        &self,
        worker: &Worker,
        claimed: Claimed,
        intent: Intent,
        permit: Option<tokio::sync::OwnedSemaphorePermit>,
    ) {
        let id = self.next.fetch_add(1, Ordering::Relaxed);
        self.lock().insert(id, claimed.clone());
        let running = self.clone();
        let worker = worker.clone();
        tokio::spawn(async move {
            if let Err(error) = worker.drive(&claimed, intent).await {
                tracing::warn!(member = %claimed.member_guid, %error, "drive failed before its write-back");
                let _ = worker.db().release(&claimed).await;
            }
            running.lock().remove(&id);
            drop(permit);
        });
    }

    /// How many drives run.
    pub fn len(&self) -> usize {
        self.lock().len()
    }

    /// True when none runs.
    pub fn is_empty(&self) -> bool {
        self.lock().is_empty()
    }

    /// Waits up to `grace` for the running drives, then gives back the claims of those
    /// still running (due at once, for the next process or another instance).
    pub async fn drain(&self, worker: &Worker, grace: Duration) {
        let deadline = tokio::time::Instant::now() + grace;
        while !self.is_empty() && tokio::time::Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let left: Vec<Claimed> = self.lock().values().cloned().collect();
        for claimed in left {
            if let Err(error) = worker.db().release(&claimed).await {
                tracing::warn!(member = %claimed.member_guid, %error, "releasing at shutdown failed");
            }
        }
    }
}

/// Claims and drives due members until `stop` turns true.
pub async fn run(
    worker: Worker,
    running: Running,
    concurrency: usize,
    mut stop: watch::Receiver<bool>,
) {
    let slots = Arc::new(Semaphore::new(concurrency.max(1)));
    loop {
        if *stop.borrow() {
            return;
        }
        if let Err(error) = tick(&worker, &running, &slots).await {
            tracing::warn!(%error, "scheduler tick failed");
        }
        tokio::select! {
            () = tokio::time::sleep(TICK) => {}
            _ = stop.changed() => {}
        }
    }
}

async fn tick(
    worker: &Worker,
    running: &Running,
    slots: &Arc<Semaphore>,
) -> Result<(), crate::drive::DriveFailure> {
    let free = slots.available_permits();
    if free == 0 {
        return Ok(());
    }
    let now = worker.now().await?;
    if worker.db().gate().await?.is_some_and(|gate| gate > now) {
        return Ok(());
    }
    let limit = i64::try_from(free).unwrap_or(i64::MAX);
    for claimed in worker.db().claim_due(worker.owner(), now, limit).await? {
        let Ok(permit) = Arc::clone(slots).try_acquire_owned() else {
            worker.db().release(&claimed).await?;
            continue;
        };
        running.spawn(worker, claimed, Intent::Scheduled, Some(permit));
    }
    Ok(())
}
