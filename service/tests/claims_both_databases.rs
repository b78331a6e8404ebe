//! The scheduler's claims, on SQLite and on PostgreSQL alike: a claim skips the members
//! this process still drives (claiming one again would fence the drive about to write and
//! drive the member twice), and leases run on wall time, so the service's clock jumping
//! (the emulator's, moved by hours) frees none.

mod support;

use chrono::{TimeDelta, TimeZone, Utc};
use mx_aggregation_service::store::Db;
use support::Scratch;
use support::db::Database;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_member_driven_here_is_not_claimed_again() {
    let scratch = Scratch::new("claims-skip-running");
    for database in Database::all(&scratch.path, "claims_both_databases").await {
        let kind = database.kind();
        let db = Db::open(database.url()).await.expect("the database opens");
        let now = Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).unwrap();
        db.insert_user("USR-1", Some("u-1"), now).await.unwrap();
        for guid in ["MBR-driven", "MBR-free"] {
            db.insert_member(guid, "USR-1", None, now).await.unwrap();
        }
        let driving = vec!["MBR-driven".to_owned()];

        let first = db
            .claim_due("here", (now, now), 10, &driving)
            .await
            .unwrap();
        let claimed: Vec<&str> = first.iter().map(|c| c.member_guid.as_str()).collect();
        assert_eq!(claimed, ["MBR-free"], "{kind}");

        // Both leases would have run out by now; the driven member is still skipped.
        let later = now + TimeDelta::minutes(5);
        let second = db
            .claim_due("here", (later, later), 10, &driving)
            .await
            .unwrap();
        let claimed: Vec<&str> = second.iter().map(|c| c.member_guid.as_str()).collect();
        assert_eq!(
            claimed,
            ["MBR-free"],
            "{kind}: the free one's lease ran out"
        );

        // Once its drive has ended, it is claimed like any due member.
        let third = db.claim_due("here", (later, later), 10, &[]).await.unwrap();
        let claimed: Vec<&str> = third.iter().map(|c| c.member_guid.as_str()).collect();
        assert_eq!(claimed, ["MBR-driven"], "{kind}");
        db.close().await;
        database.drop_database().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lease_runs_on_wall_time_not_on_the_services_clock() {
    let scratch = Scratch::new("claims-wall-lease");
    for database in Database::all(&scratch.path, "claims_both_databases_wall").await {
        let kind = database.kind();
        let db = Db::open(database.url()).await.expect("the database opens");
        let now = Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).unwrap();
        let wall = Utc.with_ymd_and_hms(2026, 12, 6, 1, 0, 0).unwrap();
        db.insert_user("USR-1", Some("u-1"), now).await.unwrap();
        db.insert_member("MBR-1", "USR-1", None, now).await.unwrap();
        let first = db.claim_due("one", (now, wall), 10, &[]).await.unwrap();
        assert_eq!(first.len(), 1, "{kind}");

        // The service's clock jumps three hours; ten wall seconds pass: still held.
        let jumped = (now + TimeDelta::hours(3), wall + TimeDelta::seconds(10));
        let none = db.claim_due("two", jumped, 10, &[]).await.unwrap();
        assert!(none.is_empty(), "{kind}: a live lease was taken: {none:?}");
        assert_eq!(db.due_count(jumped, &[]).await.unwrap(), 0, "{kind}");

        // Renewed at that wall time, it outlives the first lease's end.
        assert!(db.renew(&first[0], jumped.1).await.unwrap(), "{kind}");
        let renewed = (jumped.0, wall + TimeDelta::seconds(35));
        assert!(
            db.claim_due("two", renewed, 10, &[])
                .await
                .unwrap()
                .is_empty(),
            "{kind}"
        );

        // Once the lease's wall time has passed, another worker takes the member over.
        let expired = (jumped.0, wall + TimeDelta::seconds(41));
        assert_eq!(db.due_count(expired, &[]).await.unwrap(), 1, "{kind}");
        let taken = db.claim_due("two", expired, 10, &[]).await.unwrap();
        assert_eq!(taken.len(), 1, "{kind}");
        assert!(taken[0].attempt > first[0].attempt, "{kind}: fenced");
        assert!(
            !db.renew(&first[0], expired.1).await.unwrap(),
            "{kind}: the old holder stops"
        );
        db.close().await;
        database.drop_database().await;
    }
}
