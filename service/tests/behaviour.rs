//! The service's behaviour over loopback, against the in-process emulator on its virtual
//! clock (`--clock emulator`): a member through success, MFA, DENIED then new
//! credentials, LOCKED and OAuth; idempotent creates; webhook dedup; MX's 3-hour window
//! waited out; the stored data equal to MX's; no secret in the database files. Every
//! scenario runs on SQLite and, when `MX_TEST_POSTGRES_URL` is set, on PostgreSQL too.

mod support;

use std::future::Future;
use std::time::Duration;

use mx_aggregation_service::core::packed::unpack;
use serde_json::{Value, json};
use support::Scratch;
use support::api::Api;
use support::db::Database;
use support::mx::Mx;
use support::process::{Instance, Launch, log_tail};

/// One service on one database, the emulator it talks to, and a client of its API.
struct Env {
    mx: Mx,
    api: Api,
    launch: Launch,
    /// Kept so the process lives as long as the test (dropping it kills it).
    _instance: Instance,
    database: Database,
}

impl Env {
    async fn start(scratch: &Scratch, database: Database) -> Self {
        let mut launch = Launch::new("service", &scratch.path, database.url(), "");
        let mx = Mx::start(&launch.webhook_url(), 7).await;
        launch.mx_base_url = mx.base_url().to_owned();
        let instance = Instance::start_async(&launch).await;
        let api = Api::new(vec![launch.base_url()]);
        Self {
            mx,
            api,
            launch,
            _instance: instance,
            database,
        }
    }

    /// Polls `GET /members/{guid}` until `done` holds (a minute at most).
    async fn member_until(&self, guid: &str, what: &str, done: impl Fn(&Value) -> bool) -> Value {
        let mut last = Value::Null;
        for _ in 0..600 {
            if let Some(answer) = self.api.get(&format!("/members/{guid}")).await
                && answer.status == 200
            {
                last = answer.body["member"].clone();
                if done(&last) {
                    return last;
                }
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!(
            "{}: member {guid} never became {what}; last {last}\n{}",
            self.database.kind(),
            log_tail(&self.launch.log_path(), 40)
        );
    }

    async fn action_is(&self, guid: &str, action: &str) -> Value {
        self.member_until(guid, action, |m| m["action"] == action)
            .await
    }

    async fn synced(&self, guid: &str) -> Value {
        self.member_until(guid, "synced", |m| {
            m["action"] == "read_data" && !m["synced_through"].is_null()
        })
        .await
    }

    /// MX Bank's credential field guids: (LOGIN, PASSWORD).
    async fn fields(&self) -> (String, String) {
        let (_, body) = self.mx.get("/institutions/mxbank/credentials").await;
        let guid = |name: &str| {
            body["credentials"]
                .as_array()
                .into_iter()
                .flatten()
                .find(|f| f["field_name"] == name)
                .and_then(|f| f["guid"].as_str())
                .map(str::to_owned)
                .unwrap_or_else(|| panic!("MX Bank has no {name} field: {body}"))
        };
        (guid("LOGIN"), guid("PASSWORD"))
    }

    async fn credentials(&self, password: &str) -> Value {
        let (login, secret) = self.fields().await;
        json!([{"guid": login, "value": "mxuser"}, {"guid": secret, "value": password}])
    }

    async fn mxbank(&self, user: &str, key: &str, password: &str) -> String {
        let member =
            json!({"institution_code": "mxbank", "credentials": self.credentials(password).await});
        self.api.create_member(user, key, &member).await
    }

    async fn send(&self, method: &str, path: &str, body: &Value) -> (u16, Value) {
        let answer = self
            .api
            .send(method, path, Some(body), &[])
            .await
            .unwrap_or_else(|| panic!("{method} {path}: no answer"));
        (answer.status, answer.body)
    }

    /// The service's stored data equals MX's: the same transaction guids, the same
    /// number of accounts.
    async fn data_equals_mx(&self, user: &str, guid: &str) {
        let all_stored = self.api.transactions(guid).await.unwrap_or_default();
        // Both sides inside the dates MX answers by default (its 120-day horizon).
        let (from, to) = self.mx.compared_dates();
        let stored: Vec<Value> = all_stored
            .iter()
            .filter(|t| {
                t["date"]
                    .as_str()
                    .is_some_and(|d| d >= from.as_str() && d <= to.as_str())
            })
            .cloned()
            .collect();
        let held = self.mx.transactions(user, guid).await;
        let ids = |rows: &[Value]| {
            let mut ids: Vec<String> = rows
                .iter()
                .filter_map(|r| r["guid"].as_str().map(str::to_owned))
                .collect();
            ids.sort();
            ids
        };
        assert!(!held.is_empty(), "MX holds transactions for {guid}");
        assert_eq!(
            ids(&stored),
            ids(&held),
            "{}: transactions",
            self.database.kind()
        );
        let accounts = self
            .mx
            .all(
                &format!("/users/{user}/members/{guid}/accounts"),
                "accounts",
            )
            .await;
        let view = self.action_is(guid, "read_data").await;
        assert_eq!(view["accounts"].as_u64(), Some(accounts.len() as u64));
        assert_eq!(view["transactions"].as_u64(), Some(all_stored.len() as u64));
        self.stored_as_mx_text(user, guid).await;
    }

    /// Each stored transaction is the text MX listed for it, byte for byte: a later
    /// sync finds an unchanged row by its text, without reading it.
    async fn stored_as_mx_text(&self, user: &str, guid: &str) {
        #[derive(serde::Deserialize)]
        struct Listed<'a> {
            #[serde(borrow)]
            transactions: Vec<&'a serde_json::value::RawValue>,
        }
        let path = format!("/users/{user}/members/{guid}/transactions?records_per_page=1000");
        let (status, text) = self.mx.get_text(&path).await;
        assert_eq!(status, 200, "MX lists {guid}'s transactions: {text}");
        let listed: Listed<'_> = serde_json::from_str(&text).expect("MX's listing reads");
        let by_guid: std::collections::BTreeMap<String, &str> = listed
            .transactions
            .iter()
            .map(|row| {
                let value: Value = serde_json::from_str(row.get()).expect("a row");
                (
                    value["guid"].as_str().unwrap_or_default().to_owned(),
                    row.get(),
                )
            })
            .collect();
        sqlx::any::install_default_drivers();
        let pool = sqlx::AnyPool::connect(self.database.url())
            .await
            .expect("the service's database opens");
        let rows: Vec<(String, String)> =
            sqlx::query_as("SELECT guid, body FROM transactions WHERE member_guid = $1")
                .bind(guid)
                .fetch_all(&pool)
                .await
                .expect("the stored transactions read");
        pool.close().await;
        let compared = rows
            .iter()
            .filter_map(|(row, body)| Some((row, body, by_guid.get(row)?)))
            .inspect(|(row, body, listed)| {
                assert_ne!(body, *listed, "{row} stored packed");
                assert_eq!(
                    unpack(body),
                    **listed,
                    "{}: {row} stored as MX's text, packed without loss",
                    self.database.kind()
                );
            })
            .count();
        assert!(
            compared > 0,
            "{}: rows compared with MX's text",
            self.database.kind()
        );
    }

    /// MX's journal entries whose path ends with `suffix` and whose method is `method`.
    async fn calls(&self, method: &str, suffix: &str) -> Vec<Value> {
        self.mx
            .journal()
            .await
            .into_iter()
            .filter(|e| {
                e["method"] == method && e["path"].as_str().is_some_and(|p| p.ends_with(suffix))
            })
            .collect()
    }
}

/// Runs `scenario` once per database: SQLite always, PostgreSQL when configured.
async fn each_database<F, Fut>(test: &str, scenario: F)
where
    F: Fn(Env) -> Fut,
    Fut: Future<Output = ()>,
{
    let scratch = Scratch::new(test);
    for database in Database::all(&scratch.path, test).await {
        let dir = Scratch::new(&format!("{test}-{}", database.kind()));
        let env = Env::start(&dir, database).await;
        eprintln!("{test}: on {}", env.database.kind());
        scenario(env).await;
    }
}

// One binary for these behaviours (a test binary costs CI a link), one file each.

#[path = "behaviour/lifecycle.rs"]
mod lifecycle;

#[path = "behaviour/idempotency.rs"]
mod idempotency;

#[path = "behaviour/webhooks.rs"]
mod webhooks;

#[path = "behaviour/window.rs"]
mod window;

#[path = "behaviour/secrets.rs"]
mod secrets;

#[path = "behaviour/bad_input.rs"]
mod bad_input;
