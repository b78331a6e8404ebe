//! The reference service's routes (axum): MX's webhooks in, each member's latest outcome
//! out as JSON, and the driver running behind them.
//!
//! | route | what it does |
//! | --- | --- |
//! | `POST /webhooks/mx` | answers `204` at once; drops repeats ([`WebhookInbox`]); for a known member, drives it again (reads it, decides) |
//! | `POST /users/{user}/members` | body `{"member": MemberCreate}`: creates the member (never twice) and drives it; `202 {"member": …}` |
//! | `GET /members/{member}` | the member's latest [`Outcome`] as JSON (`null` while the first drive runs) |
//! | `POST /members/{member}/drive` | drives again (e.g. after the OAuth window, at a `wait_until`) |
//! | `POST /members/{member}/mfa` | body `{"answers": [{"guid": …, "value": …}]}`: sends the answers and drives on |
//!
//! Drives run in the background, one at a time per member; the routes never wait on MX.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use axum::Json;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde::{Deserialize, Serialize};
use serde_json::json;
use tracing::Instrument;

use crate::clock::Clock;
use crate::driver::{Driver, Outcome};
use crate::endpoint::MemberRef;
use crate::types::{ChallengeAnswer, MemberCreate};
use crate::webhook::{Webhook, WebhookInbox, WebhookKind};

/// What the service knows about one member.
#[derive(Debug, Clone, Default, Serialize)]
pub struct MemberEntry {
    /// The user's guid.
    pub user: String,
    /// The member's guid.
    pub member: String,
    /// The latest drive's outcome; `None` before the first one ends.
    pub outcome: Option<Outcome>,
    /// The latest drive's error, if it failed.
    pub error: Option<String>,
    /// True while a drive runs.
    pub driving: bool,
    /// Webhooks accepted for the member (repeats excluded).
    pub webhooks: u32,
    /// Repeated webhooks dropped for the member.
    pub duplicates: u32,
}

struct Inner<C> {
    driver: Driver<C>,
    members: Mutex<HashMap<String, MemberEntry>>,
    inbox: Mutex<WebhookInbox>,
}

/// The service's state: the driver, the members it drives, the webhook inbox.
pub struct Service<C> {
    inner: Arc<Inner<C>>,
}

impl<C> Clone for Service<C> {
    fn clone(&self) -> Self {
        Self {
            inner: self.inner.clone(),
        }
    }
}

impl<C: Clock + Clone + 'static> Service<C> {
    /// A service around `driver`.
    pub fn new(driver: Driver<C>) -> Self {
        Self {
            inner: Arc::new(Inner {
                driver,
                members: Mutex::default(),
                inbox: Mutex::default(),
            }),
        }
    }

    /// The routes.
    pub fn router(&self) -> Router {
        Router::new()
            .route("/webhooks/mx", post(webhook::<C>))
            .route("/users/{user}/members", post(create::<C>))
            .route("/members/{member}", get(show::<C>))
            .route("/members/{member}/drive", post(drive::<C>))
            .route("/members/{member}/mfa", post(mfa::<C>))
            .with_state(self.clone())
    }

    /// A copy of what the service knows about `member`.
    pub fn entry(&self, member: &str) -> Option<MemberEntry> {
        self.members().get(member).cloned()
    }

    fn members(&self) -> std::sync::MutexGuard<'_, HashMap<String, MemberEntry>> {
        self.inner
            .members
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// Starts `work` for `member` in the background unless a drive already runs; the
    /// outcome replaces the entry's. Returns false when one was running.
    fn spawn<F, Fut>(&self, member: MemberRef, work: F) -> bool
    where
        F: FnOnce(Self, MemberRef) -> Fut + Send + 'static,
        Fut: Future<Output = Result<Outcome, crate::DriveError>> + Send + 'static,
    {
        {
            let mut members = self.members();
            let entry = members
                .entry(member.member.clone())
                .or_insert_with(|| MemberEntry {
                    user: member.user.clone(),
                    member: member.member.clone(),
                    ..MemberEntry::default()
                });
            if entry.driving {
                return false;
            }
            entry.driving = true;
        }
        let service = self.clone();
        let span = tracing::info_span!("service.drive", member = %member);
        tokio::spawn(
            async move {
                let key = member.member.clone();
                let result = work(service.clone(), member).await;
                let mut members = service.members();
                if let Some(entry) = members.get_mut(&key) {
                    entry.driving = false;
                    match result {
                        Ok(outcome) => {
                            tracing::info!(outcome = ?outcome_name(&outcome), "drive ended");
                            entry.outcome = Some(outcome);
                            entry.error = None;
                        }
                        Err(error) => {
                            tracing::warn!(%error, "drive failed");
                            entry.error = Some(error.to_string());
                        }
                    }
                }
            }
            .instrument(span),
        );
        true
    }

    fn drive_member(&self, member: MemberRef) -> bool {
        self.spawn(member, |service, member| async move {
            service.inner.driver.drive(&member).await
        })
    }
}

fn outcome_name(outcome: &Outcome) -> &'static str {
    match outcome {
        Outcome::ReadData { .. } => "read_data",
        Outcome::EndUser { .. } => "end_user",
        Outcome::WaitUntil { .. } => "wait_until",
        Outcome::AggregateLater { .. } => "aggregate_later",
        Outcome::Stop { .. } => "stop",
        Outcome::CallFailed { .. } => "call_failed",
    }
}

/// MX's webhook: `204` whatever came (MX retries anything else for a day); a new
/// webhook about a known member drives it again, a repeat is dropped.
async fn webhook<C: Clock + Clone + 'static>(
    State(service): State<Service<C>>,
    body: Bytes,
) -> StatusCode {
    let webhook = match Webhook::parse(&body) {
        Ok(webhook) => webhook,
        Err(error) => {
            tracing::warn!(%error, "webhook body not understood; answered 204");
            return StatusCode::NO_CONTENT;
        }
    };
    let span = tracing::info_span!(
        "service.webhook",
        kind = %webhook.kind_name,
        action = %webhook.action,
        member = webhook.member_guid.as_deref().unwrap_or(""),
        status = webhook.connection_status.as_deref().unwrap_or(""),
    );
    let _entered = span.enter();
    let fresh = service
        .inner
        .inbox
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .accept(&webhook);
    let Some(guid) = webhook.member_guid.clone() else {
        return StatusCode::NO_CONTENT;
    };
    let known = {
        let mut members = service.members();
        members.get_mut(&guid).map(|entry| {
            if fresh {
                entry.webhooks += 1;
            } else {
                entry.duplicates += 1;
            }
            MemberRef::new(entry.user.clone(), entry.member.clone())
        })
    };
    let acts = matches!(
        webhook.kind(),
        WebhookKind::ConnectionStatus | WebhookKind::DataUpdated
    );
    match known {
        Some(member) if fresh && acts => {
            tracing::info!("new webhook: reading the member again");
            service.drive_member(member);
        }
        Some(_) if !fresh => tracing::info!("repeated webhook dropped"),
        Some(_) | None => tracing::debug!("webhook noted"),
    }
    StatusCode::NO_CONTENT
}

#[derive(Deserialize)]
struct CreateBody {
    member: MemberCreate,
}

async fn create<C: Clock + Clone + 'static>(
    State(service): State<Service<C>>,
    Path(user): Path<String>,
    Json(body): Json<CreateBody>,
) -> Response {
    match service
        .inner
        .driver
        .create_member(&user, &body.member)
        .await
    {
        Ok(Ok(member)) => {
            service.drive_member(member.clone());
            (
                StatusCode::ACCEPTED,
                Json(json!({ "member": { "user": member.user, "guid": member.member } })),
            )
                .into_response()
        }
        Ok(Err(outcome)) => {
            (StatusCode::BAD_GATEWAY, Json(json!({ "outcome": outcome }))).into_response()
        }
        Err(error) => (
            StatusCode::BAD_GATEWAY,
            Json(json!({ "error": { "message": error.to_string() } })),
        )
            .into_response(),
    }
}

fn not_found() -> Response {
    (
        StatusCode::NOT_FOUND,
        Json(json!({ "error": { "message": "unknown member" } })),
    )
        .into_response()
}

async fn show<C: Clock + Clone + 'static>(
    State(service): State<Service<C>>,
    Path(member): Path<String>,
) -> Response {
    service
        .entry(&member)
        .map_or_else(not_found, |entry| Json(entry).into_response())
}

fn member_ref<C: Clock + Clone + 'static>(service: &Service<C>, member: &str) -> Option<MemberRef> {
    service
        .entry(member)
        .map(|e| MemberRef::new(e.user, e.member))
}

async fn drive<C: Clock + Clone + 'static>(
    State(service): State<Service<C>>,
    Path(member): Path<String>,
) -> Response {
    let Some(member) = member_ref(&service, &member) else {
        return not_found();
    };
    let started = service.drive_member(member);
    (StatusCode::ACCEPTED, Json(json!({ "started": started }))).into_response()
}

#[derive(Deserialize)]
struct MfaBody {
    answers: Vec<ChallengeAnswer>,
}

async fn mfa<C: Clock + Clone + 'static>(
    State(service): State<Service<C>>,
    Path(member): Path<String>,
    Json(body): Json<MfaBody>,
) -> Response {
    let Some(member) = member_ref(&service, &member) else {
        return not_found();
    };
    let started = service.spawn(member, move |service, member| async move {
        service
            .inner
            .driver
            .answer_mfa(&member, &body.answers)
            .await
    });
    (StatusCode::ACCEPTED, Json(json!({ "started": started }))).into_response()
}
