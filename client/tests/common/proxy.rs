//! A fault-injecting proxy between the client and the emulator: it forwards every
//! request, except those matching a queued fault, which get the fault's status (after
//! forwarding, for a call that takes effect although its answer is lost).

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};

/// One injected answer.
#[derive(Debug, Clone)]
pub struct Fault {
    /// The method it applies to.
    pub method: Method,
    /// The end of the path it applies to (query excluded), e.g. `/aggregate`.
    pub path_suffix: &'static str,
    /// The status answered.
    pub status: u16,
    /// A `Retry-After` header to send.
    pub retry_after: Option<&'static str>,
    /// True to forward the request first: MX acted, the answer was lost.
    pub forward: bool,
}

impl Fault {
    pub fn new(method: Method, path_suffix: &'static str, status: u16) -> Self {
        Self {
            method,
            path_suffix,
            status,
            retry_after: None,
            forward: false,
        }
    }
}

#[derive(Clone)]
struct Shared {
    target: String,
    http: reqwest::Client,
    faults: Arc<Mutex<VecDeque<Fault>>>,
    injected: Arc<Mutex<Vec<(Method, String, u16)>>>,
}

/// A running proxy.
pub struct Proxy {
    pub base_url: String,
    faults: Arc<Mutex<VecDeque<Fault>>>,
    injected: Arc<Mutex<Vec<(Method, String, u16)>>>,
}

impl Proxy {
    pub async fn start(target: &str) -> Self {
        let shared = Shared {
            target: target.to_owned(),
            http: reqwest::Client::new(),
            faults: Arc::default(),
            injected: Arc::default(),
        };
        let faults = shared.faults.clone();
        let injected = shared.injected.clone();
        let app = Router::new().fallback(forward).with_state(shared);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base_url = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Self {
            base_url,
            faults,
            injected,
        }
    }

    /// Queues a fault; faults match in order, each once.
    pub fn inject(&self, fault: Fault) {
        self.faults.lock().unwrap().push_back(fault);
    }

    /// The faults answered so far: method, path, status.
    pub fn injected(&self) -> Vec<(Method, String, u16)> {
        self.injected.lock().unwrap().clone()
    }

    /// Faults queued and not yet matched.
    pub fn pending(&self) -> usize {
        self.faults.lock().unwrap().len()
    }
}

async fn forward(
    State(shared): State<Shared>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let fault = {
        let mut faults = shared.faults.lock().unwrap();
        let at = faults
            .iter()
            .position(|f| f.method == method && uri.path().ends_with(f.path_suffix));
        at.and_then(|i| faults.remove(i))
    };
    if let Some(fault) = &fault {
        shared
            .injected
            .lock()
            .unwrap()
            .push((method.clone(), uri.path().to_owned(), fault.status));
        if !fault.forward {
            return injected(fault);
        }
    }
    let path = uri.path_and_query().map_or("/", |p| p.as_str());
    let mut request = shared
        .http
        .request(method, format!("{}{path}", shared.target))
        .body(body);
    for (name, value) in &headers {
        if name != "host" && name != "content-length" {
            request = request.header(name, value);
        }
    }
    let answer = match request.send().await {
        Ok(answer) => answer,
        Err(_) => return StatusCode::BAD_GATEWAY.into_response(),
    };
    if let Some(fault) = &fault {
        drop(answer);
        return injected(fault);
    }
    let status = answer.status();
    let mut out = HeaderMap::new();
    for (name, value) in answer.headers() {
        if name == "content-type" || name == "retry-after" {
            out.insert(name, value.clone());
        }
    }
    let bytes = answer.bytes().await.unwrap_or_default();
    (status, out, bytes).into_response()
}

fn injected(fault: &Fault) -> Response {
    let status = StatusCode::from_u16(fault.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut headers = HeaderMap::new();
    headers.insert("content-type", HeaderValue::from_static("application/json"));
    if let Some(after) = fault.retry_after {
        headers.insert("retry-after", HeaderValue::from_static(after));
    }
    (
        status,
        headers,
        r#"{"error": {"message": "injected by the test proxy"}}"#,
    )
        .into_response()
}
