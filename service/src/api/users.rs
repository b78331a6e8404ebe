//! `POST /users`: the same `id` gives the same user, never a second one on MX.

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use mx_aggregation_client::types::UserCreate;
use serde::Deserialize;
use serde_json::json;

use super::error::ApiError;
use super::state::AppState;

#[derive(Deserialize)]
struct Body {
    user: UserFields,
}

#[derive(Deserialize)]
struct UserFields {
    id: String,
}

/// Creates the user on MX unless one with the same `id` is stored.
pub(super) async fn create(
    State(state): State<AppState>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let body: Body =
        serde_json::from_slice(&body).map_err(|e| ApiError::body("POST /users", &e))?;
    let id = body.user.id;
    if id.is_empty() {
        return Err(ApiError::bad_request("POST /users: user.id is empty"));
    }
    let db = state.worker.db();
    if let Some(guid) = db.user_by_id(&id).await? {
        return Ok(created(&guid, &id));
    }
    let now = state
        .worker
        .now()
        .await
        .map_err(|e| ApiError::unavailable(e.to_string()))?;
    let call_key = format!("create_user:{id}");
    db.journal_call(
        &call_key,
        mx_aggregation::Call::CreateUser.name(),
        None,
        None,
        now,
    )
    .await?;
    let request = UserCreate {
        id: Some(id.clone()),
        ..UserCreate::default()
    };
    let client = state.worker.present().client();
    // MX answers 409 to a second create with the same `id`: the first one took effect
    // and its answer was lost (the service died before recording it), so the user is
    // read by that `id` instead.
    let user = match client.create_user(&request).await {
        Err(error) if error.status() == Some(409) => client.read_user(&id).await,
        other => other,
    }
    .map_err(|e| ApiError::unavailable(format!("MX did not create the user: {e}")))?;
    let Some(guid) = user.guid else {
        return Err(ApiError::unavailable("MX answered a user without a guid"));
    };
    let guid = db.record_created_user(&guid, &id, &call_key, now).await?;
    Ok(created(&guid, &id))
}

fn created(guid: &str, id: &str) -> Response {
    (
        StatusCode::OK,
        Json(json!({ "user": { "guid": guid, "id": id } })),
    )
        .into_response()
}
