//! The library's call table is the emulator's call vocabulary: each `mx_aggregation::Call`
//! is a route of the emulator (its method on its path is not answered `no such route`,
//! `405`, or `501` as an unserved operation),
//! and a fault plan rule naming the call by `Call::name` faults exactly that request.

use axum::Router;
use axum::body::{Body, to_bytes};
use axum::http::{Request, StatusCode};
use base64::Engine as _;
use mx_aggregation::Call;
use mx_emulator::{Config, router};
use serde_json::{Value, json};
use tower::ServiceExt as _;

async fn send(app: &Router, method: &str, path: &str, body: &Value) -> (StatusCode, Value) {
    let auth = base64::engine::general_purpose::STANDARD.encode("id:key");
    let request = Request::builder()
        .method(method)
        .uri(path)
        .header("authorization", format!("Basic {auth}"))
        .header("accept", "application/json")
        .header("accept-version", "v20250224")
        .header("content-type", "application/json")
        .body(Body::from(body.to_string()))
        .unwrap();
    let response = app.clone().oneshot(request).await.unwrap();
    let status = response.status();
    let bytes = to_bytes(response.into_body(), 1 << 20).await.unwrap();
    (
        status,
        serde_json::from_slice(&bytes).unwrap_or(Value::Null),
    )
}

/// `call`'s method, and its path with every `{…}` hole filled in (a suffix such as
/// `.pdf` kept).
fn request_of(call: Call) -> (&'static str, String) {
    let (method, pattern) = call.request().split_once(' ').unwrap();
    let path: Vec<String> = pattern
        .split('/')
        .map(|segment| {
            match segment
                .strip_prefix('{')
                .and_then(|rest| rest.split_once('}'))
            {
                Some((_, suffix)) => format!("X{suffix}"),
                None => segment.to_owned(),
            }
        })
        .collect();
    (method, path.join("/"))
}

fn app() -> Router {
    let mut config = Config::new("id", "key");
    config.real_time = false;
    router(&config, "http://mx.test")
}

#[tokio::test]
async fn every_call_is_a_route() {
    let app = app();
    let mut unrouted = Vec::new();
    for call in Call::ALL {
        let (method, path) = request_of(call);
        let (status, body) = send(&app, method, &path, &json!({})).await;
        let message = body["error"]["message"].as_str().unwrap_or("");
        if message == "no such route"
            || status == StatusCode::METHOD_NOT_ALLOWED
            || status == StatusCode::NOT_IMPLEMENTED
        {
            unrouted.push(call);
        }
    }
    assert_eq!(unrouted, []);
}

#[tokio::test]
async fn a_rule_naming_a_call_faults_that_call_and_no_other() {
    let app = app();
    for call in Call::ALL {
        let plan = json!({"rules": [{"call": call.name(), "sequence": [503]}]});
        let (loaded, _) = send(&app, "POST", "/emulator/faults", &plan).await;
        assert_eq!(loaded, StatusCode::OK, "{call}");
        for other in Call::ALL {
            let (method, path) = request_of(other);
            let (status, _) = send(&app, method, &path, &json!({})).await;
            assert_eq!(
                status == StatusCode::SERVICE_UNAVAILABLE,
                other == call,
                "a rule for {call}, a request for {other}: {status}"
            );
        }
    }
}

#[tokio::test]
async fn the_older_spellings_are_accepted() {
    let app = app();
    for (name, method, path) in [
        ("create_member", "POST", "/users/X/members"),
        ("read_member", "GET", "/users/X/members/X"),
        ("update_member", "PUT", "/users/X/members/X"),
    ] {
        let plan = json!({"rules": [{"call": name, "sequence": [502]}]});
        let (loaded, _) = send(&app, "POST", "/emulator/faults", &plan).await;
        assert_eq!(loaded, StatusCode::OK, "{name}");
        let (status, _) = send(&app, method, path, &json!({})).await;
        assert_eq!(status, StatusCode::BAD_GATEWAY, "{name}");
    }
    let plan = json!({"rules": [{"call": "create_memebr", "sequence": [502]}]});
    let (refused, body) = send(&app, "POST", "/emulator/faults", &plan).await;
    assert_eq!(refused, StatusCode::BAD_REQUEST);
    let message = body["error"]["message"].as_str().unwrap();
    assert!(message.contains("\"create_memebr\""), "{message}");
}
