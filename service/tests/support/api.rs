//! A client of the service's HTTP API over one or several instances: each request goes to
//! the next live instance (a load balancer's round robin) and moves on to another when an
//! instance cannot be reached. Calls return `None` while no instance answers (it was
//! killed), so a driver retries.

use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use serde_json::{Value, json};

/// An answer: status and JSON body (`Null` when empty or not JSON).
#[derive(Debug, Clone)]
pub struct Answer {
    /// The HTTP status.
    pub status: u16,
    /// The JSON body.
    pub body: Value,
}

/// The service's API over its instances.
#[derive(Debug)]
pub struct Api {
    bases: Mutex<Vec<String>>,
    next: AtomicUsize,
    http: reqwest::Client,
}

impl Api {
    /// A client of the instances at `bases`.
    pub fn new(bases: Vec<String>) -> Self {
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(20))
            .connect_timeout(Duration::from_secs(2))
            .pool_max_idle_per_host(4)
            .build()
            .expect("a client");
        Self {
            bases: Mutex::new(bases),
            next: AtomicUsize::new(0),
            http,
        }
    }

    /// Stops sending to `base` (its instance was killed for good).
    pub fn forget(&self, base: &str) {
        self.bases
            .lock()
            .expect("the bases")
            .retain(|known| known != base);
    }

    /// The live instances, starting with the next one in the round robin.
    pub fn rotation(&self) -> Vec<String> {
        let bases = self.bases.lock().expect("the bases").clone();
        if bases.is_empty() {
            return bases;
        }
        let start = self.next.fetch_add(1, Ordering::Relaxed) % bases.len();
        bases[start..]
            .iter()
            .chain(&bases[..start])
            .cloned()
            .collect()
    }

    /// Sends to the next instance, and on to the others when one cannot be reached;
    /// `None` when none answered.
    pub async fn send(
        &self,
        method: &str,
        path: &str,
        body: Option<&Value>,
        headers: &[(&str, &str)],
    ) -> Option<Answer> {
        for base in self.rotation() {
            let method = reqwest::Method::from_bytes(method.as_bytes()).expect("a method");
            let mut request = self.http.request(method, format!("{base}{path}"));
            for (name, value) in headers {
                request = request.header(*name, *value);
            }
            if let Some(body) = body {
                request = request
                    .header("Content-Type", "application/json")
                    .body(body.to_string());
            }
            let Ok(response) = request.send().await else {
                continue;
            };
            let status = response.status().as_u16();
            let Ok(bytes) = response.bytes().await else {
                continue;
            };
            let body = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
            return Some(Answer { status, body });
        }
        None
    }

    /// Sends `text` as the body, as it is (a webhook's exact bytes, or not JSON at all).
    pub async fn send_text(&self, method: &str, path: &str, text: &str) -> Option<Answer> {
        for base in self.rotation() {
            let method = reqwest::Method::from_bytes(method.as_bytes()).expect("a method");
            let sent = self
                .http
                .request(method, format!("{base}{path}"))
                .header("Content-Type", "application/json")
                .body(text.to_owned())
                .send()
                .await;
            let Ok(response) = sent else {
                continue;
            };
            let status = response.status().as_u16();
            let bytes = response.bytes().await.ok()?;
            let body = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
            return Some(Answer { status, body });
        }
        None
    }

    /// GET `path`.
    pub async fn get(&self, path: &str) -> Option<Answer> {
        self.send("GET", path, None, &[]).await
    }

    /// Repeats `POST /users` until an instance answers 200; the user's MX guid.
    pub async fn user(&self, id: &str) -> String {
        let body = json!({"user": {"id": id}});
        let answer = self
            .until_answered("POST", "/users", Some(&body), &[], 200)
            .await;
        answer.body["user"]["guid"]
            .as_str()
            .unwrap_or_else(|| panic!("POST /users answered {}", answer.body))
            .to_owned()
    }

    /// Repeats the member's create with the same `Idempotency-Key` until an instance
    /// answers 202 (503 or no answer: MX or the service was unreachable); its MX guid.
    pub async fn create_member(&self, user: &str, key: &str, member: &Value) -> String {
        let answer = self
            .until_answered(
                "POST",
                &format!("/users/{user}/members"),
                Some(&json!({ "member": member })),
                &[("Idempotency-Key", key)],
                202,
            )
            .await;
        answer.body["member"]["guid"]
            .as_str()
            .unwrap_or_else(|| panic!("the create answered {}", answer.body))
            .to_owned()
    }

    /// Repeats a request until it is answered `want`; 5xx and no answer are retried, any
    /// other status fails the test. Gives up after two minutes.
    pub async fn until_answered(
        &self,
        method: &str,
        path: &str,
        body: Option<&Value>,
        headers: &[(&str, &str)],
        want: u16,
    ) -> Answer {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(120);
        let mut last = None;
        while tokio::time::Instant::now() < deadline {
            match self.send(method, path, body, headers).await {
                Some(answer) if answer.status == want => return answer,
                Some(answer) if answer.status >= 500 => last = Some(answer),
                Some(answer) => panic!("{method} {path}: {} {}", answer.status, answer.body),
                None => {}
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("{method} {path}: not answered {want} within 2 minutes; last {last:?}");
    }

    /// Every stored transaction of the member, through the service's pages.
    pub async fn transactions(&self, member: &str) -> Option<Vec<Value>> {
        let mut all = Vec::new();
        for page in 1.. {
            let answer = self
                .get(&format!(
                    "/members/{member}/transactions?page={page}&records_per_page=1000"
                ))
                .await?;
            assert_eq!(
                answer.status, 200,
                "the service's transactions: {}",
                answer.body
            );
            all.extend(
                answer.body["transactions"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .cloned(),
            );
            if page
                >= answer.body["pagination"]["total_pages"]
                    .as_u64()
                    .unwrap_or(1)
            {
                break;
            }
        }
        Some(all)
    }
}
