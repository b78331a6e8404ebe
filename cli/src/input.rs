//! The `FILE|-` argument: a file, or standard input for `-`.

use std::fs::File;
use std::io::{self, BufRead, BufReader, Read as _};
use std::path::Path;

use super::error::CliError;

/// Read buffer size: large reads, few system calls.
const BUFFER_BYTES: usize = 1 << 16;

/// An opened input and what to call it in messages.
pub(crate) struct Input {
    /// The file name, or `standard input`.
    pub(crate) name: String,
    /// The input's size in bytes when it is a regular file (for progress).
    pub(crate) len: Option<u64>,
    /// The buffered reader.
    pub(crate) reader: Box<dyn BufRead>,
}

impl Input {
    /// Opens `path`, or standard input when it is `-`.
    pub(crate) fn open(path: &Path) -> Result<Self, CliError> {
        if path.as_os_str() == "-" {
            return Ok(Self {
                name: "standard input".to_owned(),
                len: None,
                reader: Box::new(BufReader::with_capacity(BUFFER_BYTES, io::stdin().lock())),
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
            reader: Box::new(BufReader::with_capacity(BUFFER_BYTES, file)),
        })
    }

    /// A read error on this input.
    pub(crate) fn read_error(&self, error: io::Error) -> CliError {
        CliError::Read {
            input: self.name.clone(),
            error,
        }
    }

    /// Reads everything that is left.
    pub(crate) fn read_all(&mut self) -> Result<Vec<u8>, CliError> {
        let mut bytes = Vec::new();
        match self.reader.read_to_end(&mut bytes) {
            Ok(_) => Ok(bytes),
            Err(error) => Err(self.read_error(error)),
        }
    }
}
