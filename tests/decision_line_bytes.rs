//! `batch::write_decision` writes its bytes by hand, for speed; they are the bytes serde_json
//! writes for the same decision through `Decision::serialize_entries`, for every action,
//! reason, number, instant and GUID.

mod common;

use chrono::{DateTime, Utc};
use mx_aggregation::batch::write_decision;
use mx_aggregation::{
    ActionKind, Decision, MAX_UNIX_SECONDS, MIN_UNIX_SECONDS, NextAction, Reason,
};
use proptest::prelude::*;
use serde::ser::{SerializeMap, Serializer};

/// The reference: the decision through serde_json, `"guid"` first, then `\n`.
fn serde_line(guid: Option<&str>, decision: &Decision) -> Vec<u8> {
    struct Line<'a>(Option<&'a str>, &'a Decision);
    impl serde::Serialize for Line<'_> {
        fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            let mut map = serializer.serialize_map(None)?;
            if let Some(guid) = self.0 {
                map.serialize_entry("guid", guid)?;
            }
            self.1.serialize_entries(&mut map)?;
            map.end()
        }
    }
    let mut line = serde_json::to_vec(&Line(guid, decision)).unwrap();
    line.push(b'\n');
    line
}

fn action(kind: ActionKind, secs: u64, t: DateTime<Utc>) -> NextAction {
    match kind {
        ActionKind::Poll => NextAction::Poll { after_secs: secs },
        ActionKind::AnswerMfa => NextAction::AnswerMfa,
        ActionKind::UpdateCredentials => NextAction::UpdateCredentials,
        ActionKind::ResolveAtInstitution => NextAction::ResolveAtInstitution,
        ActionKind::Aggregate => NextAction::Aggregate,
        ActionKind::AuthorizeOauth => NextAction::AuthorizeOauth,
        ActionKind::ReadMember => NextAction::ReadMember,
        ActionKind::Wait => NextAction::Wait { until: t },
        ActionKind::ReadData => NextAction::ReadData { as_of: t },
        ActionKind::Stop => NextAction::Stop,
    }
}

fn guid() -> impl Strategy<Value = Option<String>> {
    proptest::option::of(prop_oneof![
        Just("MBR-7c6f361b-e582-15b6-60c0-358f12466b4b".to_owned()),
        // Everything serde_json escapes, and what it leaves alone (DEL, C1, U+2028).
        Just("\"\\/\u{0}\u{8}\u{9}\u{a}\u{c}\u{d}\u{1b}\u{1f}\u{7f}\u{85}\u{2028}é😀".to_owned()),
        any::<String>(),
        "[ -~]{0,40}",
    ])
}

fn instant() -> impl Strategy<Value = DateTime<Utc>> {
    (
        MIN_UNIX_SECONDS..=MAX_UNIX_SECONDS,
        prop_oneof![Just(0u32), 0..1_000_000_000u32, Just(1_999_999_999u32)],
    )
        // A leap second's nanoseconds (1_000_000_000 and over) need second 59 of a minute.
        .prop_map(|(s, n)| {
            DateTime::from_timestamp(s, n)
                .or_else(|| DateTime::from_timestamp(s - s.rem_euclid(60) + 59, n))
                .unwrap()
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(common::proptest_cases(2048)))]

    #[test]
    fn hand_written_bytes_are_serde_jsons(
        kind in proptest::sample::select(ActionKind::ALL.to_vec()),
        reason in proptest::sample::select(Reason::ALL.to_vec()),
        secs in prop_oneof![0..100u64, any::<u64>(), Just(u64::MAX)],
        t in instant(),
        guid in guid(),
    ) {
        let decision = Decision { action: action(kind, secs, t), reason };
        let mut out = b"earlier line\n".to_vec();
        write_decision(&mut out, guid.as_deref(), &decision);
        let expected = [b"earlier line\n".as_slice(), &serde_line(guid.as_deref(), &decision)].concat();
        prop_assert_eq!(String::from_utf8(out).unwrap(), String::from_utf8(expected).unwrap());
    }
}

/// Every action with every reason, once, so no name is left to chance.
#[test]
fn every_action_and_reason_is_written_as_serde_json_writes_it() {
    let t = common::now();
    for kind in ActionKind::ALL {
        for reason in Reason::ALL {
            let decision = Decision {
                action: action(kind, 30, t),
                reason,
            };
            for guid in [None, Some("MBR-1")] {
                let mut out = Vec::new();
                write_decision(&mut out, guid, &decision);
                assert_eq!(out, serde_line(guid, &decision), "{kind} {reason}");
            }
        }
    }
}
