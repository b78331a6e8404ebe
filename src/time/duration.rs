//! Durations as people write them: `45s`, `90m`, `3h`, `2d`, `1h30m`; read from the
//! command line's policy flags, written in explanations and the generated docs.
//!
//! Written by hand rather than with a crate: the grammar is four units and whole numbers,
//! and the policy's durations need nothing finer than a second.

use std::fmt;
use std::str::FromStr;
use std::time::Duration;

/// A whole number of seconds, read and written as `2d`, `3h`, `1h30m`, `45s` or `0s`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HumanDuration(pub Duration);

/// The units, largest first, with their length in seconds.
const UNITS: [(char, u64); 4] = [('d', 86_400), ('h', 3_600), ('m', 60), ('s', 1)];

/// Why a duration could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DurationError {
    /// Nothing was given.
    #[error("expected a duration such as 90m, 3h or 1h30m, got nothing")]
    Empty,
    /// A number without a unit, e.g. `90`.
    #[error("{0:?} has no unit: write s, m, h or d after the number (e.g. 90m)")]
    MissingUnit(String),
    /// Something other than digits followed by `d`, `h`, `m` or `s`.
    #[error(
        "{0:?} is not a duration: expected numbers with units s, m, h or d, such as 90m, 3h or 1h30m"
    )]
    Malformed(String),
    /// Units repeated or out of order, e.g. `30m1h`.
    #[error("{0:?}: write each unit once, largest first (e.g. 1h30m)")]
    UnitOrder(String),
    /// More seconds than a `u64` holds.
    #[error("{0:?} is too long")]
    TooLong(String),
}

impl FromStr for HumanDuration {
    type Err = DurationError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        if text.is_empty() {
            return Err(DurationError::Empty);
        }
        let mut rest = text;
        let mut total: u64 = 0;
        // Index into UNITS of the smallest unit allowed next.
        let mut next_unit = 0;
        while !rest.is_empty() {
            let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
            let (number, after) = rest.split_at(digits);
            let Some(unit) = after.chars().next() else {
                return Err(DurationError::MissingUnit(text.to_owned()));
            };
            let Some(index) = UNITS.iter().position(|&(u, _)| u == unit) else {
                return Err(DurationError::Malformed(text.to_owned()));
            };
            if number.is_empty() {
                return Err(DurationError::Malformed(text.to_owned()));
            }
            if index < next_unit {
                return Err(DurationError::UnitOrder(text.to_owned()));
            }
            let too_long = || DurationError::TooLong(text.to_owned());
            let count: u64 = number.parse().map_err(|_| too_long())?;
            total = count
                .checked_mul(UNITS[index].1)
                .and_then(|seconds| total.checked_add(seconds))
                .ok_or_else(too_long)?;
            next_unit = index + 1;
            rest = &after[unit.len_utf8()..];
        }
        Ok(Self(Duration::from_secs(total)))
    }
}

impl fmt::Display for HumanDuration {
    /// Whole seconds in the largest units first (`1h30m`), `0s` for zero; a fraction of a
    /// second is rounded up, so a wait is never shown shorter than it is.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let d = self.0;
        let mut seconds = d.as_secs().saturating_add(u64::from(d.subsec_nanos() > 0));
        if seconds == 0 {
            return f.write_str("0s");
        }
        for (unit, length) in UNITS {
            if seconds >= length {
                write!(f, "{}{unit}", seconds / length)?;
                seconds %= length;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<u64, DurationError> {
        text.parse::<HumanDuration>().map(|d| d.0.as_secs())
    }

    #[test]
    fn reads_each_unit_and_combinations() {
        assert_eq!(parse("45s"), Ok(45));
        assert_eq!(parse("90m"), Ok(5_400));
        assert_eq!(parse("3h"), Ok(10_800));
        assert_eq!(parse("2d"), Ok(172_800));
        assert_eq!(parse("1h30m"), Ok(5_400));
        assert_eq!(parse("1d2h3m4s"), Ok(93_784));
        assert_eq!(parse("0s"), Ok(0));
        assert_eq!(parse("007m"), Ok(420));
    }

    #[test]
    fn rejects_what_is_not_a_duration() {
        assert_eq!(parse(""), Err(DurationError::Empty));
        assert_eq!(parse("90"), Err(DurationError::MissingUnit("90".into())));
        assert_eq!(
            parse("1h30"),
            Err(DurationError::MissingUnit("1h30".into()))
        );
        for bad in [
            "h", "3x", "3 h", " 3h", "3h ", "-3h", "3.5h", "3H", "1hm", "３h",
        ] {
            assert_eq!(
                parse(bad),
                Err(DurationError::Malformed(bad.into())),
                "{bad:?}"
            );
        }
        for bad in ["30m1h", "1h1h", "5s1d"] {
            assert_eq!(
                parse(bad),
                Err(DurationError::UnitOrder(bad.into())),
                "{bad:?}"
            );
        }
        for bad in [
            "213503982334602d",
            "18446744073709551616s",
            "1d18446744073709551615s",
        ] {
            assert_eq!(
                parse(bad),
                Err(DurationError::TooLong(bad.into())),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn errors_say_what_to_write() {
        assert_eq!(
            parse("90").unwrap_err().to_string(),
            "\"90\" has no unit: write s, m, h or d after the number (e.g. 90m)"
        );
    }

    #[test]
    fn writes_largest_units_first_and_reads_back() {
        for (seconds, text) in [
            (0, "0s"),
            (3, "3s"),
            (5_400, "1h30m"),
            (10_800, "3h"),
            (86_400, "1d"),
            (93_784, "1d2h3m4s"),
            (u64::MAX, "213503982334601d7h15s"),
        ] {
            let d = HumanDuration(Duration::from_secs(seconds));
            assert_eq!(d.to_string(), text);
            assert_eq!(text.parse(), Ok(d));
        }
        assert_eq!(
            HumanDuration(Duration::from_millis(2_001)).to_string(),
            "3s"
        );
    }
}
