//! The database: the service's only state. One module in front of SQLite and
//! PostgreSQL (sqlx's `Any` driver, runtime queries, `$N` placeholders both engines
//! read), one migration set, times as Unix milliseconds. Everything above this module
//! is database-agnostic.
//!
//! Files, one way: `turn` (the writer's turns) ← `db` (the pool, migrations, times,
//! errors) ← `users`, `members`,
//! `claims`, `webhooks`, `data`, `journal` (one table group each) ← `write` (a drive's
//! fenced write-back) ← `receive` (a group of webhooks' reads and writes) ← `inbox` (the
//! writer task that gathers the groups) ← this file (the re-exports).

mod claims;
mod data;
mod db;
mod inbox;
mod journal;
mod members;
mod receive;
mod turn;
mod users;
mod webhooks;
mod write;

pub use claims::{Claimed, TakenOver};
pub use data::{List, Page, StoredData};
pub use db::{DEFAULT_DATABASE, Db, Engine, StoreError, from_ms, ms};
pub use inbox::Inbox;
pub use journal::{CreatedMember, InDoubt, Journaled};
pub use members::{MemberRow, MemberView};
pub use receive::{Incoming, Stored};
pub use webhooks::{Received, Unfolded};
pub use write::{DriveWrite, Written};
