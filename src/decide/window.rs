//! MX's aggregation window and background schedule: when the cooldown after a member's
//! latest job ends ([`earliest_aggregation`]), and when MX's next background aggregation
//! of it is expected. The rules wait for both; the explanation and the HTTP answers name
//! the first.

use std::time::Duration;

use chrono::{DateTime, Utc};

use crate::model::policy::Policy;
use crate::model::snapshot::MemberSnapshot;
use crate::time::arithmetic::{Now, ceil_secs, ceil_secs_after, writable_second};
use crate::time::timestamp::{MAX_UNIX_SECONDS, MIN_UNIX_SECONDS};
use crate::time::unix::unix_secs;

/// When MX will next start an aggregation for a member, under a policy's cooldown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AggregationWindow {
    /// No job or success on record: an aggregation may start at any time.
    Open,
    /// The first whole second at or after the window's start + cooldown; from then
    /// on an aggregation may start (up to a second later than MX's exact window, never
    /// sooner). May be in the past.
    OpensAt(DateTime<Utc>),
    /// The cooldown ends after `9999-12-31T23:59:59Z`, the last second RFC 3339 (and so
    /// the pinned JSON form of a wait) can write: the timestamps or the clock are corrupt.
    NeverRepresentable,
}

/// When the cooldown after the member's latest job or success ends: the one computation
/// behind [`NextAction::Wait`](crate::NextAction::Wait) and the advice of [`NextAction::ResolveAtInstitution`](crate::NextAction::ResolveAtInstitution),
/// whose follow-up aggregation is subject to the same window.
///
/// The window counts from the later of `successfully_aggregated_at` and, with
/// [`Policy::cooldown_from_any_job`] (the default), `aggregated_at`: "any aggregation
/// process will prevent a new standard aggregation for the next three hours" (REW \[V\]);
/// an aggregate call inside it is accepted with `202` but runs nothing (ERR \[V\]). The
/// seed speaks only of "three hours of a successful aggregation".
///
/// ```
/// use chrono::{TimeZone, Utc};
/// use mx_aggregation::{AggregationWindow, MemberSnapshot, Policy, earliest_aggregation};
///
/// let member = MemberSnapshot::from_json(r#"{"connection_status": "LOCKED",
///     "successfully_aggregated_at": "2018-07-18T20:16:39.5Z"}"#)?;
/// let opens = Utc.with_ymd_and_hms(2018, 7, 18, 23, 16, 40).unwrap();
/// assert_eq!(earliest_aggregation(&member, &Policy::default()), AggregationWindow::OpensAt(opens));
/// # Ok::<(), mx_aggregation::SnapshotError>(())
/// ```
pub fn earliest_aggregation(member: &MemberSnapshot, policy: &Policy) -> AggregationWindow {
    window_after(latest_job(member, policy.cooldown_from_any_job), policy)
}

/// The later of the member's last success and, when `any_job`, its latest job's start
/// (`None` orders before any time, so it is `None` only when neither is known).
#[inline(always)]
pub(super) fn latest_job(member: &MemberSnapshot, any_job: bool) -> Option<DateTime<Utc>> {
    let job = if any_job { member.aggregated_at } else { None };
    member.successfully_aggregated_at.max(job)
}

/// The cooldown window that starts at `start`.
fn window_after(start: Option<DateTime<Utc>>, policy: &Policy) -> AggregationWindow {
    match window_secs(start, policy) {
        Window::Open => AggregationWindow::Open,
        Window::OpensAt(opens) => writable_second(Some(opens)).map_or(
            AggregationWindow::NeverRepresentable,
            AggregationWindow::OpensAt,
        ),
        Window::NeverRepresentable => AggregationWindow::NeverRepresentable,
    }
}

/// [`AggregationWindow`] with the opening as Unix seconds, within the writable years:
/// what the engine compares with `now`, building a `DateTime` (which costs more than the
/// rest of a decision) only for a wait it returns.
pub(super) enum Window {
    Open,
    OpensAt(i64),
    NeverRepresentable,
}

/// The cooldown window that starts at `start`, in Unix seconds.
#[inline(always)]
pub(super) fn window_secs(start: Option<DateTime<Utc>>, policy: &Policy) -> Window {
    let Some(start) = start else {
        return Window::Open;
    };
    match ceil_secs_after(
        unix_secs(start),
        start.timestamp_subsec_nanos(),
        policy.cooldown,
    ) {
        Some(opens) if (MIN_UNIX_SECONDS..=MAX_UNIX_SECONDS).contains(&opens) => {
            Window::OpensAt(opens)
        }
        Some(_) | None => Window::NeverRepresentable,
    }
}

/// How many background cycles may pass without a job before the engine stops expecting
/// MX to refresh the member by itself: the one due, and two missed ("approximately every
/// 24 hours", AT-aggregate-member \[V\]).
const BACKGROUND_CYCLES: i64 = 3;

/// When MX's next background aggregation of a member is expected.
pub(super) enum Expected {
    /// At this whole second, after `now`.
    At(DateTime<Utc>),
    /// More than [`BACKGROUND_CYCLES`] cycles after the member's latest job or success, or
    /// with none on record: MX is not refreshing it; the end user must.
    Overdue,
    /// After `9999-12-31T23:59:59Z`.
    NeverRepresentable,
}

/// The first `base + k × background_interval` (1 ≤ k ≤ [`BACKGROUND_CYCLES`]) after
/// `now` and not before the cooldown ends (MX starts no aggregation inside its window, its
/// own background ones included), where `base` is the later of the member's latest job and
/// latest success, on a whole second. An estimate: MX says "approximately every 24 hours"
/// (AT-aggregate-member \[V\]). It depends on `now` only through k, and k is counted from
/// the later of `now` and the window's end, so deciding again before it never moves it.
pub(super) fn expected_background(member: &MemberSnapshot, now: Now, policy: &Policy) -> Expected {
    let Some(base) = latest_job(member, true) else {
        return Expected::Overdue;
    };
    let Ok(interval) = i64::try_from(ceil_secs(policy.background_interval).max(1)) else {
        return Expected::NeverRepresentable;
    };
    let opens = match window_secs(latest_job(member, policy.cooldown_from_any_job), policy) {
        Window::OpensAt(opens) => Some(opens),
        Window::Open => None,
        Window::NeverRepresentable => return Expected::NeverRepresentable,
    };
    // The cycle must fall after this instant, as Unix seconds and nanoseconds: `now`, or
    // the last second before the window opens when that is later (whole seconds, so the
    // cycle lands at or after the opening).
    let (reference, reference_nanos) = match opens {
        Some(opens) if opens - 1 > now.secs => (opens - 1, 0),
        Some(_) | None => (now.secs, now.at.timestamp_subsec_nanos()),
    };
    // Whole seconds from `base` to the reference, rounded down, in integer arithmetic.
    let (base_secs, base_nanos) = (unix_secs(base), base.timestamp_subsec_nanos());
    let behind = reference_nanos < base_nanos;
    let elapsed = reference
        .saturating_sub(base_secs)
        .saturating_sub(i64::from(behind))
        .max(0);
    // steps = elapsed / interval + 1, found by at most three comparisons: a division by a
    // policy value costs more than the rest of the decision.
    let mut steps = 1;
    while elapsed >= interval.saturating_mul(steps) {
        steps += 1;
        if steps > BACKGROUND_CYCLES {
            return Expected::Overdue;
        }
    }
    let cycles = Duration::from_secs(steps.unsigned_abs().saturating_mul(interval.unsigned_abs()));
    let Some(expected) = ceil_secs_after(base_secs, base_nanos, cycles) else {
        return Expected::NeverRepresentable;
    };
    let expected = match opens {
        Some(opens) => expected.max(opens),
        None => expected,
    };
    match writable_second(Some(expected)) {
        Some(t) => Expected::At(t),
        None => Expected::NeverRepresentable,
    }
}
