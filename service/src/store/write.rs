//! A drive's write-back: the member's state, decision, data and next wake-up in one
//! transaction, fenced by the claim's attempt number.

use chrono::{DateTime, Utc};
use mx_aggregation::MemberState;
use mx_aggregation_client::sync::{Checkpoint, DataDue, RowMark};
use sqlx::Row;

use super::claims::Claimed;
use super::data::{pending_day, stored_digest};
use super::db::{
    Db, Marks, ROWS_PER_STATEMENT, StoreError, list, ms, placeholders, q, replaces_account,
};
use super::turn::Priority;
use crate::core::data_changes::DataChanges;
use crate::core::packed::pack;

/// What a drive leaves.
#[derive(Debug)]
pub struct DriveWrite<'a> {
    /// The claim the drive ran under.
    pub claimed: &'a Claimed,
    /// The folded state.
    pub state: &'a MemberState,
    /// MX's connection status as last known.
    pub connection_status: Option<&'a str>,
    /// The decision's action (`ActionKind`'s name).
    pub action: Option<&'a str>,
    /// The decision's reason code.
    pub reason: Option<&'a str>,
    /// Whether the action needs the end user.
    pub requires_end_user: Option<bool>,
    /// The open challenges (JSON), when the action is `answer_mfa`.
    pub challenges: Option<String>,
    /// The OAuth window, when the action is `authorize_oauth`.
    pub oauth_window_uri: Option<&'a str>,
    /// MX's text for the end user.
    pub user_message: Option<&'a str>,
    /// The `as_of` of a sync that completed now (RFC 3339); `None` keeps the stored one.
    pub synced_through: Option<String>,
    /// The sync checkpoint.
    pub checkpoint: &'a Checkpoint,
    /// What the data webhooks since the last sync said.
    pub data_due: Option<DataDue>,
    /// The rows of the member's copy a sync changed; `None` when no sync completed.
    pub data: Option<&'a DataChanges>,
    /// The digests of the webhooks folded into `state`.
    pub folded: &'a [String],
    /// The next wake-up.
    pub run_at: Option<DateTime<Utc>>,
    /// Now.
    pub now: DateTime<Utc>,
}

/// Whether the write-back happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Written {
    /// Stored, and the lease released.
    Stored,
    /// Another claim took the member since: nothing was written.
    Fenced,
}

fn to_json<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_string(value).unwrap_or_default()
}

impl Db {
    /// Writes a drive's result back, unless its claim was taken over since.
    ///
    /// # Errors
    /// [`StoreError`] when a query fails.
    pub async fn write_drive(&self, write: &DriveWrite<'_>) -> Result<Written, StoreError> {
        let guid = write.claimed.member_guid.as_str();
        // Packed before the writer is taken: nothing is computed while it is held.
        let transactions = write
            .data
            .map(|changes| stored_rows(guid, &changes.transactions.upsert))
            .transpose()?
            .unwrap_or_default();
        let _turn = self.turn(Priority::Drives).await;
        let mut tx = self
            .pool()
            .begin()
            .await
            .map_err(q("beginning a write-back"))?;
        let fenced = sqlx::query(
            "UPDATE wakeups SET run_at = $1, owner = NULL, lease_until = NULL \
             WHERE member_guid = $2 AND attempt = $3",
        )
        .bind(write.run_at.map(ms))
        .bind(guid)
        .bind(write.claimed.attempt)
        .execute(&mut *tx)
        .await
        .map_err(q("writing a wake-up"))?;
        if fenced.rows_affected() != 1 {
            tx.rollback()
                .await
                .map_err(q("rolling a fenced write back"))?;
            return Ok(Written::Fenced);
        }
        // One statement per chunk, not one per row: each is a round trip to the one
        // writer every webhook and claim waits for.
        let marks = Marks::of(&tx);
        for chunk in write.folded.chunks(ROWS_PER_STATEMENT) {
            let sql = format!(
                "UPDATE webhooks SET folded = 1 WHERE digest IN ({})",
                list(marks, chunk.len(), 1)
            );
            let mut query = sqlx::query(&sql);
            for digest in chunk {
                query = query.bind(digest);
            }
            query
                .execute(&mut *tx)
                .await
                .map_err(q("marking webhooks folded"))?;
        }
        // A webhook that came during the drive was not folded: look again at once.
        sqlx::query(
            "UPDATE wakeups SET run_at = $1 WHERE member_guid = $2 \
             AND EXISTS (SELECT 1 FROM webhooks WHERE member_guid = $2 AND folded = 0)",
        )
        .bind(ms(write.now))
        .bind(guid)
        .execute(&mut *tx)
        .await
        .map_err(q("pulling a wake-up forward"))?;
        sqlx::query(
            "UPDATE members SET state = $1, connection_status = COALESCE($2, connection_status), \
               action = $3, reason = $4, requires_end_user = $5, challenges = $6, \
               oauth_window_uri = $7, user_message = $8, \
               synced_through = COALESCE($9, synced_through), checkpoint = $10, data_due = $11, \
               syncs = syncs + $12, updated_at = $13 \
             WHERE guid = $14",
        )
        .bind(to_json(write.state))
        .bind(write.connection_status)
        .bind(write.action)
        .bind(write.reason)
        .bind(write.requires_end_user.map(i64::from))
        .bind(write.challenges.as_deref())
        .bind(write.oauth_window_uri)
        .bind(write.user_message)
        .bind(write.synced_through.as_deref())
        .bind(to_json(write.checkpoint))
        .bind(write.data_due.map(|due| to_json(&due)))
        .bind(i64::from(write.data.is_some()))
        .bind(ms(write.now))
        .bind(guid)
        .execute(&mut *tx)
        .await
        .map_err(q("writing a member"))?;
        if let Some(changes) = write.data {
            delete_rows(&mut tx, "accounts", guid, &changes.accounts.delete).await?;
            upsert_accounts(&mut tx, guid, &changes.accounts.upsert).await?;
            delete_rows(&mut tx, "transactions", guid, &changes.transactions.delete).await?;
            upsert_transactions(&mut tx, guid, &transactions).await?;
        }
        tx.commit().await.map_err(q("committing a write-back"))?;
        Ok(Written::Stored)
    }

    /// Completed syncs, for `/metrics`.
    ///
    /// # Errors
    /// [`StoreError`] when the query fails.
    pub async fn sync_count(&self) -> Result<i64, StoreError> {
        let row = sqlx::query("SELECT CAST(COALESCE(SUM(syncs), 0) AS BIGINT) FROM members")
            .fetch_one(self.reader())
            .await
            .map_err(q("counting syncs"))?;
        Ok(row.get(0))
    }
}

/// Stores the member's account rows (guid, body), each unless the row held is newer
/// ([`replaces_account`]): an account MX's ACCOUNT webhook carried while a drive listed
/// an older one stays. The rows held are read by one statement and the newer ones written
/// by one, not two round trips an account to the one writer.
async fn upsert_accounts(
    conn: &mut sqlx::AnyConnection,
    member_guid: &str,
    rows: &[(String, String)],
) -> Result<(), StoreError> {
    if rows.is_empty() {
        return Ok(());
    }
    let mut held = std::collections::HashMap::new();
    let marks = Marks::of(conn);
    for chunk in rows.chunks(ROWS_PER_STATEMENT) {
        let sql = format!(
            "SELECT guid, body FROM accounts WHERE member_guid = {} AND guid IN ({})",
            marks.mark(1),
            list(marks, chunk.len(), 2)
        );
        let mut query = sqlx::query(&sql).bind(member_guid);
        for (guid, _) in chunk {
            query = query.bind(guid.as_str());
        }
        for row in query
            .fetch_all(&mut *conn)
            .await
            .map_err(q("reading stored accounts"))?
        {
            held.insert(row.get::<String, _>(0), row.get::<String, _>(1));
        }
    }
    let newer: Vec<(&str, &str)> = rows
        .iter()
        .filter(|(guid, body)| replaces_account(body, held.get(guid).map(String::as_str)))
        .map(|(guid, body)| (guid.as_str(), body.as_str()))
        .collect();
    upsert_rows(conn, "accounts", member_guid, &newer).await
}

/// Deletes the member's rows of `table` with these guids.
async fn delete_rows(
    conn: &mut sqlx::AnyConnection,
    table: &'static str,
    member_guid: &str,
    guids: &[String],
) -> Result<(), StoreError> {
    let keys: Vec<(&str, &str)> = guids.iter().map(|g| (member_guid, g.as_str())).collect();
    delete_keyed_rows(conn, table, &keys).await
}

/// Deletes the rows of `table` with these (member guid, guid) keys. One statement per
/// chunk, not one per row: each is a round trip to the one writer every webhook and
/// claim waits for.
pub(super) async fn delete_keyed_rows(
    conn: &mut sqlx::AnyConnection,
    table: &'static str,
    keys: &[(&str, &str)],
) -> Result<(), StoreError> {
    let marks = Marks::of(conn);
    for chunk in keys.chunks(ROWS_PER_STATEMENT) {
        let sql = format!(
            "DELETE FROM {table} WHERE (member_guid, guid) IN (VALUES {})",
            placeholders(marks, chunk.len(), 2, 1)
        );
        let mut query = sqlx::query(&sql);
        for (member, guid) in chunk {
            query = query.bind(*member).bind(*guid);
        }
        query
            .execute(&mut *conn)
            .await
            .map_err(q("deleting rows of a member's data"))?;
    }
    Ok(())
}

/// A transaction row as stored: MX's text packed (`core::packed`) and its mark
/// ([`RowMark`]: the digest of the text and its `PENDING` day), by which the next sync
/// finds it unchanged without loading its text (`Db::load_held_transactions`).
#[derive(Debug)]
struct StoredRow<'a> {
    guid: &'a str,
    packed: String,
    digest: i64,
    pending_day: Option<String>,
}

/// The member's transactions (guid, MX's text) as stored.
fn stored_rows<'a>(
    member_guid: &str,
    rows: &'a [(String, String)],
) -> Result<Vec<StoredRow<'a>>, StoreError> {
    rows.iter()
        .map(|(guid, body)| {
            let mark = RowMark::of_text(body);
            let packed = pack(body).map_err(|source| StoreError::NotJsonText {
                member: member_guid.to_owned(),
                guid: guid.clone(),
                source,
            })?;
            Ok(StoredRow {
                guid,
                packed,
                digest: stored_digest(mark.digest),
                pending_day: pending_day(mark.pending),
            })
        })
        .collect()
}

/// Stores the member's transactions, each replacing the row held.
async fn upsert_transactions(
    conn: &mut sqlx::AnyConnection,
    member_guid: &str,
    rows: &[StoredRow<'_>],
) -> Result<(), StoreError> {
    let marks = Marks::of(conn);
    for chunk in rows.chunks(ROWS_PER_STATEMENT) {
        let sql = format!(
            "INSERT INTO transactions (member_guid, guid, body, digest, pending_day) VALUES {} \
             ON CONFLICT (member_guid, guid) DO UPDATE SET body = excluded.body, \
               digest = excluded.digest, pending_day = excluded.pending_day",
            placeholders(marks, chunk.len(), 5, 1)
        );
        let mut query = sqlx::query(&sql);
        for row in chunk {
            query = query
                .bind(member_guid)
                .bind(row.guid)
                .bind(row.packed.as_str())
                .bind(row.digest)
                .bind(row.pending_day.as_deref());
        }
        query
            .execute(&mut *conn)
            .await
            .map_err(q("storing a member's transactions"))?;
    }
    Ok(())
}

/// Stores the member's rows of `table` (guid, body), each replacing the row held.
async fn upsert_rows<G: AsRef<str>, B: AsRef<str>>(
    conn: &mut sqlx::AnyConnection,
    table: &'static str,
    member_guid: &str,
    rows: &[(G, B)],
) -> Result<(), StoreError> {
    let keyed: Vec<(&str, &str, &str)> = rows
        .iter()
        .map(|(guid, body)| (member_guid, guid.as_ref(), body.as_ref()))
        .collect();
    upsert_keyed_rows(conn, table, &keyed).await
}

/// Stores rows of `table` (member guid, guid, body), each replacing the row held: one
/// multi-row statement per chunk. A key appears at most once.
pub(super) async fn upsert_keyed_rows(
    conn: &mut sqlx::AnyConnection,
    table: &'static str,
    rows: &[(&str, &str, &str)],
) -> Result<(), StoreError> {
    let marks = Marks::of(conn);
    for chunk in rows.chunks(ROWS_PER_STATEMENT) {
        let sql = format!(
            "INSERT INTO {table} (member_guid, guid, body) VALUES {} \
             ON CONFLICT (member_guid, guid) DO UPDATE SET body = excluded.body",
            placeholders(marks, chunk.len(), 3, 1)
        );
        let mut query = sqlx::query(&sql);
        for (member, guid, body) in chunk {
            query = query.bind(*member).bind(*guid).bind(*body);
        }
        query
            .execute(&mut *conn)
            .await
            .map_err(q("storing rows of a member's data"))?;
    }
    Ok(())
}
