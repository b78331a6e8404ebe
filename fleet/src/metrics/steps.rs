//! Where a run's wall time went, step by step: one [`StepLine`] a step (what
//! `--journal-out` writes as `steps.jsonl`), and the sum by hour of the virtual day
//! ([`by_hour`]). A fleet's day is not uniform: the onboarding, MX's nightly background
//! aggregations and the end users' evenings come in bursts, and a run's length is the
//! length of its bursts, which a total hides.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use chrono::{DateTime, Timelike, Utc};
use serde::{Deserialize, Serialize};

/// One step's wall times, in milliseconds, by phase, and what the service did in it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StepLine {
    /// The virtual time at the step's start.
    pub from: DateTime<Utc>,
    /// The virtual time at the step's end.
    pub at: DateTime<Utc>,
    /// Moving the clock through the ends of the service's waits, settling after each.
    pub waits_ms: u64,
    /// Moving the clock to the step's end (the emulator's jobs and webhooks run).
    pub advance_ms: u64,
    /// The service settling after that move.
    pub settle_ms: u64,
    /// The naive integrator's turn.
    pub naive_ms: u64,
    /// The service's end users acting, and the service settling after them.
    pub end_users_ms: u64,
    /// The service's MX calls journaled in the step.
    pub calls: usize,
    /// Settles in the step.
    pub settles: u64,
    /// Clock moves to the ends of the service's waits in the step.
    pub wait_moves: u64,
}

impl StepLine {
    /// The step's wall time, all phases.
    #[must_use]
    pub const fn total_ms(&self) -> u64 {
        self.waits_ms
            .saturating_add(self.advance_ms)
            .saturating_add(self.settle_ms)
            .saturating_add(self.naive_ms)
            .saturating_add(self.end_users_ms)
    }
}

/// The steps' wall time and MX calls summed by the hour of the virtual day each step
/// starts in, busiest hour first (ties by hour); `hours` of them named, the rest summed.
#[must_use]
pub fn by_hour(lines: &[StepLine], hours: usize) -> String {
    let mut sums: BTreeMap<u32, (u64, usize)> = BTreeMap::new();
    for line in lines {
        let sum = sums.entry(line.from.hour()).or_default();
        sum.0 = sum.0.saturating_add(line.total_ms());
        sum.1 = sum.1.saturating_add(line.calls);
    }
    let mut ranked: Vec<(u32, (u64, usize))> = sums.into_iter().collect();
    ranked.sort_by(|a, b| b.1.0.cmp(&a.1.0).then(a.0.cmp(&b.0)));
    let total: u64 = ranked.iter().map(|(_, (ms, _))| *ms).sum();
    let mut text = format!(
        "the steps' {:.1} s of wall time by hour of the virtual day:",
        secs(total)
    );
    let shown = ranked.len().min(hours);
    for (hour, (ms, calls)) in &ranked[..shown] {
        let _ = write!(text, " {hour:02}h {:.1} s ({calls} MX calls),", secs(*ms));
    }
    let rest: u64 = ranked[shown..].iter().map(|(_, (ms, _))| *ms).sum();
    let _ = write!(
        text,
        " the other {} hours {:.1} s",
        ranked.len() - shown,
        secs(rest)
    );
    text
}

/// Milliseconds as seconds.
fn secs(ms: u64) -> f64 {
    // Wall times of a run: far below 2^52 ms, exact as f64.
    #[allow(clippy::cast_precision_loss)]
    let ms = ms as f64;
    ms / 1000.0
}
