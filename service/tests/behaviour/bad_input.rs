//! Bad requests: any body on any route is a 4xx with a JSON error, never a 5xx or a stopped
//! service.

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
            prop::collection::vec((prop::sample::select(FIELDS.to_vec()), inner), 0..4).prop_map(
                |pairs| {
                    Value::Object(pairs.into_iter().map(|(k, v)| (k.to_owned(), v)).collect())
                }
            ),
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
