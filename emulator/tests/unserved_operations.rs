//! An operation the emulator does not serve answers `501 Not Implemented` with the reason
//! its table (`mx_emulator::unserved::UNSERVED`) gives, whatever method or path shape:
//! never a bare `404` or `405`. A path that is no MX operation still answers `404 no such
//! route`.

mod common;

use common::Mx;
use mx_emulator::unserved::UNSERVED;

#[tokio::test]
async fn every_unserved_operation_answers_its_reason() {
    let mx = Mx::frozen().await;
    let user = mx.user().await;
    assert!(UNSERVED.len() >= 10);
    for op in UNSERVED {
        let path: String = op
            .path
            .split('/')
            .map(|segment| {
                if segment.starts_with('{') {
                    if segment.contains("user") {
                        user.as_str()
                    } else {
                        "X-1"
                    }
                } else {
                    segment
                }
            })
            .collect::<Vec<_>>()
            .join("/");
        let body = (op.method != "GET").then(|| serde_json::json!({}));
        let answer = mx.send(op.method, &path, body).await;
        assert_eq!(answer.status, 501, "{} {path}: {}", op.method, answer.body);
        let message = answer.body["error"]["message"].as_str().unwrap();
        assert_eq!(
            message,
            format!(
                "{} is not served by the emulator: {}",
                op.operation_id, op.reason
            )
        );
    }
    let unknown = mx
        .send("GET", &format!("/users/{user}/nothing"), None)
        .await;
    assert_eq!(unknown.status, 404);
    assert_eq!(unknown.body["error"]["message"], "no such route");
    let wrong_method = mx.send("DELETE", "/institutions", None).await;
    assert_eq!(wrong_method.status, 405);
}
