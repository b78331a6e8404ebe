//! The steps' wall time summed by hour of the virtual day: every phase counted, the
//! busiest hour first, the hours not named summed, and a step counted in the hour it
//! starts in.

use chrono::{DateTime, Duration, Utc};
use mx_fleet::metrics::steps::{StepLine, by_hour};

fn at(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text)
        .map(|at| at.with_timezone(&Utc))
        .unwrap_or(DateTime::<Utc>::MIN_UTC)
}

/// A 15-minute step from `from` with these phase times and calls.
fn step(from: &str, ms: [u64; 5], calls: usize) -> StepLine {
    let from = at(from);
    let [waits_ms, advance_ms, settle_ms, naive_ms, end_users_ms] = ms;
    StepLine {
        from,
        at: from + Duration::minutes(15),
        waits_ms,
        advance_ms,
        settle_ms,
        naive_ms,
        end_users_ms,
        calls,
        settles: 1,
        wait_moves: 0,
    }
}

#[test]
fn every_phase_counts_in_the_step_total() {
    let line = step("2026-03-02T00:00:00Z", [1, 20, 300, 4_000, 50_000], 0);
    assert_eq!(line.total_ms(), 54_321);
}

#[test]
fn the_busiest_hours_come_first_and_the_rest_is_summed() {
    let lines = [
        step("2026-03-02T00:00:00Z", [1_000, 0, 500, 0, 0], 10),
        step("2026-03-02T00:45:00Z", [0, 0, 1_500, 0, 0], 5),
        step("2026-03-02T21:00:00Z", [0, 0, 0, 0, 2_000], 7),
        step("2026-03-02T12:00:00Z", [100, 0, 0, 0, 0], 1),
        // The next day's midnight hour adds to the first's.
        step("2026-03-03T00:15:00Z", [0, 0, 0, 0, 1_000], 2),
        step("2026-03-02T13:00:00Z", [0, 200, 0, 0, 0], 0),
    ];
    assert_eq!(
        by_hour(&lines, 2),
        "the steps' 6.3 s of wall time by hour of the virtual day: \
         00h 4.0 s (17 MX calls), 21h 2.0 s (7 MX calls), the other 2 hours 0.3 s"
    );
}

#[test]
fn a_step_counts_in_the_hour_it_starts_in() {
    // From 23:45 to midnight: hour 23, not 00.
    let lines = [step("2026-03-02T23:45:00Z", [0, 0, 2_500, 0, 0], 3)];
    assert_eq!(
        by_hour(&lines, 5),
        "the steps' 2.5 s of wall time by hour of the virtual day: \
         23h 2.5 s (3 MX calls), the other 0 hours 0.0 s"
    );
}

#[test]
fn no_steps_no_hours() {
    assert_eq!(
        by_hour(&[], 3),
        "the steps' 0.0 s of wall time by hour of the virtual day: the other 0 hours 0.0 s"
    );
}
