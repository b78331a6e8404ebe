//! How a command ends: it completes ([`Completion`]) or something stops it ([`CliError`]),
//! and the exit status each gets.

use std::io;

use mx_aggregation::SnapshotError;

/// What a command that ran to its end reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Completion {
    /// The command did its job: every member was decided, or the docs were written.
    Done,
    /// Some member could not be decided; the output says which and why.
    SomeUndecided,
}

/// `EX_DATAERR` of BSD's sysexits.h: the input data was incorrect.
pub(crate) const EXIT_DATA_ERROR: u8 = 65;

/// A command could not complete. `Display` is the one line printed after `error: `.
#[derive(Debug, thiserror::Error)]
pub(crate) enum CliError {
    /// `decide`'s member cannot be decided; the message names the field and the value.
    #[error("{input}: {error}")]
    BadMember {
        /// The file name, or `standard input`.
        input: String,
        /// Why, in the library's words.
        error: SnapshotError,
    },
    /// `decide`'s input is longer than the limit; it was not read to its end.
    #[error("{input}: input larger than {} MiB ({limit} bytes, not counting a byte-order mark and a final line ending): refused", limit >> 20)]
    TooLarge {
        /// The file name, or `standard input`.
        input: String,
        /// The limit in bytes.
        limit: usize,
    },
    /// The input could not be opened or read.
    #[error("cannot read {input}: {error}")]
    Read {
        /// The file name, or `standard input`.
        input: String,
        /// What the operating system said.
        error: io::Error,
    },
    /// The output could not be written.
    #[error("cannot write {output}: {error}")]
    Write {
        /// The file name, or `standard output`.
        output: String,
        /// What the operating system said.
        error: io::Error,
    },
}

impl CliError {
    /// 65 (`EX_DATAERR`) for bad data, 1 for IO errors.
    pub(crate) fn exit_status(&self) -> u8 {
        match self {
            Self::BadMember { .. } | Self::TooLarge { .. } => EXIT_DATA_ERROR,
            Self::Read { .. } | Self::Write { .. } => 1,
        }
    }

    /// The reader of standard output went away (`batch … | head -1`): not an error to
    /// report, as for any Unix filter.
    pub(crate) fn is_broken_pipe(&self) -> bool {
        matches!(self, Self::Write { error, .. } if error.kind() == io::ErrorKind::BrokenPipe)
    }

    /// A write to standard output failed.
    pub(crate) fn stdout(error: io::Error) -> Self {
        Self::Write {
            output: "standard output".to_owned(),
            error,
        }
    }
}
