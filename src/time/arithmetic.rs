//! Time arithmetic every layer shares: checked or saturating, never panicking, and in
//! whole Unix seconds where the engine's hot path compares times (calendar arithmetic
//! costs more than the rest of a decision).

use std::time::Duration;

use chrono::{DateTime, TimeDelta, Utc};

use super::timestamp::{MAX_UNIX_SECONDS, MIN_UNIX_SECONDS};
use super::unix::{from_unix_secs, unix_secs};

/// A duration as a chrono delta, saturating at chrono's maximum: a [`Policy`](crate::Policy)
/// duration too long for chrono means "never" rather than a panic or an error. The one
/// conversion the engine, the tooling and the emulator use.
///
/// ```
/// use std::time::Duration;
/// use chrono::TimeDelta;
///
/// assert_eq!(mx_aggregation::saturating_delta(Duration::from_secs(90)), TimeDelta::seconds(90));
/// assert_eq!(mx_aggregation::saturating_delta(Duration::MAX), TimeDelta::MAX);
/// ```
pub fn saturating_delta(d: Duration) -> TimeDelta {
    TimeDelta::from_std(d).unwrap_or(TimeDelta::MAX)
}

/// Whole seconds, rounded up: a poll or retry delay is never shorter than asked.
pub(crate) fn ceil_secs(d: Duration) -> u64 {
    d.as_secs().saturating_add(u64::from(d.subsec_nanos() > 0))
}

/// The first whole second at or after `secs.subsec_nanos + plus`, as Unix seconds, in
/// integer arithmetic (the engine's hot path does no calendar arithmetic). `None` on
/// overflow. A leap second's extra nanoseconds (chrono keeps them above 999,999,999) carry
/// into the next second; `subsec_nanos` is chrono's, below 2,000,000,000.
#[inline(always)]
pub(crate) fn ceil_secs_after(secs: i64, subsec_nanos: u32, plus: Duration) -> Option<i64> {
    // Below 3 s (a leap second's nanoseconds stay under 2 s, a Duration's under 1 s), so
    // three comparisons round up where a division by 10⁹ would cost more.
    const SECOND: u64 = 1_000_000_000;
    let nanos = u64::from(subsec_nanos) + u64::from(plus.subsec_nanos());
    let carry = i64::from(nanos > 0) + i64::from(nanos > SECOND) + i64::from(nanos > 2 * SECOND);
    secs.checked_add(i64::try_from(plus.as_secs()).ok()?)?
        .checked_add(carry)
}

/// The instant of `secs` when RFC 3339 can write it (years 0000-9999): a window that ends
/// outside them comes from corrupt timestamps or a corrupt clock.
pub(crate) fn writable_second(secs: Option<i64>) -> Option<DateTime<Utc>> {
    secs.filter(|&s| (MIN_UNIX_SECONDS..=MAX_UNIX_SECONDS).contains(&s))
        .and_then(from_unix_secs)
}

/// `now` with its Unix seconds, converted once per decision: `timestamp()` is calendar
/// arithmetic, and a decision compares `now` several times.
#[derive(Clone, Copy)]
pub(crate) struct Now {
    pub(crate) at: DateTime<Utc>,
    pub(crate) secs: i64,
}

impl Now {
    pub(crate) fn new(at: DateTime<Utc>) -> Self {
        Self {
            at,
            secs: unix_secs(at),
        }
    }
}

/// True when `then` is less than `window` before `now`; an instant after `now` (clock
/// skew, or a corrupt timestamp) counts as younger than any window.
#[inline(always)]
pub(crate) fn younger_than(then: DateTime<Utc>, now: Now, window: Duration) -> bool {
    // chrono's exact difference lies within 3 s of the whole seconds between the Unix
    // times (sub-second parts and a leap second's adjustment move it by less): outside
    // that margin the seconds decide, and chrono, which costs more than the rest of a
    // decision, is asked only near the edge.
    let seconds = now.secs - unix_secs(then);
    let window_secs = i64::try_from(window.as_secs()).unwrap_or(i64::MAX);
    if seconds.saturating_add(3) <= window_secs {
        true
    } else if seconds.saturating_sub(4) >= window_secs {
        // Then the difference exceeds window_secs + 1, more than the window.
        false
    } else {
        exactly_younger_than(then, now, window)
    }
}

/// [`younger_than`] by chrono's exact difference: within seconds of the window's edge only,
/// so kept out of the decision's hot path.
#[cold]
#[inline(never)]
fn exactly_younger_than(then: DateTime<Utc>, now: Now, window: Duration) -> bool {
    now.at.signed_duration_since(then) < saturating_delta(window)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Any instant chrono can hold near the edges that matter: leap seconds included
    /// (nanoseconds of 1_000_000_000 and over on second 59 of a minute).
    fn instant() -> impl Strategy<Value = DateTime<Utc>> {
        (-100_000_000_000i64..100_000_000_000, 0..2_000_000_000u32).prop_map(|(s, n)| {
            DateTime::from_timestamp(s, n)
                .or_else(|| DateTime::from_timestamp(s - s.rem_euclid(60) + 59, n))
                .unwrap()
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(20_000))]

        /// Rounding up by comparison is the division it replaces, for every sub-second part
        /// chrono keeps (leap seconds included) and every duration.
        #[test]
        fn ceil_secs_after_rounds_up_as_division_does(
            secs in any::<i64>(),
            subsec_nanos in prop_oneof![Just(0u32), Just(1_000_000_000u32), 0..2_000_000_000u32],
            plus_secs in any::<u64>(),
            plus_nanos in prop_oneof![Just(0u32), 0..1_000_000_000u32],
        ) {
            let plus = Duration::new(plus_secs, plus_nanos);
            let nanos = u64::from(subsec_nanos) + u64::from(plus_nanos);
            let by_division = i64::try_from(plus_secs).ok().and_then(|p| secs.checked_add(p))
                .and_then(|s| s.checked_add(i64::try_from(nanos.div_ceil(1_000_000_000)).ok()?));
            prop_assert_eq!(ceil_secs_after(secs, subsec_nanos, plus), by_division);
        }

        /// The whole-second shortcut answers as chrono's exact difference does, near the
        /// edge of the window above all.
        #[test]
        fn younger_than_is_chronos_comparison(
            then in instant(),
            shift in prop_oneof![-10i64..10, any::<i32>().prop_map(i64::from)],
            shift_nanos in 0..2_000_000_000u32,
            window_secs in prop_oneof![0..100u64, any::<u32>().prop_map(u64::from), Just(u64::MAX)],
            window_nanos in prop_oneof![Just(0u32), 0..1_000_000_000u32],
        ) {
            let window = Duration::new(window_secs, window_nanos);
            // `now` near `then + window`, so the comparison is close.
            let near = i64::try_from(window_secs).unwrap_or(0).saturating_add(shift);
            let now = then.timestamp().checked_add(near).and_then(|s| {
                DateTime::from_timestamp(s, shift_nanos)
                    .or_else(|| DateTime::from_timestamp(s - s.rem_euclid(60) + 59, shift_nanos))
            });
            if let Some(now) = now {
                prop_assert_eq!(
                    younger_than(then, Now::new(now), window),
                    now.signed_duration_since(then) < saturating_delta(window)
                );
            }
        }
    }
}
