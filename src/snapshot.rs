//! What the engine knows about a member: one read of it, reduced to the fields that matter.

use chrono::{DateTime, Utc};
use serde::ser::SerializeMap;

use crate::status::ConnectionStatus;
use crate::timestamp::Rfc3339;

/// One observation of an MX member: the fields MX's guides say to weigh together
/// (`connection_status`, `is_being_aggregated`, `aggregated_at`,
/// `successfully_aggregated_at`; seed, "Important Fields and States") and the flags that
/// change what a client may do.
///
/// Build it from MX's JSON with [`MemberSnapshot::from_json`] (bare member, `{"member": …}`
/// envelope or webhook), with serde (`Deserialize` reads the same payloads), or field by
/// field. It holds no strings, so it is `Copy` and deciding on it never allocates.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct MemberSnapshot {
    /// `connection_status`; `None` when MX sends `null` or nothing: the member has no
    /// credentials, as manual members never do (NEXUS \[V\]).
    pub connection_status: Option<ConnectionStatus>,
    /// `is_being_aggregated`: MX was running a job on the member when it answered (`null`
    /// reads as `false`).
    pub is_being_aggregated: bool,
    /// `aggregated_at`: when the latest aggregation-type job started, successful or not.
    pub aggregated_at: Option<DateTime<Utc>>,
    /// `successfully_aggregated_at`: when the latest successful aggregation happened.
    pub successfully_aggregated_at: Option<DateTime<Utc>>,
    /// `needs_updated_credentials`: MX will not aggregate until the credentials change
    /// (SPEC25 \[V\]).
    pub needs_updated_credentials: bool,
    /// `background_aggregation_is_disabled`: MX will not refresh the member every 24 hours
    /// by itself. The engine's decisions do not depend on it (a stale `CONNECTED` member is
    /// aggregated either way); it is kept so callers and the text output can explain why
    /// data went stale.
    pub background_aggregation_is_disabled: bool,
    /// `is_oauth`: the member authenticates through the institution's OAuth page, so
    /// "update credentials" means sending the end user through `oauth_window_uri` again.
    pub is_oauth: bool,
    /// The read member status response carried a non-empty `challenges` array (MX sends it
    /// only with `CHALLENGED`, AT-connection-status \[V\]). Informational: `CHALLENGED` alone
    /// decides `answer_mfa`.
    pub has_challenges: bool,
}

/// Writes the snapshot as a bare MX member object holding only the fields it knows;
/// reading the output back gives the same snapshot. `has_challenges` is written as a
/// `challenges` array with one empty challenge.
impl serde::Serialize for MemberSnapshot {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(8))?;
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
        map.serialize_entry(
            "challenges",
            &self.has_challenges.then_some([PlaceholderChallenge]),
        )?;
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
