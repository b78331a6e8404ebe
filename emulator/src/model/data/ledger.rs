//! A member's transactions, derived on demand from the seed, the member's GUID and the
//! virtual times of its successful aggregations: nothing but those times is stored.
//!
//! Transactions happen on their own clock: each UTC day of a member has 3 to 6 of them
//! across its accounts (one in each half of the day at least, so any 24 hours hold one),
//! each with its time, account, kind and amount drawn from the seed. A successful
//! aggregation at `J` makes known what happened up to `J`: the first one the 120 days
//! before it (MX's default history, the spec's `from_date` "defaults to 120 days ago"),
//! every later one the time since the previous one. A purchase the institution has not
//! posted yet arrives `PENDING`; it posts two to three days after it happened, at the
//! first job that sees it posted, as MX's most common case goes (MX's OpenAPI v20250224,
//! `TransactionResponse.status`: "the `PENDING` transaction will often be deleted and
//! replaced with a new `POSTED` transaction (with a new `guid`)"). One purchase in ten never
//! posts (an authorization that falls off) and is deleted by the first job 14 days after
//! it happened ("All `PENDING` transactions are deleted after 14 days as a failsafe", same
//! text). One transaction in six arrives with the institution's raw text as its
//! `description` and is cleaned in place by the next job, which is its `updated_at`.
//!
//! Every record's `created_at`, `updated_at` and deletion are job times, so the state after
//! any job, and what that job changed, follow from the job times alone.

use chrono::{DateTime, NaiveDate, Utc};

use super::catalog::{self, AccountKind, Direction, Entry};
use crate::model::ids::splitmix;

/// Seconds in a day.
pub(crate) const DAY: i64 = 86_400;
/// The days of history the first successful aggregation brings.
pub(crate) const HISTORY_DAYS: i64 = 120;
/// The days of history a history extension brings: MX's `extend_history` "fetch[es] up
/// to 24 months of historical data" (EXT-HISTORY).
pub(crate) const EXTENDED_HISTORY_DAYS: i64 = 730;
/// A `PENDING` transaction still pending this long after it happened is deleted.
const PENDING_DELETED_AFTER: i64 = 14 * DAY;
/// A purchase posts between two and three days after it happened.
const POST_DELAY_MIN: i64 = 2 * DAY;

/// Whose data: the emulator's seed and the member.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct MemberKey {
    seed: u64,
    member: u64,
}

impl MemberKey {
    /// The key of the member with `member_guid` under `seed`.
    pub(crate) fn new(seed: u64, member_guid: &str) -> Self {
        // FNV-1a: a stable hash of the GUID, the same in every run and on every platform.
        let member = member_guid.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
        });
        Self { seed, member }
    }

    /// The key of what every member under this key's seed shares (a security's price on
    /// a day): its draws depend on the seed alone.
    pub(crate) const fn market(self) -> Self {
        Self {
            seed: self.seed,
            member: 0,
        }
    }

    /// A draw from the seed, the member and `parts`.
    pub(crate) fn draw(self, parts: &[u64]) -> u64 {
        parts.iter().fold(
            splitmix(self.seed ^ self.member.rotate_left(17)),
            |h, part| splitmix(h ^ *part),
        )
    }

    /// An MX-shaped GUID with `prefix` from the draw of `parts`.
    pub(crate) fn guid(self, prefix: &str, parts: &[u64]) -> String {
        let high = self.draw(parts);
        let low = splitmix(high ^ 0x5452_4e5f_4755_4944);
        format!(
            "{prefix}-{:08x}-{:04x}-{:04x}-{:04x}-{:012x}",
            high >> 32,
            (high >> 16) & 0xffff,
            high & 0xffff,
            low >> 48,
            low & 0xffff_ffff_ffff
        )
    }
}

/// The virtual times (Unix seconds) of a member's successful aggregations, oldest first,
/// the one of them that extended the history, and the latest balance check.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Ledger {
    jobs: Vec<i64>,
    /// The index in `jobs` of the first history extension: from it on the history reaches
    /// [`EXTENDED_HISTORY_DAYS`] back.
    extended: Option<usize>,
    /// The latest balance check, when later than the latest job: the balances are read
    /// as of then, the transactions as of the latest job.
    balances_at: Option<i64>,
}

impl Ledger {
    /// Records a successful aggregation at `at`; false (nothing recorded) when it is not
    /// later than the last one.
    pub(crate) fn record(&mut self, at: i64) -> bool {
        if self.jobs.last().is_some_and(|last| *last >= at) {
            return false;
        }
        self.jobs.push(at);
        true
    }

    /// Records a successful history extension at `at`: a job that also brings the
    /// transactions back to [`EXTENDED_HISTORY_DAYS`] before the first job. False
    /// (nothing recorded) when it is not later than the last job.
    pub(crate) fn extend(&mut self, at: i64) -> bool {
        if !self.record(at) {
            return false;
        }
        if self.extended.is_none() {
            self.extended = Some(self.jobs.len() - 1);
        }
        true
    }

    /// Records a successful balance check at `at`.
    pub(crate) fn balances_checked(&mut self, at: i64) {
        if self.last().is_some_and(|last| last < at) {
            self.balances_at = Some(at);
        }
    }

    /// The ledger the balances are read from: this one, with the latest balance check as
    /// one more job when it is later than the latest job.
    pub(crate) fn for_balances(&self) -> std::borrow::Cow<'_, Self> {
        match self.balances_at {
            Some(at) if self.last().is_some_and(|last| last < at) => {
                let mut view = self.clone();
                view.record(at);
                std::borrow::Cow::Owned(view)
            }
            Some(_) | None => std::borrow::Cow::Borrowed(self),
        }
    }

    /// The job times, oldest first.
    pub(crate) fn jobs(&self) -> &[i64] {
        &self.jobs
    }

    /// The first successful aggregation, when the accounts appeared.
    pub(crate) fn first(&self) -> Option<i64> {
        self.jobs.first().copied()
    }

    /// The latest successful aggregation.
    pub(crate) fn last(&self) -> Option<i64> {
        self.jobs.last().copied()
    }

    /// The index of the first job at or after `t`, from `from` on.
    fn first_job_from(&self, from: usize, t: i64) -> Option<usize> {
        let rest = self.jobs.get(from..)?;
        let i = from + rest.partition_point(|j| *j < t);
        (i < self.jobs.len()).then_some(i)
    }

    /// The earliest time a transaction can have: 120 days before the first job, 730
    /// once the history was extended.
    fn history_start(&self) -> Option<i64> {
        let days = if self.extended.is_some() {
            EXTENDED_HISTORY_DAYS
        } else {
            HISTORY_DAYS
        };
        self.first().map(|first| first - days * DAY)
    }

    /// The job that first saw a transaction at `at`: the first job at or after it, or
    /// for a transaction older than the first job's history, the history extension.
    fn first_seen(&self, at: i64) -> Option<usize> {
        let first = self.first()?;
        if at < first - HISTORY_DAYS * DAY {
            return self.extended;
        }
        self.first_job_from(0, at)
    }
}

/// A transaction's `status`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum Status {
    /// Reported by the institution, not posted yet.
    Pending,
    /// Posted.
    Posted,
}

impl Status {
    /// MX's `status` string.
    pub(crate) const fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "PENDING",
            Self::Posted => "POSTED",
        }
    }
}

/// One transaction record as the member's latest job left it (deleted ones included,
/// with the job that deleted them).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Transaction {
    /// Whose it is: its GUID is drawn from this key and `id` when it is shown, so deriving
    /// a member's records (to count a job's changes, say) formats no text.
    key: MemberKey,
    /// The day, its place in the day, and 0 for the first record or 1 for the posted one
    /// that replaced it: what the GUID is drawn from, and the listing's tie-break.
    pub(crate) id: (i64, u64, u64),
    pub(crate) entry: &'static Entry,
    pub(crate) status: Status,
    pub(crate) amount_cents: i64,
    pub(crate) transacted_at: i64,
    /// When it posted; `None` while pending.
    pub(crate) posted_at: Option<i64>,
    pub(crate) created_at: i64,
    pub(crate) updated_at: i64,
    pub(crate) deleted_at: Option<i64>,
    pub(crate) description: &'static str,
}

impl Transaction {
    /// Its GUID (`TRN-…`).
    pub(crate) fn guid(&self) -> String {
        let (day, k, variant) = self.id;
        self.key.guid("TRN", &[0x7E, day as u64, k, variant])
    }

    /// The account it belongs to.
    pub(crate) const fn account(&self) -> AccountKind {
        self.entry.account
    }

    /// Its `date`: the UTC day it happened.
    pub(crate) fn date(&self) -> NaiveDate {
        date_of(self.transacted_at)
    }

    /// True when it has not been deleted.
    pub(crate) const fn is_live(&self) -> bool {
        self.deleted_at.is_none()
    }

    /// What it does to its account's balance, in cents: a debit lowers a checking or
    /// savings balance and raises what a credit card owes.
    pub(crate) const fn balance_effect(&self) -> i64 {
        let signed = match self.entry.direction {
            Direction::Credit => self.amount_cents,
            Direction::Debit => -self.amount_cents,
        };
        if self.entry.account.is_liability() {
            -signed
        } else {
            signed
        }
    }
}

/// The UTC day of Unix second `t`.
pub(crate) fn date_of(t: i64) -> NaiveDate {
    DateTime::<Utc>::from_timestamp(t, 0).map_or(NaiveDate::MIN, |d| d.date_naive())
}

/// The day number (days since 1970-01-01) of Unix second `t`.
const fn day_of(t: i64) -> i64 {
    t.div_euclid(DAY)
}

/// What the seed draws for the `k`-th transaction of day `day`.
#[derive(Debug, Clone, Copy)]
struct Draw {
    day: i64,
    k: u64,
    at: i64,
    entry: &'static Entry,
    amount_cents: i64,
    post_delay: i64,
    never_posts: bool,
    /// Whether each record (the first, and the posted one replacing a pending one) arrives
    /// with raw text and is cleaned by the next job.
    cleaned_later: [bool; 2],
}

/// How many transactions day `day` has: 3 to 6.
fn per_day(key: MemberKey, day: i64) -> u64 {
    3 + key.draw(&[0xDA, day as u64]) % 4
}

fn draw(key: MemberKey, day: i64, k: u64) -> Draw {
    let h = |part: u64| key.draw(&[day as u64, k, part]);
    let half = DAY / 2;
    let second = match k {
        0 => h(1) % half as u64,
        1 => half as u64 + h(1) % half as u64,
        _ => h(1) % DAY as u64,
    };
    // The first of each day is a purchase: every day has one that can be pending.
    let among = if k == 0 {
        catalog::PURCHASES
    } else {
        catalog::ENTRIES.len()
    };
    let entry = catalog::pick(h(2), among);
    let span = (entry.max_cents - entry.min_cents + 1).max(1) as u64;
    Draw {
        day,
        k,
        at: day * DAY + second as i64,
        entry,
        amount_cents: entry.min_cents + (h(3) % span) as i64,
        post_delay: POST_DELAY_MIN + (h(4) % DAY as u64) as i64,
        never_posts: h(5) % 10 == 0,
        cleaned_later: [h(6) % 6 == 0, h(7) % 6 == 0],
    }
}

impl Draw {
    fn record(
        &self,
        key: MemberKey,
        ledger: &Ledger,
        variant: u64,
        status: Status,
        created: usize,
        deleted: Option<usize>,
    ) -> Transaction {
        let jobs = ledger.jobs();
        let created_at = jobs[created];
        let cleaned = self.cleaned_later[usize::from(variant == 1)];
        // Cleaned in place by the next job, unless that job deletes the record.
        let update = (created + 1 < jobs.len() && deleted != Some(created + 1) && cleaned)
            .then(|| jobs[created + 1]);
        let posted_at = match status {
            Status::Pending => None,
            Status::Posted if self.entry.can_pend() => Some(self.at + self.post_delay),
            Status::Posted => Some(self.at),
        };
        Transaction {
            key,
            id: (self.day, self.k, variant),
            entry: self.entry,
            status,
            amount_cents: self.amount_cents,
            transacted_at: self.at,
            posted_at,
            created_at,
            updated_at: update.unwrap_or(created_at),
            deleted_at: deleted.map(|i| jobs[i]),
            description: if cleaned && update.is_none() {
                self.entry.original
            } else {
                self.entry.description
            },
        }
    }

    /// The records this draw has left after the ledger's jobs: none before a job saw it;
    /// one when it arrived posted; a pending one and, once it posted, the posted one.
    fn records(&self, key: MemberKey, ledger: &Ledger, out: &mut Vec<Transaction>) {
        let Some(start) = ledger.history_start() else {
            return;
        };
        if self.at < start {
            return;
        }
        let Some(created) = ledger.first_seen(self.at) else {
            return;
        };
        let jobs = ledger.jobs();
        let pending = self.entry.can_pend() && jobs[created] - self.at < self.post_delay;
        if !pending {
            out.push(self.record(key, ledger, 0, Status::Posted, created, None));
            return;
        }
        let ends = if self.never_posts {
            self.at + PENDING_DELETED_AFTER
        } else {
            self.at + self.post_delay
        };
        let ended = ledger.first_job_from(created + 1, ends);
        out.push(self.record(key, ledger, 0, Status::Pending, created, ended));
        if let Some(posted) = ended.filter(|_| !self.never_posts) {
            out.push(self.record(key, ledger, 1, Status::Posted, posted, None));
        }
    }
}

/// Every record (deleted ones included) of the transactions that happened on the UTC
/// days `from..=to`, in time order.
pub(crate) fn records_on(
    key: MemberKey,
    ledger: &Ledger,
    from: NaiveDate,
    to: NaiveDate,
) -> Vec<Transaction> {
    let (Some(start), Some(last)) = (ledger.history_start(), ledger.last()) else {
        return Vec::new();
    };
    let epoch = NaiveDate::from_ymd_opt(1970, 1, 1).unwrap_or(NaiveDate::MIN);
    let first_day = (from - epoch).num_days().max(day_of(start));
    let last_day = (to - epoch).num_days().min(day_of(last));
    let mut out = Vec::new();
    for day in first_day..=last_day {
        for k in 0..per_day(key, day) {
            draw(key, day, k).records(key, ledger, &mut out);
        }
    }
    out
}

/// Every record, deleted ones included, since the history began.
pub(crate) fn all_records(key: MemberKey, ledger: &Ledger) -> Vec<Transaction> {
    records_on(key, ledger, NaiveDate::MIN, NaiveDate::MAX)
}

/// What the latest job changed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Changes {
    /// Records it created (posted replacements included).
    pub(crate) created: Vec<Transaction>,
    /// Records it updated in place.
    pub(crate) updated: Vec<Transaction>,
    /// Records it deleted: pending ones that posted or were left 14 days.
    pub(crate) deleted: Vec<Transaction>,
}

/// What the ledger's latest job changed. Only the days it can have touched are derived:
/// since the job two before it, less the 14 days a pending record can wait.
pub(crate) fn latest_changes(key: MemberKey, ledger: &Ledger) -> Changes {
    let jobs = ledger.jobs();
    let Some(&now) = jobs.last() else {
        return Changes::default();
    };
    let n = jobs.len() - 1;
    // A history extension creates records back to the extended start.
    let from = match n.checked_sub(2) {
        Some(_) if ledger.extended == Some(n) => NaiveDate::MIN,
        Some(i) => date_of(jobs[i] - PENDING_DELETED_AFTER - DAY),
        None => NaiveDate::MIN,
    };
    let mut changes = Changes::default();
    for record in records_on(key, ledger, from, NaiveDate::MAX) {
        if record.deleted_at == Some(now) {
            changes.deleted.push(record);
        } else if record.created_at == now {
            changes.created.push(record);
        } else if record.updated_at == now {
            changes.updated.push(record);
        }
    }
    changes
}

/// The member's live record with `guid`.
pub(crate) fn find(key: MemberKey, ledger: &Ledger, guid: &str) -> Option<Transaction> {
    all_records(key, ledger)
        .into_iter()
        .find(|t| t.is_live() && t.guid() == guid)
}

#[cfg(test)]
#[path = "ledger_tests.rs"]
mod tests;
