//! `batch --threads N`: N deciding threads that take turns reading, the writer on the
//! calling thread; output in input order, byte for byte what `--threads 1` writes.
//!
//! A deciding thread reads the next chunk itself, under the input's lock, and decides it
//! at once, so the bytes it parses are still in its core's cache (with a reader thread
//! handing 1 MiB chunks to the others, `--threads 2` took 360 ms where this takes 346,
//! medians of 15 runs, docs/PERFORMANCE.md). Chunks are numbered as they are cut;
//! the writer puts the outputs back in order and writes each as soon as all before it are
//! written. A thread may cut a chunk only with a credit, and there are
//! [`CREDITS_PER_THREAD`] × N: the writer returns one for every chunk it writes, so memory
//! is bounded however unevenly the threads progress.

use std::collections::BTreeMap;
use std::io::{self, Write as _};
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::thread;

use chrono::{DateTime, Utc};
use mx_aggregation::lines::{Chunk, Chunker, MAX_LINE_BYTES};
use mx_aggregation::{EndUser, Policy};

use super::chunk::decide_chunk;
use crate::error::CliError;
use crate::input::Input;
use crate::progress::Progress;
use crate::summary::Tally;

/// How much a thread reads at once: small enough that what it reads is still in its core's
/// cache when it parses it, large enough that the threads seldom wait for each other's
/// reads or wake the writer (on two threads, 64 KiB chunks took 606 ms of CPU where
/// 256 KiB ones took 514, `perf stat -r 5`).
const READ_BYTES: usize = 256 << 10;

/// Chunks cut and not yet written, per deciding thread: enough that no thread waits for
/// the writer.
const CREDITS_PER_THREAD: usize = 4;

/// The input and how far it has been cut, shared by the deciding threads.
struct Reader {
    input: Input,
    chunker: Chunker,
    /// The number of the next chunk cut.
    seq: u64,
    /// The input is exhausted or unreadable.
    done: bool,
}

/// Chunks cut and not yet written, and the written ones' buffers, for reuse. Kept apart
/// from the [`Reader`], whose lock a thread holds while it waits for input: the writer
/// must never wait for that, or an answer decided could wait for the next input line.
#[derive(Default)]
struct Credits {
    in_flight: usize,
    spent: Vec<Chunk>,
    /// Nobody writes any more.
    stopped: bool,
}

/// What the threads share.
struct Shared {
    reader: Mutex<Reader>,
    credits: Mutex<Credits>,
    /// Signals that a credit came back, or that the writer stopped.
    returned: Condvar,
    limit: usize,
}

impl Shared {
    fn reader(&self) -> MutexGuard<'_, Reader> {
        self.reader.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn credits(&self) -> MutexGuard<'_, Credits> {
        self.credits.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Waits for a free credit and takes it, with the buffers written since; `None` when
    /// the writer stopped.
    fn take_credit(&self) -> Option<Vec<Chunk>> {
        let mut credits = self.credits();
        while credits.in_flight >= self.limit && !credits.stopped {
            credits = self
                .returned
                .wait(credits)
                .unwrap_or_else(PoisonError::into_inner);
        }
        if credits.stopped {
            return None;
        }
        credits.in_flight += 1;
        Some(std::mem::take(&mut credits.spent))
    }

    /// Gives a credit back, with the chunk it was spent on, if any.
    fn return_credit(&self, chunk: Option<Chunk>) {
        let mut credits = self.credits();
        credits.in_flight -= 1;
        credits.spent.extend(chunk);
        drop(credits);
        self.returned.notify_one();
    }
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
    let name = input.name.clone();
    let shared = Arc::new(Shared {
        reader: Mutex::new(Reader {
            input,
            chunker: Chunker::new(READ_BYTES, MAX_LINE_BYTES),
            seq: 0,
            done: false,
        }),
        credits: Mutex::default(),
        returned: Condvar::new(),
        limit: credits,
    });
    let (done_tx, done_rx) = sync_channel::<(u64, Done)>(credits);
    let outputs: Arc<Mutex<Vec<Vec<u8>>>> = Arc::default();
    for _ in 0..threads {
        let shared = Arc::clone(&shared);
        let done_tx = done_tx.clone();
        let outputs = Arc::clone(&outputs);
        thread::spawn(move || decide_chunks(&shared, &done_tx, &outputs, now, &policy, end_user));
    }
    drop(done_tx);

    // The writer: everything below runs until every deciding thread has let go of its
    // sender.
    let result = write_in_order(&shared, &done_rx, &outputs, &mut progress);
    // Stop the deciding threads whatever happened; they may be waiting for a credit.
    shared.credits().stopped = true;
    shared.returned.notify_all();
    progress.finish();
    result.map_err(|error| match error {
        WriteError::Stdout(error) => CliError::stdout(error),
        WriteError::Read(error) => CliError::Read { input: name, error },
    })
}

/// Why the writer stopped early.
enum WriteError {
    Stdout(io::Error),
    Read(io::Error),
}

/// Writes the chunks' outputs in input order, returning each chunk's credit once written.
fn write_in_order(
    shared: &Shared,
    done_rx: &Receiver<(u64, Done)>,
    outputs: &Mutex<Vec<Vec<u8>>>,
    progress: &mut Progress,
) -> Result<Tally, WriteError> {
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
                    stdout.write_all(&out).map_err(WriteError::Stdout)?;
                    tally.add(&counted);
                    bytes += chunk.bytes().len() as u64;
                    progress.tick(tally.lines, bytes);
                    out.clear();
                    outputs
                        .lock()
                        .unwrap_or_else(PoisonError::into_inner)
                        .push(out);
                    shared.return_credit(Some(chunk));
                }
                Done::ReadFailed(error) => {
                    let _ = stdout.flush();
                    return Err(WriteError::Read(error));
                }
            }
        }
    }
    stdout.flush().map_err(WriteError::Stdout)?;
    Ok(tally)
}

/// The next chunk to decide and its number, read under the lock once a credit is free;
/// `None` when there is nothing more to decide.
fn cut(shared: &Shared, done_tx: &SyncSender<(u64, Done)>) -> Option<(u64, Chunk)> {
    let spent = shared.take_credit()?;
    let mut reader = shared.reader();
    let reader = &mut *reader;
    for chunk in spent {
        reader.chunker.recycle(chunk);
    }
    let chunk = loop {
        if reader.done {
            break None;
        }
        if let Some(chunk) = reader.chunker.take() {
            break Some(chunk);
        }
        match reader.input.source.read_some(reader.chunker.space()) {
            Ok(0) => {
                reader.done = true;
                break reader.chunker.finish();
            }
            Ok(read) => reader.chunker.filled(read),
            Err(error) => {
                reader.done = true;
                // The writer reports it after every chunk before it.
                let _ = done_tx.send((reader.seq, Done::ReadFailed(error)));
                break None;
            }
        }
    };
    let Some(chunk) = chunk else {
        shared.return_credit(None);
        return None;
    };
    let seq = reader.seq;
    reader.seq += 1;
    Some((seq, chunk))
}

/// A deciding thread: reads and decides chunks until the input is exhausted.
fn decide_chunks(
    shared: &Shared,
    done_tx: &SyncSender<(u64, Done)>,
    outputs: &Mutex<Vec<Vec<u8>>>,
    now: DateTime<Utc>,
    policy: &Policy,
    end_user: EndUser,
) {
    while let Some((seq, chunk)) = cut(shared, done_tx) {
        let mut out = outputs
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .pop()
            .unwrap_or_else(|| Vec::with_capacity(READ_BYTES));
        let mut tally = Tally::default();
        decide_chunk(&chunk, now, policy, end_user, &mut out, &mut tally);
        let done = Done::Decided { chunk, out, tally };
        if done_tx.send((seq, done)).is_err() {
            return;
        }
    }
}
