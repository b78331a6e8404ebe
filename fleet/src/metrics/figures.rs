//! One integrator's figures from its journal entries and the run's observations, and
//! the table that sets both integrators side by side.

use std::collections::{BTreeSet, HashMap};
use std::fmt::Write as _;

use chrono::{DateTime, Utc};

use crate::metrics::calls::{CallCounts, Waste, count_calls, waste};
use crate::metrics::copy::CopyCheck;
use crate::metrics::journal::JournalEntry;
use crate::metrics::prompts::{Prompt, PromptCounts, count_prompts};
use crate::metrics::staleness::{Staleness, staleness, transaction_reads};

/// What a process cost, measured by the harness.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Resources {
    /// User and system CPU time, seconds.
    pub cpu_secs: f64,
    /// Peak resident memory (`VmHWM`), KiB.
    pub max_rss_kib: u64,
    /// Database bytes (file, write-ahead log included), when the process has one.
    pub db_bytes: Option<u64>,
    /// The emulator's CPU time over the same run, seconds, for the CPU share.
    pub emulator_cpu_secs: f64,
}

/// Everything a run observed of one integrator.
#[derive(Debug, Clone)]
pub struct RunInput<'a> {
    /// The integrator's name in the table.
    pub label: &'static str,
    /// Members driven.
    pub members: usize,
    /// Virtual days run.
    pub days: f64,
    /// The virtual end of the run.
    pub end: DateTime<Utc>,
    /// The integrator tenant's journal, oldest first.
    pub entries: &'a [JournalEntry],
    /// User guid → the user's one member guid.
    pub members_of_users: &'a HashMap<String, String>,
    /// Member guid → the sorted times of its successful aggregations at MX.
    pub new_data: &'a HashMap<String, Vec<DateTime<Utc>>>,
    /// Every prompt shown to an end user.
    pub prompts: &'a [Prompt],
    /// The local copy against MX's truth, summed over the members.
    pub copy: CopyCheck,
    /// The integrator process's cost, when it runs as its own process.
    pub resources: Option<Resources>,
}

/// One integrator's figures.
#[derive(Debug, Clone, PartialEq)]
pub struct Figures {
    /// The integrator's name.
    pub label: &'static str,
    /// Members driven.
    pub members: usize,
    /// Virtual days run.
    pub days: f64,
    /// MX calls by call.
    pub calls: CallCounts,
    /// Wasted calls.
    pub waste: Waste,
    /// Prompts.
    pub prompts: PromptCounts,
    /// Data staleness.
    pub staleness: Staleness,
    /// The local copy against MX's truth.
    pub copy: CopyCheck,
    /// The process's cost.
    pub resources: Option<Resources>,
}

impl Figures {
    /// Member-days run.
    pub fn member_days(&self) -> f64 {
        (self.members as f64 * self.days).max(f64::MIN_POSITIVE)
    }

    /// MX calls per member-day.
    pub fn calls_per_member_day(&self) -> f64 {
        self.calls.total as f64 / self.member_days()
    }
}

/// Computes an integrator's figures.
pub fn figures(input: &RunInput<'_>) -> Figures {
    let reads = transaction_reads(input.entries, input.members_of_users);
    Figures {
        label: input.label,
        members: input.members,
        days: input.days,
        calls: count_calls(input.entries),
        waste: waste(input.entries, input.members_of_users, input.new_data),
        prompts: count_prompts(input.prompts),
        staleness: staleness(input.new_data, &reads, input.end),
        copy: input.copy,
        resources: input.resources,
    }
}

/// A duration in seconds as `2h05m`, `14m`, `40s`; `–` when unknown.
pub fn human_secs(secs: Option<i64>) -> String {
    match secs {
        None => "–".to_owned(),
        Some(secs) if secs < 60 => format!("{secs}s"),
        Some(secs) if secs < 3600 => format!("{}m{:02}s", secs / 60, secs % 60),
        Some(secs) => format!("{}h{:02}m", secs / 3600, (secs % 3600) / 60),
    }
}

/// The figures of every integrator as one Markdown table, a column each.
pub fn table(columns: &[Figures]) -> String {
    let mut rows: Vec<(String, Vec<String>)> = Vec::new();
    let mut row = |name: &str, cell: &dyn Fn(&Figures) -> String| {
        rows.push((name.to_owned(), columns.iter().map(cell).collect()));
    };
    row("members", &|f| f.members.to_string());
    row("virtual days", &|f| format!("{}", f.days));
    row("MX calls per member-day", &|f| {
        format!("{:.2}", f.calls_per_member_day())
    });
    let names: BTreeSet<&str> = columns
        .iter()
        .flat_map(|f| f.calls.by_call.keys().copied())
        .collect();
    for name in names {
        row(&format!("  {name}"), &|f| {
            let count = f.calls.by_call.get(name).copied().unwrap_or(0);
            format!("{:.2}", count as f64 / f.member_days())
        });
    }
    // The same calls in two parts: reading the member's data (what the local copy
    // needs, accounts included, which the naive integrator does not read) and the rest
    // (members, jobs, MFA, OAuth, creates: what deciding right saves).
    row("  of which reading data (accounts, transactions)", &|f| {
        format!("{:.2}", f.calls.data as f64 / f.member_days())
    });
    row(
        "  of which the rest (members, jobs, MFA, OAuth, creates)",
        &|f| {
            format!(
                "{:.2}",
                (f.calls.total - f.calls.data.min(f.calls.total)) as f64 / f.member_days()
            )
        },
    );
    row("wasted calls per member-day", &|f| {
        format!("{:.2}", f.waste.total() as f64 / f.member_days())
    });
    row("  aggregate, nothing started (count)", &|f| {
        f.waste.aggregate_nothing_started.to_string()
    });
    row("  409 (count)", &|f| f.waste.conflict.to_string());
    row("  429 (count)", &|f| f.waste.rate_limited.to_string());
    row("  read of unchanged data (count)", &|f| {
        f.waste.unchanged_reads.to_string()
    });
    row("  create repeated (count)", &|f| {
        f.waste.repeated_creates.to_string()
    });
    row("end-user prompts", &|f| f.prompts.total.to_string());
    row("  not needed by MX", &|f| f.prompts.unneeded.to_string());
    row("new data at MX (aggregations)", &|f| {
        f.staleness.events.to_string()
    });
    row("staleness p50", &|f| human_secs(f.staleness.p50_secs));
    row("staleness p99", &|f| human_secs(f.staleness.p99_secs));
    row("  new data never read", &|f| {
        f.staleness.never_read.to_string()
    });
    row("transactions missing", &|f| f.copy.missing.to_string());
    row("transactions doubled", &|f| f.copy.doubled.to_string());
    row("transactions gone at MX, kept", &|f| {
        f.copy.gone.to_string()
    });
    row("accounts not MX's (balances)", &|f| {
        f.copy
            .accounts_off
            .map_or_else(|| "–".to_owned(), |off| off.to_string())
    });
    row("CPU time (s)", &|f| {
        f.resources
            .map_or("–".to_owned(), |r| format!("{:.1}", r.cpu_secs))
    });
    row("CPU share beside the emulator", &|f| {
        f.resources.map_or("–".to_owned(), |r| {
            let both = r.cpu_secs + r.emulator_cpu_secs;
            if both > 0.0 {
                format!("{:.0}%", 100.0 * r.cpu_secs / both)
            } else {
                "–".to_owned()
            }
        })
    });
    row("max RSS (MiB)", &|f| {
        f.resources.map_or("–".to_owned(), |r| {
            format!("{:.1}", r.max_rss_kib as f64 / 1024.0)
        })
    });
    row("database bytes per member", &|f| {
        f.resources
            .and_then(|r| r.db_bytes)
            .map_or("–".to_owned(), |bytes| {
                (bytes / f.members.max(1) as u64).to_string()
            })
    });
    let mut out = String::new();
    let _ = write!(out, "| figure |");
    for column in columns {
        let _ = write!(out, " {} |", column.label);
    }
    let _ = write!(out, "\n|---|");
    for _ in columns {
        let _ = write!(out, "---:|");
    }
    out.push('\n');
    for (name, cells) in rows {
        let _ = write!(out, "| {name} |");
        for cell in cells {
            let _ = write!(out, " {cell} |");
        }
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    #[test]
    fn durations_read_as_words() {
        assert_eq!(human_secs(None), "–");
        assert_eq!(human_secs(Some(42)), "42s");
        assert_eq!(human_secs(Some(14 * 60 + 5)), "14m05s");
        assert_eq!(human_secs(Some(2 * 3600 + 5 * 60)), "2h05m");
    }

    #[test]
    fn the_table_sets_the_integrators_side_by_side() {
        let end = Utc.with_ymd_and_hms(2026, 3, 3, 0, 0, 0).unwrap();
        let entry = |seq, path: &str| JournalEntry {
            seq,
            at: end,
            method: "GET".to_owned(),
            path: path.to_owned(),
            status: 200,
            job_started: None,
        };
        let entries = [
            entry(1, "/users/U/members/M/status"),
            entry(2, "/users/U/members/M/accounts"),
            entry(3, "/users/U/members/M/transactions"),
            entry(4, "/users/U/members/M/transactions"),
        ];
        let users = HashMap::new();
        let new_data = HashMap::new();
        let input = RunInput {
            label: "naive",
            members: 2,
            days: 1.0,
            end,
            entries: &entries,
            members_of_users: &users,
            new_data: &new_data,
            prompts: &[],
            copy: CopyCheck::default(),
            resources: None,
        };
        let naive = figures(&input);
        let service = Figures {
            label: "service",
            resources: Some(Resources {
                cpu_secs: 1.0,
                max_rss_kib: 2048,
                db_bytes: Some(4096),
                emulator_cpu_secs: 3.0,
            }),
            ..naive.clone()
        };
        let table = table(&[service, naive]);
        assert!(table.starts_with("| figure | service | naive |\n|---|---:|---:|\n"));
        assert!(
            table.contains("| MX calls per member-day | 2.00 | 2.00 |"),
            "{table}"
        );
        assert!(table.contains("|   status | 0.50 | 0.50 |"), "{table}");
        assert!(
            table.contains("|   of which reading data (accounts, transactions) | 1.50 | 1.50 |"),
            "{table}"
        );
        assert!(
            table.contains(
                "|   of which the rest (members, jobs, MFA, OAuth, creates) | 0.50 | 0.50 |"
            ),
            "{table}"
        );
        assert!(
            table.contains("| CPU share beside the emulator | 25% | – |"),
            "{table}"
        );
        assert!(
            table.contains("| database bytes per member | 2048 | – |"),
            "{table}"
        );
    }
}
