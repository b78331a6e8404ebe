//! The pool, the migrations, stored times and the storage error.

use chrono::{DateTime, Utc};
use sqlx::any::{AnyPoolOptions, install_default_drivers};
use sqlx::{AnyPool, Row};

/// The embedded migrations (`service/migrations`), run at every start; concurrent
/// first starts are safe (sqlx takes a lock on PostgreSQL; SQLite has one process).
static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

/// The default database: a SQLite file in the working directory.
pub const DEFAULT_DATABASE: &str = "sqlite://mx-aggregation.db";

/// Which engine the URL names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    /// One file, one process at a time.
    Sqlite,
    /// Several instances on one database.
    Postgres,
}

/// A storage failure, named by what was being done.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The URL names no engine this service speaks.
    #[error("--database {0:?}: expected sqlite://PATH or postgres://…")]
    Url(String),
    /// Connecting or migrating failed.
    #[error("opening the database: {0}")]
    Open(#[source] sqlx::Error),
    /// Migrating failed.
    #[error("migrating the database: {0}")]
    Migrate(#[source] sqlx::migrate::MigrateError),
    /// A query failed.
    #[error("{what}: {source}")]
    Query {
        /// What the query was for.
        what: &'static str,
        /// sqlx's error.
        #[source]
        source: sqlx::Error,
    },
    /// A stored JSON column no longer reads as its type.
    #[error("stored {column} of {key} does not read: {source}")]
    Corrupt {
        /// The column.
        column: &'static str,
        /// The row.
        key: String,
        /// serde's error.
        #[source]
        source: serde_json::Error,
    },
}

/// Wraps a sqlx error with what the query was for.
pub(crate) fn q(what: &'static str) -> impl FnOnce(sqlx::Error) -> StoreError {
    move |source| StoreError::Query { what, source }
}

/// The database handle: cheap to clone.
#[derive(Debug, Clone)]
pub struct Db {
    pool: AnyPool,
    engine: Engine,
}

/// A time as stored: Unix milliseconds.
pub fn ms(at: DateTime<Utc>) -> i64 {
    at.timestamp_millis()
}

/// A stored time.
pub fn from_ms(ms: i64) -> DateTime<Utc> {
    DateTime::from_timestamp_millis(ms).unwrap_or(DateTime::<Utc>::MIN_UTC)
}

/// `url` as the sqlx SQLite driver reads it, creating the file when absent: the
/// service's users give `sqlite://PATH` without sqlx's `?mode=rwc`.
fn sqlite_url(url: &str) -> String {
    if url.contains("mode=") {
        url.to_owned()
    } else if url.contains('?') {
        format!("{url}&mode=rwc")
    } else {
        format!("{url}?mode=rwc")
    }
}

impl Db {
    /// Connects to `url` and runs the migrations.
    ///
    /// # Errors
    /// [`StoreError`] when the URL is not SQLite or PostgreSQL, or connecting or
    /// migrating fails.
    pub async fn open(url: &str) -> Result<Self, StoreError> {
        install_default_drivers();
        let (engine, url, connections) = if url.starts_with("sqlite:") {
            // One connection: SQLite has one writer, and a pool of one never meets
            // SQLITE_BUSY on a transaction's upgrade to writing.
            (Engine::Sqlite, sqlite_url(url), 1)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            (Engine::Postgres, url.to_owned(), 8)
        } else {
            return Err(StoreError::Url(url.to_owned()));
        };
        let pool = AnyPoolOptions::new()
            .max_connections(connections)
            // sqlx pings a connection each time the pool hands it out, unless told not
            // to: for SQLite, a file in this process that cannot go stale, that ping was
            // a second hand-off to the connection's thread for every statement.
            // PostgreSQL's connections can (a server restart), so they are still tested.
            .test_before_acquire(engine == Engine::Postgres)
            .connect(&url)
            .await
            .map_err(StoreError::Open)?;
        if engine == Engine::Sqlite {
            // The write-ahead log: a crash loses no committed transaction, and readers
            // do not block the writer. The setting stays with the file.
            sqlx::query("PRAGMA journal_mode=WAL")
                .execute(&pool)
                .await
                .map_err(StoreError::Open)?;
        }
        MIGRATOR.run(&pool).await.map_err(StoreError::Migrate)?;
        Ok(Self { pool, engine })
    }

    /// The engine.
    pub const fn engine(&self) -> Engine {
        self.engine
    }

    /// The pool, for the table modules.
    pub(crate) const fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// True when the database answers a query.
    pub async fn healthy(&self) -> bool {
        sqlx::query("SELECT 1").fetch_one(&self.pool).await.is_ok()
    }

    /// Closes the pool (at shutdown, after the last write).
    pub async fn close(&self) {
        self.pool.close().await;
    }

    /// MX's global `Retry-After` gate: no scheduled drive starts before it.
    ///
    /// # Errors
    /// [`StoreError`] when the query fails.
    pub async fn gate(&self) -> Result<Option<DateTime<Utc>>, StoreError> {
        let row = sqlx::query("SELECT until_ms FROM gates WHERE name = $1")
            .bind("retry_after")
            .fetch_optional(&self.pool)
            .await
            .map_err(q("reading the retry-after gate"))?;
        Ok(row.map(|row| from_ms(row.get::<i64, _>(0))))
    }

    /// Sets the global `Retry-After` gate to `until` (a later gate held stays).
    ///
    /// # Errors
    /// [`StoreError`] when the query fails.
    pub async fn set_gate(&self, until: DateTime<Utc>) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO gates (name, until_ms) VALUES ($1, $2) \
             ON CONFLICT (name) DO UPDATE SET until_ms = \
             CASE WHEN gates.until_ms > excluded.until_ms THEN gates.until_ms ELSE excluded.until_ms END",
        )
        .bind("retry_after")
        .bind(ms(until))
        .execute(&self.pool)
        .await
        .map_err(q("setting the retry-after gate"))?;
        Ok(())
    }
}

/// Locks the member's wake-up row for the rest of the transaction `conn` runs
/// (PostgreSQL; SQLite's single writer needs no lock and has no `FOR UPDATE`). Every
/// transaction that writes more than one of a member's rows takes this lock first, as
/// a drive's write-back does by updating the wake-up first: two of them then never wait
/// on each other in opposite orders. Without it a write-back (wake-up, then member) and
/// a webhook or a repeated create (member, then wake-up) deadlocked on PostgreSQL.
///
/// # Errors
/// [`StoreError`] when the query fails.
pub(super) async fn lock_wakeup(
    conn: &mut sqlx::AnyConnection,
    engine: Engine,
    member_guid: &str,
) -> Result<(), StoreError> {
    match engine {
        Engine::Sqlite => Ok(()),
        Engine::Postgres => {
            sqlx::query("SELECT member_guid FROM wakeups WHERE member_guid = $1 FOR UPDATE")
                .bind(member_guid)
                .fetch_optional(&mut *conn)
                .await
                .map_err(q("locking a member's wake-up"))?;
            Ok(())
        }
    }
}
