//! The service's behaviour over loopback, against the in-process emulator on its virtual
//! clock (`--clock emulator`): a member through success, MFA, DENIED then new
//! credentials, LOCKED and OAuth; idempotent creates; webhook dedup; MX's 3-hour window
//! waited out; the stored data equal to MX's; no secret in the database files. Every
//! scenario runs on SQLite and, when `MX_TEST_POSTGRES_URL` is set, on PostgreSQL too.

mod support;

use std::future::Future;
use std::time::Duration;

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
                assert_eq!(
                    body,
                    *listed,
                    "{}: {row} stored as MX's text",
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

mod lifecycle {
    use super::*;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_member_with_good_credentials_is_synced_and_its_data_equals_mx() {
        each_database("success", |env| async move {
            let user = env.api.user("u-success").await;
            let guid = env.mxbank(&user, "k-success", "pw-success").await;
            let member = env.synced(&guid).await;
            assert_eq!(member["connection_status"], "CONNECTED");
            assert_eq!(member["requires_end_user"], false);
            assert_eq!(member["user_guid"], user.as_str());
            for field in [
                "challenges",
                "oauth_window_uri",
                "user_message",
                "next_look_at",
                "webhooks_received",
            ] {
                assert!(member.get(field).is_some(), "{field} is present: {member}");
            }
            env.data_equals_mx(&user, &guid).await;
        })
        .await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn mfa_is_shown_answered_once_and_the_member_synced() {
        each_database("mfa", |env| async move {
            let user = env.api.user("u-mfa").await;
            let guid = env.mxbank(&user, "k-mfa", "challenge").await;
            let member = env.action_is(&guid, "answer_mfa").await;
            assert_eq!(member["requires_end_user"], true);
            let challenge = member["challenges"][0]["guid"]
                .as_str()
                .unwrap_or_default()
                .to_owned();
            assert!(!challenge.is_empty(), "a challenge to answer: {member}");
            let answers = json!({"answers": [{"guid": challenge, "value": "correct"}]});
            let path = format!("/members/{guid}/mfa");
            assert_eq!(env.send("POST", &path, &answers).await.0, 202);
            // The same answers again while MX acts on them: still 202.
            assert_eq!(env.send("POST", &path, &answers).await.0, 202);
            env.synced(&guid).await;
            env.data_equals_mx(&user, &guid).await;
        })
        .await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn denied_then_new_credentials_syncs() {
        each_database("denied", |env| async move {
            let user = env.api.user("u-denied").await;
            let guid = env.mxbank(&user, "k-denied", "INVALID").await;
            let member = env.action_is(&guid, "update_credentials").await;
            assert_eq!(member["connection_status"], "DENIED");
            assert_eq!(member["requires_end_user"], true);
            let body = json!({"credentials": env.credentials("pw-new-denied").await});
            let (status, _) = env
                .send("PUT", &format!("/members/{guid}/credentials"), &body)
                .await;
            assert_eq!(status, 202);
            env.synced(&guid).await;
            env.data_equals_mx(&user, &guid).await;
        })
        .await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_locked_member_waits_for_the_end_user_and_is_not_aggregated() {
        each_database("locked", |env| async move {
            let user = env.api.user("u-locked").await;
            let guid = env.mxbank(&user, "k-locked", "LOCKED").await;
            let member = env
                .member_until(&guid, "LOCKED and waiting for the end user", |m| {
                    m["connection_status"] == "LOCKED" && m["requires_end_user"] == true
                })
                .await;
            assert!(member["synced_through"].is_null());
            assert!(
                env.calls("POST", "/aggregate").await.is_empty(),
                "nothing aggregates a locked member"
            );
        })
        .await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn an_oauth_member_shows_its_window_then_syncs_once_authorized() {
        each_database("oauth", |env| async move {
            let user = env.api.user("u-oauth").await;
            let member = json!({"institution_code": "mx_bank_oauth", "is_oauth": true});
            let guid = env.api.create_member(&user, "k-oauth", &member).await;
            let shown = env.action_is(&guid, "authorize_oauth").await;
            let uri = shown["oauth_window_uri"]
                .as_str()
                .unwrap_or_default()
                .to_owned();
            assert!(uri.starts_with("http"), "a window to open: {shown}");
            // The end user's browser.
            let page = reqwest::get(&uri).await.expect("the window opens");
            assert!(page.status().is_success(), "{}", page.status());
            // Back in the app, the end user is present: the app asks for the data.
            let (status, _) = env
                .send("POST", &format!("/members/{guid}/aggregate"), &json!({}))
                .await;
            assert_eq!(status, 202);
            env.synced(&guid).await;
            env.data_equals_mx(&user, &guid).await;
        })
        .await;
    }
}

mod idempotency {
    use super::*;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn the_same_key_or_member_id_gives_the_same_member_and_mx_sees_one_create() {
        each_database("idempotent", |env| async move {
            let first_user = env.api.user("u-idem").await;
            assert_eq!(
                env.api.user("u-idem").await,
                first_user,
                "the same user id, the same user"
            );
            let user = first_user;
            let by_key = env.mxbank(&user, "k-same", "pw-idem").await;
            assert_eq!(env.mxbank(&user, "k-same", "pw-idem").await, by_key);
            let with_id = json!({"institution_code": "mxbank", "id": "my-member-1",
                "credentials": env.credentials("pw-idem-2").await});
            let path = format!("/users/{user}/members");
            let (status, body) = env.send("POST", &path, &json!({"member": with_id})).await;
            assert_eq!(status, 202, "{body}");
            let (again, body2) = env.send("POST", &path, &json!({"member": with_id})).await;
            assert_eq!(again, 202, "{body2}");
            assert_eq!(body["member"]["guid"], body2["member"]["guid"]);
            assert_ne!(body["member"]["guid"].as_str(), Some(by_key.as_str()));
            let creates = env.calls("POST", &format!("/users/{user}/members")).await;
            assert_eq!(creates.len(), 2, "one create per member: {creates:?}");
            assert_eq!(
                env.calls("POST", "/users").await.len(),
                1,
                "one user create"
            );
        })
        .await;
    }
}

mod webhooks {
    use super::*;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_repeated_body_in_another_key_order_counts_once_and_non_json_is_400() {
        each_database("webhooks", |env| async move {
            let user = env.api.user("u-hooks").await;
            let guid = env.mxbank(&user, "k-hooks", "pw-hooks").await;
            let before = env.synced(&guid).await["webhooks_received"].as_i64().unwrap_or_default();
            let one = format!(
                r#"{{"action":"member_data_updated","type":"AGGREGATION","member_guid":"{guid}","user_guid":"{user}","completed_at":1,"transactions_created_count":0,"transactions_updated_count":0}}"#
            );
            let reordered = format!(
                r#"{{"transactions_updated_count":0, "user_guid":"{user}", "member_guid":"{guid}", "completed_at":1, "type":"AGGREGATION", "transactions_created_count":0, "action":"member_data_updated"}}"#
            );
            let http = reqwest::Client::new();
            let url = env.launch.webhook_url();
            for body in [&one, &reordered, &one] {
                let answer = http.post(&url).body(body.clone()).send().await.expect("answered");
                assert_eq!(answer.status().as_u16(), 204);
            }
            let not_json = http.post(&url).body("{not json").send().await.expect("answered");
            assert_eq!(not_json.status().as_u16(), 400);
            let member = env
                .member_until(&guid, "one more webhook", |m| m["webhooks_received"].as_i64().is_some())
                .await;
            assert_eq!(member["webhooks_received"].as_i64(), Some(before + 1));
            let text = http
                .get(format!("{}/metrics", env.launch.base_url()))
                .send()
                .await
                .expect("metrics")
                .text()
                .await
                .unwrap_or_default();
            assert!(text.contains("mx_service_webhooks_repeated_total 2"), "{text}");
        })
        .await;
    }
}

mod window {
    use super::*;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn an_aggregate_asked_inside_the_three_hour_window_waits_it_out() {
        each_database("window", |env| async move {
            let user = env.api.user("u-window").await;
            let created_at = env.mx.now();
            // MX aggregates on create; MX Bank's BAD_REQUEST fails it: the data is not
            // fresh, and MX's window from that aggregation is open.
            let guid = env.mxbank(&user, "k-window", "BAD_REQUEST").await;
            env.member_until(&guid, "FAILED", |m| m["connection_status"] == "FAILED")
                .await;
            env.mx.advance(3_600);
            let path = format!("/members/{guid}/aggregate");
            assert_eq!(env.send("POST", &path, &json!({})).await.0, 202);
            let window_end = created_at + chrono::Duration::hours(3);
            let waiting = env
                .member_until(&guid, "waiting for the window's end", |m| {
                    support::mx::time_of(&m["next_look_at"]).is_some_and(|at| at >= window_end)
                        && m["action"] == "wait"
                })
                .await;
            assert!(
                env.calls("POST", "/aggregate").await.is_empty(),
                "no aggregate inside the window: {waiting}"
            );
            // The window passes on MX's clock; the end user asks again: MX aggregates once.
            env.mx.advance(2 * 3_600 + 60);
            assert_eq!(env.send("POST", &path, &json!({})).await.0, 202);
            let mut aggregates = Vec::new();
            for _ in 0..300 {
                aggregates = env.calls("POST", "/aggregate").await;
                if !aggregates.is_empty() {
                    break;
                }
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            assert_eq!(aggregates.len(), 1, "{aggregates:?}");
            let at = support::mx::time_of(&aggregates[0]["at"]);
            assert!(
                at.is_some_and(|at| at >= window_end),
                "after the window: {aggregates:?}"
            );
        })
        .await;
    }

    /// The end user asks for fresh data just as the scheduled look at the window's end
    /// comes due: one drive runs at a time per member, so MX sees one aggregate per
    /// member, not one from each drive. Several members make the race likely.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn an_end_user_asking_as_the_scheduled_look_comes_due_aggregates_once() {
        each_database("race", |env| async move {
            let created_at = env.mx.now();
            let mut guids = Vec::new();
            // One user each: MX refuses a second member with the same credentials on
            // one institution for one user.
            for n in 0..10 {
                let user = env.api.user(&format!("u-race-{n}")).await;
                guids.push(
                    env.mxbank(&user, &format!("k-race-{n}"), "BAD_REQUEST")
                        .await,
                );
            }
            for guid in &guids {
                env.member_until(guid, "FAILED", |m| m["connection_status"] == "FAILED")
                    .await;
            }
            env.mx.advance(3_600);
            let window_end = created_at + chrono::Duration::hours(3);
            for guid in &guids {
                let path = format!("/members/{guid}/aggregate");
                assert_eq!(env.send("POST", &path, &json!({})).await.0, 202);
            }
            for guid in &guids {
                env.member_until(guid, "waiting for the window's end", |m| {
                    support::mx::time_of(&m["next_look_at"]).is_some_and(|at| at >= window_end)
                        && m["action"] == "wait"
                })
                .await;
            }
            // Past the window every member's scheduled look is due; each end user asks
            // at the same moment.
            // The end users ask spread over one scheduler tick (200 ms), so some ask
            // before the scheduler claims their member, some while its drive reads MX,
            // some after it aggregated.
            env.mx.advance(2 * 3_600 + 60);
            for guid in &guids {
                let path = format!("/members/{guid}/aggregate");
                assert_eq!(env.send("POST", &path, &json!({})).await.0, 202);
                tokio::time::sleep(Duration::from_millis(25)).await;
            }
            let next_window = window_end + chrono::Duration::hours(3);
            for guid in &guids {
                // Settled: the drive that aggregated has written the next window's wait.
                env.member_until(guid, "waiting for the next window", |m| {
                    support::mx::time_of(&m["next_look_at"]).is_some_and(|at| at >= next_window)
                        && m["action"] == "wait"
                })
                .await;
            }
            let aggregates = env.calls("POST", "/aggregate").await;
            for guid in &guids {
                let mine: Vec<&Value> = aggregates
                    .iter()
                    .filter(|e| {
                        e["path"]
                            .as_str()
                            .is_some_and(|p| p.contains(guid.as_str()))
                    })
                    .collect();
                assert_eq!(mine.len(), 1, "{guid}: {mine:?}");
                assert_eq!(mine[0]["job_started"], true, "{guid}: {mine:?}");
            }
        })
        .await;
    }
}

mod secrets {
    use super::*;

    /// Credential values and MFA answers go to MX and nowhere else: the database file,
    /// its write-ahead log and shared memory, and the service's log are scanned byte for
    /// byte.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn no_credential_or_answer_reaches_the_database_files_or_the_log() {
        let scratch = Scratch::new("secrets");
        let env = Env::start(&scratch, Database::sqlite(&scratch.path)).await;
        let user = env.api.user("u-secrets").await;
        let created = env.mxbank(&user, "k-s1", "s3cret-create-7f3a").await;
        let denied = env.mxbank(&user, "k-s2", "INVALID").await;
        let challenged = env.mxbank(&user, "k-s3", "challenge").await;
        env.action_is(&denied, "update_credentials").await;
        let body = json!({"credentials": env.credentials("s3cret-update-91bc").await});
        assert_eq!(
            env.send("PUT", &format!("/members/{denied}/credentials"), &body)
                .await
                .0,
            202
        );
        let shown = env.action_is(&challenged, "answer_mfa").await;
        let answers =
            json!({"answers": [{"guid": shown["challenges"][0]["guid"], "value": "correct"}]});
        assert_eq!(
            env.send("POST", &format!("/members/{challenged}/mfa"), &answers)
                .await
                .0,
            202
        );
        for guid in [&created, &denied, &challenged] {
            env.synced(guid).await;
        }
        let needles: [&[u8]; 4] = [
            b"s3cret-create-7f3a",
            b"s3cret-update-91bc",
            b"\"value\":\"correct\"",
            b"mxuser",
        ];
        let mut scanned = Vec::new();
        for entry in std::fs::read_dir(&scratch.path).expect("the scratch directory") {
            let path = entry.expect("an entry").path();
            let name = path
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or_default()
                .to_owned();
            if !(name.starts_with("mx.db") || name.ends_with(".log")) {
                continue;
            }
            let bytes = std::fs::read(&path).expect("readable");
            for needle in needles {
                assert!(
                    !bytes.windows(needle.len()).any(|w| w == needle),
                    "{name} holds {:?}",
                    String::from_utf8_lossy(needle)
                );
            }
            scanned.push(name);
        }
        assert!(
            scanned.iter().any(|n| n == "mx.db-wal"),
            "the WAL was scanned: {scanned:?}"
        );
        assert!(
            scanned.iter().any(|n| n == "mx.db"),
            "the database was scanned: {scanned:?}"
        );
    }
}

mod bad_input {
    use super::*;
    use proptest::prelude::*;

    const FIELDS: [&str; 10] = [
        "user",
        "id",
        "member",
        "institution_code",
        "credentials",
        "guid",
        "value",
        "answers",
        "is_oauth",
        "skip_aggregation",
    ];

    fn json_value() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(|n| json!(n)),
            "[a-zA-Z0-9 -]{0,12}".prop_map(Value::String),
        ];
        leaf.prop_recursive(3, 24, 4, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
                prop::collection::vec((prop::sample::select(FIELDS.to_vec()), inner), 0..4)
                    .prop_map(|pairs| {
                        Value::Object(pairs.into_iter().map(|(k, v)| (k.to_owned(), v)).collect())
                    }),
            ]
        })
    }

    fn body() -> impl Strategy<Value = String> {
        prop_oneof![
            json_value().prop_map(|v| v.to_string()),
            ".{0,40}",
            Just(String::new()),
        ]
    }

    /// Malformed JSON, wrong types and unknown members: every route answers 4xx with a
    /// JSON error naming the problem, and the service stays up.
    #[test]
    fn no_request_body_gets_a_5xx_or_stops_the_service() {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("a runtime");
        let scratch = Scratch::new("bad-input");
        let (env, user) = runtime.block_on(async {
            let env = Env::start(&scratch, Database::sqlite(&scratch.path)).await;
            let user = env.api.user("u-bad").await;
            (env, user)
        });
        let routes = [
            ("POST", "/users".to_owned()),
            ("POST", format!("/users/{user}/members")),
            ("POST", "/users/USR-unknown/members".to_owned()),
            ("POST", "/members/MBR-unknown/mfa".to_owned()),
            ("PUT", "/members/MBR-unknown/credentials".to_owned()),
            ("POST", "/webhooks/mx".to_owned()),
        ];
        let http = reqwest::Client::new();
        let base = env.launch.base_url();
        let mut runner = proptest::test_runner::TestRunner::new(ProptestConfig::with_cases(64));
        runner
            .run(&(0..routes.len(), body()), |(route, body)| {
                let (method, path) = &routes[route];
                let (status, reply) = runtime.block_on(async {
                    let method = reqwest::Method::from_bytes(method.as_bytes()).expect("a method");
                    let answer = http
                        .request(method, format!("{base}{path}"))
                        .body(body.clone())
                        .send()
                        .await
                        .expect("the service answers");
                    let status = answer.status().as_u16();
                    (status, answer.text().await.unwrap_or_default())
                });
                prop_assert!(status < 500, "{method} {path} {body:?}: {status} {reply}");
                if status >= 400 {
                    let error: Value = serde_json::from_str(&reply).unwrap_or(Value::Null);
                    prop_assert!(error["error"]["message"].is_string(), "{status} {reply}");
                }
                Ok(())
            })
            .unwrap_or_else(|failure| panic!("{failure}"));
        let health = runtime.block_on(env.api.get("/healthz")).expect("alive");
        assert_eq!(health.status, 200);
    }
}
