//! Target `batch_lines`: arbitrary bytes as JSON Lines, through what `mx-aggregation batch`
//! runs.

use mx_aggregation::batch::{LineOutcome, overlong_line, triage_line};
use mx_aggregation::lines::{Chunk, Chunker, Line};
use mx_aggregation::{Decision, EndUser, MemberJson, Policy};

use super::invariants::{assert_invariants, assert_timestamps_writable};
use crate::matrix::reference_now;

/// The line limit of the `batch_lines` target: small, so fuzz inputs reach it.
const FUZZ_MAX_LINE: usize = 256;

/// Target `batch_lines`: arbitrary bytes as JSON Lines, through exactly what
/// `mx-aggregation batch` runs: cut into chunks of whole lines by
/// [`Chunker`], then [`triage_line`] on each line with
/// its number, or [`overlong_line`] for a line over the limit. The first byte picks the
/// size of the reads (1 to 64 bytes), so line ends fall anywhere in a read; the limit is
/// 256 bytes instead of 16 MiB, so inputs reach it.
///
/// Oracles: lines are numbered 1, 2, 3, … with none skipped; a blank line writes nothing;
/// any other line writes exactly one line of JSON ending in `\n`: either a decision that
/// reads back as the [`Decision`] returned, writes its timestamps as RFC 3339 (years
/// 0000–9999) and obeys [`check_invariants`] for the member on that line, or
/// `{"line": N, "error": …}` with this line's number. Odd lines are decided with the end
/// user present, even lines with the end user absent.
///
/// [`check_invariants`]: super::check_invariants
pub fn batch_lines(data: &[u8]) {
    let Some((&first, data)) = data.split_first() else {
        return;
    };
    let read = usize::from(first % 64) + 1;
    let mut chunker = Chunker::new(read, FUZZ_MAX_LINE);
    let mut next_line = 1;
    let mut check = |chunk: &Chunk| {
        for (line_no, line) in chunk.lines() {
            assert_eq!(line_no, next_line, "line numbers run 1, 2, 3, …");
            next_line += 1;
            batch_line(line_no, line);
        }
    };
    for piece in data.chunks(read) {
        chunker.space()[..piece.len()].copy_from_slice(piece);
        chunker.filled(piece.len());
        while let Some(chunk) = chunker.take() {
            check(&chunk);
            chunker.recycle(chunk);
        }
    }
    if let Some(chunk) = chunker.finish() {
        check(&chunk);
    }
}

/// One line of the `batch_lines` target, with its oracles.
fn batch_line(line_no: u64, line: Line<'_>) {
    let (now, policy) = (reference_now(), Policy::default());
    let mut out = Vec::new();
    let end_user = if line_no % 2 == 1 {
        EndUser::Present
    } else {
        EndUser::Absent
    };
    let (line, outcome) = match line {
        Line::Text(text) => (
            text,
            triage_line(text, line_no, now, &policy, end_user, &mut out),
        ),
        Line::TooLong => (&[][..], overlong_line(line_no, FUZZ_MAX_LINE, &mut out)),
    };
    if let LineOutcome::Blank = outcome {
        assert!(out.is_empty(), "a blank line wrote {out:?}");
        assert!(
            line.trim_ascii().is_empty(),
            "line {line_no} called blank: {line:?}"
        );
        return;
    }
    assert_eq!(
        out.iter().filter(|&&b| b == b'\n').count(),
        1,
        "not one line: {out:?}"
    );
    assert_eq!(out.last(), Some(&b'\n'));
    let written: serde_json::Map<String, serde_json::Value> = serde_json::from_slice(&out)
        .unwrap_or_else(|e| panic!("output is not a JSON object ({e}): {out:?}"));
    match outcome {
        LineOutcome::Decided(decision) => {
            let back: Decision = serde_json::from_slice(&out)
                .unwrap_or_else(|e| panic!("cannot re-read {out:?}: {e}"));
            assert_eq!(back, decision);
            assert_timestamps_writable(&out);
            let member = MemberJson::parse_bytes(line)
                .and_then(|m| m.snapshot())
                .unwrap_or_else(|e| panic!("decided a line that does not parse: {e}"));
            assert_invariants(&member, now, &policy, end_user, &decision);
        }
        LineOutcome::Failed => {
            assert_eq!(written.get("line"), Some(&serde_json::Value::from(line_no)));
            assert!(
                written
                    .get("error")
                    .is_some_and(serde_json::Value::is_string)
            );
        }
        LineOutcome::Blank => {}
    }
}
