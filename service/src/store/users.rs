//! End users: MX's guid and the caller's `id`.

use chrono::{DateTime, Utc};
use sqlx::{AnyConnection, Row};

use super::db::{Db, StoreError, ms, q};

impl Db {
    /// The guid of the user with the caller's `id`.
    ///
    /// # Errors
    /// [`StoreError`] when the query fails.
    pub async fn user_by_id(&self, id: &str) -> Result<Option<String>, StoreError> {
        let mut conn = self
            .pool()
            .acquire()
            .await
            .map_err(q("taking a connection to read a user"))?;
        user_by_id_in(&mut conn, id).await
    }

    /// True when the user is known.
    ///
    /// # Errors
    /// [`StoreError`] when the query fails.
    pub async fn user_exists(&self, guid: &str) -> Result<bool, StoreError> {
        let row = sqlx::query("SELECT guid FROM users WHERE guid = $1")
            .bind(guid)
            .fetch_optional(self.pool())
            .await
            .map_err(q("reading a user"))?;
        Ok(row.is_some())
    }

    /// Records the user MX created (or found) for `id`; a second record of the same
    /// user changes nothing. Returns the guid stored for `id`.
    ///
    /// # Errors
    /// [`StoreError`] when the query fails.
    pub async fn insert_user(
        &self,
        guid: &str,
        id: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<String, StoreError> {
        let mut conn = self
            .pool()
            .acquire()
            .await
            .map_err(q("taking a connection for a user"))?;
        insert_user_in(&mut conn, guid, id, now).await
    }
}

/// [`Db::insert_user`] on `conn` (inside a transaction when the caller holds one).
pub(super) async fn insert_user_in(
    conn: &mut AnyConnection,
    guid: &str,
    id: Option<&str>,
    now: DateTime<Utc>,
) -> Result<String, StoreError> {
    sqlx::query(
        "INSERT INTO users (guid, id, created_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
    )
    .bind(guid)
    .bind(id)
    .bind(ms(now))
    .execute(&mut *conn)
    .await
    .map_err(q("recording a user"))?;
    let Some(id) = id else {
        return Ok(guid.to_owned());
    };
    Ok(user_by_id_in(conn, id)
        .await?
        .unwrap_or_else(|| guid.to_owned()))
}

/// [`Db::user_by_id`] on `conn`.
async fn user_by_id_in(conn: &mut AnyConnection, id: &str) -> Result<Option<String>, StoreError> {
    let row = sqlx::query("SELECT guid FROM users WHERE id = $1")
        .bind(id)
        .fetch_optional(&mut *conn)
        .await
        .map_err(q("reading a user by id"))?;
    Ok(row.map(|row| row.get(0)))
}
