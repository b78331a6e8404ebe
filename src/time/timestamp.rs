//! MX's timestamp forms, read and written.
//!
//! MX sends `aggregated_at` and `successfully_aggregated_at` as RFC 3339 text from its REST
//! endpoints (`2016-10-13T18:07:57.000Z`, `2020-09-21T19:48:57Z`, `2015-06-19T10:37:04-06:00`)
//! and as integer Unix seconds from its member webhooks (WH-M \[V\]). Both are
//! accepted; both are limited to the years 0000–9999 that RFC 3339 can write, so whatever
//! this crate reads it can also write back.

use std::fmt;

use chrono::{DateTime, Datelike, NaiveDate, NaiveTime, TimeDelta, Timelike, Utc};

/// The earliest instant RFC 3339 can write: `0000-01-01T00:00:00Z`, as Unix seconds.
pub const MIN_UNIX_SECONDS: i64 = -62_167_219_200;
/// The latest whole second RFC 3339 can write: `9999-12-31T23:59:59Z`, as Unix seconds.
pub const MAX_UNIX_SECONDS: i64 = 253_402_300_799;

/// Why a timestamp could not be read; the caller adds the field name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum TimestampError {
    /// Text that is neither RFC 3339 nor integer Unix seconds.
    #[error("expected RFC 3339 or Unix seconds")]
    NotRfc3339,
    /// An instant outside the years 0000–9999, given as Unix seconds or as RFC 3339 text
    /// whose offset moves it there (`9999-12-31T23:59:59-23:59` is in the year 10000).
    #[error("outside the years 0000-9999")]
    OutOfRange,
}

/// Reads a timestamp written as text in either of MX's forms: RFC 3339 (`2020-09-21T19:48:57Z`,
/// any offset, optional fractional seconds) or integer Unix seconds (`1531947410`, the form
/// MX's member webhooks send as a JSON number, WH-M \[V\]).
///
/// For timestamps given on a command line or in a configuration file, where text is all
/// there is. Member JSON goes through [`MemberJson`](crate::MemberJson) instead, which
/// tells a JSON string from a JSON number and accepts each form only where MX sends it.
///
/// ```
/// use mx_aggregation::parse_mx_timestamp;
///
/// let rfc = parse_mx_timestamp("2018-07-18T21:56:50Z")?;
/// assert_eq!(parse_mx_timestamp("1531951010")?, rfc);
/// assert!(parse_mx_timestamp("last tuesday").is_err());
/// # Ok::<(), mx_aggregation::TimestampError>(())
/// ```
pub fn parse_mx_timestamp(text: &str) -> Result<DateTime<Utc>, TimestampError> {
    match text.parse::<i64>() {
        Ok(seconds) => from_unix_seconds(seconds),
        Err(_) => parse_rfc3339(text),
    }
}

/// Reads an RFC 3339 timestamp with any offset (`Z`, `+00:00`, `-06:00`) and optional
/// fractional seconds, as MX's REST endpoints send it.
///
/// The instant must lie in the years 0000–9999 in UTC, the range RFC 3339 can write back:
/// an offset can move a valid-looking text outside it (`9999-12-31T23:59:59-23:59` is
/// `+10000-01-01T23:58:59Z`), and such a value is [`TimestampError::OutOfRange`].
pub(crate) fn parse_rfc3339(text: &str) -> Result<DateTime<Utc>, TimestampError> {
    if let Some(t) = plain_rfc3339(text) {
        return Ok(t);
    }
    let t = DateTime::parse_from_rfc3339(text)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|_| TimestampError::NotRfc3339)?;
    if is_writable(t) {
        Ok(t)
    } else {
        Err(TimestampError::OutOfRange)
    }
}

/// Reads the form MX writes, `YYYY-MM-DDTHH:MM:SS`, an optional fraction of one to nine
/// digits, and `Z` or `±HH:MM`, without chrono's general parser, which costs `batch` more
/// than deciding. `None` for anything else (a lowercase `t` or `z`, a space, a leap second,
/// a longer fraction, a field out of range, an instant outside the years 0000–9999): chrono
/// then reads it and decides. `tests/rfc3339_agrees_with_chrono.rs` checks that both read
/// alike.
fn plain_rfc3339(text: &str) -> Option<DateTime<Utc>> {
    let bytes = text.as_bytes();
    // The value of the two digits at `at`.
    let two = |at: usize| -> Option<u32> {
        match bytes.get(at..at + 2)? {
            &[tens @ b'0'..=b'9', ones @ b'0'..=b'9'] => {
                Some(u32::from(tens - b'0') * 10 + u32::from(ones - b'0'))
            }
            _ => None,
        }
    };
    let separators = [(4, b'-'), (7, b'-'), (10, b'T'), (13, b':'), (16, b':')];
    if !separators
        .iter()
        .all(|&(at, byte)| bytes.get(at) == Some(&byte))
    {
        return None;
    }
    let year = two(0)? * 100 + two(2)?;
    let (month, day) = (two(5)?, two(8)?);
    let (hour, minute, second) = (two(11)?, two(14)?, two(17)?);
    let mut at = 19;
    let mut nanos = 0;
    if bytes.get(at) == Some(&b'.') {
        at += 1;
        let start = at;
        while let Some(&digit @ b'0'..=b'9') = bytes.get(at) {
            if at - start == 9 {
                return None;
            }
            nanos = nanos * 10 + u32::from(digit - b'0');
            at += 1;
        }
        let digits = u32::try_from(at - start).ok()?;
        if digits == 0 {
            return None;
        }
        nanos *= 10u32.pow(9 - digits);
    }
    let east_seconds = match bytes.get(at)? {
        b'Z' => {
            at += 1;
            0
        }
        &sign @ (b'+' | b'-') => {
            let (hours, minutes) = (two(at + 1)?, two(at + 4)?);
            if bytes.get(at + 3) != Some(&b':') || hours > 23 || minutes > 59 {
                return None;
            }
            at += 6;
            let seconds = i64::from(hours * 3600 + minutes * 60);
            if sign == b'-' { -seconds } else { seconds }
        }
        _ => return None,
    };
    if at != bytes.len() {
        return None;
    }
    let date = NaiveDate::from_ymd_opt(i32::try_from(year).ok()?, month, day)?;
    // Refuses second 60: chrono keeps a leap second its own way, so it reads those.
    let local = date.and_time(NaiveTime::from_hms_nano_opt(hour, minute, second, nanos)?);
    let utc = match east_seconds {
        0 => local,
        east => local.checked_sub_signed(TimeDelta::seconds(east))?,
    };
    let t = utc.and_utc();
    is_writable(t).then_some(t)
}

/// True when [`Rfc3339`] writes `t` as RFC 3339: its UTC year is 0000–9999.
pub(crate) fn is_writable(t: DateTime<Utc>) -> bool {
    (0..=9999).contains(&t.year())
}

/// Reads integer Unix seconds, as MX's member webhooks send `aggregated_at`.
pub(crate) fn from_unix_seconds(seconds: i64) -> Result<DateTime<Utc>, TimestampError> {
    if !(MIN_UNIX_SECONDS..=MAX_UNIX_SECONDS).contains(&seconds) {
        return Err(TimestampError::OutOfRange);
    }
    DateTime::from_timestamp(seconds, 0).ok_or(TimestampError::OutOfRange)
}

/// Writes an instant as RFC 3339 in UTC with `Z`, with fractional seconds only when they
/// are not zero (`2018-07-18T23:16:40Z`), so writing and reading back loses nothing.
///
/// Writes straight into the formatter, without allocating. Years outside 0000–9999 are
/// written with a sign, as chrono does, and are not RFC 3339: the parser never produces
/// them and `decide` never returns a wait past 9999, but a `DateTime` built in code can be
/// anything.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rfc3339(pub DateTime<Utc>);

impl fmt::Display for Rfc3339 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let t = self.0;
        let year = t.year();
        if (0..=9999).contains(&year) {
            write!(f, "{year:04}")?;
        } else {
            write!(f, "{year:+05}")?;
        }
        // chrono keeps a leap second as second 59 with a billion or more nanoseconds.
        let (second, nanos) = match t.timestamp_subsec_nanos() {
            n if n >= 1_000_000_000 => (60, n - 1_000_000_000),
            n => (t.second(), n),
        };
        write!(
            f,
            "-{:02}-{:02}T{:02}:{:02}:{second:02}",
            t.month(),
            t.day(),
            t.hour(),
            t.minute(),
        )?;
        if nanos == 0 {
        } else if nanos % 1_000_000 == 0 {
            write!(f, ".{:03}", nanos / 1_000_000)?;
        } else if nanos % 1_000 == 0 {
            write!(f, ".{:06}", nanos / 1_000)?;
        } else {
            write!(f, ".{nanos:09}")?;
        }
        f.write_str("Z")
    }
}

/// [`Rfc3339`] as a `String`.
pub fn to_rfc3339(t: DateTime<Utc>) -> String {
    Rfc3339(t).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_every_form_mx_sends() {
        let z = parse_rfc3339("2020-09-21T19:48:57Z").unwrap();
        assert_eq!(parse_rfc3339("2020-09-21T19:48:57.000Z").unwrap(), z);
        assert_eq!(parse_rfc3339("2020-09-21T13:48:57-06:00").unwrap(), z);
        assert_eq!(parse_rfc3339("2020-09-21T19:48:57+00:00").unwrap(), z);
        assert_eq!(parse_rfc3339("2020-09-21T19:48:57-00:00").unwrap(), z);
        assert_eq!(from_unix_seconds(z.timestamp()).unwrap(), z);
    }

    #[test]
    fn rejects_what_is_not_a_timestamp() {
        for bad in [
            "",
            "last tuesday",
            "2020-09-21",
            "2020-09-21T19:48:57",
            "1531947410",
        ] {
            assert_eq!(
                parse_rfc3339(bad),
                Err(TimestampError::NotRfc3339),
                "{bad:?}"
            );
        }
        assert_eq!(
            from_unix_seconds(MAX_UNIX_SECONDS + 1),
            Err(TimestampError::OutOfRange)
        );
        assert_eq!(
            from_unix_seconds(MIN_UNIX_SECONDS - 1),
            Err(TimestampError::OutOfRange)
        );
        assert_eq!(from_unix_seconds(i64::MAX), Err(TimestampError::OutOfRange));
    }

    #[test]
    fn the_range_limits_are_writable_and_readable() {
        for s in [MIN_UNIX_SECONDS, MAX_UNIX_SECONDS] {
            let t = from_unix_seconds(s).unwrap();
            assert_eq!(parse_rfc3339(&to_rfc3339(t)).unwrap(), t);
        }
        assert_eq!(
            to_rfc3339(from_unix_seconds(0).unwrap()),
            "1970-01-01T00:00:00Z"
        );
        let t = parse_rfc3339("2016-10-13T18:07:57.120Z").unwrap();
        assert_eq!(to_rfc3339(t), "2016-10-13T18:07:57.120Z");
        let t = parse_rfc3339("2016-10-13T18:07:57.000001Z").unwrap();
        assert_eq!(to_rfc3339(t), "2016-10-13T18:07:57.000001Z");
        let t = parse_rfc3339("2016-10-13T18:07:57.123456789Z").unwrap();
        assert_eq!(to_rfc3339(t), "2016-10-13T18:07:57.123456789Z");
        // chrono's own writer agrees wherever RFC 3339 can write the instant.
        assert_eq!(
            to_rfc3339(t),
            t.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true)
        );
    }

    #[test]
    fn text_timestamps_are_rfc_3339_or_unix_seconds() {
        let t = parse_rfc3339("2018-07-18T21:56:50Z").unwrap();
        assert_eq!(parse_mx_timestamp("2018-07-18T21:56:50Z"), Ok(t));
        assert_eq!(parse_mx_timestamp("2018-07-18T15:56:50-06:00"), Ok(t));
        assert_eq!(parse_mx_timestamp("1531951010"), Ok(t));
        assert_eq!(parse_mx_timestamp("-1"), Ok(from_unix_seconds(-1).unwrap()));
        assert_eq!(
            parse_mx_timestamp(&(MAX_UNIX_SECONDS + 1).to_string()),
            Err(TimestampError::OutOfRange)
        );
        for bad in [
            "",
            " 1531951010",
            "1531951010.5",
            "2018-07-18",
            "last tuesday",
        ] {
            assert_eq!(
                parse_mx_timestamp(bad),
                Err(TimestampError::NotRfc3339),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn offsets_that_leave_the_writable_years_are_out_of_range() {
        for text in [
            "9999-12-31T23:59:59-23:59",
            "9999-12-31T23:30:00-00:31",
            "0000-01-01T00:00:00+05:00",
            "0000-01-01T00:59:59+01:00",
        ] {
            assert_eq!(
                parse_rfc3339(text),
                Err(TimestampError::OutOfRange),
                "{text}"
            );
            assert_eq!(
                parse_mx_timestamp(text),
                Err(TimestampError::OutOfRange),
                "{text}"
            );
        }
        for text in [
            "9999-12-31T23:59:59+23:59",
            "9999-12-31T23:59:59.999999999Z",
            "0000-01-01T00:00:00-05:00",
            "0000-01-01T00:00:00Z",
        ] {
            let t = parse_rfc3339(text).unwrap();
            assert!(is_writable(t), "{text}");
            assert_eq!(parse_rfc3339(&to_rfc3339(t)), Ok(t), "{text}");
        }
    }

    #[test]
    fn a_leap_second_is_written_as_second_60() {
        let t = parse_rfc3339("2016-12-31T23:59:60.5Z").unwrap();
        assert_eq!(to_rfc3339(t), "2016-12-31T23:59:60.500Z");
        assert_eq!(parse_rfc3339(&to_rfc3339(t)).unwrap(), t);
    }
}
