//! The optional `error` field of an MX member: an object, or a JSON string holding one.
//!
//! MX's OpenAPI specification added `error` to `MemberResponse` in 2025 and removed it
//! again; its backup copy types it as a JSON string (SPECBAK), while MX's Connect widget
//! reads `member.error.error_code` from an object (CW-ERRORS \[V-code\]). Both forms are
//! read; only `error_code` and `user_message` are kept.

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

use crate::read::json_value::{JsonValue, JsonValueVisitor};

/// What the `error` key held.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum ErrorField<'a> {
    /// An object, or a JSON string holding one (`null`, `""` and `{}` hold nothing).
    Fields {
        /// `error_code`, not yet checked.
        code: Option<JsonValue<'a>>,
        /// `user_message`, not yet checked.
        user_message: Option<JsonValue<'a>>,
    },
    /// Neither an object nor a JSON string holding one.
    Bad(JsonValue<'a>),
}

impl ErrorField<'_> {
    const EMPTY: Self = Self::Fields {
        code: None,
        user_message: None,
    };
}

/// The keys of an `error` object that the engine reads.
#[derive(serde::Deserialize)]
#[serde(field_identifier, rename_all = "snake_case")]
enum ErrorKey {
    ErrorCode,
    UserMessage,
    #[serde(other)]
    Other,
}

impl<'de> de::Deserialize<'de> for ErrorField<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(ErrorVisitor)
    }
}

struct ErrorVisitor;

impl<'de> Visitor<'de> for ErrorVisitor {
    type Value = ErrorField<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an error object, a JSON string holding one, or null")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let (mut code, mut user_message) = (None, None);
        while let Some(key) = map.next_key::<ErrorKey>()? {
            match key {
                ErrorKey::ErrorCode => code = Some(map.next_value()?),
                ErrorKey::UserMessage => user_message = Some(map.next_value()?),
                ErrorKey::Other => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(ErrorField::Fields { code, user_message })
    }
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(ErrorField::EMPTY)
    }
    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(ErrorField::EMPTY)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
        Ok(from_text(v))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(from_text(v).into_owned())
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
        JsonValueVisitor.visit_bool(v).map(ErrorField::Bad)
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        JsonValueVisitor.visit_i64(v).map(ErrorField::Bad)
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        JsonValueVisitor.visit_u64(v).map(ErrorField::Bad)
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        JsonValueVisitor.visit_f64(v).map(ErrorField::Bad)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
        JsonValueVisitor.visit_seq(seq).map(ErrorField::Bad)
    }
}

impl ErrorField<'_> {
    fn into_owned(self) -> ErrorField<'static> {
        match self {
            Self::Fields { code, user_message } => ErrorField::Fields {
                code: code.map(JsonValue::into_owned),
                user_message: user_message.map(JsonValue::into_owned),
            },
            Self::Bad(value) => ErrorField::Bad(value.into_owned()),
        }
    }
}

/// Reads the JSON-string form: blank text holds nothing; otherwise the text must be a JSON
/// object, read like the object form.
fn from_text(text: &str) -> ErrorField<'_> {
    if text.trim().is_empty() {
        return ErrorField::EMPTY;
    }
    match serde_json::from_str::<ErrorField<'_>>(text) {
        Ok(fields @ ErrorField::Fields { .. }) if text.trim_start().starts_with('{') => fields,
        Ok(_) | Err(_) => ErrorField::Bad(JsonValue::Str(Cow::Borrowed(text))),
    }
}
