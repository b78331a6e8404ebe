//! The scheduler's claim skips the members this process still drives: on the emulator's
//! clock a lease can run out while its drive runs (other drives' polls move the clock),
//! and claiming that member again would fence the drive about to write and drive the
//! member twice. On SQLite and on PostgreSQL alike.

mod support;

use chrono::{TimeDelta, TimeZone, Utc};
use mx_aggregation_service::store::Db;
use support::Scratch;
use support::db::Database;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_member_driven_here_is_not_claimed_again() {
    let scratch = Scratch::new("claims-skip-running");
    for database in Database::all(&scratch.path, "claims_skip_running_both_databases").await {
        let kind = database.kind();
        let db = Db::open(database.url()).await.expect("the database opens");
        let now = Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).unwrap();
        db.insert_user("USR-1", Some("u-1"), now).await.unwrap();
        for guid in ["MBR-driven", "MBR-free"] {
            db.insert_member(guid, "USR-1", None, now).await.unwrap();
        }
        let driving = vec!["MBR-driven".to_owned()];

        let first = db.claim_due("here", now, 10, &driving).await.unwrap();
        let claimed: Vec<&str> = first.iter().map(|c| c.member_guid.as_str()).collect();
        assert_eq!(claimed, ["MBR-free"], "{kind}");

        // Both leases would have run out by now; the driven member is still skipped.
        let later = now + TimeDelta::minutes(5);
        let second = db.claim_due("here", later, 10, &driving).await.unwrap();
        let claimed: Vec<&str> = second.iter().map(|c| c.member_guid.as_str()).collect();
        assert_eq!(
            claimed,
            ["MBR-free"],
            "{kind}: the free one's lease ran out"
        );

        // Once its drive has ended, it is claimed like any due member.
        let third = db.claim_due("here", later, 10, &[]).await.unwrap();
        let claimed: Vec<&str> = third.iter().map(|c| c.member_guid.as_str()).collect();
        assert_eq!(claimed, ["MBR-driven"], "{kind}");
        db.close().await;
        database.drop_database().await;
    }
}
