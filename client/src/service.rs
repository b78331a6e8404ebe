//! The reference service's routes (axum): MX's webhooks in, each member's latest outcome
//! out as JSON, and the driver running behind them.
//!
//! | route | what it does |
//! | --- | --- |
//! | `POST /webhooks/mx` | answers `204` at once; folds the webhook into the member's [`MemberState`]; when that changed the state, drives the member (a connection-status webhook → read the member again) |
//! | `POST /users/{user}/members` | body `{"member": MemberCreate}`: creates the member (never twice) and drives it; `202 {"member": …}` |
//! | `GET /members/{member}` | the member's latest [`Outcome`] as JSON (`null` while the first drive runs) |
//! | `POST /members/{member}/drive` | drives again (e.g. after the OAuth window, at a `wait_until`) |
//! | `POST /members/{member}/mfa` | body `{"answers": [{"guid": …, "value": …}]}`: sends the answers and drives on |
//!
//! Drives run in the background, one at a time per member, on the member's
//! [`MemberState`]: every read and answer of a drive and every webhook is folded into it
//! (`mx_aggregation`'s observation folding: newest knowledge per field, repeats and late
//! webhooks change nothing). A webhook that arrives during a drive is folded after it.
//! The routes never wait on MX.

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
use mx_aggregation::{Applied, MemberState, Observation};

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
    /// Webhooks that changed the member's state.
    pub webhooks: u32,
    /// Webhooks that changed nothing: repeats of MX's retries, knowledge already held.
    pub duplicates: u32,
    /// Webhooks older than what the state knows.
    pub stale: u32,
    /// The folded state (serializable: a service keeps it in its database).
    pub state: MemberState,
    /// Webhook bodies received during a drive, folded when it ends.
    #[serde(skip)]
    pending: Vec<(String, chrono::DateTime<chrono::Utc>)>,
}

struct Inner<C> {
    driver: Driver<C>,
    members: Mutex<HashMap<String, MemberEntry>>,
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
        F: FnOnce(Self, MemberRef, MemberState) -> Fut + Send + 'static,
        Fut: Future<Output = (MemberState, Result<Outcome, crate::DriveError>)> + Send + 'static,
    {
        let state = {
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
            entry.state.clone()
        };
        let service = self.clone();
        let span = tracing::info_span!("service.drive", member = %member);
        tokio::spawn(
            async move {
                let key = member.member.clone();
                let (state, result) = work(service.clone(), member.clone(), state).await;
                let mut again = false;
                let mut members = service.members();
                if let Some(entry) = members.get_mut(&key) {
                    entry.driving = false;
                    entry.state = state;
                    for (body, at) in std::mem::take(&mut entry.pending) {
                        again |= fold_webhook(entry, &body, at);
                    }
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
                drop(members);
                if again {
                    service.drive_member(member);
                }
            }
            .instrument(span),
        );
        true
    }

    fn drive_member(&self, member: MemberRef) -> bool {
        self.spawn(member, |service, member, mut state| async move {
            let result = service.inner.driver.drive_state(&member, &mut state).await;
            (state, result)
        })
    }
}

fn outcome_name(outcome: &Outcome) -> &'static str {
    match outcome {
        Outcome::ReadData { .. } => "read_data",
        Outcome::Synced { .. } => "synced",
        Outcome::SyncFailed { .. } => "sync_failed",
        Outcome::EndUser { .. } => "end_user",
        Outcome::WaitUntil { .. } => "wait_until",
        Outcome::AggregateLater { .. } => "aggregate_later",
        Outcome::Stop { .. } => "stop",
        Outcome::CallFailed { .. } => "call_failed",
    }
}

/// Folds a webhook body into the entry's state; true when the member should be driven
/// (the webhook changed the state).
fn fold_webhook(entry: &mut MemberEntry, body: &str, at: chrono::DateTime<chrono::Utc>) -> bool {
    let Ok(observation) = Observation::from_json(body) else {
        return false;
    };
    match entry.state.apply(&observation, at) {
        Applied::Changed => {
            entry.webhooks += 1;
            true
        }
        Applied::Unchanged | Applied::OtherMember | Applied::OutOfRange => {
            entry.duplicates += 1;
            false
        }
        Applied::Stale => {
            entry.stale += 1;
            false
        }
    }
}

/// MX's webhook: `204` whatever came (MX retries anything else for a day). It is folded
/// into the member's state; when that changed anything, the member is driven (read,
/// decided) again. A repeat or a late webhook changes nothing and costs no call.
async fn webhook<C: Clock + Clone + 'static>(
    State(service): State<Service<C>>,
    body: Bytes,
) -> StatusCode {
    let Ok(text) = std::str::from_utf8(&body) else {
        tracing::warn!("webhook body is not UTF-8; answered 204");
        return StatusCode::NO_CONTENT;
    };
    let observation = match Observation::from_json(text) {
        Ok(observation) => observation,
        Err(error) => {
            tracing::warn!(%error, "webhook body is not about a member; answered 204");
            return StatusCode::NO_CONTENT;
        }
    };
    let Some(guid) = observation.guid().map(str::to_owned) else {
        return StatusCode::NO_CONTENT;
    };
    let span = tracing::info_span!("service.webhook", member = %guid);
    let received_at = match service.inner.driver.clock().now().await {
        Ok(now) => now,
        Err(error) => {
            tracing::warn!(%error, "no clock to stamp the webhook; answered 204");
            return StatusCode::NO_CONTENT;
        }
    };
    let _entered = span.enter();
    let drive = {
        let mut members = service.members();
        let Some(entry) = members.get_mut(&guid) else {
            tracing::debug!("webhook about a member this service does not drive");
            return StatusCode::NO_CONTENT;
        };
        if entry.driving {
            entry.pending.push((text.to_owned(), received_at));
            None
        } else if fold_webhook(entry, text, received_at) {
            Some(MemberRef::new(entry.user.clone(), entry.member.clone()))
        } else {
            tracing::info!("webhook changed nothing (a repeat, or old news)");
            None
        }
    };
    if let Some(member) = drive {
        tracing::info!("webhook changed the member state: driving it");
        service.drive_member(member);
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
    let started = service.spawn(member, move |service, member, mut state| async move {
        let driver = &service.inner.driver;
        let result = driver
            .answer_mfa_state(&member, &body.answers, &mut state)
            .await;
        (state, result)
    });
    (StatusCode::ACCEPTED, Json(json!({ "started": started }))).into_response()
}
