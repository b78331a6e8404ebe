//! The routes' errors: a status and a JSON body naming the problem,
//! `{"error": {"message": …}}`. Messages never carry a credential or an answer.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::json;

use crate::store::StoreError;

/// A route's failure.
#[derive(Debug)]
pub struct ApiError {
    /// The HTTP status.
    pub status: StatusCode,
    /// What went wrong, for the caller.
    pub message: String,
}

impl ApiError {
    /// `400`: the request is malformed.
    pub fn bad_request(message: impl Into<String>) -> Self {
        Self {
            status: StatusCode::BAD_REQUEST,
            message: message.into(),
        }
    }

    /// `404`: `what` is unknown.
    pub fn not_found(what: impl Into<String>) -> Self {
        Self {
            status: StatusCode::NOT_FOUND,
            message: what.into(),
        }
    }

    /// `503`: the database or MX cannot be reached now; retry.
    pub fn unavailable(message: impl Into<String>) -> Self {
        Self {
            status: StatusCode::SERVICE_UNAVAILABLE,
            message: message.into(),
        }
    }

    /// `422`: MX refused what was asked.
    pub fn refused(message: impl Into<String>) -> Self {
        Self {
            status: StatusCode::UNPROCESSABLE_ENTITY,
            message: message.into(),
        }
    }

    /// `401`: the bearer token or the webhook's Basic auth is missing or wrong.
    pub fn unauthorized(message: impl Into<String>) -> Self {
        Self {
            status: StatusCode::UNAUTHORIZED,
            message: message.into(),
        }
    }

    /// A body that is not the JSON the route takes: serde's message names the field
    /// and the type expected.
    pub fn body(route: &str, error: &serde_json::Error) -> Self {
        let what = match error.classify() {
            serde_json::error::Category::Data => "the body's fields",
            serde_json::error::Category::Syntax
            | serde_json::error::Category::Eof
            | serde_json::error::Category::Io => "the body is not JSON",
        };
        // serde's data errors quote the value they met; a credential must not come
        // back, so only the field path and the line and column are kept.
        let detail = redact(&error.to_string());
        Self::bad_request(format!("{route}: {what}: {detail}"))
    }
}

/// serde's message with quoted values cut out: `invalid type: string "…", expected …`
/// keeps the kinds and drops the text.
fn redact(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    let mut quoted = false;
    for c in message.chars() {
        if c == '"' {
            if !quoted {
                out.push_str("\"…");
            } else {
                out.push('"');
            }
            quoted = !quoted;
        } else if !quoted {
            out.push(c);
        }
    }
    out
}

impl From<StoreError> for ApiError {
    fn from(error: StoreError) -> Self {
        tracing::warn!(%error, "database error");
        Self::unavailable(format!("the database: {error}"))
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (
            self.status,
            Json(json!({ "error": { "status": self.status.as_u16(), "message": self.message } })),
        )
            .into_response()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoted_values_do_not_come_back() {
        let error = serde_json::from_str::<Vec<u8>>(r#""hunter2""#).err();
        let message = error
            .map(|e| ApiError::body("PUT", &e).message)
            .unwrap_or_default();
        assert!(!message.contains("hunter2"), "{message}");
        assert!(message.contains("expected"), "{message}");
    }
}
