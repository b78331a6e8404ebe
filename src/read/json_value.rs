//! One JSON value of a field the engine reads, borrowed from the input where possible.

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

use crate::model::quote::{Float, Shortened};

/// One JSON value of a field the engine reads, borrowed from the input where possible.
/// Arrays and objects are skipped, keeping only their size or kind.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum JsonValue<'a> {
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
    /// Writes the value as sent, for an error message: strings quoted and cut after 60
    /// characters ([`Shortened`]), numbers that are not 64-bit integers as [`Float`] does.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Null => f.write_str("null"),
            Self::Bool(b) => write!(f, "{b}"),
            Self::Integer(i) => write!(f, "{i}"),
            Self::BigInteger(u) => write!(f, "{u} (beyond 64-bit signed integers)"),
            Self::Float(x) => write!(f, "{}", Float(*x)),
            Self::Str(s) => write!(f, "{}", Shortened(s)),
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

/// Reads a value straight into its field: `map.next_value_seed(Slot(&mut field))`. A
/// value returned from the reader and then moved into the field crossed the stack in
/// pieces, which cost `batch` more than reading it.
pub(crate) struct Slot<'s, 'a>(pub(crate) &'s mut Option<JsonValue<'a>>);

impl<'de> de::DeserializeSeed<'de> for Slot<'_, 'de> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

/// [`JsonValueVisitor`], writing the value into the slot.
impl<'de> Visitor<'de> for Slot<'_, 'de> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        JsonValueVisitor.expecting(f)
    }
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        *self.0 = Some(JsonValueVisitor.visit_unit()?);
        Ok(())
    }
    fn visit_none<E: de::Error>(self) -> Result<(), E> {
        *self.0 = Some(JsonValueVisitor.visit_none()?);
        Ok(())
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<(), E> {
        *self.0 = Some(JsonValueVisitor.visit_bool(v)?);
        Ok(())
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<(), E> {
        *self.0 = Some(JsonValueVisitor.visit_i64(v)?);
        Ok(())
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<(), E> {
        *self.0 = Some(JsonValueVisitor.visit_u64(v)?);
        Ok(())
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<(), E> {
        *self.0 = Some(JsonValueVisitor.visit_f64(v)?);
        Ok(())
    }
    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<(), E> {
        *self.0 = Some(JsonValueVisitor.visit_borrowed_str(v)?);
        Ok(())
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<(), E> {
        *self.0 = Some(JsonValueVisitor.visit_str(v)?);
        Ok(())
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<(), E> {
        *self.0 = Some(JsonValueVisitor.visit_string(v)?);
        Ok(())
    }
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<(), A::Error> {
        *self.0 = Some(JsonValueVisitor.visit_seq(seq)?);
        Ok(())
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<(), A::Error> {
        *self.0 = Some(JsonValueVisitor.visit_map(map)?);
        Ok(())
    }
}

pub(crate) struct JsonValueVisitor;

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

impl JsonValue<'_> {
    /// The same value, owning its string.
    pub(crate) fn into_owned(self) -> JsonValue<'static> {
        match self {
            Self::Null => JsonValue::Null,
            Self::Bool(b) => JsonValue::Bool(b),
            Self::Integer(i) => JsonValue::Integer(i),
            Self::BigInteger(u) => JsonValue::BigInteger(u),
            Self::Float(x) => JsonValue::Float(x),
            Self::Str(s) => JsonValue::Str(Cow::Owned(s.into_owned())),
            Self::Array(len) => JsonValue::Array(len),
            Self::Object => JsonValue::Object,
        }
    }

    /// The string, when the value is one.
    pub(crate) fn as_str(&self) -> Option<&str> {
        match self {
            Self::Str(s) => Some(s),
            _ => None,
        }
    }
}
