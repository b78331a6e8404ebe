//! The same instant in any form MX sends gives the same snapshot and the same decision:
//! RFC 3339 with `Z`, with milliseconds, with a numeric offset, and webhook Unix seconds.

mod common;

use chrono::{DateTime, FixedOffset, TimeDelta, Utc};
use mx_aggregation::{ConnectionStatus, MemberSnapshot, Policy, decide};
use mx_aggregation_tooling::matrix::{reference_now, statuses_and_null};
use proptest::prelude::*;

/// The four forms of one whole-second instant, as JSON values.
fn forms(t: DateTime<Utc>, offset_minutes: i32) -> [String; 4] {
    let offset = FixedOffset::east_opt(offset_minutes * 60).unwrap();
    [
        format!("\"{}\"", t.format("%Y-%m-%dT%H:%M:%SZ")),
        format!("\"{}\"", t.format("%Y-%m-%dT%H:%M:%S%.3fZ")),
        format!(
            "\"{}\"",
            t.with_timezone(&offset).format("%Y-%m-%dT%H:%M:%S%:z")
        ),
        t.timestamp().to_string(),
    ]
}

fn json(status: Option<ConnectionStatus>, aggregating: bool, agg: &str, success: &str) -> String {
    let status = status.map_or("null".to_owned(), |s| format!("\"{s}\""));
    format!(
        r#"{{"connection_status": {status}, "is_being_aggregated": {aggregating}, "aggregated_at": {agg}, "successfully_aggregated_at": {success}}}"#
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(common::proptest_cases(1024)))]

    #[test]
    fn every_form_of_an_instant_decides_alike(
        status in proptest::sample::select(statuses_and_null().collect::<Vec<_>>()),
        aggregating in any::<bool>(),
        agg_offset in -3 * 24 * 3600i64..3600,
        success_offset in -3 * 24 * 3600i64..3600,
        tz_minutes in -14 * 60..=14 * 60i32,
        pick in (0usize..4, 0usize..4),
    ) {
        let now = reference_now();
        let agg = now + TimeDelta::seconds(agg_offset);
        let success = now + TimeDelta::seconds(success_offset);
        let reference = MemberSnapshot::from_json(&json(status, aggregating, &forms(agg, 0)[0], &forms(success, 0)[0])).unwrap();
        prop_assert_eq!(reference.aggregated_at, Some(agg));
        prop_assert_eq!(reference.successfully_aggregated_at, Some(success));
        let other = MemberSnapshot::from_json(&json(
            status, aggregating, &forms(agg, tz_minutes)[pick.0], &forms(success, tz_minutes)[pick.1],
        )).unwrap();
        prop_assert_eq!(other, reference);
        prop_assert_eq!(decide(&other, now, &Policy::default()), decide(&reference, now, &Policy::default()));
    }
}

#[test]
fn the_documented_examples_agree() {
    let z = MemberSnapshot::from_json(
        r#"{"connection_status": "FAILED", "aggregated_at": "2015-04-13T18:01:23Z"}"#,
    )
    .unwrap();
    for form in [
        r#""2015-04-13T12:01:23-06:00""#,
        r#""2015-04-13T18:01:23.000Z""#,
        r#""2015-04-13T18:01:23+00:00""#,
        "1428948083",
    ] {
        let other = MemberSnapshot::from_json(&format!(
            r#"{{"connection_status": "FAILED", "aggregated_at": {form}}}"#
        ))
        .unwrap();
        assert_eq!(other, z, "{form}");
    }
}
