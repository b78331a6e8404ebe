//! Helpers shared by the integration tests.
#![allow(dead_code, unreachable_pub)]

use chrono::{DateTime, TimeDelta, TimeZone, Utc};
use mx_aggregation::{ConnectionStatus, MemberSnapshot};

/// A fixed `now` for tests that do not vary it.
pub fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 24, 12, 0, 0).unwrap()
}

/// `now()` plus this many minutes: when a test's observation arrives.
pub fn at(minutes: i64) -> DateTime<Utc> {
    now() + TimeDelta::minutes(minutes)
}

/// `now()` minus this many minutes.
pub fn minutes_ago(minutes: i64) -> DateTime<Utc> {
    now() - TimeDelta::minutes(minutes)
}

/// `now()` minus this many hours.
pub fn hours_ago(hours: i64) -> DateTime<Utc> {
    now() - TimeDelta::hours(hours)
}

/// A member with this status and nothing else set.
pub fn member(status: ConnectionStatus) -> MemberSnapshot {
    MemberSnapshot {
        connection_status: Some(status),
        ..MemberSnapshot::default()
    }
}

/// Reads a file under `examples/`.
pub fn example(name: &str) -> String {
    let path = format!("{}/examples/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// The number of proptest cases: `PROPTEST_CASES` when set (CI raises it), else `default`.
/// An explicit `ProptestConfig::with_cases` would otherwise ignore the variable.
pub fn proptest_cases(default: u32) -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}
