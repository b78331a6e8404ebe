//! Load driver for `benches/emulator_load.sh`. First makes RESIDENTS members resident (a
//! user and an MX Bank member each, connected by MX's automatic aggregation), then drives N
//! more members concurrently to CONNECTED through a running emulator, each through an MFA
//! challenge (create user, create member, poll, read challenges, resume, poll) and one
//! listing of its transactions (`records_per_page=1000`, its whole history), and prints
//! members/s, the request latencies, the latency of those listings, then the latency of
//! [`PAGES`] full 1,000-record pages read one after the other (a user with two members),
//! and, given the emulator's process id, its memory after the residents arrived.
//!
//! `cargo run --release -p mx-emulator --example load -- BASE_URL CLIENT_ID API_KEY N CONCURRENCY [RESIDENTS [PID]]`

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

    /// Creates a user with partner id `id` and an MX Bank member with `password`; returns
    /// their GUIDs and the two latencies.
    async fn user_and_member(
        &self,
        id: &str,
        password: &str,
    ) -> Result<(String, String, [Duration; 2]), String> {
        use reqwest::Method;
        let (status, body, t1) = self
            .send(Method::POST, "/users", Some(json!({"user": {"id": id}})))
            .await?;
        let user = body["user"]["guid"]
            .as_str()
            .ok_or(format!("create user: {status}"))?
            .to_owned();
        let member_body = json!({"member": {"institution_code": "mxbank", "credentials": [
            {"guid": MXBANK_USERNAME.guid, "value": "mxuser"},
            {"guid": MXBANK_PASSWORD.guid, "value": password},
        ]}});
        let (status, body, t2) = self
            .send(
                Method::POST,
                &format!("/users/{user}/members"),
                Some(member_body),
            )
            .await?;
        let member = body["member"]["guid"]
            .as_str()
            .ok_or(format!("create member: {status}"))?
            .to_owned();
        Ok((user, member, [t1, t2]))
    }
}

/// How many 1,000-record pages are read after the members are driven.
const PAGES: usize = 200;

/// What driving one member measured.
struct Driven {
    /// Every request's latency.
    latencies: Vec<Duration>,
    /// The transaction listing's latency and how many records its page held.
    page: (Duration, usize),
}

/// Drives one member to CONNECTED and lists its transactions.
async fn one_member(client: &Client, n: usize) -> Result<Driven, String> {
    use reqwest::Method;
    let (user, member, created) = client
        .user_and_member(&format!("load-{n}"), "challenge")
        .await?;
    let mut latencies = created.to_vec();
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
            (Some("CONNECTED"), true) => {
                let path =
                    format!("/users/{user}/members/{member}/transactions?records_per_page=1000");
                let (status, body, t) = client.send(Method::GET, &path, None).await?;
                latencies.push(t);
                let records = body["transactions"].as_array().map_or(0, Vec::len);
                if status != 200 || records == 0 {
                    return Err(format!("transactions: {status}, {records} records"));
                }
                return Ok(Driven {
                    latencies,
                    page: (t, records),
                });
            }
            (Some("CREATED"), false) | (Some("RESUMED"), true) => {}
            (other, _) => return Err(format!("unexpected status {other:?}")),
        }
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    Err("member never connected".to_owned())
}

/// Waits until the member `member` of `user` is `CONNECTED`.
async fn connected(client: &Client, user: &str, member: &str) -> Result<(), String> {
    let path = format!("/users/{user}/members/{member}/status");
    for _ in 0..10_000 {
        let (_, body, _) = client.send(reqwest::Method::GET, &path, None).await?;
        if body["member"]["connection_status"] == "CONNECTED" {
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    Err(format!("{member} never connected"))
}

/// Reads [`PAGES`] first pages of 1,000 transactions of a user with two connected
/// members, one after the other; returns their latencies, sorted.
async fn full_pages(client: &Client) -> Result<Vec<Duration>, String> {
    let (user, first, _) = client.user_and_member("pages", "password").await?;
    connected(client, &user, &first).await?;
    let member_body = json!({"member": {"institution_code": "mxbank", "credentials": [
        {"guid": MXBANK_USERNAME.guid, "value": "mxuser"},
        {"guid": MXBANK_PASSWORD.guid, "value": "another password"},
    ]}});
    let (status, body, _) = client
        .send(
            reqwest::Method::POST,
            &format!("/users/{user}/members"),
            Some(member_body),
        )
        .await?;
    let second = body["member"]["guid"]
        .as_str()
        .ok_or(format!("create member: {status}"))?
        .to_owned();
    connected(client, &user, &second).await?;
    let path = format!("/users/{user}/transactions?records_per_page=1000");
    let mut latencies = Vec::with_capacity(PAGES);
    for _ in 0..PAGES {
        let (status, body, t) = client.send(reqwest::Method::GET, &path, None).await?;
        let records = body["transactions"].as_array().map_or(0, Vec::len);
        if status != 200 || records != 1000 {
            return Err(format!("a full page: {status}, {records} records"));
        }
        latencies.push(t);
    }
    latencies.sort_unstable();
    Ok(latencies)
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

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// `VmRSS` of process `pid` in KiB, when Linux says.
fn rss_kib(pid: Option<u32>) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{}/status", pid?)).ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}

/// Makes `residents` members resident, `concurrency` at a time; returns the failures.
async fn make_residents(client: &Arc<Client>, residents: usize, concurrency: usize) -> usize {
    let gate = Arc::new(Semaphore::new(concurrency.max(1)));
    let mut tasks = Vec::with_capacity(residents);
    for i in 0..residents {
        let client = client.clone();
        let gate = gate.clone();
        tasks.push(tokio::spawn(async move {
            let _permit = gate.acquire_owned().await.map_err(|e| e.to_string())?;
            client
                .user_and_member(&format!("resident-{i}"), "password")
                .await
                .map(|_| ())
        }));
    }
    let mut failures = 0;
    for task in tasks {
        if !matches!(task.await, Ok(Ok(()))) {
            failures += 1;
        }
    }
    failures
}

#[tokio::main]
async fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (base, id, key, n, concurrency, rest) = match args.as_slice() {
        [base, id, key, n, concurrency, rest @ ..] if rest.len() <= 2 => {
            (base, id, key, n, concurrency, rest)
        }
        _ => {
            eprintln!("usage: load BASE_URL CLIENT_ID API_KEY N CONCURRENCY [RESIDENTS [PID]]");
            return ExitCode::FAILURE;
        }
    };
    let residents = rest.first().map_or(Ok(0), |r| r.parse::<usize>());
    let pid = rest.get(1).map(|p| p.parse::<u32>()).transpose();
    let (Ok(n), Ok(concurrency), Ok(residents), Ok(pid)) = (
        n.parse::<usize>(),
        concurrency.parse::<usize>(),
        residents,
        pid,
    ) else {
        eprintln!("N, CONCURRENCY, RESIDENTS and PID are whole numbers");
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
    let rss_before = rss_kib(pid);
    let started = Instant::now();
    let resident_failures = make_residents(&client, residents, concurrency).await;
    // MX's automatic aggregations of the last residents end within a few job steps.
    tokio::time::sleep(Duration::from_millis(500)).await;
    println!(
        "residents={residents} failed={resident_failures} seconds={:.3}",
        started.elapsed().as_secs_f64()
    );
    if let (Some(before), Some(after)) = (rss_before, rss_kib(pid)) {
        let per_member = (after.saturating_sub(before) * 1024)
            .checked_div(residents as u64)
            .unwrap_or(0);
        println!(
            "rss_before_residents_kib={before} rss_with_residents_kib={after} bytes_per_resident={per_member}"
        );
    }
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
    let mut pages = Vec::new();
    let mut records = Vec::new();
    let mut failures = 0_usize;
    for task in tasks {
        match task.await {
            Ok(Ok(mut driven)) => {
                latencies.append(&mut driven.latencies);
                pages.push(driven.page.0);
                records.push(driven.page.1);
            }
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
    pages.sort_unstable();
    records.sort_unstable();
    #[allow(clippy::cast_precision_loss)]
    let per_second = (n - failures) as f64 / elapsed.as_secs_f64();
    println!(
        "members={n} connected={} concurrency={concurrency}",
        n - failures
    );
    println!("seconds={:.3}", elapsed.as_secs_f64());
    println!("members_per_second={per_second:.1}");
    println!("requests={}", latencies.len());
    println!("p50_ms={:.3}", ms(percentile(&latencies, 0.50)));
    println!("p99_ms={:.3}", ms(percentile(&latencies, 0.99)));
    println!(
        "listing_records_min={} listing_records_max={}",
        records.first().copied().unwrap_or(0),
        records.last().copied().unwrap_or(0)
    );
    println!("listing_p50_ms={:.3}", ms(percentile(&pages, 0.50)));
    println!("listing_p99_ms={:.3}", ms(percentile(&pages, 0.99)));
    let full = full_pages(&client).await;
    match &full {
        Ok(latencies) => {
            println!("page_1000_p50_ms={:.3}", ms(percentile(latencies, 0.50)));
            println!("page_1000_p99_ms={:.3}", ms(percentile(latencies, 0.99)));
        }
        Err(error) => eprintln!("full pages failed: {error}"),
    }
    if failures == 0 && resident_failures == 0 && full.is_ok() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
