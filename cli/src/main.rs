//! The `mx-aggregation` command-line tool: `decide` for one member, `batch` for JSON Lines
//! of members, `replay` for a log of observations, `docs` for the generated documentation.
//! See `mx-aggregation --help`.
//!
//! Dispatch and exit statuses live here; the command line in `args`, each command in its own
//! module. Everything the tool says about a member comes from the `mx-aggregation` library.

#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod args;
mod batch;
mod decide;
mod docs;
mod error;
mod input;
mod progress;
mod replay;
mod summary;

use std::io::Write as _;
use std::process::ExitCode;

use args::{Cli, Command};
use clap::Parser as _;
use error::{CliError, Completion, EXIT_DATA_ERROR};

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
        Command::Replay(args) => replay::run(args),
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
