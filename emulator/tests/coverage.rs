//! The coverage table `docs/emulator-coverage.md`, generated from MX's OpenAPI v20250224
//! (read from `../shared/mx-openapi/` as `openapi_conformance` reads it) and the
//! emulator's router: every operation under `/users/{u}/members`, `/users/{u}/accounts`,
//! `/users/{u}/transactions` and `/institutions`, served or not, with the reason. The
//! test fails when the committed table, the router and the spec disagree, or when an
//! operation the router does not serve has no reason (or a served one has one), and when
//! the README's count of served operations is not the table's.
//! `UPDATE_DOCS=1` writes the table.

use std::path::PathBuf;

use axum::body::{Body, to_bytes};
use axum::http::{Request, StatusCode};
use base64::Engine as _;
use mx_emulator::{Config, router};
use serde_json::Value;
use tower::ServiceExt as _;

/// Why the emulator does not serve an operation, by `operationId`.
const NOT_SERVED: &[(&str, &str)] = &[
    (
        "listFavoriteInstitutions",
        "a client's favorites are set up with MX; the emulator has no client configuration",
    ),
    (
        "createManualAccount",
        "manual accounts are entered by the end user, not aggregated",
    ),
    (
        "deleteManualAccount",
        "manual accounts are entered by the end user, not aggregated",
    ),
    (
        "listAccountNumbersByAccount",
        "not emulated yet; the member's list (`listAccountNumbersByMember`) is served",
    ),
    (
        "listInsightsByAccount",
        "insights are MX's analytics product, outside aggregation",
    ),
    (
        "mergeAccounts",
        "merging accounts edits MX's data; the emulator derives it from the seed",
    ),
    (
        "createManualTransaction",
        "manual transactions are entered by the end user, not aggregated",
    ),
    (
        "updateAccountByMember",
        "account edits are not emulated: the accounts are derived from the seed",
    ),
    (
        "listMemberCredentials",
        "not emulated; the institution's fields (`listInstitutionCredentials`) are served",
    ),
    (
        "updateTransaction",
        "transaction edits are not emulated: the transactions are derived from the seed",
    ),
    (
        "deleteManualTransactions",
        "manual transactions are entered by the end user, not aggregated",
    ),
    (
        "readTransactionByAccount",
        "not emulated yet; `readTransaction` is served",
    ),
    (
        "updateTransactionByAccount",
        "transaction edits are not emulated: the transactions are derived from the seed",
    ),
    (
        "listInsightsByTransaction",
        "insights are MX's analytics product, outside aggregation",
    ),
    (
        "deleteSplitTransactions",
        "splitting transactions edits MX's data; the emulator derives it from the seed",
    ),
    (
        "createSplitTransactions",
        "splitting transactions edits MX's data; the emulator derives it from the seed",
    ),
    (
        "deleteSplitTransactionByAccount",
        "splitting transactions edits MX's data; the emulator derives it from the seed",
    ),
    (
        "createSplitTransactionsByAccount",
        "splitting transactions edits MX's data; the emulator derives it from the seed",
    ),
    (
        "fetchRewards",
        "rewards are not emulated (MX Bank's rewards product)",
    ),
    (
        "listRewards",
        "rewards are not emulated (MX Bank's rewards product)",
    ),
    (
        "readRewards",
        "rewards are not emulated (MX Bank's rewards product)",
    ),
];

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

async fn routed(app: &axum::Router, method: &str, path: &str) -> bool {
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
    // A path without holes answered 404 names nothing the emulator has (`/institutions/
    // favorites` reaches the institution read, which finds no institution `favorites`).
    let unknown = status == StatusCode::NOT_FOUND && !path.contains("/X");
    !(unknown
        || status == StatusCode::METHOD_NOT_ALLOWED
        || body["error"]["message"] == "no such route")
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
            let served = routed(&app, &upper, &concrete(path)).await;
            let reason = NOT_SERVED.iter().find(|(name, _)| *name == id).map(|r| r.1);
            let deprecated = op["deprecated"].as_bool() == Some(true);
            match (served, reason) {
                (true, Some(_)) => errors.push(format!("{id} is served but has a reason")),
                (false, None) => errors.push(format!(
                    "{id} ({upper} {path}) is not served and has no reason"
                )),
                (_, Some(_)) => reasons_used.push(id.to_owned()),
                (true, None) => {}
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
    for (id, _) in NOT_SERVED {
        if !reasons_used.iter().any(|used| used == id) {
            errors.push(format!("{id} has a reason but is no operation in scope"));
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
         others answer `404` (`no such route`) or `405`, for the reason given.\n\n\
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
