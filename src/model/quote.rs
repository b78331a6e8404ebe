//! Values from the input, quoted for error messages or made safe to print.

use std::fmt::{self, Write as _};

/// The most characters of an input string an error message quotes.
const QUOTED_CHARS: usize = 60;

/// A string from the input in an error message: quoted and escaped as Rust's `{:?}` does
/// (so control characters cannot reach a terminal), cut after 60 characters with `…` after
/// the closing quote, so a huge field cannot flood a log line.
pub(crate) struct Shortened<'a>(pub(crate) &'a str);

impl fmt::Display for Shortened<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0.char_indices().nth(QUOTED_CHARS) {
            Some((cut, _)) => write!(f, "{:?}…", &self.0[..cut]),
            None => write!(f, "{:?}", self.0),
        }
    }
}

/// A JSON number that is not a 64-bit integer, as serde_json hands it over (an `f64`),
/// written so that it reads as what was sent: `1795521600.0` keeps its fraction, `-0` is
/// named negative zero, and an integer beyond 64 bits is written out in full and named.
pub(crate) struct Float(pub(crate) f64);

impl fmt::Display for Float {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let x = self.0;
        if x == 0.0 && x.is_sign_negative() {
            f.write_str("-0 (negative zero)")
        } else if x.fract() == 0.0 && x.abs() >= 9_223_372_036_854_775_808.0 && x.abs() < 1e20 {
            // Above i64::MAX, below the point where `{:.0}` gets long: 2^64 is
            // 18446744073709551616 exactly.
            write!(f, "{x:.0} (beyond 64-bit integers)")
        } else if x.fract() == 0.0 && x.abs() >= 1e20 {
            write!(f, "{x:e} (beyond 64-bit integers)")
        } else {
            // Rust's shortest round-trip form always shows a fraction or an exponent.
            write!(f, "{x:?}")
        }
    }
}

/// A string from the input in text meant for a terminal, with its control characters
/// escaped: C0 (ESC, BEL, …), DEL and C1 as `\u{1b}`, tab and line breaks as `\t`, `\n`,
/// `\r`, and the invisible marks that can reorder or hide what a terminal shows (U+200B to
/// U+200F, U+202A to U+202E, U+2066 to U+2069) as `\u{202e}`. Everything else prints as it
/// is, unquoted. A GUID, or any value an attacker can put into a payload, then cannot move
/// the cursor, retitle the window or hide text in `decide --format text`.
pub(crate) struct Escaped<'a>(pub(crate) &'a str);

impl fmt::Display for Escaped<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut rest = self.0;
        while let Some((at, c)) = rest.char_indices().find(|&(_, c)| needs_escape(c)) {
            f.write_str(&rest[..at])?;
            for e in c.escape_default() {
                f.write_char(e)?;
            }
            rest = &rest[at + c.len_utf8()..];
        }
        f.write_str(rest)
    }
}

/// Control characters (Unicode category Cc: C0, DEL, C1) and invisible direction marks.
fn needs_escape(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_strings_are_cut_and_control_characters_escaped() {
        let long = "X".repeat(1_000_000);
        assert_eq!(
            Shortened(&long).to_string(),
            format!("\"{}\"…", "X".repeat(60))
        );
        assert_eq!(Shortened("a\u{1b}b").to_string(), r#""a\u{1b}b""#);
    }

    #[test]
    fn numbers_read_as_sent() {
        assert_eq!(Float(1_795_521_600.0).to_string(), "1795521600.0");
        assert_eq!(Float(-0.0).to_string(), "-0 (negative zero)");
        assert_eq!(
            Float(18_446_744_073_709_551_616.0).to_string(),
            "18446744073709551616 (beyond 64-bit integers)"
        );
        assert_eq!(Float(1e300).to_string(), "1e300 (beyond 64-bit integers)");
        assert_eq!(Float(0.5).to_string(), "0.5");
    }

    #[test]
    fn control_characters_are_escaped_and_the_rest_kept() {
        let shown = Escaped("MBR-\u{1b}]0;x\u{7}-\u{9b}31m-\u{7f}-\t-é-\u{202e}x").to_string();
        assert_eq!(
            shown,
            "MBR-\\u{1b}]0;x\\u{7}-\\u{9b}31m-\\u{7f}-\\t-é-\\u{202e}x"
        );
        assert_eq!(Escaped("MBR-1").to_string(), "MBR-1");
    }
}
