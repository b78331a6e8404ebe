//! The client's source tree: no import circle, no file over the line limit, and imports
//! that go one way, from the service down to MX's vocabulary:
//!
//! ```text
//! lib.rs ─▶ driver/ ─▶ data, reads ─▶ clock ─▶ client ─▶ reply, request log ─▶ error (HTTP)
//!        ─▶ sync/ (sans-IO) ─▶ endpoint ─▶ types/, query, config (MX's vocabulary)
//! ```

use std::path::Path;

use mx_aggregation_tooling::layers::check_package;

/// The layers, lowest first; a file may import its own layer and the ones below.
const LAYERS: &[&[&str]] = &[
    // What MX's calls and bodies are: no IO, no other module of the crate.
    &["types/", "query.rs", "config.rs"],
    // Every call, named after the library's call table, with its query.
    &["endpoint.rs"],
    // The sans-IO sync core: plans reads, folds pages, on the vocabulary alone.
    &["sync/"],
    // HTTP to MX and the clocks (the emulator's clock is an HTTP call).
    &["error.rs"],
    &["reply.rs", "request_log.rs"],
    &["client.rs"],
    &["clock.rs"],
    // The member's data, read page after page, and the single reads beside the lists.
    &["data.rs", "reads.rs"],
    // The driver: does what mx_aggregation decides, with the client and a clock.
    &["driver/"],
    &["lib.rs"],
];

#[test]
fn imports_go_one_way_and_files_stay_short() {
    let report = check_package(Path::new(env!("CARGO_MANIFEST_DIR")), LAYERS)
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(report.is_clean(), "{report}");
}
