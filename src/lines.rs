//! JSON Lines input cut into chunks of whole lines, without IO.
//!
//! `mx-aggregation batch` reads its input in large blocks and decides the lines of each
//! block, on one thread or several. [`Chunker`] is the part of that which needs no IO: the
//! caller reads into [`Chunker::space`], reports how much it read with
//! [`Chunker::filled`], and takes back [`Chunk`]s that hold only whole lines, each knowing
//! the number of its first line. A line cut by the end of a read stays in the chunker until
//! its `\n` arrives. Line ends are found with `memchr`, and lines are never copied one by
//! one: a chunk is the read buffer itself.
//!
//! Three rules of the input format live here, so every reader applies them alike:
//!
//! - **Line length.** A line whose content (without its `\n` or `\r\n`) is longer than
//!   [`MAX_LINE_BYTES`] is not buffered: the chunker drops its bytes as they arrive and the
//!   chunk reports it as [`Line::TooLong`], so memory stays bounded whatever the input.
//!   `\n` and `\r\n` endings count alike.
//! - **Byte-order mark.** A UTF-8 byte-order mark (`EF BB BF`) at the start of the input is
//!   skipped, as editors on Windows write one.
//! - **Line numbers** count from 1, blank lines included.
//!
//! ```
//! use mx_aggregation::lines::{Chunk, Chunker, Line};
//!
//! /// Each line's number and text, `None` for a line over the limit.
//! fn texts(chunk: &Chunk) -> Vec<(u64, Option<Vec<u8>>)> {
//!     chunk.lines().map(|(n, line)| match line {
//!         Line::Text(text) => (n, Some(text.to_vec())),
//!         Line::TooLong => (n, None),
//!     }).collect()
//! }
//!
//! let mut chunker = Chunker::new(16, 20);
//! let mut lines = Vec::new();
//! for read in [&b"{\"a\":1}\n{\"b\""[..], b":2}\r\n\n", b"{\"c\":3}"] {
//!     chunker.space()[..read.len()].copy_from_slice(read);
//!     chunker.filled(read.len());
//!     while let Some(chunk) = chunker.take() {
//!         lines.extend(texts(&chunk));
//!         chunker.recycle(chunk);
//!     }
//! }
//! let last = chunker.finish().expect("the last line has no newline");
//! lines.extend(texts(&last));
//! assert_eq!(lines, [
//!     (1, Some(b"{\"a\":1}".to_vec())),
//!     (2, Some(b"{\"b\":2}".to_vec())), // cut by a read, then ended by \r\n
//!     (3, Some(b"".to_vec())),
//!     (4, Some(b"{\"c\":3}".to_vec())), // no final newline
//! ]);
//! ```

use std::fmt;

/// The longest line content, in bytes without the line ending, that `batch` decides: 16 MiB.
/// An MX member is a few KiB; the limit only keeps memory bounded on hostile input.
pub const MAX_LINE_BYTES: usize = 16 << 20;

/// The UTF-8 byte-order mark.
const BOM: &[u8] = b"\xEF\xBB\xBF";

/// How many emptied buffers the chunker keeps for its next reads.
const SPARE_BUFFERS: usize = 8;

/// Cuts input bytes into [`Chunk`]s of whole lines. See the [module docs](self).
#[derive(Debug)]
pub struct Chunker {
    /// Read buffer; `buf[..filled]` is input not handed out yet: part of one line, or
    /// whole lines not yet taken.
    buf: Vec<u8>,
    filled: usize,
    /// How much [`space`](Self::space) offers per read.
    read_bytes: usize,
    max_line: usize,
    /// The number of the line that starts at `buf[0]`.
    next_line: u64,
    /// The line `next_line` is too long: its bytes are being dropped until its `\n`.
    skipping: bool,
    /// A too-long line that ended and has not been reported yet.
    skipped: Option<u64>,
    /// The input's first bytes have not been checked for a byte-order mark yet.
    at_start: bool,
    /// Emptied buffers, reused instead of allocating.
    spare: Vec<Vec<u8>>,
}

impl Chunker {
    /// A chunker offering `read_bytes` of space per read, for lines of at most `max_line`
    /// bytes of content. `batch` uses 1 MiB and [`MAX_LINE_BYTES`].
    pub fn new(read_bytes: usize, max_line: usize) -> Self {
        let read_bytes = read_bytes.max(1);
        Self {
            buf: Vec::new(),
            filled: 0,
            read_bytes,
            max_line,
            next_line: 1,
            skipping: false,
            skipped: None,
            at_start: true,
            spare: Vec::new(),
        }
    }

    /// The space to read into next: `read_bytes` long. Report how much was read with
    /// [`filled`](Self::filled).
    pub fn space(&mut self) -> &mut [u8] {
        let end = self.filled + self.read_bytes;
        if self.buf.len() < end {
            self.buf.resize(end, 0);
        }
        &mut self.buf[self.filled..end]
    }

    /// Records that the first `n` bytes of [`space`](Self::space) were filled with input.
    ///
    /// # Panics
    ///
    /// When `n` is larger than the space offered: a bug in the caller, not bad input.
    pub fn filled(&mut self, n: usize) {
        assert!(
            n <= self.read_bytes,
            "filled {n} bytes of a {}-byte space",
            self.read_bytes
        );
        self.filled += n;
        if self.skipping {
            self.skip();
        }
    }

    /// The whole lines read so far, if any (or the report of a too-long line). A line
    /// that is still missing its `\n` stays behind.
    pub fn take(&mut self) -> Option<Chunk> {
        if self.at_start && !self.skip_bom(false) {
            return None;
        }
        match memchr::memrchr(b'\n', &self.buf[..self.filled]) {
            Some(last) => Some(self.split(last + 1)),
            None => {
                // Content plus a `\r` that may precede the coming `\n`.
                if self.filled > self.max_line.saturating_add(1) {
                    self.skipping = true;
                    self.filled = 0;
                }
                self.skipped.map(|_| self.split(0))
            }
        }
    }

    /// At the end of the input: everything not taken yet, the last line with no `\n`.
    /// `None` when nothing is left.
    pub fn finish(&mut self) -> Option<Chunk> {
        if self.at_start {
            self.skip_bom(true);
        }
        if self.skipping {
            // The too-long line ends with the input.
            self.skipping = false;
            self.skipped = Some(self.next_line);
            self.next_line += 1;
            self.filled = 0;
        }
        (self.filled > 0 || self.skipped.is_some()).then(|| self.split(self.filled))
    }

    /// Gives a chunk's buffer back for reuse once its lines are decided.
    pub fn recycle(&mut self, chunk: Chunk) {
        let buf = chunk.buf;
        // A buffer that grew for a long line is not kept, so memory shrinks back.
        if self.spare.len() < SPARE_BUFFERS && buf.len() <= 2 * self.read_bytes {
            self.spare.push(buf);
        }
    }

    /// Hands out `buf[..len]` as a chunk and keeps the rest.
    fn split(&mut self, len: usize) -> Chunk {
        let mut next = self.spare.pop().unwrap_or_default();
        let rest = self.filled - len;
        if next.len() < rest + self.read_bytes {
            next.resize(rest + self.read_bytes, 0);
        }
        next[..rest].copy_from_slice(&self.buf[len..self.filled]);
        let buf = std::mem::replace(&mut self.buf, next);
        self.filled = rest;
        let first_line = self.next_line;
        let newlines = memchr::memchr_iter(b'\n', &buf[..len]).count() as u64;
        self.next_line += newlines;
        let skipped = self.skipped.take();
        Chunk {
            buf,
            len,
            first_line,
            skipped,
            max_line: self.max_line,
        }
    }

    /// Drops the bytes of a too-long line up to and including its `\n`.
    fn skip(&mut self) {
        match memchr::memchr(b'\n', &self.buf[..self.filled]) {
            None => self.filled = 0,
            Some(end) => {
                self.buf.copy_within(end + 1..self.filled, 0);
                self.filled -= end + 1;
                self.skipping = false;
                self.skipped = Some(self.next_line);
                self.next_line += 1;
            }
        }
    }

    /// Removes a byte-order mark at the start of the input. Returns false while the bytes
    /// so far could still become one.
    fn skip_bom(&mut self, at_end: bool) -> bool {
        let head = &self.buf[..self.filled];
        if head.len() < BOM.len() && BOM.starts_with(head) && !at_end {
            return false;
        }
        if head.starts_with(BOM) {
            self.buf.copy_within(BOM.len()..self.filled, 0);
            self.filled -= BOM.len();
        }
        self.at_start = false;
        true
    }
}

/// Whole lines of the input, in order, with the number of the first; the buffer they were
/// read into. Give it back with [`Chunker::recycle`] when done.
pub struct Chunk {
    buf: Vec<u8>,
    len: usize,
    first_line: u64,
    /// A too-long line just before `first_line`.
    skipped: Option<u64>,
    max_line: usize,
}

impl fmt::Debug for Chunk {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Chunk")
            .field("bytes", &self.len)
            .field("first_line", &self.first_line)
            .field("skipped", &self.skipped)
            .finish_non_exhaustive()
    }
}

impl Chunk {
    /// The number of the chunk's first line (a skipped too-long line included).
    pub fn first_line(&self) -> u64 {
        self.skipped.unwrap_or(self.first_line)
    }

    /// The chunk's bytes, whole lines with their endings.
    pub fn bytes(&self) -> &[u8] {
        &self.buf[..self.len]
    }

    /// Each line with its number, without its `\n` or `\r\n`.
    pub fn lines(&self) -> Lines<'_> {
        Lines {
            rest: self.bytes(),
            line_no: self.first_line,
            skipped: self.skipped,
            max_line: self.max_line,
        }
    }
}

/// One input line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Line<'a> {
    /// The line's content, without its `\n` or `\r\n`; possibly blank, possibly not UTF-8.
    Text(&'a [u8]),
    /// The line's content was longer than the limit and was not kept.
    TooLong,
}

/// The lines of a [`Chunk`], with their numbers.
#[derive(Debug)]
pub struct Lines<'a> {
    rest: &'a [u8],
    line_no: u64,
    skipped: Option<u64>,
    max_line: usize,
}

impl<'a> Iterator for Lines<'a> {
    type Item = (u64, Line<'a>);

    fn next(&mut self) -> Option<Self::Item> {
        if let Some(line_no) = self.skipped.take() {
            return Some((line_no, Line::TooLong));
        }
        if self.rest.is_empty() {
            return None;
        }
        let (line, rest) = match memchr::memchr(b'\n', self.rest) {
            Some(end) => (&self.rest[..end], &self.rest[end + 1..]),
            None => (self.rest, &[][..]),
        };
        self.rest = rest;
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        let line_no = self.line_no;
        self.line_no += 1;
        Some(if line.len() > self.max_line {
            (line_no, Line::TooLong)
        } else {
            (line_no, Line::Text(line))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Feeds `input` in reads of `read` bytes and lists every line.
    fn cut(input: &[u8], read: usize, max_line: usize) -> Vec<(u64, Option<Vec<u8>>)> {
        let mut chunker = Chunker::new(read, max_line);
        let mut out = Vec::new();
        let mut collect = |chunk: Chunk, chunker: &mut Chunker| {
            for (n, line) in chunk.lines() {
                out.push((
                    n,
                    match line {
                        Line::Text(t) => Some(t.to_vec()),
                        Line::TooLong => None,
                    },
                ));
            }
            chunker.recycle(chunk);
        };
        for piece in input.chunks(read) {
            chunker.space()[..piece.len()].copy_from_slice(piece);
            chunker.filled(piece.len());
            while let Some(chunk) = chunker.take() {
                collect(chunk, &mut chunker);
            }
        }
        if let Some(chunk) = chunker.finish() {
            collect(chunk, &mut chunker);
        }
        out
    }

    fn text(n: u64, s: &str) -> (u64, Option<Vec<u8>>) {
        (n, Some(s.as_bytes().to_vec()))
    }

    #[test]
    fn every_read_size_gives_the_same_lines() {
        let input = b"ab\ncd\r\n\n\r\nlast";
        let expected = vec![
            text(1, "ab"),
            text(2, "cd"),
            text(3, ""),
            text(4, ""),
            text(5, "last"),
        ];
        for read in 1..=input.len() + 1 {
            assert_eq!(cut(input, read, 100), expected, "reads of {read}");
        }
    }

    #[test]
    fn too_long_lines_are_reported_in_place_whatever_the_read_size() {
        let input = b"12345\n123456\n1234\r\n12345\r\n123456\r\n1234567";
        let expected = vec![
            text(1, "12345"),
            (2, None),
            text(3, "1234"),
            text(4, "12345"),
            (5, None),
            (6, None),
        ];
        for read in 1..=input.len() + 1 {
            assert_eq!(cut(input, read, 5), expected, "reads of {read}");
        }
    }

    #[test]
    fn a_byte_order_mark_at_the_start_is_skipped_and_only_there() {
        for read in 1..=8 {
            assert_eq!(
                cut(b"\xEF\xBB\xBFa\n\xEF\xBB\xBFb", read, 100),
                vec![text(1, "a"), (2, Some(b"\xEF\xBB\xBFb".to_vec()))],
                "reads of {read}"
            );
            assert_eq!(
                cut(b"\xEF\xBB", read, 100),
                vec![(1, Some(b"\xEF\xBB".to_vec()))]
            );
            assert_eq!(cut(b"\xEF\xBB\xBF", read, 100), vec![]);
        }
    }

    #[test]
    fn memory_stays_bounded_on_a_line_without_end() {
        let mut chunker = Chunker::new(64, 100);
        for _ in 0..10_000 {
            chunker.space().fill(b'x');
            chunker.filled(64);
            assert!(chunker.take().is_none());
            assert!(chunker.buf.len() <= 100 + 2 + 64, "{}", chunker.buf.len());
        }
        let chunk = chunker.finish().expect("the too-long line is reported");
        assert_eq!(chunk.lines().collect::<Vec<_>>(), [(1, Line::TooLong)]);
    }
}
