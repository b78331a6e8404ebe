//! MX's webhooks: one row per distinct body (its canonical digest), stored before the
//! `204`, folded into the member by its next drive.

use chrono::{DateTime, Utc};
use sqlx::Row;

use mx_aggregation_client::sync::{AccountAction, AccountWebhook};

use super::db::{Db, Engine, StoreError, from_ms, ms, q};
use super::members::insert_member_in;
use super::write::upsert_account;
use crate::core::digest::REPEAT_HORIZON;

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

/// Stores a webhook body under its `digest` and, when it is new, pulls its member's
/// wake-up forward to `now`; a member MX announces for a known user (e.g. created
/// through the Connect widget) is adopted with it. Within the transaction `conn` runs,
/// its member's wake-up already locked (the [`Inbox`](super::Inbox)'s group); the
/// `204` follows the commit.
pub(super) async fn receive_webhook_in(
    conn: &mut sqlx::AnyConnection,
    engine: Engine,
    digest: &str,
    (member_guid, user_guid): (Option<&str>, Option<&str>),
    body: &str,
    now: DateTime<Utc>,
) -> Result<Received, StoreError> {
    let held = sqlx::query("SELECT received_at FROM webhooks WHERE digest = $1")
        .bind(digest)
        .fetch_optional(&mut *conn)
        .await
        .map_err(q("reading a webhook"))?;
    let received = match held.map(|row| from_ms(row.get::<i64, _>(0))) {
        None => {
            let inserted = sqlx::query(
                "INSERT INTO webhooks (digest, member_guid, user_guid, body, received_at, repeats, folded) \
                 VALUES ($1, $2, $3, $4, $5, 0, 0) ON CONFLICT DO NOTHING",
            )
            .bind(digest)
            .bind(member_guid)
            .bind(user_guid)
            .bind(body)
            .bind(ms(now))
            .execute(&mut *conn)
            .await
            .map_err(q("storing a webhook"))?;
            if inserted.rows_affected() == 1 {
                Received::New
            } else {
                Received::Repeat
            }
        }
        Some(at) if now - at < REPEAT_HORIZON => Received::Repeat,
        Some(_) => {
            sqlx::query("UPDATE webhooks SET received_at = $1, folded = 0 WHERE digest = $2")
                .bind(ms(now))
                .bind(digest)
                .execute(&mut *conn)
                .await
                .map_err(q("storing a webhook again"))?;
            Received::New
        }
    };
    match received {
        Received::Repeat => {
            sqlx::query("UPDATE webhooks SET repeats = repeats + 1 WHERE digest = $1")
                .bind(digest)
                .execute(&mut *conn)
                .await
                .map_err(q("counting a webhook's repeat"))?;
        }
        Received::New => {
            if let (Some(member), Some(user)) = (member_guid, user_guid) {
                let known = sqlx::query("SELECT guid FROM users WHERE guid = $1")
                    .bind(user)
                    .fetch_optional(&mut *conn)
                    .await
                    .map_err(q("reading a webhook's user"))?;
                if known.is_some() {
                    insert_member_in(conn, engine, member, user, None, now).await?;
                }
            }
            if let Some(member) = member_guid {
                sqlx::query(
                    "UPDATE wakeups SET run_at = $1 WHERE member_guid = $2 \
                     AND (run_at IS NULL OR run_at > $1)",
                )
                .bind(ms(now))
                .bind(member)
                .execute(&mut *conn)
                .await
                .map_err(q("pulling a wake-up forward"))?;
            }
        }
    }
    Ok(received)
}

/// Applies an ACCOUNT webhook to a known member's stored accounts, within
/// the transaction `conn` runs: an upsert unless the row held is newer (by
/// [`supersedes`](mx_aggregation_client::sync::supersedes)), or a delete. Applying one twice changes nothing, so MX's retries need no inbox row:
/// none is written (a row, a digest and a later fold for each of the 4 accounts of
/// every aggregation). False, with nothing done, when the member is not known: the
/// caller stores the webhook, which the member's drive folds once it is.
pub(super) async fn receive_account_in(
    conn: &mut sqlx::AnyConnection,
    member_guid: &str,
    account: &AccountWebhook,
) -> Result<bool, StoreError> {
    let known = sqlx::query("SELECT guid FROM members WHERE guid = $1")
        .bind(member_guid)
        .fetch_optional(&mut *conn)
        .await
        .map_err(q("reading an account webhook's member"))?;
    if known.is_none() {
        return Ok(false);
    }
    match account.action {
        AccountAction::Upserted => {
            let body =
                serde_json::to_string(&account.account).map_err(|source| StoreError::Corrupt {
                    column: "accounts",
                    key: account.guid.clone(),
                    source,
                })?;
            upsert_account(conn, member_guid, &account.guid, &body).await?;
        }
        AccountAction::Deleted => {
            sqlx::query("DELETE FROM accounts WHERE member_guid = $1 AND guid = $2")
                .bind(member_guid)
                .bind(&account.guid)
                .execute(&mut *conn)
                .await
                .map_err(q("deleting an account"))?;
        }
    }
    Ok(true)
}
