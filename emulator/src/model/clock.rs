//! The virtual clock: real time plus every jump the control plane asked for.
//!
//! Every rule reads the time from here and nowhere else, so jumping three hours ahead
//! ends the throttle window at once, and a clock that does not run (`Config::real_time`
//! false) leaves nothing to chance.

use std::time::{Duration, Instant};

use chrono::{DateTime, Datelike, SubsecRound, TimeDelta, Utc};

/// The emulator's notion of now.
#[derive(Debug, Clone)]
pub(crate) struct VirtualClock {
    started: Instant,
    origin: DateTime<Utc>,
    offset: TimeDelta,
    real_time: bool,
}

impl VirtualClock {
    /// A clock reading `origin` now and running with real time when `real_time` is true.
    pub(crate) fn new(origin: DateTime<Utc>, real_time: bool) -> Self {
        Self {
            started: Instant::now(),
            origin,
            offset: TimeDelta::zero(),
            real_time,
        }
    }

    /// The virtual time now.
    pub(crate) fn now(&self) -> DateTime<Utc> {
        let elapsed = if self.real_time {
            mx_aggregation::saturating_delta(self.started.elapsed())
        } else {
            TimeDelta::zero()
        };
        self.origin
            .checked_add_signed(self.offset)
            .and_then(|t| t.checked_add_signed(elapsed))
            .unwrap_or(DateTime::<Utc>::MAX_UTC)
    }

    /// Moves the clock `by` forward and returns the new time, or `None` when the result
    /// would leave the years 0000-9999 (the clock then stays where it was).
    pub(crate) fn advance(&mut self, by: Duration) -> Option<DateTime<Utc>> {
        let by = TimeDelta::from_std(by).ok()?;
        let offset = self.offset.checked_add(&by)?;
        let previous = self.offset;
        self.offset = offset;
        let now = self.now();
        if now.year() > 9999 {
            self.offset = previous;
            return None;
        }
        Some(now)
    }
}

/// The system time to the second: where a clock starts when not told otherwise.
pub(crate) fn system_now() -> DateTime<Utc> {
    DateTime::<Utc>::from(std::time::SystemTime::now()).trunc_subsecs(0)
}

/// `t + d`, saturating at chrono's last instant.
pub(crate) fn later(t: DateTime<Utc>, d: TimeDelta) -> DateTime<Utc> {
    t.checked_add_signed(d).unwrap_or(DateTime::<Utc>::MAX_UTC)
}
