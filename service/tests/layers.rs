//! The service's source tree: no import circle, no file over the line limit, and imports
//! that go one way, from the command line down to the pure rules:
//!
//! ```text
//! main.rs, lib.rs ─▶ app ─▶ config ─▶ api/ ─▶ scheduler, recovery ─▶ drive ─▶ clock
//!                 ─▶ store/ (SQLite, PostgreSQL) ─▶ core/ (sans-IO rules)
//! ```

use std::path::Path;

use mx_aggregation_tooling::layers::check_package;

/// The layers, lowest first; a file may import its own layer and the ones below.
const LAYERS: &[&[&str]] = &[
    // The pure rules: claims, wake-ups, the webhook digest, a drive's verdict.
    &["core/"],
    // The database, the service's only state.
    &["store/"],
    // The clock, then one fenced drive of one member.
    &["clock.rs"],
    &["drive.rs"],
    // What runs drives: the scheduler, the recovery of calls in doubt.
    &["scheduler.rs", "recovery.rs"],
    // The HTTP API.
    &["api/"],
    // The command line, start and shutdown.
    &["config.rs"],
    &["app.rs"],
    &["lib.rs", "main.rs"],
];

#[test]
fn imports_go_one_way_and_files_stay_short() {
    let report = check_package(Path::new(env!("CARGO_MANIFEST_DIR")), LAYERS)
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(report.is_clean(), "{report}");
}
