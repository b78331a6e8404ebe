//! What the engine knows about a member: one read of it, reduced to the fields that matter.

use chrono::{DateTime, Utc};
use serde::ser::SerializeMap;

use crate::model::payload::PayloadKind;
use crate::model::status::ConnectionStatus;
use crate::time::timestamp::Rfc3339;

/// One observation of an MX member: the fields MX's guides say to weigh together
/// (`connection_status`, `is_being_aggregated`, `aggregated_at`,
/// `successfully_aggregated_at`; seed, "Important Fields and States"), the flags that
/// change what a client may do, and the kind of payload it came from.
///
/// Build it from MX's JSON with [`MemberSnapshot::from_json`] (bare member, `{"member": …}`
/// envelope or webhook), with serde (`Deserialize` reads the same payloads), or field by
/// field. It holds no strings, so it is `Copy` and deciding on it never allocates.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct MemberSnapshot {
    /// What the observation was read from: the engine decides only on what that kind of
    /// payload shows (a connection-status webhook is read again, a `member_data_updated`
    /// webhook says data is ready). Only [`PayloadKind::Member`] fills the member fields.
    pub payload: PayloadKind,
    /// `connection_status`; `None` when MX sends `null` or nothing: the member has no
    /// credentials, as manual members never do (NEXUS \[V\]).
    pub connection_status: Option<ConnectionStatus>,
    /// `is_being_aggregated`: MX was running a job on the member when it answered (`null`
    /// reads as `false`).
    pub is_being_aggregated: bool,
    /// `aggregated_at`: when the latest aggregation-type job started, successful or not,
    /// standard or premium (identification, verification, statements, extended history;
    /// SPEC25 \[V\]).
    pub aggregated_at: Option<DateTime<Utc>>,
    /// `successfully_aggregated_at`: when the latest successful aggregation happened.
    pub successfully_aggregated_at: Option<DateTime<Utc>>,
    /// `completed_at` of a `member_data_updated` webhook: when the job whose data is ready
    /// finished (WH-A \[V\]). `None` for other payloads.
    pub completed_at: Option<DateTime<Utc>>,
    /// `needs_updated_credentials`: MX will not aggregate until the credentials change
    /// (SPEC25 \[V\]). Missing reads as `false`.
    pub needs_updated_credentials: bool,
    /// `background_aggregation_is_disabled`: `Some(true)` when MX will not refresh the
    /// member every 24 hours by itself; `None` when the payload does not say (status reads
    /// and webhooks never do, and MX's default depends on how the member was created: on in
    /// aggregation mode, off in verification mode, or a client-wide setting; Seed).
    pub background_aggregation_is_disabled: Option<bool>,
    /// `is_oauth`: `Some(true)` when the member authenticates through the institution's
    /// OAuth page, so new credentials mean a new `oauth_window_uri`; `None` when the payload
    /// does not say (status reads and webhooks).
    pub is_oauth: Option<bool>,
    /// `is_manual`: a manual member, which MX never aggregates (NEXUS \[V\]).
    pub is_manual: bool,
    /// The read member status response carried a non-empty `challenges` array (MX sends it
    /// only with `CHALLENGED`, AT-connection-status \[V\]). Informational: `CHALLENGED` alone
    /// decides `answer_mfa`.
    pub has_challenges: bool,
    /// `error.error_code`, from `error` as an object or a JSON string (SPECBAK;
    /// CW-ERRORS \[V-code\]). [`ErrorCode::from_code`](crate::ErrorCode::from_code) names
    /// the known ones; others change nothing.
    pub error_code: Option<u32>,
}

/// Writes the snapshot in the shape of the payload it came from, holding only the fields it
/// knows; reading the output back gives the same snapshot. A member is written as a bare
/// MX member object (`has_challenges` as a `challenges` array with one empty challenge, the
/// error code as an `error` object); webhooks with their `type` and `action`; a member
/// reference as its envelope. The snapshot holds no GUID, so the kinds that need one are
/// written with `""`.
impl serde::Serialize for MemberSnapshot {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        match self.payload {
            PayloadKind::Member => {
                map.serialize_entry("connection_status", &self.connection_status)?;
                map.serialize_entry("is_being_aggregated", &self.is_being_aggregated)?;
                map.serialize_entry("aggregated_at", &self.aggregated_at.map(Rfc3339))?;
                map.serialize_entry(
                    "successfully_aggregated_at",
                    &self.successfully_aggregated_at.map(Rfc3339),
                )?;
                map.serialize_entry("needs_updated_credentials", &self.needs_updated_credentials)?;
                map.serialize_entry(
                    "background_aggregation_is_disabled",
                    &self.background_aggregation_is_disabled,
                )?;
                map.serialize_entry("is_oauth", &self.is_oauth)?;
                map.serialize_entry("is_manual", &self.is_manual)?;
                map.serialize_entry(
                    "challenges",
                    &self.has_challenges.then_some([PlaceholderChallenge]),
                )?;
                if let Some(code) = self.error_code {
                    map.serialize_entry("error", &ErrorObject(code))?;
                }
            }
            PayloadKind::MemberReference => {
                map.serialize_entry("member", &GuidOnly)?;
            }
            PayloadKind::ConnectionStatusWebhook => {
                map.serialize_entry("type", "CONNECTION_STATUS")?;
                map.serialize_entry("action", "CHANGED")?;
                map.serialize_entry("member_guid", "")?;
                map.serialize_entry("connection_status", &self.connection_status)?;
            }
            PayloadKind::AggregationWebhook => self.data_webhook(&mut map, "AGGREGATION")?,
            PayloadKind::JobWebhook => self.data_webhook(&mut map, "BALANCE")?,
        }
        map.end()
    }
}

impl MemberSnapshot {
    fn data_webhook<M: SerializeMap>(&self, map: &mut M, kind: &str) -> Result<(), M::Error> {
        map.serialize_entry("type", kind)?;
        map.serialize_entry("action", "member_data_updated")?;
        map.serialize_entry("member_guid", "")?;
        map.serialize_entry("completed_at", &self.completed_at.map(Rfc3339))
    }
}

/// `{"guid": ""}`: a member reference's envelope content.
struct GuidOnly;

impl serde::Serialize for GuidOnly {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(1))?;
        map.serialize_entry("guid", "")?;
        map.end()
    }
}

/// `{"error_code": N}`.
struct ErrorObject(u32);

impl serde::Serialize for ErrorObject {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(1))?;
        map.serialize_entry("error_code", &self.0)?;
        map.end()
    }
}

/// A challenge with no fields: stands for "the response carried challenges".
struct PlaceholderChallenge;

impl serde::Serialize for PlaceholderChallenge {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_map(Some(0))?.end()
    }
}
