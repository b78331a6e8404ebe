//! The `mx-emulator` binary: its first stdout line is the base URL, and it serves there.

mod common;

use std::process::Command;

use common::{API_KEY, Binary, CLIENT_ID};

#[tokio::test]
async fn prints_the_base_url_first_and_serves_there() {
    let binary = Binary::start(&[]);
    let base = &binary.base;
    let port: u16 = base
        .strip_prefix("http://127.0.0.1:")
        .and_then(|port| port.parse().ok())
        .unwrap_or_else(|| panic!("first line is not the base URL: {base:?}"));
    assert_ne!(port, 0);
    let client = reqwest::Client::new();
    let answer = client
        .post(format!("{base}/users"))
        .basic_auth(CLIENT_ID, Some(API_KEY))
        .header("Accept", "application/json")
        .header("Accept-Version", "v20250224")
        .body(r#"{"user": {"id": "u-1"}}"#)
        .send()
        .await
        .unwrap();
    let status = answer.status().as_u16();
    let unauthorized = client
        .get(format!("{base}/users"))
        .send()
        .await
        .unwrap()
        .status()
        .as_u16();
    assert_eq!(status, 200);
    assert_eq!(unauthorized, 401);
}

#[test]
fn rate_limit_takes_an_optional_number() {
    for args in [
        &["--rate-limit"][..],
        &["--rate-limit", "3"],
        &["--rate-limits"],
    ] {
        let output = Command::new(env!("CARGO_BIN_EXE_mx-emulator"))
            .args([
                "--addr",
                "256.0.0.1:0",
                "--client-id",
                "ID",
                "--api-key",
                "KEY",
            ])
            .args(args)
            .output()
            .unwrap();
        // The rate-limit flags come first and parse; the bad address after them then
        // stops the binary with a usage error about the address, before it binds.
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(!stderr.contains("rate-limit"), "{args:?}: {stderr}");
        assert!(stderr.contains("--addr"), "{args:?}: {stderr}");
        assert!(!output.status.success());
    }
}
