//! What handlers take from a request: its tenant (which the gate found), a member's path,
//! a JSON body, the callback payload and the page asked for.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, PathRejection};
use axum::extract::{FromRequestParts, Path};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode};
use serde::de::DeserializeOwned;

use crate::http::error::ApiError;
use crate::model::data::query::Page;
use crate::tenant::state::TenantState;
use crate::tenant::tenants::Tenants;

/// The router's state: every tenant.
pub(crate) type AllTenants = Arc<Tenants>;

/// The tenant of the request, which the gate found from its credentials.
#[derive(Debug, Clone)]
pub(crate) struct Tenant(pub(crate) Arc<TenantState>);

impl FromRequestParts<AllTenants> for Tenant {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        _: &AllTenants,
    ) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<Self>()
            .cloned()
            .ok_or_else(|| ApiError::new(StatusCode::UNAUTHORIZED, "no tenant"))
    }
}

/// The `{user_guid}` and `{member_guid}` of a member's path, as sent (a member may be
/// named by its `id` too, which `World::member_guid` resolves). A path that cannot be
/// read is a 400, in the words of [`path_error`].
pub(crate) struct MemberPath {
    pub(crate) user: String,
    pub(crate) member: String,
}

impl FromRequestParts<AllTenants> for MemberPath {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AllTenants) -> Result<Self, ApiError> {
        let Path((user, member)) = Path::<(String, String)>::from_request_parts(parts, state)
            .await
            .map_err(path_error)?;
        Ok(Self { user, member })
    }
}

/// The body as `T`: 413 when over the limit, 400 when it is not the JSON expected.
pub(crate) fn parse<T: DeserializeOwned>(
    body: Result<Bytes, BytesRejection>,
) -> Result<T, ApiError> {
    let bytes =
        body.map_err(|rejection| ApiError::new(rejection.status(), rejection.body_text()))?;
    serde_json::from_slice(&bytes).map_err(|error| {
        let mut message = format!("request body is not the JSON expected: {error}");
        message.truncate(300);
        ApiError::bad_request(message)
    })
}

/// A path that did not match as text: 400.
pub(crate) fn path_error(rejection: PathRejection) -> ApiError {
    ApiError::bad_request(rejection.body_text())
}

/// The caller's `X-CALLBACK-PAYLOAD` (MX: at most 1,024 characters).
pub(crate) fn callback_payload(headers: &HeaderMap) -> Result<Option<String>, ApiError> {
    let Some(value) = headers.get("x-callback-payload") else {
        return Ok(None);
    };
    let text = value
        .to_str()
        .map_err(|_| ApiError::bad_request("X-CALLBACK-PAYLOAD is not visible ASCII"))?;
    if text.len() > 1024 {
        return Err(ApiError::bad_request(
            "X-CALLBACK-PAYLOAD is longer than 1024 characters",
        ));
    }
    Ok(Some(text.to_owned()))
}

/// `page` and `records_per_page` from a query string, as the spec pages every list
/// (`model::data::query::Page`); 400 naming the parameter that cannot be read.
pub(crate) fn page_of(query: Option<&str>) -> Result<Page, ApiError> {
    Page::of(query).map_err(|error| ApiError::bad_request(error.to_string()))
}

/// The value of `key` in a query string, percent-decoded (`+` is a space); 400 naming
/// the key when it is not valid percent-encoded UTF-8.
pub(crate) fn query_value(query: Option<&str>, key: &str) -> Result<Option<String>, ApiError> {
    for pair in query.unwrap_or("").split('&').filter(|p| !p.is_empty()) {
        let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
        if name == key {
            return percent_decode(value).map(Some).ok_or_else(|| {
                ApiError::bad_request(format!("{key} is not valid percent-encoded UTF-8"))
            });
        }
    }
    Ok(None)
}

/// Every value of `key` in a query string (also spelled `key[]`, as arrays are sent),
/// each split at commas and percent-decoded; 400 naming the key when one is not valid
/// percent-encoded UTF-8.
pub(crate) fn query_values(query: Option<&str>, key: &str) -> Result<Vec<String>, ApiError> {
    let mut values = Vec::new();
    for pair in query.unwrap_or("").split('&').filter(|p| !p.is_empty()) {
        let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
        let name = percent_decode(name).unwrap_or_default();
        if name == key || name.strip_suffix("[]") == Some(key) {
            let value = percent_decode(value).ok_or_else(|| {
                ApiError::bad_request(format!("{key} is not valid percent-encoded UTF-8"))
            })?;
            values.extend(
                value
                    .split(',')
                    .map(str::trim)
                    .filter(|v| !v.is_empty())
                    .map(str::to_owned),
            );
        }
    }
    Ok(values)
}

fn percent_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&byte) = bytes.get(i) {
        match byte {
            b'%' => {
                let hex = text.get(i + 1..i + 3)?;
                out.push(u8::from_str_radix(hex, 16).ok()?);
                i += 3;
            }
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            other => {
                out.push(other);
                i += 1;
            }
        }
    }
    String::from_utf8(out).ok()
}
