//! The `FILE|-` argument: a file, or standard input for `-`.

use std::fs::File;
use std::io::{self, IsTerminal as _, Read};
use std::path::Path;

use mx_aggregation::lines::MAX_LINE_BYTES;

use super::error::CliError;

/// An opened input and what to call it in messages.
pub(crate) struct Input {
    /// The file name, or `standard input`.
    pub(crate) name: String,
    /// The input's size in bytes when it is a regular file (for progress).
    pub(crate) len: Option<u64>,
    /// Where the bytes come from; `Send`, so the deciding threads can take turns reading it.
    pub(crate) source: Source,
}

/// A file or standard input, read without a buffer of its own: the callers read in large
/// blocks.
pub(crate) enum Source {
    /// Standard input.
    Stdin(io::Stdin),
    /// A file.
    File(File),
}

impl Read for Source {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self {
            Self::Stdin(stdin) => stdin.read(buf),
            Self::File(file) => file.read(buf),
        }
    }
}

impl Source {
    /// Reads into `buf` once, retrying when a signal interrupted the read; 0 at the end.
    pub(crate) fn read_some(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        loop {
            match self.read(buf) {
                Err(error) if error.kind() == io::ErrorKind::Interrupted => {}
                result => return result,
            }
        }
    }
}

impl Input {
    /// Opens `path`, or standard input when it is `-`.
    pub(crate) fn open(path: &Path) -> Result<Self, CliError> {
        if path.as_os_str() == "-" {
            return Ok(Self {
                name: "standard input".to_owned(),
                len: None,
                source: Source::Stdin(io::stdin()),
            });
        }
        let name = path.display().to_string();
        let file = File::open(path).map_err(|error| CliError::Read {
            input: name.clone(),
            error,
        })?;
        let len = file
            .metadata()
            .ok()
            .filter(|m| m.is_file())
            .map(|m| m.len());
        Ok(Self {
            name,
            len,
            source: Source::File(file),
        })
    }

    /// Whether this is standard input attached to a terminal, where a person may not know
    /// the tool is waiting for them to type.
    pub(crate) fn is_terminal(&self) -> bool {
        match &self.source {
            Source::Stdin(stdin) => stdin.is_terminal(),
            Source::File(_) => false,
        }
    }

    /// A read error on this input.
    pub(crate) fn read_error(&self, error: io::Error) -> CliError {
        CliError::Read {
            input: self.name.clone(),
            error,
        }
    }

    /// Reads everything that is left, up to [`MAX_LINE_BYTES`] of content, as `batch`
    /// reads a line: a UTF-8 byte-order mark at the start and one final `\n` or `\r\n`
    /// do not count, and the mark is removed. Anything longer is refused after reading at
    /// most a few bytes past the limit, so memory stays bounded (`decide < /dev/zero` stops
    /// at once).
    pub(crate) fn read_all(&mut self) -> Result<Vec<u8>, CliError> {
        const BOM: &[u8] = b"\xEF\xBB\xBF";
        let mut bytes = Vec::new();
        let limit = (MAX_LINE_BYTES + BOM.len() + 3) as u64;
        if let Err(error) = (&mut self.source).take(limit).read_to_end(&mut bytes) {
            return Err(self.read_error(error));
        }
        if bytes.starts_with(BOM) {
            bytes.drain(..BOM.len());
        }
        let content = bytes
            .strip_suffix(b"\r\n")
            .or_else(|| bytes.strip_suffix(b"\n"))
            .unwrap_or(&bytes);
        if content.len() > MAX_LINE_BYTES {
            return Err(CliError::TooLarge {
                input: self.name.clone(),
                limit: MAX_LINE_BYTES,
            });
        }
        Ok(bytes)
    }
}
