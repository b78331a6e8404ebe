//! MX's ACCOUNT webhooks (WH-ACC): read only from an ACCOUNT body; folded into the copy
//! so that, whatever order MX's retries bring the versions in, the copy ends with the
//! newest; and a sync a data webhook announced lists no accounts when they come this
//! way, while a first sync and a look without news still list them.

use chrono::{TimeDelta, TimeZone, Utc};
use mx_aggregation_client::sync::{
    AccountAction, AccountWebhook, Checkpoint, DataDue, DataWebhook, MemberData, supersedes,
};
use proptest::prelude::*;
use serde_json::{Value, json};

fn stamp(minutes: i64) -> String {
    (Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).unwrap() + TimeDelta::minutes(minutes)).to_rfc3339()
}

fn webhook(action: &str, guid: &str, balance: f64, minutes: i64) -> Value {
    json!({
        "action": action,
        "type": "ACCOUNT",
        "account": {
            "guid": guid, "member_guid": "MBR-1", "balance": balance,
            "updated_at": stamp(minutes),
        },
    })
}

#[test]
fn only_an_account_body_reads_as_one() {
    let read = AccountWebhook::read(&webhook("updated", "ACT-1", 12.5, 0)).expect("an account");
    assert_eq!(read.action, AccountAction::Upserted);
    assert_eq!(read.guid, "ACT-1");
    assert_eq!(read.account.balance, Some(12.5));
    let deleted = AccountWebhook::read(&webhook("deleted", "ACT-1", 0.0, 0)).expect("deleted");
    assert_eq!(deleted.action, AccountAction::Deleted);
    for body in [
        json!({"action": "updated", "type": "TRANSACTION", "account": {"guid": "ACT-1"}}),
        json!({"action": "merged", "type": "ACCOUNT", "account": {"guid": "ACT-1"}}),
        json!({"action": "updated", "type": "ACCOUNT", "account": {"balance": 1.0}}),
        json!({"action": "updated", "type": "ACCOUNT"}),
        json!({"action": "member_data_updated", "type": "AGGREGATION", "member_guid": "MBR-1"}),
    ] {
        assert_eq!(AccountWebhook::read(&body), None, "{body}");
    }
}

#[test]
fn an_older_version_never_replaces_a_newer_one() {
    assert!(
        supersedes(Some(&stamp(5)), Some(&stamp(5))),
        "the same version"
    );
    assert!(supersedes(Some(&stamp(6)), Some(&stamp(5))));
    assert!(!supersedes(Some(&stamp(4)), Some(&stamp(5))));
    assert!(
        supersedes(None, Some(&stamp(5))),
        "a version that does not say"
    );
    assert!(supersedes(Some(&stamp(4)), Some("not a time")));
}

#[test]
fn account_webhooks_alone_announce_nothing_to_read() {
    let mut data = MemberData::default();
    let folded = data.fold_webhook(&webhook("created", "ACT-1", 1.0, 0));
    assert_eq!(
        folded,
        DataWebhook::Account {
            action: AccountAction::Upserted,
            guid: "ACT-1".to_owned(),
            applied: true,
        }
    );
    assert_eq!(data.due, Some(DataDue::Carried));
    assert_eq!(data.store.accounts["ACT-1"].balance, Some(1.0));
    // The aggregation's data webhook that follows announces the transactions.
    data.fold_webhook(&json!({
        "action": "member_data_updated", "type": "AGGREGATION", "member_guid": "MBR-1",
        "completed_at": 1_772_442_000, "transactions_created_count": 3,
        "transactions_updated_count": 0,
    }));
    assert_eq!(data.due, Some(DataDue::Everything));
    let deleted = data.fold_webhook(&webhook("deleted", "ACT-1", 0.0, 1));
    assert!(matches!(
        deleted,
        DataWebhook::Account { applied: true, .. }
    ));
    assert!(data.store.accounts.is_empty());
}

#[test]
fn a_sync_lists_the_accounts_unless_a_data_webhook_announced_it() {
    let synced = Checkpoint {
        updated_through: Some(Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).unwrap()),
        ..Checkpoint::default()
    };
    let data = |checkpoint: &Checkpoint, due| MemberData {
        checkpoint: checkpoint.clone(),
        due,
        ..MemberData::default()
    };
    let announced = [Some(DataDue::Everything), Some(DataDue::AccountsOnly)];
    let not_announced = [None, Some(DataDue::Carried)];
    for due in announced.into_iter().chain(not_announced) {
        assert!(
            data(&synced, due).lists_accounts(false),
            "not subscribed: {due:?}"
        );
        assert!(
            data(&Checkpoint::default(), due).lists_accounts(true),
            "a first sync: {due:?}"
        );
    }
    for due in announced {
        assert!(!data(&synced, due).lists_accounts(true), "{due:?}");
    }
    for due in not_announced {
        assert!(
            data(&synced, due).lists_accounts(true),
            "a look without news: {due:?}"
        );
    }
}

/// Versions of up to three accounts, each with its own `updated_at`, in a random order.
fn shuffled_versions() -> impl Strategy<Value = Vec<Value>> {
    prop::collection::vec((0usize..3, 0i64..50, -1000i64..1000), 1..20)
        .prop_map(|versions| {
            versions
                .iter()
                .enumerate()
                .map(|(n, (account, minutes, cents))| {
                    // Distinct stamps, so each account's newest version is one.
                    let minutes = minutes * 100 + i64::try_from(n).unwrap_or(0);
                    #[allow(clippy::cast_precision_loss)]
                    let balance = *cents as f64 / 100.0;
                    webhook("updated", &format!("ACT-{account}"), balance, minutes)
                })
                .collect::<Vec<_>>()
        })
        .prop_shuffle()
}

proptest! {
    /// Versions of each account, folded in any order (MX retries a webhook for a day),
    /// leave the copy with each account's newest version.
    #[test]
    fn any_order_of_versions_ends_with_the_newest(bodies in shuffled_versions()) {
        let mut data = MemberData::default();
        for body in &bodies {
            data.fold_webhook(body);
        }
        for account in 0..3 {
            let guid = format!("ACT-{account}");
            let newest = bodies
                .iter()
                .filter(|b| b["account"]["guid"] == guid.as_str())
                .max_by_key(|b| b["account"]["updated_at"].as_str().map(str::to_owned));
            let held = data.store.accounts.get(&guid);
            match newest {
                None => prop_assert!(held.is_none()),
                Some(body) => {
                    let held = held.expect("the account is held");
                    prop_assert_eq!(
                        held.updated_at.as_deref(),
                        body["account"]["updated_at"].as_str()
                    );
                    prop_assert_eq!(held.balance, body["account"]["balance"].as_f64());
                }
            }
        }
    }
}
