//! MX's webhooks: one row per distinct body (its canonical digest), stored before the
//! `204`, folded into the member by its next drive.

use chrono::{DateTime, Utc};
use sqlx::Row;

use super::db::{Db, StoreError, from_ms, q};

/// What storing a webhook did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Received {
    /// A body not seen within MX's retry horizon: stored, the member's look pulled
    /// forward.
    New,
    /// MX's retry of a body already stored: nothing changed but the repeat count.
    Repeat,
}

/// A stored webhook body not yet folded into its member.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unfolded {
    /// Its digest.
    pub digest: String,
    /// The body as MX sent it.
    pub body: String,
    /// When it arrived.
    pub received_at: DateTime<Utc>,
}

impl Db {
    /// The member's webhooks not yet folded, oldest first.
    ///
    /// # Errors
    /// [`StoreError`] when the query fails.
    pub async fn unfolded(&self, member_guid: &str) -> Result<Vec<Unfolded>, StoreError> {
        let rows = sqlx::query(
            "SELECT digest, body, received_at FROM webhooks \
             WHERE member_guid = $1 AND folded = 0 ORDER BY received_at, digest",
        )
        .bind(member_guid)
        .fetch_all(self.reader())
        .await
        .map_err(q("reading a member's unfolded webhooks"))?;
        Ok(rows
            .iter()
            .map(|row| Unfolded {
                digest: row.get(0),
                body: row.get(1),
                received_at: from_ms(row.get::<i64, _>(2)),
            })
            .collect())
    }

    /// Webhook bodies stored and repeats counted, for `/metrics`.
    ///
    /// # Errors
    /// [`StoreError`] when the query fails.
    pub async fn webhook_counts(&self) -> Result<(i64, i64), StoreError> {
        let row =
            sqlx::query("SELECT COUNT(*), CAST(COALESCE(SUM(repeats), 0) AS BIGINT) FROM webhooks")
                .fetch_one(self.reader())
                .await
                .map_err(q("counting webhooks"))?;
        Ok((row.get(0), row.get(1)))
    }
}
