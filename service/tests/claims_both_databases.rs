//! The scheduler's claims, on SQLite and on PostgreSQL alike: a claim skips the members
//! this process still drives (claiming one again would fence the drive about to write and
//! drive the member twice), and leases run on wall time, so the service's clock jumping
//! (the emulator's, moved by hours) frees none. A write-back under a claim taken over
//! since writes nothing, and one under the live claim writes all of it.

mod support;

use chrono::{TimeDelta, TimeZone, Utc};
use mx_aggregation::MemberState;
use mx_aggregation_client::sync::Checkpoint;
use mx_aggregation_service::core::data_changes::{DataChanges, RowChanges};
use mx_aggregation_service::store::{Claimed, Db, DriveWrite, List, Written};
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

/// A write-back of `claimed` that stores `data` and folds no webhook, with the decision
/// `action`.
fn write_back<'a>(
    claimed: &'a Claimed,
    (state, checkpoint, data): (&'a MemberState, &'a Checkpoint, &'a DataChanges),
    action: &'a str,
    now: chrono::DateTime<Utc>,
) -> DriveWrite<'a> {
    DriveWrite {
        claimed,
        state,
        connection_status: Some("CONNECTED"),
        action: Some(action),
        reason: Some("a_reason"),
        requires_end_user: Some(false),
        challenges: None,
        oauth_window_uri: None,
        user_message: None,
        synced_through: Some(now.to_rfc3339()),
        checkpoint,
        data_due: None,
        data: Some(data),
        folded: &[],
        run_at: Some(now + TimeDelta::hours(24)),
        now,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_write_back_under_a_claim_taken_over_writes_nothing() {
    let scratch = Scratch::new("claims-fenced-write");
    for database in Database::all(&scratch.path, "claims_both_databases_fence").await {
        let kind = database.kind();
        let db = Db::open(database.url()).await.expect("the database opens");
        let now = Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).unwrap();
        db.insert_user("USR-1", Some("u-1"), now).await.unwrap();
        // With accounts listed (the write-back reads the rows held before it stores
        // them) and without.
        for (written, (member, with_accounts)) in
            [("MBR-accounts", true), ("MBR-no-accounts", false)]
                .into_iter()
                .enumerate()
        {
            let kind = format!("{kind}, {member}");
            db.insert_member(member, "USR-1", None, now).await.unwrap();
            let old = db.claim_due("one", (now, now), 10, &[]).await.unwrap();
            assert_eq!(old.len(), 1, "{kind}");
            let taken = db
                .take_over(member, "two", now)
                .await
                .unwrap()
                .expect("the member is known");
            let state = MemberState::default();
            let checkpoint = Checkpoint::default();
            let data = DataChanges {
                accounts: RowChanges {
                    upsert: if with_accounts {
                        vec![("ACT-1".to_owned(), r#"{"guid":"ACT-1"}"#.to_owned())]
                    } else {
                        Vec::new()
                    },
                    delete: Vec::new(),
                },
                transactions: RowChanges {
                    upsert: vec![
                        ("TRN-1".to_owned(), r#"{"guid":"TRN-1"}"#.to_owned()),
                        ("TRN-2".to_owned(), r#"{"guid":"TRN-2"}"#.to_owned()),
                    ],
                    delete: Vec::new(),
                },
            };
            let parts = (&state, &checkpoint, &data);

            let stale = write_back(&old[0], parts, "stale_action", now);
            assert_eq!(
                db.write_drive(&stale).await.unwrap(),
                Written::Fenced,
                "{kind}"
            );
            let view = db.member_view(member).await.unwrap().expect("the member");
            assert_eq!(
                view.action, None,
                "{kind}: the fenced drive's decision was kept"
            );
            for list in [List::Accounts, List::Transactions] {
                let page = db.page(member, list, 1, 10).await.unwrap();
                assert_eq!(
                    page.total_entries, 0,
                    "{kind}: the fenced drive's {list:?} were kept"
                );
            }
            assert_eq!(
                db.due_count((now, now), &[]).await.unwrap(),
                0,
                "{kind}: still leased"
            );

            let live = write_back(&taken.claimed, parts, "live_action", now);
            assert_eq!(
                db.write_drive(&live).await.unwrap(),
                Written::Stored,
                "{kind}"
            );
            let view = db.member_view(member).await.unwrap().expect("the member");
            assert_eq!(view.action.as_deref(), Some("live_action"), "{kind}");
            let stored = |list| db.page(member, list, 1, 10);
            assert_eq!(
                stored(List::Accounts).await.unwrap().total_entries,
                i64::from(with_accounts),
                "{kind}"
            );
            assert_eq!(
                stored(List::Transactions).await.unwrap().total_entries,
                2,
                "{kind}"
            );
            // The lease is released and the next wake-up is the write-back's: not due
            // now, due a day later (with the members written back before).
            let day = now + TimeDelta::hours(24);
            assert_eq!(db.due_count((now, now), &[]).await.unwrap(), 0, "{kind}");
            let due = i64::try_from(written + 1).unwrap();
            assert_eq!(db.due_count((day, now), &[]).await.unwrap(), due, "{kind}");
        }
        db.close().await;
        database.drop_database().await;
    }
}
