//! What the criterion benches share: the example payloads as lines, criterion's set-up,
//! and reading its estimates back for the tables they print.
// Each bench uses its part.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::time::Duration;

use criterion::Criterion;

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
