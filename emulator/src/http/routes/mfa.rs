//! MFA: `GET …/challenges` (204 when the member is not challenged) and `PUT …/resume`
//! (405 when it is not, as MX's Nexus reference answers).

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::http::{HeaderMap, StatusCode, Uri};
use serde::Deserialize;
use serde_json::json;

use crate::http::error::ApiError;
use crate::http::extract::{MemberPath, Tenant, callback_payload, page_of, parse};
use crate::http::respond;
use crate::http::routes::{Answer, member_answer};
use crate::model::requests::mfa::{self, ChallengeAnswer};
use crate::wire::views;

/// The open challenges, or 204.
pub(crate) async fn challenges(
    Tenant(tenant): Tenant,
    MemberPath { user, member }: MemberPath,
    uri: Uri,
) -> Answer {
    let page = page_of(uri.query())?;
    let mut world = tenant.lock();
    world.tick();
    let guid = world.member_guid(&user, &member)?;
    let member = world
        .member(&guid)
        .ok_or_else(|| ApiError::not_found("member not found"))?;
    if member.challenges.is_empty() {
        return Ok(respond::empty(StatusCode::NO_CONTENT));
    }
    let challenges: Vec<_> = page
        .slice(&member.challenges)
        .iter()
        .map(views::challenge)
        .collect();
    let pagination = page.pagination(member.challenges.len());
    Ok(respond::json(
        StatusCode::OK,
        &json!({ "challenges": challenges, "pagination": views::pagination(pagination) }),
    ))
}

#[derive(Debug, Deserialize)]
struct Envelope {
    member: Answers,
}

#[derive(Debug, Deserialize)]
struct Answers {
    challenges: Vec<AnswerIn>,
}

#[derive(Debug, Deserialize)]
struct AnswerIn {
    guid: String,
    value: String,
}

/// Sends the end user's answers; the job goes on (202).
pub(crate) async fn resume(
    Tenant(tenant): Tenant,
    MemberPath { user, member }: MemberPath,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Answer {
    let callback = callback_payload(&headers)?;
    let mut world = tenant.lock();
    let now = world.tick();
    let guid = mfa::challenged(&world, &user, &member)?;
    let Envelope { member: answers } = parse(body)?;
    let answers: Vec<ChallengeAnswer> = answers
        .challenges
        .into_iter()
        .map(|a| ChallengeAnswer {
            guid: a.guid,
            value: a.value,
        })
        .collect();
    mfa::resume(&mut world, &guid, &answers, callback, now)?;
    let answer = member_answer(&world, &guid, StatusCode::ACCEPTED);
    drop(world);
    tenant.wake.notify_one();
    answer
}
