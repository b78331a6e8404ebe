//! The `mx-aggregation` command-line tool: `decide` for one member, `batch` for JSON Lines
//! of members, `docs` for the generated documentation. See `mx-aggregation --help`.
//!
//! Arguments, dispatch and exit statuses live here; each command lives in its own module.
//! Everything the tool says about a member comes from the `mx-aggregation` library.

#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod batch;
mod decide;
mod docs;
mod error;
mod input;
mod progress;
mod summary;

use std::io::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

use chrono::{DateTime, Utc};
use clap::{Args, Parser, Subcommand, ValueEnum};
use error::CliError;
use mx_aggregation::{EndUser, MX_MIN_POLL_INTERVAL, Policy, parse_mx_timestamp};

use std::time::Duration;

use mx_aggregation::HumanDuration;

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
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Decide for one MX payload: a member, bare or {"member": …} as MX's endpoints return
    /// it, or a member, connection-status or member_data_updated webhook. Anything else
    /// (a page of members, a user, {}) is an error naming what it is (exit 65).
    #[command(after_help = EXIT_STATUSES)]
    Decide(DecideArgs),
    /// Decide for every member of a JSON Lines file: one output line per non-blank input
    /// line, in order; lines that cannot be decided become {"line": N, "error": "…"}.
    #[command(after_help = EXIT_STATUSES)]
    Batch(BatchArgs),
    /// Write the generated documentation (status table, decision matrix) into a directory.
    Docs(DocsArgs),
}

/// `decide [FILE|-]`.
#[derive(Debug, Args)]
struct DecideArgs {
    /// The member JSON file; `-` reads standard input.
    #[arg(value_name = "FILE|-", default_value = "-")]
    input: PathBuf,
    /// How to print the decision.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    #[command(flatten)]
    decision: DecisionArgs,
}

/// `batch [FILE|-]`.
#[derive(Debug, Args)]
struct BatchArgs {
    /// The JSON Lines file, one member per line; `-` reads standard input.
    #[arg(value_name = "FILE|-", default_value = "-")]
    input: PathBuf,
    /// Threads deciding lines; the output is the same for any number. 1 reads, decides and
    /// writes on one thread. Default: the number of available cores; at most 64.
    #[arg(long, value_name = "N")]
    threads: Option<std::num::NonZeroUsize>,
    #[command(flatten)]
    decision: DecisionArgs,
}

/// `docs --out DIR`.
#[derive(Debug, Args)]
struct DocsArgs {
    /// The directory to write into; created if missing. Existing files of the same name are
    /// replaced.
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
}

/// How `decide` writes its decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    /// A short explanation: the action, the rule and why, what the end user must do, when
    /// to look again.
    Text,
    /// The decision JSON on one line, with "guid" first when the member names one.
    Json,
}

/// The time and the policy a decision is made under.
#[derive(Debug, Args)]
struct DecisionArgs {
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
    fn now(&self) -> DateTime<Utc> {
        self.now
            .unwrap_or_else(|| DateTime::from(std::time::SystemTime::now()))
    }

    /// The situation of `--end-user`.
    fn end_user(&self) -> EndUser {
        match self.end_user {
            EndUserArg::Present => EndUser::Present,
            EndUserArg::Absent => EndUser::Absent,
        }
    }

    /// MX's default policy with the overrides given.
    fn policy(&self) -> Policy {
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

/// What a command that ran to its end reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Completion {
    /// The command did its job: every member was decided, or the docs were written.
    Done,
    /// Some member could not be decided; the output says which and why.
    SomeUndecided,
}

/// `EX_DATAERR` of BSD's sysexits.h: the input data was incorrect.
const EXIT_DATA_ERROR: u8 = 65;

/// Parses the command line, runs the command and returns its exit status. Usage errors
/// exit 2 (clap's convention), IO errors 1, undecidable members 65.
fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => {
            // --help and --version come here too, with exit status 0, and print on
            // standard output: a failed write there (`--help > /dev/full`) is an error.
            let printed = error.print().and_then(|()| std::io::stdout().flush());
            if let Err(io_error) = printed
                && !error.use_stderr()
            {
                let _ = writeln!(std::io::stderr(), "error: {}", CliError::stdout(io_error));
                return ExitCode::from(1);
            }
            return ExitCode::from(u8::try_from(error.exit_code()).unwrap_or(2));
        }
    };
    let result = match &cli.command {
        Command::Decide(args) => decide::run(args),
        Command::Batch(args) => batch::run(args),
        Command::Docs(args) => docs::run(args),
    };
    match result {
        Ok(Completion::Done) => ExitCode::SUCCESS,
        // The reader of the output stopped reading (`batch … | head -1`): it has what it
        // wanted. Exit quietly with success, as Unix filters do.
        Err(error) if error.is_broken_pipe() => ExitCode::SUCCESS,
        Ok(Completion::SomeUndecided) => ExitCode::from(EXIT_DATA_ERROR),
        Err(error) => {
            let _ = writeln!(std::io::stderr(), "error: {error}");
            ExitCode::from(error.exit_status())
        }
    }
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
