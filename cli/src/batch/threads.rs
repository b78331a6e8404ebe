//! `batch --threads N`: one reader thread, N deciding threads, the writer on the calling
//! thread; output in input order, byte for byte what `--threads 1` writes.
//!
//! The reader numbers the chunks it cuts; the deciding threads take them from one bounded
//! queue and send back each chunk's output; the writer puts the outputs back in order and
//! writes each as soon as all before it are written. The reader needs a credit for every
//! chunk it sends, and the writer returns one (with the chunk's buffer, for reuse) for every
//! chunk it writes, so at most [`CREDITS_PER_THREAD`] × N chunks are in flight, however
//! unevenly the threads progress: memory is bounded whatever the input.

use std::collections::BTreeMap;
use std::io::{self, Write as _};
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::sync::{Arc, Mutex, PoisonError};
use std::thread;

use chrono::{DateTime, Utc};
use mx_aggregation::lines::{Chunk, Chunker, MAX_LINE_BYTES};
use mx_aggregation::{EndUser, Policy};

use super::{READ_BYTES, decide_chunk};
use crate::error::CliError;
use crate::input::Input;
use crate::progress::Progress;
use crate::summary::Tally;

/// Chunks in flight per deciding thread: enough that no thread waits for work while the
/// writer catches up.
const CREDITS_PER_THREAD: usize = 4;

/// A chunk to decide, with its place in the input.
struct Work {
    seq: u64,
    chunk: Chunk,
}

/// What reaches the writer, by place in the input.
enum Done {
    /// A chunk's output lines and counts.
    Decided {
        chunk: Chunk,
        out: Vec<u8>,
        tally: Tally,
    },
    /// The input could not be read past this point.
    ReadFailed(io::Error),
}

/// Decides the whole input on `threads` deciding threads.
pub(super) fn run(
    input: Input,
    threads: usize,
    now: DateTime<Utc>,
    policy: Policy,
    end_user: EndUser,
    mut progress: Progress,
) -> Result<Tally, CliError> {
    let credits = CREDITS_PER_THREAD * threads;
    let (work_tx, work_rx) = sync_channel::<Work>(threads);
    let (done_tx, done_rx) = sync_channel::<(u64, Done)>(credits);
    let (credit_tx, credit_rx) = sync_channel::<Option<Chunk>>(credits);
    for _ in 0..credits {
        // Cannot fail: the receiver is alive and the channel has room for every credit.
        let _ = credit_tx.send(None);
    }
    let work_rx = Arc::new(Mutex::new(work_rx));
    let outputs: Arc<Mutex<Vec<Vec<u8>>>> = Arc::default();
    for _ in 0..threads {
        let work_rx = Arc::clone(&work_rx);
        let done_tx = done_tx.clone();
        let outputs = Arc::clone(&outputs);
        thread::spawn(move || decide_chunks(&work_rx, &done_tx, &outputs, now, &policy, end_user));
    }
    let name = input.name.clone();
    thread::spawn(move || read_chunks(input, &work_tx, &done_tx, &credit_rx));

    // The writer: everything below runs until every other thread has let go of `done_tx`.
    let mut stdout = io::stdout().lock();
    let mut tally = Tally::default();
    let mut bytes: u64 = 0;
    let mut next: u64 = 0;
    let mut waiting = BTreeMap::new();
    for (seq, done) in done_rx {
        waiting.insert(seq, done);
        while let Some(done) = waiting.remove(&next) {
            next += 1;
            match done {
                Done::Decided {
                    chunk,
                    mut out,
                    tally: counted,
                } => {
                    stdout.write_all(&out).map_err(CliError::stdout)?;
                    tally.add(&counted);
                    bytes += chunk.bytes().len() as u64;
                    progress.tick(tally.lines, bytes);
                    out.clear();
                    outputs
                        .lock()
                        .unwrap_or_else(PoisonError::into_inner)
                        .push(out);
                    // The reader may have stopped early; then nobody needs the credit.
                    let _ = credit_tx.send(Some(chunk));
                }
                Done::ReadFailed(error) => {
                    let _ = stdout.flush();
                    progress.finish();
                    return Err(CliError::Read { input: name, error });
                }
            }
        }
    }
    stdout.flush().map_err(CliError::stdout)?;
    progress.finish();
    Ok(tally)
}

/// The reader thread: cuts the input into chunks and queues them in order.
fn read_chunks(
    mut input: Input,
    work_tx: &SyncSender<Work>,
    done_tx: &SyncSender<(u64, Done)>,
    credit_rx: &Receiver<Option<Chunk>>,
) {
    let mut chunker = Chunker::new(READ_BYTES, MAX_LINE_BYTES);
    let mut seq = 0;
    loop {
        match input.source.read_some(chunker.space()) {
            Ok(0) => break,
            Ok(read) => chunker.filled(read),
            Err(error) => {
                let _ = done_tx.send((seq, Done::ReadFailed(error)));
                return;
            }
        }
        while let Some(chunk) = chunker.take() {
            if !queue(chunk, &mut chunker, &mut seq, work_tx, credit_rx) {
                return;
            }
        }
    }
    if let Some(chunk) = chunker.finish() {
        queue(chunk, &mut chunker, &mut seq, work_tx, credit_rx);
    }
}

/// Queues chunk number `seq` once a credit is free; false when the writer has stopped.
fn queue(
    chunk: Chunk,
    chunker: &mut Chunker,
    seq: &mut u64,
    work_tx: &SyncSender<Work>,
    credit_rx: &Receiver<Option<Chunk>>,
) -> bool {
    match credit_rx.recv() {
        Ok(Some(spent)) => chunker.recycle(spent),
        Ok(None) => {}
        Err(_) => return false,
    }
    let sent = work_tx.send(Work { seq: *seq, chunk }).is_ok();
    *seq += 1;
    sent
}

/// A deciding thread: decides chunks until the reader is done.
fn decide_chunks(
    work_rx: &Mutex<Receiver<Work>>,
    done_tx: &SyncSender<(u64, Done)>,
    outputs: &Mutex<Vec<Vec<u8>>>,
    now: DateTime<Utc>,
    policy: &Policy,
    end_user: EndUser,
) {
    loop {
        // The lock is held only while waiting for the next chunk, never while deciding.
        let work = work_rx
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .recv();
        let Ok(Work { seq, chunk }) = work else {
            return;
        };
        let mut out = outputs
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .pop()
            .unwrap_or_else(|| Vec::with_capacity(READ_BYTES / 2));
        let mut tally = Tally::default();
        decide_chunk(&chunk, now, policy, end_user, &mut out, &mut tally);
        let done = Done::Decided { chunk, out, tally };
        if done_tx.send((seq, done)).is_err() {
            return;
        }
    }
}
