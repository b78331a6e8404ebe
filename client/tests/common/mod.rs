//! What the end-to-end tests share: an emulator on a free port with a frozen virtual
//! clock, a client that records its requests, a driver on the emulator's clock, and the
//! audit of the request log.

#![allow(dead_code, unreachable_pub)]

pub mod proxy;

use std::collections::BTreeMap;
use std::time::Duration;

use chrono::{DateTime, NaiveTime, TimeDelta, TimeZone, Utc};
use mx_aggregation::Policy;
use mx_aggregation_client::sync::Checkpoint;
use mx_aggregation_client::types::{
    CredentialValue, MemberCreate, Transaction, TransactionsPage, UserCreate,
};
use mx_aggregation_client::{
    Clock, DataList, Driver, EmulatorClock, Limits, LoggedRequest, MemberRef, MxClient, MxConfig,
    RequestLog, TransactionFilter,
};
use mx_emulator::{Config, Emulator};

pub const CLIENT_ID: &str = "client-e2e";
pub const API_KEY: &str = "key-e2e";

/// The virtual clock's start in every test.
pub fn start_time() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).unwrap()
}

/// An emulator whose clock moves only when the driver's clock advances it: every run
/// depends on its requests alone.
pub fn frozen_config() -> Config {
    let mut config = Config::new(CLIENT_ID, API_KEY);
    config.real_time = false;
    config.start_at = Some(start_time());
    config
}

/// An emulator, a recording client (talking to `base_url`, the emulator's unless a
/// proxy sits between) and a driver on the emulator's clock.
pub struct Harness {
    pub emulator: Emulator,
    pub client: MxClient,
    pub log: RequestLog,
    pub driver: Driver<EmulatorClock>,
}

impl Harness {
    pub async fn start(config: Config) -> Self {
        let emulator = Emulator::start(config).await.expect("emulator starts");
        let base = emulator.base_url().to_owned();
        Self::with_base(emulator, &base, Limits::default())
    }

    pub fn with_base(emulator: Emulator, base_url: &str, limits: Limits) -> Self {
        let log = RequestLog::new();
        let client = MxClient::new(MxConfig::new(base_url, CLIENT_ID, API_KEY))
            .expect("client builds")
            .with_request_log(log.clone());
        let clock = EmulatorClock::new(client.clone());
        let driver = Driver::new(client.clone(), clock, Policy::default()).with_limits(limits);
        Self {
            emulator,
            client,
            log,
            driver,
        }
    }

    /// The same harness with another policy.
    pub fn policy(mut self, policy: Policy) -> Self {
        let clock = EmulatorClock::new(self.client.clone());
        self.driver = Driver::new(self.client.clone(), clock, policy);
        self
    }

    /// The same harness with other limits.
    pub fn limits(mut self, limits: Limits) -> Self {
        self.driver = self.driver.with_limits(limits);
        self
    }

    pub async fn user(&self) -> String {
        let user = self
            .client
            .create_user(&UserCreate {
                id: Some("u-1".to_owned()),
                ..UserCreate::default()
            })
            .await
            .expect("user created");
        user.guid.expect("user guid")
    }

    /// An MX Bank member request with the test username and `password`, filled from the
    /// institution's credential fields.
    pub async fn mxbank(&self, password: &str, id: &str) -> MemberCreate {
        let fields = self.client.credentials("mxbank").await.expect("fields");
        let credentials = fields
            .iter()
            .map(|f| {
                let value = match f.field_name.as_deref() {
                    Some("LOGIN") => "mxuser",
                    _ => password,
                };
                CredentialValue::new(f.guid.clone().expect("field guid"), value)
            })
            .collect();
        MemberCreate {
            institution_code: "mxbank".to_owned(),
            credentials,
            id: Some(id.to_owned()),
            ..MemberCreate::default()
        }
    }

    /// Creates a member through the driver (never twice).
    pub async fn create(&self, user: &str, request: &MemberCreate) -> MemberRef {
        self.driver
            .create_member(user, request)
            .await
            .expect("create runs")
            .expect("member created")
    }

    /// Moves the emulator's clock.
    pub fn advance(&self, by: Duration) -> DateTime<Utc> {
        self.emulator.advance_clock(by).expect("clock moves")
    }

    pub fn calls(&self, endpoint: &str) -> Vec<LoggedRequest> {
        self.log.named(endpoint)
    }

    /// MX's transactions of `member` dated from `from` to 30 days ahead, read directly.
    pub async fn listing_from(
        &self,
        member: &MemberRef,
        from: DateTime<Utc>,
    ) -> BTreeMap<String, Transaction> {
        let now = self.driver.clock().now().await.unwrap();
        let filter = TransactionFilter::dated(from, now + TimeDelta::days(30));
        let pages: Vec<TransactionsPage> = self
            .client
            .read_all(DataList::Transactions(member.clone(), filter), 1000)
            .await
            .expect("the listing reads");
        pages
            .into_iter()
            .flat_map(|p| p.transactions)
            .map(|row| {
                let t: Transaction = serde_json::from_value(row).unwrap();
                (t.guid.clone().unwrap(), t)
            })
            .collect()
    }

    /// MX's transactions of `member` dated in the copy's history (`checkpoint`).
    pub async fn listing(
        &self,
        member: &MemberRef,
        checkpoint: &Checkpoint,
    ) -> BTreeMap<String, Transaction> {
        let from = checkpoint
            .history_from
            .unwrap()
            .and_time(NaiveTime::MIN)
            .and_utc();
        self.listing_from(member, from).await
    }
}

/// The audit: every `aggregate` the client sent started a job. MX answers an aggregate
/// inside its window (or on a member with nothing to run) with 202 and starts nothing;
/// the driver only aggregates when the crate decides so, and the crate never decides so
/// inside the window, so no such answer may appear in the log.
pub fn assert_no_forbidden_aggregate(log: &RequestLog) {
    for call in log.named("aggregate") {
        let body: serde_json::Value =
            serde_json::from_str(&call.body).unwrap_or(serde_json::Value::Null);
        let started = body["member"]["is_being_aggregated"] == serde_json::Value::Bool(true);
        assert!(
            call.status == Some(202) && started,
            "an aggregate started no job (status {:?}): {}",
            call.status,
            call.body
        );
    }
}

/// Starts the premium job `job` (`identify`, `fetch_statements`, …) on `member` with a
/// plain request (the client starts no premium job but a verification), and lets the
/// emulator run it.
pub async fn run_premium_job(h: &Harness, member: &MemberRef, job: &str) {
    let url = format!(
        "{}/users/{}/members/{}/{job}",
        h.emulator.base_url(),
        member.user,
        member.member
    );
    let answer = reqwest::Client::new()
        .post(url)
        .basic_auth(CLIENT_ID, Some(API_KEY))
        .header("Accept", "application/json")
        .header("Accept-Version", "v20250224")
        .send()
        .await
        .expect("the emulator answers");
    assert!(answer.status().is_success(), "{job}: {}", answer.status());
    h.advance(Duration::from_secs(5));
}

/// A user with one MX Bank member that aggregated successfully: (user, member).
pub async fn connected_member(h: &Harness) -> (String, MemberRef) {
    let user = h.user().await;
    let request = h.mxbank("password", "m-1").await;
    let member = h.create(&user, &request).await;
    h.advance(Duration::from_secs(5));
    let read = h.client.read_member(&member).await.expect("member read");
    assert_eq!(read.connection_status.as_deref(), Some("CONNECTED"));
    (user, member)
}
