//! The serde visitors that fill a [`MemberJson`] in one pass: the top-level object, the
//! `{"member": …}` envelope, and a plain serde `Deserialize`.

use std::fmt;

use serde::de::{self, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

use super::fields::MemberJson;
use super::keys::Key;
use crate::read::json_value::JsonValue;
use crate::read::json_value::{JsonValueVisitor, Slot};

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
pub(super) struct Fill<'m, 'a> {
    member: &'m mut MemberJson<'a>,
    top_level: bool,
}

impl<'m, 'a> Fill<'m, 'a> {
    /// Reads a whole payload, whose `"member"` key may be the envelope.
    pub(super) fn top(member: &'m mut MemberJson<'a>) -> Self {
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
