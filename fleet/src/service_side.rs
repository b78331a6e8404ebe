//! The service's side of the run: the end users' app in front of the durable service
//! (`mx-aggregation-service`), through its pinned HTTP API. The app creates users and
//! members, looks at a member when its end user is there (onboarding, a return to the
//! app, a reply, the daily look), shows what the service says the end user must do, and
//! passes the end user's replies on. MX is the service's business: this side makes no
//! MX call.

use std::sync::Arc;
use std::time::Duration as WallDuration;

use chrono::{DateTime, Duration, Utc};
use mx_aggregation::ConnectionStatus;
use reqwest::Method;
use serde_json::{Value, json};

use crate::concurrent::map_concurrent;
use crate::metrics::copy::AccountFigures;
use crate::metrics::prompts::Prompt;
use crate::mx::{HttpError, account_figures, guids_of, open_oauth_window, total_pages};
use crate::persona::{Ask, MFA_ANSWER, Persona, Reply, good_credentials, reply};
use crate::schedule::{Due, Tick};

/// How long the app keeps looking at a member after its end user acted.
const WATCH: Duration = Duration::minutes(60);

/// The durable service's HTTP API: one or more instances on one database; each member's
/// app talks to one of them ([`Service::instance`]).
#[derive(Debug, Clone)]
pub struct Service {
    http: reqwest::Client,
    bases: Arc<Vec<String>>,
    base: String,
}

impl Service {
    /// The service's instances at `bases` (each one's first stdout line).
    ///
    /// # Errors
    ///
    /// When there is no instance or the HTTP client cannot be built.
    pub fn new(bases: &[String]) -> Result<Self, HttpError> {
        let error = |message: String| HttpError {
            method: "CLIENT".to_owned(),
            path: bases.join(" "),
            message,
        };
        let bases: Vec<String> = bases
            .iter()
            .map(|base| base.trim_end_matches('/').to_owned())
            .collect();
        let base = bases
            .first()
            .cloned()
            .ok_or_else(|| error("no instance".to_owned()))?;
        let http = reqwest::Client::builder()
            .timeout(WallDuration::from_secs(60))
            .pool_max_idle_per_host(64)
            .build()
            .map_err(|e| error(e.to_string()))?;
        Ok(Self {
            http,
            bases: Arc::new(bases),
            base,
        })
    }

    /// The instance the app of member `index` talks to.
    pub fn instance(&self, index: usize) -> Self {
        let mut service = self.clone();
        if let Some(base) = self.bases.get(index % self.bases.len().max(1)) {
            service.base.clone_from(base);
        }
        service
    }

    /// One request: the status and the JSON body (`Null` when none).
    ///
    /// # Errors
    ///
    /// When no answer came.
    pub async fn send(
        &self,
        method: Method,
        path: &str,
        body: Option<&Value>,
        idempotency_key: Option<&str>,
    ) -> Result<(u16, Value), HttpError> {
        let mut request = self
            .http
            .request(method.clone(), format!("{}{path}", self.base));
        if let Some(body) = body {
            request = request.json(body);
        }
        if let Some(key) = idempotency_key {
            request = request.header("Idempotency-Key", key);
        }
        let error = |message: String| HttpError {
            method: method.to_string(),
            path: path.to_owned(),
            message,
        };
        let response = request.send().await.map_err(|e| error(e.to_string()))?;
        let status = response.status().as_u16();
        let bytes = response.bytes().await.map_err(|e| error(e.to_string()))?;
        Ok((
            status,
            serde_json::from_slice(&bytes).unwrap_or(Value::Null),
        ))
    }

    /// The service's stored accounts of a member, as [`compare_accounts`] reads them.
    ///
    /// [`compare_accounts`]: crate::metrics::copy::compare_accounts
    ///
    /// # Errors
    ///
    /// When the list cannot be read.
    pub async fn accounts(&self, member: &str) -> Result<Vec<AccountFigures>, HttpError> {
        let body = self
            .get_ok(&format!("/members/{member}/accounts?records_per_page=1000"))
            .await?;
        Ok(account_figures(&body))
    }

    /// `GET path`'s body when the service answers 200; an error naming the path and the
    /// answer otherwise.
    async fn get_ok(&self, path: &str) -> Result<Value, HttpError> {
        let (status, body) = self.send(Method::GET, path, None, None).await?;
        if status == 200 {
            Ok(body)
        } else {
            Err(HttpError {
                method: "GET".to_owned(),
                path: path.to_owned(),
                message: format!("answered {status}: {body}"),
            })
        }
    }

    /// Every transaction guid of the service's stored copy of a member.
    ///
    /// # Errors
    ///
    /// When a page cannot be read.
    pub async fn transaction_guids(&self, member: &str) -> Result<Vec<String>, HttpError> {
        let mut guids = Vec::new();
        let mut page = 1;
        loop {
            let body = self
                .get_ok(&format!(
                    "/members/{member}/transactions?page={page}&records_per_page=1000"
                ))
                .await?;
            guids.extend(guids_of(&body, "transactions"));
            if page >= total_pages(&body) {
                return Ok(guids);
            }
            page += 1;
        }
    }
}

impl Service {
    /// Whether every instance is idle, from its `GET /scheduler` (`idle`: no due member
    /// a free slot could take, every drive waiting for the clock to move or for a slot),
    /// or, from a service without that route, its `GET /metrics`. `None` when neither
    /// says.
    pub async fn idle(&self) -> Option<bool> {
        for base in self.bases.iter() {
            if !self.instance_idle(base).await? {
                return Some(false);
            }
        }
        Some(true)
    }

    /// The service's completed syncs (`mx_service_syncs_total`, one count for the whole
    /// database); `None` when the metrics do not say.
    pub async fn syncs_total(&self) -> Option<u64> {
        let text = self.metrics(self.bases.first()?).await?;
        gauge(&text, "mx_service_syncs_total").map(|count| count as u64)
    }

    /// The earliest moment a drive of any instance waits for the clock to reach
    /// (`wait_until` of `GET /scheduler`, or `mx_service_clock_wait_until_seconds`);
    /// `None` when no drive waits.
    pub async fn earliest_wait(&self) -> Option<DateTime<Utc>> {
        let mut earliest: Option<DateTime<Utc>> = None;
        for base in self.bases.iter() {
            let until = match self.scheduler(base).await {
                Some(state) => state
                    .get("wait_until")
                    .and_then(Value::as_str)
                    .and_then(|at| DateTime::parse_from_rfc3339(at).ok())
                    .map(|at| at.with_timezone(&Utc)),
                None => self
                    .metrics(base)
                    .await
                    .and_then(|text| gauge(&text, "mx_service_clock_wait_until_seconds"))
                    .and_then(|secs| DateTime::from_timestamp(secs as i64, 0)),
            };
            earliest = match (earliest, until) {
                (Some(held), Some(until)) => Some(held.min(until)),
                (held, until) => held.or(until),
            };
        }
        earliest
    }

    /// One instance's `GET /metrics` text; `None` when it does not answer.
    async fn metrics(&self, base: &str) -> Option<String> {
        let response = self.http.get(format!("{base}/metrics")).send().await.ok()?;
        response.text().await.ok()
    }

    /// One instance's `GET /scheduler` object; `None` when it has no such route or
    /// does not answer.
    async fn scheduler(&self, base: &str) -> Option<Value> {
        let response = self
            .http
            .get(format!("{base}/scheduler"))
            .send()
            .await
            .ok()?;
        if !response.status().is_success() {
            return None;
        }
        response.json().await.ok()
    }

    /// Whether one instance is idle (see [`Service::idle`]).
    async fn instance_idle(&self, base: &str) -> Option<bool> {
        if let Some(state) = self.scheduler(base).await {
            return state.get("idle").and_then(Value::as_bool);
        }
        let text = self.metrics(base).await?;
        let gauge = |name: &str| gauge(&text, name);
        let due = gauge("mx_service_members_due")
            .or_else(|| gauge("mx_service_scheduler_lag_seconds"))?;
        let running = gauge("mx_service_drives_running")?;
        // A drive waiting for the followed clock waits for the harness, and so do an end
        // user's drive queued for a slot and a due member while every slot is taken:
        // idle.
        let waiting = gauge("mx_service_clock_waits").unwrap_or(0.0)
            + gauge("mx_service_drives_queued").unwrap_or(0.0);
        let no_slot = gauge("mx_service_drive_slots_free").is_some_and(|free| free <= 0.0);
        Some((due <= 0.0 || no_slot) && running - waiting <= 0.0)
    }
}

/// The value of the unlabelled metric `name` in a Prometheus text page.
fn gauge(text: &str, name: &str) -> Option<f64> {
    text.lines().find_map(|line| {
        line.strip_prefix(name)
            .and_then(|rest| rest.strip_prefix(' '))
            .and_then(|value| value.trim().parse().ok())
    })
}

/// One member as the end users' app in front of the service keeps it.
#[derive(Debug, Clone)]
pub struct ServiceMember {
    /// The member's number in the fleet.
    pub index: usize,
    /// Its end user.
    pub persona: Persona,
    /// MX's user guid.
    pub user: String,
    /// MX's member guid (empty until created).
    pub member: String,
    /// The last thing shown to the end user: the service's action and the status.
    last_prompt: Option<(String, Option<ConnectionStatus>)>,
    /// The end user already fixed credentials or answered OAuth once.
    replied: bool,
    /// What the end user will do, and when.
    pending: Option<(DateTime<Utc>, Reply)>,
    /// The app looks at the member at every step until then.
    watch_until: DateTime<Utc>,
    /// Prompts shown.
    pub prompts: Vec<Prompt>,
    /// Requests that failed without an answer, or a create the service refused.
    pub errors: u64,
    /// The virtual time the end user last acted through the app.
    pub last_acted: Option<DateTime<Utc>>,
}

/// Creates the user and the member of `index` through the service (a create answered
/// 503 is retried with the same idempotency key).
pub async fn create(
    service: Service,
    index: usize,
    persona: Persona,
    now: DateTime<Utc>,
) -> ServiceMember {
    let mut member = ServiceMember {
        index,
        persona,
        user: String::new(),
        member: String::new(),
        last_prompt: None,
        replied: false,
        pending: None,
        watch_until: now + WATCH,
        prompts: Vec::new(),
        errors: 0,
        last_acted: Some(now),
    };
    let body = json!({"user": {"id": format!("fleet-{index}")}});
    match service
        .send(Method::POST, "/users", Some(&body), None)
        .await
    {
        Ok((_, body)) => member.user = string_at(&body, "/user/guid"),
        Err(_) => member.errors += 1,
    }
    let mut body = json!({"member": {
        "institution_code": persona.institution(),
        "id": format!("fleet-member-{index}"),
    }});
    if persona.is_oauth() {
        body["member"]["is_oauth"] = json!(true);
    } else {
        body["member"]["credentials"] = credentials_json(&persona.first_credentials());
    }
    let path = format!("/users/{}/members", member.user);
    let key = format!("fleet-create-{index}");
    for _ in 0..5 {
        match service
            .send(Method::POST, &path, Some(&body), Some(&key))
            .await
        {
            Ok((status, answer)) if (200..300).contains(&status) => {
                member.member = string_at(&answer, "/member/guid");
                break;
            }
            Ok((503, _)) => tokio::time::sleep(WallDuration::from_millis(200)).await,
            Ok(_) | Err(_) => {
                member.errors += 1;
                break;
            }
        }
    }
    member
}

/// One step of the app for every member, `concurrency` at once. Only the members whose
/// end user does something in this step ([`Due::of`]) get a task: with a task for every
/// member, a step in which almost nobody acted spent 43 ms of the harness's own time at
/// 10,000 members, 288 such steps of 672 (docs/PERFORMANCE.md, fourteenth session).
pub async fn tick(
    service: &Service,
    members: Vec<ServiceMember>,
    tick: Tick,
    concurrency: usize,
) -> Vec<ServiceMember> {
    let mut acting = Vec::new();
    let mut resting = Vec::with_capacity(members.len());
    for member in members {
        let created = !member.member.is_empty();
        match Due::of(
            member.index,
            created,
            member.pending,
            member.watch_until,
            tick,
        ) {
            Some(due) => acting.push((due, member)),
            None => resting.push(member),
        }
    }
    let mut members = map_concurrent(acting, concurrency, |(due, member)| {
        let service = service.instance(member.index);
        async move { step(&service, member, tick, due).await }
    })
    .await;
    members.extend(resting);
    members.sort_unstable_by_key(|member| member.index);
    members
}

/// One step for one member whose end user does something (`due`).
async fn step(service: &Service, mut member: ServiceMember, tick: Tick, due: Due) -> ServiceMember {
    let path = format!("/members/{}", member.member);
    if let Some(action) = due.reply {
        member.pending = None;
        act(service, &mut member, &path, action).await;
        member.watch_until = tick.now + WATCH;
        member.last_acted = Some(tick.now);
    }
    if due.returns {
        // The end user opens the app and asks for fresh data.
        send(
            service,
            &mut member,
            Method::POST,
            &format!("{path}/aggregate"),
            None,
        )
        .await;
        member.watch_until = tick.now + WATCH;
    }
    let Some(view) = send(service, &mut member, Method::GET, &path, None).await else {
        return member;
    };
    let requires_end_user = view
        .pointer("/member/requires_end_user")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    if !requires_end_user {
        member.last_prompt = None;
        return member;
    }
    let action = string_at(&view, "/member/action");
    let status = view
        .pointer("/member/connection_status")
        .and_then(Value::as_str)
        .and_then(ConnectionStatus::from_mx_str);
    let shown = (action.clone(), status);
    if member.last_prompt.as_ref() == Some(&shown) {
        return member;
    }
    member.last_prompt = Some(shown);
    member.prompts.push(Prompt {
        member: member.member.clone(),
        at: tick.now,
        status,
        job_running: false,
    });
    let ask = match action.as_str() {
        "answer_mfa" => Ask::Mfa,
        "update_credentials" => Ask::Credentials,
        "authorize_oauth" => Ask::Oauth,
        "resolve_at_institution" => Ask::Institution,
        "aggregate" => Ask::Retry,
        _ => Ask::Nothing,
    };
    if member.pending.is_none()
        && let Some((reply, minutes)) = reply(member.persona, ask, member.replied)
    {
        member.pending = Some((tick.now + Duration::minutes(i64::from(minutes)), reply));
    }
    member
}

/// Passes the end user's reply to the service.
async fn act(service: &Service, member: &mut ServiceMember, path: &str, action: Reply) {
    match action {
        Reply::AnswerMfa => {
            let view = send(service, member, Method::GET, path, None)
                .await
                .unwrap_or(Value::Null);
            let answers: Vec<Value> = view
                .pointer("/member/challenges")
                .and_then(Value::as_array)
                .map(|list| {
                    list.iter()
                        .filter_map(|c| c.get("guid").and_then(Value::as_str))
                        .map(|guid| json!({"guid": guid, "value": MFA_ANSWER}))
                        .collect()
                })
                .unwrap_or_default();
            let body = json!({"answers": answers});
            send(
                service,
                member,
                Method::POST,
                &format!("{path}/mfa"),
                Some(&body),
            )
            .await;
        }
        Reply::NewCredentials => {
            member.replied = true;
            let body = json!({"credentials": credentials_json(&good_credentials())});
            let credentials = format!("{path}/credentials");
            send(service, member, Method::PUT, &credentials, Some(&body)).await;
        }
        Reply::AuthorizeOauth | Reply::RefuseOauth => {
            member.replied = true;
            let view = send(service, member, Method::GET, path, None)
                .await
                .unwrap_or(Value::Null);
            let uri = string_at(&view, "/member/oauth_window_uri");
            if !uri.is_empty() && !open_oauth_window(&uri, action == Reply::RefuseOauth).await {
                member.errors += 1;
            }
        }
        Reply::Aggregate => {
            send(
                service,
                member,
                Method::POST,
                &format!("{path}/aggregate"),
                None,
            )
            .await;
        }
    }
}

/// One request; the body of a 2xx answer, `None` otherwise.
async fn send(
    service: &Service,
    member: &mut ServiceMember,
    method: Method,
    path: &str,
    body: Option<&Value>,
) -> Option<Value> {
    match service.send(method, path, body, None).await {
        Ok((status, body)) if (200..300).contains(&status) => Some(body),
        Ok(_) => None,
        Err(_) => {
            member.errors += 1;
            None
        }
    }
}

/// MX's `[{"guid", "value"}]` credentials.
fn credentials_json(pairs: &[(&str, &str)]) -> Value {
    Value::Array(
        pairs
            .iter()
            .map(|(guid, value)| json!({"guid": guid, "value": value}))
            .collect(),
    )
}

/// The string at a JSON pointer, empty when absent.
fn string_at(body: &Value, pointer: &str) -> String {
    body.pointer(pointer)
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned()
}
