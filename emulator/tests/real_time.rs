//! With the clock running, jobs move by themselves in real time: a plain success reaches
//! CONNECTED without any clock jump. (Short steps keep the test fast; the loop's bound is
//! a safety net, not a timing assertion.)

mod common;

use std::time::{Duration, Instant};

use common::{API_KEY, CLIENT_ID, Mx};
use mx_emulator::Config;

#[tokio::test]
async fn a_plain_success_connects_on_its_own() {
    let mut config = Config::new(CLIENT_ID, API_KEY);
    config.step = Duration::from_millis(50);
    let mx = Mx::start(config).await;
    let user = mx.user().await;
    let member = mx.member_guid(&user, "password").await;
    let deadline = Instant::now() + Duration::from_secs(10);
    let mut status = String::new();
    while Instant::now() < deadline {
        status = mx.read(&user, &member).await["connection_status"]
            .as_str()
            .unwrap()
            .to_owned();
        if status == "CONNECTED" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(status, "CONNECTED");
}
