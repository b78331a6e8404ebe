//! The emulator's error answers: a status and `{"error": {"message": …}}`.
//!
//! MX documents no error body for the Platform API (its SSO API answers
//! `{"error": "…"}`), so this shape is the emulator's convention: an object a client can
//! extend without breaking.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use crate::http::explain::with_rule;
use crate::http::respond::json;
use crate::model::refusal::Refusal;

/// An error answer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{status}: {message}")]
pub struct ApiError {
    /// The HTTP status.
    pub status: StatusCode,
    /// What went wrong, for a person reading the logs.
    pub message: String,
}

impl ApiError {
    /// An error with `status` and `message`.
    pub fn new(status: StatusCode, message: impl Into<String>) -> Self {
        Self {
            status,
            message: message.into(),
        }
    }

    pub(crate) fn bad_request(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, message)
    }

    pub(crate) fn not_found(message: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, message)
    }

    pub(crate) fn conflict(message: impl Into<String>) -> Self {
        Self::new(StatusCode::CONFLICT, message)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let rule = format!("{}: {}", self.status.as_u16(), self.message);
        let response = json(
            self.status,
            &serde_json::json!({ "error": { "message": self.message } }),
        );
        with_rule(response, &rule)
    }
}

impl From<Refusal> for ApiError {
    fn from(refusal: Refusal) -> Self {
        match refusal {
            Refusal::NotFound(what) => Self::not_found(what),
            Refusal::Invalid(message) => Self::bad_request(message),
            Refusal::Conflict(message) => Self::conflict(message),
            Refusal::NotAllowed(message) => Self::new(StatusCode::METHOD_NOT_ALLOWED, message),
        }
    }
}
