//! The fleet package's source tree: no import circle, no file over the line limit, and
//! imports that go one way, from the harness down to the sans-IO metrics core:
//!
//! ```text
//! main.rs, lib.rs ─▶ harness/ ─▶ service_side ─▶ naive ─▶ concurrent, mx ─▶ schedule ─▶ persona ─▶ metrics/
//! ```

use std::path::Path;

use mx_aggregation_tooling::layers::check_package;

/// The layers, lowest first; a file may import its own layer and the ones below.
const LAYERS: &[&[&str]] = &[
    // The sans-IO metrics core: journal entries and observations in, figures out.
    &["metrics/"],
    // The end users, then when they act (pure).
    &["persona.rs"],
    &["schedule.rs"],
    // A step per member; plain HTTP to the emulator.
    &["concurrent.rs", "mx.rs"],
    // The baseline integrator.
    &["naive.rs"],
    // The app in front of the service.
    &["service_side.rs"],
    // Processes, the relay, the step loop.
    &["harness/"],
    &["main.rs", "lib.rs"],
];

#[test]
fn imports_go_one_way_and_files_stay_short() {
    let report = check_package(Path::new(env!("CARGO_MANIFEST_DIR")), LAYERS)
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(report.is_clean(), "{report}");
}
