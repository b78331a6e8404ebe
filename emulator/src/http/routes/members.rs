//! Members: create, list, read, update, delete, and read the status.

use axum::body::Bytes;
use axum::extract::Path;
use axum::extract::rejection::{BytesRejection, PathRejection};
use axum::http::{HeaderMap, StatusCode, Uri};
use chrono::{DateTime, Utc};
use serde::Deserialize;
use serde_json::json;

use crate::http::error::ApiError;
use crate::http::explain::with_rule;
use crate::http::extract::{MemberPath, Tenant, callback_payload, page_of, parse, path_error};
use crate::http::respond;
use crate::http::routes::{Answer, member_answer};
use crate::model::institutions::{self, Institution};
use crate::model::member::{CredentialValue, JobKind, Member};
use crate::model::moves;
use mx_aggregation_tooling::lifecycle::{LifecycleEvent as E, Node};

use crate::model::outbox::{MemberAction, MemberSnapshot, WebhookEvent};
use crate::model::throttle::ThrottleKey;
use crate::model::world::World;
use crate::wire::views;
use mx_aggregation::ConnectionStatus;
use mx_aggregation_tooling::job_rules::Streak;

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
}

#[derive(Debug, Deserialize)]
struct CredentialIn {
    guid: String,
    value: String,
}

/// Checks credential values against an institution's fields.
fn credentials_for(
    institution: &Institution,
    given: Vec<CredentialIn>,
) -> Result<Vec<CredentialValue>, ApiError> {
    let mut values = Vec::with_capacity(given.len());
    for c in given {
        if !institution.credentials.iter().any(|f| f.guid == c.guid) {
            return Err(ApiError::bad_request(format!(
                "credential guid {:.60} is not a field of {}",
                c.guid, institution.code
            )));
        }
        values.retain(|v: &CredentialValue| v.guid != c.guid);
        values.push(CredentialValue {
            guid: c.guid,
            value: c.value,
        });
    }
    Ok(values)
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
    let fields = envelope.member;
    let skip = envelope
        .skip_aggregation
        .or(fields.skip_aggregation)
        .unwrap_or(false);
    let mut world = tenant.lock();
    let now = world.tick();
    let user_guid = world.user_guid(&user)?;
    let code = fields
        .institution_code
        .ok_or_else(|| ApiError::bad_request("member.institution_code is required"))?;
    let institution = institutions::find(&code)
        .ok_or_else(|| ApiError::bad_request(format!("unknown institution_code {code:.60}")))?;
    let is_oauth = fields.is_oauth.unwrap_or(false);
    let given = fields.credentials.unwrap_or_default();
    if is_oauth && !institution.supports_oauth {
        return Err(ApiError::bad_request(format!(
            "{} does not support OAuth",
            institution.code
        )));
    }
    if !is_oauth && institution.supports_oauth {
        return Err(ApiError::bad_request(format!(
            "{} connects through OAuth: create the member with is_oauth true",
            institution.code
        )));
    }
    if is_oauth && !given.is_empty() {
        return Err(ApiError::bad_request(
            "an OAuth member takes no credentials",
        ));
    }
    let credentials = credentials_for(institution, given)?;
    if !is_oauth
        && let Some(missing) = institution
            .credentials
            .iter()
            .find(|f| !credentials.iter().any(|c| c.guid == f.guid))
    {
        return Err(ApiError::bad_request(format!(
            "credential {} ({}) is required",
            missing.guid, missing.field_name
        )));
    }
    let mut member = Member {
        guid: world.cx.ids.next("MBR"),
        user_guid,
        id: fields.id,
        name: fields.name.unwrap_or_else(|| institution.name.to_owned()),
        institution_code: institution.code.to_owned(),
        metadata: fields.metadata,
        credentials,
        is_oauth,
        oauth_authorized: false,
        background_disabled: fields.background_aggregation_is_disabled.unwrap_or(false),
        node: Node::Start,
        status: None,
        job: None,
        aggregated_at: None,
        successfully_aggregated_at: None,
        created_at: now,
        needs_updated_credentials: false,
        challenges: Vec::new(),
        oauth_token: None,
        most_recent_job_guid: None,
        callback_payload: callback,
        next_background_at: now,
        streak: Streak::default(),
        ledger: Default::default(),
        trace: Vec::new(),
    };
    if !is_oauth && duplicate(&world, &member) {
        return Err(ApiError::conflict(
            "a member with this user, institution and credentials already exists",
        ));
    }
    let (status, rule) = if is_oauth {
        moves::follow(
            &mut member,
            &mut world.cx,
            now,
            E::MemberCreated,
            Node::Status(ConnectionStatus::Pending),
        );
        let token = world.cx.ids.token();
        world
            .oauth_tokens
            .insert(token.clone(), member.guid.clone());
        member.oauth_token = Some(token);
        (
            StatusCode::OK,
            "200: OAuth member created PENDING; it waits for the end user in the OAuth window"
                .to_owned(),
        )
    } else {
        moves::follow(
            &mut member,
            &mut world.cx,
            now,
            E::MemberCreated,
            Node::Status(ConnectionStatus::Created),
        );
        let previous = world.cx.throttle.get(&ThrottleKey::of(&member)).copied();
        if let Some(record) = previous {
            member.aggregated_at = record.aggregated_at;
            member.successfully_aggregated_at = record.successfully_aggregated_at;
        }
        if skip {
            (
                StatusCode::OK,
                "200: created with skip_aggregation; nothing starts".to_owned(),
            )
        } else if let Some(until) = world.cx.throttled_until(&member, now) {
            (
                StatusCode::OK,
                format!(
                    "200: created inside the throttle window of an identical member until {}; nothing starts",
                    views::rfc3339(until)
                ),
            )
        } else {
            let outcome = moves::outcome_of(&member);
            moves::start(
                &mut member,
                &mut world.cx,
                now,
                E::AutomaticAggregation,
                JobKind::Aggregation,
                outcome,
            );
            (
                StatusCode::ACCEPTED,
                "202: created; MX starts an aggregation on the automatic_aggregation edge"
                    .to_owned(),
            )
        }
    };
    member_webhook(&mut world, &member, MemberAction::Created, now);
    let guid = member.guid.clone();
    world.insert_member(member);
    let answer = member_answer(&world, &guid, status).map(|response| with_rule(response, &rule));
    drop(world);
    tenant.wake.notify_one();
    answer
}

fn duplicate(world: &World, member: &Member) -> bool {
    let key = ThrottleKey::of(member);
    world.members.values().any(|m| ThrottleKey::of(m) == key)
}

fn member_webhook(world: &mut World, member: &Member, action: MemberAction, now: DateTime<Utc>) {
    if world.cx.rules.webhooks {
        let event = WebhookEvent::Member {
            action,
            member: MemberSnapshot::of(member),
        };
        world
            .cx
            .queue_webhook(event, member.callback_payload.clone(), now);
    }
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
    let all: Vec<&Member> = world
        .members
        .values()
        .filter(|m| m.user_guid == user)
        .collect();
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

/// Updates a member. New credentials move it to `UPDATED` and MX aggregates it by itself;
/// a job still running answers 409.
pub(crate) async fn update(
    Tenant(tenant): Tenant,
    MemberPath { user, member }: MemberPath,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Answer {
    let callback = callback_payload(&headers)?;
    let envelope: Envelope = parse(body)?;
    let fields = envelope.member;
    let skip = envelope
        .skip_aggregation
        .or(fields.skip_aggregation)
        .unwrap_or(false);
    let mut world = tenant.lock();
    let now = world.tick();
    let guid = world.member_guid(&user, &member)?;
    let World {
        members, index, cx, ..
    } = &mut *world;
    let member = index
        .get(&guid)
        .and_then(|seq| members.get_mut(seq))
        .ok_or_else(|| ApiError::not_found("member not found"))?;
    let institution = institutions::find(&member.institution_code)
        .ok_or_else(|| ApiError::not_found("institution not found"))?;
    let given = fields.credentials.unwrap_or_default();
    let new_credentials = if given.is_empty() {
        None
    } else if member.is_oauth {
        return Err(ApiError::bad_request(
            "an OAuth member takes no credentials",
        ));
    } else {
        Some(credentials_for(institution, given)?)
    };
    if new_credentials.is_some() && member.job.is_some() {
        return Err(ApiError::conflict("a job is running on this member"));
    }
    if new_credentials.is_some() && !moves::has_edge(member, E::UpdateCredentials) {
        return Err(ApiError::bad_request(
            "this member's credentials cannot be updated",
        ));
    }
    if let Some(id) = fields.id {
        member.id = Some(id);
    }
    if let Some(metadata) = fields.metadata {
        member.metadata = Some(metadata);
    }
    if let Some(disabled) = fields.background_aggregation_is_disabled {
        member.background_disabled = disabled;
    }
    if callback.is_some() {
        member.callback_payload = callback;
    }
    if let Some(values) = new_credentials {
        for value in values {
            member.credentials.retain(|c| c.guid != value.guid);
            member.credentials.push(value);
        }
        member.needs_updated_credentials = false;
        moves::follow(
            member,
            cx,
            now,
            E::UpdateCredentials,
            Node::Status(ConnectionStatus::Updated),
        );
        if !skip && cx.throttled_until(member, now).is_none() {
            let outcome = moves::outcome_of(member);
            moves::start(
                member,
                cx,
                now,
                E::AutomaticAggregation,
                JobKind::Aggregation,
                outcome,
            );
        }
    }
    let snapshot = member.clone();
    member_webhook(&mut world, &snapshot, MemberAction::Updated, now);
    let answer = member_answer(&world, &guid, StatusCode::OK);
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
    let guid = world.member_guid(&user, &member)?;
    if let Some(member) = world.remove_member(&guid) {
        member_webhook(&mut world, &member, MemberAction::Deleted, now);
    }
    drop(world);
    tenant.wake.notify_one();
    Ok(respond::empty(StatusCode::NO_CONTENT))
}
