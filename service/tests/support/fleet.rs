//! A fleet of members driven through the service as their end users would: created with an
//! `Idempotency-Key`, MFA answered, new credentials given, OAuth windows opened, while the
//! test moves MX's virtual clock (a second a pass, or straight to the earliest wake-up when
//! every unsettled member waits). A member is settled when the service and MX agree: a
//! synced member's `synced_through` is MX's `successfully_aggregated_at` with no job
//! running, a LOCKED one shows `resolve_at_institution`.

use std::collections::{BTreeMap, HashSet};
use std::sync::Arc;
use std::time::{Duration, Instant};

use mx_emulator::institutions::{MXBANK_PASSWORD, MXBANK_USERNAME};
use serde_json::{Value, json};

use super::api::Api;
use super::mx::{Mx, time_of};

/// What a member goes through.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Scenario {
    /// Good credentials: CONNECTED, synced.
    Success,
    /// MX Bank's `challenge`: an MFA question, answered `correct`; then CONNECTED.
    Mfa,
    /// MX Bank's `INVALID`: DENIED; the end user gives new credentials; then CONNECTED
    /// (after MX's window, which the first job opened).
    DeniedThenCredentials,
    /// MX Bank's `LOCKED`: the end user must go to the bank; the member stays LOCKED.
    Locked,
    /// `mx_bank_oauth`: the end user opens the OAuth window; then CONNECTED.
    Oauth,
}

impl Scenario {
    /// Every scenario, in the order the fleets cycle through them.
    pub const ALL: [Self; 5] = [
        Self::Success,
        Self::Mfa,
        Self::DeniedThenCredentials,
        Self::Locked,
        Self::Oauth,
    ];

    /// The member's create body (inside `{"member": …}`).
    pub fn member(self, id: &str) -> Value {
        match self {
            Self::Success => mxbank(id, "password"),
            Self::Mfa => mxbank(id, "challenge"),
            Self::DeniedThenCredentials => mxbank(id, "INVALID"),
            Self::Locked => mxbank(id, "LOCKED"),
            Self::Oauth => json!({"institution_code": "mx_bank_oauth", "is_oauth": true, "id": id}),
        }
    }

    /// The connection status the member ends in.
    pub const fn final_status(self) -> &'static str {
        match self {
            Self::Success | Self::Mfa | Self::DeniedThenCredentials | Self::Oauth => "CONNECTED",
            Self::Locked => "LOCKED",
        }
    }
}

/// MX Bank's credentials with `password`.
fn credentials(password: &str) -> Value {
    json!([
        {"guid": MXBANK_USERNAME.guid, "value": "mxuser"},
        {"guid": MXBANK_PASSWORD.guid, "value": password},
    ])
}

/// MX Bank's right answer (`correct`) to each challenge the member's view shows.
pub fn correct_answers(view: &Value) -> Vec<Value> {
    view["challenges"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|c| json!({"guid": c["guid"], "value": "correct"}))
        .collect()
}

fn mxbank(id: &str, password: &str) -> Value {
    json!({"institution_code": "mxbank", "credentials": credentials(password), "id": id})
}

/// One member of the fleet and what its end user did.
#[derive(Debug, Clone)]
pub struct Tracked {
    /// What it goes through.
    pub scenario: Scenario,
    /// MX's user guid.
    pub user: String,
    /// MX's member guid.
    pub guid: String,
    /// Settled at the latest pass.
    pub settled: bool,
    /// The service's latest view of it.
    pub view: Value,
    /// MX's member as last read for it (`null` until a pass reads it): printed beside the
    /// service's view of a member that does not settle.
    pub at_mx: Value,
    /// What the end user last answered (the view's action and challenges) and at which
    /// pass: the same request is sent again only after 20 passes, a new one at once.
    sent: Option<(String, u64)>,
    /// OAuth windows already opened (each is single-use).
    opened: HashSet<String>,
}

/// What one pass saw.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pass {
    /// Every member is settled.
    Settled,
    /// Some are not; the clock moved.
    Moving,
    /// No instance answered; nothing moved.
    Unreachable,
}

/// The members a test drives.
#[derive(Debug)]
pub struct Fleet {
    /// Every member, in creation order.
    pub members: Vec<Tracked>,
    /// Names users, members and keys apart across fleets.
    prefix: String,
    passes: u64,
    browser: reqwest::Client,
    /// Virtual seconds the clock moved in jumps, and how many jumps.
    pub jumped: (u64, u64),
    /// When the clock last moved a second: it moves at most a second per
    /// [`SECOND_AT_MOST_EVERY`] of real time, so that a slow machine's service keeps up
    /// with MX's jobs, which move a step a virtual second.
    ticked: Option<Instant>,
}

/// The real time a virtual second takes at least, outside jumps.
pub const SECOND_AT_MOST_EVERY: Duration = Duration::from_millis(400);

impl Fleet {
    /// An empty fleet whose users and members are named `PREFIX-N`.
    pub fn new(prefix: &str) -> Self {
        Self {
            members: Vec::new(),
            prefix: prefix.to_owned(),
            passes: 0,
            browser: reqwest::Client::builder()
                .timeout(Duration::from_secs(10))
                .build()
                .expect("a client"),
            jumped: (0, 0),
            ticked: None,
        }
    }

    /// Creates a user and its member going through `scenario`, repeating each request
    /// (same user id, same `Idempotency-Key`) until the service answers.
    pub async fn add(&mut self, api: &Api, scenario: Scenario) {
        let n = self.members.len();
        let member = create(api, &self.prefix, n, scenario).await;
        self.members.push(member);
    }

    /// Creates a member for each of `scenarios`, `parallel` at a time, as that many end
    /// users would.
    pub async fn add_all(&mut self, api: &Arc<Api>, scenarios: &[Scenario], parallel: usize) {
        for chunk in scenarios.chunks(parallel.max(1)) {
            let mut tasks = Vec::new();
            for scenario in chunk {
                let n = self.members.len() + tasks.len();
                let (api, prefix, scenario) = (api.clone(), self.prefix.clone(), *scenario);
                tasks.push(tokio::spawn(async move {
                    create(&api, &prefix, n, scenario).await
                }));
            }
            for task in tasks {
                self.members.push(task.await.expect("a create task"));
            }
        }
    }

    /// Reads every member from the service, acts as its end user, checks it against MX,
    /// and moves the clock when `move_clock` and some are unsettled.
    pub async fn pass(&mut self, api: &Api, mx: &Mx, move_clock: bool) -> Pass {
        self.passes += 1;
        let pass = self.passes;
        let mut wakes = Vec::new();
        let mut all_wait = true;
        for index in 0..self.members.len() {
            let guid = self.members[index].guid.clone();
            let Some(answer) = api.get(&format!("/members/{guid}")).await else {
                return Pass::Unreachable;
            };
            if answer.status >= 500 {
                return Pass::Unreachable;
            }
            assert_eq!(answer.status, 200, "GET /members/{guid}: {}", answer.body);
            let view = answer.body["member"].clone();
            let member = &mut self.members[index];
            member.view = view.clone();
            member.settled = false;
            let action = view["action"].as_str().unwrap_or("");
            // An end user answers what the app asks: a request the service has not acted on
            // yet is sent again only after a while, but a new one (an `aggregate` that
            // became an MFA question) is answered at once, as a person would.
            let asked = format!("{action} {}", view["challenges"]);
            let resend = member
                .sent
                .as_ref()
                .is_none_or(|(what, at)| *what != asked || pass >= at + 20);
            match action {
                "answer_mfa" if resend => {
                    let answers = correct_answers(&view);
                    if !answers.is_empty() {
                        let body = json!({ "answers": answers });
                        let sent = api
                            .send("POST", &format!("/members/{guid}/mfa"), Some(&body), &[])
                            .await;
                        if sent.is_some_and(|a| a.status == 202) {
                            member.sent = Some((asked.clone(), pass));
                        }
                    }
                }
                "update_credentials"
                    if resend && member.scenario == Scenario::DeniedThenCredentials =>
                {
                    let body = json!({ "credentials": credentials("password") });
                    let sent = api
                        .send(
                            "PUT",
                            &format!("/members/{guid}/credentials"),
                            Some(&body),
                            &[],
                        )
                        .await;
                    if sent.is_some_and(|a| a.status == 202) {
                        member.sent = Some((asked.clone(), pass));
                    }
                }
                // An MFA left unanswered expired (the service was down): the end user asks
                // for a new aggregation, whose challenge is answered on a later pass.
                "aggregate" if resend && view["requires_end_user"] == true => {
                    let sent = api
                        .send("POST", &format!("/members/{guid}/aggregate"), None, &[])
                        .await;
                    if sent.is_some_and(|a| a.status == 202) {
                        member.sent = Some((asked.clone(), pass));
                    }
                }
                "authorize_oauth" => {
                    if let Some(uri) = view["oauth_window_uri"].as_str()
                        && member.opened.insert(uri.to_owned())
                    {
                        let opened = self.browser.get(uri).send().await;
                        let status = opened.as_ref().map(reqwest::Response::status);
                        // A window MX no longer knows (a newer one replaced it, e.g. read
                        // by another instance's drive whose lease the virtual clock had
                        // run out) is what a real end user meets too: they go back to the
                        // app, which asks the service again with the end user present
                        // (`POST …/aggregate`); the new drive fetches a fresh window, opened
                        // on a later pass. A member left on a dead window never settles,
                        // and `settle` says so.
                        if status.is_ok_and(|s| s == reqwest::StatusCode::NOT_FOUND) {
                            member.opened.remove(uri);
                            if resend {
                                let sent = api
                                    .send("POST", &format!("/members/{guid}/aggregate"), None, &[])
                                    .await;
                                if sent.is_some_and(|a| a.status == 202) {
                                    member.sent = Some((asked.clone(), pass));
                                }
                            }
                        } else {
                            assert!(
                                status.is_ok_and(|s| s.is_success()),
                                "opening {uri}: {opened:?}"
                            );
                        }
                    }
                }
                _ => {}
            }
            let member = &self.members[index];
            let settled = match (member.scenario, action) {
                (Scenario::Locked, "resolve_at_institution") => {
                    let at_mx = mx.member(&member.user, &guid).await;
                    let settled = view["connection_status"] == "LOCKED"
                        && at_mx["connection_status"] == "LOCKED";
                    self.members[index].at_mx = at_mx;
                    settled
                }
                (Scenario::Locked, _) => false,
                (_, "read_data") => {
                    let at_mx = mx.member(&member.user, &guid).await;
                    let synced = time_of(&view["synced_through"]);
                    let settled = view["connection_status"] == "CONNECTED"
                        && at_mx["connection_status"] == "CONNECTED"
                        && at_mx["is_being_aggregated"] == false
                        && synced.is_some()
                        && synced == time_of(&at_mx["successfully_aggregated_at"]);
                    self.members[index].at_mx = at_mx;
                    settled
                }
                _ => false,
            };
            self.members[index].settled = settled;
            if !settled {
                match (action, time_of(&view["next_look_at"])) {
                    ("wait", Some(at)) => wakes.push(at),
                    _ => all_wait = false,
                }
            }
        }
        if self.members.iter().all(|m| m.settled) {
            return Pass::Settled;
        }
        if move_clock {
            let now = mx.now();
            let earliest = wakes.iter().min().copied();
            // A jump skips what a real clock would have let the service see on the way: only
            // when MX, too, has nothing running for an unsettled member. MX's background
            // aggregations may run inside it; the emulator keeps their MFA challenges open
            // past any jump (`Mx::start`).
            let far =
                earliest.is_some_and(|at| all_wait && at > now + chrono::Duration::seconds(30));
            let idle = far && self.idle_at_mx(mx).await;
            match earliest {
                Some(at) if far && idle => {
                    let by = u64::try_from((at - now).num_seconds()).unwrap_or(1) + 1;
                    // A jump past MX's daily background aggregation lets it challenge MFA
                    // members with nobody to answer in time: say which waits asked for it.
                    if by > 3_600 {
                        eprintln!(
                            "the clock jumps {by} s from {now}; the unsettled members wait:\n{}",
                            self.unsettled()
                        );
                    }
                    mx.advance(by);
                    self.jumped.0 += by;
                    self.jumped.1 += 1;
                }
                _ if self
                    .ticked
                    .is_none_or(|at| at.elapsed() >= SECOND_AT_MOST_EVERY) =>
                {
                    mx.advance(1);
                    self.ticked = Some(Instant::now());
                }
                _ => {}
            }
        }
        Pass::Moving
    }

    /// True when no unsettled member has a job running or a challenge open at MX.
    async fn idle_at_mx(&self, mx: &Mx) -> bool {
        for member in self.members.iter().filter(|m| !m.settled) {
            let at_mx = mx.member(&member.user, &member.guid).await;
            if at_mx["is_being_aggregated"] == true || at_mx["connection_status"] == "CHALLENGED" {
                return false;
            }
        }
        true
    }

    /// Passes (100 ms apart) until every member is settled in one pass, then one more
    /// pass with the clock standing still, so that MX changes nothing while the test reads
    /// it. After `limit` of real time, the unsettled members with the service's view.
    ///
    /// # Errors
    /// The unsettled members, one a line, when `limit` passed.
    pub async fn settle(&mut self, api: &Api, mx: &Mx, limit: Duration) -> Result<(), String> {
        let deadline = tokio::time::Instant::now() + limit;
        loop {
            if self.pass(api, mx, true).await == Pass::Settled
                && self.pass(api, mx, false).await == Pass::Settled
            {
                return Ok(());
            }
            if tokio::time::Instant::now() > deadline {
                return Err(format!(
                    "not settled within {limit:?} (the clock at {}):\n{}\nMX's webhooks for them:\n{}",
                    mx.now(),
                    self.unsettled(),
                    self.unsettled_webhooks(mx),
                ));
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// The unsettled members, one a line, with the service's view.
    pub fn unsettled(&self) -> String {
        self.members
            .iter()
            .filter(|m| !m.settled)
            .map(|m| {
                let mx = |key: &str| m.at_mx.get(key).cloned().unwrap_or(Value::Null);
                format!(
                    "{:?} {}: {}\n  at MX: connection_status {}, is_being_aggregated {}, successfully_aggregated_at {}, aggregated_at {}",
                    m.scenario,
                    m.guid,
                    m.view,
                    mx("connection_status"),
                    mx("is_being_aggregated"),
                    mx("successfully_aggregated_at"),
                    mx("aggregated_at"),
                )
            })
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// MX's webhooks for the unsettled members, one a line: when queued, type, state and
    /// each attempt (a webhook that failed waits for its retry in virtual time).
    fn unsettled_webhooks(&self, mx: &Mx) -> String {
        let unsettled: HashSet<&str> = self
            .members
            .iter()
            .filter(|m| !m.settled)
            .map(|m| m.guid.as_str())
            .collect();
        mx.webhooks()
            .iter()
            .filter(|w| {
                w["member_guid"]
                    .as_str()
                    .is_some_and(|g| unsettled.contains(g))
            })
            .map(|w| {
                format!(
                    "{} {} {} {} next {} attempts {}",
                    w["member_guid"].as_str().unwrap_or("?"),
                    w["queued_at"],
                    w["type"],
                    w["state"],
                    w["next_attempt_at"],
                    w["attempts"]
                )
            })
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// The number of members per scenario.
    pub fn census(&self) -> BTreeMap<Scenario, usize> {
        let mut census = BTreeMap::new();
        for member in &self.members {
            *census.entry(member.scenario).or_insert(0) += 1;
        }
        census
    }
}

/// Creates user `PREFIX-user-N` and its member `PREFIX-member-N` (key `PREFIX-key-N`).
async fn create(api: &Api, prefix: &str, n: usize, scenario: Scenario) -> Tracked {
    let user = api.user(&format!("{prefix}-user-{n}")).await;
    let id = format!("{prefix}-member-{n}");
    let key = format!("{prefix}-key-{n}");
    let guid = api.create_member(&user, &key, &scenario.member(&id)).await;
    Tracked {
        scenario,
        user,
        guid,
        settled: false,
        view: Value::Null,
        at_mx: Value::Null,
        sent: None,
        opened: HashSet::new(),
    }
}
