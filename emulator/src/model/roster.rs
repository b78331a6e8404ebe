//! A tenant's users and members with the indexes every request looks them up by, so no
//! request walks the tenant: a user by GUID or partner `id`, a member by GUID, by partner
//! `id` under its user, by its throttle key (the duplicate check), a user's members in
//! creation order, and the members MX moves next, by time.
//!
//! The members are reachable only through this type: a member handed out for writing
//! ([`MemberMut`]) leaves the indexes that depend on what it may change (its `id`, its
//! credentials, its next move) and re-enters them when it is dropped, so the indexes
//! cannot go stale.
//!
//! Memory: a member costs its `Member` (boxed, so the B-tree's nodes hold pointers) and,
//! in the indexes, its GUID once more, three hash-map slots holding one sequence number
//! each without a heap allocation ([`Slots`]) and its wake in a B-tree.

use std::collections::hash_map::DefaultHasher;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::hash::{Hash, Hasher};
use std::ops::{Deref, DerefMut};

use chrono::{DateTime, Utc};

use crate::model::member::{Member, User};
use crate::model::moves;
use crate::model::throttle::ThrottleKey;

/// The users and members of one tenant, indexed.
#[derive(Debug, Default)]
pub(crate) struct Roster {
    users: BTreeMap<String, User>,
    /// A user's GUID by its partner `id` (MX keeps the `id` unique: 409 otherwise).
    user_ids: HashMap<String, String>,
    /// Members by creation order.
    members: BTreeMap<u64, Box<Member>>,
    by_guid: HashMap<String, u64>,
    /// Each user's members, in creation order.
    by_user: HashMap<String, Slots>,
    /// Members with a partner `id`, by a hash of (user GUID, `id`); a match is confirmed
    /// on the member. MX does not keep the `id` unique: the first created wins.
    by_id: HashMap<u64, Slots>,
    /// Members by a hash of their throttle key; a match is confirmed on the member.
    by_throttle: HashMap<u64, Slots>,
    /// (when MX may move the member next; member): [`moves::wake`], or the exact time
    /// once [`Roster::delay_wake`] found it later.
    wakes: BTreeSet<(DateTime<Utc>, u64)>,
    /// Each member's entry in `wakes`.
    wake_of: HashMap<u64, DateTime<Utc>>,
    next_seq: u64,
    /// Members read by the lookups, for the tests that pin them to the indexes.
    #[cfg(test)]
    pub(crate) visits: std::cell::Cell<u64>,
}

/// The indexes a writable member leaves while it is borrowed.
#[derive(Debug)]
struct Indexes<'r> {
    by_id: &'r mut HashMap<u64, Slots>,
    by_throttle: &'r mut HashMap<u64, Slots>,
    wakes: &'r mut BTreeSet<(DateTime<Utc>, u64)>,
    wake_of: &'r mut HashMap<u64, DateTime<Utc>>,
}

impl Indexes<'_> {
    fn enter(&mut self, seq: u64, member: &Member) {
        if let Some(id) = &member.id {
            add(self.by_id, id_hash(&member.user_guid, id), seq);
        }
        add(self.by_throttle, throttle_hash(member), seq);
        if let Some(at) = moves::wake(member) {
            self.wakes.insert((at, seq));
            self.wake_of.insert(seq, at);
        }
    }

    fn leave(&mut self, seq: u64, member: &Member) {
        if let Some(id) = &member.id {
            drop_slot(self.by_id, &id_hash(&member.user_guid, id), seq);
        }
        drop_slot(self.by_throttle, &throttle_hash(member), seq);
        if let Some(at) = self.wake_of.remove(&seq) {
            self.wakes.remove(&(at, seq));
        }
    }
}

/// Members' sequence numbers under one key, ascending: one inline, more on the heap.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Slots {
    One(u64),
    Many(Vec<u64>),
}

impl Slots {
    fn as_slice(&self) -> &[u64] {
        match self {
            Self::One(seq) => std::slice::from_ref(seq),
            Self::Many(seqs) => seqs,
        }
    }

    fn insert(&mut self, seq: u64) {
        let mut seqs = self.as_slice().to_vec();
        if let Err(at) = seqs.binary_search(&seq) {
            seqs.insert(at, seq);
        }
        *self = Self::Many(seqs);
    }

    /// Removes `seq`; false when none is left.
    fn remove(&mut self, seq: u64) -> bool {
        match self {
            Self::One(only) => *only != seq,
            Self::Many(seqs) => {
                seqs.retain(|s| *s != seq);
                match seqs.as_slice() {
                    [] => false,
                    [only] => {
                        *self = Self::One(*only);
                        true
                    }
                    _ => true,
                }
            }
        }
    }
}

fn add<K: Hash + Eq>(index: &mut HashMap<K, Slots>, key: K, seq: u64) {
    match index.get_mut(&key) {
        Some(slots) => slots.insert(seq),
        None => {
            index.insert(key, Slots::One(seq));
        }
    }
}

fn drop_slot<K, Q>(index: &mut HashMap<K, Slots>, key: &Q, seq: u64)
where
    K: Hash + Eq + std::borrow::Borrow<Q>,
    Q: Hash + Eq + ?Sized,
{
    if let Some(slots) = index.get_mut(key)
        && !slots.remove(seq)
    {
        index.remove(key);
    }
}

fn id_hash(user_guid: &str, id: &str) -> u64 {
    let mut hasher = DefaultHasher::new();
    (user_guid, id).hash(&mut hasher);
    hasher.finish()
}

fn throttle_hash(member: &Member) -> u64 {
    let mut hasher = DefaultHasher::new();
    ThrottleKey::of(member).hash(&mut hasher);
    hasher.finish()
}

/// A member borrowed for writing: it reads and writes as a [`Member`], and re-enters the
/// roster's indexes when dropped.
#[derive(Debug)]
pub(crate) struct MemberMut<'r> {
    member: &'r mut Member,
    seq: u64,
    indexes: Indexes<'r>,
}

impl Deref for MemberMut<'_> {
    type Target = Member;
    fn deref(&self) -> &Member {
        self.member
    }
}

impl DerefMut for MemberMut<'_> {
    fn deref_mut(&mut self) -> &mut Member {
        self.member
    }
}

impl Drop for MemberMut<'_> {
    fn drop(&mut self) {
        self.indexes.enter(self.seq, self.member);
    }
}

impl Roster {
    fn visit(&self, n: usize) {
        #[cfg(test)]
        self.visits
            .set(self.visits.get() + u64::try_from(n).unwrap_or(u64::MAX));
        #[cfg(not(test))]
        let _ = n;
    }

    /// The user with GUID `guid`.
    pub(crate) fn user(&self, guid: &str) -> Option<&User> {
        self.users.get(guid)
    }

    /// The GUID of the user whose partner `id` is `id`.
    pub(crate) fn user_guid_by_id(&self, id: &str) -> Option<&str> {
        self.user_ids.get(id).map(String::as_str)
    }

    /// Adds `user`; its `id`, if any, must not name another user (the caller checks).
    pub(crate) fn insert_user(&mut self, user: User) {
        if let Some(id) = &user.id {
            self.user_ids.insert(id.clone(), user.guid.clone());
        }
        self.users.insert(user.guid.clone(), user);
    }

    /// Removes the user with GUID `guid` and its members, and returns the members.
    pub(crate) fn remove_user(&mut self, guid: &str) -> Vec<Member> {
        if let Some(user) = self.users.remove(guid)
            && let Some(id) = &user.id
        {
            self.user_ids.remove(id);
        }
        let seqs = self.by_user.remove(guid);
        let seqs = seqs.as_ref().map_or(&[][..], Slots::as_slice);
        seqs.iter()
            .filter_map(|seq| self.remove_seq(*seq))
            .collect()
    }

    /// Adds `member`, last in creation order.
    pub(crate) fn insert_member(&mut self, member: Member) {
        self.next_seq += 1;
        let seq = self.next_seq;
        self.by_guid.insert(member.guid.clone(), seq);
        add(&mut self.by_user, member.user_guid.clone(), seq);
        self.indexes().enter(seq, &member);
        self.members.insert(seq, Box::new(member));
    }

    /// Removes the member with GUID `guid`.
    pub(crate) fn remove_member(&mut self, guid: &str) -> Option<Member> {
        let seq = *self.by_guid.get(guid)?;
        if let Some(user) = self.members.get(&seq).map(|m| m.user_guid.clone()) {
            drop_slot(&mut self.by_user, user.as_str(), seq);
        }
        self.remove_seq(seq)
    }

    /// Removes the member `seq` from every index but `by_user`.
    fn remove_seq(&mut self, seq: u64) -> Option<Member> {
        let member = self.members.remove(&seq)?;
        self.by_guid.remove(&member.guid);
        self.indexes().leave(seq, &member);
        Some(*member)
    }

    fn indexes(&mut self) -> Indexes<'_> {
        Indexes {
            by_id: &mut self.by_id,
            by_throttle: &mut self.by_throttle,
            wakes: &mut self.wakes,
            wake_of: &mut self.wake_of,
        }
    }

    /// The member with GUID `guid`.
    pub(crate) fn member(&self, guid: &str) -> Option<&Member> {
        let member = self
            .by_guid
            .get(guid)
            .and_then(|seq| self.members.get(seq))
            .map(|m| &**m);
        self.visit(usize::from(member.is_some()));
        member
    }

    /// The member with GUID `guid`, for writing.
    pub(crate) fn member_mut(&mut self, guid: &str) -> Option<MemberMut<'_>> {
        let seq = *self.by_guid.get(guid)?;
        self.seq_mut(seq)
    }

    fn seq_mut(&mut self, seq: u64) -> Option<MemberMut<'_>> {
        self.visit(1);
        let Self {
            members,
            by_id,
            by_throttle,
            wakes,
            wake_of,
            ..
        } = self;
        let member: &mut Member = members.get_mut(&seq)?;
        let mut indexes = Indexes {
            by_id,
            by_throttle,
            wakes,
            wake_of,
        };
        indexes.leave(seq, member);
        Some(MemberMut {
            member,
            seq,
            indexes,
        })
    }

    /// The first member (in creation order) of the user with GUID `user` whose partner
    /// `id` is `id`.
    pub(crate) fn member_by_id(&self, user: &str, id: &str) -> Option<&Member> {
        let seqs = self.by_id.get(&id_hash(user, id))?;
        seqs.as_slice()
            .iter()
            .filter_map(|seq| self.members.get(seq))
            .inspect(|_| self.visit(1))
            .map(|m| &**m)
            .find(|m| m.user_guid == user && m.id.as_deref() == Some(id))
    }

    /// Every member, in creation order: the dashboard's list (`GET /emulator/members`, the
    /// control plane), which shows the whole tenant by design.
    pub(crate) fn all_members(&self) -> impl Iterator<Item = &Member> {
        self.visit(self.members.len());
        self.members.values().map(|m| &**m)
    }

    /// The members of the user with GUID `user`, in creation order.
    pub(crate) fn user_members(&self, user: &str) -> Vec<&Member> {
        let members: Vec<&Member> = self
            .by_user
            .get(user)
            .map_or(&[][..], Slots::as_slice)
            .iter()
            .filter_map(|seq| self.members.get(seq))
            .map(|m| &**m)
            .collect();
        self.visit(members.len());
        members
    }

    /// True when a member other than `member` has its throttle key (the same user,
    /// institution and credential values).
    pub(crate) fn has_twin(&self, member: &Member) -> bool {
        let key = ThrottleKey::of(member);
        let candidates = self.by_throttle.get(&throttle_hash(member));
        candidates
            .map_or(&[][..], Slots::as_slice)
            .iter()
            .filter_map(|seq| self.members.get(seq))
            .inspect(|_| self.visit(1))
            .any(|m| m.guid != member.guid && ThrottleKey::of(m) == key)
    }

    /// The member MX may move first, at or before `t`: when, at the earliest, and its
    /// GUID ([`moves::wake`]). The caller checks the exact time with [`moves::next_move`].
    pub(crate) fn first_wake(&self, t: DateTime<Utc>) -> Option<(DateTime<Utc>, String)> {
        let &(at, seq) = self.wakes.first().filter(|(at, _)| *at <= t)?;
        self.visit(1);
        self.members.get(&seq).map(|m| (at, m.guid.clone()))
    }

    /// Moves the wake of the member with GUID `guid` to `at`, the exact time of its next
    /// move when that is later than its earliest (the throttle window delays a background
    /// aggregation), or drops it when MX will not move the member.
    pub(crate) fn delay_wake(&mut self, guid: &str, at: Option<DateTime<Utc>>) {
        let Some(&seq) = self.by_guid.get(guid) else {
            return;
        };
        if let Some(old) = self.wake_of.remove(&seq) {
            self.wakes.remove(&(old, seq));
        }
        if let Some(at) = at {
            self.wakes.insert((at, seq));
            self.wake_of.insert(seq, at);
        }
    }
}

#[cfg(test)]
#[path = "roster_tests.rs"]
mod tests;
