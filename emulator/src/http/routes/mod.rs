//! The handlers, one file per group of MX endpoints, and the answer they share.

pub(crate) mod control;
pub(crate) mod dashboard;
pub(crate) mod data;
pub(crate) mod forced;
pub(crate) mod holdings;
pub(crate) mod institutions;
pub(crate) mod jobs;
pub(crate) mod members;
pub(crate) mod mfa;
pub(crate) mod oauth;
pub(crate) mod premium;
pub(crate) mod users;
pub(crate) mod widget;

use axum::http::StatusCode;
use axum::response::Response;
use serde_json::json;

use crate::http::error::ApiError;
use crate::http::respond;
use crate::model::world::World;
use crate::wire::views;

/// A handler's answer.
pub(crate) type Answer = Result<Response, ApiError>;

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
