//! The webhook relay: the emulator posts every tenant's webhooks to one URL, so the
//! harness receives them and forwards the service tenant's to the service's
//! `POST /webhooks/mx` (to its instances in turn) (with the same body, content type,
//! authorization and the emulator's time at the send), answering
//! with the service's status. Webhooks about the naive integrator's users and members
//! (it uses none) are answered 204 and dropped.

use std::collections::HashSet;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, RwLock};
use std::time::Instant;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use serde_json::Value;

/// Where the relay sends what it receives.
#[derive(Debug, Default)]
pub struct Routes {
    /// The service's instances' base URLs, once they run (webhooks go to them in turn).
    pub service: RwLock<Vec<String>>,
    /// The webhooks forwarded so far.
    pub forwarded: AtomicUsize,
    /// Wall microseconds the service took to answer them, summed: with the emulator
    /// sending one webhook at a time, how much of the run they held up.
    pub answer_micros: AtomicU64,
    /// The naive integrator's user and member guids.
    pub naive: RwLock<HashSet<String>>,
}

#[derive(Clone)]
struct Relay {
    routes: Arc<Routes>,
    http: reqwest::Client,
}

/// Binds the relay on a free loopback port; returns its webhook URL.
///
/// # Errors
///
/// When no port can be bound.
pub async fn start(routes: Arc<Routes>) -> std::io::Result<String> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let url = format!("http://{}/webhooks/mx", listener.local_addr()?);
    let relay = Relay {
        routes,
        http: reqwest::Client::new(),
    };
    let app = Router::new()
        .route("/webhooks/mx", post(forward))
        .with_state(relay);
    tokio::spawn(async move {
        if let Err(error) = axum::serve(listener, app).await {
            eprintln!("mx-fleet: webhook relay stopped: {error}");
        }
    });
    Ok(url)
}

/// True when the webhook names one of the naive integrator's users or members.
fn is_naive(routes: &Routes, body: &[u8]) -> bool {
    let Ok(json) = serde_json::from_slice::<Value>(body) else {
        return false;
    };
    let naive = routes
        .naive
        .read()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    ["member_guid", "user_guid"].iter().any(|key| {
        json.get(*key)
            .and_then(Value::as_str)
            .is_some_and(|guid| naive.contains(guid))
    })
}

async fn forward(State(relay): State<Relay>, headers: HeaderMap, body: Bytes) -> StatusCode {
    if is_naive(&relay.routes, &body) {
        return StatusCode::NO_CONTENT;
    }
    let turn = relay.routes.forwarded.fetch_add(1, Ordering::Relaxed);
    let service = {
        let instances = relay
            .routes
            .service
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        instances.get(turn % instances.len().max(1)).cloned()
    };
    let Some(service) = service else {
        return StatusCode::NO_CONTENT;
    };
    let mut request = relay.http.post(format!("{service}/webhooks/mx")).body(body);
    for name in [
        "content-type",
        "authorization",
        "x-callback-payload",
        mx_emulator::WEBHOOK_NOW_HEADER,
    ] {
        if let Some(value) = headers.get(name) {
            request = request.header(name, value);
        }
    }
    let sent = Instant::now();
    let status = match request.send().await {
        Ok(response) => {
            StatusCode::from_u16(response.status().as_u16()).unwrap_or(StatusCode::BAD_GATEWAY)
        }
        Err(_) => StatusCode::BAD_GATEWAY,
    };
    let micros = u64::try_from(sent.elapsed().as_micros()).unwrap_or(u64::MAX);
    relay
        .routes
        .answer_micros
        .fetch_add(micros, Ordering::Relaxed);
    status
}

/// The webhooks forwarded and the wall time the service took to answer them, in words.
pub fn summary(routes: &Routes) -> String {
    let count = routes.forwarded.load(Ordering::Relaxed);
    let secs = routes.answer_micros.load(Ordering::Relaxed) as f64 / 1e6;
    let each = if count == 0 {
        0.0
    } else {
        secs * 1000.0 / count as f64
    };
    format!(
        "{count} webhooks forwarded to the service, answered in {secs:.1} s of wall time ({each:.2} ms each)"
    )
}
