//! `Config::webhook_concurrency`: with more than one, webhooks of different members are
//! in flight at once, while each member's still go one after the other in the order
//! queued (the same order, member by member, as a sender of one at a time); with one,
//! never two at once.

mod common;

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::post;
use common::{Mx, frozen_config};
use serde_json::Value;

/// What the receiver saw.
#[derive(Default)]
struct Seen {
    /// Requests in flight now, by member.
    in_flight: HashMap<String, usize>,
    /// The most requests in flight at once.
    most: usize,
    /// The most requests of one member in flight at once.
    most_of_one_member: usize,
    /// Each member's webhooks, `type/action`, in the order they arrived.
    order: HashMap<String, Vec<String>>,
}

struct Receiver {
    seen: Mutex<Seen>,
    /// Once set, hold each request until two are in flight at once (or 2 s of wall
    /// time, under the sender's 5 s timeout), so that a sender that can overlap them
    /// does.
    hold: AtomicBool,
}

fn member_of(body: &Value) -> String {
    ["member_guid"]
        .iter()
        .find_map(|key| body.get(*key).and_then(Value::as_str))
        .or_else(|| body.get("member").and_then(|m| m["guid"].as_str()))
        .or_else(|| body.get("account").and_then(|a| a["member_guid"].as_str()))
        .or_else(|| {
            body.get("transaction")
                .and_then(|t| t["member_guid"].as_str())
        })
        .unwrap_or("")
        .to_owned()
}

async fn receive(State(receiver): State<Arc<Receiver>>, body: Bytes) -> StatusCode {
    let body: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    let member = member_of(&body);
    {
        let mut seen = receiver.seen.lock().unwrap();
        let mine = {
            let count = seen.in_flight.entry(member.clone()).or_default();
            *count += 1;
            *count
        };
        let all: usize = seen.in_flight.values().sum();
        seen.most = seen.most.max(all);
        seen.most_of_one_member = seen.most_of_one_member.max(mine);
        let kind = format!(
            "{}/{}",
            body["type"].as_str().unwrap_or(""),
            body["action"].as_str().unwrap_or("")
        );
        seen.order.entry(member.clone()).or_default().push(kind);
    }
    if receiver.hold.load(Ordering::SeqCst) {
        let deadline = Instant::now() + Duration::from_secs(2);
        while receiver.seen.lock().unwrap().most < 2 && Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    }
    if let Some(count) = receiver.seen.lock().unwrap().in_flight.get_mut(&member) {
        *count -= 1;
    }
    StatusCode::NO_CONTENT
}

/// Four users' members created and connected at one virtual moment, their webhooks
/// sent `concurrency` at a time; what the receiver saw.
async fn run(concurrency: usize, hold: bool) -> Seen {
    let receiver = Arc::new(Receiver {
        seen: Mutex::new(Seen::default()),
        hold: AtomicBool::new(false),
    });
    let app = Router::new()
        .route("/hooks", post(receive))
        .with_state(Arc::clone(&receiver));
    let listener = tokio::net::TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], 0)))
        .await
        .unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    let mut config = frozen_config();
    config.webhook_url = Some(format!("http://{addr}/hooks"));
    config.webhook_concurrency = concurrency;
    let mx = Mx::start(config).await;
    let mut users = Vec::new();
    for _ in 0..4 {
        users.push(mx.user().await);
    }
    for user in &users {
        assert_eq!(mx.create_member(user, "password").await.status, 202);
    }
    // The MEMBER created webhooks went one by one as each member was created: all
    // answered before the held part begins.
    settled(&mx, &receiver).await;
    receiver.hold.store(hold, Ordering::SeqCst);
    // Every job completes at once: each member's webhooks are due together.
    mx.advance(600).await;
    settled(&mx, &receiver).await;
    std::mem::take(&mut *receiver.seen.lock().unwrap())
}

/// Waits (up to 30 s) until the outbox has something delivered and nothing pending.
async fn settled(mx: &Mx, receiver: &Receiver) {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let answer = mx.send("GET", "/emulator/webhooks", None).await;
        let pending = answer.body["webhooks"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|w| w["state"] != "delivered")
            .count();
        let received: usize = receiver
            .seen
            .lock()
            .unwrap()
            .order
            .values()
            .map(Vec::len)
            .sum();
        if (pending == 0 && received > 0) || Instant::now() > deadline {
            return;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn members_overlap_and_each_members_webhooks_keep_their_order() {
    let one_at_a_time = run(1, false).await;
    assert_eq!(one_at_a_time.most, 1, "one at a time overlapped");
    let members: usize = one_at_a_time.order.len();
    assert_eq!(members, 4, "{:?}", one_at_a_time.order);
    assert!(
        one_at_a_time.order.values().all(|kinds| kinds.len() >= 2),
        "each member sends several webhooks: {:?}",
        one_at_a_time.order
    );

    let four = run(4, true).await;
    assert!(four.most >= 2, "four lanes never overlapped: {}", four.most);
    assert!(four.most <= 4, "more than four in flight: {}", four.most);
    assert_eq!(four.most_of_one_member, 1, "a member's webhooks overlapped");
    // Same seed, same requests: the same guids, and each member's webhooks in the same
    // order as when they went one at a time.
    assert_eq!(four.order, one_at_a_time.order);
}
