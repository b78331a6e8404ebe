//! MX calls that may have taken effect: written before they are sent, settled once
//! MX's answer is recorded. An unsettled row is a call in doubt: before it is repeated,
//! MX is asked whether it took effect (`Call::classify`'s `check_before_retry`).
//! Also the idempotency keys of member creates.

use chrono::{DateTime, Utc};
use sqlx::{AnyConnection, Row};

use super::db::{Db, StoreError, ms, q};
use super::members::insert_member_in;
use super::users::insert_user_in;

/// A create MX answered with its member: what [`Db::record_created_member`] stores.
#[derive(Debug, Clone, Copy)]
pub struct CreatedMember<'a> {
    /// MX's guid of the member.
    pub guid: &'a str,
    /// The member's user.
    pub user_guid: &'a str,
    /// The MX `id` the create carried.
    pub member_id: &'a str,
    /// The journal key of the create.
    pub call_key: &'a str,
    /// The caller's `Idempotency-Key`, when the create came with one.
    pub idempotency_key: Option<&'a str>,
    /// Now.
    pub now: DateTime<Utc>,
}

/// Settles a journaled call on `conn` ([`Db::settle_call`]).
async fn settle_call_in(
    conn: &mut AnyConnection,
    call_key: &str,
    member_guid: Option<&str>,
    result: &str,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    sqlx::query(
        "UPDATE mx_calls SET settled_at = $1, result = $2, member_guid = $3 WHERE call_key = $4",
    )
    .bind(ms(now))
    .bind(result)
    .bind(member_guid)
    .bind(call_key)
    .execute(&mut *conn)
    .await
    .map_err(q("settling an MX call"))?;
    Ok(())
}

/// Notes the member MX created for an idempotency key, on `conn`
/// ([`Db::settle_idempotency_key`]).
async fn settle_key_in(
    conn: &mut AnyConnection,
    user_guid: &str,
    key: &str,
    member_guid: &str,
) -> Result<(), StoreError> {
    sqlx::query(
        "UPDATE idempotency_keys SET member_guid = $1 WHERE user_guid = $2 AND idem_key = $3",
    )
    .bind(member_guid)
    .bind(user_guid)
    .bind(key)
    .execute(&mut *conn)
    .await
    .map_err(q("settling an idempotency key"))?;
    Ok(())
}

/// A create MX may have carried out without the service recording its answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InDoubt {
    /// The journal key.
    pub call_key: String,
    /// The call's name (`Call`'s name, e.g. `create_member`).
    pub call: String,
    /// The user.
    pub user_guid: Option<String>,
    /// The MX `id` the create carried.
    pub member_id: Option<String>,
}

/// Where a journaled call stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Journaled {
    /// Sent, and no answer recorded: MX may have carried it out.
    InDoubt,
    /// MX's answer was recorded: the member it came to, if any.
    Settled(Option<String>),
}

impl Db {
    /// Writes down a call about to be sent (a repeat of the same key keeps the first).
    ///
    /// # Errors
    /// [`StoreError`] when the query fails.
    pub async fn journal_call(
        &self,
        call_key: &str,
        call: &str,
        user_guid: Option<&str>,
        member_id: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO mx_calls (call_key, call, user_guid, member_id, sent_at) \
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING",
        )
        .bind(call_key)
        .bind(call)
        .bind(user_guid)
        .bind(member_id)
        .bind(ms(now))
        .execute(self.pool())
        .await
        .map_err(q("journaling an MX call"))?;
        Ok(())
    }

    /// Settles a journaled call with what it came to (a guid, or why it failed).
    ///
    /// # Errors
    /// [`StoreError`] when the query fails.
    pub async fn settle_call(
        &self,
        call_key: &str,
        member_guid: Option<&str>,
        result: &str,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let mut conn = self
            .pool()
            .acquire()
            .await
            .map_err(q("taking a connection to settle an MX call"))?;
        settle_call_in(&mut conn, call_key, member_guid, result, now).await
    }

    /// Where a journaled call stands: `None` when it was never journaled, else whether
    /// it was settled and the member it came to. Journaled and unsettled: MX may have
    /// carried it out.
    ///
    /// # Errors
    /// [`StoreError`] when the query fails.
    pub async fn journaled(&self, call_key: &str) -> Result<Option<Journaled>, StoreError> {
        let row = sqlx::query("SELECT settled_at, member_guid FROM mx_calls WHERE call_key = $1")
            .bind(call_key)
            .fetch_optional(self.pool())
            .await
            .map_err(q("reading an MX call"))?;
        Ok(row.map(|row| match row.get::<Option<i64>, _>(0) {
            None => Journaled::InDoubt,
            Some(_) => Journaled::Settled(row.get(1)),
        }))
    }

    /// Every call in doubt, for the recovery after a start.
    ///
    /// # Errors
    /// [`StoreError`] when the query fails.
    pub async fn calls_in_doubt(&self) -> Result<Vec<InDoubt>, StoreError> {
        let rows = sqlx::query(
            "SELECT call_key, call, user_guid, member_id FROM mx_calls \
             WHERE settled_at IS NULL ORDER BY sent_at",
        )
        .fetch_all(self.pool())
        .await
        .map_err(q("reading the MX calls in doubt"))?;
        Ok(rows
            .iter()
            .map(|row| InDoubt {
                call_key: row.get(0),
                call: row.get(1),
                user_guid: row.get(2),
                member_id: row.get(3),
            })
            .collect())
    }

    /// The member `id` and, once MX answered, the member of an idempotency key.
    ///
    /// # Errors
    /// [`StoreError`] when the query fails.
    pub async fn idempotency_key(
        &self,
        user_guid: &str,
        key: &str,
    ) -> Result<Option<(String, Option<String>)>, StoreError> {
        let row = sqlx::query(
            "SELECT member_id, member_guid FROM idempotency_keys WHERE user_guid = $1 AND idem_key = $2",
        )
        .bind(user_guid)
        .bind(key)
        .fetch_optional(self.pool())
        .await
        .map_err(q("reading an idempotency key"))?;
        Ok(row.map(|row| (row.get(0), row.get(1))))
    }

    /// Records an idempotency key for the member `id` it stands for (the first record
    /// wins); returns the member id stored for the key.
    ///
    /// # Errors
    /// [`StoreError`] when the query fails.
    pub async fn insert_idempotency_key(
        &self,
        user_guid: &str,
        key: &str,
        member_id: &str,
        now: DateTime<Utc>,
    ) -> Result<String, StoreError> {
        sqlx::query(
            "INSERT INTO idempotency_keys (user_guid, idem_key, member_id, created_at) \
             VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
        )
        .bind(user_guid)
        .bind(key)
        .bind(member_id)
        .bind(ms(now))
        .execute(self.pool())
        .await
        .map_err(q("recording an idempotency key"))?;
        Ok(self
            .idempotency_key(user_guid, key)
            .await?
            .map_or_else(|| member_id.to_owned(), |(id, _)| id))
    }

    /// Notes the member MX created for the key.
    ///
    /// # Errors
    /// [`StoreError`] when the query fails.
    pub async fn settle_idempotency_key(
        &self,
        user_guid: &str,
        key: &str,
        member_guid: &str,
    ) -> Result<(), StoreError> {
        let mut conn = self
            .pool()
            .acquire()
            .await
            .map_err(q("taking a connection to settle an idempotency key"))?;
        settle_key_in(&mut conn, user_guid, key, member_guid).await
    }

    /// Records the member MX created for a journaled create, settles the call and, when
    /// the create came with an idempotency key, notes the member for the key: one
    /// transaction, one commit where three stood. A crash leaves the call in doubt (the
    /// recovery asks MX, `crate::recovery`) or all three written, never a recorded
    /// member whose create still reads as in doubt.
    ///
    /// # Errors
    /// [`StoreError`] when a query fails; nothing is then written.
    pub async fn record_created_member(
        &self,
        created: &CreatedMember<'_>,
    ) -> Result<(), StoreError> {
        let mut tx = self
            .pool()
            .begin()
            .await
            .map_err(q("beginning a created member's record"))?;
        insert_member_in(
            &mut tx,
            self.engine(),
            created.guid,
            created.user_guid,
            Some(created.member_id),
            created.now,
        )
        .await?;
        settle_call_in(
            &mut tx,
            created.call_key,
            Some(created.guid),
            "created",
            created.now,
        )
        .await?;
        if let Some(key) = created.idempotency_key {
            settle_key_in(&mut tx, created.user_guid, key, created.guid).await?;
        }
        tx.commit()
            .await
            .map_err(q("committing a created member's record"))?;
        Ok(())
    }

    /// Records the user MX created (or found) for `id` and settles its journaled create
    /// in one transaction ([`Db::insert_user`], [`Db::settle_call`]). Returns the guid
    /// stored for `id`.
    ///
    /// # Errors
    /// [`StoreError`] when a query fails; nothing is then written.
    pub async fn record_created_user(
        &self,
        guid: &str,
        id: &str,
        call_key: &str,
        now: DateTime<Utc>,
    ) -> Result<String, StoreError> {
        let mut tx = self
            .pool()
            .begin()
            .await
            .map_err(q("beginning a created user's record"))?;
        let stored = insert_user_in(&mut tx, guid, Some(id), now).await?;
        settle_call_in(&mut tx, call_key, None, &stored, now).await?;
        tx.commit()
            .await
            .map_err(q("committing a created user's record"))?;
        Ok(stored)
    }
}
