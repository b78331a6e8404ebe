//! The `Retry-After` header: delay-seconds or an HTTP-date (RFC 9110 §10.2.3).
//!
//! MX's errors page asks for a retry "once the rate limit window has expired" after a `429`
//! (ERR \[V\]) without saying how long that is, so the header, when MX sends one, is the
//! only statement of it. Both forms are read without allocating: delay-seconds
//! (`1*DIGIT`) and the HTTP-date forms RFC 9110 §5.6.7 asks recipients to accept: the
//! preferred IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`), checked byte by byte here, and
//! the obsolete RFC 850 and asctime forms, read with chrono's format parser.

use std::time::Duration;

use chrono::{DateTime, Datelike, NaiveDate, NaiveDateTime, Utc};

/// The delay a `Retry-After` value asks for, as of `now`: `None` when the value is neither
/// form (the caller falls back to its default). A date in the past asks for no delay.
/// Delay-seconds too large for `u64` saturate.
pub(crate) fn retry_after_delay(value: &str, now: DateTime<Utc>) -> Option<Duration> {
    let value = value.trim_matches([' ', '\t']);
    if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) {
        let seconds = value
            .bytes()
            .try_fold(0u64, |n, d| {
                n.checked_mul(10)?.checked_add(u64::from(d - b'0'))
            })
            .unwrap_or(u64::MAX);
        return Some(Duration::from_secs(seconds));
    }
    let date = parse_http_date(value)?;
    Some(
        date.signed_duration_since(now)
            .to_std()
            .unwrap_or(Duration::ZERO),
    )
}

/// Reads an HTTP-date in any of RFC 9110's three forms.
pub(crate) fn parse_http_date(value: &str) -> Option<DateTime<Utc>> {
    let naive = imf_fixdate(value.as_bytes())
        .or_else(|| NaiveDateTime::parse_from_str(value, "%A, %d-%b-%y %H:%M:%S GMT").ok())
        .or_else(|| NaiveDateTime::parse_from_str(value, "%a %b %e %H:%M:%S %Y").ok())?;
    Some(naive.and_utc())
}

const DAYS: [&[u8; 3]; 7] = [b"Mon", b"Tue", b"Wed", b"Thu", b"Fri", b"Sat", b"Sun"];
const MONTHS: [&[u8; 3]; 12] = [
    b"Jan", b"Feb", b"Mar", b"Apr", b"May", b"Jun", b"Jul", b"Aug", b"Sep", b"Oct", b"Nov", b"Dec",
];

/// `IMF-fixdate = day-name "," SP 2DIGIT SP month SP 4DIGIT SP 2DIGIT ":" 2DIGIT ":"
/// 2DIGIT SP "GMT"`: exactly 29 bytes, case-sensitive, and the day name must be the
/// date's weekday. A leap second (`:60`) is read as the second before it.
fn imf_fixdate(b: &[u8]) -> Option<NaiveDateTime> {
    let b: &[u8; 29] = b.try_into().ok()?;
    let fixed = [(3, b','), (4, b' '), (7, b' '), (11, b' '), (16, b' ')];
    let fixed_ok = fixed.iter().all(|&(i, c)| b[i] == c)
        && b[19] == b':'
        && b[22] == b':'
        && &b[25..] == b" GMT";
    if !fixed_ok {
        return None;
    }
    let day_name = DAYS.iter().position(|d| d[..] == b[0..3])?;
    let month = MONTHS.iter().position(|m| m[..] == b[8..11])?;
    let day = digits(&b[5..7])?;
    let year = digits(&b[12..16])?;
    let (hour, minute, second) = (
        digits(&b[17..19])?,
        digits(&b[20..22])?,
        digits(&b[23..25])?,
    );
    let date = NaiveDate::from_ymd_opt(i32::try_from(year).ok()?, month as u32 + 1, day)?;
    if date.weekday().num_days_from_monday() as usize != day_name {
        return None;
    }
    date.and_hms_opt(hour, minute, second.min(59))
        .filter(|_| second <= 60)
}

fn digits(b: &[u8]) -> Option<u32> {
    b.iter().try_fold(0u32, |n, &d| {
        d.is_ascii_digit().then(|| n * 10 + u32::from(d - b'0'))
    })
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(1994, 11, 6, 8, 49, 0).unwrap()
    }

    #[test]
    fn reads_rfc_9110s_example_in_every_form() {
        let at = Utc.with_ymd_and_hms(1994, 11, 6, 8, 49, 37).unwrap();
        assert_eq!(parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT"), Some(at));
        assert_eq!(parse_http_date("Sunday, 06-Nov-94 08:49:37 GMT"), Some(at));
        assert_eq!(parse_http_date("Sun Nov  6 08:49:37 1994"), Some(at));
        let secs = retry_after_delay("Sun, 06 Nov 1994 08:49:37 GMT", now());
        assert_eq!(secs, Some(Duration::from_secs(37)));
    }

    #[test]
    fn rejects_near_misses_of_imf_fixdate() {
        for bad in [
            "Mon, 06 Nov 1994 08:49:37 GMT", // wrong weekday
            "sun, 06 Nov 1994 08:49:37 GMT", // case-sensitive
            "Sun, 06 Nov 1994 08:49:37 UTC",
            "Sun, 6 Nov 1994 08:49:37 GMT",
            "Sun, 31 Nov 1994 08:49:37 GMT",
            "Sun, 06 Nov 1994 24:49:37 GMT",
            "Sun, 06 Nov 1994 08:49:61 GMT",
            "Sun, 06 Nov 1994 08:49:37 GMT,",
            "",
            "-1",
            "+5",
            "1.5",
        ] {
            assert_eq!(retry_after_delay(bad, now()), None, "{bad:?}");
        }
    }

    #[test]
    fn seconds_saturate_and_past_dates_ask_for_no_delay() {
        assert_eq!(
            retry_after_delay(" 120\t", now()),
            Some(Duration::from_secs(120))
        );
        assert_eq!(
            retry_after_delay("99999999999999999999999", now()),
            Some(Duration::from_secs(u64::MAX))
        );
        assert_eq!(
            retry_after_delay("Sat, 05 Nov 1994 08:49:37 GMT", now()),
            Some(Duration::ZERO)
        );
    }

    #[test]
    fn a_leap_second_reads_as_the_second_before() {
        let at = Utc.with_ymd_and_hms(2016, 12, 31, 23, 59, 59).unwrap();
        assert_eq!(parse_http_date("Sat, 31 Dec 2016 23:59:60 GMT"), Some(at));
    }
}
