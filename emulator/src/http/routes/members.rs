//! Members: create, list, read, update, delete, and read the status.

use axum::body::Bytes;
use axum::extract::Path;
use axum::extract::rejection::{BytesRejection, PathRejection};
use axum::http::{HeaderMap, StatusCode, Uri};
use serde::Deserialize;
use serde_json::json;

use crate::http::error::ApiError;
use crate::http::explain::{job_started, with_rule};
use crate::http::extract::{MemberPath, Tenant, callback_payload, page_of, parse, path_error};
use crate::http::respond;
use crate::http::routes::{Answer, member_answer};
use crate::model::member::{CredentialValue, Member, UseCase};
use crate::model::requests::members::{self, Created, MemberChanges, NewMember};
use crate::wire::views;

#[derive(Debug, Deserialize)]
struct Envelope {
    member: MemberFields,
    skip_aggregation: Option<bool>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct MemberFields {
    institution_code: Option<String>,
    credentials: Option<Vec<CredentialIn>>,
    is_oauth: Option<bool>,
    id: Option<String>,
    name: Option<String>,
    metadata: Option<String>,
    background_aggregation_is_disabled: Option<bool>,
    skip_aggregation: Option<bool>,
    use_cases: Option<Vec<String>>,
}

/// The use cases named by `given`: 400 naming the first MX does not define.
fn use_cases(given: Vec<String>) -> Result<Vec<UseCase>, ApiError> {
    let mut cases = Vec::with_capacity(given.len());
    for text in given {
        let case = UseCase::parse(&text).ok_or_else(|| {
            ApiError::bad_request(format!(
                "member.use_cases: unknown use case {text:.60} (MONEY_MOVEMENT or PFM)"
            ))
        })?;
        if !cases.contains(&case) {
            cases.push(case);
        }
    }
    Ok(cases)
}

#[derive(Debug, Deserialize)]
struct CredentialIn {
    guid: String,
    value: String,
}

impl Envelope {
    /// The create call's fields, with the caller's callback payload.
    fn into_new(self, callback_payload: Option<String>) -> Result<NewMember, ApiError> {
        let fields = self.member;
        Ok(NewMember {
            use_cases: use_cases(fields.use_cases.unwrap_or_default())?,
            institution_code: fields.institution_code,
            credentials: credential_values(fields.credentials),
            is_oauth: fields.is_oauth.unwrap_or(false),
            id: fields.id,
            name: fields.name,
            metadata: fields.metadata,
            background_disabled: fields.background_aggregation_is_disabled,
            skip_aggregation: self
                .skip_aggregation
                .or(fields.skip_aggregation)
                .unwrap_or(false),
            callback_payload,
        })
    }

    /// The update call's changes, with the caller's callback payload.
    fn into_changes(self, callback_payload: Option<String>) -> Result<MemberChanges, ApiError> {
        let fields = self.member;
        Ok(MemberChanges {
            use_cases: fields.use_cases.map(use_cases).transpose()?,
            credentials: credential_values(fields.credentials),
            id: fields.id,
            metadata: fields.metadata,
            background_disabled: fields.background_aggregation_is_disabled,
            skip_aggregation: self
                .skip_aggregation
                .or(fields.skip_aggregation)
                .unwrap_or(false),
            callback_payload,
        })
    }
}

fn credential_values(given: Option<Vec<CredentialIn>>) -> Vec<CredentialValue> {
    given
        .unwrap_or_default()
        .into_iter()
        .map(|c| CredentialValue {
            guid: c.guid,
            value: c.value,
        })
        .collect()
}

/// Creates a member; MX starts an aggregation by itself (202), unless the throttle window
/// of an identical member is still open or the member uses OAuth (200).
pub(crate) async fn create(
    Tenant(tenant): Tenant,
    path: Result<Path<String>, PathRejection>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Answer {
    let Path(user) = path.map_err(path_error)?;
    let callback = callback_payload(&headers)?;
    let envelope: Envelope = parse(body)?;
    let new = envelope.into_new(callback)?;
    let mut world = tenant.lock();
    let now = world.tick();
    let (guid, created) = members::create(&mut world, &user, new, now)?;
    let (status, rule) = match created {
        Created::OauthPending => (
            StatusCode::OK,
            "200: OAuth member created PENDING; it waits for the end user in the OAuth window"
                .to_owned(),
        ),
        Created::Skipped => (
            StatusCode::OK,
            "200: created with skip_aggregation; nothing starts".to_owned(),
        ),
        Created::Throttled(until) => (
            StatusCode::OK,
            format!(
                "200: created inside the throttle window of an identical member until {}; nothing starts",
                views::rfc3339(until)
            ),
        ),
        Created::Aggregating => (
            StatusCode::ACCEPTED,
            "202: created; MX starts an aggregation on the automatic_aggregation edge".to_owned(),
        ),
    };
    let answer = member_answer(&world, &guid, status).map(|response| {
        let response = with_rule(response, &rule);
        if created == Created::Aggregating {
            job_started(response)
        } else {
            response
        }
    });
    drop(world);
    tenant.wake.notify_one();
    answer
}

/// Lists a user's members, 25 a page by default.
pub(crate) async fn list(
    Tenant(tenant): Tenant,
    path: Result<Path<String>, PathRejection>,
    uri: Uri,
) -> Answer {
    let Path(user) = path.map_err(path_error)?;
    let page = page_of(uri.query())?;
    let mut world = tenant.lock();
    world.tick();
    let user = world.user_guid(&user)?;
    let all: Vec<&Member> = world.user_members(&user);
    let shown: Vec<_> = page
        .slice(&all)
        .iter()
        .map(|m| views::member(m, &world.cx.base_url))
        .collect();
    Ok(respond::json(
        StatusCode::OK,
        &json!({ "members": shown, "pagination": views::pagination(page.pagination(all.len())) }),
    ))
}

/// Reads a member.
pub(crate) async fn read(
    Tenant(tenant): Tenant,
    MemberPath { user, member }: MemberPath,
) -> Answer {
    let mut world = tenant.lock();
    world.tick();
    let guid = world.member_guid(&user, &member)?;
    member_answer(&world, &guid, StatusCode::OK)
}

/// Reads a member's status.
pub(crate) async fn status(
    Tenant(tenant): Tenant,
    MemberPath { user, member }: MemberPath,
) -> Answer {
    let mut world = tenant.lock();
    world.tick();
    let guid = world.member_guid(&user, &member)?;
    let member = world
        .member(&guid)
        .ok_or_else(|| ApiError::not_found("member not found"))?;
    Ok(respond::json(
        StatusCode::OK,
        &json!({ "member": views::status(member) }),
    ))
}

/// Updates a member: new credentials move it to `UPDATED` (a job still running answers
/// 409), and every successful update starts an aggregation where MX starts one
/// (`model::automatic`).
pub(crate) async fn update(
    Tenant(tenant): Tenant,
    MemberPath { user, member }: MemberPath,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Answer {
    let callback = callback_payload(&headers)?;
    let envelope: Envelope = parse(body)?;
    let changes = envelope.into_changes(callback)?;
    let mut world = tenant.lock();
    let now = world.tick();
    let (guid, after) = members::update(&mut world, &user, &member, changes, now)?;
    let answer = member_answer(&world, &guid, StatusCode::OK).map(|response| {
        let response = with_rule(response, &after.rule);
        if after.started {
            job_started(response)
        } else {
            response
        }
    });
    drop(world);
    tenant.wake.notify_one();
    answer
}

/// Deletes a member (204). Its throttle window stays, for an identical member created
/// again.
pub(crate) async fn delete(
    Tenant(tenant): Tenant,
    MemberPath { user, member }: MemberPath,
) -> Answer {
    let mut world = tenant.lock();
    let now = world.tick();
    members::delete(&mut world, &user, &member, now)?;
    drop(world);
    tenant.wake.notify_one();
    Ok(respond::empty(StatusCode::NO_CONTENT))
}
