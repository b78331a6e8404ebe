//! Time arithmetic the tooling shares: saturating, never panicking, as the engine's own.

use std::time::Duration;

use chrono::{DateTime, TimeDelta, Utc};

/// A policy duration as a chrono delta, saturating at chrono's maximum.
pub(crate) fn delta(d: Duration) -> TimeDelta {
    TimeDelta::from_std(d).unwrap_or(TimeDelta::MAX)
}

/// The first whole second at or after `t`, or `None` past chrono's last representable
/// second: the rounding the engine applies to the end of a wait.
pub(crate) fn ceil_to_second(t: DateTime<Utc>) -> Option<DateTime<Utc>> {
    if t.timestamp_subsec_nanos() == 0 {
        return Some(t);
    }
    DateTime::from_timestamp(t.timestamp().checked_add(1)?, 0)
}
