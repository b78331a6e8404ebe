//! Load driver for `benches/emulator_load.sh`: drives N MX Bank members concurrently to
//! CONNECTED through a running emulator (each one through an MFA challenge: create user,
//! create member, poll, read challenges, resume, poll) and prints members/s and the
//! request latencies.
//!
//! `cargo run --release -p mx-emulator --example load -- BASE_URL CLIENT_ID API_KEY N CONCURRENCY`

use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant};

use mx_emulator::institutions::{MXBANK_PASSWORD, MXBANK_USERNAME};
use serde_json::{Value, json};
use tokio::sync::Semaphore;

struct Client {
    http: reqwest::Client,
    base: String,
    id: String,
    key: String,
}

impl Client {
    /// Sends one request; returns the status, the body and the latency.
    async fn send(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<Value>,
    ) -> Result<(u16, Value, Duration), String> {
        let started = Instant::now();
        let mut request = self
            .http
            .request(method, format!("{}{path}", self.base))
            .basic_auth(&self.id, Some(&self.key))
            .header("Accept", "application/json")
            .header("Accept-Version", "v20250224");
        if let Some(body) = body {
            request = request
                .header("Content-Type", "application/json")
                .body(body.to_string());
        }
        let response = request.send().await.map_err(|e| e.to_string())?;
        let status = response.status().as_u16();
        let bytes = response.bytes().await.map_err(|e| e.to_string())?;
        let elapsed = started.elapsed();
        let body = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        Ok((status, body, elapsed))
    }
}

/// Drives one member to CONNECTED; returns the latency of each request.
async fn one_member(client: &Client, n: usize) -> Result<Vec<Duration>, String> {
    use reqwest::Method;
    let mut latencies = Vec::new();
    let (status, body, t) = client
        .send(
            Method::POST,
            "/users",
            Some(json!({"user": {"id": format!("load-{n}")}})),
        )
        .await?;
    latencies.push(t);
    let user = body["user"]["guid"]
        .as_str()
        .ok_or(format!("create user: {status}"))?
        .to_owned();
    let member_body = json!({"member": {"institution_code": "mxbank", "credentials": [
        {"guid": MXBANK_USERNAME.guid, "value": "mxuser"},
        {"guid": MXBANK_PASSWORD.guid, "value": "challenge"},
    ]}});
    let (status, body, t) = client
        .send(
            Method::POST,
            &format!("/users/{user}/members"),
            Some(member_body),
        )
        .await?;
    latencies.push(t);
    let member = body["member"]["guid"]
        .as_str()
        .ok_or(format!("create member: {status}"))?
        .to_owned();
    let status_path = format!("/users/{user}/members/{member}/status");
    let mut answered = false;
    for _ in 0..100_000 {
        let (_, body, t) = client.send(Method::GET, &status_path, None).await?;
        latencies.push(t);
        match (body["member"]["connection_status"].as_str(), answered) {
            (Some("CHALLENGED"), false) => {
                let (_, challenges, t) = client
                    .send(
                        Method::GET,
                        &format!("/users/{user}/members/{member}/challenges"),
                        None,
                    )
                    .await?;
                latencies.push(t);
                let guid = challenges["challenges"][0]["guid"]
                    .as_str()
                    .unwrap_or("")
                    .to_owned();
                let (status, _, t) = client
                    .send(
                        Method::PUT,
                        &format!("/users/{user}/members/{member}/resume"),
                        Some(
                            json!({"member": {"challenges": [{"guid": guid, "value": "correct"}]}}),
                        ),
                    )
                    .await?;
                latencies.push(t);
                if status != 202 {
                    return Err(format!("resume: {status}"));
                }
                answered = true;
            }
            (Some("CONNECTED"), true) => return Ok(latencies),
            (Some("CREATED"), false) | (Some("RESUMED"), true) => {}
            (other, _) => return Err(format!("unexpected status {other:?}")),
        }
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    Err("member never connected".to_owned())
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    #[allow(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        clippy::cast_precision_loss
    )]
    let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[index.min(sorted.len() - 1)]
}

#[tokio::main]
async fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [base, id, key, n, concurrency] = args.as_slice() else {
        eprintln!("usage: load BASE_URL CLIENT_ID API_KEY N CONCURRENCY");
        return ExitCode::FAILURE;
    };
    let (Ok(n), Ok(concurrency)) = (n.parse::<usize>(), concurrency.parse::<usize>()) else {
        eprintln!("N and CONCURRENCY are whole numbers");
        return ExitCode::FAILURE;
    };
    let client = Arc::new(Client {
        http: reqwest::Client::builder()
            .pool_max_idle_per_host(concurrency)
            .build()
            .unwrap_or_default(),
        base: base.clone(),
        id: id.clone(),
        key: key.clone(),
    });
    let gate = Arc::new(Semaphore::new(concurrency.max(1)));
    let started = Instant::now();
    let mut tasks = Vec::with_capacity(n);
    for i in 0..n {
        let client = client.clone();
        let gate = gate.clone();
        tasks.push(tokio::spawn(async move {
            let _permit = gate.acquire_owned().await.map_err(|e| e.to_string())?;
            one_member(&client, i).await
        }));
    }
    let mut latencies = Vec::new();
    let mut failures = 0_usize;
    for task in tasks {
        match task.await {
            Ok(Ok(mut l)) => latencies.append(&mut l),
            Ok(Err(error)) => {
                failures += 1;
                eprintln!("member failed: {error}");
            }
            Err(error) => {
                failures += 1;
                eprintln!("task failed: {error}");
            }
        }
    }
    let elapsed = started.elapsed();
    latencies.sort_unstable();
    #[allow(clippy::cast_precision_loss)]
    let per_second = (n - failures) as f64 / elapsed.as_secs_f64();
    println!(
        "members={n} connected={} concurrency={concurrency}",
        n - failures
    );
    println!("seconds={:.3}", elapsed.as_secs_f64());
    println!("members_per_second={per_second:.1}");
    println!("requests={}", latencies.len());
    println!(
        "p50_ms={:.3}",
        percentile(&latencies, 0.50).as_secs_f64() * 1000.0
    );
    println!(
        "p99_ms={:.3}",
        percentile(&latencies, 0.99).as_secs_f64() * 1000.0
    );
    if failures == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
