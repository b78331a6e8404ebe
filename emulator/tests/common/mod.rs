//! What the end-to-end tests share: an emulator on a free port, a small MX client over
//! loopback, and a webhook receiver.

#![allow(dead_code, unreachable_pub)]

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use chrono::{DateTime, TimeZone, Utc};
use mx_emulator::institutions::{MXBANK_PASSWORD, MXBANK_USERNAME};
use mx_emulator::{Config, Emulator};
use serde_json::{Value, json};

pub const CLIENT_ID: &str = "test-client";
pub const API_KEY: &str = "test-key";

/// The virtual clock's start in every test.
pub fn start_time() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).unwrap()
}

/// A configuration whose clock moves only when advanced, so each test is deterministic.
pub fn frozen_config() -> Config {
    let mut config = Config::new(CLIENT_ID, API_KEY);
    config.real_time = false;
    config.start_at = Some(start_time());
    config
}

/// An answer: status, headers and JSON body (`Value::Null` when empty).
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub headers: reqwest::header::HeaderMap,
    pub body: Value,
}

impl Answer {
    pub fn member(&self) -> &Value {
        &self.body["member"]
    }
}

/// A service's view of MX: base URL and credentials.
pub struct Mx {
    pub base: String,
    pub http: reqwest::Client,
    pub emulator: Option<Emulator>,
    pub client_id: String,
    pub api_key: String,
}

impl Mx {
    pub async fn start(config: Config) -> Self {
        let emulator = Emulator::start(config).await.expect("emulator starts");
        Self {
            base: emulator.base_url().to_owned(),
            http: reqwest::Client::new(),
            emulator: Some(emulator),
            client_id: CLIENT_ID.to_owned(),
            api_key: API_KEY.to_owned(),
        }
    }

    /// A client of the emulator at `base` with other credentials (another tenant).
    pub fn at(base: &str, client_id: &str, api_key: &str) -> Self {
        Self {
            base: base.to_owned(),
            http: reqwest::Client::new(),
            emulator: None,
            client_id: client_id.to_owned(),
            api_key: api_key.to_owned(),
        }
    }

    pub async fn frozen() -> Self {
        Self::start(frozen_config()).await
    }

    pub async fn send(&self, method: &str, path: &str, body: Option<Value>) -> Answer {
        self.send_with(method, path, body, &[]).await
    }

    pub async fn send_with(
        &self,
        method: &str,
        path: &str,
        body: Option<Value>,
        extra: &[(&str, &str)],
    ) -> Answer {
        let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
        let mut request = self
            .http
            .request(method, format!("{}{path}", self.base))
            .basic_auth(&self.client_id, Some(&self.api_key))
            .header("Accept", "application/json")
            .header("Accept-Version", "v20250224");
        for (name, value) in extra {
            request = request.header(*name, *value);
        }
        if let Some(body) = body {
            request = request
                .header("Content-Type", "application/json")
                .body(body.to_string());
        }
        let response = request.send().await.expect("request reaches the emulator");
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let bytes = response.bytes().await.expect("body");
        let body = if bytes.is_empty() {
            Value::Null
        } else {
            serde_json::from_slice(&bytes)
                .unwrap_or(Value::String(String::from_utf8_lossy(&bytes).into()))
        };
        Answer {
            status,
            headers,
            body,
        }
    }

    pub async fn user(&self) -> String {
        let answer = self
            .send("POST", "/users", Some(json!({"user": {"id": null}})))
            .await;
        assert_eq!(answer.status, 200, "{:?}", answer.body);
        answer.body["user"]["guid"].as_str().unwrap().to_owned()
    }

    /// Creates an MX Bank member with `mxuser` and `password`.
    pub async fn create_member(&self, user: &str, password: &str) -> Answer {
        self.send(
            "POST",
            &format!("/users/{user}/members"),
            Some(mxbank_member(password)),
        )
        .await
    }

    pub async fn member_guid(&self, user: &str, password: &str) -> String {
        let answer = self.create_member(user, password).await;
        assert_eq!(answer.status, 202, "{:?}", answer.body);
        answer.member()["guid"].as_str().unwrap().to_owned()
    }

    pub async fn read(&self, user: &str, member: &str) -> Value {
        let answer = self
            .send("GET", &format!("/users/{user}/members/{member}"), None)
            .await;
        assert_eq!(answer.status, 200, "{:?}", answer.body);
        answer.body["member"].clone()
    }

    pub async fn advance(&self, seconds: u64) -> DateTime<Utc> {
        let answer = self
            .send(
                "POST",
                "/emulator/clock",
                Some(json!({"advance_seconds": seconds})),
            )
            .await;
        assert_eq!(answer.status, 200, "{:?}", answer.body);
        DateTime::parse_from_rfc3339(answer.body["now"].as_str().unwrap())
            .unwrap()
            .with_timezone(&Utc)
    }

    /// Every record of a list (`name`: `transactions`, `accounts`…) at `path` (which may
    /// carry filters), read page by page, 1,000 a page.
    pub async fn all(&self, path: &str, name: &str) -> Vec<Value> {
        let joiner = if path.contains('?') { '&' } else { '?' };
        let mut all = Vec::new();
        for page in 1.. {
            let answer = self
                .send(
                    "GET",
                    &format!("{path}{joiner}records_per_page=1000&page={page}"),
                    None,
                )
                .await;
            assert_eq!(answer.status, 200, "{path}: {}", answer.body);
            all.extend(answer.body[name].as_array().unwrap().iter().cloned());
            if page >= answer.body["pagination"]["total_pages"].as_u64().unwrap() {
                break;
            }
        }
        all
    }

    /// A user with one MX Bank member (password `password`) that aggregated once:
    /// (user, member).
    pub async fn connected(&self) -> (String, String) {
        let user = self.user().await;
        let member = self.member_guid(&user, "password").await;
        self.advance(1).await;
        assert_eq!(
            self.read(&user, &member).await["connection_status"],
            "CONNECTED"
        );
        (user, member)
    }

    pub async fn answer_mfa(&self, user: &str, member: &str, value: &str) -> Answer {
        let challenges = self
            .send(
                "GET",
                &format!("/users/{user}/members/{member}/challenges"),
                None,
            )
            .await;
        assert_eq!(challenges.status, 200, "{:?}", challenges.body);
        let guid = challenges.body["challenges"][0]["guid"]
            .as_str()
            .unwrap()
            .to_owned();
        self.send(
            "PUT",
            &format!("/users/{user}/members/{member}/resume"),
            Some(json!({"member": {"challenges": [{"guid": guid, "value": value}]}})),
        )
        .await
    }
}

/// The create body for an MX Bank member.
pub fn mxbank_member(password: &str) -> Value {
    json!({"member": {
        "institution_code": "mxbank",
        "credentials": [
            {"guid": MXBANK_USERNAME.guid, "value": "mxuser"},
            {"guid": MXBANK_PASSWORD.guid, "value": password},
        ],
    }})
}

/// One webhook as received.
#[derive(Debug, Clone)]
pub struct Received {
    pub headers: HeaderMap,
    pub body: Value,
    /// The status the receiver answered.
    pub answered: u16,
}

/// A webhook receiver on loopback that fails its first `failures` requests with 500.
#[derive(Clone)]
pub struct Receiver {
    pub url: String,
    log: Arc<Mutex<Vec<Received>>>,
}

struct ReceiverState {
    log: Arc<Mutex<Vec<Received>>>,
    failures: usize,
}

impl Receiver {
    pub async fn start(failures: usize) -> Self {
        let log = Arc::new(Mutex::new(Vec::new()));
        let state = Arc::new(ReceiverState {
            log: log.clone(),
            failures,
        });
        let app = Router::new()
            .route("/hooks", post(receive))
            .with_state(state);
        let listener = tokio::net::TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], 0)))
            .await
            .unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        Self {
            url: format!("http://{addr}/hooks"),
            log,
        }
    }

    pub fn all(&self) -> Vec<Received> {
        self.log.lock().unwrap().clone()
    }

    /// Waits (up to 10 s of real time) until `count` webhooks satisfy `pick`.
    pub async fn wait_for(&self, count: usize, pick: impl Fn(&Received) -> bool) -> Vec<Received> {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let found: Vec<Received> = self.all().into_iter().filter(|r| pick(r)).collect();
            if found.len() >= count || Instant::now() > deadline {
                return found;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

async fn receive(
    State(state): State<Arc<ReceiverState>>,
    headers: HeaderMap,
    body: Bytes,
) -> StatusCode {
    let mut log = state.log.lock().unwrap();
    let answered = if log.len() < state.failures { 500 } else { 204 };
    log.push(Received {
        headers,
        body: serde_json::from_slice(&body).unwrap_or(Value::Null),
        answered,
    });
    StatusCode::from_u16(answered).unwrap()
}

/// The `mx-emulator` binary, running with `args` until dropped.
pub struct Binary {
    pub child: std::process::Child,
    pub base: String,
}

impl Binary {
    /// Starts the binary on a free port with `--client-id test-client --api-key test-key`
    /// and `args`, and reads its base URL.
    pub fn start(args: &[&str]) -> Self {
        use std::io::{BufRead, BufReader};
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_mx-emulator"))
            .args([
                "--addr",
                "127.0.0.1:0",
                "--client-id",
                CLIENT_ID,
                "--api-key",
                API_KEY,
            ])
            .args(args)
            .stdout(std::process::Stdio::piped())
            .spawn()
            .expect("the binary starts");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let base = line.trim().to_owned();
        assert!(base.starts_with("http://127.0.0.1:"), "{line:?}");
        Self { child, base }
    }

    pub fn client(&self) -> Mx {
        Mx::at(&self.base, CLIENT_ID, API_KEY)
    }
}

impl Drop for Binary {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
