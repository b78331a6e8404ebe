//! What the benches share: the decide benches' payloads, the example payloads as lines, criterion's set-up,
//! and reading its estimates back for the tables they print.
// Each bench uses its part.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::time::Duration;

use criterion::Criterion;
use mx_aggregation::EndUser;

/// An example payload under `examples/` as one compact JSON line.
pub fn line(name: &str) -> String {
    let path = format!("{}/examples/{name}.json", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let value: serde_json::Value = serde_json::from_str(&text).expect("example is JSON");
    serde_json::to_string(&value).expect("JSON writes")
}

fn output_directory() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("target/criterion")
}

/// Criterion, saving its estimates where [`estimate_ns`] reads them, with the command
/// line's options (`-- --measurement-time 2`) over these defaults.
pub fn criterion() -> Criterion {
    Criterion::default()
        .output_directory(&output_directory())
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
        .configure_from_args()
}

/// Criterion's estimate for one benchmark, in ns per iteration: the slope of its linear
/// fit when it made one, else the mean.
pub fn estimate_ns(group: &str, function: &str) -> Option<f64> {
    let path = output_directory()
        .join(group)
        .join(function)
        .join("new/estimates.json");
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).ok()?).ok()?;
    let of = |key: &str| json.get(key)?.get("point_estimate")?.as_f64();
    of("slope").or_else(|| of("mean"))
}

/// A label, the example, a `now` at which its decision takes the engine's longer paths
/// (cooldown arithmetic, freshness, the background estimate) and who is there.
pub const DECIDE_PAYLOADS: [(&str, &str, &str, EndUser); 9] = [
    ("member", "member", "2016-10-13T19:00:00Z", EndUser::Present),
    (
        "member_absent",
        "member",
        "2016-10-15T12:00:00Z",
        EndUser::Absent,
    ),
    (
        "member_status_challenged",
        "member_status_challenged",
        "2020-09-21T19:50:00Z",
        EndUser::Present,
    ),
    (
        "member_status_connected",
        "member_status_connected",
        "2026-11-24T12:00:00Z",
        EndUser::Present,
    ),
    (
        "member_webhook",
        "member_webhook",
        "2018-07-18T20:00:00Z",
        EndUser::Present,
    ),
    (
        "connection_status_webhook",
        "connection_status_webhook",
        "2026-11-24T12:00:00Z",
        EndUser::Present,
    ),
    (
        "aggregation_webhook",
        "aggregation_webhook",
        "2026-11-24T12:00:00Z",
        EndUser::Present,
    ),
    (
        "member_error_object",
        "member_error_object",
        "2025-02-13T19:00:00Z",
        EndUser::Present,
    ),
    (
        "member_error_string",
        "member_error_string",
        "2026-11-24T12:00:00Z",
        EndUser::Present,
    ),
];
