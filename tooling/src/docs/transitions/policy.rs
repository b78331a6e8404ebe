//! Section 3 of `transitions.md`: every field of the default `Policy` with its source, and
//! where MX's sources disagree and what the engine chose.

use std::fmt::Write as _;

use mx_aggregation::{MX_MIN_POLL_INTERVAL, Policy};

use super::cells::human;

pub(super) fn policy_defaults(out: &mut String, policy: &Policy) {
    // Destructured so that a new field cannot be left out of the table.
    let Policy {
        cooldown,
        fresh_for,
        min_poll,
        max_poll,
        poll_backoff_divisor,
        transient_stall,
        delayed_recheck,
        delayed_stall,
        cooldown_from_any_job,
        background_interval,
        assume_background_aggregation,
        retry_min,
        retry_max,
        rate_limit_wait,
        retry_after_max,
        retry_limit,
    } = *policy;
    out.push_str(
        "## 3. Policy defaults\n\n\
         Every timing rule is a field of `Policy`; the defaults are MX's documented values where \
         MX documents one, and this crate's stated choice where it is silent (see each field's \
         documentation for the reasoning).\n\n\
         | field | default | source |\n|---|---|---|\n",
    );
    let rows: [(&str, String, &str); 16] = [
        (
            "cooldown",
            human(cooldown),
            "seed: no new aggregation within three hours of a success; SPEC25 \"typically three hours\"",
        ),
        (
            "fresh_for",
            human(fresh_for),
            "seed: a success within the last 24 hours lets you skip foreground aggregation",
        ),
        (
            "min_poll",
            human(min_poll),
            "AT-read-member-connection-status [V]: minimum polling interval 3 seconds",
        ),
        (
            "max_poll",
            human(max_poll),
            "this crate: MX documents no maximum; at most 288 reads a day for a member busy all day",
        ),
        (
            "poll_backoff_divisor",
            poll_backoff_divisor.to_string(),
            "this crate: poll after a tenth of the job's age",
        ),
        (
            "transient_stall",
            human(transient_stall),
            "this crate: ten times the 60 s MX's widget waits (CW [V-code])",
        ),
        (
            "delayed_recheck",
            human(delayed_recheck),
            "Atrium [3P], ACAD: a DELAYED aggregation takes longer; check back later",
        ),
        (
            "delayed_stall",
            human(delayed_stall),
            "this crate: MX's 24-hour background aggregation should have run by then (seed)",
        ),
        (
            "cooldown_from_any_job",
            cooldown_from_any_job.to_string(),
            "REW: any aggregation process blocks a new standard aggregation for three hours; ERR: \"attempted\"; the seed counts from a success only",
        ),
        (
            "background_interval",
            human(background_interval),
            "seed: MX aggregates each member every 24 hours; AT-aggregate-member: approximately",
        ),
        (
            "assume_background_aggregation",
            match assume_background_aggregation {
                None => "none (read the member)".to_owned(),
                Some(on) => on.to_string(),
            },
            "seed: on by default in aggregation mode, off in verification mode, or set client-wide",
        ),
        (
            "retry_min",
            human(retry_min),
            "this crate: MX documents no retry schedule for 5xx (ERR [V]); MX's 3 s polling floor",
        ),
        (
            "retry_max",
            human(retry_max),
            "this crate: as max_poll; MX documents no maximum",
        ),
        (
            "rate_limit_wait",
            human(rate_limit_wait),
            "ERR [V]: retry a 429 once the rate limit window (per second, per product) has expired",
        ),
        (
            "retry_after_max",
            human(retry_after_max),
            "this crate: RFC9110 §10.2.3 allows any delay; a cap against corrupt headers",
        ),
        (
            "retry_limit",
            retry_limit.to_string(),
            "this crate: about 12 minutes of retries with the defaults, then report the failure",
        ),
    ];
    for (field, value, source) in rows {
        let _ = writeln!(out, "| `{field}` | {value} | {source} |");
    }
    let _ = writeln!(
        out,
        "\nWhatever `min_poll` says, the engine never polls sooner than MX's floor of {}.\n",
        human(MX_MIN_POLL_INTERVAL)
    );
    out.push_str(
        "### Where MX's sources disagree, and what the engine chose

         - **Which job starts the three-hour window.** The seed says no new aggregation \
         \"within three hours of a successful aggregation\"; REW says \"any aggregation process \
         will prevent a new standard aggregation for the next three hours\"; ERR answers `202` \
         without running when a standard aggregation was *attempted* within \"the default minimum \
         time\"; SPEC25 calls it the \"throttle window (typically three hours)\" and counts \
         premium jobs (identification, verification, statements, extended history) in \
         `aggregated_at`. The engine counts the window from the later of `aggregated_at` and \
         `successfully_aggregated_at` (`cooldown_from_any_job`), because an aggregate call inside \
         MX's window is accepted and runs nothing. So a stale `CONNECTED` member whose \
         verification job started an hour ago waits two more hours, and `FAILED`, `DEGRADED`, \
         `DISCONNECTED`, `EXPIRED`, `REJECTED` and `RECONNECTED` members wait three hours after \
         their failed job too; the length stays a policy value (`cooldown`).\n\
         - **Background aggregation for an absent end user.** MX aggregates each member about \
         every 24 hours (seed, AT-aggregate-member), for `CONNECTED`, `UPDATED` and `CREATED` \
         members (BG), not within 20 hours of a client's own aggregation, not for `RECONNECTED` \
         members (Atrium) nor while credentials are needed. With the end user absent, a member \
         MX refreshes waits for the expected background aggregation (`aggregated_at` plus whole \
         `background_interval`s, at most three); when the payload does not say \
         `background_aggregation_is_disabled` (status reads, webhooks), the engine reads the \
         member, because MX's default is on in aggregation mode, off in verification mode and \
         can be set client-wide (seed); `assume_background_aggregation` answers instead when \
         the caller knows. `FAILED`, `DEGRADED`, `DISCONNECTED`, `DELAYED`, `REJECTED`, \
         `EXPIRED` and `RECONNECTED` members are aggregated when the end user is next present.\n\
         - **`PENDING`.** An OAuth member is created `PENDING` (NEXUS-CREATE) and gets \
         `authorize_oauth`; MX documents no meaning for a non-OAuth `PENDING` member, and its \
         Connect widget sends it to credential entry (CW), so it gets `update_credentials`.\n\
         - **`is_authenticated`** (status reads) changes nothing: MX resets it on every aggregate \
         call, and `true` does not mean the aggregation completed (AT-connection-status).\n\n",
    );
}
