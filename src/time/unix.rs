//! Unix seconds of an instant and back, without chrono's general calendar arithmetic for
//! the years MX's timestamps and a service's clock fall in.
//!
//! `DateTime::timestamp` and `DateTime::from_timestamp` convert between days and
//! (year, day of year) with divisions over the 400-year cycle: a few dozen instructions
//! each, more than the rest of a decision's comparisons. For the years 1970 to 2105 a table
//! of the days before each year does it with one lookup; other years take chrono's path.
//! Both agree with chrono everywhere (the tests below), leap seconds included: chrono keeps
//! a leap second in the nanoseconds, so its second is the one before.

use chrono::{DateTime, Datelike, NaiveDate, NaiveDateTime, NaiveTime, Timelike, Utc};

/// The first year of the table.
const FIRST_YEAR: i32 = 1970;
/// How many years the table covers: 1970 to 2105.
const YEARS: usize = 136;
const SECONDS_PER_DAY: i64 = 86_400;

/// Days from 1970-01-01 to January 1st of `FIRST_YEAR + i`, for i in 0..=YEARS.
const DAYS_BEFORE: [i32; YEARS + 1] = {
    let mut days = [0; YEARS + 1];
    let mut i = 1;
    while i <= YEARS {
        let year = FIRST_YEAR + i as i32 - 1;
        let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
        days[i] = days[i - 1] + if leap { 366 } else { 365 };
        i += 1;
    }
    days
};

/// `DAYS_BEFORE` less one: the epoch day numbered 0 of each year, so that adding the day
/// of the year (1-based, as chrono keeps it) gives the day since the epoch.
const DAY_ZERO: [i32; YEARS] = {
    let mut days = [0; YEARS];
    let mut i = 0;
    while i < YEARS {
        days[i] = DAYS_BEFORE[i] - 1;
        i += 1;
    }
    days
};

/// `t.timestamp()`: the whole Unix seconds of `t`.
#[inline(always)]
pub(crate) fn unix_secs(t: DateTime<Utc>) -> i64 {
    let naive = t.naive_utc();
    let index = naive.year().wrapping_sub(FIRST_YEAR) as u32 as usize;
    if let Some(&day_zero) = DAY_ZERO.get(index) {
        let days = i64::from(day_zero) + i64::from(naive.ordinal());
        days * SECONDS_PER_DAY + i64::from(naive.time().num_seconds_from_midnight())
    } else {
        beyond_the_table(t)
    }
}

/// chrono's own conversion, for the years outside the table.
#[cold]
#[inline(never)]
fn beyond_the_table(t: DateTime<Utc>) -> i64 {
    t.timestamp()
}

/// `DateTime::from_timestamp(secs, 0)`: the instant of a whole Unix second, `None` outside
/// chrono's range.
pub(crate) fn from_unix_secs(secs: i64) -> Option<DateTime<Utc>> {
    let days = secs.div_euclid(SECONDS_PER_DAY);
    let second_of_day = secs.rem_euclid(SECONDS_PER_DAY) as u32;
    if !(0..i64::from(DAYS_BEFORE[YEARS])).contains(&days) {
        return DateTime::from_timestamp(secs, 0);
    }
    let days = days as i32;
    // A year has at least 365 days, so `days / 365` is the year's index or one more (the
    // table's leap days, at most 34, never make up a year).
    let mut index = ((days / 365) as usize).min(YEARS - 1);
    if DAYS_BEFORE[index] > days {
        index -= 1;
    }
    let ordinal = (days - DAYS_BEFORE[index]) as u32 + 1;
    let date = NaiveDate::from_yo_opt(FIRST_YEAR + index as i32, ordinal)?;
    let time = NaiveTime::from_num_seconds_from_midnight_opt(second_of_day, 0)?;
    Some(NaiveDateTime::new(date, time).and_utc())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Every instant chrono can hold, the table's years most of all, leap seconds too.
    fn instant() -> impl Strategy<Value = DateTime<Utc>> {
        let seconds = prop_oneof![
            3 => -100i64..4_400_000_000,
            1 => DateTime::<Utc>::MIN_UTC.timestamp()..=DateTime::<Utc>::MAX_UTC.timestamp(),
        ];
        (seconds, 0..2_000_000_000u32).prop_map(|(s, n)| {
            DateTime::from_timestamp(s, n)
                .or_else(|| DateTime::from_timestamp(s - s.rem_euclid(60) + 59, n))
                .or_else(|| DateTime::from_timestamp(s, 0))
                .unwrap()
        })
    }

    #[test]
    fn the_table_ends_where_chrono_says() {
        let first = DateTime::from_timestamp(0, 0).unwrap();
        assert_eq!(unix_secs(first), 0);
        let last_day = i64::from(DAYS_BEFORE[YEARS]) * SECONDS_PER_DAY;
        for secs in [last_day - 1, last_day, -1, 951_782_400, 4_107_542_400] {
            assert_eq!(
                from_unix_secs(secs),
                DateTime::from_timestamp(secs, 0),
                "{secs}"
            );
        }
        assert_eq!(
            NaiveDate::from_ymd_opt(2106, 1, 1)
                .unwrap()
                .and_hms_opt(0, 0, 0)
                .unwrap()
                .and_utc()
                .timestamp(),
            last_day
        );
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(20_000))]

        #[test]
        fn unix_secs_is_chronos_timestamp(t in instant()) {
            prop_assert_eq!(unix_secs(t), t.timestamp());
        }

        #[test]
        fn from_unix_secs_is_chronos_from_timestamp(t in instant()) {
            let secs = t.timestamp();
            prop_assert_eq!(from_unix_secs(secs), DateTime::from_timestamp(secs, 0));
            prop_assert_eq!(from_unix_secs(secs.saturating_add(1)), DateTime::from_timestamp(secs.saturating_add(1), 0));
        }
    }
}
