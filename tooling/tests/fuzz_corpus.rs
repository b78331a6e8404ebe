//! Replays the committed fuzz corpus (`fuzz/corpus/<target>/`) through the fuzz bodies, so
//! every input a fuzzer ever kept, and every crash it found, stays a regression test.

use std::path::{Path, PathBuf};
use std::process::Command;

/// The repository's root: the tooling package's parent.
fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// The corpus files of `target` that git tracks, so a local fuzzing run's untracked corpus
/// cannot change the result. Outside a git checkout (an unpacked source archive) every file
/// holds the committed naming convention, `seed-*`, and only those are read.
fn tracked_inputs(target: &str) -> Vec<PathBuf> {
    let dir = format!("fuzz/corpus/{target}");
    let listed = Command::new("git")
        .args(["ls-files", "-z", "--", &dir])
        .current_dir(root())
        .output()
        .ok()
        .filter(|out| out.status.success() && !out.stdout.is_empty());
    let mut inputs: Vec<PathBuf> = match listed {
        Some(out) => out
            .stdout
            .split(|&b| b == 0)
            .filter(|name| !name.is_empty())
            .map(|name| root().join(String::from_utf8_lossy(name).as_ref()))
            .collect(),
        None => std::fs::read_dir(root().join(&dir))
            .unwrap_or_else(|e| panic!("{dir}: {e}"))
            .map(|entry| entry.unwrap().path())
            .filter(|p| {
                p.file_name()
                    .unwrap()
                    .to_string_lossy()
                    .starts_with("seed-")
            })
            .collect(),
    };
    inputs.sort();
    inputs
}

fn replay(target: &str, body: fn(&[u8])) {
    let inputs = tracked_inputs(target);
    assert!(
        inputs.len() >= 8,
        "{target}: only {} committed corpus inputs",
        inputs.len()
    );
    for path in inputs {
        let data = std::fs::read(&path).unwrap();
        let result = std::panic::catch_unwind(|| body(&data));
        assert!(result.is_ok(), "{target}: {} fails", path.display());
    }
}

#[test]
fn member_json_corpus() {
    replay("member_json", mx_aggregation_tooling::fuzzing::member_json);
}

#[test]
fn snapshot_corpus() {
    replay("snapshot", mx_aggregation_tooling::fuzzing::snapshot_bytes);
}

#[test]
fn batch_lines_corpus() {
    replay("batch_lines", mx_aggregation_tooling::fuzzing::batch_lines);
}

#[test]
fn payload_corpus() {
    replay("payload", mx_aggregation_tooling::fuzzing::payload_bytes);
}

/// The recogniser's generator, run on many deterministic inputs: a short fuzz run inside
/// `cargo test`, so the oracles of the `payload` target hold without cargo-fuzz.
#[test]
fn payload_generator_oracles_hold() {
    let mut state = 0x9e37_79b9_7f4a_7c15u64;
    for _ in 0..4000 {
        let mut bytes = Vec::with_capacity(256);
        for _ in 0..256 {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            bytes.push(state.to_le_bytes()[0]);
        }
        mx_aggregation_tooling::fuzzing::payload_bytes(&bytes);
    }
}
