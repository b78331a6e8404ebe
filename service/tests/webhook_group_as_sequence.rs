//! A group of webhooks stored in one transaction leaves the database as the same webhooks
//! stored one after another, and answers each the same: bodies new, repeated within MX's
//! 24-hour retry horizon or received again after it; members adopted for a known user
//! (and a later ACCOUNT webhook of such a member applied); wake-ups pulled forward;
//! ACCOUNT webhooks upserted unless the row held is newer, or deleted, a second one for
//! the same account compared with the first. Random groups over a few members, users,
//! bodies and accounts, on SQLite (the engine whose writer takes groups).

mod support;

use chrono::{DateTime, Duration, TimeZone, Utc};
use mx_aggregation_client::sync::AccountWebhook;
use mx_aggregation_service::store::{Db, Incoming, Stored};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use serde_json::json;
use sqlx::Row;
use support::Scratch;

/// The bodies the groups draw from: (member, user). Members 0 and 1 are known, 2 and 3
/// not; users 0 and 1 are known, 9 not.
const BODIES: [(Option<u8>, Option<u8>); 8] = [
    (Some(0), Some(0)),
    (Some(1), Some(1)),
    (Some(2), Some(9)),
    (Some(2), Some(0)),
    (Some(3), Some(9)),
    (Some(2), Some(1)),
    (None, Some(0)),
    (None, None),
];

/// One item of a group, before it is built.
#[derive(Debug, Clone)]
enum Item {
    /// Body `body`, arriving `minutes` after the start.
    Webhook { body: usize, minutes: i64 },
    /// An ACCOUNT webhook for member `member`'s account `account`: deleted, or carrying
    /// `updated` (hours after the start; none when `None`).
    Account {
        member: u8,
        account: u8,
        deleted: bool,
        updated: Option<i64>,
    },
}

fn start() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 2, 0, 0, 0)
        .single()
        .unwrap_or_default()
}

fn item() -> impl Strategy<Value = Item> {
    prop_oneof![
        // Minutes up to two days: repeats inside and outside the horizon.
        (0..BODIES.len(), 0i64..3_000).prop_map(|(body, minutes)| Item::Webhook { body, minutes }),
        (0u8..4, 0u8..2, any::<bool>(), proptest::option::of(0i64..4)).prop_map(
            |(member, account, deleted, updated)| Item::Account {
                member,
                account,
                deleted,
                updated,
            }
        ),
    ]
}

fn build(item: &Item) -> Incoming {
    match item {
        Item::Webhook { body, minutes } => {
            let (member, user) = BODIES[*body];
            Incoming::Webhook {
                digest: format!("digest-{body}"),
                member_guid: member.map(|m| format!("MBR-{m}")),
                user_guid: user.map(|u| format!("USR-{u}")),
                body: format!("{{\"n\":{body}}}"),
                now: start() + Duration::minutes(*minutes),
                // Both kinds of repeat: one that changes nothing, one that wakes its
                // member (a connection-status body).
                repeat_wakes: *body % 2 == 0,
            }
        }
        Item::Account {
            member,
            account,
            deleted,
            updated,
        } => {
            let mut fields = json!({
                "guid": format!("ACT-{member}-{account}"),
                "member_guid": format!("MBR-{member}"),
                "balance": f64::from(*account) + 10.0,
            });
            if let Some(hours) = updated {
                fields["updated_at"] = json!((start() + Duration::hours(*hours)).to_rfc3339());
                fields["balance"] = json!(*hours);
            }
            let body = json!({
                "type": "ACCOUNT",
                "action": if *deleted { "deleted" } else { "updated" },
                "account": fields,
            });
            let Some(account) = AccountWebhook::read(&body) else {
                panic!("an ACCOUNT webhook that does not read: {body}");
            };
            Incoming::Account {
                member_guid: format!("MBR-{member}"),
                account: Box::new(account),
            }
        }
    }
}

/// Every row the webhooks can touch, as text, in one order.
async fn tables(db: &Db, url: &str) -> Vec<String> {
    let _ = db;
    let pool = sqlx::SqlitePool::connect(url).await.expect("a reader");
    let mut rows = Vec::new();
    for sql in [
        "SELECT 'webhook', digest, COALESCE(member_guid, ''), COALESCE(user_guid, ''), body, \
         CAST(received_at AS TEXT), CAST(repeats AS TEXT), CAST(folded AS TEXT) FROM webhooks ORDER BY digest",
        "SELECT 'member', guid, user_guid, '', '', '', '', '' FROM members ORDER BY guid",
        "SELECT 'wakeup', member_guid, COALESCE(CAST(run_at AS TEXT), 'null'), '', '', '', '', '' \
         FROM wakeups ORDER BY member_guid",
        "SELECT 'account', member_guid, guid, body, '', '', '', '' FROM accounts ORDER BY member_guid, guid",
    ] {
        for row in sqlx::query(sql).fetch_all(&pool).await.expect(sql) {
            rows.push(
                (0..8)
                    .map(|i| row.get::<String, _>(i))
                    .collect::<Vec<_>>()
                    .join("|"),
            );
        }
    }
    pool.close().await;
    rows
}

/// A fresh database with users 0 and 1, members 0 (user 0) and 1 (user 1) due in a day,
/// body 1 received at the start and member 0's account 0 held as of hour 2.
async fn seeded(url: &str) -> Db {
    let db = Db::open(url).await.expect("a database");
    for user in ["USR-0", "USR-1"] {
        db.insert_user(user, None, start()).await.expect("a user");
    }
    for (member, user) in [("MBR-0", "USR-0"), ("MBR-1", "USR-1")] {
        db.insert_member(member, user, None, start() + Duration::days(1))
            .await
            .expect("a member");
    }
    let seed = [
        Item::Webhook {
            body: 1,
            minutes: 0,
        },
        Item::Account {
            member: 0,
            account: 0,
            deleted: false,
            updated: Some(2),
        },
    ];
    for item in &seed {
        db.receive_group(&[build(item)]).await.expect("a seed");
    }
    db
}

#[test]
fn a_group_stores_as_its_webhooks_one_after_another() {
    let scratch = Scratch::new("webhook-group-as-sequence");
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    let mut runner = TestRunner::new(Config::with_cases(96));
    let case = std::sync::atomic::AtomicU32::new(0);
    let outcome = runner.run(&proptest::collection::vec(item(), 1..24), |items| {
        let case = case.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        runtime.block_on(async {
            let url = |name: &str| {
                format!(
                    "sqlite://{}",
                    scratch.path.join(format!("{name}-{case}.db")).display()
                )
            };
            let (together_url, apart_url) = (url("together"), url("apart"));
            let together = seeded(&together_url).await;
            let apart = seeded(&apart_url).await;
            let built: Vec<Incoming> = items.iter().map(build).collect();
            let grouped: Vec<Stored> = together.receive_group(&built).await.expect("a group");
            let mut one_by_one = Vec::new();
            for incoming in &built {
                let stored = apart
                    .receive_group(std::slice::from_ref(incoming))
                    .await
                    .expect("one webhook");
                one_by_one.extend(stored);
            }
            prop_assert_eq!(&grouped, &one_by_one);
            prop_assert_eq!(
                tables(&together, &together_url).await,
                tables(&apart, &apart_url).await
            );
            together.close().await;
            apart.close().await;
            Ok(())
        })
    });
    if let Err(failure) = outcome {
        panic!("{failure}");
    }
}
