//! MX's side: an in-process emulator on a frozen virtual clock that the test moves, its
//! request journal (`GET /emulator/requests`), its outbox, and MX's own view of members and
//! transactions, read over loopback as MX's API.

use std::time::Duration;

use chrono::{DateTime, TimeZone, Utc};
use mx_emulator::{Config, Emulator};
use serde_json::Value;

use super::process::{API_KEY, CLIENT_ID};

/// The virtual clock's start.
pub fn start_time() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0)
        .single()
        .expect("a valid time")
}

/// An emulator the tests hold, with a client of its API.
#[derive(Debug)]
pub struct Mx {
    /// The in-process emulator.
    pub emulator: Emulator,
    http: reqwest::Client,
}

impl Mx {
    /// An emulator on a free port whose clock moves only when the test moves it, sending
    /// webhooks to `webhook_url`, its GUIDs drawn from `seed`.
    pub async fn start(webhook_url: &str, seed: u64) -> Self {
        let mut config = Config::new(CLIENT_ID, API_KEY);
        config.real_time = false;
        config.start_at = Some(start_time());
        config.webhook_url = Some(webhook_url.to_owned());
        config.seed = seed;
        // Retries sooner than MX's 20 s, so that webhooks missed while the service was down
        // arrive again within the run's few virtual hours.
        config.webhook_backoff = Duration::from_secs(5);
        // An MFA challenge stays open two virtual days, not MX's 10 minutes: the tests jump
        // the clock by up to a day when every member waits (a DENIED member given new
        // credentials may wait for MX's daily background aggregation), and MX's background
        // aggregation challenges the MFA members during the jump, with no end user until
        // the passes resume. With 10 minutes each challenge expired inside the jump, and
        // each member's way back (a 3-hour cooldown, then the end user's aggregation) took
        // longer than a test's limit on a loaded machine (CI, seed 25).
        config.mfa_timeout = Duration::from_secs(2 * 86_400);
        let emulator = Emulator::start(config).await.expect("the emulator starts");
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(30))
            .build()
            .expect("a client");
        Self { emulator, http }
    }

    /// `http://127.0.0.1:PORT`.
    pub fn base_url(&self) -> &str {
        self.emulator.base_url()
    }

    /// The virtual time now.
    pub fn now(&self) -> DateTime<Utc> {
        self.emulator.now()
    }

    /// Moves the virtual clock `seconds` forward.
    pub fn advance(&self, seconds: u64) -> DateTime<Utc> {
        self.emulator
            .advance_clock(Duration::from_secs(seconds))
            .expect("the clock stays in range")
    }

    /// GET `path` on MX's API: (status, JSON body).
    pub async fn get(&self, path: &str) -> (u16, Value) {
        let (status, text) = self.get_text(path).await;
        (status, serde_json::from_str(&text).unwrap_or(Value::Null))
    }

    /// GET `path` on MX's API: (status, the body's text as MX sent it).
    pub async fn get_text(&self, path: &str) -> (u16, String) {
        let response = self
            .http
            .get(format!("{}{path}", self.base_url()))
            .basic_auth(CLIENT_ID, Some(API_KEY))
            .header("Accept", "application/json")
            .header("Accept-Version", "v20250224")
            .send()
            .await
            .unwrap_or_else(|error| panic!("GET {path} on the emulator: {error}"));
        let status = response.status().as_u16();
        (status, response.text().await.unwrap_or_default())
    }

    /// POST `body` to `path` on MX's API, as another client of MX would: (status, body).
    pub async fn post(&self, path: &str, body: &Value) -> (u16, Value) {
        let response = self
            .http
            .post(format!("{}{path}", self.base_url()))
            .basic_auth(CLIENT_ID, Some(API_KEY))
            .header("Accept", "application/json")
            .header("Accept-Version", "v20250224")
            .header("Content-Type", "application/json")
            .body(body.to_string())
            .send()
            .await
            .unwrap_or_else(|error| panic!("POST {path} on the emulator: {error}"));
        let status = response.status().as_u16();
        let body = response.json().await.unwrap_or(Value::Null);
        (status, body)
    }

    /// MX's member `member` of `user`.
    pub async fn member(&self, user: &str, member: &str) -> Value {
        let (status, body) = self.get(&format!("/users/{user}/members/{member}")).await;
        assert_eq!(status, 200, "MX's member {member}: {body}");
        body["member"].clone()
    }

    /// Every member MX holds for `user`.
    pub async fn members_of(&self, user: &str) -> Vec<Value> {
        self.all(&format!("/users/{user}/members"), "members").await
    }

    /// The window of dates every transaction comparison uses: MX answers 120 days back
    /// by default (SPEC25 `fromDateUnix`) and a service reads no further, so what aged out
    /// of it during a run (the virtual clock moves days) is compared by neither side. One
    /// day inside MX's horizon, to 5 days ahead (MX's default `to_date`).
    pub fn compared_dates(&self) -> (String, String) {
        let from = (self.now() - chrono::Duration::days(119)).format("%Y-%m-%d");
        let to = (self.now() + chrono::Duration::days(5)).format("%Y-%m-%d");
        (from.to_string(), to.to_string())
    }

    /// Every transaction MX holds for the member dated in [`Mx::compared_dates`].
    pub async fn transactions(&self, user: &str, member: &str) -> Vec<Value> {
        let (from, to) = self.compared_dates();
        self.all(
            &format!("/users/{user}/members/{member}/transactions?from_date={from}&to_date={to}"),
            "transactions",
        )
        .await
    }

    /// Every record of a paginated list, 1,000 a page.
    pub async fn all(&self, path: &str, name: &str) -> Vec<Value> {
        let joiner = if path.contains('?') { '&' } else { '?' };
        let mut all = Vec::new();
        for page in 1.. {
            let (status, body) = self
                .get(&format!("{path}{joiner}records_per_page=1000&page={page}"))
                .await;
            assert_eq!(status, 200, "{path}: {body}");
            all.extend(body[name].as_array().into_iter().flatten().cloned());
            if page >= body["pagination"]["total_pages"].as_u64().unwrap_or(1) {
                break;
            }
        }
        all
    }

    /// The whole request journal, oldest first.
    pub async fn journal(&self) -> Vec<Value> {
        let mut all: Vec<Value> = Vec::new();
        let mut since = 0;
        loop {
            let (status, body) = self.get(&format!("/emulator/requests?since={since}")).await;
            assert_eq!(status, 200, "the journal: {body}");
            let page = body["requests"].as_array().cloned().unwrap_or_default();
            if let Some(last) = page.last() {
                since = last["seq"].as_u64().unwrap_or(since);
            }
            all.extend(page);
            if body["more"] != Value::Bool(true) {
                return all;
            }
        }
    }

    /// The outbox: every webhook and each delivery attempt.
    pub fn webhooks(&self) -> Vec<Value> {
        self.emulator.webhooks()
    }
}

/// An RFC 3339 field (or MX's Unix seconds) as a time; `None` when null or unreadable.
pub fn time_of(value: &Value) -> Option<DateTime<Utc>> {
    match value {
        Value::String(text) => DateTime::parse_from_rfc3339(text)
            .ok()
            .map(|time| time.with_timezone(&Utc)),
        Value::Number(number) => number
            .as_i64()
            .and_then(|secs| Utc.timestamp_opt(secs, 0).single()),
        _ => None,
    }
}
