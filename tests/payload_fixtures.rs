//! Every MX payload shape under `examples/` (one file each): what it is recognised as and
//! what the engine decides on it, with the end user present and absent, a year after it was
//! sent and an hour after its latest timestamp. One insta snapshot per file.

mod common;

use chrono::{DateTime, TimeDelta, Utc};
use common::{example, now};
use mx_aggregation::{EndUser, MemberJson, MemberSnapshot, Policy, decide_with};

/// Every `.json` file under `examples/`, sorted.
fn fixtures() -> Vec<String> {
    let dir = format!("{}/examples", env!("CARGO_MANIFEST_DIR"));
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{dir}: {e}"))
        .map(|entry| entry.unwrap().file_name().into_string().unwrap())
        .filter(|name| name.ends_with(".json"))
        .collect();
    names.sort();
    names
}

/// The latest instant the snapshot carries.
fn latest(member: &MemberSnapshot) -> Option<DateTime<Utc>> {
    [
        member.aggregated_at,
        member.successfully_aggregated_at,
        member.completed_at,
    ]
    .into_iter()
    .flatten()
    .max()
}

fn describe(name: &str) -> String {
    let json = example(name);
    let parsed = MemberJson::parse(&json).unwrap_or_else(|e| panic!("{name}: {e}"));
    let mut out = format!("payload: {name}\n");
    let member = match parsed.snapshot() {
        Ok(member) => member,
        Err(error) => {
            out.push_str(&format!("error: {error}\n"));
            return out;
        }
    };
    out.push_str(&format!("kind: {}\n", member.payload));
    out.push_str(&format!("guid: {:?}\n", parsed.guid()));
    if let Some(message) = parsed.user_message() {
        out.push_str(&format!("user_message: {message}\n"));
    }
    out.push_str(&format!(
        "snapshot: {}\n",
        serde_json::to_string(&member).unwrap()
    ));
    let mut instants = vec![("2026-11-24T12:00:00Z", now())];
    if let Some(t) = latest(&member) {
        instants.push((
            "an hour after its latest timestamp",
            t + TimeDelta::hours(1),
        ));
    }
    for (label, at) in instants {
        for end_user in [EndUser::Present, EndUser::Absent] {
            let decision = decide_with(&member, at, &Policy::default(), end_user);
            out.push_str(&format!(
                "{label}, end user {end_user}: {}\n",
                serde_json::to_string(&decision).unwrap()
            ));
        }
    }
    out
}

#[test]
fn every_payload_shape_is_recognised_and_decided() {
    let names = fixtures();
    assert!(names.len() >= 20, "fixtures missing: {names:?}");
    for name in names {
        let text = describe(&name);
        insta::assert_snapshot!(name.trim_end_matches(".json"), text);
    }
}
