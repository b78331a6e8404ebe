//! Reading an MX payload from JSON: syntax first, meaning second.
//!
//! [`MemberJson`] deserializes any JSON object in one pass, borrowing from the input, and
//! keeps only the fields a decision needs, as raw JSON values; it ignores everything else,
//! including the fields MX types wrongly in its own spec (`most_recent_job_guid` as a
//! boolean, a challenge's `type` as an integer; SPEC25). [`MemberJson::payload_kind`] then
//! recognises what arrived ([`PayloadKind`]) and [`MemberJson::snapshot`] checks the
//! fields that kind carries, saying which one is wrong, and how. A payload that is not a
//! member (`{}`, a page of members, a user, a list of challenges, an account or user
//! webhook) is a [`SnapshotError::NotAMember`] naming what was found, never a decision.

use std::fmt;

use chrono::{DateTime, Utc};
use serde::de::{self, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

use crate::json_value::{JsonValue, JsonValueVisitor, Slot};
use crate::member_error::ErrorField;
use crate::payload::PayloadKind;
use crate::plain_json;
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
    IsManual,
    Challenges,
    Type,
    Action,
    CompletedAt,
    Error,
    // Keys that mark a payload as something other than a member.
    Members,
    User,
    Users,
    Institution,
    Institutions,
    Account,
    Accounts,
    Transaction,
    Transactions,
    Holding,
    Holdings,
    #[serde(rename = "connectionStatus")]
    CamelConnectionStatus,
    #[serde(rename = "memberGuid")]
    CamelMemberGuid,
    #[serde(rename = "isBeingAggregated")]
    CamelIsBeingAggregated,
    #[serde(rename = "aggregatedAt")]
    CamelAggregatedAt,
    #[serde(other)]
    Other,
}

impl Key {
    /// What a top-level key says the payload is, when it says it is not a member.
    const fn foreign(&self) -> Option<&'static str> {
        Some(match self {
            Self::Members => "a page of members (\"members\"): give each member on its own",
            Self::User | Self::Users => "a user (\"user\")",
            Self::Institution | Self::Institutions => "an institution (\"institution\")",
            Self::Account | Self::Accounts => "an account (\"account\")",
            Self::Transaction | Self::Transactions => "a transaction (\"transaction\")",
            Self::Holding | Self::Holdings => "a holding (\"holding\")",
            Self::CamelConnectionStatus
            | Self::CamelMemberGuid
            | Self::CamelIsBeingAggregated
            | Self::CamelAggregatedAt => {
                "camelCase keys (\"connectionStatus\"): MX sends snake_case"
            }
            Self::Member
            | Self::Guid
            | Self::MemberGuid
            | Self::ConnectionStatus
            | Self::ConnectionStatusId
            | Self::IsBeingAggregated
            | Self::AggregatedAt
            | Self::SuccessfullyAggregatedAt
            | Self::NeedsUpdatedCredentials
            | Self::BackgroundAggregationIsDisabled
            | Self::IsOauth
            | Self::IsManual
            | Self::Challenges
            | Self::Type
            | Self::Action
            | Self::CompletedAt
            | Self::Error
            | Self::Other => return None,
        })
    }
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
    is_manual: Option<JsonValue<'a>>,
    challenges: Option<JsonValue<'a>>,
    webhook_type: Option<JsonValue<'a>>,
    webhook_action: Option<JsonValue<'a>>,
    completed_at: Option<JsonValue<'a>>,
    error: Option<ErrorField<'a>>,
    /// A `"member"` key whose value is not an object.
    bad_envelope: Option<JsonValue<'a>>,
    /// The fields came from a `{"member": …}` envelope.
    enveloped: bool,
    /// The enveloped member holds a `"member"` key of its own.
    nested_member: bool,
    /// The first key that says the payload is something else, in words.
    foreign: Option<&'static str>,
    /// How many keys the object held.
    keys: usize,
}

impl<'a> MemberJson<'a> {
    /// Parses one member payload (bare, `{"member": …}`, or a webhook) from JSON text,
    /// borrowing its strings.
    ///
    /// Plain JSON, as MX writes it, is read by a fast reader for that subset; anything
    /// else (escapes, negative or fractional numbers, invalid JSON) by serde_json, whose
    /// verdict and error stand. Both read alike: see `plain_json`.
    pub fn parse(json: &'a str) -> Result<Self, SnapshotError> {
        // Filled in place, as `Fill` says why; `serde_json::from_str` with `Fill`.
        let mut member = MemberJson::default();
        let plain = plain_json::read(json, |plain| plain.deserialize_map(Fill::top(&mut member)));
        if plain.is_none() {
            member = MemberJson::default();
            let mut deserializer = serde_json::Deserializer::from_str(json);
            deserializer.deserialize_map(Fill::top(&mut member))?;
            deserializer.end()?;
        }
        Ok(member)
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
            .find_map(|v| v.as_ref().and_then(JsonValue::as_str))
    }

    /// The `user_message` of the member's `error` (object or JSON string), when it has one:
    /// MX's words for the end user, which the text explanation shows.
    ///
    /// ```
    /// use mx_aggregation::MemberJson;
    ///
    /// let json = r#"{"connection_status": "FAILED",
    ///     "error": "{\"error_code\": 3000, \"user_message\": \"Try again later.\"}"}"#;
    /// assert_eq!(MemberJson::parse(json)?.user_message(), Some("Try again later."));
    /// # Ok::<(), mx_aggregation::SnapshotError>(())
    /// ```
    pub fn user_message(&self) -> Option<&str> {
        match &self.error {
            Some(ErrorField::Fields {
                user_message: Some(message),
                ..
            }) => message.as_str(),
            _ => None,
        }
    }

    /// Recognises what arrived, first match wins:
    ///
    /// 1. a `{"member": …}` envelope is judged by its content (a `"member"` inside it is
    ///    "a member inside a member");
    /// 2. `type` and `action` both strings: a webhook. `type` `CONNECTION_STATUS` is a
    ///    [`PayloadKind::ConnectionStatusWebhook`]; `action` `member_data_updated` is a
    ///    [`PayloadKind::AggregationWebhook`] (`type` `AGGREGATION`) or a
    ///    [`PayloadKind::JobWebhook`] (any other type, as MX may add types "at any time",
    ///    WH-A \[V\]); a webhook carrying a status is a member webhook; any other webhook
    ///    is not a member. Webhooks must name their member (`member_guid`);
    /// 3. `connection_status` or `connection_status_id` present, even as `null`: a
    ///    [`PayloadKind::Member`];
    /// 4. an envelope naming the member by `guid` without its status: a
    ///    [`PayloadKind::MemberReference`];
    /// 5. anything else is [`SnapshotError::NotAMember`], naming what was found.
    pub fn payload_kind(&self) -> Result<PayloadKind, SnapshotError> {
        if let Some(found) = &self.bad_envelope {
            return Err(wrong_type("member", "an MX member object", found));
        }
        if self.nested_member {
            return Err(not_a_member("a member inside a member"));
        }
        let has_status = self.connection_status.is_some() || self.connection_status_id.is_some();
        let webhook = self
            .webhook_type
            .as_ref()
            .and_then(JsonValue::as_str)
            .zip(self.webhook_action.as_ref().and_then(JsonValue::as_str));
        if let Some((kind, action)) = webhook {
            let recognised = if kind == "CONNECTION_STATUS" {
                PayloadKind::ConnectionStatusWebhook
            } else if action == "member_data_updated" {
                if kind == "AGGREGATION" {
                    PayloadKind::AggregationWebhook
                } else {
                    PayloadKind::JobWebhook
                }
            } else if has_status {
                return Ok(PayloadKind::Member);
            } else {
                return Err(SnapshotError::NotAMember {
                    found: format!(
                        "a webhook of type {}, action {}",
                        JsonValue::Str(kind.into()),
                        JsonValue::Str(action.into())
                    ),
                });
            };
            if self.guid().is_none() {
                return Err(SnapshotError::MissingField {
                    kind: recognised,
                    field: "member_guid",
                });
            }
            return Ok(recognised);
        }
        if has_status {
            return Ok(PayloadKind::Member);
        }
        if let Some(found) = self.foreign {
            return Err(not_a_member(found));
        }
        if self.enveloped {
            return match &self.guid {
                Some(JsonValue::Str(_)) => Ok(PayloadKind::MemberReference),
                _ => Err(not_a_member(
                    "a member envelope without connection_status, connection_status_id or guid",
                )),
            };
        }
        Err(not_a_member(if self.keys == 0 {
            "an empty object"
        } else if self.challenges.is_some() {
            "a list of MFA challenges (\"challenges\")"
        } else {
            "an object without connection_status, connection_status_id or a webhook's type and action"
        }))
    }

    /// Recognises the payload ([`payload_kind`](Self::payload_kind)), checks the fields its
    /// kind carries and builds the snapshot the engine decides on.
    ///
    /// - `connection_status`: an MX status string; `null` or missing means no credentials,
    ///   unless `connection_status_id` (an integer, as webhooks send it) names a status.
    ///   When both are present they must agree.
    /// - `is_being_aggregated`, `needs_updated_credentials`, `is_manual`: booleans; `null`
    ///   or missing is `false`.
    /// - `background_aggregation_is_disabled`, `is_oauth`: booleans; `null` or missing is
    ///   unknown (`None`): status reads and webhooks do not carry them.
    /// - `aggregated_at`, `successfully_aggregated_at`: RFC 3339 text or integer Unix
    ///   seconds; `null` or missing is "never". Both within the years 0000–9999.
    /// - `challenges`: an array or `null`; present when the array is not empty.
    /// - `error`: an object or a JSON string holding one, or `null`; its `error_code` an
    ///   integer from 0 to 4294967295, or `null`.
    /// - webhooks: only what their kind carries (a connection-status webhook's status, a
    ///   `member_data_updated` webhook's `completed_at`, required, in Unix seconds).
    pub fn snapshot(&self) -> Result<MemberSnapshot, SnapshotError> {
        let payload = self.payload_kind()?;
        match payload {
            PayloadKind::Member => self.member(),
            PayloadKind::MemberReference => Ok(MemberSnapshot {
                payload,
                ..MemberSnapshot::default()
            }),
            PayloadKind::ConnectionStatusWebhook => Ok(MemberSnapshot {
                payload,
                connection_status: self.connection_status()?,
                ..MemberSnapshot::default()
            }),
            PayloadKind::AggregationWebhook | PayloadKind::JobWebhook => {
                let completed_at = time("completed_at", &self.completed_at)?.ok_or(
                    SnapshotError::MissingField {
                        kind: payload,
                        field: "completed_at",
                    },
                )?;
                Ok(MemberSnapshot {
                    payload,
                    completed_at: Some(completed_at),
                    ..MemberSnapshot::default()
                })
            }
        }
    }

    fn member(&self) -> Result<MemberSnapshot, SnapshotError> {
        Ok(MemberSnapshot {
            payload: PayloadKind::Member,
            connection_status: self.connection_status()?,
            is_being_aggregated: flag("is_being_aggregated", &self.is_being_aggregated)?,
            aggregated_at: time("aggregated_at", &self.aggregated_at)?,
            successfully_aggregated_at: time(
                "successfully_aggregated_at",
                &self.successfully_aggregated_at,
            )?,
            completed_at: None,
            needs_updated_credentials: flag(
                "needs_updated_credentials",
                &self.needs_updated_credentials,
            )?,
            background_aggregation_is_disabled: known_flag(
                "background_aggregation_is_disabled",
                &self.background_aggregation_is_disabled,
            )?,
            is_oauth: known_flag("is_oauth", &self.is_oauth)?,
            is_manual: flag("is_manual", &self.is_manual)?,
            has_challenges: match &self.challenges {
                None | Some(JsonValue::Null) => false,
                Some(JsonValue::Array(len)) => *len > 0,
                Some(other) => return Err(wrong_type("challenges", "an array or null", other)),
            },
            error_code: self.error_code()?,
        })
    }

    /// [`guid`](Self::guid), borrowed from the input: `None` as well when the guid was
    /// written with JSON escapes (MX guids never are), so an
    /// [`Observation`](crate::Observation) can carry it without copying.
    pub(crate) fn borrowed_guid(&self) -> Option<&'a str> {
        [&self.guid, &self.member_guid]
            .into_iter()
            .find_map(|v| match v {
                Some(JsonValue::Str(s)) => Some(s),
                _ => None,
            })
            .and_then(|s| match s {
                std::borrow::Cow::Borrowed(s) => Some(*s),
                std::borrow::Cow::Owned(_) => None,
            })
    }

    fn error_code(&self) -> Result<Option<u32>, SnapshotError> {
        match &self.error {
            None => Ok(None),
            Some(ErrorField::Bad(found)) => Err(wrong_type(
                "error",
                "an object, a JSON string holding one, or null",
                found,
            )),
            Some(ErrorField::Fields { code, .. }) => match code {
                None | Some(JsonValue::Null) => Ok(None),
                Some(JsonValue::Integer(code)) if u32::try_from(*code).is_ok() => {
                    Ok(u32::try_from(*code).ok())
                }
                Some(other) => Err(wrong_type(
                    "error.error_code",
                    "an integer from 0 to 4294967295, or null",
                    other,
                )),
            },
        }
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

fn not_a_member(found: &str) -> SnapshotError {
    SnapshotError::NotAMember {
        found: found.to_owned(),
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
    Ok(known_flag(field, value)?.unwrap_or(false))
}

fn known_flag(
    field: &'static str,
    value: &Option<JsonValue<'_>>,
) -> Result<Option<bool>, SnapshotError> {
    match value {
        None | Some(JsonValue::Null) => Ok(None),
        Some(JsonValue::Bool(b)) => Ok(Some(*b)),
        Some(other) => Err(wrong_type(field, "a boolean or null", other)),
    }
}

fn time(
    field: &'static str,
    value: &Option<JsonValue<'_>>,
) -> Result<Option<DateTime<Utc>>, SnapshotError> {
    let Some(value) = value else {
        return Ok(None);
    };
    let parsed = match value {
        JsonValue::Null => return Ok(None),
        JsonValue::Str(text) => timestamp::parse_rfc3339(text),
        JsonValue::Integer(seconds) => timestamp::from_unix_seconds(*seconds),
        other => {
            return Err(SnapshotError::BadTimestamp {
                field,
                found: other.to_string(),
            });
        }
    };
    match parsed {
        Ok(t) => Ok(Some(t)),
        Err(TimestampError::OutOfRange) => Err(SnapshotError::TimestampOutOfRange {
            field,
            found: value.to_string(),
        }),
        Err(TimestampError::NotRfc3339) => Err(SnapshotError::BadTimestamp {
            field,
            found: value.to_string(),
        }),
    }
}

impl<'de> de::Deserialize<'de> for MemberJson<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let mut member = MemberJson::default();
        deserializer.deserialize_map(Fill::top(&mut member))?;
        Ok(member)
    }
}

/// Reads a member object into `member`, which starts empty. At the top level, a `"member"`
/// key holding an object is the REST envelope, and its content is the member: what lies
/// beside it is dropped, and a second `"member"` key is refused (`duplicate field
/// "member"`), as which of the two is the member cannot be known.
///
/// The fields are written where they end up, not built in a value and moved there: a
/// `MemberJson` is a few hundred bytes, and moving it about cost `batch` more than deciding.
struct Fill<'m, 'a> {
    member: &'m mut MemberJson<'a>,
    top_level: bool,
}

impl<'m, 'a> Fill<'m, 'a> {
    /// Reads a whole payload, whose `"member"` key may be the envelope.
    fn top(member: &'m mut MemberJson<'a>) -> Self {
        Self {
            member,
            top_level: true,
        }
    }
}

impl<'de> Visitor<'de> for Fill<'_, 'de> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an MX member object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let fields = self.member;
        let mut envelopes = 0;
        while let Some(key) = map.next_key::<Key>()? {
            if self.top_level && matches!(key, Key::Member) {
                envelopes += 1;
                if envelopes > 1 {
                    return Err(de::Error::duplicate_field("member"));
                }
            }
            if fields.enveloped {
                map.next_value::<IgnoredAny>()?;
                continue;
            }
            fields.keys += 1;
            let slot = match key {
                Key::Member if self.top_level => {
                    map.next_value_seed(Envelope(&mut *fields))?;
                    continue;
                }
                Key::Member => {
                    fields.nested_member = true;
                    map.next_value::<IgnoredAny>()?;
                    continue;
                }
                Key::Error => {
                    fields.error = Some(map.next_value()?);
                    continue;
                }
                Key::Other => {
                    map.next_value::<IgnoredAny>()?;
                    continue;
                }
                // Only these say what else the payload is: asking the others would cost
                // every key of every member a second dispatch.
                Key::Members
                | Key::User
                | Key::Users
                | Key::Institution
                | Key::Institutions
                | Key::Account
                | Key::Accounts
                | Key::Transaction
                | Key::Transactions
                | Key::Holding
                | Key::Holdings
                | Key::CamelConnectionStatus
                | Key::CamelMemberGuid
                | Key::CamelIsBeingAggregated
                | Key::CamelAggregatedAt => {
                    if fields.foreign.is_none() {
                        fields.foreign = key.foreign();
                    }
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
                Key::IsManual => &mut fields.is_manual,
                Key::Challenges => &mut fields.challenges,
                Key::Type => &mut fields.webhook_type,
                Key::Action => &mut fields.webhook_action,
                Key::CompletedAt => &mut fields.completed_at,
            };
            map.next_value_seed(Slot(slot))?;
        }
        Ok(())
    }
}

/// The value of a top-level `"member"` key: an object is the member, which replaces what
/// was read beside it; anything else is kept as `bad_envelope`.
struct Envelope<'m, 'a>(&'m mut MemberJson<'a>);

impl<'de> de::DeserializeSeed<'de> for Envelope<'_, 'de> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Envelope<'_, 'de> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an MX member object")
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<(), A::Error> {
        *self.0 = MemberJson::default();
        Fill {
            member: &mut *self.0,
            top_level: false,
        }
        .visit_map(map)?;
        self.0.enveloped = true;
        Ok(())
    }
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<(), A::Error> {
        self.0.bad_envelope = Some(JsonValueVisitor.visit_seq(seq)?);
        Ok(())
    }
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        self.0.bad_envelope = Some(JsonValue::Null);
        Ok(())
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<(), E> {
        self.0.bad_envelope = Some(JsonValueVisitor.visit_bool(v)?);
        Ok(())
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<(), E> {
        self.0.bad_envelope = Some(JsonValueVisitor.visit_i64(v)?);
        Ok(())
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<(), E> {
        self.0.bad_envelope = Some(JsonValueVisitor.visit_u64(v)?);
        Ok(())
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<(), E> {
        self.0.bad_envelope = Some(JsonValueVisitor.visit_f64(v)?);
        Ok(())
    }
    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<(), E> {
        self.0.bad_envelope = Some(JsonValueVisitor.visit_borrowed_str(v)?);
        Ok(())
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<(), E> {
        self.0.bad_envelope = Some(JsonValueVisitor.visit_str(v)?);
        Ok(())
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
