//! Webhooks: the payloads MX sends, the outbox, and the task that POSTs them to
//! `--webhook-url`, retrying with backoff on the virtual clock.
//!
//! Payloads follow MX's webhook pages: CONNECTION_STATUS
//! (<https://docs.mx.com/resources/webhooks/connection-status>) when a member enters an
//! end-user-actionable status; AGGREGATION `member_data_updated`
//! (<https://docs.mx.com/resources/webhooks/aggregation>) after a completed aggregation,
//! background ones included (VERIFICATION for a verification, which shares the action);
//! member webhooks (<https://docs.mx.com/resources/webhooks/member>) when a member is
//! created, updated or deleted. MX returns the caller's `X-CALLBACK-PAYLOAD` "in the Member
//! and Member Data Updated webhooks" (MX's OpenAPI v20250224) without saying where: these
//! carry it back both as the same header and as a `callback_payload` field. MX retries "no more
//! than 12 total retries after an initial request" over about 24 hours
//! (<https://docs.mx.com/resources/webhooks/>): the emulator's default backoff (20 s,
//! doubling) spans about 23 hours.

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, TimeDelta, Utc};
use mx_aggregation::ConnectionStatus;
use serde_json::{Value, json};

use crate::faults::Faults;
use crate::member::{Job, Member};
use crate::server::TenantState;
use crate::views::{self, unix};
use crate::world::World;

/// One webhook and its delivery so far.
#[derive(Debug, Clone)]
pub(crate) struct Delivery {
    pub(crate) id: u64,
    pub(crate) body: Value,
    pub(crate) callback_payload: Option<String>,
    /// When it was queued.
    pub(crate) queued_at: DateTime<Utc>,
    /// Attempts made (drops included: an attempt the fault plan swallowed).
    pub(crate) attempts: u32,
    /// Every attempt and its outcome.
    pub(crate) log: Vec<Attempt>,
    /// When the next attempt is due; `None` once delivered or given up.
    pub(crate) next_attempt_at: Option<DateTime<Utc>>,
    pub(crate) delivered: bool,
    /// True when a fault dropped it.
    pub(crate) dropped: bool,
    pub(crate) in_flight: bool,
}

impl Delivery {
    /// `pending`, `delivered`, `dropped` or `given_up`.
    pub(crate) const fn state(&self) -> &'static str {
        if self.delivered {
            "delivered"
        } else if self.dropped {
            "dropped"
        } else if self.next_attempt_at.is_some() || self.in_flight {
            "pending"
        } else {
            "given_up"
        }
    }

    /// The outbox entry as `GET /emulator/webhooks` shows it.
    pub(crate) fn view(&self) -> Value {
        json!({
            "id": self.id,
            "type": self.body.get("type").cloned().unwrap_or(Value::Null),
            "member_guid": self.body.get("member_guid").cloned()
                .or_else(|| self.body.pointer("/member/guid").cloned())
                .unwrap_or(Value::Null),
            "state": self.state(),
            "queued_at": views::rfc3339(self.queued_at),
            "next_attempt_at": self.next_attempt_at.map(views::rfc3339),
            "attempts": self.log.iter().map(Attempt::view).collect::<Vec<_>>(),
            "body": self.body,
        })
    }
}

/// One attempt at delivering a webhook.
#[derive(Debug, Clone)]
pub(crate) struct Attempt {
    /// The virtual time of the attempt.
    pub(crate) at: DateTime<Utc>,
    /// `delivered`, `failed`, `dropped` (a fault: nothing was sent) or `duplicate` (a
    /// fault: the same webhook sent again).
    pub(crate) outcome: &'static str,
    /// The receiver's HTTP status, when it answered.
    pub(crate) status: Option<u16>,
    /// Why the request failed, when it did not reach an answer.
    pub(crate) error: Option<String>,
}

impl Attempt {
    fn view(&self) -> Value {
        json!({
            "at": views::rfc3339(self.at),
            "outcome": self.outcome,
            "status": self.status,
            "error": self.error,
        })
    }
}

/// What a due delivery is to go through, decided under the lock from the seeded draws.
#[derive(Debug, Clone)]
pub(crate) struct Due {
    delivery: Delivery,
    drop: bool,
    duplicate: bool,
}

/// The webhooks not yet delivered, and those that were.
#[derive(Debug, Default)]
pub(crate) struct Outbox {
    pub(crate) deliveries: Vec<Delivery>,
    next_id: u64,
}

impl Outbox {
    /// Queues `body` for delivery at `due`.
    pub(crate) fn push(
        &mut self,
        mut body: Value,
        callback_payload: Option<String>,
        now: DateTime<Utc>,
        due: DateTime<Utc>,
    ) {
        if let (Some(payload), Some(object)) = (&callback_payload, body.as_object_mut()) {
            object.insert(
                "callback_payload".to_owned(),
                Value::String(payload.clone()),
            );
        }
        self.next_id += 1;
        self.deliveries.push(Delivery {
            id: self.next_id,
            body,
            callback_payload,
            queued_at: now,
            attempts: 0,
            log: Vec::new(),
            next_attempt_at: Some(due),
            delivered: false,
            dropped: false,
            in_flight: false,
        });
    }

    /// Queues delivery `id` again at `now` (`POST /emulator/webhooks/{id}/redeliver`);
    /// false when there is no such delivery.
    pub(crate) fn redeliver(&mut self, id: u64, now: DateTime<Utc>) -> bool {
        let Some(delivery) = self.deliveries.iter_mut().find(|d| d.id == id) else {
            return false;
        };
        delivery.delivered = false;
        delivery.dropped = false;
        delivery.next_attempt_at = Some(now);
        true
    }

    /// Marks every delivery due by `now` as in flight and returns them with the faults
    /// they meet, oldest first (newest first when `faults.reorder`).
    fn take_due(&mut self, now: DateTime<Utc>, faults: &mut Faults) -> Vec<Due> {
        let mut due = Vec::new();
        for delivery in &mut self.deliveries {
            if !delivery.in_flight && delivery.next_attempt_at.is_some_and(|at| at <= now) {
                delivery.in_flight = true;
                let drop = faults.chance(faults.webhooks.drop);
                let duplicate = !drop && faults.chance(faults.webhooks.duplicate);
                due.push(Due {
                    delivery: delivery.clone(),
                    drop,
                    duplicate,
                });
            }
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
    fn record(
        &mut self,
        id: u64,
        attempts: Vec<Attempt>,
        now: DateTime<Utc>,
        backoff: TimeDelta,
        retries: u32,
    ) {
        let Some(delivery) = self.deliveries.iter_mut().find(|d| d.id == id) else {
            return;
        };
        delivery.in_flight = false;
        let ok = attempts.iter().any(|a| a.outcome == "delivered");
        let dropped = attempts.iter().any(|a| a.outcome == "dropped");
        delivery.attempts = delivery.attempts.saturating_add(1);
        delivery.log.extend(attempts);
        if ok {
            delivery.delivered = true;
            delivery.next_attempt_at = None;
        } else if dropped {
            delivery.dropped = true;
            delivery.next_attempt_at = None;
        } else if delivery.attempts > retries {
            delivery.next_attempt_at = None;
        } else {
            let factor = 1_i32 << (delivery.attempts - 1).min(20);
            let wait = backoff.checked_mul(factor).unwrap_or(TimeDelta::MAX);
            let due = delivery.next_attempt_at.unwrap_or(now).min(now);
            delivery.next_attempt_at = Some(
                due.checked_add_signed(wait)
                    .unwrap_or(DateTime::<Utc>::MAX_UTC),
            );
        }
        // Finished webhooks are kept a while for inspection, not forever.
        if self.deliveries.len() > 10_000 {
            self.deliveries
                .retain(|d| d.next_attempt_at.is_some() || d.in_flight);
        }
    }
}

/// The CONNECTION_STATUS webhook for `member` entering `status`.
pub(crate) fn connection_status(member: &Member, status: ConnectionStatus) -> Value {
    json!({
        "action": "CHANGED",
        "connection_status": status.as_str(),
        "connection_status_id": status.id(),
        "connection_status_message": status.meaning(),
        "member_guid": member.guid,
        "type": "CONNECTION_STATUS",
        "user_guid": member.user_guid,
    })
}

/// The `member_data_updated` webhook after `job` completed at `at`.
pub(crate) fn member_data_updated(member: &Member, job: &Job, at: DateTime<Utc>) -> Value {
    json!({
        "action": "member_data_updated",
        "completed_at": unix(at),
        "completed_on": at.format("%Y-%m-%d").to_string(),
        "is_background": job.is_background,
        "job_guid": job.guid,
        "member_guid": member.guid,
        "transactions_created_count": 0,
        "transactions_updated_count": 0,
        "type": job.kind.webhook_type(),
        "user_guid": member.user_guid,
        "user_id": Value::Null,
    })
}

/// A member webhook: `action` is `created`, `updated` or `deleted`.
pub(crate) fn member_event(member: &Member, action: &str) -> Value {
    json!({
        "action": action,
        "type": "MEMBER",
        "member": {
            "aggregated_at": member.aggregated_at.map(unix),
            "connection_status": member.status.map(ConnectionStatus::as_str),
            "connection_status_id": member.status.map(ConnectionStatus::id),
            "connection_status_message": member.status.map(ConnectionStatus::meaning),
            "created_at": unix(member.created_at),
            "guid": member.guid,
            "id": member.id,
            "institution_code": member.institution_code,
            "is_being_aggregated": member.is_being_aggregated(),
            "is_oauth": member.is_oauth,
            "successfully_aggregated_at": member.successfully_aggregated_at.map(unix),
            "user_guid": member.user_guid,
        },
    })
}

/// Delivers due webhooks until the emulator stops: wakes when one is queued or the clock
/// moves, and every 50 ms of real time.
pub(crate) async fn deliver(tenant: Arc<TenantState>, url: String) {
    let client = match reqwest::Client::builder()
        .timeout(Duration::from_secs(5))
        .build()
    {
        Ok(client) => client,
        Err(error) => {
            eprintln!("mx-emulator: webhooks disabled, no HTTP client: {error}");
            return;
        }
    };
    loop {
        let (due, generation) = {
            let mut world = tenant.lock();
            let now = world.tick();
            let World { cx, .. } = &mut *world;
            (cx.outbox.take_due(now, &mut cx.faults), world.generation)
        };
        for Due {
            delivery,
            drop,
            duplicate,
        } in due
        {
            let mut attempts = Vec::new();
            if drop {
                let at = tenant.lock().tick();
                attempts.push(Attempt {
                    at,
                    outcome: "dropped",
                    status: None,
                    error: None,
                });
            } else {
                let sends = if duplicate { 2 } else { 1 };
                for send in 0..sends {
                    let mut request = client
                        .post(&url)
                        .header("content-type", "application/json")
                        .body(delivery.body.to_string());
                    if let Some(payload) = &delivery.callback_payload {
                        request = request.header("X-CALLBACK-PAYLOAD", payload);
                    }
                    let result = request.send().await;
                    let at = tenant.lock().tick();
                    let (status, error) = match result {
                        Ok(response) => (Some(response.status().as_u16()), None),
                        Err(error) => (None, Some(short(&error.to_string()))),
                    };
                    let ok = status.is_some_and(|s| (200..300).contains(&s));
                    attempts.push(Attempt {
                        at,
                        outcome: match (ok, send) {
                            (true, 0) => "delivered",
                            (true, _) => "duplicate",
                            (false, _) => "failed",
                        },
                        status,
                        error,
                    });
                    if !ok {
                        break;
                    }
                }
            }
            let mut world = tenant.lock();
            if world.generation != generation {
                // The tenant was reset meanwhile: this delivery no longer exists.
                continue;
            }
            let now = world.tick();
            world.cx.outbox.record(
                delivery.id,
                attempts,
                now,
                tenant.webhook_backoff,
                tenant.webhook_retries,
            );
        }
        tokio::select! {
            () = tenant.wake.notified() => {}
            () = tokio::time::sleep(Duration::from_millis(50)) => {}
        }
    }
}

fn short(text: &str) -> String {
    text.chars().take(200).collect()
}
