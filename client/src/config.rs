//! Where MX is and how to authenticate: [`MxConfig`].

use std::time::Duration;

/// MX's API version this client speaks (`Accept-Version`). MX answers `406` to requests
/// without a valid version since 2026-08-12.
pub const API_VERSION: &str = "v20250224";

/// How to reach MX.
#[derive(Clone)]
pub struct MxConfig {
    /// MX's base URL without a trailing slash, e.g. `https://int-api.mx.com`, or the
    /// emulator's `http://127.0.0.1:PORT`.
    pub base_url: String,
    /// Your client id: the HTTP Basic user name.
    pub client_id: String,
    /// Your API key: the HTTP Basic password.
    pub api_key: String,
    /// The whole request's limit, connect to last byte. Default 30 s: a call that takes
    /// longer is treated as unanswered, which the HTTP-outcome classification handles
    /// (a create or aggregate without an answer is checked before it is repeated).
    pub timeout: Duration,
    /// The TCP and TLS connect limit. Default 10 s.
    pub connect_timeout: Duration,
}

impl MxConfig {
    /// A configuration with the default timeouts.
    pub fn new(
        base_url: impl Into<String>,
        client_id: impl Into<String>,
        api_key: impl Into<String>,
    ) -> Self {
        let base_url: String = base_url.into();
        Self {
            base_url: base_url.trim_end_matches('/').to_owned(),
            client_id: client_id.into(),
            api_key: api_key.into(),
            timeout: Duration::from_secs(30),
            connect_timeout: Duration::from_secs(10),
        }
    }
}

/// Shows everything but the API key.
impl std::fmt::Debug for MxConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MxConfig")
            .field("base_url", &self.base_url)
            .field("client_id", &self.client_id)
            .field("api_key", &"<redacted>")
            .field("timeout", &self.timeout)
            .field("connect_timeout", &self.connect_timeout)
            .finish()
    }
}
