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

use crate::member::{Job, Member};
use crate::server::Shared;
use crate::views::unix;

/// One webhook and its delivery so far.
#[derive(Debug, Clone)]
pub(crate) struct Delivery {
    pub(crate) id: u64,
    pub(crate) body: Value,
    pub(crate) callback_payload: Option<String>,
    /// Attempts made.
    pub(crate) attempts: u32,
    /// When the next attempt is due; `None` once delivered or given up.
    pub(crate) next_attempt_at: Option<DateTime<Utc>>,
    pub(crate) delivered: bool,
    pub(crate) in_flight: bool,
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
            attempts: 0,
            next_attempt_at: Some(due),
            delivered: false,
            in_flight: false,
        });
    }

    /// Marks every delivery due by `now` as in flight and returns copies of them.
    fn take_due(&mut self, now: DateTime<Utc>) -> Vec<Delivery> {
        let mut due = Vec::new();
        for delivery in &mut self.deliveries {
            if !delivery.in_flight && delivery.next_attempt_at.is_some_and(|at| at <= now) {
                delivery.in_flight = true;
                due.push(delivery.clone());
            }
        }
        due
    }

    /// Records an attempt's result at `now`.
    ///
    /// A retry is due its backoff after the attempt was *due*, not after it was made: when
    /// the clock jumps an hour, the retries MX would have made in that hour happen at once,
    /// one after the other, as if the time had passed.
    fn record(&mut self, id: u64, ok: bool, now: DateTime<Utc>, backoff: TimeDelta, retries: u32) {
        let Some(delivery) = self.deliveries.iter_mut().find(|d| d.id == id) else {
            return;
        };
        delivery.in_flight = false;
        delivery.attempts = delivery.attempts.saturating_add(1);
        if ok {
            delivery.delivered = true;
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
        // Delivered webhooks are kept a while for inspection, not forever.
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
pub(crate) async fn deliver(shared: Arc<Shared>, url: String) {
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
        let due = {
            let mut world = shared.lock();
            let now = world.tick();
            world.cx.outbox.take_due(now)
        };
        for delivery in due {
            let mut request = client
                .post(&url)
                .header("content-type", "application/json")
                .body(delivery.body.to_string());
            if let Some(payload) = &delivery.callback_payload {
                request = request.header("X-CALLBACK-PAYLOAD", payload);
            }
            let ok = request
                .send()
                .await
                .is_ok_and(|response| response.status().is_success());
            let mut world = shared.lock();
            let now = world.tick();
            world.cx.outbox.record(
                delivery.id,
                ok,
                now,
                shared.webhook_backoff,
                shared.webhook_retries,
            );
        }
        tokio::select! {
            () = shared.wake.notified() => {}
            () = tokio::time::sleep(Duration::from_millis(50)) => {}
        }
    }
}
