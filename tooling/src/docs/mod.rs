//! The generated status documentation, rendered from the same tables the engine reads.
//!
//! `mx-aggregation docs --out DIR` writes [`render`]'s files; the committed copies under
//! `docs/` are checked against it by the tests (`tooling/tests/docs_in_sync.rs`), so they cannot
//! drift from the code. Everything is sorted or in table order, and the simulation is
//! seeded, so the output is the same bytes on every run.

mod diagram;
mod member_state;
mod sources;
mod transitions;

/// One generated file: its name inside the output directory and its full contents.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GeneratedFile {
    /// File name relative to the output directory, e.g. `transitions.md`.
    pub name: &'static str,
    /// The file's contents; the same bytes on every run.
    pub contents: String,
}

/// Every generated file, in name order: `lifecycle.dot` (the lifecycle model for Graphviz),
/// `member_state.md` (observation merging and HTTP outcomes),
/// `sources.md` (every cited source key with its URL) and `transitions.md` (statuses, rules,
/// policy, decision matrix, lifecycle diagram, the seed's double listings and the
/// simulation's figures).
pub fn render() -> Vec<GeneratedFile> {
    vec![
        GeneratedFile {
            name: "lifecycle.dot",
            contents: diagram::dot(),
        },
        GeneratedFile {
            name: "member_state.md",
            contents: member_state::member_state_md(),
        },
        GeneratedFile {
            name: "sources.md",
            contents: sources::sources_md(),
        },
        GeneratedFile {
            name: "transitions.md",
            contents: transitions::transitions_md(),
        },
    ]
}
