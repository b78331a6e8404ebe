//! The library's folders are its layers and imports go one way: no import circle, no
//! import up the order below or between `decide/` and `http/`, and no hand-written file
//! over the line limit (the tooling's `layers` checker).

use std::path::Path;

use mx_aggregation_tooling::layers;

/// The layers, lowest first: each file may import its own folder and the layers below it.
const LAYERS: &[&[&str]] = &[
    &["time/"],
    &["model/"],
    &["read/"],
    &["decide/", "http/"],
    &["state/"],
    &["batch.rs", "lines.rs"],
    &["lib.rs"],
];

#[test]
fn imports_go_one_way_through_the_layers() {
    let report = layers::check_package(Path::new(env!("CARGO_MANIFEST_DIR")), LAYERS)
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(report.is_clean(), "{report}");
}
