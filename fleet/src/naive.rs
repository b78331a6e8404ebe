//! The naive integrator: the MX integration people write without the crate, the
//! baseline the service is measured against. Written plainly, with no knowledge of MX's
//! rules beyond its endpoints:
//!
//! - it creates each member with the end user's credentials (or as an OAuth member);
//! - while a member runs something it started (a create, an aggregation, an MFA answer,
//!   new credentials, an OAuth authorization), it reads the member's status once every
//!   harness step (15 virtual minutes);
//! - once the status says the job is over, it re-reads 120 days of the member's
//!   transactions, `records_per_page=1000`, every page, and upserts them by guid into its
//!   copy (it never deletes: MX's `PENDING` transactions replaced by `POSTED` ones stay);
//! - on any status other than `CONNECTED` it prompts the end user (once per status
//!   seen), who replies as their persona does;
//! - every member is aggregated once a day at a fixed hour, whatever its state, and when
//!   its end user opens the app and asks for fresh data;
//! - it uses no webhooks, honours no `Retry-After` and keeps no 3-hour window.
//!
//! Polling only the members it started something on is the charitable reading of "poll
//! each member's status every 15 minutes while anything is running".

use std::collections::HashSet;

use chrono::{DateTime, Duration, Utc};
use mx_aggregation::ConnectionStatus;
use reqwest::Method;
use serde_json::{Value, json};

use crate::concurrent::map_concurrent;
use crate::metrics::prompts::Prompt;
use crate::mx::{Mx, guids_of, open_oauth_window, total_pages};
use crate::persona::{Ask, MFA_ANSWER, Persona, Reply, good_credentials, reply};
use crate::schedule::{Tick, daily_between, returns_between};

/// The hour (UTC, virtual) of the naive integrator's daily aggregation of every member.
pub const DAILY_AGGREGATION_MINUTE: u32 = 2 * 60;

/// The days of transactions re-read after every aggregation.
pub const REREAD_DAYS: i64 = 120;

/// One member as the naive integrator keeps it.
#[derive(Debug, Clone)]
pub struct NaiveMember {
    /// The member's number in the fleet.
    pub index: usize,
    /// Its end user.
    pub persona: Persona,
    /// MX's user guid.
    pub user: String,
    /// MX's member guid (empty until created).
    pub member: String,
    /// Something the integrator started is still running.
    running: bool,
    /// The last non-`CONNECTED` status the end user was prompted for.
    last_prompt: Option<Option<ConnectionStatus>>,
    /// The end user already fixed credentials or answered OAuth once.
    replied: bool,
    /// What the end user will do, and when.
    pending: Option<(DateTime<Utc>, Reply)>,
    /// Prompts shown.
    pub prompts: Vec<Prompt>,
    /// The local copy: transaction guids.
    pub local: HashSet<String>,
    /// Requests that failed without an answer.
    pub errors: u64,
}

/// Creates the user and the member of `index` at MX.
pub async fn create(mx: Mx, index: usize, persona: Persona) -> NaiveMember {
    let mut member = NaiveMember {
        index,
        persona,
        user: String::new(),
        member: String::new(),
        running: true,
        last_prompt: None,
        replied: false,
        pending: None,
        prompts: Vec::new(),
        local: HashSet::new(),
        errors: 0,
    };
    let user = json!({"user": {"id": format!("naive-{index}")}});
    match mx.send(Method::POST, "/users", Some(&user)).await {
        Ok(answer) => {
            member.user = string_at(&answer.body, "/user/guid");
        }
        Err(_) => member.errors += 1,
    }
    let credentials: Vec<Value> = persona
        .first_credentials()
        .into_iter()
        .map(|(guid, value)| json!({"guid": guid, "value": value}))
        .collect();
    let mut body = json!({"member": {"institution_code": persona.institution()}});
    if persona.is_oauth() {
        body["member"]["is_oauth"] = json!(true);
    } else {
        body["member"]["credentials"] = json!(credentials);
    }
    let path = format!("/users/{}/members", member.user);
    match mx.send(Method::POST, &path, Some(&body)).await {
        Ok(answer) => member.member = string_at(&answer.body, "/member/guid"),
        Err(_) => member.errors += 1,
    }
    member
}

/// One step of the naive integrator for every member, `concurrency` members at once.
pub async fn tick(
    mx: &Mx,
    members: Vec<NaiveMember>,
    tick: Tick,
    concurrency: usize,
) -> Vec<NaiveMember> {
    map_concurrent(members, concurrency, |member| {
        let mx = mx.clone();
        async move { step(&mx, member, tick).await }
    })
    .await
}

/// One step for one member.
async fn step(mx: &Mx, mut member: NaiveMember, tick: Tick) -> NaiveMember {
    if member.member.is_empty() {
        return member;
    }
    let base = format!("/users/{}/members/{}", member.user, member.member);
    if let Some((due, action)) = member.pending
        && due <= tick.now
    {
        member.pending = None;
        act(mx, &mut member, &base, action).await;
    }
    let asks_fresh = returns_between(member.index, tick.start, tick.previous, tick.now);
    if asks_fresh
        || daily_between(
            tick.start,
            DAILY_AGGREGATION_MINUTE,
            tick.previous,
            tick.now,
        )
    {
        call(
            mx,
            &mut member,
            Method::POST,
            &format!("{base}/aggregate"),
            None,
        )
        .await;
        member.running = true;
    }
    if !member.running {
        return member;
    }
    let Some(status) = call(
        mx,
        &mut member,
        Method::GET,
        &format!("{base}/status"),
        None,
    )
    .await
    else {
        return member;
    };
    let connection_status = status
        .pointer("/member/connection_status")
        .and_then(Value::as_str)
        .and_then(ConnectionStatus::from_mx_str);
    let job_running = status
        .pointer("/member/is_being_aggregated")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    if connection_status == Some(ConnectionStatus::Connected) {
        member.last_prompt = None;
    } else if member.last_prompt != Some(connection_status) {
        member.last_prompt = Some(connection_status);
        member.prompts.push(Prompt {
            member: member.member.clone(),
            at: tick.now,
            status: connection_status,
            job_running,
        });
        let ask = Ask::for_status(connection_status, member.persona.is_oauth());
        if member.pending.is_none()
            && let Some((action, minutes)) = reply(member.persona, ask, member.replied)
        {
            member.pending = Some((tick.now + Duration::minutes(i64::from(minutes)), action));
        }
    }
    if !job_running {
        member.running = false;
        read_transactions(mx, &mut member, &base, tick.now).await;
    }
    member
}

/// Does what the end user asked for.
async fn act(mx: &Mx, member: &mut NaiveMember, base: &str, action: Reply) {
    match action {
        Reply::AnswerMfa => {
            let challenges = call(mx, member, Method::GET, &format!("{base}/challenges"), None)
                .await
                .unwrap_or(Value::Null);
            let answers: Vec<Value> = challenges
                .get("challenges")
                .and_then(Value::as_array)
                .map(|list| {
                    list.iter()
                        .filter_map(|c| c.get("guid").and_then(Value::as_str))
                        .map(|guid| json!({"guid": guid, "value": MFA_ANSWER}))
                        .collect()
                })
                .unwrap_or_default();
            let body = json!({"member": {"challenges": answers}});
            call(
                mx,
                member,
                Method::PUT,
                &format!("{base}/resume"),
                Some(&body),
            )
            .await;
        }
        Reply::NewCredentials => {
            member.replied = true;
            let credentials: Vec<Value> = good_credentials()
                .into_iter()
                .map(|(guid, value)| json!({"guid": guid, "value": value}))
                .collect();
            let body = json!({"member": {"credentials": credentials}});
            call(mx, member, Method::PUT, base, Some(&body)).await;
        }
        Reply::AuthorizeOauth | Reply::RefuseOauth => {
            member.replied = true;
            let window = call(
                mx,
                member,
                Method::GET,
                &format!("{base}/oauth_window_uri"),
                None,
            )
            .await
            .unwrap_or(Value::Null);
            let uri = string_at(&window, "/member/oauth_window_uri");
            if !uri.is_empty() && !open_oauth_window(&uri, action == Reply::RefuseOauth).await {
                member.errors += 1;
            }
        }
        Reply::Aggregate => {
            call(mx, member, Method::POST, &format!("{base}/aggregate"), None).await;
        }
    }
    member.running = true;
}

/// Re-reads 120 days of transactions, every page, into the copy.
async fn read_transactions(mx: &Mx, member: &mut NaiveMember, base: &str, now: DateTime<Utc>) {
    let from = (now - Duration::days(REREAD_DAYS)).format("%Y-%m-%d");
    let mut page = 1;
    loop {
        let path =
            format!("{base}/transactions?from_date={from}&records_per_page=1000&page={page}");
        let Some(body) = call(mx, member, Method::GET, &path, None).await else {
            return;
        };
        member.local.extend(guids_of(&body, "transactions"));
        if page >= total_pages(&body) {
            return;
        }
        page += 1;
    }
}

/// One call; the body of a 2xx answer, `None` otherwise (counted when no answer came).
async fn call(
    mx: &Mx,
    member: &mut NaiveMember,
    method: Method,
    path: &str,
    body: Option<&Value>,
) -> Option<Value> {
    match mx.send(method, path, body).await {
        Ok(answer) if (200..300).contains(&answer.status) => Some(answer.body),
        Ok(_) => None,
        Err(_) => {
            member.errors += 1;
            None
        }
    }
}

/// The string at a JSON pointer, empty when absent.
fn string_at(body: &Value, pointer: &str) -> String {
    body.pointer(pointer)
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned()
}
