//! [`MxError`]: what can go wrong with one call.

use crate::endpoint::Endpoint;

/// A failed call to MX.
#[derive(Debug, thiserror::Error)]
pub enum MxError {
    /// No HTTP answer: connect failure, timeout, or a connection broken mid-answer. MX may
    /// or may not have acted on the request.
    #[error("{endpoint}: no answer from MX{}: {source}", if *.timed_out { " (timed out)" } else { "" })]
    Transport {
        /// The call.
        endpoint: &'static str,
        /// True when the request ran out of time.
        timed_out: bool,
        /// The HTTP client's error.
        #[source]
        source: reqwest::Error,
    },
    /// MX answered with an error status. `message` is the body's `error.message` when it
    /// has one, else the body itself (shortened).
    #[error("{endpoint}: MX answered {status}: {message}")]
    Api {
        /// The call.
        endpoint: &'static str,
        /// The HTTP status.
        status: u16,
        /// What MX said.
        message: String,
    },
    /// MX answered with success, but the body is not the JSON this call returns.
    #[error("{endpoint}: MX answered {status} with a body that is not {expected}: {source}")]
    Decode {
        /// The call.
        endpoint: &'static str,
        /// The HTTP status.
        status: u16,
        /// The envelope expected, e.g. `{"member": …}`.
        expected: &'static str,
        /// The JSON error.
        #[source]
        source: serde_json::Error,
    },
    /// The HTTP client could not be built (its TLS setup failed).
    #[error("cannot build the HTTP client: {0}")]
    Setup(#[source] reqwest::Error),
}

impl MxError {
    /// The HTTP status MX answered with, when it answered.
    pub const fn status(&self) -> Option<u16> {
        match self {
            Self::Api { status, .. } | Self::Decode { status, .. } => Some(*status),
            Self::Transport { .. } | Self::Setup(_) => None,
        }
    }

    pub(crate) fn transport(endpoint: &Endpoint, source: reqwest::Error) -> Self {
        Self::Transport {
            endpoint: endpoint.name(),
            timed_out: source.is_timeout(),
            source,
        }
    }
}
