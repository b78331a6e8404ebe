//! What MX saw against what the service says, once a fleet settled: the broken promises
//! of the crash and multi-instance tests, each naming the member and the evidence (the
//! request journal's entry, the outbox's webhooks, both sides' transactions).

use std::collections::{BTreeMap, HashMap, HashSet};

use serde_json::Value;

use super::api::Api;
use super::fleet::Fleet;
use super::mx::Mx;

/// Checks a settled fleet against MX's side and returns every broken promise:
/// - each member ends where MX says (the service's `connection_status` is MX's, and the
///   scenario's end);
/// - MX saw at most one successful create per member and per user, and each user holds one
///   member;
/// - no aggregation was asked for that MX did not run (inside the window, during a job:
///   202 without a job started, or 409), from the request journal;
/// - each member's webhooks answered 204 are counted in its `webhooks_received`;
/// - each synced member's stored transactions equal MX's (those dated inside MX's
///   120-day horizon at the end: [`Mx::compared_dates`]).
pub async fn broken_promises(api: &Api, mx: &Mx, fleet: &Fleet) -> Vec<String> {
    let mut problems = Vec::new();
    let journal = mx.journal().await;
    let users: HashSet<&str> = fleet.members.iter().map(|m| m.user.as_str()).collect();

    let mut creates: HashMap<String, usize> = HashMap::new();
    let mut user_creates = 0;
    for entry in &journal {
        let path = entry["path"].as_str().unwrap_or("");
        let method = entry["method"].as_str().unwrap_or("");
        let status = entry["status"].as_u64().unwrap_or(0);
        let ok = (200..300).contains(&status);
        let segments: Vec<&str> = path.trim_start_matches('/').split('/').collect();
        match (method, segments.as_slice()) {
            ("POST", ["users"]) if ok => user_creates += 1,
            ("POST", ["users", user, "members"]) if ok => {
                *creates.entry((*user).to_owned()).or_insert(0) += 1;
            }
            (
                "POST",
                [
                    "users",
                    _,
                    "members",
                    _,
                    "aggregate" | "verify" | "identify",
                ],
            ) if status == 409 || entry["job_started"] == false => {
                problems.push(format!("an aggregation MX did not run: {entry}"));
            }
            _ => {}
        }
    }
    if user_creates > users.len() {
        problems.push(format!(
            "MX created {user_creates} users for {} distinct user ids",
            users.len()
        ));
    }
    for (user, count) in &creates {
        if *count > 1 {
            problems.push(format!("MX answered {count} creates of a member of {user}"));
        }
    }

    let mut delivered: HashMap<String, Vec<Value>> = HashMap::new();
    for webhook in mx.webhooks() {
        let answered = webhook["attempts"]
            .as_array()
            .into_iter()
            .flatten()
            .any(|attempt| attempt["status"] == 204);
        if let (true, Some(member)) = (answered, webhook["member_guid"].as_str()) {
            let bodies = delivered.entry(member.to_owned()).or_default();
            if !bodies.contains(&webhook["body"]) {
                bodies.push(webhook["body"].clone());
            }
        }
    }

    for member in &fleet.members {
        let at_mx = mx.member(&member.user, &member.guid).await;
        let Some(answer) = api.get(&format!("/members/{}", member.guid)).await else {
            problems.push("no instance answers".to_owned());
            return problems;
        };
        let view = &answer.body["member"];
        let label = format!("{:?} {}", member.scenario, member.guid);
        if view["connection_status"] != at_mx["connection_status"] {
            problems.push(format!(
                "{label}: the service says {} and MX {}",
                view["connection_status"], at_mx["connection_status"]
            ));
        }
        if at_mx["connection_status"] != member.scenario.final_status() {
            problems.push(format!(
                "{label}: ended {} at MX, not {}",
                at_mx["connection_status"],
                member.scenario.final_status()
            ));
        }
        let held = mx.members_of(&member.user).await.len();
        if held != 1 {
            problems.push(format!("{label}: MX holds {held} members for its user"));
        }
        let folded = view["webhooks_received"].as_u64().unwrap_or(0);
        let answered = delivered.get(&member.guid).map_or(0, Vec::len);
        if folded < answered as u64 {
            problems.push(format!(
                "{label}: {answered} distinct webhooks answered 204, webhooks_received {folded}"
            ));
        }
        if !view["synced_through"].is_null() {
            let Some(stored) = api.transactions(&member.guid).await else {
                problems.push("no instance answers".to_owned());
                return problems;
            };
            let at_mx = mx.transactions(&member.user, &member.guid).await;
            let (from, to) = mx.compared_dates();
            let stored: Vec<Value> = stored
                .into_iter()
                .filter(|t| t["date"].as_str().is_some_and(|d| *d >= *from && *d <= *to))
                .collect();
            let stored = by_guid(&stored);
            let expected = by_guid(&at_mx);
            if stored != expected {
                let missing = expected.keys().filter(|g| !stored.contains_key(*g)).count();
                let extra = stored.keys().filter(|g| !expected.contains_key(*g)).count();
                let changed = expected
                    .iter()
                    .filter(|(g, t)| stored.get(*g).is_some_and(|s| s != *t))
                    .map(|(g, t)| format!("{g}: MX {t:?}, stored {:?}", stored[g]))
                    .take(3)
                    .collect::<Vec<_>>();
                let first_missing = at_mx
                    .iter()
                    .filter(|t| !stored.contains_key(t["guid"].as_str().unwrap_or("")))
                    .take(3)
                    .map(Value::to_string)
                    .collect::<Vec<_>>();
                problems.push(format!(
                    "{label}: stored {} transactions, MX {}: {missing} missing {first_missing:?}, {extra} extra, differing {changed:?}; MX's member {}",
                    stored.len(),
                    expected.len(),
                    mx.member(&member.user, &member.guid).await
                ));
            }
        }
    }
    problems
}

/// A transaction's comparable fields by guid: status, amount, description, date.
fn by_guid(transactions: &[Value]) -> BTreeMap<String, (String, String, String, String)> {
    transactions
        .iter()
        .map(|t| {
            let text = |field: &str| match &t[field] {
                Value::String(s) => s.clone(),
                Value::Number(n) => n
                    .as_f64()
                    .map_or_else(|| n.to_string(), |f| format!("{f:.2}")),
                other => other.to_string(),
            };
            (
                text("guid"),
                (
                    text("status"),
                    text("amount"),
                    text("description"),
                    text("date"),
                ),
            )
        })
        .collect()
}
