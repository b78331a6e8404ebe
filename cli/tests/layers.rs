//! The command-line tool's source tree: no import circle, no file over the line limit, and
//! imports that go one way, from `main.rs` down to the command line and the exit statuses:
//!
//! ```text
//! main.rs ─▶ decide, batch/, replay, docs (one per command)
//!         ─▶ input, progress, summary (what the commands share)
//!         ─▶ args (the command line), error (how a command ends)
//! ```

use std::path::Path;

use mx_aggregation_tooling::layers::check_package;

/// The layers, lowest first. A file may import the layers below it and files under its own
/// prefix; the prefixes of one layer do not import each other.
const LAYERS: &[&[&str]] = &[
    // What the commands are given and how they end.
    &["args.rs", "error.rs"],
    // Reading the input, the progress line and the summary a command writes.
    &["input.rs", "progress.rs", "summary.rs"],
    // The commands, side by side.
    &["decide.rs", "batch/", "replay.rs", "docs.rs"],
    // Parsing the command line and dispatching to a command.
    &["main.rs"],
];

#[test]
fn imports_go_one_way_and_files_stay_short() {
    let report = check_package(Path::new(env!("CARGO_MANIFEST_DIR")), LAYERS)
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(report.is_clean(), "{report}");
}
