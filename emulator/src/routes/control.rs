//! The emulator's control plane: `POST /emulator/clock {"advance_seconds": N}` moves the
//! virtual clock N seconds forward (0 reads it) and answers `{"now": RFC 3339}`.

use std::time::Duration;

use axum::body::Bytes;
use axum::extract::State;
use axum::extract::rejection::BytesRejection;
use axum::http::StatusCode;
use serde::Deserialize;
use serde_json::json;

use super::{Answer, parse};
use crate::error::ApiError;
use crate::respond;
use crate::server::App;
use crate::views;

#[derive(Debug, Deserialize)]
struct Advance {
    advance_seconds: u64,
}

/// Moves the clock and plays everything due by the new time.
pub(crate) async fn clock(State(app): State<App>, body: Result<Bytes, BytesRejection>) -> Answer {
    let Advance { advance_seconds } = parse(body)?;
    let now = {
        let mut world = app.lock();
        world.tick();
        let now = world
            .clock
            .advance(Duration::from_secs(advance_seconds))
            .ok_or_else(|| {
                ApiError::bad_request("advance_seconds takes the clock past 9999-12-31")
            })?;
        world.advance_to(now);
        now
    };
    app.wake.notify_one();
    Ok(respond::json(
        StatusCode::OK,
        &json!({ "now": views::rfc3339(now) }),
    ))
}
