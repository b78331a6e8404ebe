//! The stored copy of each member's accounts and transactions.

use mx_aggregation_client::sync::MemoryStore;
use mx_aggregation_client::types::{Account, Transaction};
use serde_json::value::RawValue;
use sqlx::Row;

use super::db::{Db, Engine, StoreError, q};

/// A member's stored data, as the sync core reads it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct StoredData {
    /// The accounts and transactions.
    pub store: MemoryStore,
}

/// One page of a stored list, with MX's pagination numbers.
#[derive(Debug, Clone)]
pub struct Page {
    /// The rows, as stored: MX's JSON text, checked to be JSON but not read into a
    /// tree (a page of a thousand transactions is served as it was stored).
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
        let joined = self.joined_rows(member_guid, list).await?;
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

    /// The member's stored transactions into `store`, as the text stored
    /// ([`MemoryStore::hold_text`]): a sync reads only the rows whose text MX changed.
    /// The rows come as one JSON array of `[guid, body]` pairs, as
    /// [`load_list`](Self::load_list) reads them, split without reading the bodies.
    ///
    /// # Errors
    /// [`StoreError`] when the query fails or the array does not read.
    pub async fn load_transaction_texts(
        &self,
        member_guid: &str,
        store: &mut MemoryStore,
    ) -> Result<(), StoreError> {
        let joined = self.joined_rows(member_guid, List::Transactions).await?;
        if let Ok(rows) = serde_json::from_str::<Vec<(String, &RawValue)>>(&joined) {
            for (guid, body) in rows {
                store.hold_text(guid, body.get().to_owned());
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
            store.hold_text(guid, body);
        }
        Ok(())
    }

    /// The member's rows of `list` as one JSON array of `[guid, body]` pairs (`[]` when
    /// it has none). Bodies are stored JSON, put in as they are; guids are quoted by the
    /// database.
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

    /// The member's rows of `list`, each its guid and stored body.
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
        Ok(rows.iter().map(|row| (row.get(0), row.get(1))).collect())
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
                RawValue::from_string(body).map_err(|source| StoreError::Corrupt {
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
