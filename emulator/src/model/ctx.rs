//! What a member's move may touch besides the member: the rules' timings, GUIDs, the
//! throttle records, the outbox, the fault plan and the record of off-model moves.

use std::collections::HashMap;

use chrono::{DateTime, TimeDelta, Utc};

use crate::model::clock::later;
use crate::model::config::{Config, ThrottleFrom};
use crate::model::faults::matching::Faults;
use crate::model::ids::IdGen;
use crate::model::institutions;
use crate::model::member::{JobKind, Member};
use crate::model::outbox::{Outbox, WebhookEvent};
use crate::model::throttle::{ThrottleKey, ThrottleRecord};

/// What the rules need from the configuration.
#[derive(Debug, Clone)]
pub(crate) struct Rules {
    pub(crate) step: TimeDelta,
    pub(crate) mfa_timeout: TimeDelta,
    pub(crate) throttle_window: TimeDelta,
    pub(crate) throttle_from: ThrottleFrom,
    pub(crate) integration_env: bool,
    pub(crate) webhooks: bool,
    /// Seeds members' data (`model::data`) and the spread of background aggregations
    /// (`model::schedule`).
    pub(crate) seed: u64,
    /// Background aggregation off for members created without saying.
    pub(crate) background_off_by_default: bool,
}

impl Rules {
    pub(crate) fn from_config(config: &Config) -> Self {
        let delta = mx_aggregation::saturating_delta;
        Self {
            step: delta(config.step),
            mfa_timeout: delta(config.mfa_timeout),
            throttle_window: delta(config.throttle_window),
            throttle_from: config.throttle_from,
            integration_env: config.integration_env,
            webhooks: config.webhook_url.is_some(),
            seed: config.seed,
            background_off_by_default: config.background_off_by_default,
        }
    }
}

/// Everything a member's move may touch besides the member: GUIDs, the throttle records,
/// the outbox, and the record of moves the lifecycle model does not allow.
#[derive(Debug)]
pub(crate) struct Ctx {
    pub(crate) rules: Rules,
    pub(crate) ids: IdGen,
    pub(crate) throttle: HashMap<ThrottleKey, ThrottleRecord>,
    pub(crate) outbox: Outbox,
    /// The fault plan and webhook faults, with the seeded generator they draw from.
    pub(crate) faults: Faults,
    pub(crate) off_model: Vec<String>,
    pub(crate) base_url: String,
}

impl Ctx {
    /// When MX's background aggregation of `member_guid` is due after `from`, its
    /// creation or its latest job (`model::schedule`).
    pub(crate) fn next_background(&self, member_guid: &str, from: DateTime<Utc>) -> DateTime<Utc> {
        crate::model::schedule::next_background(self.rules.seed, member_guid, from)
    }

    /// Queues a webhook at `now`, held as the webhook faults say (a delay; a second at
    /// least when they reorder, so the webhooks of one moment leave together).
    pub(crate) fn queue_webhook(
        &mut self,
        event: WebhookEvent,
        callback_payload: Option<String>,
        now: DateTime<Utc>,
    ) {
        let faults = &self.faults.webhooks;
        let mut hold = i64::try_from(faults.delay_seconds).unwrap_or(i64::MAX);
        if faults.reorder {
            hold = hold.max(1);
        }
        let due = later(now, TimeDelta::try_seconds(hold).unwrap_or(TimeDelta::MAX));
        self.outbox.push(event, callback_payload, now, due);
    }

    /// Remembers `member`'s timestamps for its throttle key.
    pub(crate) fn record_throttle(&mut self, member: &Member) {
        self.throttle.insert(
            ThrottleKey::of(member),
            ThrottleRecord {
                aggregated_at: member.aggregated_at,
                successfully_aggregated_at: member.successfully_aggregated_at,
            },
        );
    }

    /// True when MX's integration environment does not throttle `member`'s institution.
    fn unthrottled(&self, member: &Member) -> bool {
        self.rules.integration_env
            && institutions::find(&member.institution_code)
                .is_some_and(|i| i.unthrottled_in_integration)
    }

    /// When the window of `member`'s last premium job of `kind` ends, if it is still open
    /// at `now` (`requests::jobs` says why premium jobs have one of their own).
    pub(crate) fn premium_throttled_until(
        &self,
        member: &Member,
        kind: JobKind,
        now: DateTime<Utc>,
    ) -> Option<DateTime<Utc>> {
        if self.unthrottled(member) {
            return None;
        }
        let start = DateTime::from_timestamp(member.premium.last_start(kind)?, 0)?;
        let until = start.checked_add_signed(self.rules.throttle_window)?;
        (until > now).then_some(until)
    }

    /// When the throttle window of `member` ends, if it is still open at `now`.
    pub(crate) fn throttled_until(
        &self,
        member: &Member,
        now: DateTime<Utc>,
    ) -> Option<DateTime<Utc>> {
        if self.unthrottled(member) {
            return None;
        }
        let record = self.throttle.get(&ThrottleKey::of(member))?;
        let start = match self.rules.throttle_from {
            ThrottleFrom::Success => record.successfully_aggregated_at,
            // The later of the latest job's start and the latest success: the window holds
            // under either reading, as `mx_aggregation::earliest_aggregation` counts it.
            ThrottleFrom::AnyJob => record.aggregated_at.max(record.successfully_aggregated_at),
        }?;
        let until = start.checked_add_signed(self.rules.throttle_window)?;
        (until > now).then_some(until)
    }
}
