//! The databases a test runs the service on: a SQLite file in the test's directory, and a
//! fresh PostgreSQL database (`CREATE DATABASE test_<random>`) on the cluster that
//! `MX_TEST_POSTGRES_URL` names (`.ci/postgres.sh start` prints it). Without that variable
//! the PostgreSQL runs are skipped with a line on stderr, and fail when `CI=true`.

use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use sqlx::{Connection, Executor, PgConnection};

/// The variable naming the throw-away PostgreSQL cluster (a superuser's URL).
pub const POSTGRES_VAR: &str = "MX_TEST_POSTGRES_URL";

/// One database the service runs on.
#[derive(Debug, Clone)]
pub enum Database {
    /// A SQLite file; the service creates it with its schema.
    Sqlite {
        /// `sqlite://PATH`.
        url: String,
    },
    /// A database of its own on the PostgreSQL cluster.
    Postgres {
        /// `postgres://…/test_<random>`.
        url: String,
        /// The cluster's URL from `MX_TEST_POSTGRES_URL` (to drop the database).
        admin: String,
        /// `test_<random>`.
        name: String,
    },
}

impl Database {
    /// A SQLite database `mx.db` in `dir` (not created: the service creates it).
    pub fn sqlite(dir: &Path) -> Self {
        Self::Sqlite {
            url: format!("sqlite://{}", dir.join("mx.db").display()),
        }
    }

    /// A fresh PostgreSQL database, or `None` (with a line on stderr) when
    /// `MX_TEST_POSTGRES_URL` is unset. Panics when it is unset and `CI=true`: CI must run
    /// the PostgreSQL tests, not skip them.
    pub async fn postgres(test: &str) -> Option<Self> {
        let admin = postgres_url(test)?;
        let name = unique_name();
        let mut conn = PgConnection::connect(&admin)
            .await
            .unwrap_or_else(|error| panic!("{POSTGRES_VAR}={admin}: cannot connect: {error}"));
        conn.execute(format!("CREATE DATABASE {name}").as_str())
            .await
            .unwrap_or_else(|error| panic!("CREATE DATABASE {name} on {admin}: {error}"));
        let _ = conn.close().await;
        Some(Self::Postgres {
            url: with_database(&admin, &name),
            admin,
            name,
        })
    }

    /// SQLite in `dir`, and PostgreSQL when a cluster is configured: the one behaviour
    /// suite runs on each.
    pub async fn all(dir: &Path, test: &str) -> Vec<Self> {
        let mut all = vec![Self::sqlite(dir)];
        all.extend(Self::postgres(test).await);
        all
    }

    /// The URL the service is given as `--database`.
    pub fn url(&self) -> &str {
        match self {
            Self::Sqlite { url } | Self::Postgres { url, .. } => url,
        }
    }

    /// `sqlite` or `postgres`, for messages.
    pub const fn kind(&self) -> &'static str {
        match self {
            Self::Sqlite { .. } => "sqlite",
            Self::Postgres { .. } => "postgres",
        }
    }

    /// Drops a PostgreSQL database (the service's connections included); a SQLite file
    /// goes with its directory.
    pub async fn drop_database(&self) {
        match self {
            Self::Sqlite { .. } => {}
            Self::Postgres { admin, name, .. } => {
                if let Ok(mut conn) = PgConnection::connect(admin).await {
                    let _ = conn
                        .execute(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)").as_str())
                        .await;
                    let _ = conn.close().await;
                }
            }
        }
    }
}

/// `MX_TEST_POSTGRES_URL`, or `None` with the skip line on stderr; panics under `CI=true`.
pub fn postgres_url(test: &str) -> Option<String> {
    match std::env::var(POSTGRES_VAR) {
        Ok(url) if !url.trim().is_empty() => Some(url.trim().to_owned()),
        _ => {
            let ci = std::env::var("CI").is_ok_and(|value| value == "true");
            assert!(
                !ci,
                "{test}: {POSTGRES_VAR} is unset under CI=true; .ci/run starts PostgreSQL with .ci/postgres.sh"
            );
            eprintln!(
                "{test}: skipping PostgreSQL: {POSTGRES_VAR} is unset (eval \"$(bash .ci/postgres.sh start)\" sets it)"
            );
            None
        }
    }
}

/// `test_<time>_<pid>_<counter>`: unique across parallel tests and processes.
fn unique_name() -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |since| since.as_nanos());
    format!(
        "test_{nanos:x}_{}_{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    )
}

/// `admin` with its database name replaced by `name` (query string kept).
fn with_database(admin: &str, name: &str) -> String {
    let (base, query) = admin
        .split_once('?')
        .map_or((admin, None), |(base, query)| (base, Some(query)));
    let scheme_end = base.find("://").map_or(0, |at| at + 3);
    let root = match base[scheme_end..].find('/') {
        Some(slash) => &base[..scheme_end + slash],
        None => base,
    };
    match query {
        Some(query) => format!("{root}/{name}?{query}"),
        None => format!("{root}/{name}"),
    }
}
