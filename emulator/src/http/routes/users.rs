//! `POST /users`, `GET` and `DELETE /users/{user}`.

use axum::body::Bytes;
use axum::extract::Path;
use axum::extract::rejection::{BytesRejection, PathRejection};
use axum::http::StatusCode;
use serde::Deserialize;
use serde_json::json;

use crate::http::extract::{Tenant, parse, path_error};
use crate::http::respond;
use crate::http::routes::Answer;
use crate::model::requests::users::{self, NewUser};
use crate::wire::views;

#[derive(Debug, Deserialize)]
struct Envelope {
    user: UserFields,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct UserFields {
    id: Option<String>,
    email: Option<String>,
    metadata: Option<String>,
    is_disabled: Option<bool>,
}

/// Creates a user.
pub(crate) async fn create(Tenant(tenant): Tenant, body: Result<Bytes, BytesRejection>) -> Answer {
    let Envelope { user } = parse(body)?;
    let mut world = tenant.lock();
    world.tick();
    let new = NewUser {
        id: user.id,
        email: user.email,
        metadata: user.metadata,
        is_disabled: user.is_disabled.unwrap_or(false),
    };
    let guid = users::create(&mut world, new)?;
    let user = world.user(&guid).map(views::user);
    Ok(respond::json(StatusCode::OK, &json!({ "user": user })))
}

/// Reads a user.
pub(crate) async fn read(
    Tenant(tenant): Tenant,
    path: Result<Path<String>, PathRejection>,
) -> Answer {
    let Path(user) = path.map_err(path_error)?;
    let world = tenant.lock();
    let guid = world.user_guid(&user)?;
    let user = world.user(&guid).map(views::user);
    Ok(respond::json(StatusCode::OK, &json!({ "user": user })))
}

/// Deletes a user and its members.
pub(crate) async fn delete(
    Tenant(tenant): Tenant,
    path: Result<Path<String>, PathRejection>,
) -> Answer {
    let Path(user) = path.map_err(path_error)?;
    let mut world = tenant.lock();
    world.tick();
    users::delete(&mut world, &user)?;
    Ok(respond::empty(StatusCode::NO_CONTENT))
}
