//! The lifecycle model in `transitions.md` (section 5: the diagram, the edges, the events
//! and what each action causes) and the seed's double listings (6), which the lifecycle
//! answers.

use std::fmt::Write as _;

use mx_aggregation::{ActionKind, ConnectionStatus, Policy, SeedList};

use super::cells::{action_of, decision_at, yes_no};
use crate::docs::diagram;
use crate::lifecycle::{self, LifecycleEvent, Node};
use crate::matrix::TimeBucket;

pub(super) fn lifecycle(out: &mut String) {
    out.push_str(
        "## 5. Lifecycle model\n\n\
         What MX can do next, as one table (`lifecycle::TRANSITIONS`), drawn here and in \
         [`lifecycle.dot`](lifecycle.dot) (Graphviz: blue edges are the service's, black MX's \
         during a job, grey MX's otherwise; dashed edges are inferred). Besides the statuses it \
         has three pseudo-states:\n\n\
         - `AGGREGATING`: a job runs (`is_being_aggregated` is true) and has not reported a \
         status of its own yet; MX still shows the status the member had when the job started \
         (MX's Connect widget keeps polling a `CONNECTED` member while `is_being_aggregated` is \
         true, CW [V-code]). Drawing a job's outcomes once, from here, keeps them from being \
         repeated for every status a job can start from.\n\
         - `ANY_LIVE`: any status but `CLOSED`, `DISABLED` and `DISCONTINUED`, for what can \
         happen to every live member.\n\
         - `NO_CREDENTIALS`: `null`. No edge leaves it: MX never aggregates a member without \
         credentials (NEXUS [V]).\n\n\
         `CHALLENGED`, `RESUMED` and `DELAYED` are shown while the job still runs; every other \
         status an edge of a job leads to ends it. The terminal statuses have no outgoing edge. \
         Each edge is labelled with its event; a service event carries the name of the engine's \
         action that causes it.\n\n```mermaid\n",
    );
    out.push_str(&diagram::mermaid());
    out.push_str(
        "```\n\n### Edges\n\n\
         | from | event | cause | to | guard | basis | source |\n|---|---|---|---|---|---|---|\n",
    );
    for edge in diagram::sorted_edges() {
        let _ = writeln!(
            out,
            "| `{}` | `{}` | {} | `{}` | {} | {} | {} |",
            edge.from,
            edge.event,
            edge.event.cause().as_str(),
            edge.to,
            edge.guard.description(),
            edge.basis.tag(),
            edge.source,
        );
    }
    out.push_str(
        "\n### Events\n\n| event | cause | job runs after | what happens |\n|---|---|---|---|\n",
    );
    for event in LifecycleEvent::ALL {
        let _ = writeln!(
            out,
            "| `{event}` | {} | {} | {} |",
            event.cause().as_str(),
            yes_no(event.job_runs_after()),
            event.description(),
        );
    }
    out.push_str(
        "\n### Which event each action causes\n\n\
         `ActionKind::causes` names the edge the caller takes the member along by carrying an \
         action out.\n\n| action | end user | causes |\n|---|---|---|\n",
    );
    for kind in ActionKind::ALL {
        let _ = writeln!(
            out,
            "| `{kind}` | {} | {} |",
            yes_no(kind.requires_end_user()),
            lifecycle::caused_by(kind)
                .map_or("nothing at MX".to_owned(), |event| format!("`{event}`")),
        );
    }
    out.push_str(
        "\nEvery action that causes an event needs the end user, `aggregate` included: a \
         foreground aggregation may raise MFA, a credential request or terms to accept, which \
         only the end user can meet (seed, \"Foreground Aggregation\"). With the end user \
         absent, no aggregation can be performed; the member moves only by MX's own events (a \
         background aggregation, a challenge expiring, a closure) until they come back.\n\n",
    );
}

pub(super) fn double_listings(out: &mut String, policy: &Policy) {
    out.push_str(
        "## 6. The seed's double listings\n\n\
         The seed sorts the statuses twice, in two sections that disagree. \
         `ConnectionStatus::is_double_listed` finds the statuses that are *end states* in the \
         first and *transitory* or *can aggregate* in the second. The engine does not pick a \
         list: it decides by what the member needs next, and the lifecycle model says what can \
         follow.\n\n",
    );
    for status in ConnectionStatus::ALL
        .into_iter()
        .filter(|status| status.is_double_listed())
    {
        let lists: Vec<String> = status
            .seed_lists()
            .iter()
            .map(|list| format!("*{}*", list_name(*list)))
            .collect();
        let idle = decision_at(Some(status), false, TimeBucket::Success2d, policy);
        let cooling = decision_at(Some(status), false, TimeBucket::Success1h, policy);
        let busy = decision_at(Some(status), true, TimeBucket::Started1m, policy);
        let reason = idle.decision.reason;
        let _ = writeln!(
            out,
            "### `{status}`\n\n\
             - Seed: {}.\n\
             - Engine: group `{}`. Idle: {} ({} inside the cooldown); being aggregated: {}.\n\
             - Why: {} Source: {}\n\
             - Lifecycle: reached by {}; leaves by {}.\n",
            lists.join(" and "),
            status.group(),
            action_of(&idle),
            action_of(&cooling),
            action_of(&busy),
            reason.summary(),
            reason.source(),
            edges_into(status),
            edges_out_of(status),
        );
    }
}

fn list_name(list: SeedList) -> &'static str {
    list.as_str()
}

fn edges_into(status: ConnectionStatus) -> String {
    let edges: Vec<String> = diagram::sorted_edges()
        .into_iter()
        .filter(|edge| edge.to == Node::Status(status))
        .map(|edge| format!("`{}` from `{}`", edge.event, edge.from))
        .collect();
    edges.join(", ")
}

fn edges_out_of(status: ConnectionStatus) -> String {
    let edges: Vec<String> = diagram::sorted_edges()
        .into_iter()
        .filter(|edge| edge.from == Node::Status(status))
        .map(|edge| format!("`{}` to `{}`", edge.event, edge.to))
        .collect();
    edges.join(", ")
}
