//! The emulator's architecture as a test: no import circle, no file over the line limit,
//! and every import goes down the layer order model < wire < tenant < http < delivery <
//! handle (then the `server` alias and the crate roots).
//!
//! The model names no axum, tokio or reqwest: it is the deterministic MX.
//!
//! What counts as an import is `mx_aggregation_tooling::layers`' rule: a path
//! `crate::a::b::…`, `super::…` or `self::…` imports the file defining the deepest module
//! on it, and a name re-exported by a `mod.rs` or `lib.rs` counts as an import of the file
//! defining it.

use std::path::Path;

use mx_aggregation_tooling::layers::check_package;

/// The layers, lowest first.
const LAYERS: &[&[&str]] = &[
    &["model/"],
    &["wire/"],
    &["tenant/"],
    &["http/"],
    &["delivery/"],
    &["handle.rs"],
    &["server.rs"],
    &["lib.rs", "main.rs"],
];

#[test]
fn imports_go_one_way_down_the_layers() {
    let report = check_package(Path::new(env!("CARGO_MANIFEST_DIR")), LAYERS)
        .unwrap_or_else(|error| panic!("{error}"));
    assert!(report.is_clean(), "{report}");
}

/// The model's files, and their text.
fn model_files(dir: &Path, found: &mut Vec<(String, String)>) {
    let entries = std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    for entry in entries {
        let path = entry.unwrap_or_else(|e| panic!("{e}")).path();
        if path.is_dir() {
            model_files(&path, found);
        } else if path.extension().is_some_and(|ext| ext == "rs") {
            let text = std::fs::read_to_string(&path)
                .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            found.push((path.display().to_string(), text));
        }
    }
}

#[test]
fn the_model_names_no_http_or_async_crate() {
    let mut files = Vec::new();
    model_files(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("src/model"),
        &mut files,
    );
    assert!(files.len() > 5, "{} model files", files.len());
    let io_crates = ["axum", "tokio", "reqwest", "hyper", "tower"];
    let offending: Vec<_> = files
        .iter()
        .flat_map(|(file, text)| {
            text.lines().enumerate().filter_map(move |(n, line)| {
                let code = line.split("//").next().unwrap_or("");
                io_crates
                    .iter()
                    .any(|name| code.contains(&format!("{name}::")))
                    .then(|| format!("{file}:{}: {line}", n + 1))
            })
        })
        .collect();
    assert!(offending.is_empty(), "{offending:#?}");
}
