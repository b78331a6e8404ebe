//! The engine's own tables in `transitions.md`: every status with its decisions (section 1),
//! the rules in precedence order (2) and the decision matrix (4).

use std::fmt::Write as _;

use mx_aggregation::{ConnectionStatus, EndUser, Policy, Reason};

use super::cells::{decision_at, decision_for, yes_no};
use crate::matrix::{self, TimeBucket};

pub(super) fn statuses(out: &mut String, policy: &Policy) {
    out.push_str(
        "## 1. Statuses\n\n\
         The 22 values of `connection_status`, by MX id (webhooks' `connection_status_id`), and \
         `null`. The last three columns are the engine's decision, with the rule that chose it \
         in parentheses, for a full read of a member that is not OAuth, with background \
         aggregation on and no flag set: not being aggregated with its last job and success \
         two days ago (stale), with the end user present and absent, or one hour ago (inside \
         MX's three-hour cooldown), and being aggregated by a job that started a minute ago.\n\n\
         | id | status | group | seed lists | meaning | source | idle, success 2 d ago | same, end user absent | idle, success 1 h ago | being aggregated |\n\
         |---|---|---|---|---|---|---|---|---|---|\n",
    );
    for status in ConnectionStatus::ALL {
        let lists: Vec<&str> = status.seed_lists().iter().map(|l| l.as_str()).collect();
        let _ = writeln!(
            out,
            "| {} | `{}` | {} | {} | {} | {} | {} | {} | {} | {} |",
            status.id(),
            status,
            status.group(),
            if lists.is_empty() {
                "–".to_owned()
            } else {
                lists.join(", ")
            },
            status.meaning(),
            status.source(),
            decision_at(Some(status), false, TimeBucket::Success2d, policy),
            decision_for(
                Some(status),
                false,
                TimeBucket::Success2d,
                policy,
                EndUser::Absent
            ),
            decision_at(Some(status), false, TimeBucket::Success1h, policy),
            decision_at(Some(status), true, TimeBucket::Started1m, policy),
        );
    }
    let _ = writeln!(
        out,
        "| – | `null` | – | – | {} | {} | {} | {} | {} | {} |\n",
        Reason::NoCredentials.summary(),
        Reason::NoCredentials.source(),
        decision_at(None, false, TimeBucket::Success2d, policy),
        decision_for(None, false, TimeBucket::Success2d, policy, EndUser::Absent),
        decision_at(None, false, TimeBucket::Success1h, policy),
        decision_at(None, true, TimeBucket::Started1m, policy),
    );
}

pub(super) fn rules(out: &mut String) {
    out.push_str(
        "## 2. Rules, in precedence order\n\n\
         `decide` applies the first rule that matches. Each rule leads to exactly one action; \
         *end user* says whether carrying it out needs the end user present.\n\n\
         | # | reason | action | end user | rule | source |\n|---|---|---|---|---|---|\n",
    );
    for (index, reason) in Reason::ALL.into_iter().enumerate() {
        let _ = writeln!(
            out,
            "| {} | `{}` | `{}` | {} | {} | {} |",
            index + 1,
            reason.code(),
            reason.action(),
            yes_no(reason.action().requires_end_user()),
            reason.summary(),
            reason.source(),
        );
    }
    out.push('\n');
}

pub(super) fn decision_matrix(out: &mut String, policy: &Policy) {
    out.push_str(
        "## 4. Decision matrix\n\n\
         `decide_with` over every status (and `null`) × the member's flags and the situation \
         × time buckets that straddle each boundary of the default policy. Every row is a full \
         read of a member that is not OAuth, with background aggregation on, the end user \
         present, unless its heading says otherwise: `is_being_aggregated`; \
         `needs_updated_credentials`; `is_oauth`; *status read* (no `is_oauth`, no \
         background flag); *end user absent* (the absent-user column, with background \
         aggregation on, off, or unknown in a status read). Durations are relative to the \
         moment of the decision.\n\n",
    );
    out.push_str(&matrix::render_markdown(policy));
    out.push_str(
        "\n### Payloads other than a member read, and error codes\n\n\
         What arrives is recognised first (`PayloadKind`); only a member payload is decided on \
         its status. A payload that is not a member is an error naming what it is (`decide` \
         exits 65, `batch` writes an error line). Error codes are those of MX's Connect widget \
         (CW-ERRORS); the member's `user_message` is shown by `decide`'s text output.\n\n",
    );
    out.push_str(&matrix::render_payloads_and_codes(policy));
    out.push('\n');
}
