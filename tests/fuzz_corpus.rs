//! Replays the committed fuzz corpus (`fuzz/corpus/<target>/`) through the fuzz bodies, so
//! every input a fuzzer ever kept, and every crash it found, stays a regression test.

use std::path::Path;

fn replay(target: &str, body: fn(&[u8])) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fuzz/corpus")
        .join(target);
    let mut inputs: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.unwrap().path())
        .collect();
    inputs.sort();
    let seeds = inputs
        .iter()
        .filter(|p| {
            p.file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with("seed-")
        })
        .count();
    assert!(
        seeds >= 8,
        "{target}: only {seeds} committed seeds in {}",
        dir.display()
    );
    for path in inputs {
        let data = std::fs::read(&path).unwrap();
        let result = std::panic::catch_unwind(|| body(&data));
        assert!(result.is_ok(), "{target}: {} fails", path.display());
    }
}

#[test]
fn member_json_corpus() {
    replay("member_json", mx_aggregation::fuzzing::member_json);
}

#[test]
fn snapshot_corpus() {
    replay("snapshot", mx_aggregation::fuzzing::snapshot_bytes);
}

#[test]
fn batch_lines_corpus() {
    replay("batch_lines", mx_aggregation::fuzzing::batch_lines);
}
