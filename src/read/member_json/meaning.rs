//! What a [`MemberJson`]'s fields mean: parsing entry points, the payload's kind, and the
//! checked [`MemberSnapshot`], each error naming the field and the value.

use chrono::{DateTime, Utc};
use serde::de::Deserializer;

use super::error::SnapshotError;
use super::fields::MemberJson;
use super::visitors::Fill;
use crate::model::payload::PayloadKind;
use crate::model::snapshot::MemberSnapshot;
use crate::model::status::{ConnectionStatus, UnknownStatus};
use crate::read::json_value::JsonValue;
use crate::read::member_error::ErrorField;
use crate::read::plain_json;
use crate::time::timestamp::{self, TimestampError};

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

    /// `needs_updated_credentials` when the payload carries it as a boolean; `None` when it
    /// is absent or `null`, as in a read member status response (SPEC25
    /// `MemberStatusResponse` has no such field): absent is unknown, not `false`, to a
    /// [`MemberState`](crate::MemberState), which keeps the newest value a payload carried.
    pub(crate) fn carried_needs_updated_credentials(&self) -> Option<bool> {
        match self.needs_updated_credentials {
            Some(JsonValue::Bool(value)) => Some(value),
            Some(_) | None => None,
        }
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

/// The fast reader and serde_json side by side on the forms at the edge of the plain subset.
#[cfg(test)]
mod tests {
    use serde::Deserialize as _;

    use super::MemberJson;
    use crate::read::plain_json::read;

    fn plain_member(text: &str) -> Option<MemberJson<'_>> {
        read(text, |plain| MemberJson::deserialize(plain))
    }

    /// The forms MX writes are read here, not handed to serde_json: the whole point.
    #[test]
    fn plain_payloads_take_the_fast_path() {
        let plain = [
            r#"{"member":{"guid":"MBR-1","connection_status":"CHALLENGED","is_being_aggregated":false,"aggregated_at":"2026-11-22T12:36:02.000Z","successfully_aggregated_at":null,"use_cases":["PFM"],"metadata":null}}"#,
            r#"{"aggregated_at":"2026-11-22T06:36:02-06:00","connection_status":"CONNECTED","guid":"MBR-2","is_oauth":true,"name":"MX Bank é"}"#,
            "{\n  \"member\": {\n    \"guid\": \"MBR-3\",\n    \"connection_status\": \"FAILED\",\r\n\t\"error\": {\"error_code\": 3000, \"user_message\": \"Try later.\"}\n  }\n}\n",
            r#"{"action":"CHANGED","connection_status_id":3,"member_guid":"MBR-4","type":"CONNECTION_STATUS"}"#,
            r#"{"type":"AGGREGATION","action":"member_data_updated","member_guid":"MBR-5","completed_at":1795521600}"#,
            r#"{"member":{"connection_status":"CHALLENGED","challenges":[{"guid":"CRD-1","type":0,"options":[]}]}}"#,
            "{}",
            r#"{"metadata":"\\\"credentials\\\": \\\"2015\\","name":"\u00e9\ud800\/\b\f\n\r\t"}"#,
            r#"{"member":{"guid":"MBR-1","metadata":{"a":["\"x\""]},"connection_status":"CONNECTED"}}"#,
        ];
        for text in plain {
            let fast = plain_member(text);
            assert!(fast.is_some(), "not read as plain JSON: {text}");
            assert_eq!(fast, serde_json::from_str(text).ok(), "{text}");
        }
    }

    /// Each form outside the subset is left to serde_json, valid JSON or not.
    #[test]
    fn everything_else_is_left_to_serde_json() {
        let not_plain = [
            r#"{"guid":"MBR-\u0031"}"#,
            r#"{"guid":"MBR-\"1\""}"#,
            r#"{"name":"MX\x"}"#,
            r#"{"name":"MX\u00"}"#,
            r#"{"name":"MX\u00G0"}"#,
            r#"{"name":"MX\"#,
            r#"{"metadata":{"\u0061":1}}"#,
            "{\"guid\":\"MBR\t1\"}",
            r#"{"connection_status_id":-1}"#,
            r#"{"connection_status_id":-0}"#,
            r#"{"connection_status_id":01}"#,
            r#"{"aggregated_at":1795521600.0}"#,
            r#"{"aggregated_at":1e9}"#,
            r#"{"aggregated_at":1000000000000000000}"#,
            r#"{"guid":"MBR-1",}"#,
            r#"{"guid":"MBR-1"} x"#,
            r#"{"guid":"MBR-1""#,
            r#"{"is_oauth":tru}"#,
            r#"{"member":{"guid":"MBR-1"},"member":{"guid":"MBR-2"}}"#,
            "\u{feff}{}",
            "[]",
            "",
        ];
        for text in not_plain {
            assert_eq!(plain_member(text), None, "read as plain JSON: {text}");
        }
        let deep = format!(r#"{{"metadata":{}{}}}"#, "[".repeat(70), "]".repeat(70));
        assert_eq!(plain_member(&deep), None, "read {deep}");
        assert!(serde_json::from_str::<MemberJson<'_>>(&deep).is_ok());
    }
}
