//! The emulator's state: users, members, the throttle records MX keeps across deletes, the
//! webhook outbox and the virtual clock, behind one lock.
//!
//! Everything here is deterministic: MX's own moves (a job's steps, an MFA expiry, the
//! daily background aggregation) happen in [`World::advance_to`], in time order, at the
//! virtual time they are due, so a clock jump replays them exactly as if the time had
//! passed.

use std::cmp::Reverse;
use std::collections::{BTreeMap, BinaryHeap, HashMap};

use chrono::{DateTime, SubsecRound, TimeDelta, Utc};

use crate::clock::VirtualClock;
use crate::config::{Config, ThrottleFrom};
use crate::faults::Faults;
use crate::ids::IdGen;
use crate::institutions;
use crate::member::{CredentialValue, Member, User};
use crate::webhooks::Outbox;

/// Who is throttled together: MX's window survives deleting and re-creating a member with
/// the same user, institution and credential values (`aggregated_at` in MX's OpenAPI
/// v20250224: "If the member is deleted and re-created … within the throttle window, the
/// old value is returned").
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct ThrottleKey {
    user_guid: String,
    institution_code: String,
    credentials: Vec<CredentialValue>,
}

impl ThrottleKey {
    pub(crate) fn of(member: &Member) -> Self {
        let mut credentials = member.credentials.clone();
        credentials.sort();
        Self {
            user_guid: member.user_guid.clone(),
            institution_code: member.institution_code.clone(),
            credentials,
        }
    }
}

/// The timestamps MX keeps for a throttle key.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct ThrottleRecord {
    pub(crate) aggregated_at: Option<DateTime<Utc>>,
    pub(crate) successfully_aggregated_at: Option<DateTime<Utc>>,
}

/// What the rules need from the configuration.
#[derive(Debug, Clone)]
pub(crate) struct Rules {
    pub(crate) step: TimeDelta,
    pub(crate) mfa_timeout: TimeDelta,
    pub(crate) throttle_window: TimeDelta,
    pub(crate) throttle_from: ThrottleFrom,
    pub(crate) integration_env: bool,
    pub(crate) webhooks: bool,
    pub(crate) background_every: TimeDelta,
}

impl Rules {
    fn from_config(config: &Config) -> Self {
        let delta = |d| TimeDelta::from_std(d).unwrap_or(TimeDelta::MAX);
        Self {
            step: delta(config.step),
            mfa_timeout: delta(config.mfa_timeout),
            throttle_window: delta(config.throttle_window),
            throttle_from: config.throttle_from,
            integration_env: config.integration_env,
            webhooks: config.webhook_url.is_some(),
            // MX aggregates every member about every 24 hours (MX's "Aggregation Methods"
            // guide).
            background_every: TimeDelta::hours(24),
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
    /// Queues a webhook at `now`, held as the webhook faults say (a delay; a second at
    /// least when they reorder, so the webhooks of one moment leave together).
    pub(crate) fn queue_webhook(
        &mut self,
        body: serde_json::Value,
        callback_payload: Option<String>,
        now: DateTime<Utc>,
    ) {
        let faults = &self.faults.webhooks;
        let mut hold = i64::try_from(faults.delay_seconds).unwrap_or(i64::MAX);
        if faults.reorder {
            hold = hold.max(1);
        }
        let due = crate::jobs::later(now, TimeDelta::try_seconds(hold).unwrap_or(TimeDelta::MAX));
        self.outbox.push(body, callback_payload, now, due);
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

    /// When the throttle window of `member` ends, if it is still open at `now`.
    pub(crate) fn throttled_until(
        &self,
        member: &Member,
        now: DateTime<Utc>,
    ) -> Option<DateTime<Utc>> {
        let unthrottled = self.rules.integration_env
            && institutions::find(&member.institution_code)
                .is_some_and(|i| i.unthrottled_in_integration);
        if unthrottled {
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

/// The whole state.
#[derive(Debug)]
pub(crate) struct World {
    pub(crate) clock: VirtualClock,
    pub(crate) cx: Ctx,
    pub(crate) users: BTreeMap<String, User>,
    /// Members by creation order; `index` finds them by GUID.
    pub(crate) members: BTreeMap<u64, Member>,
    pub(crate) index: HashMap<String, u64>,
    pub(crate) oauth_tokens: HashMap<String, String>,
    next_seq: u64,
    /// The last time MX's own moves were played up to.
    pub(crate) now: DateTime<Utc>,
    pub(crate) rate: RateWindow,
    /// Counts resets (`POST /emulator/reset`), so work begun before one is not recorded
    /// after it.
    pub(crate) generation: u64,
}

/// Requests counted in the current second of the virtual clock.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct RateWindow {
    pub(crate) second: i64,
    pub(crate) count: u32,
}

impl World {
    pub(crate) fn new(config: &Config, base_url: String) -> Self {
        let origin = config
            .start_at
            .map_or_else(crate::clock::system_now, |t| t.trunc_subsecs(0));
        Self {
            clock: VirtualClock::new(origin, config.real_time),
            cx: Ctx {
                rules: Rules::from_config(config),
                ids: IdGen::new(config.seed),
                throttle: HashMap::new(),
                outbox: Outbox::default(),
                faults: {
                    let mut faults = Faults::new(config.seed, config.webhook_faults.clone());
                    faults.load(config.faults.clone());
                    faults
                },
                off_model: Vec::new(),
                base_url,
            },
            users: BTreeMap::new(),
            members: BTreeMap::new(),
            index: HashMap::new(),
            oauth_tokens: HashMap::new(),
            next_seq: 0,
            now: origin,
            rate: RateWindow::default(),
            generation: 0,
        }
    }

    /// Plays MX's moves up to the clock's now and returns it.
    pub(crate) fn tick(&mut self) -> DateTime<Utc> {
        let now = self.clock.now();
        self.advance_to(now);
        self.now
    }

    /// Plays every move due by `t`, in time order (members in creation order at the same
    /// instant). A move changes only its own member's next one, so the moves due are
    /// gathered once and kept in a heap: a clock jump over N busy members costs
    /// O(N log N), not O(N²).
    pub(crate) fn advance_to(&mut self, t: DateTime<Utc>) {
        let mut due: BinaryHeap<Reverse<(DateTime<Utc>, u64)>> = self
            .members
            .iter()
            .filter_map(|(seq, m)| {
                crate::jobs::due_by(m, &self.cx, t).map(|at| Reverse((at, *seq)))
            })
            .collect();
        while let Some(Reverse((at, seq))) = due.pop() {
            let at = at.max(self.now);
            self.now = at;
            if let Some(member) = self.members.get_mut(&seq) {
                crate::jobs::fire(member, &mut self.cx, at);
                if let Some(next) = crate::jobs::due_by(member, &self.cx, t) {
                    due.push(Reverse((next, seq)));
                }
            }
        }
        self.now = self.now.max(t);
    }

    /// Adds `member`, keeping creation order.
    pub(crate) fn insert_member(&mut self, member: Member) {
        self.next_seq += 1;
        self.index.insert(member.guid.clone(), self.next_seq);
        self.members.insert(self.next_seq, member);
    }

    /// Removes a member (its throttle record stays).
    pub(crate) fn remove_member(&mut self, guid: &str) -> Option<Member> {
        let seq = self.index.remove(guid)?;
        let member = self.members.remove(&seq)?;
        if let Some(token) = &member.oauth_token {
            self.oauth_tokens.remove(token);
        }
        Some(member)
    }

    pub(crate) fn member(&self, guid: &str) -> Option<&Member> {
        self.index.get(guid).and_then(|seq| self.members.get(seq))
    }
}
