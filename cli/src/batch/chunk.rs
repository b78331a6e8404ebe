//! One chunk of whole lines decided: each line through the library's
//! [`triage_line`] (or [`overlong_line`]), its answer appended to the output, and counted.

use chrono::{DateTime, Utc};
use mx_aggregation::batch::{overlong_line, triage_line};
use mx_aggregation::lines::{Chunk, Line, MAX_LINE_BYTES};
use mx_aggregation::{EndUser, Policy};

use crate::summary::Tally;

/// Decides every line of `chunk`, appending the output lines to `out`, and counts them.
pub(super) fn decide_chunk(
    chunk: &Chunk,
    now: DateTime<Utc>,
    policy: &Policy,
    end_user: EndUser,
    out: &mut Vec<u8>,
    tally: &mut Tally,
) {
    for (line_no, line) in chunk.lines() {
        let outcome = match line {
            Line::Text(text) => triage_line(text, line_no, now, policy, end_user, out),
            Line::TooLong => overlong_line(line_no, MAX_LINE_BYTES, out),
        };
        tally.count(outcome);
        tally.lines = line_no;
    }
}
