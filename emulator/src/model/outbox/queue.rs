//! [`Outbox`]: the deliveries kept, indexed by id, by due time and by state, so that
//! every operation the delivery task, the harness's probe and the control routes make
//! under the world's lock costs a lookup, not a walk of the whole outbox.
//!
//! The outbox keeps up to `Config::webhooks_kept` deliveries (10,000 by default), and
//! a fleet of members fills it within its first virtual hour. As a plain list, each
//! webhook queued shifted the whole list to forget the oldest finished one, each
//! attempt's result searched it by id, and each look for what is due (the delivery
//! task's rounds, a harness waiting for the outbox to drain) read every entry: about
//! a tenth of the emulator's CPU at 2,000 members, all of it under the lock every
//! request waits for.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, TimeDelta, Utc};

use super::events::{
    Attempt, AttemptOutcome, Delivery, DeliveryFault, DeliveryState, Due, WebhookEvent,
};
use crate::model::faults::matching::Faults;

/// Which index a delivery's state puts it in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stage {
    /// Waiting for an attempt due at this time.
    Pending(DateTime<Utc>),
    /// Being sent.
    InFlight,
    /// Delivered, dropped or given up.
    Finished,
}

impl Stage {
    const fn of(state: DeliveryState) -> Self {
        match state {
            DeliveryState::Pending { next_attempt_at } => Self::Pending(next_attempt_at),
            DeliveryState::InFlight { .. } => Self::InFlight,
            DeliveryState::Delivered | DeliveryState::Dropped | DeliveryState::GivenUp => {
                Self::Finished
            }
        }
    }
}

/// The webhooks not yet delivered, and the newest of those that were: at most `kept`
/// entries, forgetting the oldest finished ones (delivered, dropped or given up) first.
/// Pending webhooks are never forgotten, so the outbox exceeds `kept` only while more
/// than `kept` are still to be delivered.
///
/// Ids grow with each webhook queued, so id order is the order they were queued in.
#[derive(Debug)]
pub(crate) struct Outbox {
    /// Every delivery kept, by id.
    deliveries: BTreeMap<u64, Delivery>,
    /// The pending ones, by when their next attempt is due, then id.
    pending: BTreeSet<(DateTime<Utc>, u64)>,
    /// How many are being sent.
    in_flight: usize,
    /// The finished ones, by id: the oldest are forgotten first.
    finished: BTreeSet<u64>,
    next_id: u64,
    kept: usize,
}

impl Outbox {
    /// An empty outbox keeping at most `kept` webhooks.
    pub(crate) const fn new(kept: usize) -> Self {
        Self {
            deliveries: BTreeMap::new(),
            pending: BTreeSet::new(),
            in_flight: 0,
            finished: BTreeSet::new(),
            next_id: 0,
            kept,
        }
    }

    /// Every delivery kept, oldest first.
    pub(crate) fn iter(&self) -> impl Iterator<Item = &Delivery> {
        self.deliveries.values()
    }

    /// Puts delivery `id` in the index of `stage`.
    fn index(&mut self, id: u64, stage: Stage) {
        match stage {
            Stage::Pending(at) => {
                self.pending.insert((at, id));
            }
            Stage::InFlight => self.in_flight += 1,
            Stage::Finished => {
                self.finished.insert(id);
            }
        }
    }

    /// Takes delivery `id` out of the index of `stage`.
    fn unindex(&mut self, id: u64, stage: Stage) {
        match stage {
            Stage::Pending(at) => {
                self.pending.remove(&(at, id));
            }
            Stage::InFlight => self.in_flight = self.in_flight.saturating_sub(1),
            Stage::Finished => {
                self.finished.remove(&id);
            }
        }
    }

    /// Moves delivery `id` to `state`, keeping the indexes; false when there is no such
    /// delivery.
    fn set_state(&mut self, id: u64, state: DeliveryState) -> bool {
        let Some(delivery) = self.deliveries.get_mut(&id) else {
            return false;
        };
        let before = Stage::of(delivery.state);
        delivery.state = state;
        self.unindex(id, before);
        self.index(id, Stage::of(state));
        true
    }

    /// Forgets the oldest finished webhooks beyond `kept`.
    fn trim(&mut self) {
        while self.deliveries.len() > self.kept {
            let Some(oldest) = self.finished.pop_first() else {
                return;
            };
            self.deliveries.remove(&oldest);
        }
    }

    /// Queues `event` for delivery at `due`.
    pub(crate) fn push(
        &mut self,
        event: WebhookEvent,
        callback_payload: Option<String>,
        now: DateTime<Utc>,
        due: DateTime<Utc>,
    ) {
        self.next_id += 1;
        let id = self.next_id;
        let state = DeliveryState::Pending {
            next_attempt_at: due,
        };
        self.deliveries.insert(
            id,
            Delivery {
                id,
                event,
                callback_payload,
                queued_at: now,
                attempts: 0,
                log: Vec::new(),
                state,
            },
        );
        self.index(id, Stage::of(state));
        self.trim();
    }

    /// The deliveries due by `now` and not yet answered: pending and due, or in flight.
    pub(crate) fn due_count(&self, now: DateTime<Utc>) -> usize {
        self.pending.range(..=(now, u64::MAX)).count() + self.in_flight
    }

    /// The delivery with `id`.
    pub(crate) fn get(&self, id: u64) -> Option<&Delivery> {
        self.deliveries.get(&id)
    }

    /// Queues delivery `id` again at `now` (`POST /emulator/webhooks/{id}/redeliver`);
    /// false when there is no such delivery.
    pub(crate) fn redeliver(&mut self, id: u64, now: DateTime<Utc>) -> bool {
        let Some(delivery) = self.deliveries.get(&id) else {
            return false;
        };
        let state = match delivery.state {
            // The attempt under way records its result; the delivery task then looks again.
            DeliveryState::InFlight { .. } => DeliveryState::InFlight { due_at: now },
            DeliveryState::Pending { .. }
            | DeliveryState::Delivered
            | DeliveryState::Dropped
            | DeliveryState::GivenUp => DeliveryState::Pending {
                next_attempt_at: now,
            },
        };
        self.set_state(id, state)
    }

    /// Marks every delivery due by `now` as in flight and returns them with the faults
    /// they meet, oldest first (newest first when `faults.reorder`). The faults are
    /// drawn in that order, so a seed gives the same faults to the same webhooks.
    pub(crate) fn take_due(&mut self, now: DateTime<Utc>, faults: &mut Faults) -> Vec<Due> {
        let mut ids: Vec<(u64, DateTime<Utc>)> = self
            .pending
            .range(..=(now, u64::MAX))
            .map(|&(at, id)| (id, at))
            .collect();
        ids.sort_unstable();
        let mut due = Vec::with_capacity(ids.len());
        for (id, at) in ids {
            self.set_state(id, DeliveryState::InFlight { due_at: at });
            let Some(delivery) = self.deliveries.get(&id) else {
                continue;
            };
            let fault = if faults.chance(faults.webhooks.drop) {
                DeliveryFault::Drop
            } else if faults.chance(faults.webhooks.duplicate) {
                DeliveryFault::Duplicate
            } else {
                DeliveryFault::None
            };
            due.push(Due {
                delivery: delivery.clone(),
                fault,
            });
        }
        if faults.webhooks.reorder {
            due.reverse();
        }
        due
    }

    /// Records an attempt's result at `now`.
    ///
    /// A retry is due its backoff after the attempt was *due*, not after it was made: when
    /// the clock jumps an hour, the retries MX would have made in that hour happen at once,
    /// one after the other, as if the time had passed.
    pub(crate) fn record(
        &mut self,
        id: u64,
        attempts: Vec<Attempt>,
        now: DateTime<Utc>,
        backoff: TimeDelta,
        retries: u32,
    ) {
        let Some(delivery) = self.deliveries.get_mut(&id) else {
            return;
        };
        let ok = attempts
            .iter()
            .any(|a| a.outcome == AttemptOutcome::Delivered);
        let dropped = attempts
            .iter()
            .any(|a| a.outcome == AttemptOutcome::Dropped);
        let due = delivery.state.next_attempt_at().unwrap_or(now).min(now);
        delivery.attempts = delivery.attempts.saturating_add(1);
        delivery.log.extend(attempts);
        let state = if ok {
            DeliveryState::Delivered
        } else if dropped {
            DeliveryState::Dropped
        } else if delivery.attempts > retries {
            DeliveryState::GivenUp
        } else {
            let factor = 1_i32 << (delivery.attempts - 1).min(20);
            let wait = backoff.checked_mul(factor).unwrap_or(TimeDelta::MAX);
            DeliveryState::Pending {
                next_attempt_at: due
                    .checked_add_signed(wait)
                    .unwrap_or(DateTime::<Utc>::MAX_UTC),
            }
        };
        self.set_state(id, state);
        self.trim();
    }
}

#[cfg(test)]
#[path = "queue_tests.rs"]
mod tests;
