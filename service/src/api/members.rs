//! A member's routes: create (idempotent by key and by member `id`, in-doubt creates
//! found on MX before anything is repeated), show, and what the end user does: answer
//! MFA, send new credentials, ask for fresh data (drives with the end user present).

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use mx_aggregation::{Call, NextStep};
use mx_aggregation_client::types::{ChallengeAnswer, CredentialValue, MemberCreate, MemberUpdate};
use mx_aggregation_client::{MemberRef, Outcome};
use serde::Deserialize;
use serde_json::{Value, json};

use super::error::ApiError;
use super::state::AppState;
use crate::core::digest::canonical_digest;
use crate::store::{CreatedMember, Journaled, MemberView};

/// The longest `Idempotency-Key` or member `id` taken.
const MAX_KEY: usize = 255;

#[derive(Deserialize)]
struct CreateBody {
    member: CreateFields,
}

#[derive(Deserialize)]
struct CreateFields {
    institution_code: String,
    #[serde(default)]
    credentials: Option<Vec<CredentialValue>>,
    #[serde(default)]
    id: Option<String>,
    #[serde(default)]
    is_oauth: Option<bool>,
    #[serde(default)]
    skip_aggregation: Option<bool>,
    #[serde(default)]
    background_aggregation_is_disabled: Option<bool>,
    #[serde(default)]
    metadata: Option<String>,
}

fn accepted(guid: &str) -> Response {
    (
        StatusCode::ACCEPTED,
        Json(json!({ "member": { "guid": guid } })),
    )
        .into_response()
}

fn checked(what: &str, value: &str) -> Result<(), ApiError> {
    if value.is_empty() || value.len() > MAX_KEY || value.chars().any(char::is_control) {
        return Err(ApiError::bad_request(format!(
            "{what} must be 1 to {MAX_KEY} printable characters"
        )));
    }
    Ok(())
}

/// The MX member `id` a key stands for when the caller gave no `id`: derived from the
/// key, so a create in doubt is found on MX by it.
fn id_for_key(user: &str, key: &str) -> String {
    let digest = canonical_digest(&json!({ "user": user, "idempotency_key": key }));
    format!("svc-{}", &digest[..32])
}

/// `POST /users/{user}/members`.
pub(super) async fn create(
    State(state): State<AppState>,
    Path(user): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let route = "POST /users/{user}/members";
    let body: CreateBody = serde_json::from_slice(&body).map_err(|e| ApiError::body(route, &e))?;
    let fields = body.member;
    checked("member.institution_code", &fields.institution_code)?;
    if let Some(id) = &fields.id {
        checked("member.id", id)?;
    }
    let key = match headers.get("idempotency-key") {
        Some(value) => {
            let key = value
                .to_str()
                .map_err(|_| ApiError::bad_request("Idempotency-Key is not text"))?;
            checked("Idempotency-Key", key)?;
            Some(key.to_owned())
        }
        None => None,
    };
    let db = state.worker.db();
    if !db.user_exists(&user).await? {
        return Err(ApiError::not_found(format!("unknown user {user:?}")));
    }
    let now = state
        .worker
        .now()
        .await
        .map_err(|e| ApiError::unavailable(e.to_string()))?;
    let member_id = match (&key, &fields.id) {
        (Some(key), id) => {
            if let Some((_, Some(guid))) = db.idempotency_key(&user, key).await? {
                return Ok(accepted(&guid));
            }
            let id = id.clone().unwrap_or_else(|| id_for_key(&user, key));
            db.insert_idempotency_key(&user, key, &id, now).await?
        }
        (None, Some(id)) => id.clone(),
        (None, None) => id_for_key(
            &user,
            &format!(
                "{}:{}",
                state.worker.owner(),
                now.timestamp_nanos_opt().unwrap_or_default()
            ),
        ),
    };
    let settle_key = |guid: String| {
        let key = key.clone();
        let user = user.clone();
        async move {
            if let Some(key) = key {
                db.settle_idempotency_key(&user, &key, &guid).await?;
            }
            Ok::<_, ApiError>(accepted(&guid))
        }
    };
    if let Some(guid) = db.member_by_id(&user, &member_id).await? {
        return settle_key(guid).await;
    }
    let call_key = format!("create_member:{user}:{member_id}");
    let client = state.worker.present().client();
    match db.journaled(&call_key).await? {
        Some(Journaled::Settled(Some(guid))) => return settle_key(guid).await,
        Some(Journaled::InDoubt) => {
            // MX may have created it before the service died: look before repeating.
            let members = client
                .all_members(&user)
                .await
                .map_err(|e| ApiError::unavailable(format!("MX: {e}")))?;
            if let Some(guid) = members
                .iter()
                .find(|m| m.id.as_deref() == Some(member_id.as_str()))
                .and_then(|m| m.guid.clone())
            {
                db.record_created_member(&CreatedMember {
                    guid: &guid,
                    user_guid: &user,
                    member_id: &member_id,
                    call_key: &call_key,
                    idempotency_key: key.as_deref(),
                    now,
                })
                .await?;
                return Ok(accepted(&guid));
            }
        }
        Some(Journaled::Settled(None)) | None => {}
    }
    db.journal_call(
        &call_key,
        Call::Create.name(),
        Some(&user),
        Some(&member_id),
        now,
    )
    .await?;
    let request = MemberCreate {
        institution_code: fields.institution_code,
        credentials: fields.credentials.unwrap_or_default(),
        is_oauth: fields.is_oauth,
        id: Some(member_id.clone()),
        metadata: fields.metadata,
        background_aggregation_is_disabled: fields.background_aggregation_is_disabled,
        skip_aggregation: fields.skip_aggregation,
    };
    let created = state
        .worker
        .present()
        .create_member(&user, &request)
        .await
        .map_err(|e| ApiError::unavailable(format!("MX did not answer the create: {e}")))?;
    drop(request);
    match created {
        Ok(member) => {
            let now = state
                .worker
                .now()
                .await
                .map_err(|e| ApiError::unavailable(e.to_string()))?;
            db.record_created_member(&CreatedMember {
                guid: &member.member,
                user_guid: &member.user,
                member_id: &member_id,
                call_key: &call_key,
                idempotency_key: key.as_deref(),
                now,
            })
            .await?;
            Ok(accepted(&member.member))
        }
        Err(Outcome::CallFailed { http, .. }) => match http.step {
            // No answer after the retries: in doubt, the caller retries with the key.
            NextStep::GiveUp | NextStep::Retry { .. } | NextStep::CheckBeforeRetry { .. } => Err(
                ApiError::unavailable(format!("MX could not be reached ({})", http.rule.code())),
            ),
            NextStep::Done
            | NextStep::PollJob { .. }
            | NextStep::OtherJobRunning { .. }
            | NextStep::Throttled { .. }
            | NextStep::ReadMember
            | NextStep::AlreadyExists
            | NextStep::NotSupported
            | NextStep::MemberGone
            | NextStep::FixClient => {
                db.settle_call(&call_key, None, http.rule.code(), now)
                    .await?;
                Err(ApiError::refused(format!(
                    "MX refused the create ({})",
                    http.rule.code()
                )))
            }
        },
        Err(other) => Err(ApiError::unavailable(format!(
            "MX's create ended as {other:?}"
        ))),
    }
}

fn view_json(view: &MemberView) -> Value {
    let challenges = view
        .challenges
        .as_deref()
        .and_then(|text| serde_json::from_str::<Value>(text).ok());
    json!({ "member": {
        "guid": view.guid,
        "user_guid": view.user_guid,
        "connection_status": view.connection_status,
        "action": view.action,
        "reason": view.reason,
        "requires_end_user": view.requires_end_user,
        "next_look_at": view.next_look_at.map(|at| at.to_rfc3339()),
        "challenges": challenges,
        "oauth_window_uri": view.oauth_window_uri,
        "user_message": view.user_message,
        "synced_through": view.synced_through,
        "accounts": view.accounts,
        "transactions": view.transactions,
        "webhooks_received": view.webhooks_received,
    }})
}

/// `GET /members/{member}`.
pub(super) async fn show(
    State(state): State<AppState>,
    Path(member): Path<String>,
) -> Result<Response, ApiError> {
    let view = state
        .worker
        .db()
        .member_view(&member)
        .await?
        .ok_or_else(|| ApiError::not_found(format!("unknown member {member:?}")))?;
    Ok(Json(view_json(&view)).into_response())
}

#[derive(Deserialize)]
struct MfaBody {
    answers: Vec<ChallengeAnswer>,
}

#[derive(Deserialize)]
struct CredentialsBody {
    credentials: Vec<CredentialValue>,
}

/// What the end user sends to MX before their drive.
enum Sent {
    /// MFA answers (`PUT …/resume`).
    Answers(Vec<ChallengeAnswer>),
    /// New credentials (`PUT /users/{user}/members/{member}`).
    Credentials(MemberUpdate),
    /// Nothing: the end user asks for fresh data.
    Nothing,
}

/// Takes the member over for the end user, sends what they gave to MX (the `202` means
/// MX has it: a service that dies before sending answers no `202`, and the app sends it
/// again), then drives the member in the background with the end user present. What
/// was sent lives in memory only, on its way to MX.
async fn end_user_drive(state: &AppState, member: &str, sent: Sent) -> Result<Response, ApiError> {
    let db = state.worker.db();
    let Some(row) = db.member(member).await? else {
        return Err(ApiError::not_found(format!("unknown member {member:?}")));
    };
    // Leases run on wall time (`schedule::LEASE`), whatever clock decides.
    let taken = db
        .take_over(member, state.worker.owner(), Utc::now())
        .await?
        .ok_or_else(|| ApiError::not_found(format!("unknown member {member:?}")))?;
    let mx_member = MemberRef::new(row.user_guid, row.guid);
    let client = state.worker.present().client();
    let result = match &sent {
        Sent::Answers(answers) => client.resume(&mx_member, answers).await.map(drop),
        Sent::Credentials(update) => client.update_member(&mx_member, update).await.map(drop),
        Sent::Nothing => Ok(()),
    };
    drop(sent);
    match result {
        Ok(()) => {}
        // MX already acts on what was sent before (the same answers or credentials
        // again): `405` (no longer challenged) or `409` (its job runs).
        Err(error) if matches!(error.status(), Some(405 | 409)) => {}
        Err(error) => {
            db.release(&taken.claimed).await?;
            let message = format!("MX did not take it: {error}");
            return Err(match error.status() {
                Some(status) if (400..500).contains(&status) => ApiError::refused(message),
                Some(_) | None => ApiError::unavailable(message),
            });
        }
    }
    state.running.spawn_taken_over(&state.worker, taken);
    Ok(accepted(member))
}

/// `POST /members/{member}/mfa`.
pub(super) async fn mfa(
    State(state): State<AppState>,
    Path(member): Path<String>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let body: MfaBody = serde_json::from_slice(&body)
        .map_err(|e| ApiError::body("POST /members/{member}/mfa", &e))?;
    if body.answers.is_empty() {
        return Err(ApiError::bad_request("answers is empty"));
    }
    end_user_drive(&state, &member, Sent::Answers(body.answers)).await
}

/// `PUT /members/{member}/credentials`.
pub(super) async fn credentials(
    State(state): State<AppState>,
    Path(member): Path<String>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let body: CredentialsBody = serde_json::from_slice(&body)
        .map_err(|e| ApiError::body("PUT /members/{member}/credentials", &e))?;
    if body.credentials.is_empty() {
        return Err(ApiError::bad_request("credentials is empty"));
    }
    let update = MemberUpdate {
        credentials: body.credentials,
        ..MemberUpdate::default()
    };
    end_user_drive(&state, &member, Sent::Credentials(update)).await
}

/// `POST /members/{member}/aggregate`.
pub(super) async fn aggregate(
    State(state): State<AppState>,
    Path(member): Path<String>,
) -> Result<Response, ApiError> {
    end_user_drive(&state, &member, Sent::Nothing).await
}
