//! The committed `docs/` files are exactly what the generator writes.
//!
//! Run with `UPDATE_DOCS=1` to write them instead of comparing:
//! `UPDATE_DOCS=1 cargo test -p mx-aggregation-tooling --test docs_in_sync`, then commit `docs/`.

use std::path::PathBuf;
use std::sync::LazyLock;

use mx_aggregation_tooling::docs::{GeneratedFile, render};

/// Rendered once for the whole test binary: rendering runs the simulation. Determinism
/// across runs is what comparing with the committed files checks.
static FILES: LazyLock<Vec<GeneratedFile>> = LazyLock::new(render);

fn docs_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../docs")
}

fn updating() -> bool {
    std::env::var_os("UPDATE_DOCS").is_some_and(|v| v == "1")
}

#[test]
fn committed_docs_match_the_generator() {
    let dir = docs_dir();
    let mut stale = Vec::new();
    for file in FILES.iter() {
        let path = dir.join(file.name);
        if updating() {
            std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
            std::fs::write(&path, &file.contents)
                .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            continue;
        }
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        if committed != file.contents {
            stale.push(format!(
                "docs/{} is out of date: run `UPDATE_DOCS=1 cargo test -p mx-aggregation-tooling --test docs_in_sync` \
                 (or `cargo run --bin mx-aggregation -- docs --out docs`) and commit",
                file.name
            ));
        }
    }
    assert!(stale.is_empty(), "{}", stale.join("\n"));
}

#[test]
fn rendering_is_sorted_by_name() {
    let names: Vec<&str> = FILES.iter().map(|f| f.name).collect();
    assert_eq!(
        names,
        [
            "lifecycle.dot",
            "member_state.md",
            "sources.md",
            "transitions.md"
        ]
    );
}
