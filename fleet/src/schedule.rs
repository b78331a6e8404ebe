//! When the fleet's scheduled moments fall inside a harness step: the naive integrator's
//! daily aggregation hour, the end users' returns and daily looks, and what an end user
//! does in a step. Pure: times are passed in.

use chrono::{DateTime, Duration, Utc};

use crate::persona::{Reply, returns_on};

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

/// What one step is: the virtual time now, the previous step's and the run's start.
#[derive(Debug, Clone, Copy)]
pub struct Tick {
    /// The run's start.
    pub start: DateTime<Utc>,
    /// The previous step's time.
    pub previous: DateTime<Utc>,
    /// Now.
    pub now: DateTime<Utc>,
}

/// The minute of the day at which every end user glances at the app.
pub const DAILY_LOOK_MINUTE: u32 = 20 * 60;

/// What a member's end user does in a step, decided before any request: the app steps
/// only the members whose end user does something.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Due {
    /// The reply due, passed on to the service.
    pub reply: Option<Reply>,
    /// The end user opens the app and asks for fresh data.
    pub returns: bool,
}

impl Due {
    /// What the end user of member `index` does in `tick`: `None` when the member was not
    /// `created` (no guid), or no reply is `pending` by now, the end user does not return,
    /// the app is not watching the member (`watch_until` passed) and it is not the daily
    /// look's minute ([`DAILY_LOOK_MINUTE`]).
    pub fn of(
        index: usize,
        created: bool,
        pending: Option<(DateTime<Utc>, Reply)>,
        watch_until: DateTime<Utc>,
        tick: Tick,
    ) -> Option<Self> {
        if !created {
            return None;
        }
        let reply = pending.and_then(|(due, reply)| (due <= tick.now).then_some(reply));
        let returns = returns_between(index, tick.start, tick.previous, tick.now);
        let looks = tick.now <= watch_until
            || daily_between(tick.start, DAILY_LOOK_MINUTE, tick.previous, tick.now);
        (looks || reply.is_some() || returns).then_some(Self { reply, returns })
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    /// The virtual time the tests' runs start at.
    fn run_start() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 3, 2, 0, 0, 0).unwrap()
    }

    /// The first member index whose persona's returns meet `wanted`.
    fn member_where(wanted: impl Fn(usize) -> bool) -> usize {
        (0..1000).find(|index| wanted(*index)).unwrap()
    }

    #[test]
    fn a_daily_moment_falls_in_one_step_a_day() {
        let start = run_start();
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
        let start = run_start();
        let index = member_where(|index| returns_on(index, 1).is_some());
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

    /// A step of 15 minutes ending at `start` + `minutes`.
    fn tick_at(start: DateTime<Utc>, minutes: i64) -> Tick {
        Tick {
            start,
            previous: start + Duration::minutes(minutes - 15),
            now: start + Duration::minutes(minutes),
        }
    }

    #[test]
    fn an_end_user_acts_only_when_something_is_due() {
        let start = run_start();
        let index = member_where(|index| returns_on(index, 0).is_none());
        let tick = tick_at(start, 6 * 60);
        let past = start;
        // Nothing due: not watched, no reply, no return, not the daily look.
        assert_eq!(Due::of(index, true, None, past, tick), None);
        // A reply due by now is passed on; one due later is not.
        let reply = Some((tick.now, Reply::AnswerMfa));
        assert_eq!(
            Due::of(index, true, reply, past, tick),
            Some(Due {
                reply: Some(Reply::AnswerMfa),
                returns: false
            })
        );
        let later = Some((tick.now + Duration::minutes(1), Reply::AnswerMfa));
        assert_eq!(Due::of(index, true, later, past, tick), None);
        // Watched until now: the app looks, with nothing to pass on.
        assert_eq!(
            Due::of(index, true, None, tick.now, tick),
            Some(Due {
                reply: None,
                returns: false
            })
        );
        // A member never created: nothing, whatever is due.
        assert_eq!(Due::of(index, false, reply, tick.now, tick), None);
    }

    #[test]
    fn an_unwatched_end_user_acts_at_the_daily_look_and_at_each_return() {
        let start = run_start();
        let index = member_where(|index| returns_on(index, 1).is_some());
        let (mut looks, mut returns) = (0, 0);
        for n in 1..=2 * 96 {
            let tick = tick_at(start, 15 * n);
            if let Some(due) = Due::of(index, true, None, start, tick) {
                assert_eq!(due.reply, None);
                if due.returns {
                    returns += 1;
                } else {
                    looks += 1;
                }
            }
        }
        let expected_returns = usize::from(returns_on(index, 0).is_some()) + 1;
        assert_eq!(returns, expected_returns);
        // The daily look at 20:00 on each of the two days (unless a return falls in its
        // step, which then counts as the return).
        assert!(
            looks <= 2 && looks + returns >= 2,
            "{looks} looks, {returns} returns"
        );
    }
}
