//! One line of `mx-aggregation batch`: member JSON in, one JSON line out, no IO.
//!
//! The command-line tool reads lines and writes bytes; everything between, for every line,
//! is [`triage_line`], so the fuzz targets and the tests drive exactly the code path that
//! `batch` runs. Each non-blank line gives exactly one output line, in one of two shapes:
//!
//! ```json
//! {"guid":"MBR-1","action":"wait","until":"2018-07-18T23:16:40Z","reason":"cooldown","requires_end_user":false}
//! {"line":3,"error":"unknown connection_status \"TELEPORTED\"","guid":"MBR-2"}
//! ```
//!
//! The first is the [`Decision`] JSON with `"guid"` first when the member names one
//! (`guid`, or a webhook's `member_guid`); the second says which input line could not be
//! decided and why, in [`SnapshotError`]'s words, with `"guid"` when the line could be
//! read that far. [`write_decision`] writes the first shape alone, for `decide`.

use std::convert::Infallible;
use std::fmt;
use std::io::Write as _;

use chrono::{DateTime, Utc};
use serde::Serialize;
use serde::ser::{SerializeMap, Serializer};

use crate::decide::rules::decide_with;
use crate::model::decision::{Decision, JsonEntry};
use crate::model::end_user::EndUser;
use crate::model::policy::Policy;
use crate::read::member_json::{MemberJson, SnapshotError};
use crate::time::timestamp::Rfc3339;

/// What became of one input line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[must_use = "the outcome says whether the line was decided; batch's exit status depends on it"]
pub enum LineOutcome {
    /// The line is empty or only whitespace; nothing was written.
    Blank,
    /// The member was decided; its decision line was written.
    Decided(Decision),
    /// The line could not be decided; its error line was written.
    Failed,
}

/// Triages one line of JSON Lines input, deciding for `end_user`: appends exactly one line
/// (ending in `\n`) to `out` for a line holding anything but whitespace, and nothing for a
/// blank one. A line that is not a member payload (`{}`, a page of members, a user) gets
/// an error line naming what it is.
///
/// `line` may end with its `\n` or `\r\n`, or not; bytes that are not UTF-8 give an error
/// line. `line_no` counts input lines from 1, blank lines included, and is written only
/// into error lines. Never panics. Allocates only when `out` grows, for a string field
/// holding escapes (the others are borrowed from `line`) and for an error's message.
///
/// ```
/// use chrono::{TimeZone, Utc};
/// use mx_aggregation::{EndUser, Policy};
/// use mx_aggregation::batch::{LineOutcome, triage_line};
///
/// let now = Utc.with_ymd_and_hms(2026, 11, 24, 12, 0, 0).unwrap();
/// let mut out = Vec::new();
/// let (policy, present) = (Policy::default(), EndUser::Present);
/// let good = br#"{"guid": "MBR-1", "connection_status": "CHALLENGED"}"#;
/// let bad = br#"{"guid": "MBR-2", "connection_status": "TELEPORTED"}"#;
/// assert!(matches!(triage_line(good, 1, now, &policy, present, &mut out), LineOutcome::Decided(_)));
/// assert_eq!(triage_line(b"   \n", 2, now, &policy, present, &mut out), LineOutcome::Blank);
/// assert_eq!(triage_line(bad, 3, now, &policy, present, &mut out), LineOutcome::Failed);
/// assert_eq!(triage_line(b"{}", 4, now, &policy, present, &mut out), LineOutcome::Failed);
/// assert_eq!(
///     String::from_utf8(out).unwrap(),
///     concat!(
///         r#"{"guid":"MBR-1","action":"answer_mfa","reason":"mfa_challenge","requires_end_user":true}"#, "\n",
///         r#"{"line":3,"error":"unknown connection_status \"TELEPORTED\"","guid":"MBR-2"}"#, "\n",
///         r#"{"line":4,"error":"not a member payload: an empty object"}"#, "\n",
///     )
/// );
/// ```
pub fn triage_line(
    line: &[u8],
    line_no: u64,
    now: DateTime<Utc>,
    policy: &Policy,
    end_user: EndUser,
    out: &mut Vec<u8>,
) -> LineOutcome {
    let line = line
        .strip_suffix(b"\n")
        .map_or(line, |line| line.strip_suffix(b"\r").unwrap_or(line));
    if line.trim_ascii().is_empty() {
        return LineOutcome::Blank;
    }
    // Without its line ending, serde_json's positions are "line 1 column N" of this line.
    let member = match MemberJson::parse_bytes(line) {
        Ok(member) => member,
        Err(error) => {
            write_error(out, line_no, None, &error);
            return LineOutcome::Failed;
        }
    };
    let guid = member.guid();
    match member.snapshot() {
        Ok(snapshot) => {
            let decision = decide_with(&snapshot, now, policy, end_user);
            write_decision(out, guid, &decision);
            LineOutcome::Decided(decision)
        }
        Err(error) => {
            write_error(out, line_no, guid, &error);
            LineOutcome::Failed
        }
    }
}

/// Appends the decision's JSON line to `out`: the [`Decision`] object, with `"guid"` first
/// when there is one, and `\n`. The one writer of both `batch`'s and `decide --format
/// json`'s output.
///
/// ```
/// use mx_aggregation::{Decision, NextAction, Reason};
/// use mx_aggregation::batch::write_decision;
///
/// let decision = Decision { action: NextAction::Poll { after_secs: 3 }, reason: Reason::AggregationInProgress };
/// let mut out = Vec::new();
/// write_decision(&mut out, Some("MBR-1"), &decision);
/// assert_eq!(
///     out,
///     b"{\"guid\":\"MBR-1\",\"action\":\"poll\",\"after_secs\":3,\"reason\":\"aggregation_in_progress\",\"requires_end_user\":false}\n"
/// );
/// ```
pub fn write_decision(out: &mut Vec<u8>, guid: Option<&str>, decision: &Decision) {
    // Written byte by byte rather than through serde_json, which escapes every key and
    // name it writes: for most members this line costs more than deciding them. The bytes
    // are serde_json's all the same (`tests/decision_line_bytes.rs` compares them).
    out.push(b'{');
    if let Some(guid) = guid {
        out.extend_from_slice(b"\"guid\":");
        write_json_str(out, guid);
        out.push(b',');
    }
    // Every entry is followed by a comma; the last one's becomes the closing brace.
    let _ = decision.try_for_each_json_entry(|key, value| {
        out.push(b'"');
        out.extend_from_slice(key.as_bytes());
        out.extend_from_slice(b"\":");
        match value {
            JsonEntry::Name(name) => {
                out.push(b'"');
                out.extend_from_slice(name.as_bytes());
                out.push(b'"');
            }
            JsonEntry::Secs(secs) => write_u64(out, secs),
            JsonEntry::Time(t) => {
                out.push(b'"');
                // Writing into a `Vec` cannot fail.
                let _ = write!(out, "{}", Rfc3339(t));
                out.push(b'"');
            }
            JsonEntry::Flag(flag) => out.extend_from_slice(if flag { b"true" } else { b"false" }),
        }
        out.push(b',');
        Ok::<(), Infallible>(())
    });
    out.pop();
    out.extend_from_slice(b"}\n");
}

/// Appends `s` as a JSON string: as it is when nothing in it needs an escape (a GUID never
/// does), else as serde_json escapes it.
fn write_json_str(out: &mut Vec<u8>, s: &str) {
    // Without an early exit, so the compiler can check many bytes at once.
    let plain = s.bytes().fold(true, |plain, b| {
        plain & (b >= 0x20) & (b != b'"') & (b != b'\\')
    });
    if plain {
        out.push(b'"');
        out.extend_from_slice(s.as_bytes());
        out.push(b'"');
    } else if serde_json::to_writer(&mut *out, s).is_err() {
        // Serializing a string into a `Vec` cannot fail; should it, the line stays JSON.
        out.extend_from_slice(b"null");
    }
}

/// Appends `n` in decimal.
fn write_u64(out: &mut Vec<u8>, mut n: u64) {
    let mut digits = [0u8; 20];
    let mut start = digits.len();
    loop {
        start -= 1;
        // `n % 10` is a single digit.
        digits[start] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.extend_from_slice(&digits[start..]);
}

/// Answers an input line longer than `limit` bytes, which the reader skipped instead of
/// buffering: appends `{"line": N, "error": "line longer than … bytes: skipped"}` and
/// returns [`LineOutcome::Failed`]. With it `batch` keeps its memory bounded whatever the
/// input, and still writes exactly one line per input line.
///
/// ```
/// use mx_aggregation::batch::{LineOutcome, overlong_line};
///
/// let mut out = Vec::new();
/// assert_eq!(overlong_line(7, 16 << 20, &mut out), LineOutcome::Failed);
/// assert_eq!(out, b"{\"line\":7,\"error\":\"line longer than 16777216 bytes: skipped\"}\n");
/// ```
pub fn overlong_line(line_no: u64, limit: usize, out: &mut Vec<u8>) -> LineOutcome {
    let message = format_args!("line longer than {limit} bytes: skipped");
    write_line(
        out,
        &ErrorLine {
            line: line_no,
            error: &message,
            guid: None,
        },
    );
    LineOutcome::Failed
}

/// Appends the error line of input line `line_no` to `out`.
fn write_error(out: &mut Vec<u8>, line_no: u64, guid: Option<&str>, error: &SnapshotError) {
    write_line(
        out,
        &ErrorLine {
            line: line_no,
            error,
            guid,
        },
    );
}

/// Appends `value` as compact JSON and `\n`.
///
/// Serializing into a `Vec` cannot fail: its writes cannot fail, and the values here hold
/// only string keys, strings, integers and booleans. Should it fail all the same, the
/// partial JSON is removed so the output never holds half a line.
fn write_line(out: &mut Vec<u8>, value: &impl Serialize) {
    let start = out.len();
    if serde_json::to_writer(&mut *out, value).is_err() {
        out.truncate(start);
        out.extend_from_slice(br#"{"error":"internal error: could not write JSON"}"#);
    }
    out.push(b'\n');
}

/// An input line that could not be decided.
struct ErrorLine<'a> {
    line: u64,
    error: &'a dyn fmt::Display,
    guid: Option<&'a str>,
}

impl Serialize for ErrorLine<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("line", &self.line)?;
        map.serialize_entry("error", &Message(self.error))?;
        if let Some(guid) = self.guid {
            map.serialize_entry("guid", guid)?;
        }
        map.end()
    }
}

/// An error's `Display` as a JSON string, written without an intermediate `String`.
struct Message<'a>(&'a dyn fmt::Display);

impl Serialize for Message<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self.0)
    }
}
