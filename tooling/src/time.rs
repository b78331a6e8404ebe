//! Time arithmetic the tooling shares: saturating, never panicking, as the engine's own.

use std::time::Duration;

use chrono::TimeDelta;

/// A policy duration as a chrono delta, saturating at chrono's maximum.
pub(crate) fn delta(d: Duration) -> TimeDelta {
    TimeDelta::from_std(d).unwrap_or(TimeDelta::MAX)
}
