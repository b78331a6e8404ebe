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

/// A step being timed: its line, filled phase by phase.
#[derive(Debug)]
pub struct StepTimes {
    mark: Instant,
    line: StepLine,
}

impl StepTimes {
    /// Starts timing the step from virtual time `from`, with the service's journal as it
    /// stands (its counts are subtracted at the end).
    pub fn begin(from: DateTime<Utc>, journal: &Journal) -> Self {
        Self {
            mark: Instant::now(),
            line: StepLine {
                from,
                at: from,
                waits_ms: 0,
                advance_ms: 0,
                settle_ms: 0,
                naive_ms: 0,
                end_users_ms: 0,
                calls: journal.entries.len(),
                settles: journal.settles.0,
                wait_moves: journal.wait_moves,
            },
        }
    }

    /// Ends `phase`: the wall time since the last mark is its.
    pub fn mark(&mut self, phase: Phase) {
        let line = &mut self.line;
        let field = match phase {
            Phase::Waits => &mut line.waits_ms,
            Phase::Advance => &mut line.advance_ms,
            Phase::Settle => &mut line.settle_ms,
            Phase::Naive => &mut line.naive_ms,
            Phase::EndUsers => &mut line.end_users_ms,
        };
        let now = Instant::now();
        let spent = u64::try_from(now.duration_since(self.mark).as_millis()).unwrap_or(u64::MAX);
        *field = field.saturating_add(spent);
        self.mark = now;
    }

    /// The step's line, ended at virtual time `at`, with the journal after it.
    pub fn end(self, at: DateTime<Utc>, journal: &Journal) -> StepLine {
        let begun = self.line;
        StepLine {
            at,
            calls: journal.entries.len().saturating_sub(begun.calls),
            settles: journal.settles.0.saturating_sub(begun.settles),
            wait_moves: journal.wait_moves.saturating_sub(begun.wait_moves),
            ..begun
        }
    }
}
