//! MX's three-hour window: an aggregate asked inside it waits it out, and an end user
//! asking as the scheduled look comes due aggregates once.

use super::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_aggregate_asked_inside_the_three_hour_window_waits_it_out() {
    each_database("window", |env| async move {
        let user = env.api.user("u-window").await;
        let created_at = env.mx.now();
        // MX aggregates on create; MX Bank's BAD_REQUEST fails it: the data is not
        // fresh, and MX's window from that aggregation is open.
        let guid = env.mxbank(&user, "k-window", "BAD_REQUEST").await;
        env.member_until(&guid, "FAILED", |m| m["connection_status"] == "FAILED")
            .await;
        env.mx.advance(3_600);
        let path = format!("/members/{guid}/aggregate");
        assert_eq!(env.send("POST", &path, &json!({})).await.0, 202);
        let window_end = created_at + chrono::Duration::hours(3);
        let waiting = env
            .member_until(&guid, "waiting for the window's end", |m| {
                support::mx::time_of(&m["next_look_at"]).is_some_and(|at| at >= window_end)
                    && m["action"] == "wait"
            })
            .await;
        assert!(
            env.calls("POST", "/aggregate").await.is_empty(),
            "no aggregate inside the window: {waiting}"
        );
        // The window passes on MX's clock; the end user asks again: MX aggregates once.
        env.mx.advance(2 * 3_600 + 60);
        assert_eq!(env.send("POST", &path, &json!({})).await.0, 202);
        let mut aggregates = Vec::new();
        for _ in 0..300 {
            aggregates = env.calls("POST", "/aggregate").await;
            if !aggregates.is_empty() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        assert_eq!(aggregates.len(), 1, "{aggregates:?}");
        let at = support::mx::time_of(&aggregates[0]["at"]);
        assert!(
            at.is_some_and(|at| at >= window_end),
            "after the window: {aggregates:?}"
        );
    })
    .await;
}

/// The end user asks for fresh data just as the scheduled look at the window's end
/// comes due: one drive runs at a time per member, so MX sees one aggregate per
/// member, not one from each drive. Several members make the race likely.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_end_user_asking_as_the_scheduled_look_comes_due_aggregates_once() {
    each_database("race", |env| async move {
        let created_at = env.mx.now();
        let mut guids = Vec::new();
        // One user each: MX refuses a second member with the same credentials on
        // one institution for one user.
        for n in 0..10 {
            let user = env.api.user(&format!("u-race-{n}")).await;
            guids.push(
                env.mxbank(&user, &format!("k-race-{n}"), "BAD_REQUEST")
                    .await,
            );
        }
        for guid in &guids {
            env.member_until(guid, "FAILED", |m| m["connection_status"] == "FAILED")
                .await;
        }
        env.mx.advance(3_600);
        let window_end = created_at + chrono::Duration::hours(3);
        for guid in &guids {
            let path = format!("/members/{guid}/aggregate");
            assert_eq!(env.send("POST", &path, &json!({})).await.0, 202);
        }
        for guid in &guids {
            env.member_until(guid, "waiting for the window's end", |m| {
                support::mx::time_of(&m["next_look_at"]).is_some_and(|at| at >= window_end)
                    && m["action"] == "wait"
            })
            .await;
        }
        // Past the window every member's scheduled look is due; each end user asks
        // at the same moment.
        // The end users ask spread over one scheduler tick (200 ms), so some ask
        // before the scheduler claims their member, some while its drive reads MX,
        // some after it aggregated.
        env.mx.advance(2 * 3_600 + 60);
        for guid in &guids {
            let path = format!("/members/{guid}/aggregate");
            assert_eq!(env.send("POST", &path, &json!({})).await.0, 202);
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        let next_window = window_end + chrono::Duration::hours(3);
        for guid in &guids {
            // Settled: the drive that aggregated has written the next window's wait.
            env.member_until(guid, "waiting for the next window", |m| {
                support::mx::time_of(&m["next_look_at"]).is_some_and(|at| at >= next_window)
                    && m["action"] == "wait"
            })
            .await;
        }
        let aggregates = env.calls("POST", "/aggregate").await;
        for guid in &guids {
            let mine: Vec<&Value> = aggregates
                .iter()
                .filter(|e| {
                    e["path"]
                        .as_str()
                        .is_some_and(|p| p.contains(guid.as_str()))
                })
                .collect();
            assert_eq!(mine.len(), 1, "{guid}: {mine:?}");
            assert_eq!(mine[0]["job_started"], true, "{guid}: {mine:?}");
        }
    })
    .await;
}
