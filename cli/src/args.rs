//! The command line: the commands, their arguments and flags, their help texts, and the
//! time, end user and policy a decision is made under.

use std::path::PathBuf;
use std::time::Duration;

use chrono::{DateTime, Utc};
use clap::{Args, Parser, Subcommand, ValueEnum};
use mx_aggregation::{EndUser, HumanDuration, MX_MIN_POLL_INTERVAL, Policy, parse_mx_timestamp};

const EXIT_STATUSES: &str = "\
Exit status:
  0   every member was decided
  1   a file could not be read or written
  2   the command line is wrong
  65  a member could not be decided (bad JSON, not a member payload, unknown status, wrong
      type, bad or out-of-range timestamp)";

/// Decides what to do next with MX Platform API members: poll, answer MFA, update
/// credentials, authorize OAuth, resolve at the institution, aggregate, wait out the
/// cooldown, read the member, read data or stop.
#[derive(Debug, Parser)]
#[command(name = "mx-aggregation", version, after_help = EXIT_STATUSES)]
pub(crate) struct Cli {
    #[command(subcommand)]
    pub(crate) command: Command,
}

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Decide for one MX payload: a member, bare or {"member": …} as MX's endpoints return
    /// it, or a member, connection-status or member_data_updated webhook. Anything else
    /// (a page of members, a user, {}) is an error naming what it is (exit 65).
    #[command(after_help = EXIT_STATUSES)]
    Decide(DecideArgs),
    /// Decide for every member of a JSON Lines file: one output line per non-blank input
    /// line, in order; lines that cannot be decided become {"line": N, "error": "…"}.
    #[command(after_help = EXIT_STATUSES)]
    Batch(BatchArgs),
    /// Replay a log of observations of members (JSON Lines of {"received_at": RFC 3339 or
    /// Unix seconds, "payload": {…}}, optionally "http_status" and "call" for MX's answer to
    /// a call): fold each member's observations into one state and print one decision per
    /// member, in order of first appearance, under its newest guid. For debugging a webhook
    /// log or a support case. Lines that cannot be folded become {"line": N, "error": "…"}.
    #[command(after_help = REPLAY_HELP)]
    Replay(ReplayArgs),
    /// Write the generated documentation (status table, decision matrix) into a directory.
    Docs(DocsArgs),
}

/// `decide [FILE|-]`.
#[derive(Debug, Args)]
pub(crate) struct DecideArgs {
    /// The member JSON file; `-` reads standard input.
    #[arg(value_name = "FILE|-", default_value = "-")]
    pub(crate) input: PathBuf,
    /// How to print the decision.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub(crate) format: Format,
    #[command(flatten)]
    pub(crate) decision: DecisionArgs,
}

/// `batch [FILE|-]`.
#[derive(Debug, Args)]
pub(crate) struct BatchArgs {
    /// The JSON Lines file, one member per line; `-` reads standard input.
    #[arg(value_name = "FILE|-", default_value = "-")]
    pub(crate) input: PathBuf,
    /// Threads deciding lines; the output is the same for any number. 1 reads, decides and
    /// writes on one thread. Default: the number of available cores; at most 64.
    #[arg(long, value_name = "N")]
    pub(crate) threads: Option<std::num::NonZeroUsize>,
    #[command(flatten)]
    pub(crate) decision: DecisionArgs,
}

/// `replay [FILE|-]`.
#[derive(Debug, Args)]
pub(crate) struct ReplayArgs {
    /// The JSON Lines log, one observation per line; `-` reads standard input.
    #[arg(value_name = "FILE|-", default_value = "-")]
    pub(crate) input: PathBuf,
    #[command(flatten)]
    pub(crate) decision: DecisionArgs,
}

const REPLAY_HELP: &str = "\
Each line: {\"received_at\": \"2026-11-24T12:00:00Z\" or 1795521600, \"payload\": {…}}
  with, optionally:
  \"call\"               the call the payload answers: create, read, status, aggregate,
                       verify, identify, resume, update, oauth_window_uri, challenges,
                       or any other name of the call table (docs/member_state.md §3)
  \"http_status\"        MX's HTTP status for that call (default 200)
  \"retry_after\"        the answer's Retry-After header
  \"guid\"               the member, when the payload does not name it (an error body)
  \"previous_guid\"      the guid this member replaces (OAuth re-authorization)
  \"x_callback_payload\" the X-CALLBACK-PAYLOAD header MX echoed on a webhook
Error lines are written as they are read; the decisions follow, one per member.

Exit status:
  0   every line was folded
  1   the input could not be read or the output written
  2   the command line is wrong
  65  a line could not be folded (bad JSON, not a member payload, no guid, bad time)";

/// `docs --out DIR`.
#[derive(Debug, Args)]
pub(crate) struct DocsArgs {
    /// The directory to write into; created if missing. Existing files of the same name are
    /// replaced.
    #[arg(long, value_name = "DIR")]
    pub(crate) out: PathBuf,
}

/// How `decide` writes its decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum Format {
    /// A short explanation: the action, the rule and why, what the end user must do, when
    /// to look again.
    Text,
    /// The decision JSON on one line, with "guid" first when the member names one.
    Json,
}

/// The time and the policy a decision is made under.
#[derive(Debug, Args)]
pub(crate) struct DecisionArgs {
    /// Decide as of this time: RFC 3339 (2026-11-24T12:00:00Z) or Unix seconds
    /// (1795521600). Default: the system clock.
    #[arg(long, value_name = "TIME", value_parser = parse_now)]
    now: Option<DateTime<Utc>>,
    /// No aggregation starts until this long after the latest job or success (MX's throttle window).
    #[arg(long, value_name = "DURATION", default_value_t = HumanDuration(Policy::MX_DEFAULT.cooldown), value_parser = parse_window)]
    cooldown: HumanDuration,
    /// A CONNECTED member whose last success is younger than this is read, not aggregated.
    #[arg(long, value_name = "DURATION", default_value_t = HumanDuration(Policy::MX_DEFAULT.fresh_for), value_parser = parse_window)]
    fresh_for: HumanDuration,
    /// The shortest interval between two polls; at least 3s, MX's minimum.
    #[arg(long, value_name = "DURATION", default_value_t = HumanDuration(Policy::MX_DEFAULT.min_poll), value_parser = parse_min_poll)]
    min_poll: HumanDuration,
    /// Whether the end user is there: `absent` (a nightly job, a webhook handler) waits for
    /// MX's background aggregation where MX does it and names what the end user must do
    /// when next present.
    #[arg(long, value_enum, value_name = "present|absent", default_value_t = EndUserArg::Present)]
    end_user: EndUserArg,
}

/// `--end-user present|absent`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum EndUserArg {
    /// The end user is using the product now (the default).
    Present,
    /// Nobody is there to answer MFA, enter credentials or open an OAuth window.
    Absent,
}

impl DecisionArgs {
    /// `--now`, or the system clock: the only place the tool reads it.
    pub(crate) fn now(&self) -> DateTime<Utc> {
        self.now
            .unwrap_or_else(|| DateTime::from(std::time::SystemTime::now()))
    }

    /// The situation of `--end-user`.
    pub(crate) fn end_user(&self) -> EndUser {
        match self.end_user {
            EndUserArg::Present => EndUser::Present,
            EndUserArg::Absent => EndUser::Absent,
        }
    }

    /// MX's default policy with the overrides given.
    pub(crate) fn policy(&self) -> Policy {
        Policy {
            cooldown: self.cooldown.0,
            fresh_for: self.fresh_for.0,
            min_poll: self.min_poll.0,
            ..Policy::MX_DEFAULT
        }
    }
}

fn parse_now(text: &str) -> Result<DateTime<Utc>, String> {
    parse_mx_timestamp(text).map_err(|e| e.to_string())
}

/// The longest window a policy flag accepts. MX's own windows are hours; a year is far
/// beyond any real contract, and anything longer is a typo that would push waits past what
/// RFC 3339 can write.
const LONGEST_WINDOW: Duration = Duration::from_secs(365 * 86_400);

fn parse_window(text: &str) -> Result<HumanDuration, String> {
    let d: HumanDuration = text.parse().map_err(|e| format!("{e}"))?;
    if d.0 > LONGEST_WINDOW {
        return Err(format!("must be at most {}", HumanDuration(LONGEST_WINDOW)));
    }
    Ok(d)
}

fn parse_min_poll(text: &str) -> Result<HumanDuration, String> {
    let d = parse_window(text)?;
    if d.0 < MX_MIN_POLL_INTERVAL {
        return Err(format!(
            "must be at least {}, MX's minimum polling interval",
            HumanDuration(MX_MIN_POLL_INTERVAL)
        ));
    }
    Ok(d)
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    use super::*;

    #[test]
    fn the_command_line_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn policy_flags_default_to_mx_values() {
        let cli = Cli::try_parse_from(["mx-aggregation", "batch"]).unwrap();
        let Command::Batch(args) = cli.command else {
            panic!("batch: {cli:?}")
        };
        assert_eq!(args.decision.policy(), Policy::MX_DEFAULT);
        assert_eq!(args.decision.now, None);
        assert_eq!(args.input, PathBuf::from("-"));
    }

    #[test]
    fn policy_flags_override_only_their_field() {
        let cli = Cli::try_parse_from([
            "mx-aggregation",
            "decide",
            "--cooldown=1h",
            "--fresh-for",
            "2d",
            "--min-poll",
            "10s",
            "--now",
            "0",
        ])
        .unwrap();
        let Command::Decide(args) = cli.command else {
            panic!("decide: {cli:?}")
        };
        assert_eq!(
            args.decision.policy(),
            Policy {
                cooldown: std::time::Duration::from_secs(3_600),
                fresh_for: std::time::Duration::from_secs(172_800),
                min_poll: std::time::Duration::from_secs(10),
                ..Policy::MX_DEFAULT
            }
        );
        assert_eq!(args.decision.now(), DateTime::UNIX_EPOCH);
    }

    #[test]
    fn min_poll_below_mx_minimum_is_a_usage_error() {
        assert_eq!(
            parse_min_poll("2s"),
            Err("must be at least 3s, MX's minimum polling interval".to_owned())
        );
        assert_eq!(parse_min_poll("3s").map(|d| d.0), Ok(MX_MIN_POLL_INTERVAL));
        let error =
            Cli::try_parse_from(["mx-aggregation", "batch", "--min-poll", "1s"]).unwrap_err();
        assert_eq!(error.exit_code(), 2);
    }
}
