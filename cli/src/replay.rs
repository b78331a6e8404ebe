//! `mx-aggregation replay [FILE|-]`: a log of observations in, one decision per member out.
//!
//! Each input line is `{"received_at": …, "payload": {…}}`, optionally with `"http_status"`
//! and `"call"` (the payload is then MX's answer to that call), `"retry_after"` (the answer's
//! header), `"guid"` (names the member when the payload does not: an error body),
//! `"previous_guid"` (the member replaces that guid: an OAuth re-authorization answered under
//! a new guid) and `"x_callback_payload"` (the header MX echoed on a webhook). Every
//! observation is folded into its member's [`MemberState`] by the library; after the last
//! line, each member's decision is written, in order of first appearance, under its newest
//! guid. Lines that cannot be folded are answered with `{"line": N, "error": "…"}` as they
//! are read, as in `batch`.

use std::collections::HashMap;
use std::io::{self, BufWriter, Write as _};

use chrono::{DateTime, Utc};
use mx_aggregation::batch::write_decision;
use mx_aggregation::lines::{Chunk, Chunker, Line, MAX_LINE_BYTES};
use mx_aggregation::{Answer, Call, MemberState, Observation, parse_mx_timestamp};
use serde::Serialize;

use crate::args::ReplayArgs;
use crate::error::{CliError, Completion};
use crate::input::Input;

/// How much of the log one read takes, as in `batch`.
const READ_BYTES: usize = 1 << 20;

/// One line of the log, as read.
#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct LogLine {
    received_at: Option<serde_json::Value>,
    payload: Option<serde_json::Value>,
    http_status: Option<u16>,
    call: Option<Call>,
    retry_after: Option<String>,
    guid: Option<String>,
    previous_guid: Option<String>,
    x_callback_payload: Option<String>,
}

/// The members seen so far: their states in order of first appearance, and where each
/// guid (current or replaced) leads.
#[derive(Default)]
struct Members {
    states: Vec<MemberState>,
    by_guid: HashMap<String, usize>,
}

/// Folds every line, then writes one decision per member.
pub(super) fn run(args: &ReplayArgs) -> Result<Completion, CliError> {
    let now = args.decision.now();
    let policy = args.decision.policy();
    let end_user = args.decision.end_user();
    let mut input = Input::open(&args.input)?;
    let mut output = BufWriter::new(io::stdout().lock());
    let mut members = Members::default();
    let mut failed = 0u64;
    let mut lines = 0u64;
    // The same reader as batch: blocks of whole lines, a line over the limit answered with
    // an error and skipped, so memory stays bounded whatever the log holds.
    let mut chunker = Chunker::new(READ_BYTES, MAX_LINE_BYTES);
    let mut fold_chunk = |chunk: &Chunk, output: &mut BufWriter<_>| -> Result<(), CliError> {
        for (line_no, line) in chunk.lines() {
            lines = line_no;
            let result = match line {
                Line::Text(text) if text.trim_ascii().is_empty() => continue,
                Line::Text(text) => fold_line(text, &mut members, &policy),
                Line::TooLong => Err(LineError::new(format!(
                    "line longer than {MAX_LINE_BYTES} bytes: skipped"
                ))),
            };
            if let Err(error) = result {
                failed += 1;
                let mut out = serde_json::to_vec(&error.at(line_no)).unwrap_or_default();
                out.push(b'\n');
                output.write_all(&out).map_err(CliError::stdout)?;
            }
        }
        Ok(())
    };
    loop {
        let read = input
            .source
            .read_some(chunker.space())
            .map_err(|error| input.read_error(error))?;
        if read == 0 {
            break;
        }
        chunker.filled(read);
        while let Some(chunk) = chunker.take() {
            fold_chunk(&chunk, &mut output)?;
            chunker.recycle(chunk);
        }
    }
    if let Some(chunk) = chunker.finish() {
        fold_chunk(&chunk, &mut output)?;
    }
    let line_no = lines;
    let mut out = Vec::new();
    for state in &members.states {
        write_decision(
            &mut out,
            state.guid(),
            &state.decide(now, &policy, end_user),
        );
    }
    output.write_all(&out).map_err(CliError::stdout)?;
    output.flush().map_err(CliError::stdout)?;
    let _ = writeln!(
        io::stderr(),
        "lines read: {line_no}, members: {}, lines failed: {failed}",
        members.states.len()
    );
    Ok(if failed > 0 {
        Completion::SomeUndecided
    } else {
        Completion::Done
    })
}

/// Why a line was not folded, and the member it named, if it got that far.
struct LineError {
    error: String,
    guid: Option<String>,
}

impl LineError {
    fn new(error: impl Into<String>) -> Self {
        Self {
            error: error.into(),
            guid: None,
        }
    }

    fn at(self, line: u64) -> ErrorLine {
        ErrorLine {
            line,
            error: self.error,
            guid: self.guid,
        }
    }
}

/// `{"line": N, "error": "…", "guid": "…"}`, as `batch` writes it.
#[derive(Serialize)]
struct ErrorLine {
    line: u64,
    error: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    guid: Option<String>,
}

fn fold_line(
    text: &[u8],
    members: &mut Members,
    policy: &mx_aggregation::Policy,
) -> Result<(), LineError> {
    let text = std::str::from_utf8(text)
        .map_err(|e| LineError::new(format!("invalid UTF-8 at byte offset {}", e.valid_up_to())))?;
    let log: LogLine =
        serde_json::from_str(text).map_err(|e| LineError::new(format!("invalid line: {e}")))?;
    let received_at = received_at(log.received_at.as_ref())?;
    let payload = log
        .payload
        .as_ref()
        .ok_or_else(|| LineError::new("payload: missing"))?
        .to_string();
    let observation = match (log.call, log.http_status) {
        (None, None) => Observation::from_json(&payload),
        (Some(call), status) => {
            let answer = Answer::Response {
                status: status.unwrap_or(200),
                body: &payload,
                retry_after: log.retry_after.as_deref(),
            };
            let outcome = call.classify(&answer, 1, received_at, policy);
            Observation::from_answer(call, &answer, outcome)
        }
        (None, Some(_)) => {
            return Err(LineError::new(
                "http_status without call: name the call it answers (create, read, status, \
                 aggregate, verify, identify, resume, update, oauth_window_uri, challenges)",
            ));
        }
    };
    let named = log.guid.as_deref();
    let mut observation = observation.map_err(|e| LineError {
        error: e.to_string(),
        guid: named.map(str::to_owned),
    })?;
    if let Some(guid) = named {
        observation = observation.with_guid(guid);
    }
    if let Some(previous) = log.previous_guid.as_deref() {
        observation = observation.with_previous_guid(previous);
    }
    if let Some(header) = log.x_callback_payload.as_deref() {
        observation = observation.with_callback_payload(header);
    }
    let Some(guid) = observation.guid() else {
        return Err(LineError::new(
            "the observation names no member: the payload has no guid or member_guid; add \
             \"guid\" to the line",
        ));
    };
    let slot = members.slot(guid, observation.previous_guid())?;
    let state = &mut members.states[slot];
    match state.apply(&observation, received_at) {
        mx_aggregation::Applied::OutOfRange => Err(LineError {
            error: "a time is outside the years 0000-9999".to_owned(),
            guid: Some(guid.to_owned()),
        }),
        mx_aggregation::Applied::Changed
        | mx_aggregation::Applied::Unchanged
        | mx_aggregation::Applied::Stale
        | mx_aggregation::Applied::OtherMember => {
            members.by_guid.entry(guid.to_owned()).or_insert(slot);
            Ok(())
        }
    }
}

impl Members {
    /// The state an observation of `guid` goes to: the one that `guid` or, for a re-link,
    /// `previous` already names; a new one otherwise.
    fn slot(&mut self, guid: &str, previous: Option<&str>) -> Result<usize, LineError> {
        let by_guid = self.by_guid.get(guid).copied();
        let by_previous = previous.and_then(|p| self.by_guid.get(p).copied());
        match (by_guid, by_previous) {
            (Some(a), Some(b)) if a != b => Err(LineError {
                error: format!(
                    "previous_guid {}: {guid} already has observations of its own; the \
                     re-link must come before them",
                    previous.unwrap_or_default()
                ),
                guid: Some(guid.to_owned()),
            }),
            (Some(slot), _) | (None, Some(slot)) => Ok(slot),
            (None, None) => {
                self.states.push(MemberState::default());
                let slot = self.states.len() - 1;
                if let Some(previous) = previous {
                    self.by_guid.insert(previous.to_owned(), slot);
                }
                Ok(slot)
            }
        }
    }
}

/// `received_at`: RFC 3339 text or Unix seconds (a number or a string of digits).
fn received_at(value: Option<&serde_json::Value>) -> Result<DateTime<Utc>, LineError> {
    let bad = |found: &serde_json::Value| {
        let mut found = found.to_string();
        if let Some((cut, _)) = found.char_indices().nth(60) {
            found.truncate(cut);
            found.push('…');
        }
        LineError::new(format!(
            "received_at: expected RFC 3339 or Unix seconds, got {found}"
        ))
    };
    match value {
        None => Err(LineError::new("received_at: missing")),
        Some(serde_json::Value::String(text)) => {
            parse_mx_timestamp(text).map_err(|_| bad(value.unwrap_or(&serde_json::Value::Null)))
        }
        Some(number @ serde_json::Value::Number(n)) => n
            .as_i64()
            .and_then(|s| parse_mx_timestamp(&s.to_string()).ok())
            .ok_or_else(|| bad(number)),
        Some(other) => Err(bad(other)),
    }
}
