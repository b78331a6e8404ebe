//! The pool, the migrations, stored times and the storage error.

use chrono::{DateTime, Utc};
use mx_aggregation_client::sync::supersedes;
use sqlx::any::{AnyPoolOptions, install_default_drivers};
use sqlx::{AnyPool, Row};

use super::turn::{Priority, Turn, Turns};

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
    /// A task the store runs (the webhook writer) is gone: the service is stopping.
    #[error("{0} has stopped")]
    Closed(&'static str),
    /// A failure shared by every webhook of a group stored in one transaction.
    #[error(transparent)]
    Shared(std::sync::Arc<StoreError>),
    /// A transaction's text to store is not JSON: it holds a byte the stored form packs
    /// into (`core::packed`).
    #[error("transaction {guid} of member {member}: {source}")]
    NotJsonText {
        /// The member.
        member: String,
        /// The transaction.
        guid: String,
        /// Which byte, where.
        #[source]
        source: crate::core::packed::NotJsonText,
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
    /// Where reads that stand alone go (no transaction of their own, nothing written
    /// after them on their word): on SQLite, connections beside the one writer, which
    /// the write-ahead log lets read while it writes; on PostgreSQL, the pool itself.
    reader: AnyPool,
    engine: Engine,
    /// Turns on SQLite's one writer, webhooks first (`turn`).
    turns: Turns,
}

/// Reading connections beside SQLite's one writer: a drive's load of a member and its
/// stored rows, the API's reads and the probes' counts no longer queue behind every
/// webhook's and write-back's transaction on the writer, nor hold it up.
const SQLITE_READERS: u32 = 2;

/// The URL of a reading connection to the SQLite file `url` names; `None` for an
/// in-memory database, which a second connection would not share.
fn sqlite_reader_url(url: &str) -> Option<String> {
    if url.contains(":memory:") || url.contains("mode=memory") {
        return None;
    }
    let (path, query) = url.split_once('?').unwrap_or((url, ""));
    let kept: Vec<&str> = query
        .split('&')
        .filter(|pair| !pair.is_empty() && !pair.starts_with("mode="))
        .chain(["mode=rw"])
        .collect();
    Some(format!("{path}?{}", kept.join("&")))
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
        let reader = match (engine, sqlite_reader_url(&url)) {
            (Engine::Sqlite, Some(reader_url)) => AnyPoolOptions::new()
                .max_connections(SQLITE_READERS)
                .test_before_acquire(false)
                // A reading connection cannot write, whatever a later change asks of it.
                .after_connect(|conn, _| {
                    Box::pin(async move {
                        sqlx::query("PRAGMA query_only = ON")
                            .execute(conn)
                            .await
                            .map(|_| ())
                    })
                })
                .connect(&reader_url)
                .await
                .map_err(StoreError::Open)?,
            (Engine::Sqlite, None) | (Engine::Postgres, _) => pool.clone(),
        };
        Ok(Self {
            pool,
            reader,
            engine,
            turns: Turns::default(),
        })
    }

    /// The engine.
    pub const fn engine(&self) -> Engine {
        self.engine
    }

    /// The pool, for the table modules.
    pub(crate) const fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// A turn on SQLite's one writer for `priority` (webhooks go before the drives
    /// queued); `None` on PostgreSQL, whose pool writes in parallel.
    pub(crate) async fn turn(&self, priority: Priority) -> Option<Turn> {
        match self.engine {
            Engine::Sqlite => Some(self.turns.take(priority).await),
            Engine::Postgres => None,
        }
    }

    /// The reading pool, for reads that stand alone (see [`Db`]'s `reader`).
    pub(crate) const fn reader(&self) -> &AnyPool {
        &self.reader
    }

    /// True when the database answers a query.
    pub async fn healthy(&self) -> bool {
        sqlx::query("SELECT 1").fetch_one(&self.pool).await.is_ok()
    }

    /// Closes the pool (at shutdown, after the last write).
    pub async fn close(&self) {
        self.reader.close().await;
        self.pool.close().await;
    }

    /// MX's global `Retry-After` gate: no scheduled drive starts before it.
    ///
    /// # Errors
    /// [`StoreError`] when the query fails.
    pub async fn gate(&self) -> Result<Option<DateTime<Utc>>, StoreError> {
        let row = sqlx::query("SELECT until_ms FROM gates WHERE name = $1")
            .bind("retry_after")
            .fetch_optional(&self.reader)
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

/// Rows per multi-row statement: well under SQLite's and PostgreSQL's bound
/// parameters (32,766 and 65,535) at seven columns.
pub(crate) const ROWS_PER_STATEMENT: usize = 200;

/// How a statement's placeholders are written: numbered (`$1`, PostgreSQL's only kind)
/// or positional (`?`, SQLite, bound in order). SQLite takes `$1` too, as a named
/// parameter, and sqlx binds each named one by asking SQLite its name, which SQLite finds
/// by walking the statement's list of names: a 600-parameter multi-row insert cost
/// 180,000 steps that way, `sqlite3_bind_parameter_name` 4.6% of the service's CPU at
/// 10,000 members (docs/PERFORMANCE.md, eleventh session). A `?` has no name: sqlx binds
/// the next value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Marks {
    /// `$1, $2, …`.
    Numbered,
    /// `?, ?, …`: a statement written so must not also hold a numbered one (sqlx would
    /// count the `?`s from the first value again).
    Positional,
}

impl Marks {
    /// The marks `conn`'s database reads fastest.
    pub(crate) fn of(conn: &sqlx::AnyConnection) -> Self {
        if conn.backend_name().eq_ignore_ascii_case("sqlite") {
            Self::Positional
        } else {
            Self::Numbered
        }
    }

    /// The placeholder of the `n`th value bound (from 1).
    pub(crate) fn mark(self, n: usize) -> String {
        match self {
            Self::Numbered => format!("${n}"),
            Self::Positional => "?".to_owned(),
        }
    }
}

/// `($first, …), (…)`: `rows` rows of `columns` placeholders, the values bound row by
/// row from the `first`th.
pub(crate) fn placeholders(marks: Marks, rows: usize, columns: usize, first: usize) -> String {
    (0..rows)
        .map(|row| format!("({})", list(marks, columns, first + row * columns)))
        .collect::<Vec<_>>()
        .join(", ")
}

/// `$first, …`: `count` placeholders, the values bound from the `first`th.
pub(crate) fn list(marks: Marks, count: usize, first: usize) -> String {
    (0..count)
        .map(|i| marks.mark(first + i))
        .collect::<Vec<_>>()
        .join(", ")
}

/// True when the account `body` may replace the row `held` (none held, or `body` is
/// not older by `updated_at`, as `mx_aggregation_client::sync::supersedes` decides):
/// the one rule a write-back and a group of ACCOUNT webhooks both store by.
pub(crate) fn replaces_account(body: &str, held: Option<&str>) -> bool {
    held.is_none_or(|held| supersedes(updated_at(body).as_deref(), updated_at(held).as_deref()))
}

/// A stored account body's `updated_at`, which `supersedes` (`mx_aggregation_client::sync`) compares.
/// Only that field is read: every ACCOUNT webhook (four an aggregation for an MX Bank
/// member, the most frequent webhook) compares two bodies, and reading each into a
/// `serde_json::Value` tree allocated every field of both.
fn updated_at(body: &str) -> Option<String> {
    #[derive(serde::Deserialize)]
    struct Stamp {
        updated_at: Option<String>,
    }
    serde_json::from_str::<Stamp>(body).ok()?.updated_at
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

#[cfg(test)]
mod tests {
    use super::{Marks, list, placeholders, sqlite_reader_url};

    #[test]
    fn marks_are_numbered_from_the_first_value_or_positional() {
        assert_eq!(list(Marks::Numbered, 3, 5), "$5, $6, $7");
        assert_eq!(list(Marks::Positional, 3, 5), "?, ?, ?");
        assert_eq!(placeholders(Marks::Numbered, 2, 2, 2), "($2, $3), ($4, $5)");
        assert_eq!(placeholders(Marks::Positional, 2, 2, 2), "(?, ?), (?, ?)");
        assert_eq!(Marks::Numbered.mark(12), "$12");
        assert_eq!(Marks::Positional.mark(12), "?");
    }

    #[tokio::test]
    async fn an_sqlite_connection_takes_positional_marks_and_binds_them_in_order() {
        use sqlx::{Connection as _, Row as _};
        sqlx::any::install_default_drivers();
        let mut conn = sqlx::AnyConnection::connect("sqlite::memory:")
            .await
            .expect("an in-memory SQLite database opens");
        let marks = Marks::of(&conn);
        assert_eq!(marks, Marks::Positional);
        let sql = format!("SELECT {} || {}", marks.mark(1), list(marks, 2, 2));
        let sql = sql.replacen(", ", " || ", 1);
        let row = sqlx::query(&sql)
            .bind("a")
            .bind("b")
            .bind("c")
            .fetch_one(&mut conn)
            .await
            .expect("the statement runs");
        assert_eq!(row.get::<String, _>(0), "abc");
    }

    #[test]
    fn a_reader_opens_the_writers_file_without_creating_it() {
        assert_eq!(
            sqlite_reader_url("sqlite:///tmp/a.db?mode=rwc").as_deref(),
            Some("sqlite:///tmp/a.db?mode=rw")
        );
        assert_eq!(
            sqlite_reader_url("sqlite://a.db?cache=shared&mode=rwc").as_deref(),
            Some("sqlite://a.db?cache=shared&mode=rw")
        );
        assert_eq!(
            sqlite_reader_url("sqlite://a.db").as_deref(),
            Some("sqlite://a.db?mode=rw")
        );
    }

    #[test]
    fn an_in_memory_database_has_no_second_connection() {
        assert_eq!(sqlite_reader_url("sqlite::memory:"), None);
        assert_eq!(sqlite_reader_url("sqlite://a?mode=memory"), None);
    }
}
