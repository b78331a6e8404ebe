//! Timestamps in the form MX writes are read without chrono's general parser; anything
//! else goes to chrono. Both must read alike: the same instant (to the nanosecond), or the
//! same error. The reference is chrono's `parse_from_rfc3339` with the crate's rule that
//! an instant must lie in the years 0000–9999. Checked on generated timestamps with every
//! field in and out of range, every separator and offset form, fractions of any length,
//! whole or broken by a random edit.

use mx_aggregation::parse_mx_timestamp;
use mx_aggregation_tooling::fuzzing::chrono_reading;
use proptest::prelude::*;

fn assert_agree(text: &str) {
    // Integer text is Unix seconds, not RFC 3339: another rule.
    if text.parse::<i64>().is_ok() {
        return;
    }
    assert_eq!(
        parse_mx_timestamp(text),
        chrono_reading(text),
        "on {text:?}"
    );
}

#[test]
fn mx_forms_and_edges_read_alike() {
    let cases = [
        "2016-10-13T18:07:57.000Z",
        "2020-09-21T19:48:57Z",
        "2015-06-19T10:37:04-06:00",
        "2015-06-19T10:37:04+00:00",
        "2015-06-19T10:37:04-00:00",
        "2015-06-19T10:37:04.1+05:30",
        "2015-06-19T10:37:04.123456789Z",
        "2015-06-19T10:37:04.1234567891Z",
        "2015-06-19T10:37:04.Z",
        "2015-06-19t10:37:04z",
        "2015-06-19 10:37:04Z",
        "2016-12-31T23:59:60Z",
        "2015-06-30T23:59:60.5Z",
        "2015-02-29T00:00:00Z",
        "2016-02-29T00:00:00Z",
        "1900-02-29T00:00:00Z",
        "2000-02-29T00:00:00Z",
        "2015-04-31T00:00:00Z",
        "2015-13-01T00:00:00Z",
        "2015-00-01T00:00:00Z",
        "2015-01-00T00:00:00Z",
        "2015-01-01T24:00:00Z",
        "2015-01-01T23:60:00Z",
        "2015-01-01T23:59:61Z",
        "2015-01-01T00:00:00+24:00",
        "2015-01-01T00:00:00+23:60",
        "2015-01-01T00:00:00+2300",
        "2015-01-01T00:00:00+23",
        "0000-01-01T00:00:00Z",
        "0000-01-01T00:00:00+00:01",
        "0000-01-01T00:00:00-00:01",
        "9999-12-31T23:59:59.999999999Z",
        "9999-12-31T23:59:59-00:01",
        "9999-12-31T23:59:59+23:59",
        "10000-01-01T00:00:00Z",
        "999-01-01T00:00:00Z",
        "+2015-01-01T00:00:00Z",
        "2015-1-01T00:00:00Z",
        "2015-01-01T00:00:00",
        "2015-01-01",
        "2015-01-01T00:00:00Z ",
        " 2015-01-01T00:00:00Z",
        "2015-01-01T00:00:00ZZ",
        "2015-01-01T00:00:00.Z",
        "2015-01-01T00:00:00,5Z",
        "２015-01-01T00:00:00Z",
        "",
    ];
    for case in cases {
        assert_agree(case);
    }
}

fn digits(n: u32, width: usize) -> String {
    format!("{n:0width$}")
}

prop_compose! {
    fn timestamp()(
        year in prop_oneof![8 => 0u32..=9999, 1 => Just(0u32), 1 => Just(9999u32), 1 => 10_000u32..10_100],
        year_width in prop_oneof![8 => Just(4usize), 1 => 3usize..=5],
        month in prop_oneof![8 => 1u32..=12, 1 => 0u32..=13],
        day in prop_oneof![8 => 1u32..=28, 2 => 28u32..=31, 1 => 0u32..=32],
        hour in prop_oneof![8 => 0u32..=23, 1 => 0u32..=25],
        minute in prop_oneof![8 => 0u32..=59, 1 => 0u32..=61],
        second in prop_oneof![8 => 0u32..=59, 2 => 58u32..=61],
        separator in proptest::sample::select(vec!["T", "T", "T", "t", " ", "_"]),
        fraction in prop_oneof![3 => Just(None), 3 => proptest::option::of("[0-9]{1,12}"), 1 => Just(Some(String::new()))],
        zone in prop_oneof![
            3 => Just("Z".to_owned()),
            1 => Just("z".to_owned()),
            3 => (proptest::sample::select(vec!['+', '-']), 0u32..=25, 0u32..=61)
                .prop_map(|(sign, h, m)| format!("{sign}{h:02}:{m:02}")),
            1 => (proptest::sample::select(vec!['+', '-']), 0u32..=25, 0u32..=61)
                .prop_map(|(sign, h, m)| format!("{sign}{h:02}{m:02}")),
            1 => Just(String::new()),
        ],
    ) -> String {
        let fraction = fraction.map_or(String::new(), |f| format!(".{f}"));
        format!(
            "{}-{}-{}{separator}{}:{}:{}{fraction}{zone}",
            digits(year, year_width), digits(month, 2), digits(day, 2),
            digits(hour, 2), digits(minute, 2), digits(second, 2),
        )
    }
}

/// Deletes, replaces or inserts one character, or keeps the text.
fn edit(text: &str, kind: u8, at: usize, with: char) -> String {
    let mut chars: Vec<char> = text.chars().collect();
    let len = chars.len();
    match kind % 4 {
        0 if len > 0 => {
            chars.remove(at % len);
        }
        1 if len > 0 => chars[at % len] = with,
        2 => chars.insert(at % (len + 1), with),
        _ => {}
    }
    chars.into_iter().collect()
}

proptest! {
    #[test]
    fn generated_timestamps_read_alike(
        text in timestamp(),
        kind in 0u8..8,
        at in any::<usize>(),
        with in proptest::sample::select(vec!['0', '9', '-', ':', '.', 'T', 'Z', '+', ' ', '٣']),
    ) {
        let text = edit(&text, kind, at, with);
        if text.parse::<i64>().is_err() {
            prop_assert_eq!(parse_mx_timestamp(&text), chrono_reading(&text), "on {:?}", text);
        }
    }
}
