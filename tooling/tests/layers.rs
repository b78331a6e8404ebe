//! The tooling's source tree: no import circle, no file over the line limit, and imports
//! that go one way, from the generated documentation down to the models:
//!
//! ```text
//! lib.rs ─▶ docs/ ─▶ simulation/, fuzzing/ ─▶ job_rules ─▶ lifecycle, matrix, time
//!                                                           layers/ (on its own)
//! ```

use std::path::Path;

use mx_aggregation_tooling::layers::check_package;

/// The layers, lowest first. A file may import the layers below it and files under its own
/// prefix; the prefixes of one layer do not import each other.
const LAYERS: &[&[&str]] = &[
    // The models, each on the library alone: MX's lifecycle, the decision matrix, time
    // arithmetic, and the import-graph checker.
    &["lifecycle.rs", "matrix.rs", "time.rs", "layers/"],
    // MX's job rules, on the lifecycle.
    &["job_rules.rs"],
    // What runs the engine: the simulation and the fuzz bodies with their oracle.
    &["simulation/", "fuzzing/"],
    // The generated documentation, from all of the above.
    &["docs/"],
    &["lib.rs"],
];

#[test]
fn imports_go_one_way_and_files_stay_short() {
    let report = check_package(Path::new(env!("CARGO_MANIFEST_DIR")), LAYERS)
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(report.is_clean(), "{report}");
}
