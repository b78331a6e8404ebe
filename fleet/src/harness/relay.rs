//! The webhook relay. Each tenant of the emulator has its own webhook URL, as each MX
//! client has: the naive integrator's (it uses no webhooks) is the relay's sink, which
//! answers 204; the service's is the service itself when it runs as one instance, else
//! the relay's `/webhooks/mx`, which forwards each webhook to the instances in turn
//! (with the same body, content type, authorization and the emulator's time at the
//! send), answering with the service's status.

use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;

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
}

#[derive(Clone)]
struct Relay {
    routes: Arc<Routes>,
    http: reqwest::Client,
}

/// Binds the relay on a free loopback port; returns its forwarding URL and its sink's.
///
/// # Errors
///
/// When no port can be bound.
pub async fn start(routes: Arc<Routes>) -> std::io::Result<(String, String)> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let urls = (
        format!("http://{addr}/webhooks/mx"),
        format!("http://{addr}/webhooks/sink"),
    );
    let relay = Relay {
        routes,
        http: reqwest::Client::new(),
    };
    let app = Router::new()
        .route("/webhooks/mx", post(forward))
        .route("/webhooks/sink", post(|| async { StatusCode::NO_CONTENT }))
        .with_state(relay);
    tokio::spawn(async move {
        if let Err(error) = axum::serve(listener, app).await {
            eprintln!("mx-fleet: webhook relay stopped: {error}");
        }
    });
    Ok(urls)
}

async fn forward(State(relay): State<Relay>, headers: HeaderMap, body: Bytes) -> StatusCode {
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

/// The webhooks the service answered and the wall time it took to answer them, in words:
/// the relay's count when it forwarded them (two instances or more), else the emulator's
/// (`direct`: its sends to the one instance and their wall time).
pub fn summary(routes: &Routes, direct: (u64, Duration)) -> String {
    let relayed = routes.forwarded.load(Ordering::Relaxed);
    let (count, secs, via) = if relayed == 0 {
        (direct.0, direct.1.as_secs_f64(), "sent to")
    } else {
        let micros = routes.answer_micros.load(Ordering::Relaxed);
        (relayed as u64, micros as f64 / 1e6, "forwarded to")
    };
    let each = if count == 0 {
        0.0
    } else {
        secs * 1000.0 / count as f64
    };
    format!(
        "{count} webhooks {via} the service, answered in {secs:.1} s of wall time ({each:.2} ms each)"
    )
}
