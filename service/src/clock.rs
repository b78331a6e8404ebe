//! The service's clock: the system's, or the emulator's virtual one, moved by the
//! service's own waits (`--clock emulator`, for tests that jump MX's time past its
//! 3-hour window) or followed as whoever runs the emulator moves it (`--clock
//! emulator-follow`, for a simulation that advances one clock for many members).

use std::collections::BTreeMap;
use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use chrono::{DateTime, TimeDelta, Utc};
use mx_aggregation_client::{Clock, EmulatorClock, MxError, SystemClock};
use tokio::sync::{Notify, watch};

/// How often the clock is read while a drive waits for it to move.
const FOLLOW_EVERY: Duration = Duration::from_millis(20);

/// Which clock `--clock` names.
#[derive(Debug, Clone)]
pub enum ServiceClock {
    /// The system clock and tokio's timer.
    System(SystemClock),
    /// The emulator's clock: reading it is an HTTP call, sleeping moves it.
    Emulator(EmulatorClock),
    /// The emulator's clock, followed: sleeping waits until it has moved.
    Follow(FollowClock),
}

impl Clock for ServiceClock {
    async fn now(&self) -> Result<DateTime<Utc>, MxError> {
        match self {
            Self::System(clock) => clock.now().await,
            Self::Emulator(clock) => clock.now().await,
            Self::Follow(clock) => clock.now().await,
        }
    }

    async fn sleep(&self, duration: Duration) -> Result<DateTime<Utc>, MxError> {
        match self {
            Self::System(clock) => clock.sleep(duration).await,
            Self::Emulator(clock) => clock.sleep(duration).await,
            Self::Follow(clock) => clock.sleep(duration).await,
        }
    }
}

impl ServiceClock {
    /// The time now on a followed clock, told by whoever moves it (the emulator's
    /// time when it sent a webhook, [`mx_emulator::WEBHOOK_NOW_HEADER`]): the later of
    /// that and the newest reading, so never before a time already read. `None` on the
    /// other clocks: the system's needs no telling, and a header is no time to trust on
    /// it; the emulator's own is read as before.
    pub fn told(&self, at: DateTime<Utc>) -> Option<DateTime<Utc>> {
        match self {
            Self::System(_) | Self::Emulator(_) => None,
            Self::Follow(clock) => Some(clock.told(at)),
        }
    }

    /// The waits in progress on a followed clock: how many, and the earliest moment one
    /// waits for; `(0, None)` on the other clocks, whose waits end by themselves.
    pub fn waits(&self) -> (usize, Option<DateTime<Utc>>) {
        match self {
            Self::System(_) | Self::Emulator(_) => (0, None),
            Self::Follow(clock) => clock.waits(),
        }
    }

    /// The waits in progress on a followed clock that end after `now`: those that still
    /// wait for whoever moves the clock (a wait `now` has passed is about to wake).
    pub fn waits_after(&self, now: DateTime<Utc>) -> usize {
        match self {
            Self::System(_) | Self::Emulator(_) => 0,
            Self::Follow(clock) => clock.waits_after(now),
        }
    }
}

/// The emulator's clock, followed rather than moved. A wait (a poll's few seconds, a
/// short delay) ends once whoever runs the emulator has moved its clock past the wait's
/// end; the service never moves it. On a clock one harness advances for a whole fleet, a
/// clock each drive moved would run ahead of the harness by the sum of every drive's
/// waits (hours at 10,000 members), and every member's data would look older than it is. [`waits`](Self::waits) tells the harness what the drives wait
/// for, so that it can move the clock to the earliest end.
#[derive(Debug, Clone)]
pub struct FollowClock {
    clock: EmulatorClock,
    /// The ends of the waits in progress, each with its count.
    waits: Arc<Mutex<BTreeMap<DateTime<Utc>, usize>>>,
    /// The newest reading, while any wait is in progress.
    latest: watch::Receiver<Option<DateTime<Utc>>>,
    /// Where every reading goes: any read of the clock (a webhook's, a probe's) ends
    /// the waits it shows over, not only the 20 ms reader's.
    readings: Arc<watch::Sender<Option<DateTime<Utc>>>>,
    /// Rings the reader when a wait begins.
    begun: Arc<Notify>,
    /// The HTTP reads of `now`, one at a time and shared ([`SharedReads`]).
    shared: Arc<SharedReads>,
}

impl FollowClock {
    /// Follows `clock`: one task reads it every 20 ms while any wait is in progress (one
    /// reader for every waiting drive), and sleeps otherwise.
    pub fn new(clock: EmulatorClock) -> Self {
        let (sender, latest) = watch::channel(None);
        let sender = Arc::new(sender);
        let readings = Arc::clone(&sender);
        let waits: Arc<Mutex<BTreeMap<DateTime<Utc>, usize>>> = Arc::default();
        let begun = Arc::new(Notify::new());
        let reader = (clock.clone(), Arc::clone(&waits), Arc::clone(&begun));
        tokio::spawn(async move {
            let (clock, waits, begun) = reader;
            loop {
                let idle = waits
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .is_empty();
                if idle {
                    begun.notified().await;
                    continue;
                }
                match clock.now().await {
                    Ok(now) => publish(&sender, now),
                    Err(error) => tracing::warn!(%error, "reading the emulator's clock failed"),
                }
                tokio::time::sleep(FOLLOW_EVERY).await;
            }
        });
        Self {
            clock,
            waits,
            latest,
            readings,
            begun,
            shared: Arc::default(),
        }
    }

    /// How many waits are in progress, and the earliest moment one waits for.
    pub fn waits(&self) -> (usize, Option<DateTime<Utc>>) {
        let waits = self.waits.lock().unwrap_or_else(PoisonError::into_inner);
        (waits.values().sum(), waits.keys().next().copied())
    }

    /// How many waits in progress end after `now`.
    pub fn waits_after(&self, now: DateTime<Utc>) -> usize {
        let waits = self.waits.lock().unwrap_or_else(PoisonError::into_inner);
        waits
            .range((std::ops::Bound::Excluded(now), std::ops::Bound::Unbounded))
            .map(|(_, count)| count)
            .sum()
    }

    /// `at`, told by whoever moves the clock, handed to the waits like a reading; the
    /// later of it and the newest reading.
    fn told(&self, at: DateTime<Utc>) -> DateTime<Utc> {
        publish(&self.readings, at);
        self.readings.borrow().map_or(at, |newest| newest.max(at))
    }

    async fn now(&self) -> Result<DateTime<Utc>, MxError> {
        let now = self.shared.read(|| self.clock.now()).await?;
        publish(&self.readings, now);
        Ok(now)
    }

    /// Waits until the clock reads at least `duration` (whole seconds, rounded up) past
    /// its reading now; returns that reading.
    async fn sleep(&self, duration: Duration) -> Result<DateTime<Utc>, MxError> {
        let start = self.now().await?;
        let seconds = duration
            .as_secs()
            .saturating_add(u64::from(duration.subsec_nanos() > 0));
        let step = TimeDelta::try_seconds(i64::try_from(seconds).unwrap_or(i64::MAX))
            .unwrap_or(TimeDelta::MAX);
        let Some(until) = start.checked_add_signed(step) else {
            return Ok(start);
        };
        let _wait = Wait::begin(&self.waits, until);
        self.begun.notify_one();
        let mut latest = self.latest.clone();
        let reached = latest
            .wait_for(|now| now.is_some_and(|now| now >= until))
            .await
            .map(|now| now.unwrap_or(until));
        match reached {
            Ok(now) => Ok(now),
            // The reader is gone (the runtime shuts down): read once more.
            Err(_) => self.clock.now().await,
        }
    }
}

/// The followed clock's reads, shared: one HTTP read at a time, and every caller that
/// asked before a read began takes that read's answer instead of making its own. At
/// 10,000 members the service read the emulator's clock about 3.5 times an MX call, a
/// round trip to the emulator each (1.8 ms on a busy run), and 64 drives ask at once.
/// A caller is never given a reading taken before it asked: a read covers only the
/// callers whose ticket was taken before it was sent, so what each gets is the clock at
/// some moment after its call, as a read of its own would be.
#[derive(Debug, Default)]
struct SharedReads {
    /// Tickets handed out, one a call.
    asked: AtomicU64,
    /// The one read at a time; the last reading and the tickets it covers.
    last: tokio::sync::Mutex<Option<(u64, DateTime<Utc>)>>,
}

impl SharedReads {
    /// The clock by `read`, or by a read that began after this call.
    async fn read<F, R>(&self, read: F) -> Result<DateTime<Utc>, MxError>
    where
        F: FnOnce() -> R,
        R: Future<Output = Result<DateTime<Utc>, MxError>>,
    {
        let ticket = self.asked.fetch_add(1, Ordering::SeqCst) + 1;
        let mut last = self.last.lock().await;
        if let Some((covered, at)) = *last
            && covered >= ticket
        {
            return Ok(at);
        }
        // Every ticket up to here was taken before this read is sent.
        let covers = self.asked.load(Ordering::SeqCst);
        let at = read().await?;
        *last = Some((covers, at));
        Ok(at)
    }
}

/// Hands a reading to the waits, unless a newer one was handed already.
fn publish(sender: &watch::Sender<Option<DateTime<Utc>>>, now: DateTime<Utc>) {
    sender.send_if_modified(|held| {
        let newer = held.is_none_or(|held| now > held);
        if newer {
            *held = Some(now);
        }
        newer
    });
}

/// One wait in progress, counted until it ends or is dropped (a drive stopped while it
/// waited).
struct Wait<'a> {
    waits: &'a Mutex<BTreeMap<DateTime<Utc>, usize>>,
    until: DateTime<Utc>,
}

impl<'a> Wait<'a> {
    fn begin(waits: &'a Mutex<BTreeMap<DateTime<Utc>, usize>>, until: DateTime<Utc>) -> Self {
        *waits
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .entry(until)
            .or_default() += 1;
        Self { waits, until }
    }
}

impl Drop for Wait<'_> {
    fn drop(&mut self) {
        let mut waits = self.waits.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(count) = waits.get_mut(&self.until) {
            *count = count.saturating_sub(1);
            if *count == 0 {
                waits.remove(&self.until);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicU64, Ordering};
    use std::time::Duration;

    use chrono::{DateTime, TimeDelta, Utc};
    use mx_aggregation_client::MxError;
    use tokio::sync::Notify;

    use super::SharedReads;

    /// A clock that takes `delay` to answer and reads one second later at each read:
    /// the reading tells which read it came from.
    #[derive(Clone, Default)]
    struct Counted {
        reads: Arc<AtomicU64>,
    }

    impl Counted {
        async fn read(&self, delay: Duration) -> Result<DateTime<Utc>, MxError> {
            let n = self.reads.fetch_add(1, Ordering::SeqCst) + 1;
            tokio::time::sleep(delay).await;
            Ok(DateTime::UNIX_EPOCH + TimeDelta::seconds(i64::try_from(n).unwrap()))
        }

        fn count(&self) -> u64 {
            self.reads.load(Ordering::SeqCst)
        }
    }

    fn second(at: DateTime<Utc>) -> i64 {
        at.timestamp()
    }

    /// Waits until `done` holds, letting the spawned callers run.
    async fn until(done: impl Fn() -> bool) {
        while !done() {
            tokio::task::yield_now().await;
        }
    }

    /// Starts a caller whose read (the first of `clock`) answers only once `release` is
    /// notified, and waits until that read is on its way.
    async fn first_read_held(
        shared: &Arc<SharedReads>,
        clock: &Counted,
        release: &Arc<Notify>,
    ) -> tokio::task::JoinHandle<Result<DateTime<Utc>, MxError>> {
        let (shared, held, release) = (Arc::clone(shared), clock.clone(), Arc::clone(release));
        let first = tokio::spawn(async move {
            shared
                .read(|| async move {
                    let at = held.read(Duration::ZERO).await;
                    release.notified().await;
                    at
                })
                .await
        });
        until(|| clock.count() == 1).await;
        first
    }

    #[tokio::test]
    async fn callers_who_asked_while_a_read_ran_share_the_next_one() {
        let shared = Arc::new(SharedReads::default());
        let clock = Counted::default();
        let release = Arc::new(Notify::new());
        let mut calls = vec![first_read_held(&shared, &clock, &release).await];
        for _ in 1..10 {
            let (shared, clock) = (Arc::clone(&shared), clock.clone());
            calls.push(tokio::spawn(async move {
                shared.read(|| clock.read(Duration::ZERO)).await
            }));
        }
        // Every caller has asked while the first read is still on its way.
        until(|| shared.asked.load(Ordering::SeqCst) == 10).await;
        release.notify_one();
        let mut seconds = Vec::new();
        for call in calls {
            seconds.push(second(call.await.unwrap().unwrap()));
        }
        // The first read served the first caller; the nine who asked while it ran share
        // the read after it.
        assert_eq!(clock.count(), 2);
        assert_eq!(seconds[0], 1);
        assert!(seconds[1..].iter().all(|s| *s == 2), "{seconds:?}");
    }

    #[tokio::test]
    async fn a_caller_never_gets_a_reading_taken_before_it_asked() {
        let shared = Arc::new(SharedReads::default());
        let clock = Counted::default();
        let release = Arc::new(Notify::new());
        let first = first_read_held(&shared, &clock, &release).await;
        // Asks while the first read is on its way: that read began before it asked.
        let second_call = {
            let (shared, clock) = (Arc::clone(&shared), clock.clone());
            tokio::spawn(async move { shared.read(|| clock.read(Duration::ZERO)).await })
        };
        until(|| shared.asked.load(Ordering::SeqCst) == 2).await;
        release.notify_one();
        assert_eq!(second(first.await.unwrap().unwrap()), 1);
        assert_eq!(second(second_call.await.unwrap().unwrap()), 2);
        // Asked after every read ended: a read of its own.
        let third = shared.read(|| clock.read(Duration::from_millis(1))).await;
        assert_eq!(second(third.unwrap()), 3);
        assert_eq!(clock.count(), 3);
    }

    #[tokio::test]
    async fn a_failed_read_is_not_handed_to_anyone_else() {
        let shared = SharedReads::default();
        let failed = shared
            .read(|| async {
                Err(MxError::Api {
                    endpoint: "emulator_clock",
                    status: 503,
                    message: "the emulator is stopping".to_owned(),
                })
            })
            .await;
        assert!(failed.is_err());
        let clock = Counted::default();
        let next = shared.read(|| clock.read(Duration::from_millis(1))).await;
        assert_eq!(second(next.unwrap()), 1);
        assert_eq!(clock.count(), 1);
    }
}
