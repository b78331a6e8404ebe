//! What MX's answer to a create leaves is stored in one transaction: the member, its
//! journaled call settled and the caller's idempotency key noted (the user and its call
//! likewise). A write that fails part-way leaves nothing, so the create still reads as
//! in doubt and the recovery asks MX, never a member recorded beside a call in doubt or
//! a key that names no member.
//!
//! The failures are planted with SQLite triggers that refuse one statement of the three.

mod support;

use chrono::{DateTime, TimeZone, Utc};
use mx_aggregation_service::store::{CreatedMember, Db, Journaled};
use support::Scratch;

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0)
        .single()
        .unwrap_or_default()
}

const CALL: &str = "create_member:USR-1:m-1";

/// A database holding user `USR-1`, a key `key-1` for member id `m-1` and the create's
/// call journaled, unsettled.
async fn journaled(scratch: &Scratch) -> (Db, String) {
    let url = format!("sqlite://{}", scratch.path.join("mx.db").display());
    let db = Db::open(&url).await.expect("a database");
    db.insert_user("USR-1", Some("alice"), now())
        .await
        .expect("a user");
    let id = db
        .insert_idempotency_key("USR-1", "key-1", "m-1", now())
        .await
        .expect("a key");
    assert_eq!(id, "m-1");
    db.journal_call(CALL, "create_member", Some("USR-1"), Some("m-1"), now())
        .await
        .expect("journaled");
    (db, url)
}

fn created() -> CreatedMember<'static> {
    CreatedMember {
        guid: "MBR-1",
        user_guid: "USR-1",
        member_id: "m-1",
        call_key: CALL,
        idempotency_key: Some("key-1"),
        now: now(),
    }
}

/// Plants a trigger, on a connection of its own to the file, that refuses every update
/// of `table`.
async fn refuse_updates_of(url: &str, table: &str) {
    let sql = format!(
        "CREATE TRIGGER refuse_{table} BEFORE UPDATE ON {table} \
         BEGIN SELECT RAISE(ABORT, 'planted'); END"
    );
    let pool = sqlx::any::AnyPoolOptions::new()
        .max_connections(1)
        .connect(url)
        .await
        .expect("a second connection");
    sqlx::query(&sql).execute(&pool).await.expect("planted");
    pool.close().await;
}

#[tokio::test]
async fn a_created_member_is_recorded_with_its_call_and_key_settled() {
    let scratch = Scratch::new("created-in-one-commit-ok");
    let (db, _) = journaled(&scratch).await;
    db.record_created_member(&created()).await.expect("stored");
    assert_eq!(
        db.member_by_id("USR-1", "m-1").await.expect("read"),
        Some("MBR-1".to_owned())
    );
    assert_eq!(
        db.journaled(CALL).await.expect("read"),
        Some(Journaled::Settled(Some("MBR-1".to_owned())))
    );
    assert_eq!(
        db.idempotency_key("USR-1", "key-1").await.expect("read"),
        Some(("m-1".to_owned(), Some("MBR-1".to_owned())))
    );
    assert!(db.calls_in_doubt().await.expect("read").is_empty());
    db.close().await;
}

#[tokio::test]
async fn a_key_that_cannot_be_settled_leaves_the_create_in_doubt_and_no_member() {
    let scratch = Scratch::new("created-in-one-commit-key");
    let (db, url) = journaled(&scratch).await;
    refuse_updates_of(&url, "idempotency_keys").await;
    assert!(db.record_created_member(&created()).await.is_err());
    assert_eq!(db.member_by_id("USR-1", "m-1").await.expect("read"), None);
    assert_eq!(
        db.journaled(CALL).await.expect("read"),
        Some(Journaled::InDoubt)
    );
    assert_eq!(db.calls_in_doubt().await.expect("read").len(), 1);
    db.close().await;
}

#[tokio::test]
async fn a_call_that_cannot_be_settled_leaves_no_member_and_no_user() {
    let scratch = Scratch::new("created-in-one-commit-call");
    let (db, url) = journaled(&scratch).await;
    db.journal_call("create_user:bob", "create_user", None, None, now())
        .await
        .expect("journaled");
    refuse_updates_of(&url, "mx_calls").await;
    assert!(db.record_created_member(&created()).await.is_err());
    assert_eq!(db.member_by_id("USR-1", "m-1").await.expect("read"), None);
    assert_eq!(
        db.idempotency_key("USR-1", "key-1").await.expect("read"),
        Some(("m-1".to_owned(), None)),
        "the key names no member"
    );
    assert!(
        db.record_created_user("USR-2", "bob", "create_user:bob", now())
            .await
            .is_err()
    );
    assert_eq!(db.user_by_id("bob").await.expect("read"), None);
    assert_eq!(db.calls_in_doubt().await.expect("read").len(), 2);
    db.close().await;
}

#[tokio::test]
async fn a_created_user_is_recorded_with_its_call_settled() {
    let scratch = Scratch::new("created-in-one-commit-user");
    let (db, _) = journaled(&scratch).await;
    db.journal_call("create_user:bob", "create_user", None, None, now())
        .await
        .expect("journaled");
    let guid = db
        .record_created_user("USR-2", "bob", "create_user:bob", now())
        .await
        .expect("stored");
    assert_eq!(guid, "USR-2");
    assert_eq!(
        db.user_by_id("bob").await.expect("read"),
        Some("USR-2".to_owned())
    );
    assert_eq!(
        db.journaled("create_user:bob").await.expect("read"),
        Some(Journaled::Settled(None))
    );
    // A second record for the same id keeps the first guid, and says so.
    let again = db
        .record_created_user("USR-9", "bob", "create_user:bob", now())
        .await
        .expect("stored");
    assert_eq!(again, "USR-2");
    db.close().await;
}
