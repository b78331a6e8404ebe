//! The handlers, one file per group of MX endpoints, and what they share: reading bodies,
//! finding users and members, and answering with MX's envelopes.

pub(crate) mod control;
pub(crate) mod institutions;
pub(crate) mod jobs;
pub(crate) mod members;
pub(crate) mod mfa;
pub(crate) mod oauth;
pub(crate) mod users;

use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, PathRejection};
use axum::extract::{FromRequestParts, Path};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde::de::DeserializeOwned;
use serde_json::json;

use crate::error::ApiError;
use crate::member::Member;
use crate::respond;
use crate::server::App;
use crate::views;
use crate::world::World;

/// A handler's answer.
pub(crate) type Answer = Result<Response, ApiError>;

/// The `{user_guid}` and `{member_guid}` of a member's path, as sent (a member may be
/// named by its `id` too, which [`member_guid`] resolves). A path that cannot be read is a
/// 400, in the words of [`path_error`].
pub(crate) struct MemberPath {
    pub(crate) user: String,
    pub(crate) member: String,
}

impl FromRequestParts<App> for MemberPath {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, app: &App) -> Result<Self, ApiError> {
        let Path((user, member)) = Path::<(String, String)>::from_request_parts(parts, app)
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

/// The GUID of the user `identifier` names (MX accepts the GUID or the partner's id).
pub(crate) fn user_guid(world: &World, identifier: &str) -> Result<String, ApiError> {
    if world.users.contains_key(identifier) {
        return Ok(identifier.to_owned());
    }
    world
        .users
        .values()
        .find(|u| u.id.as_deref() == Some(identifier))
        .map(|u| u.guid.clone())
        .ok_or_else(|| ApiError::not_found("user not found"))
}

/// The GUID of the member `identifier` names under `user`.
pub(crate) fn member_guid(world: &World, user: &str, identifier: &str) -> Result<String, ApiError> {
    let user = user_guid(world, user)?;
    let belongs = |m: &Member| m.user_guid == user;
    if let Some(m) = world.member(identifier).filter(|m| belongs(m)) {
        return Ok(m.guid.clone());
    }
    world
        .members
        .values()
        .find(|m| belongs(m) && m.id.as_deref() == Some(identifier))
        .map(|m| m.guid.clone())
        .ok_or_else(|| ApiError::not_found("member not found"))
}

/// `{"member": …}` with `status`.
pub(crate) fn member_answer(world: &World, guid: &str, status: StatusCode) -> Answer {
    let member = world
        .member(guid)
        .ok_or_else(|| ApiError::not_found("member not found"))?;
    Ok(respond::json(
        status,
        &json!({ "member": views::member(member, &world.cx.base_url) }),
    ))
}

/// `page` and `records_per_page` from a query string (MX: 25 per page by default, at
/// most 1,000).
pub(crate) fn page_of(query: Option<&str>) -> Result<(usize, usize), ApiError> {
    let mut page = 1;
    let mut per_page = 25;
    for pair in query.unwrap_or("").split('&').filter(|p| !p.is_empty()) {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        let number = || {
            value
                .parse::<usize>()
                .ok()
                .filter(|n| *n >= 1)
                .ok_or_else(|| ApiError::bad_request(format!("{key} must be a whole number >= 1")))
        };
        match key {
            "page" => page = number()?,
            "records_per_page" => per_page = number()?.min(1000),
            _ => {}
        }
    }
    Ok((page, per_page))
}
