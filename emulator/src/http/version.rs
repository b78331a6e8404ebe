//! The API version a request asks for.
//!
//! MX's versioned API wants `Accept: application/json` with `Accept-Version: v20250224`;
//! "After August 12, 2026, all Platform API calls must pass a new Accept-Version header"
//! (<https://docs.mx.com/api-reference/platform-api/overview/migration>), and a request
//! without a valid version is answered 406. The classic form,
//! `Accept: application/vnd.mx.api.v1+json` (v20111101), is served too: its bodies have
//! the same shapes for the endpoints the emulator serves.

use axum::http::HeaderMap;
use axum::http::header::ACCEPT;

/// The versioned API's version string.
pub const V20250224: &str = "v20250224";

/// The classic API's media type.
pub const V20111101_MEDIA_TYPE: &str = "application/vnd.mx.api.v1+json";

/// An API version the emulator speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ApiVersion {
    /// `Accept-Version: v20250224`.
    V20250224,
    /// `Accept: application/vnd.mx.api.v1+json`.
    V20111101,
}

/// The version `headers` ask for, or `None` (answer 406).
pub fn requested(headers: &HeaderMap) -> Option<ApiVersion> {
    if let Some(version) = headers.get("accept-version") {
        return (version.to_str().ok()?.trim() == V20250224).then_some(ApiVersion::V20250224);
    }
    let classic = headers
        .get_all(ACCEPT)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|media| media.split(';').next().unwrap_or("").trim() == V20111101_MEDIA_TYPE);
    classic.then_some(ApiVersion::V20111101)
}
