//! Reading an MX member from JSON: syntax first, meaning second.
//!
//! [`MemberJson`] deserializes any MX member payload, borrowing from the input: a bare
//! member as read member, read member status and the member webhooks send it, or the
//! `{"member": {...}}` envelope of the REST endpoints, or a connection-status webhook
//! (`member_guid` instead of `guid`). It keeps only the fields a decision needs, as raw JSON
//! values, and ignores everything else, including the fields MX types wrongly in its own
//! spec (`most_recent_job_guid` as a boolean, a challenge's `type` as an integer;
//! SPEC25). [`MemberJson::snapshot`] then checks each field and
//! says which one is wrong, and how.

use std::borrow::Cow;
use std::fmt;

use chrono::{DateTime, Utc};
use serde::de::{self, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

use crate::snapshot::MemberSnapshot;
use crate::status::{ConnectionStatus, UnknownStatus};
use crate::timestamp::{self, TimestampError};

/// A member JSON payload that cannot be turned into a [`MemberSnapshot`]. Every variant
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
    /// Integer Unix seconds outside the years 0000–9999 that RFC 3339 can write.
    #[error("{field}: {seconds} Unix seconds is outside the years 0000-9999")]
    TimestampOutOfRange {
        /// `aggregated_at` or `successfully_aggregated_at`.
        field: &'static str,
        /// The value found.
        seconds: i64,
    },
}

/// One JSON value of a field the engine reads, borrowed from the input where possible.
/// Arrays and objects are skipped, keeping only their size or kind.
#[derive(Debug, Clone, PartialEq)]
enum JsonValue<'a> {
    Null,
    Bool(bool),
    Integer(i64),
    /// An integer above `i64::MAX`.
    BigInteger(u64),
    Float(f64),
    Str(Cow<'a, str>),
    Array(usize),
    Object,
}

impl fmt::Display for JsonValue<'_> {
    /// Writes the value as JSON for an error message; strings longer than 60 characters
    /// are cut, so a huge field cannot flood a log line.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Null => f.write_str("null"),
            Self::Bool(b) => write!(f, "{b}"),
            Self::Integer(i) => write!(f, "{i}"),
            Self::BigInteger(u) => write!(f, "{u}"),
            Self::Float(x) => write!(f, "{x}"),
            Self::Str(s) => match s.char_indices().nth(60) {
                Some((cut, _)) => write!(f, "{:?}…", &s[..cut]),
                None => write!(f, "{s:?}"),
            },
            Self::Array(_) => f.write_str("an array"),
            Self::Object => f.write_str("an object"),
        }
    }
}

impl<'de> de::Deserialize<'de> for JsonValue<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(JsonValueVisitor)
    }
}

struct JsonValueVisitor;

impl<'de> Visitor<'de> for JsonValueVisitor {
    type Value = JsonValue<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(JsonValue::Null)
    }
    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(JsonValue::Null)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
        Ok(JsonValue::Bool(v))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        Ok(JsonValue::Integer(v))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        Ok(i64::try_from(v).map_or(JsonValue::BigInteger(v), JsonValue::Integer))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        Ok(JsonValue::Float(v))
    }
    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
        Ok(JsonValue::Str(Cow::Borrowed(v)))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(JsonValue::Str(Cow::Owned(v.to_owned())))
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
        Ok(JsonValue::Str(Cow::Owned(v)))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut len = 0;
        while seq.next_element::<IgnoredAny>()?.is_some() {
            len += 1;
        }
        Ok(JsonValue::Array(len))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(JsonValue::Object)
    }
}

/// The keys of a member object that the engine reads.
#[derive(serde::Deserialize)]
#[serde(field_identifier, rename_all = "snake_case")]
enum Key {
    Member,
    Guid,
    MemberGuid,
    ConnectionStatus,
    ConnectionStatusId,
    IsBeingAggregated,
    AggregatedAt,
    SuccessfullyAggregatedAt,
    NeedsUpdatedCredentials,
    BackgroundAggregationIsDisabled,
    IsOauth,
    Challenges,
    #[serde(other)]
    Other,
}

/// The fields of an MX member payload that a decision needs, as raw JSON values borrowed
/// from the input; not yet checked: [`MemberJson::snapshot`] checks them.
///
/// ```
/// use mx_aggregation::{ConnectionStatus, MemberJson};
///
/// let json = r#"{"member": {"guid": "MBR-1", "connection_status": "CHALLENGED"}}"#;
/// let member = MemberJson::parse(json)?;
/// assert_eq!(member.guid(), Some("MBR-1"));
/// assert_eq!(member.snapshot()?.connection_status, Some(ConnectionStatus::Challenged));
/// # Ok::<(), mx_aggregation::SnapshotError>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq)]
pub struct MemberJson<'a> {
    guid: Option<JsonValue<'a>>,
    member_guid: Option<JsonValue<'a>>,
    connection_status: Option<JsonValue<'a>>,
    connection_status_id: Option<JsonValue<'a>>,
    is_being_aggregated: Option<JsonValue<'a>>,
    aggregated_at: Option<JsonValue<'a>>,
    successfully_aggregated_at: Option<JsonValue<'a>>,
    needs_updated_credentials: Option<JsonValue<'a>>,
    background_aggregation_is_disabled: Option<JsonValue<'a>>,
    is_oauth: Option<JsonValue<'a>>,
    challenges: Option<JsonValue<'a>>,
    /// A `"member"` key whose value is not an object.
    bad_envelope: Option<JsonValue<'a>>,
}

impl<'a> MemberJson<'a> {
    /// Parses one member payload (bare, `{"member": …}`, or a webhook) from JSON text,
    /// borrowing its strings.
    pub fn parse(json: &'a str) -> Result<Self, SnapshotError> {
        Ok(serde_json::from_str(json)?)
    }

    /// Like [`parse`](Self::parse), from bytes as read from a file or a pipe: bytes that are
    /// not UTF-8 are a [`SnapshotError::NotUtf8`], even inside a field that would be
    /// ignored.
    ///
    /// ```
    /// use mx_aggregation::MemberJson;
    ///
    /// let err = MemberJson::parse_bytes(b"{\"name\": \"MX \xff Bank\"}").unwrap_err();
    /// assert_eq!(err.to_string(), "invalid UTF-8 at byte offset 13");
    /// ```
    pub fn parse_bytes(json: &'a [u8]) -> Result<Self, SnapshotError> {
        let text = std::str::from_utf8(json).map_err(|e| SnapshotError::NotUtf8 {
            offset: e.valid_up_to(),
        })?;
        Self::parse(text)
    }

    /// The member's GUID: `guid`, or the `member_guid` of a webhook. `None` when neither is
    /// a string.
    pub fn guid(&self) -> Option<&str> {
        [&self.guid, &self.member_guid]
            .into_iter()
            .find_map(|v| match v {
                Some(JsonValue::Str(s)) => Some(s.as_ref()),
                _ => None,
            })
    }

    /// Checks the fields and builds the snapshot the engine decides on.
    ///
    /// - `connection_status`: an MX status string; `null` or missing means no credentials,
    ///   unless `connection_status_id` (an integer, as webhooks send it) names a status.
    ///   When both are present they must agree.
    /// - `is_being_aggregated`, `needs_updated_credentials`,
    ///   `background_aggregation_is_disabled`, `is_oauth`: booleans; `null` or missing is
    ///   `false`.
    /// - `aggregated_at`, `successfully_aggregated_at`: RFC 3339 text or integer Unix
    ///   seconds; `null` or missing is "never".
    /// - `challenges`: an array or `null`; present when the array is not empty.
    pub fn snapshot(&self) -> Result<MemberSnapshot, SnapshotError> {
        if let Some(found) = &self.bad_envelope {
            return Err(wrong_type("member", "an MX member object", found));
        }
        Ok(MemberSnapshot {
            connection_status: self.connection_status()?,
            is_being_aggregated: flag("is_being_aggregated", &self.is_being_aggregated)?,
            aggregated_at: time("aggregated_at", &self.aggregated_at)?,
            successfully_aggregated_at: time(
                "successfully_aggregated_at",
                &self.successfully_aggregated_at,
            )?,
            needs_updated_credentials: flag(
                "needs_updated_credentials",
                &self.needs_updated_credentials,
            )?,
            background_aggregation_is_disabled: flag(
                "background_aggregation_is_disabled",
                &self.background_aggregation_is_disabled,
            )?,
            is_oauth: flag("is_oauth", &self.is_oauth)?,
            has_challenges: match &self.challenges {
                None | Some(JsonValue::Null) => false,
                Some(JsonValue::Array(len)) => *len > 0,
                Some(other) => return Err(wrong_type("challenges", "an array or null", other)),
            },
        })
    }

    /// What the payload says about a running job: `is_being_aggregated` when it is a
    /// boolean, `None` when the field is missing, `null` or of another type (the answer
    /// does not say). Read by [`Call::classify`](crate::Call::classify).
    pub(crate) fn reports_job(&self) -> Option<bool> {
        match self.is_being_aggregated {
            Some(JsonValue::Bool(running)) => Some(running),
            _ => None,
        }
    }

    /// The later of `aggregated_at` and `successfully_aggregated_at`, skipping a field that
    /// is missing or unreadable: when the member's latest job started or succeeded.
    pub(crate) fn latest_job_time(&self) -> Option<DateTime<Utc>> {
        let read = |field, value| time(field, value).ok().flatten();
        read("aggregated_at", &self.aggregated_at).max(read(
            "successfully_aggregated_at",
            &self.successfully_aggregated_at,
        ))
    }

    fn connection_status(&self) -> Result<Option<ConnectionStatus>, SnapshotError> {
        let by_id = match &self.connection_status_id {
            None | Some(JsonValue::Null) => None,
            Some(JsonValue::Integer(id)) => Some((*id, ConnectionStatus::try_from(*id)?)),
            Some(other) => {
                return Err(wrong_type(
                    "connection_status_id",
                    "an integer or null",
                    other,
                ));
            }
        };
        match &self.connection_status {
            Some(JsonValue::Str(name)) => {
                let status = ConnectionStatus::from_mx_str(name)
                    .ok_or_else(|| UnknownStatus::Name(name.to_string()))?;
                match by_id {
                    Some((id, other)) if other != status => {
                        Err(SnapshotError::StatusMismatch { status, id })
                    }
                    _ => Ok(Some(status)),
                }
            }
            None | Some(JsonValue::Null) => Ok(by_id.map(|(_, status)| status)),
            Some(other) => Err(wrong_type("connection_status", "a string or null", other)),
        }
    }
}

fn wrong_type(field: &'static str, expected: &'static str, found: &JsonValue<'_>) -> SnapshotError {
    SnapshotError::WrongType {
        field,
        expected,
        found: found.to_string(),
    }
}

fn flag(field: &'static str, value: &Option<JsonValue<'_>>) -> Result<bool, SnapshotError> {
    match value {
        None | Some(JsonValue::Null) => Ok(false),
        Some(JsonValue::Bool(b)) => Ok(*b),
        Some(other) => Err(wrong_type(field, "a boolean or null", other)),
    }
}

fn time(
    field: &'static str,
    value: &Option<JsonValue<'_>>,
) -> Result<Option<DateTime<Utc>>, SnapshotError> {
    let bad = |found: &JsonValue<'_>| SnapshotError::BadTimestamp {
        field,
        found: found.to_string(),
    };
    match value {
        None | Some(JsonValue::Null) => Ok(None),
        Some(v @ JsonValue::Str(text)) => {
            timestamp::parse_rfc3339(text).map(Some).map_err(|_| bad(v))
        }
        Some(JsonValue::Integer(seconds)) => match timestamp::from_unix_seconds(*seconds) {
            Ok(t) => Ok(Some(t)),
            Err(TimestampError::OutOfRange | TimestampError::NotRfc3339) => {
                Err(SnapshotError::TimestampOutOfRange {
                    field,
                    seconds: *seconds,
                })
            }
        },
        Some(other) => Err(bad(other)),
    }
}

impl<'de> de::Deserialize<'de> for MemberJson<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(MemberVisitor { top_level: true })
    }
}

/// Reads a member object; at the top level, a `"member"` key holding an object is the
/// REST envelope and its content is the member.
struct MemberVisitor {
    top_level: bool,
}

/// The value of a top-level `"member"` key: the enveloped member, or something else.
// The large variant is the common one and lives on the stack briefly; boxing it would
// allocate once per parsed envelope.
#[allow(clippy::large_enum_variant)]
enum Envelope<'a> {
    Member(MemberJson<'a>),
    NotAnObject(JsonValue<'a>),
}

impl<'de> de::DeserializeSeed<'de> for MemberVisitor {
    type Value = Envelope<'de>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        struct EnvelopeVisitor;
        impl<'de> Visitor<'de> for EnvelopeVisitor {
            type Value = Envelope<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an MX member object")
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
                MemberVisitor { top_level: false }
                    .visit_map(map)
                    .map(Envelope::Member)
            }
            fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
                JsonValueVisitor.visit_seq(seq).map(Envelope::NotAnObject)
            }
            fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(Envelope::NotAnObject(JsonValue::Null))
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
                JsonValueVisitor.visit_bool(v).map(Envelope::NotAnObject)
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
                JsonValueVisitor.visit_i64(v).map(Envelope::NotAnObject)
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
                JsonValueVisitor.visit_u64(v).map(Envelope::NotAnObject)
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
                JsonValueVisitor.visit_f64(v).map(Envelope::NotAnObject)
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
                JsonValueVisitor
                    .visit_borrowed_str(v)
                    .map(Envelope::NotAnObject)
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                JsonValueVisitor.visit_str(v).map(Envelope::NotAnObject)
            }
        }
        deserializer.deserialize_any(EnvelopeVisitor)
    }
}

impl<'de> Visitor<'de> for MemberVisitor {
    type Value = MemberJson<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an MX member object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut fields = MemberJson::default();
        let mut envelope = None;
        while let Some(key) = map.next_key::<Key>()? {
            let slot = match key {
                Key::Member if self.top_level => {
                    envelope = Some(map.next_value_seed(Self { top_level: false })?);
                    continue;
                }
                Key::Member | Key::Other => {
                    map.next_value::<IgnoredAny>()?;
                    continue;
                }
                Key::Guid => &mut fields.guid,
                Key::MemberGuid => &mut fields.member_guid,
                Key::ConnectionStatus => &mut fields.connection_status,
                Key::ConnectionStatusId => &mut fields.connection_status_id,
                Key::IsBeingAggregated => &mut fields.is_being_aggregated,
                Key::AggregatedAt => &mut fields.aggregated_at,
                Key::SuccessfullyAggregatedAt => &mut fields.successfully_aggregated_at,
                Key::NeedsUpdatedCredentials => &mut fields.needs_updated_credentials,
                Key::BackgroundAggregationIsDisabled => {
                    &mut fields.background_aggregation_is_disabled
                }
                Key::IsOauth => &mut fields.is_oauth,
                Key::Challenges => &mut fields.challenges,
            };
            *slot = Some(map.next_value()?);
        }
        Ok(match envelope {
            Some(Envelope::Member(member)) => member,
            Some(Envelope::NotAnObject(found)) => MemberJson {
                bad_envelope: Some(found),
                ..fields
            },
            None => fields,
        })
    }
}

impl MemberSnapshot {
    /// Reads a member from MX JSON: a bare member object, the `{"member": {...}}` envelope of
    /// read member and read member status, or a member or connection-status webhook.
    ///
    /// ```
    /// use mx_aggregation::{ConnectionStatus, MemberSnapshot};
    ///
    /// let webhook = r#"{"action": "CHANGED", "connection_status_id": 3,
    ///                   "member_guid": "MBR-48d9", "type": "CONNECTION_STATUS"}"#;
    /// let member = MemberSnapshot::from_json(webhook)?;
    /// assert_eq!(member.connection_status, Some(ConnectionStatus::Challenged));
    /// # Ok::<(), mx_aggregation::SnapshotError>(())
    /// ```
    pub fn from_json(json: &str) -> Result<Self, SnapshotError> {
        MemberJson::parse(json)?.snapshot()
    }
}

/// Reads the same payloads as [`MemberSnapshot::from_json`], from any serde format; errors
/// name the field, as [`SnapshotError`] does.
impl<'de> serde::Deserialize<'de> for MemberSnapshot {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        MemberJson::deserialize(deserializer)?
            .snapshot()
            .map_err(serde::de::Error::custom)
    }
}
