//! When the fleet's scheduled moments fall inside a harness step: the naive integrator's
//! daily aggregation hour and the end users' returns. Pure: times are passed in.

use chrono::{DateTime, Duration, Utc};

use crate::persona::returns_on;

/// The days (0 = the run's first) whose moment `minute_of_day` may fall in `(previous,
/// now]`.
fn days_between(start: DateTime<Utc>, previous: DateTime<Utc>, now: DateTime<Utc>) -> [u64; 2] {
    let day = |at: DateTime<Utc>| u64::try_from((at - start).num_days().max(0)).unwrap_or(0);
    [day(previous), day(now)]
}

/// True when `start` + d days + `minute` minutes falls in `(previous, now]` for a day d
/// of the step.
fn crossed(
    start: DateTime<Utc>,
    previous: DateTime<Utc>,
    now: DateTime<Utc>,
    minute_of: impl Fn(u64) -> Option<u32>,
) -> bool {
    let [first, last] = days_between(start, previous, now);
    (first..=last).any(|day| {
        minute_of(day).is_some_and(|minute| {
            let at = start
                + Duration::days(i64::try_from(day).unwrap_or(i64::MAX / 2))
                + Duration::minutes(i64::from(minute));
            previous < at && at <= now
        })
    })
}

/// True when the daily moment `minute_of_day` after `start`'s midnight-aligned days
/// falls in `(previous, now]`.
pub fn daily_between(
    start: DateTime<Utc>,
    minute_of_day: u32,
    previous: DateTime<Utc>,
    now: DateTime<Utc>,
) -> bool {
    crossed(start, previous, now, |_| Some(minute_of_day))
}

/// True when the end user of member `index` returns to the app in `(previous, now]`.
pub fn returns_between(
    index: usize,
    start: DateTime<Utc>,
    previous: DateTime<Utc>,
    now: DateTime<Utc>,
) -> bool {
    crossed(start, previous, now, |day| returns_on(index, day))
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    #[test]
    fn a_daily_moment_falls_in_one_step_a_day() {
        let start = Utc.with_ymd_and_hms(2026, 3, 2, 0, 0, 0).unwrap();
        let step = Duration::minutes(15);
        let mut hits = 0;
        let mut at = start;
        while at < start + Duration::days(3) {
            if daily_between(start, 2 * 60, at, at + step) {
                hits += 1;
                assert_eq!(
                    at + step,
                    start + Duration::hours(2) + Duration::days(hits - 1)
                );
            }
            at += step;
        }
        assert_eq!(hits, 3);
    }

    #[test]
    fn a_return_falls_in_exactly_one_step() {
        let start = Utc.with_ymd_and_hms(2026, 3, 2, 0, 0, 0).unwrap();
        let index = (0..1000)
            .find(|index| returns_on(*index, 1).is_some())
            .unwrap();
        let step = Duration::minutes(15);
        let steps = (0..2 * 96)
            .filter(|n| {
                let previous = start + step * *n;
                returns_between(index, start, previous, previous + step)
            })
            .count();
        let expected = usize::from(returns_on(index, 0).is_some()) + 1;
        assert_eq!(steps, expected);
    }
}
