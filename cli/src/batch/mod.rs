//! `mx-aggregation batch [FILE|-]`: JSON Lines in, JSON Lines out, in bounded memory.
//!
//! The input is read in blocks and cut into chunks of whole lines by
//! [`mx_aggregation::lines::Chunker`]; every line of a chunk goes through
//! [`mx_aggregation::batch::triage_line`] (`chunk`), so this module and its two
//! drivers only move bytes:
//!
//! - [`single`] (`--threads 1`): read, decide, write, on one thread;
//! - [`threads`] (`--threads N`): N deciding threads that take turns reading and the
//!   writer on the main thread, output in input order, a bounded number of chunks in
//!   flight.
//!
//! Both write whatever is decided without waiting for more input, so a line that arrives
//! alone (`tail -f members.jsonl | mx-aggregation batch`) is answered at once, while a
//! large input is still written in large blocks.

mod chunk;
mod single;
mod threads;

use std::io::{self, IsTerminal as _, Write as _};

use crate::args::BatchArgs;
use crate::error::{CliError, Completion};
use crate::input::Input;
use crate::progress::Progress;

/// More deciding threads than this are not started: each holds chunks in flight, and no
/// machine this runs on gains from more.
const MAX_THREADS: usize = 64;

/// Decides every line of the input and writes one output line per non-blank line.
pub(super) fn run(args: &BatchArgs) -> Result<Completion, CliError> {
    let now = args.decision.now();
    let policy = args.decision.policy();
    let end_user = args.decision.end_user();
    let input = Input::open(&args.input)?;
    let progress = Progress::new(io::stderr().is_terminal(), input.len);
    let threads = args
        .threads
        .map_or_else(
            || std::thread::available_parallelism().map_or(1, usize::from),
            usize::from,
        )
        .min(MAX_THREADS);
    let tally = if threads <= 1 {
        single::run(input, now, &policy, end_user, progress)?
    } else {
        threads::run(input, threads, now, policy, end_user, progress)?
    };
    let _ = write!(io::stderr(), "{}", tally.summary(tally.lines));
    Ok(if tally.failed > 0 {
        Completion::SomeUndecided
    } else {
        Completion::Done
    })
}
