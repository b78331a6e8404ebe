//! The indexed outbox against the plain list it replaced: any sequence of webhooks
//! queued, rounds taken, attempts recorded and redeliveries gives the same deliveries,
//! in the same order and states, the same due counts and the same rounds, with the same
//! faults drawn.

use chrono::{DateTime, TimeDelta, Utc};
use mx_aggregation::ConnectionStatus;
use proptest::prelude::*;

use super::Outbox;
use crate::model::faults::matching::Faults;
use crate::model::faults::plan::WebhookFaults;
use crate::model::outbox::events::{
    Attempt, AttemptOutcome, Delivery, DeliveryFault, DeliveryState, Due, WebhookEvent,
};

/// The outbox as it was: one list, walked by every operation.
struct Plain {
    deliveries: Vec<Delivery>,
    next_id: u64,
    kept: usize,
}

const fn open(state: DeliveryState) -> bool {
    match state {
        DeliveryState::Pending { .. } | DeliveryState::InFlight { .. } => true,
        DeliveryState::Delivered | DeliveryState::Dropped | DeliveryState::GivenUp => false,
    }
}

impl Plain {
    fn trim(&mut self) {
        let mut excess = self.deliveries.len().saturating_sub(self.kept);
        self.deliveries.retain(|d| {
            if excess > 0 && !open(d.state) {
                excess -= 1;
                false
            } else {
                true
            }
        });
    }

    fn push(&mut self, event: WebhookEvent, now: DateTime<Utc>, due: DateTime<Utc>) {
        self.next_id += 1;
        self.deliveries.push(Delivery {
            id: self.next_id,
            event,
            callback_payload: None,
            queued_at: now,
            attempts: 0,
            log: Vec::new(),
            state: DeliveryState::Pending {
                next_attempt_at: due,
            },
        });
        self.trim();
    }

    fn due_count(&self, now: DateTime<Utc>) -> usize {
        self.deliveries
            .iter()
            .filter(|d| match d.state {
                DeliveryState::Pending { next_attempt_at } => next_attempt_at <= now,
                DeliveryState::InFlight { .. } => true,
                DeliveryState::Delivered | DeliveryState::Dropped | DeliveryState::GivenUp => false,
            })
            .count()
    }

    fn redeliver(&mut self, id: u64, now: DateTime<Utc>) -> bool {
        let Some(d) = self.deliveries.iter_mut().find(|d| d.id == id) else {
            return false;
        };
        d.state = match d.state {
            DeliveryState::InFlight { .. } => DeliveryState::InFlight { due_at: now },
            DeliveryState::Pending { .. }
            | DeliveryState::Delivered
            | DeliveryState::Dropped
            | DeliveryState::GivenUp => DeliveryState::Pending {
                next_attempt_at: now,
            },
        };
        true
    }

    fn take_due(&mut self, now: DateTime<Utc>, faults: &mut Faults) -> Vec<Due> {
        let mut due = Vec::new();
        for d in &mut self.deliveries {
            let DeliveryState::Pending { next_attempt_at } = d.state else {
                continue;
            };
            if next_attempt_at > now {
                continue;
            }
            d.state = DeliveryState::InFlight {
                due_at: next_attempt_at,
            };
            let fault = if faults.chance(faults.webhooks.drop) {
                DeliveryFault::Drop
            } else if faults.chance(faults.webhooks.duplicate) {
                DeliveryFault::Duplicate
            } else {
                DeliveryFault::None
            };
            due.push(Due {
                delivery: d.clone(),
                fault,
            });
        }
        if faults.webhooks.reorder {
            due.reverse();
        }
        due
    }

    fn record(&mut self, id: u64, attempts: Vec<Attempt>, now: DateTime<Utc>, retries: u32) {
        let Some(d) = self.deliveries.iter_mut().find(|d| d.id == id) else {
            return;
        };
        let ok = attempts
            .iter()
            .any(|a| a.outcome == AttemptOutcome::Delivered);
        let dropped = attempts
            .iter()
            .any(|a| a.outcome == AttemptOutcome::Dropped);
        let due = d.state.next_attempt_at().unwrap_or(now).min(now);
        d.attempts = d.attempts.saturating_add(1);
        d.log.extend(attempts);
        d.state = if ok {
            DeliveryState::Delivered
        } else if dropped {
            DeliveryState::Dropped
        } else if d.attempts > retries {
            DeliveryState::GivenUp
        } else {
            let factor = 1_i32 << (d.attempts - 1).min(20);
            DeliveryState::Pending {
                next_attempt_at: due + BACKOFF * factor,
            }
        };
        self.trim();
    }
}

const BACKOFF: TimeDelta = TimeDelta::seconds(20);
const RETRIES: u32 = 3;

/// One thing the delivery task, the harness or a control route does.
#[derive(Debug, Clone)]
enum Op {
    /// A webhook queued, due this many seconds from now.
    Push(i64),
    /// The clock moves this many seconds.
    Advance(i64),
    /// A delivery round: every due webhook taken, then each taken one's attempt
    /// recorded with this outcome (cycled).
    Round(Vec<u8>),
    /// A round taken, its attempts not recorded yet (they are in flight).
    Take,
    /// The in-flight ones recorded as delivered.
    Land,
    /// `POST /emulator/webhooks/{id}/redeliver` for the id this far back from the newest.
    Redeliver(u64),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        4 => (0i64..120).prop_map(Op::Push),
        2 => (0i64..300).prop_map(Op::Advance),
        2 => prop::collection::vec(0u8..4, 1..4).prop_map(Op::Round),
        1 => Just(Op::Take),
        1 => Just(Op::Land),
        1 => (0u64..12).prop_map(Op::Redeliver),
    ]
}

fn outcome(code: u8) -> AttemptOutcome {
    match code % 4 {
        0 | 1 => AttemptOutcome::Delivered,
        2 => AttemptOutcome::Failed,
        _ => AttemptOutcome::Dropped,
    }
}

fn event(n: u64) -> WebhookEvent {
    WebhookEvent::ConnectionStatus {
        member_guid: format!("MBR-{}", n % 5),
        user_guid: "USR-1".to_owned(),
        status: ConnectionStatus::Connected,
    }
}

fn attempt(at: DateTime<Utc>, outcome: AttemptOutcome) -> Vec<Attempt> {
    vec![Attempt {
        at,
        outcome,
        status: None,
        error: None,
    }]
}

/// What two outboxes are compared by: each delivery's id, state and attempts, in order.
fn seen(deliveries: &[&Delivery]) -> Vec<(u64, DeliveryState, u32)> {
    deliveries
        .iter()
        .map(|d| (d.id, d.state, d.attempts))
        .collect()
}

fn taken(due: &[Due]) -> Vec<(u64, DeliveryState, DeliveryFault)> {
    due.iter()
        .map(|d| (d.delivery.id, d.delivery.state, d.fault))
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn the_indexed_outbox_is_the_plain_list(
        ops in prop::collection::vec(op(), 1..120),
        kept in 1usize..12,
        drop in prop_oneof![Just(0.0), Just(0.3)],
        reorder in any::<bool>(),
    ) {
        let start = DateTime::<Utc>::from_timestamp(1_772_409_600, 0).unwrap();
        let webhooks = WebhookFaults { drop, duplicate: 0.2, reorder, ..WebhookFaults::default() };
        let mut plain = Plain { deliveries: Vec::new(), next_id: 0, kept };
        let mut indexed = Outbox::new(kept);
        let mut plain_faults = Faults::new(7, webhooks.clone());
        let mut indexed_faults = Faults::new(7, webhooks);
        let mut now = start;
        let mut in_flight: Vec<u64> = Vec::new();
        for op in ops {
            match op {
                Op::Push(secs) => {
                    let due = now + TimeDelta::seconds(secs);
                    plain.push(event(plain.next_id), now, due);
                    indexed.push(event(plain.next_id - 1), None, now, due);
                }
                Op::Advance(secs) => now += TimeDelta::seconds(secs),
                Op::Round(outcomes) => {
                    let a = plain.take_due(now, &mut plain_faults);
                    let b = indexed.take_due(now, &mut indexed_faults);
                    prop_assert_eq!(taken(&a), taken(&b));
                    for (i, due) in a.iter().enumerate() {
                        let result = outcome(outcomes[i % outcomes.len()]);
                        plain.record(due.delivery.id, attempt(now, result), now, RETRIES);
                        indexed.record(due.delivery.id, attempt(now, result), now, BACKOFF, RETRIES);
                    }
                }
                Op::Take => {
                    let a = plain.take_due(now, &mut plain_faults);
                    let b = indexed.take_due(now, &mut indexed_faults);
                    prop_assert_eq!(taken(&a), taken(&b));
                    in_flight.extend(a.iter().map(|d| d.delivery.id));
                }
                Op::Land => {
                    for id in in_flight.drain(..) {
                        plain.record(id, attempt(now, AttemptOutcome::Delivered), now, RETRIES);
                        indexed.record(id, attempt(now, AttemptOutcome::Delivered), now, BACKOFF, RETRIES);
                    }
                }
                Op::Redeliver(back) => {
                    let id = plain.next_id.saturating_sub(back);
                    prop_assert_eq!(plain.redeliver(id, now), indexed.redeliver(id, now));
                }
            }
            let a: Vec<&Delivery> = plain.deliveries.iter().collect();
            let b: Vec<&Delivery> = indexed.iter().collect();
            prop_assert_eq!(seen(&a), seen(&b));
            for probe in [now, now + TimeDelta::seconds(60), now - TimeDelta::seconds(60)] {
                prop_assert_eq!(plain.due_count(probe), indexed.due_count(probe));
            }
            let newest = plain.next_id;
            prop_assert_eq!(
                plain.deliveries.iter().find(|d| d.id == newest).map(|d| d.state),
                indexed.get(newest).map(|d| d.state)
            );
        }
    }
}
