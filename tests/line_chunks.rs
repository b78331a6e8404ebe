//! `lines::Chunker`, the line reader of `batch`: whatever the input and however the reads
//! cut it, the lines, their numbers and the too-long verdicts are those of a plain split on
//! `\n`, and memory stays within the limit plus one read.

use mx_aggregation::lines::{Chunker, Line};
use proptest::prelude::*;

mod common;

/// What a chunker must produce: split on `\n`, drop one `\r` before it, no line after a
/// final `\n`, a leading byte-order mark removed, lines over `max_line` too long.
fn expected(input: &[u8], max_line: usize) -> Vec<(u64, Option<Vec<u8>>)> {
    let input = input.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(input);
    let mut parts: Vec<&[u8]> = input.split(|&b| b == b'\n').collect();
    if parts.last().is_some_and(|last| last.is_empty()) {
        parts.pop();
    }
    parts
        .into_iter()
        .enumerate()
        .map(|(i, line)| {
            let line = line.strip_suffix(b"\r").unwrap_or(line);
            let kept = (line.len() <= max_line).then(|| line.to_vec());
            (i as u64 + 1, kept)
        })
        .collect()
}

/// Feeds `input` to a chunker in reads of the given sizes (cycled), collecting every line.
fn chunked(input: &[u8], reads: &[usize], max_line: usize) -> Vec<(u64, Option<Vec<u8>>)> {
    let read_bytes = reads.iter().copied().max().unwrap_or(1);
    let mut chunker = Chunker::new(read_bytes, max_line);
    let mut lines = Vec::new();
    let mut rest = input;
    let mut sizes = reads.iter().copied().cycle();
    let mut collect = |chunker: &mut Chunker, chunk: mx_aggregation::lines::Chunk| {
        for (n, line) in chunk.lines() {
            lines.push((
                n,
                match line {
                    Line::Text(text) => Some(text.to_vec()),
                    Line::TooLong => None,
                },
            ));
        }
        chunker.recycle(chunk);
    };
    while !rest.is_empty() {
        let n = sizes.next().unwrap_or(1).min(rest.len());
        chunker.space()[..n].copy_from_slice(&rest[..n]);
        chunker.filled(n);
        rest = &rest[n..];
        while let Some(chunk) = chunker.take() {
            collect(&mut chunker, chunk);
        }
    }
    if let Some(chunk) = chunker.finish() {
        collect(&mut chunker, chunk);
    }
    lines
}

/// Bytes rich in line ends, carriage returns, byte-order-mark pieces and long runs.
fn input() -> impl Strategy<Value = Vec<u8>> {
    let piece = prop_oneof![
        Just(b"\n".to_vec()),
        Just(b"\r\n".to_vec()),
        Just(b"\r".to_vec()),
        Just(b"\xEF\xBB\xBF".to_vec()),
        Just(b"\xEF\xBB".to_vec()),
        proptest::collection::vec(any::<u8>(), 0..8),
        (1..40usize).prop_map(|n| vec![b'x'; n]),
    ];
    proptest::collection::vec(piece, 0..40).prop_map(|pieces| pieces.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(common::proptest_cases(2_000)))]

    #[test]
    fn chunked_lines_are_the_lines_of_a_plain_split(
        input in input(),
        reads in proptest::collection::vec(1..50usize, 1..5),
        max_line in 0..30usize,
    ) {
        prop_assert_eq!(chunked(&input, &reads, max_line), expected(&input, max_line));
    }
}
