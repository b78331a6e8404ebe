//! Claims on the wake-ups: leases with a fencing attempt number, as
//! `core::schedule` states them (its `is_claimable`, `claim` and `renew` are the
//! reference for these queries). Wake-ups fall due by the service's clock; leases run
//! on wall time.

use chrono::{DateTime, Utc};
use sqlx::Row;

use super::db::{Db, Engine, StoreError, from_ms, ms, q};
use super::turn::Priority;
use crate::core::schedule::LEASE;

/// A member taken over for the end user, and who held a live lease on it before.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TakenOver {
    /// The new claim.
    pub claimed: Claimed,
    /// The owner whose lease was live when it was taken over, if any (possibly this
    /// very worker).
    pub held_by: Option<String>,
}

/// A member this worker now holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Claimed {
    /// The member's guid.
    pub member_guid: String,
    /// The fencing number its writes carry.
    pub attempt: i64,
}

impl Db {
    /// Claims up to `limit` wake-ups due at `now` (the service's clock) whose lease has
    /// run out at `wall` (wall time: see `core::schedule::LEASE`) for `owner`, none of
    /// the members in `running` (those this process drives now: should a lease of one
    /// run out while its drive still runs, claiming it would fence a drive about to
    /// write what it read, and drive the member twice). The outer `WHERE` repeats the inner
    /// one, so of two claimers racing for one row only one updates it (PostgreSQL
    /// re-checks it on the newest row version; its inner select also skips rows
    /// another claim holds locked).
    ///
    /// # Errors
    /// [`StoreError`] when the query fails.
    pub async fn claim_due(
        &self,
        owner: &str,
        (now, wall): (DateTime<Utc>, DateTime<Utc>),
        limit: i64,
        running: &[String],
    ) -> Result<Vec<Claimed>, StoreError> {
        let lock = match self.engine() {
            Engine::Postgres => " FOR UPDATE SKIP LOCKED",
            Engine::Sqlite => "",
        };
        let not_running = not_running(running, 6);
        let sql = format!(
            "UPDATE wakeups SET owner = $1, lease_until = $2, attempt = attempt + 1 \
             WHERE member_guid IN (SELECT member_guid FROM wakeups \
               WHERE run_at IS NOT NULL AND run_at <= $3 \
               AND (lease_until IS NULL OR lease_until <= $5){not_running} \
               ORDER BY run_at LIMIT $4{lock}) \
             AND run_at IS NOT NULL AND run_at <= $3 \
             AND (lease_until IS NULL OR lease_until <= $5) \
             RETURNING member_guid, attempt"
        );
        let mut query = sqlx::query(&sql)
            .bind(owner)
            .bind(ms(wall + LEASE))
            .bind(ms(now))
            .bind(limit)
            .bind(ms(wall));
        for guid in running {
            query = query.bind(guid.as_str());
        }
        let _turn = self.turn(Priority::Drives).await;
        let rows = query
            .fetch_all(self.pool())
            .await
            .map_err(q("claiming due members"))?;
        Ok(rows
            .iter()
            .map(|row| Claimed {
                member_guid: row.get(0),
                attempt: row.get(1),
            })
            .collect())
    }

    /// Takes the member over for the end user, whoever holds it: the attempt number
    /// rises, so a drive running on it can no longer write and stops at its next
    /// renewal. Says who held a live lease before, so the end user's drive can wait
    /// for that drive to stop instead of running beside it (two drives that both read
    /// the member before either acts would both ask MX to aggregate). `None` for an
    /// unknown member.
    ///
    /// # Errors
    /// [`StoreError`] when a query fails.
    pub async fn take_over(
        &self,
        member_guid: &str,
        owner: &str,
        wall: DateTime<Utc>,
    ) -> Result<Option<TakenOver>, StoreError> {
        // Read before the update: the holder only tells whether to wait, and a claim
        // that slips in between is fenced by the attempt number all the same.
        let before = sqlx::query("SELECT owner, lease_until FROM wakeups WHERE member_guid = $1")
            .bind(member_guid)
            .fetch_optional(self.pool())
            .await
            .map_err(q("reading a member's lease"))?;
        let held_by = before.and_then(|row| {
            let owner: Option<String> = row.get(0);
            let until: Option<i64> = row.get(1);
            owner.filter(|_| until.is_some_and(|until| from_ms(until) > wall))
        });
        let row = sqlx::query(
            "UPDATE wakeups SET owner = $1, lease_until = $2, attempt = attempt + 1 \
             WHERE member_guid = $3 RETURNING member_guid, attempt",
        )
        .bind(owner)
        .bind(ms(wall + LEASE))
        .bind(member_guid)
        .fetch_optional(self.pool())
        .await
        .map_err(q("taking a member over"))?;
        Ok(row.map(|row| TakenOver {
            claimed: Claimed {
                member_guid: row.get(0),
                attempt: row.get(1),
            },
            held_by,
        }))
    }

    /// Renews the lease of `claimed` at wall time `wall`; false when another claim took
    /// it (the drive must stop writing).
    ///
    /// # Errors
    /// [`StoreError`] when the query fails.
    pub async fn renew(&self, claimed: &Claimed, wall: DateTime<Utc>) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "UPDATE wakeups SET lease_until = $1 WHERE member_guid = $2 AND attempt = $3",
        )
        .bind(ms(wall + LEASE))
        .bind(&claimed.member_guid)
        .bind(claimed.attempt)
        .execute(self.pool())
        .await
        .map_err(q("renewing a lease"))?;
        Ok(done.rows_affected() == 1)
    }

    /// Gives a claim back unfinished (shutdown): due at once, for any instance.
    ///
    /// # Errors
    /// [`StoreError`] when the query fails.
    pub async fn release(&self, claimed: &Claimed) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE wakeups SET owner = NULL, lease_until = NULL WHERE member_guid = $1 AND attempt = $2",
        )
        .bind(&claimed.member_guid)
        .bind(claimed.attempt)
        .execute(self.pool())
        .await
        .map_err(q("releasing a lease"))?;
        Ok(())
    }

    /// Releases every lease (a SQLite start: its predecessor, the only other process,
    /// is gone). The attempt numbers stay, so nothing the predecessor left can write.
    ///
    /// # Errors
    /// [`StoreError`] when the query fails.
    pub async fn release_all(&self) -> Result<u64, StoreError> {
        let done = sqlx::query(
            "UPDATE wakeups SET owner = NULL, lease_until = NULL WHERE lease_until IS NOT NULL",
        )
        .execute(self.pool())
        .await
        .map_err(q("releasing every lease"))?;
        Ok(done.rows_affected())
    }

    /// How many wake-ups are due and unclaimed at `now` (the same rule as
    /// [`oldest_due`](Self::oldest_due)), none of the members in `running` (driven here,
    /// so not claimable here; [`claim_due`](Self::claim_due)): with a frozen clock a
    /// member made due by a webhook has no lag yet, but counts here.
    ///
    /// # Errors
    /// [`StoreError`] when the query fails.
    pub async fn due_count(
        &self,
        (now, wall): (DateTime<Utc>, DateTime<Utc>),
        running: &[String],
    ) -> Result<i64, StoreError> {
        let sql = format!(
            "SELECT COUNT(*) FROM wakeups WHERE run_at IS NOT NULL AND run_at <= $1 \
             AND (lease_until IS NULL OR lease_until <= $2){}",
            not_running(running, 3)
        );
        let mut query = sqlx::query(&sql).bind(ms(now)).bind(ms(wall));
        for guid in running {
            query = query.bind(guid.as_str());
        }
        let row = query
            .fetch_one(self.reader())
            .await
            .map_err(q("counting due wake-ups"))?;
        Ok(row.get(0))
    }

    /// The oldest due, unclaimed wake-up's `run_at`: the scheduler's lag is `now` less it.
    ///
    /// # Errors
    /// [`StoreError`] when the query fails.
    pub async fn oldest_due(
        &self,
        (now, wall): (DateTime<Utc>, DateTime<Utc>),
    ) -> Result<Option<DateTime<Utc>>, StoreError> {
        let row = sqlx::query(
            "SELECT MIN(run_at) FROM wakeups WHERE run_at IS NOT NULL AND run_at <= $1 \
             AND (lease_until IS NULL OR lease_until <= $2)",
        )
        .bind(ms(now))
        .bind(ms(wall))
        .fetch_one(self.reader())
        .await
        .map_err(q("reading the scheduler's lag"))?;
        Ok(row.get::<Option<i64>, _>(0).map(from_ms))
    }
}

/// ` AND member_guid NOT IN ($first, …)` for the members in `running`, numbered from
/// `first`; empty when none runs.
fn not_running(running: &[String], first: usize) -> String {
    if running.is_empty() {
        return String::new();
    }
    let marks: Vec<String> = (0..running.len())
        .map(|i| format!("${}", i + first))
        .collect();
    format!(" AND member_guid NOT IN ({})", marks.join(", "))
}
