//! A load balancer for MX's webhooks in front of several instances: each webhook goes to
//! the next instance, and on to another when one cannot be reached (it was killed); the
//! instance's status goes back to MX (the emulator's outbox records it).

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::post;

use super::api::Api;

/// The balancer: its URL for MX and the instances behind it.
#[derive(Debug)]
pub struct Balancer {
    /// `http://127.0.0.1:PORT/webhooks/mx`.
    pub url: String,
    task: tokio::task::JoinHandle<()>,
}

struct Shared {
    api: Arc<Api>,
    http: reqwest::Client,
}

impl Balancer {
    /// Listens on a free port and forwards to the instances `api` knows (its round robin,
    /// without those it forgot).
    pub async fn start(api: Arc<Api>) -> Self {
        let listener = tokio::net::TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], 0)))
            .await
            .expect("a free port");
        let addr = listener.local_addr().expect("its address");
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(10))
            .connect_timeout(Duration::from_secs(1))
            .build()
            .expect("a client");
        let app = Router::new()
            .route("/webhooks/mx", post(forward))
            .with_state(Arc::new(Shared { api, http }));
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Self {
            url: format!("http://{addr}/webhooks/mx"),
            task,
        }
    }
}

impl Drop for Balancer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn forward(State(shared): State<Arc<Shared>>, body: Bytes) -> StatusCode {
    for base in shared.api.rotation() {
        let sent = shared
            .http
            .post(format!("{base}/webhooks/mx"))
            .header("Content-Type", "application/json")
            .body(body.clone())
            .send()
            .await;
        if let Ok(response) = sent {
            return StatusCode::from_u16(response.status().as_u16())
                .unwrap_or(StatusCode::BAD_GATEWAY);
        }
    }
    StatusCode::BAD_GATEWAY
}
