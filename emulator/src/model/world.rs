//! The emulator's state for one tenant: users, members, the throttle records MX keeps
//! across deletes, the webhook outbox and the virtual clock (the tenant layer holds it
//! behind a lock).
//!
//! Everything here is deterministic: MX's own moves (a job's steps, an MFA expiry, the
//! daily background aggregation) happen in [`World::advance_to`], in time order, at the
//! virtual time they are due, so a clock jump replays them exactly as if the time had
//! passed.

use std::collections::HashMap;

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
use crate::model::roster::{MemberMut, Roster};
use crate::model::widget::Widgets;

/// The whole state.
#[derive(Debug)]
pub(crate) struct World {
    pub(crate) clock: VirtualClock,
    pub(crate) cx: Ctx,
    /// Users and members, indexed: no request walks them all.
    pub(crate) roster: Roster,
    pub(crate) oauth_tokens: HashMap<String, String>,
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
            roster: Roster::default(),
            oauth_tokens: HashMap::new(),
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
    /// instant). The roster keeps members by the earliest time MX may move them
    /// (`moves::wake`), so a clock jump visits only the members it moves: O(k log N) for k
    /// moves among N members.
    pub(crate) fn advance_to(&mut self, t: DateTime<Utc>) {
        while let Some((wake, guid)) = self.roster.first_wake(t) {
            let exact = self
                .roster
                .member(&guid)
                .and_then(|m| moves::next_move(m, &self.cx));
            match exact {
                Some(at) if at <= wake => {
                    let at = at.max(self.now);
                    self.now = at;
                    if let Some(mut member) = self.roster.member_mut(&guid) {
                        moves::fire(&mut member, &mut self.cx, at);
                    }
                }
                later => self.roster.delay_wake(&guid, later),
            }
        }
        self.now = self.now.max(t);
    }

    /// Adds `member`, keeping creation order.
    pub(crate) fn insert_member(&mut self, member: Member) {
        self.roster.insert_member(member);
    }

    /// Removes a member (its throttle record stays).
    pub(crate) fn remove_member(&mut self, guid: &str) -> Option<Member> {
        let member = self.roster.remove_member(guid)?;
        if let Some(token) = &member.oauth_token {
            self.oauth_tokens.remove(token);
        }
        Some(member)
    }

    /// Removes the user with GUID `guid` and its members (their throttle records stay).
    pub(crate) fn remove_user(&mut self, guid: &str) {
        for member in self.roster.remove_user(guid) {
            if let Some(token) = &member.oauth_token {
                self.oauth_tokens.remove(token);
            }
        }
    }

    /// The member with GUID `guid`.
    pub(crate) fn member(&self, guid: &str) -> Option<&Member> {
        self.roster.member(guid)
    }

    /// The user with GUID `guid`.
    pub(crate) fn user(&self, guid: &str) -> Option<&User> {
        self.roster.user(guid)
    }

    /// The members of the user with GUID `user`, in creation order.
    pub(crate) fn user_members(&self, user: &str) -> Vec<&Member> {
        self.roster.user_members(user)
    }

    /// The member with GUID `guid`, borrowed for writing together with the context its
    /// moves write to (GUIDs, throttle records, the outbox).
    pub(crate) fn member_with_ctx(&mut self, guid: &str) -> Refused<(MemberMut<'_>, &mut Ctx)> {
        let Self { roster, cx, .. } = self;
        let member = roster
            .member_mut(guid)
            .ok_or(Refusal::NotFound("member not found"))?;
        Ok((member, cx))
    }

    /// The GUID of the user `identifier` names (MX accepts the GUID or the partner's id).
    pub(crate) fn user_guid(&self, identifier: &str) -> Refused<String> {
        if self.roster.user(identifier).is_some() {
            return Ok(identifier.to_owned());
        }
        self.roster
            .user_guid_by_id(identifier)
            .map(str::to_owned)
            .ok_or(Refusal::NotFound("user not found"))
    }

    /// The GUID of the member `identifier` (GUID or partner id) names under `user`.
    pub(crate) fn member_guid(&self, user: &str, identifier: &str) -> Refused<String> {
        let user = self.user_guid(user)?;
        if let Some(m) = self.member(identifier).filter(|m| m.user_guid == user) {
            return Ok(m.guid.clone());
        }
        self.roster
            .member_by_id(&user, identifier)
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
