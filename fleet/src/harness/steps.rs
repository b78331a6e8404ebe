//! Timing a step's phases on the wall clock into a [`StepLine`]
//! (`metrics::steps`): whether a slow step's time went to the clock's moves through the
//! service's waits, the service settling after the step's move, or the end users.

use std::time::Instant;

use chrono::{DateTime, Utc};

use crate::harness::settle::Journal;
use crate::metrics::steps::StepLine;

/// A phase of a step, in the order a step runs them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// The clock moved through the ends of the service's waits, settling after each.
    Waits,
    /// The clock moved to the step's end (the emulator's jobs and webhooks run).
    Advance,
    /// The service settled after the move.
    Settle,
    /// The naive integrator's turn.
    Naive,
    /// The service's end users acted and the service settled after them.
    EndUsers,
}

/// A step being timed.
#[derive(Debug)]
pub struct StepTimes {
    mark: Instant,
    entries: usize,
    settles: u64,
    wait_moves: u64,
    ms: [u64; 5],
}

impl StepTimes {
    /// Starts timing a step, with the service's journal as it stands.
    pub fn begin(journal: &Journal) -> Self {
        Self {
            mark: Instant::now(),
            entries: journal.entries.len(),
            settles: journal.settles.0,
            wait_moves: journal.wait_moves,
            ms: [0; 5],
        }
    }

    /// Ends `phase`: the wall time since the last mark is its.
    pub fn mark(&mut self, phase: Phase) {
        let index = match phase {
            Phase::Waits => 0,
            Phase::Advance => 1,
            Phase::Settle => 2,
            Phase::Naive => 3,
            Phase::EndUsers => 4,
        };
        let now = Instant::now();
        let spent = u64::try_from(now.duration_since(self.mark).as_millis()).unwrap_or(u64::MAX);
        self.ms[index] = self.ms[index].saturating_add(spent);
        self.mark = now;
    }

    /// The step's line, from virtual time `from` to `at`, with the journal after it.
    pub fn end(self, (from, at): (DateTime<Utc>, DateTime<Utc>), journal: &Journal) -> StepLine {
        let [waits_ms, advance_ms, settle_ms, naive_ms, end_users_ms] = self.ms;
        StepLine {
            from,
            at,
            waits_ms,
            advance_ms,
            settle_ms,
            naive_ms,
            end_users_ms,
            calls: journal.entries.len().saturating_sub(self.entries),
            settles: journal.settles.0.saturating_sub(self.settles),
            wait_moves: journal.wait_moves.saturating_sub(self.wait_moves),
        }
    }
}
