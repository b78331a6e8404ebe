//! What the sections of `transitions.md` share: the engine's decision for one cell of a
//! table (a status, a job flag and a time bucket of the decision matrix), and the words
//! the tables write durations, flags and actions in.

use std::time::Duration;

use mx_aggregation::{ConnectionStatus, EndUser, HumanDuration, Policy, decide_with};

use crate::matrix::{Cell, TimeBucket, reference_now};

/// The decision for a full read of `status` in `bucket`, with the end user present.
pub(super) fn decision_at(
    status: Option<ConnectionStatus>,
    aggregating: bool,
    bucket: TimeBucket,
    policy: &Policy,
) -> Cell {
    decision_for(status, aggregating, bucket, policy, EndUser::Present)
}

/// The decision for a full read of `status` in `bucket`, with the end user `end_user`.
pub(super) fn decision_for(
    status: Option<ConnectionStatus>,
    aggregating: bool,
    bucket: TimeBucket,
    policy: &Policy,
    end_user: EndUser,
) -> Cell {
    let now = reference_now();
    Cell {
        decision: decide_with(
            &bucket.snapshot(status, aggregating, now),
            now,
            policy,
            end_user,
        ),
        now,
    }
}

/// An action as the tables write it: its cell, in code quotes.
pub(super) fn action_of(cell: &Cell) -> String {
    format!("`{cell}`")
}

/// A duration in words: `3 h`, `24 h`.
pub(super) fn human(d: Duration) -> String {
    HumanDuration(d).to_string()
}

/// A flag as the tables write it.
pub(super) const fn yes_no(b: bool) -> &'static str {
    if b { "yes" } else { "no" }
}
