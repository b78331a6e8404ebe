//! Reading MX's JSON into the model: the member reader ([`member_json`]) with its fast
//! path for plain JSON ([`plain_json`]), the member's `error` object ([`member_error`])
//! and the raw values it quotes ([`json_value`]). Imports [`model`](crate::model) and
//! [`time`](crate::time).

pub(crate) mod json_value;
pub(crate) mod member_error;
pub(crate) mod member_json;
pub(crate) mod plain_json;
