//! `batch --threads 1`: read a block, decide its whole lines, write their answers, read on.

use std::io::{self, Write as _};

use chrono::{DateTime, Utc};
use mx_aggregation::lines::{Chunker, MAX_LINE_BYTES};
use mx_aggregation::{EndUser, Policy};

use super::chunk::decide_chunk;
use crate::error::CliError;
use crate::input::Input;
use crate::progress::Progress;
use crate::summary::Tally;

/// How much is read at once: small enough that the lines the kernel just copied are still
/// in the core's cache when they are parsed, large enough that system calls cost little.
/// (Between 8 KiB and 1 MiB the measured differences stayed within the machine's noise.)
const READ_BYTES: usize = 64 << 10;

/// Decides the whole input on the calling thread.
pub(super) fn run(
    mut input: Input,
    now: DateTime<Utc>,
    policy: &Policy,
    end_user: EndUser,
    mut progress: Progress,
) -> Result<Tally, CliError> {
    let mut chunker = Chunker::new(READ_BYTES, MAX_LINE_BYTES);
    let mut stdout = io::stdout().lock();
    let mut out = Vec::with_capacity(READ_BYTES / 2);
    let mut tally = Tally::default();
    let mut bytes_read: u64 = 0;
    loop {
        let read = input.source.read_some(chunker.space());
        let read = match read {
            Ok(read) => read,
            Err(error) => {
                // Keep the complete lines decided so far; the read error is what is reported.
                progress.finish();
                return Err(input.read_error(error));
            }
        };
        if read == 0 {
            break;
        }
        bytes_read += read as u64;
        chunker.filled(read);
        while let Some(chunk) = chunker.take() {
            decide_chunk(&chunk, now, policy, end_user, &mut out, &mut tally);
            chunker.recycle(chunk);
        }
        // The next read may wait for input: write what is decided first.
        stdout.write_all(&out).map_err(CliError::stdout)?;
        out.clear();
        progress.tick(tally.lines, bytes_read);
    }
    if let Some(chunk) = chunker.finish() {
        decide_chunk(&chunk, now, policy, end_user, &mut out, &mut tally);
    }
    stdout
        .write_all(&out)
        .and_then(|()| stdout.flush())
        .map_err(CliError::stdout)?;
    progress.finish();
    Ok(tally)
}
