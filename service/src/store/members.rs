//! Members: the folded `MemberState`, the latest decision, the sync checkpoint; and the
//! wake-up row every member has from its first record on.

use chrono::{DateTime, Utc};
use mx_aggregation::MemberState;
use mx_aggregation_client::sync::{Checkpoint, DataDue};
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use super::db::{Db, Engine, StoreError, from_ms, lock_wakeup, ms, q};

/// What a drive starts from.
#[derive(Debug, Clone)]
pub struct MemberRow {
    /// MX's guid.
    pub guid: String,
    /// The user's guid.
    pub user_guid: String,
    /// The folded state.
    pub state: MemberState,
    /// The sync checkpoint.
    pub checkpoint: Checkpoint,
    /// What the data webhooks since the last sync said.
    pub data_due: Option<DataDue>,
}

/// What `GET /members/{guid}` shows.
#[derive(Debug, Clone, PartialEq)]
pub struct MemberView {
    /// MX's guid.
    pub guid: String,
    /// The user's guid.
    pub user_guid: String,
    /// MX's connection status as last known.
    pub connection_status: Option<String>,
    /// The latest decision's action.
    pub action: Option<String>,
    /// The latest decision's reason.
    pub reason: Option<String>,
    /// Whether that action needs the end user.
    pub requires_end_user: Option<bool>,
    /// When the scheduler looks next.
    pub next_look_at: Option<DateTime<Utc>>,
    /// The open challenges (JSON), when the action is `answer_mfa`.
    pub challenges: Option<String>,
    /// The OAuth window, when the action is `authorize_oauth`.
    pub oauth_window_uri: Option<String>,
    /// MX's text for the end user.
    pub user_message: Option<String>,
    /// The `as_of` of the latest completed sync (RFC 3339).
    pub synced_through: Option<String>,
    /// Accounts stored.
    pub accounts: i64,
    /// Transactions stored.
    pub transactions: i64,
    /// Distinct webhook bodies stored for the member.
    pub webhooks_received: i64,
}

fn json<T: serde::de::DeserializeOwned>(
    column: &'static str,
    key: &str,
    text: &str,
) -> Result<T, StoreError> {
    serde_json::from_str(text).map_err(|source| StoreError::Corrupt {
        column,
        key: key.to_owned(),
        source,
    })
}

fn member_row(row: &AnyRow) -> Result<MemberRow, StoreError> {
    let guid: String = row.get("guid");
    let state: String = row.get("state");
    let checkpoint: String = row.get("checkpoint");
    let due: Option<String> = row.get("data_due");
    Ok(MemberRow {
        state: json("state", &guid, &state)?,
        checkpoint: json("checkpoint", &guid, &checkpoint)?,
        data_due: due.map(|due| json("data_due", &guid, &due)).transpose()?,
        user_guid: row.get("user_guid"),
        guid,
    })
}

/// [`Db::insert_member`] inside a transaction (the webhook inbox adopts members too).
pub(super) async fn insert_member_in(
    conn: &mut AnyConnection,
    engine: Engine,
    guid: &str,
    user_guid: &str,
    member_id: Option<&str>,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    lock_wakeup(conn, engine, guid).await?;
    let state = serde_json::to_string(&MemberState::default()).unwrap_or_default();
    let checkpoint = serde_json::to_string(&Checkpoint::default()).unwrap_or_default();
    sqlx::query(
        "INSERT INTO members (guid, user_guid, member_id, state, checkpoint, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $6) \
         ON CONFLICT (guid) DO UPDATE SET member_id = COALESCE(members.member_id, excluded.member_id)",
    )
    .bind(guid)
    .bind(user_guid)
    .bind(member_id)
    .bind(state)
    .bind(checkpoint)
    .bind(ms(now))
    .execute(&mut *conn)
    .await
    .map_err(q("recording a member"))?;
    sqlx::query(
        "INSERT INTO wakeups (member_guid, run_at, attempt) VALUES ($1, $2, 0) ON CONFLICT DO NOTHING",
    )
    .bind(guid)
    .bind(ms(now))
    .execute(&mut *conn)
    .await
    .map_err(q("recording a member's wake-up"))?;
    Ok(())
}

impl Db {
    /// Records a member (created by the service, or announced by MX for a known user)
    /// with a wake-up due at `now`; a second record of the same member changes nothing.
    ///
    /// # Errors
    /// [`StoreError`] when a query fails.
    pub async fn insert_member(
        &self,
        guid: &str,
        user_guid: &str,
        member_id: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let mut tx = self
            .pool()
            .begin()
            .await
            .map_err(q("beginning a member record"))?;
        insert_member_in(&mut tx, self.engine(), guid, user_guid, member_id, now).await?;
        tx.commit().await.map_err(q("committing a member record"))?;
        Ok(())
    }

    /// The guid of the user's member with MX `id` `member_id`.
    ///
    /// # Errors
    /// [`StoreError`] when the query fails.
    pub async fn member_by_id(
        &self,
        user_guid: &str,
        member_id: &str,
    ) -> Result<Option<String>, StoreError> {
        let row = sqlx::query("SELECT guid FROM members WHERE user_guid = $1 AND member_id = $2")
            .bind(user_guid)
            .bind(member_id)
            .fetch_optional(self.pool())
            .await
            .map_err(q("reading a member by id"))?;
        Ok(row.map(|row| row.get(0)))
    }

    /// The member a drive starts from.
    ///
    /// # Errors
    /// [`StoreError`] when the query fails or a stored column does not read.
    pub async fn member(&self, guid: &str) -> Result<Option<MemberRow>, StoreError> {
        let row = sqlx::query(
            "SELECT guid, user_guid, state, checkpoint, data_due FROM members WHERE guid = $1",
        )
        .bind(guid)
        .fetch_optional(self.reader())
        .await
        .map_err(q("reading a member"))?;
        row.as_ref().map(member_row).transpose()
    }

    /// What `GET /members/{guid}` shows.
    ///
    /// # Errors
    /// [`StoreError`] when the query fails.
    pub async fn member_view(&self, guid: &str) -> Result<Option<MemberView>, StoreError> {
        let row = sqlx::query(
            "SELECT m.guid, m.user_guid, m.connection_status, m.action, m.reason, \
               m.requires_end_user, w.run_at, m.challenges, m.oauth_window_uri, \
               m.user_message, m.synced_through, \
               (SELECT COUNT(*) FROM accounts a WHERE a.member_guid = m.guid), \
               (SELECT COUNT(*) FROM transactions t WHERE t.member_guid = m.guid), \
               (SELECT COUNT(*) FROM webhooks h WHERE h.member_guid = m.guid) \
             FROM members m LEFT JOIN wakeups w ON w.member_guid = m.guid WHERE m.guid = $1",
        )
        .bind(guid)
        .fetch_optional(self.reader())
        .await
        .map_err(q("reading a member's view"))?;
        Ok(row.map(|row| MemberView {
            guid: row.get(0),
            user_guid: row.get(1),
            connection_status: row.get(2),
            action: row.get(3),
            reason: row.get(4),
            requires_end_user: row.get::<Option<i64>, _>(5).map(|flag| flag != 0),
            next_look_at: row.get::<Option<i64>, _>(6).map(from_ms),
            challenges: row.get(7),
            oauth_window_uri: row.get(8),
            user_message: row.get(9),
            synced_through: row.get(10),
            accounts: row.get(11),
            transactions: row.get(12),
            webhooks_received: row.get(13),
        }))
    }

    /// Members by their latest action, for `/metrics`.
    ///
    /// # Errors
    /// [`StoreError`] when the query fails.
    pub async fn members_by_action(&self) -> Result<Vec<(String, i64)>, StoreError> {
        let rows = sqlx::query(
            "SELECT COALESCE(action, 'none'), COUNT(*) FROM members GROUP BY COALESCE(action, 'none') ORDER BY 1",
        )
        .fetch_all(self.reader())
        .await
        .map_err(q("counting members by action"))?;
        Ok(rows.iter().map(|row| (row.get(0), row.get(1))).collect())
    }
}
