//! `mx-aggregation batch [FILE|-]`: JSON Lines in, JSON Lines out, in constant memory.
//!
//! The per-line work is [`mx_aggregation::batch::triage_line`]; this module only moves
//! bytes: one reused line buffer, one reused output buffer, one locked `BufWriter`, the
//! summary and the progress counter on standard error.

use std::io::{self, BufRead as _, BufWriter, IsTerminal as _, Read as _, Write as _};

use mx_aggregation::batch::{overlong_line, triage_line};

use super::error::CliError;
use super::input::Input;
use super::progress::Progress;
use super::summary::Tally;
use super::{BatchArgs, Completion};

/// Output buffer size: few, large writes.
const OUTPUT_BYTES: usize = 1 << 16;

/// The longest line `batch` reads into memory. A longer one is answered with an error line
/// and skipped, so memory stays bounded whatever the input; an MX member is a few KiB.
const MAX_LINE_BYTES: usize = 16 << 20;

/// A buffer that grew past this for one long line is shrunk back, so one huge line does
/// not keep its memory for the rest of the run.
const KEEP_BYTES: usize = 1 << 20;

/// Decides every line of the input and writes one output line per non-blank line.
pub(super) fn run(args: &BatchArgs) -> Result<Completion, CliError> {
    let now = args.decision.now();
    let policy = args.decision.policy();
    let end_user = args.decision.end_user();
    let mut input = Input::open(&args.input)?;
    let mut output = BufWriter::with_capacity(OUTPUT_BYTES, io::stdout().lock());
    let mut progress = Progress::new(io::stderr().is_terminal(), input.len);
    let mut tally = Tally::default();
    let mut line = Vec::with_capacity(4096);
    let mut out = Vec::with_capacity(4096);
    let mut line_no: u64 = 0;
    let mut bytes_read: u64 = 0;
    loop {
        line.clear();
        let limit = (MAX_LINE_BYTES + 1) as u64;
        let read = match (&mut input.reader).take(limit).read_until(b'\n', &mut line) {
            Ok(read) => read,
            Err(error) => {
                // Keep the complete lines decided so far; the read error is what is reported.
                let _ = output.flush();
                progress.finish();
                return Err(input.read_error(error));
            }
        };
        if read == 0 {
            break;
        }
        line_no += 1;
        bytes_read += read as u64;
        let outcome = if line.len() > MAX_LINE_BYTES && line.last() != Some(&b'\n') {
            match input.reader.skip_until(b'\n') {
                Ok(skipped) => bytes_read += skipped as u64,
                Err(error) => {
                    let _ = output.flush();
                    progress.finish();
                    return Err(input.read_error(error));
                }
            }
            overlong_line(line_no, MAX_LINE_BYTES, &mut out)
        } else {
            triage_line(&line, line_no, now, &policy, end_user, &mut out)
        };
        tally.count(outcome);
        output.write_all(&out).map_err(CliError::stdout)?;
        out.clear();
        progress.tick(line_no, bytes_read);
        if line.capacity() > KEEP_BYTES {
            line.shrink_to(KEEP_BYTES / 16);
        }
        if out.capacity() > KEEP_BYTES {
            out.shrink_to(KEEP_BYTES / 16);
        }
    }
    output.flush().map_err(CliError::stdout)?;
    progress.finish();
    let _ = write!(io::stderr(), "{}", tally.summary(line_no));
    Ok(if tally.failed > 0 {
        Completion::SomeUndecided
    } else {
        Completion::Done
    })
}
