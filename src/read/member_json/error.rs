//! [`SnapshotError`]: why a payload is not a member snapshot, naming the field and value.

use crate::model::payload::PayloadKind;
use crate::model::status::{ConnectionStatus, UnknownStatus};

/// A member JSON payload that cannot be turned into a [`MemberSnapshot`](crate::MemberSnapshot). Every variant
/// names the field and the value.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SnapshotError {
    /// The input bytes are not UTF-8, so they cannot be JSON (RFC 8259 §8.1).
    #[error("invalid UTF-8 at byte offset {offset}")]
    NotUtf8 {
        /// The offset of the first byte that is not valid UTF-8, counted from 0.
        offset: usize,
    },
    /// The input is not JSON, or not a JSON object.
    #[error("invalid JSON: {0}")]
    Json(#[from] serde_json::Error),
    /// A field holds a JSON value of the wrong type.
    #[error("{field}: expected {expected}, got {found}")]
    WrongType {
        /// The member field, e.g. `is_being_aggregated`.
        field: &'static str,
        /// What MX sends there, e.g. `a boolean or null`.
        expected: &'static str,
        /// The value found, written as JSON (long strings shortened).
        found: String,
    },
    /// `connection_status` or `connection_status_id` names no MX status.
    #[error(transparent)]
    UnknownStatus(#[from] UnknownStatus),
    /// `connection_status` and `connection_status_id` name different statuses.
    #[error("connection_status {status} disagrees with connection_status_id {id}")]
    StatusMismatch {
        /// The status the string names.
        status: ConnectionStatus,
        /// The id sent beside it.
        id: i64,
    },
    /// A timestamp field is neither RFC 3339 text nor integer Unix seconds.
    #[error("{field}: expected RFC 3339 or Unix seconds, got {found}")]
    BadTimestamp {
        /// `aggregated_at` or `successfully_aggregated_at`.
        field: &'static str,
        /// The value found, written as JSON (long strings shortened).
        found: String,
    },
    /// A timestamp outside the years 0000–9999 that RFC 3339 can write: integer Unix
    /// seconds out of range, or RFC 3339 text whose offset moves it out of range
    /// (`9999-12-31T23:59:59-23:59` is in the year 10000).
    #[error("{field}: {found} is outside the years 0000-9999")]
    TimestampOutOfRange {
        /// `aggregated_at`, `successfully_aggregated_at` or `completed_at`.
        field: &'static str,
        /// The value found, written as JSON (long strings shortened).
        found: String,
    },
    /// The payload is valid JSON but not a member: nothing to decide on. `found` names what
    /// it is instead, e.g. `an empty object` or `a page of members ("members")`.
    #[error("not a member payload: {found}")]
    NotAMember {
        /// What the payload is, in words.
        found: String,
    },
    /// A payload of this kind lacks a field it needs: a webhook without `member_guid`
    /// (nothing to read), a `member_data_updated` webhook without `completed_at`.
    #[error("{kind} without {field}")]
    MissingField {
        /// The kind the payload was recognised as.
        kind: PayloadKind,
        /// The missing field.
        field: &'static str,
    },
}
