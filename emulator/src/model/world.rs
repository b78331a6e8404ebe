//! The emulator's state for one tenant: users, members, the throttle records MX keeps
//! across deletes, the webhook outbox and the virtual clock (the tenant layer holds it
//! behind a lock).
//!
//! Everything here is deterministic: MX's own moves (a job's steps, an MFA expiry, the
//! daily background aggregation) happen in [`World::advance_to`], in time order, at the
//! virtual time they are due, so a clock jump replays them exactly as if the time had
//! passed.

use std::cmp::Reverse;
use std::collections::{BTreeMap, BinaryHeap, HashMap};

use chrono::{DateTime, SubsecRound, Utc};

use crate::model::clock::{self, VirtualClock};
use crate::model::config::Config;
use crate::model::ctx::{Ctx, Rules};
use crate::model::faults::matching::Faults;
use crate::model::ids::IdGen;
use crate::model::journal::Journal;
use crate::model::member::{Member, User};
use crate::model::moves;
use crate::model::outbox::Outbox;
use crate::model::refusal::{Refusal, Refused};
use crate::model::widget::Widgets;

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
    /// Every answered request, the newest `Config::journal_entries`.
    pub(crate) journal: Journal,
    /// The Connect widget's URLs and sessions.
    pub(crate) widgets: Widgets,
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
            .map_or_else(clock::system_now, |t| t.trunc_subsecs(0));
        Self {
            clock: VirtualClock::new(origin, config.real_time),
            cx: Ctx {
                rules: Rules::from_config(config),
                ids: IdGen::new(config.seed),
                throttle: HashMap::new(),
                outbox: Outbox::new(config.webhooks_kept),
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
            journal: Journal::new(config.journal_entries),
            widgets: Widgets::default(),
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
            .filter_map(|(seq, m)| moves::due_by(m, &self.cx, t).map(|at| Reverse((at, *seq))))
            .collect();
        while let Some(Reverse((at, seq))) = due.pop() {
            let at = at.max(self.now);
            self.now = at;
            if let Some(member) = self.members.get_mut(&seq) {
                moves::fire(member, &mut self.cx, at);
                if let Some(next) = moves::due_by(member, &self.cx, t) {
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

    /// The member with GUID `guid`, borrowed together with the context its moves write
    /// to (GUIDs, throttle records, the outbox).
    pub(crate) fn member_with_ctx(&mut self, guid: &str) -> Refused<(&mut Member, &mut Ctx)> {
        let Self {
            members, index, cx, ..
        } = self;
        let member = index
            .get(guid)
            .and_then(|seq| members.get_mut(seq))
            .ok_or(Refusal::NotFound("member not found"))?;
        Ok((member, cx))
    }

    /// The GUID of the user `identifier` names (MX accepts the GUID or the partner's id).
    pub(crate) fn user_guid(&self, identifier: &str) -> Refused<String> {
        if self.users.contains_key(identifier) {
            return Ok(identifier.to_owned());
        }
        self.users
            .values()
            .find(|u| u.id.as_deref() == Some(identifier))
            .map(|u| u.guid.clone())
            .ok_or(Refusal::NotFound("user not found"))
    }

    /// The GUID of the member `identifier` (GUID or partner id) names under `user`.
    pub(crate) fn member_guid(&self, user: &str, identifier: &str) -> Refused<String> {
        let user = self.user_guid(user)?;
        let belongs = |m: &Member| m.user_guid == user;
        if let Some(m) = self.member(identifier).filter(|m| belongs(m)) {
            return Ok(m.guid.clone());
        }
        self.members
            .values()
            .find(|m| belongs(m) && m.id.as_deref() == Some(identifier))
            .map(|m| m.guid.clone())
            .ok_or(Refusal::NotFound("member not found"))
    }

    /// Counts a request in the current second of the virtual clock; when that makes more
    /// than `limit`, the seconds to wait before asking again.
    pub(crate) fn over_rate_limit(&mut self, limit: u32) -> Option<u64> {
        let second = self.clock.now().timestamp();
        if self.rate.second != second {
            self.rate.second = second;
            self.rate.count = 0;
        }
        self.rate.count = self.rate.count.saturating_add(1);
        (self.rate.count > limit).then_some(1)
    }
}
