//! The scheduler loop around the pure rules: claim due members (at most
//! `--concurrency` drives at once, none before MX's global `Retry-After`), drive each
//! with the end user absent, and on shutdown stop claiming, let running drives finish
//! for a grace period and give the rest back.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock, PoisonError};
use std::time::Duration;

use chrono::Utc;
use tokio::sync::{Notify, Semaphore, watch};

use crate::core::schedule::RENEW_EVERY;
use crate::drive::{Intent, Worker};
use crate::store::{Claimed, TakenOver};

/// How often the scheduler looks for due members when nothing wakes it sooner (a
/// wake-up whose time came, another instance's webhook).
const TICK: Duration = Duration::from_millis(200);

/// One drive running in this process.
#[derive(Debug)]
struct Entry {
    claimed: Claimed,
    /// Tells the drive that a newer one took its member over: it stops at once.
    stop: Arc<Notify>,
    /// Turns true (or closes) when the drive has ended.
    ended: watch::Receiver<bool>,
}

/// The drives running in this process, by a local number, with their claims: what
/// shutdown waits for and gives back. At most one drive per member runs at a time: a
/// drive started on a member another drive here still runs on (the end user took it
/// over) stops the older one and starts once it has ended, so the newer drive reads
/// MX after everything the older one sent. It also holds the scheduler's wake-up call,
/// rung when a drive ends (a slot is free) or a webhook made a member due, so that the
/// next claim comes at once rather than at the next tick.
#[derive(Debug, Clone, Default)]
pub struct Running {
    drives: Arc<Mutex<HashMap<u64, Entry>>>,
    /// The scheduler's slots (`--concurrency`), once it runs.
    slots: Arc<OnceLock<Arc<Semaphore>>>,
    /// The end users' drives' slots (`--end-user-concurrency`); unbounded when unset.
    end_user_slots: Option<Arc<Semaphore>>,
    /// End users' drives waiting for one of those slots.
    queued: Arc<AtomicUsize>,
    /// Claims in progress: members the database shows leased that are not yet in
    /// `drives`. Counted as running, so that a probe between the two never sees a
    /// member neither due nor driven.
    claiming: Arc<AtomicUsize>,
    next: Arc<AtomicU64>,
    wake: Arc<Notify>,
}

impl Running {
    /// At most `slots` end users' drives at once (the others wait their turn): each
    /// holds its member's state and, once it syncs, a page of up to 1,000 transactions,
    /// and a burst of end users (10,000 members created at once, each drive waiting for
    /// MX's first job) held them all at once.
    #[must_use]
    pub fn with_end_user_slots(mut self, slots: usize) -> Self {
        self.end_user_slots = Some(Arc::new(Semaphore::new(slots.max(1))));
        self
    }

    /// End users' drives waiting for a slot.
    pub fn queued(&self) -> usize {
        self.queued.load(Ordering::Relaxed)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<u64, Entry>> {
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
        self.start(worker, claimed, intent, permit, Duration::ZERO);
    }

    /// Runs the end user's drive on a member just taken over. A drive on it in this
    /// process is stopped and waited for; a live lease another instance held is
    /// waited out for one renewal period, by which its drive has found its lease gone
    /// and stopped (`Worker::drive` renews every [`RENEW_EVERY`]).
    pub fn spawn_taken_over(&self, worker: &Worker, taken: TakenOver) {
        let elsewhere = taken
            .held_by
            .as_deref()
            .is_some_and(|holder| holder != worker.owner());
        let delay = if elsewhere {
            Duration::from_millis(
                u64::try_from(RENEW_EVERY.num_milliseconds()).unwrap_or(10_000) + 500,
            )
        } else {
            Duration::ZERO
        };
        self.start(worker, taken.claimed, Intent::Present, None, delay);
    }

    fn start(
        &self,
        worker: &Worker,
        claimed: Claimed,
        intent: Intent,
        permit: Option<tokio::sync::OwnedSemaphorePermit>,
        delay: Duration,
    ) {
        let id = self.next.fetch_add(1, Ordering::Relaxed);
        let stop = Arc::new(Notify::new());
        let (ended_tx, ended) = watch::channel(false);
        let older: Vec<watch::Receiver<bool>> = {
            let mut drives = self.lock();
            let older = drives
                .values()
                .filter(|entry| entry.claimed.member_guid == claimed.member_guid)
                .map(|entry| {
                    // A stored permit: the older drive stops even if it is not yet
                    // waiting on it.
                    entry.stop.notify_one();
                    entry.ended.clone()
                })
                .collect();
            drives.insert(
                id,
                Entry {
                    claimed: claimed.clone(),
                    stop: Arc::clone(&stop),
                    ended,
                },
            );
            older
        };
        let running = self.clone();
        let worker = worker.clone();
        tokio::spawn(async move {
            let turn = async {
                for mut ended in older {
                    // An error means the older drive's task is gone: ended all the same.
                    let _ = ended.wait_for(|ended| *ended).await;
                }
                if !delay.is_zero() {
                    tokio::time::sleep(delay).await;
                }
                // An end user's drive (no scheduler slot) waits for an end-user slot.
                match (&permit, &running.end_user_slots) {
                    (None, Some(slots)) => {
                        let _queued = Queued::enter(&running.queued);
                        Arc::clone(slots).acquire_owned().await.ok()
                    }
                    (Some(_), _) | (None, None) => None,
                }
            };
            // The claim is renewed while the drive waits for its turn: a lease that ran
            // out meanwhile would let another instance drive the member without its
            // end user. A newer drive of the member in this process (the end user asked
            // again) stops it at once: the newer one waits for this one to end, and
            // the lease's renewal would only notice the take-over up to `RENEW_EVERY`
            // (10 s) later, with every end user's drive queued behind it.
            let waited = tokio::select! {
                permit = turn => Waited::Turn(permit),
                () = worker.keep_lease(&claimed) => Waited::LeaseLost,
                () = stop.notified() => Waited::Superseded,
            };
            match waited {
                Waited::Turn(end_user_permit) => {
                    if let Err(error) = worker.drive(&claimed, intent, &stop).await {
                        tracing::warn!(member = %claimed.member_guid, %error, "drive failed before its write-back");
                        let _ = worker.db().release(&claimed).await;
                    }
                    drop(end_user_permit);
                }
                Waited::LeaseLost => {
                    tracing::warn!(member = %claimed.member_guid, "lease taken over while the drive waited for its turn");
                }
                Waited::Superseded => {
                    tracing::info!(member = %claimed.member_guid, "a newer drive took the member over while this one waited for its turn");
                }
            }
            running.lock().remove(&id);
            let _ = ended_tx.send(true);
            drop(permit);
            running.wake();
        });
    }

    /// Asks the scheduler to look for due members now (a slot freed, a member became
    /// due); a call while it is busy is kept for its next wait.
    pub fn wake(&self) {
        self.wake.notify_one();
    }

    /// The scheduler's slots free for its drives; `None` before it runs.
    pub fn free_slots(&self) -> Option<usize> {
        self.slots.get().map(|slots| slots.available_permits())
    }

    /// The members the drives here run on.
    pub fn members(&self) -> Vec<String> {
        self.lock()
            .values()
            .map(|entry| entry.claimed.member_guid.clone())
            .collect()
    }

    /// How many drives run.
    pub fn len(&self) -> usize {
        self.lock().len()
    }

    /// How many drives run or are being claimed (the claim's query has leased members
    /// that are not yet spawned): what a probe of the scheduler's work counts.
    pub fn busy(&self) -> usize {
        self.len() + self.claiming.load(Ordering::SeqCst)
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
        let left: Vec<Claimed> = self
            .lock()
            .values()
            .map(|entry| entry.claimed.clone())
            .collect();
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
    let _ = running.slots.set(Arc::clone(&slots));
    loop {
        if *stop.borrow() {
            return;
        }
        if let Err(error) = tick(&worker, &running, &slots).await {
            tracing::warn!(%error, "scheduler tick failed");
        }
        tokio::select! {
            () = tokio::time::sleep(TICK) => {}
            () = running.wake.notified() => {}
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
    // Counted from before the claim until every claimed member is spawned (or given back).
    let _claiming = Queued::enter(&running.claiming);
    let driving = running.members();
    for claimed in worker
        .db()
        .claim_due(worker.owner(), (now, Utc::now()), limit, &driving)
        .await?
    {
        let Ok(permit) = Arc::clone(slots).try_acquire_owned() else {
            worker.db().release(&claimed).await?;
            continue;
        };
        running.spawn(worker, claimed, Intent::Scheduled, Some(permit));
    }
    Ok(())
}

/// How a drive's wait for its turn ended.
enum Waited {
    /// Its turn came, with an end-user slot when it needs one.
    Turn(Option<tokio::sync::OwnedSemaphorePermit>),
    /// Its lease was taken over (another instance, or a claim after it ran out).
    LeaseLost,
    /// A newer drive of the member in this process stopped it.
    Superseded,
}

/// One drive counted in `mx_service_drives_queued` (or one claim in
/// [`Running::busy`]) for as long as it lives, however its wait ends (its slot, its
/// lease lost, or a newer drive of its member, while it waited).
struct Queued<'a>(&'a AtomicUsize);

impl<'a> Queued<'a> {
    fn enter(count: &'a AtomicUsize) -> Self {
        count.fetch_add(1, Ordering::SeqCst);
        Self(count)
    }
}

impl Drop for Queued<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}
