//! The stored copy of each member's accounts and transactions.

use chrono::NaiveDate;
use mx_aggregation_client::sync::{MemoryStore, Pending, RowMark};
use mx_aggregation_client::types::{Account, Transaction};
use serde_json::value::RawValue;
use sqlx::Row;

use super::db::{Db, Engine, StoreError, q};
use crate::core::packed::unpack;

/// A member's stored data, as the sync core reads it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct StoredData {
    /// The accounts and transactions.
    pub store: MemoryStore,
}

/// One page of a stored list, with MX's pagination numbers.
#[derive(Debug, Clone)]
pub struct Page {
    /// The rows: MX's JSON text (unpacked from its stored form, `core::packed`), checked
    /// to be JSON but not read into a tree (a page of a thousand transactions is served
    /// as MX sent it).
    pub rows: Vec<Box<RawValue>>,
    /// The page asked for, from 1.
    pub current_page: i64,
    /// Rows per page.
    pub per_page: i64,
    /// Rows in all.
    pub total_entries: i64,
    /// Pages in all.
    pub total_pages: i64,
}

/// Which list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum List {
    /// `accounts`.
    Accounts,
    /// `transactions`.
    Transactions,
}

impl List {
    const fn table(self) -> &'static str {
        match self {
            Self::Accounts => "accounts",
            Self::Transactions => "transactions",
        }
    }
}

/// The `digest` column of a transaction's mark: [`RowMark::digest`]'s bits as the signed
/// 64-bit number both databases store.
pub(crate) const fn stored_digest(digest: u64) -> i64 {
    i64::from_le_bytes(digest.to_le_bytes())
}

/// [`RowMark::digest`] from its `digest` column, as [`stored_digest`] wrote it.
const fn digest_of(stored: i64) -> u64 {
    u64::from_le_bytes(stored.to_le_bytes())
}

/// The stored `pending_day` of a transaction's mark: `NULL` not `PENDING`, `''` (or a
/// text that is not a day) `PENDING` without a day, else `PENDING` on that day.
pub(crate) fn pending_of(pending_day: Option<&str>) -> Pending {
    pending_day.map_or(Pending::No, |day| {
        Pending::On(NaiveDate::parse_from_str(day, "%Y-%m-%d").ok())
    })
}

/// The `pending_day` stored for `pending`, as [`pending_of`] reads it.
pub(crate) fn pending_day(pending: Pending) -> Option<String> {
    match pending {
        Pending::No => None,
        Pending::On(day) => Some(
            day.map(|day| day.format("%Y-%m-%d").to_string())
                .unwrap_or_default(),
        ),
    }
}

impl Db {
    /// The member's stored accounts and transactions.
    ///
    /// Each list comes back as one row: the database joins the member's rows into one
    /// JSON array of `[guid, body]` pairs, read by one parse. A drive reads a member's
    /// whole copy (hundreds of transactions); row by row, every row crossed the
    /// driver's thread hand-off and was copied into a row of its own, which cost more
    /// than reading it. A list whose array does not read is read again row by row, so
    /// the error names the row.
    ///
    /// # Errors
    /// [`StoreError`] when a query fails or a stored row does not read.
    pub async fn stored_data(&self, member_guid: &str) -> Result<StoredData, StoreError> {
        let mut data = StoredData::default();
        for list in [List::Accounts, List::Transactions] {
            self.load_list(member_guid, list, &mut data).await?;
        }
        Ok(data)
    }

    /// The member's stored rows of `list` into `data` (as [`stored_data`](Self::stored_data)
    /// reads each): a drive reads the accounts always and the transactions only when its
    /// sync needs them (`Driver::drive_to_data`).
    ///
    /// # Errors
    /// [`StoreError`] when a query fails or a stored row does not read.
    pub async fn load_list(
        &self,
        member_guid: &str,
        list: List,
        data: &mut StoredData,
    ) -> Result<(), StoreError> {
        let joined = unpack(&self.joined_rows(member_guid, list).await?);
        let read = match list {
            List::Accounts => serde_json::from_str::<Vec<(String, Account)>>(&joined)
                .map(|rows| data.store.accounts.extend(rows)),
            List::Transactions => serde_json::from_str::<Vec<(String, Transaction)>>(&joined)
                .map(|rows| data.store.transactions.extend(rows)),
        };
        if read.is_err() {
            self.stored_rows(member_guid, list, data).await?;
        }
        Ok(())
    }

    /// The member's stored transactions into `store`, each by its mark
    /// ([`MemoryStore::hold_mark`]: a digest of MX's text and its `PENDING` day, read
    /// from the `transactions_marks` index alone), and those stored before rows had marks
    /// as their text, noted so that the write-back marks them
    /// ([`MemoryStore::hold_text_to_mark`]). A sync then reads only the rows whose text
    /// MX changed, without the stored bodies ever leaving the database.
    ///
    /// One query: both lists come as JSON arrays, each read by one parse (row by row,
    /// every row crossed the driver's thread hand-off).
    ///
    /// # Errors
    /// [`StoreError`] when the query fails or a list does not read.
    pub async fn load_held_transactions(
        &self,
        member_guid: &str,
        store: &mut MemoryStore,
    ) -> Result<(), StoreError> {
        let (marked, unmarked) = match self.engine() {
            Engine::Sqlite => (
                "SELECT json_group_array(json_array(guid, digest, pending_day)) \
                 FROM transactions WHERE member_guid = $1 AND digest IS NOT NULL",
                "SELECT '[' || COALESCE(group_concat('[' || json_quote(guid) || ',' || body || ']', ','), '') || ']' \
                 FROM transactions WHERE member_guid = $1 AND digest IS NULL",
            ),
            Engine::Postgres => (
                "SELECT COALESCE(json_agg(json_build_array(guid, digest, pending_day))::text, '[]') \
                 FROM transactions WHERE member_guid = $1 AND digest IS NOT NULL",
                "SELECT '[' || COALESCE(string_agg('[' || to_json(guid)::text || ',' || body || ']', ','), '') || ']' \
                 FROM transactions WHERE member_guid = $1 AND digest IS NULL",
            ),
        };
        let sql = format!("SELECT ({marked}), ({unmarked})");
        let row = sqlx::query(&sql)
            .bind(member_guid)
            .fetch_one(self.reader())
            .await
            .map_err(q("reading a member's stored transactions"))?;
        let (marked, unmarked): (String, String) = (row.get(0), unpack(&row.get::<String, _>(1)));
        let corrupt = |source| StoreError::Corrupt {
            column: "transactions.digest",
            key: member_guid.to_owned(),
            source,
        };
        for (guid, digest, pending_day) in
            serde_json::from_str::<Vec<(String, i64, Option<String>)>>(&marked).map_err(corrupt)?
        {
            store.hold_mark(
                guid,
                RowMark {
                    digest: digest_of(digest),
                    pending: pending_of(pending_day.as_deref()),
                },
            );
        }
        if let Ok(rows) = serde_json::from_str::<Vec<(String, &RawValue)>>(&unmarked) {
            for (guid, body) in rows {
                store.hold_text_to_mark(guid, body.get().to_owned());
            }
            return Ok(());
        }
        // A body that is not JSON: read row by row, so that the error names it.
        for (guid, body) in self.rows(member_guid, List::Transactions).await? {
            if let Err(source) = serde_json::from_str::<&RawValue>(&body) {
                return Err(StoreError::Corrupt {
                    column: List::Transactions.table(),
                    key: guid,
                    source,
                });
            }
            store.hold_text_to_mark(guid, body);
        }
        Ok(())
    }

    /// The member's rows of `list` as one JSON array of `[guid, body]` pairs (`[]` when
    /// it has none), as stored: the caller unpacks it (`core::packed`). Bodies are put in
    /// as they are; guids are quoted by the database.
    async fn joined_rows(&self, member_guid: &str, list: List) -> Result<String, StoreError> {
        let pair = match self.engine() {
            Engine::Sqlite => "group_concat('[' || json_quote(guid) || ',' || body || ']', ',')",
            Engine::Postgres => "string_agg('[' || to_json(guid)::text || ',' || body || ']', ',')",
        };
        let sql = format!(
            "SELECT '[' || COALESCE({pair}, '') || ']' FROM {} WHERE member_guid = $1",
            list.table()
        );
        let row = sqlx::query(&sql)
            .bind(member_guid)
            .fetch_one(self.reader())
            .await
            .map_err(q("reading a member's stored data"))?;
        Ok(row.get(0))
    }

    /// The member's rows of `list`, each its guid and body (unpacked: `core::packed`).
    async fn rows(
        &self,
        member_guid: &str,
        list: List,
    ) -> Result<Vec<(String, String)>, StoreError> {
        let sql = format!(
            "SELECT guid, body FROM {} WHERE member_guid = $1",
            list.table()
        );
        let rows = sqlx::query(&sql)
            .bind(member_guid)
            .fetch_all(self.reader())
            .await
            .map_err(q("reading a member's stored data"))?;
        Ok(rows
            .iter()
            .map(|row| (row.get(0), unpack(&row.get::<String, _>(1))))
            .collect())
    }

    /// The member's rows of `list`, one by one, into `data`: the error names the row
    /// that does not read.
    async fn stored_rows(
        &self,
        member_guid: &str,
        list: List,
        data: &mut StoredData,
    ) -> Result<(), StoreError> {
        for (guid, body) in self.rows(member_guid, list).await? {
            let corrupt = |source| StoreError::Corrupt {
                column: list.table(),
                key: guid.clone(),
                source,
            };
            match list {
                List::Accounts => {
                    let account = serde_json::from_str(&body).map_err(corrupt)?;
                    data.store.accounts.insert(guid.clone(), account);
                }
                List::Transactions => {
                    let transaction = serde_json::from_str(&body).map_err(corrupt)?;
                    data.store.transactions.insert(guid.clone(), transaction);
                }
            }
        }
        Ok(())
    }

    /// One page of the member's stored `list`, ordered by guid.
    ///
    /// # Errors
    /// [`StoreError`] when a query fails or a stored row does not read.
    pub async fn page(
        &self,
        member_guid: &str,
        list: List,
        page: i64,
        per_page: i64,
    ) -> Result<Page, StoreError> {
        let count = format!(
            "SELECT COUNT(*) FROM {} WHERE member_guid = $1",
            list.table()
        );
        let total: i64 = sqlx::query(&count)
            .bind(member_guid)
            .fetch_one(self.reader())
            .await
            .map_err(q("counting a stored list"))?
            .get(0);
        let sql = format!(
            "SELECT guid, body FROM {} WHERE member_guid = $1 ORDER BY guid LIMIT $2 OFFSET $3",
            list.table()
        );
        let rows = sqlx::query(&sql)
            .bind(member_guid)
            .bind(per_page)
            .bind(page.saturating_sub(1).saturating_mul(per_page))
            .fetch_all(self.reader())
            .await
            .map_err(q("reading a stored list"))?;
        let rows = rows
            .iter()
            .map(|row| {
                let body: String = row.get(1);
                RawValue::from_string(unpack(&body)).map_err(|source| StoreError::Corrupt {
                    column: list.table(),
                    key: row.get(0),
                    source,
                })
            })
            .collect::<Result<_, _>>()?;
        Ok(Page {
            rows,
            current_page: page,
            per_page,
            total_entries: total,
            total_pages: (total + per_page - 1) / per_page.max(1),
        })
    }
}
