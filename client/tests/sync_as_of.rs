//! The moment a sync read MX's data at: a copy holds every moment up to the newest
//! complete sync's; a `read_data` decision for a moment it holds needs no read, one for a
//! newer moment needs no member read first when the member was last known `CONNECTED`;
//! deletions the webhooks announced leave the
//! copy without a call; a data webhook announcing only what the copy holds needs no call.

use chrono::{DateTime, TimeDelta, TimeZone, Utc};
use mx_aggregation::{ConnectionStatus, Decision, NextAction, Reason};
use mx_aggregation_client::sync::{Checkpoint, DataDue, MemberData};
use proptest::prelude::*;

fn at(minutes: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).unwrap() + TimeDelta::minutes(minutes)
}

fn synced(as_of: Option<DateTime<Utc>>) -> Checkpoint {
    Checkpoint {
        updated_through: Some(at(0)),
        as_of,
        ..Checkpoint::default()
    }
}

fn read_data(as_of: DateTime<Utc>) -> Decision {
    Decision {
        action: NextAction::ReadData { as_of },
        reason: Reason::DataWebhook,
    }
}

#[test]
fn a_copy_holds_what_its_newest_sync_read() {
    assert!(!Checkpoint::default().holds(at(0)), "never synced");
    assert!(!synced(None).holds(at(0)), "no moment noted");
    let mut checkpoint = synced(None);
    checkpoint.note_synced(at(10));
    checkpoint.note_synced(at(5));
    assert_eq!(checkpoint.as_of, Some(at(10)), "the later one stays");
    assert!(checkpoint.holds(at(10)));
    assert!(checkpoint.holds(at(9)));
    assert!(!checkpoint.holds(at(11)));
}

#[test]
fn only_newer_data_is_read_without_a_member_read() {
    let data = MemberData {
        checkpoint: synced(Some(at(10))),
        ..MemberData::default()
    };
    let connected = Some(ConnectionStatus::Connected);
    assert_eq!(
        data.unread_data(&read_data(at(11)), connected),
        Some(at(11))
    );
    assert_eq!(data.unread_data(&read_data(at(10)), connected), None);
    // A member last known in another status is read first, so what is shown follows MX.
    let created = Some(ConnectionStatus::Created);
    assert_eq!(data.unread_data(&read_data(at(11)), created), None);
    assert_eq!(data.unread_data(&read_data(at(11)), None), None);
    let wait = Decision {
        action: NextAction::Wait { until: at(60) },
        reason: Reason::BackgroundAggregation,
    };
    assert_eq!(data.unread_data(&wait, connected), None);
}

#[test]
fn a_data_webhook_for_held_data_needs_no_member_read() {
    let mut data = MemberData {
        checkpoint: synced(Some(at(10))),
        ..MemberData::default()
    };
    let connected = Some(ConnectionStatus::Connected);
    // No data webhook since the last sync: a look without news reads the member.
    assert_eq!(data.announced_held(&read_data(at(10)), connected), None);
    data.due = Some(DataDue::Everything);
    assert_eq!(
        data.announced_held(&read_data(at(10)), connected),
        Some(at(10))
    );
    assert_eq!(
        data.announced_held(&read_data(at(9)), connected),
        Some(at(9))
    );
    // Newer than the copy: that is `unread_data`'s, not this rule's.
    assert_eq!(data.announced_held(&read_data(at(11)), connected), None);
    let created = Some(ConnectionStatus::Created);
    assert_eq!(data.announced_held(&read_data(at(10)), created), None);
    let member = Decision {
        action: NextAction::ReadMember,
        reason: Reason::StatusWebhook,
    };
    assert_eq!(data.announced_held(&member, connected), None);
}

#[test]
fn announced_deletions_leave_the_copy_without_a_call() {
    let mut data = MemberData::default();
    data.store.transactions.insert(
        "TRN-1".to_owned(),
        serde_json::from_value(serde_json::json!({"guid": "TRN-1", "status": "POSTED"})).unwrap(),
    );
    data.checkpoint.note_deleted("TRN-1");
    data.checkpoint.note_deleted("TRN-2");
    data.due = Some(DataDue::Everything);
    assert_eq!(data.settle_held(), ["TRN-1"]);
    assert!(data.store.transactions.is_empty());
    assert!(data.checkpoint.deleted.is_empty());
    assert_eq!(data.due, None);
}

proptest! {
    /// The two rules never both apply, and a member read is spared only for a `CONNECTED`
    /// member whose decision is `read_data`: for newer data always, for held data only
    /// when a data webhook came since the last sync.
    #[test]
    fn a_member_read_is_spared_only_for_news(
        held in proptest::option::of(0i64..100),
        asked in 0i64..100,
        connected: bool,
        webhook: bool,
    ) {
        let data = MemberData {
            checkpoint: synced(held.map(at)),
            due: webhook.then_some(DataDue::Everything),
            ..MemberData::default()
        };
        let status = Some(if connected { ConnectionStatus::Connected } else { ConnectionStatus::Denied });
        let decision = read_data(at(asked));
        let unread = data.unread_data(&decision, status);
        let echo = data.announced_held(&decision, status);
        let newer = held.is_none_or(|held| asked > held);
        prop_assert_eq!(unread, (connected && newer).then(|| at(asked)));
        prop_assert_eq!(echo, (connected && !newer && webhook).then(|| at(asked)));
    }

    /// Whatever moments were noted, the copy holds exactly those up to the newest.
    #[test]
    fn holds_is_up_to_the_newest_noted(
        noted in proptest::collection::vec(0i64..100, 0..6),
        asked in 0i64..100,
    ) {
        let mut checkpoint = synced(None);
        for minutes in &noted {
            checkpoint.note_synced(at(*minutes));
        }
        let newest = noted.iter().max().copied();
        prop_assert_eq!(
            checkpoint.holds(at(asked)),
            newest.is_some_and(|newest| newest >= asked)
        );
    }
}
