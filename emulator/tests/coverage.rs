//! The coverage table `docs/emulator-coverage.md`, generated from MX's OpenAPI v20250224
//! (read from `../shared/mx-openapi/` as `openapi_conformance` reads it) and the
//! emulator's router: every operation under `/users/{u}/members`, `/users/{u}/accounts`,
//! `/users/{u}/transactions` and `/institutions`, served or not, with the reason the
//! emulator's own table (`mx_emulator::unserved::UNSERVED`) gives and answers with. The
//! test fails when the committed table, the router and the spec disagree, when an
//! operation the router does not serve has no reason (or a served one has one), when an
//! unserved operation does not answer `501` with its reason, and when the README's count of
//! served operations is not the table's.
//! `UPDATE_DOCS=1` writes the table.

use std::path::PathBuf;

use axum::body::{Body, to_bytes};
use axum::http::{Request, StatusCode};
use base64::Engine as _;
use mx_emulator::unserved::UNSERVED;
use mx_emulator::{Config, router};
use serde_json::Value;
use tower::ServiceExt as _;

fn spec() -> Option<Value> {
    let shared = std::env::var_os("SHARED").map_or_else(
        || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared"),
        PathBuf::from,
    );
    let file = shared.join("mx-openapi/v20250224.yml");
    let Ok(text) = std::fs::read_to_string(&file) else {
        assert!(
            std::env::var("CI").map_or(true, |v| v != "true"),
            "CI=true but MX's OpenAPI spec is missing at {}",
            file.display()
        );
        eprintln!(
            "SKIPPED: MX's OpenAPI spec not found at {} (the test fails when CI=true)",
            file.display()
        );
        return None;
    };
    Some(serde_norway::from_str(&text).expect("the spec parses"))
}

/// True when `path` (a spec template) is in the table's scope.
fn in_scope(path: &str) -> bool {
    let parts: Vec<&str> = path.split('/').collect();
    match parts.as_slice() {
        ["", "institutions", ..] => true,
        ["", "users", user, area, ..] if user.starts_with('{') => {
            matches!(*area, "members" | "accounts" | "transactions")
        }
        _ => false,
    }
}

/// `path` with each `{…}` hole filled in, a suffix such as `.pdf` kept.
fn concrete(path: &str) -> String {
    path.split('/')
        .map(|segment| {
            match segment
                .strip_prefix('{')
                .and_then(|rest| rest.split_once('}'))
            {
                Some((_, suffix)) => format!("X{suffix}"),
                None => segment.to_owned(),
            }
        })
        .collect::<Vec<_>>()
        .join("/")
}

/// How the emulator answers a request for an operation.
enum Answered {
    /// A route serves it.
    Served,
    /// `501` with this `error.message`.
    Unserved(String),
    /// `404 no such route`, `405`, or `404` for a path without holes: nothing answers it.
    Unrouted,
}

async fn routed(app: &axum::Router, method: &str, path: &str) -> Answered {
    let auth = base64::engine::general_purpose::STANDARD.encode("id:key");
    let request = Request::builder()
        .method(method)
        .uri(path)
        .header("authorization", format!("Basic {auth}"))
        .header("accept", "application/json")
        .header("accept-version", "v20250224")
        .header("content-type", "application/json")
        .body(Body::from("{}"))
        .unwrap();
    let response = app.clone().oneshot(request).await.unwrap();
    let status = response.status();
    let bytes = to_bytes(response.into_body(), 1 << 20).await.unwrap();
    let body: Value = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
    let message = body["error"]["message"].as_str().unwrap_or("").to_owned();
    // A path without holes answered 404 names nothing the emulator has.
    let unknown = status == StatusCode::NOT_FOUND && !path.contains("/X");
    if status == StatusCode::NOT_IMPLEMENTED {
        Answered::Unserved(message)
    } else if unknown || status == StatusCode::METHOD_NOT_ALLOWED || message == "no such route" {
        Answered::Unrouted
    } else {
        Answered::Served
    }
}

#[tokio::test]
async fn the_coverage_table_matches_the_router_and_the_spec() {
    let Some(spec) = spec() else { return };
    let mut config = Config::new("id", "key");
    config.real_time = false;
    let app = router(&config, "http://mx.test");
    let mut rows = Vec::new();
    let mut errors = Vec::new();
    let mut reasons_used = Vec::new();
    for (path, operations) in spec["paths"].as_object().unwrap() {
        if !in_scope(path) {
            continue;
        }
        for method in ["get", "post", "put", "delete", "patch"] {
            let op = &operations[method];
            if op.is_null() {
                continue;
            }
            let id = op["operationId"].as_str().unwrap_or("");
            let upper = method.to_uppercase();
            let answered = routed(&app, &upper, &concrete(path)).await;
            let entry = UNSERVED.iter().find(|op| op.operation_id == id);
            let reason = entry.map(|op| op.reason);
            let deprecated = op["deprecated"].as_bool() == Some(true);
            if let Some(entry) = entry {
                reasons_used.push(id.to_owned());
                if (entry.method, entry.path) != (upper.as_str(), path.as_str()) {
                    errors.push(format!(
                        "{id}: the emulator's table says {} {}, the spec {upper} {path}",
                        entry.method, entry.path
                    ));
                }
            }
            let served = matches!(answered, Answered::Served);
            match (&answered, reason) {
                (Answered::Served, Some(_)) => {
                    errors.push(format!("{id} is served but has a reason"))
                }
                (Answered::Served, None) => {}
                (Answered::Unserved(message), Some(reason)) => {
                    if !message.ends_with(reason) {
                        errors.push(format!("{id} answers {message:?}, not its reason"));
                    }
                }
                (Answered::Unrouted, Some(_)) => {
                    errors.push(format!("{id} ({upper} {path}) answers no reason"));
                }
                (Answered::Unserved(_) | Answered::Unrouted, None) => errors.push(format!(
                    "{id} ({upper} {path}) is not served and has no reason"
                )),
            }
            let cell = match (served, reason) {
                (true, _) => "served".to_owned(),
                (false, Some(reason)) if deprecated => format!("not served (deprecated): {reason}"),
                (false, Some(reason)) => format!("not served: {reason}"),
                (false, None) => "not served".to_owned(),
            };
            rows.push(format!("| `{upper} {path}` | `{id}` | {cell} |"));
        }
    }
    for op in UNSERVED {
        if !reasons_used.iter().any(|used| used == op.operation_id) {
            errors.push(format!(
                "{} has a reason but is no operation in scope",
                op.operation_id
            ));
        }
    }
    rows.sort();
    let served = rows.iter().filter(|r| r.ends_with("| served |")).count();
    let table = format!(
        "# The emulator's coverage of MX's Platform API v20250224\n\n\
         Generated by `emulator/tests/coverage.rs` from MX's OpenAPI v20250224 and the \
         emulator's router (`UPDATE_DOCS=1 cargo test -p mx-emulator --test coverage`): every \
         operation under `/users/{{user}}/members`, `/users/{{user}}/accounts`, \
         `/users/{{user}}/transactions` and `/institutions`. {served} of {} are served; the \
         others answer `501 Not Implemented` with the reason given in `error.message` (from \
         `mx_emulator::unserved::UNSERVED`).\n\n\
         | operation | operationId | emulator |\n|---|---|---|\n{}\n",
        rows.len(),
        rows.join("\n")
    );
    assert!(errors.is_empty(), "{}", errors.join("\n"));
    let claim = format!("{served} of the {}", rows.len());
    let readme =
        std::fs::read_to_string(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../README.md"))
            .unwrap_or_default()
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
    assert!(
        readme.contains(&claim),
        "the README's emulator section must say \"{claim} operations\", as the table does"
    );
    let file = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../docs/emulator-coverage.md");
    if std::env::var_os("UPDATE_DOCS").is_some_and(|v| v == "1") {
        std::fs::write(&file, &table).unwrap();
        return;
    }
    let committed = std::fs::read_to_string(&file).unwrap_or_default();
    assert_eq!(
        committed, table,
        "docs/emulator-coverage.md is out of date: run `UPDATE_DOCS=1 cargo test -p mx-emulator --test coverage`"
    );
}
