//! [`Reply`]: MX's answer to one call, as it came (status, body, `Retry-After`), for
//! `mx_aggregation`'s classification and decisions, and typed on demand.

use mx_aggregation::Answer;
use serde::de::DeserializeOwned;

use crate::error::MxError;

/// One HTTP answer from MX.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply {
    /// The call's name ([`Endpoint::name`](crate::Endpoint::name)).
    pub endpoint: &'static str,
    /// The HTTP status.
    pub status: u16,
    /// The body as text (empty when there was none).
    pub body: String,
    /// The `Retry-After` header, when MX sent one.
    pub retry_after: Option<String>,
}

impl Reply {
    /// The answer as `mx_aggregation::Call::classify` takes it.
    pub fn answer(&self) -> Answer<'_> {
        Answer::Response {
            status: self.status,
            body: &self.body,
            retry_after: self.retry_after.as_deref(),
        }
    }

    /// True for a 2xx status.
    pub const fn is_success(&self) -> bool {
        self.status >= 200 && self.status < 300
    }

    /// `Err(MxError::Api)` unless the status is 2xx.
    ///
    /// # Errors
    /// [`MxError::Api`] with the body's `error.message` (or the shortened body).
    pub fn success(self) -> Result<Self, MxError> {
        if self.is_success() {
            Ok(self)
        } else {
            Err(MxError::Api {
                endpoint: self.endpoint,
                status: self.status,
                message: self.error_message(),
            })
        }
    }

    /// The `error.message` of an MX error body (`{"error": {"message": …}}`), else the
    /// body itself, at most 200 characters.
    pub fn error_message(&self) -> String {
        #[derive(serde::Deserialize)]
        struct Body {
            error: Inner,
        }
        #[derive(serde::Deserialize)]
        #[serde(untagged)]
        enum Inner {
            Object { message: String },
            Text(String),
        }
        match serde_json::from_str::<Body>(&self.body) {
            Ok(Body {
                error: Inner::Object { message } | Inner::Text(message),
            }) => message,
            Err(_) => self.body.chars().take(200).collect(),
        }
    }

    /// The value under `key` in the JSON body, e.g. the member of `{"member": …}`.
    ///
    /// # Errors
    /// [`MxError::Decode`] when the body is not that envelope.
    pub fn envelope<T: DeserializeOwned>(&self, key: &'static str) -> Result<T, MxError> {
        let decode = |source| MxError::Decode {
            endpoint: self.endpoint,
            status: self.status,
            expected: key,
            source,
        };
        let mut value: serde_json::Value = serde_json::from_str(&self.body).map_err(decode)?;
        let inner = value
            .get_mut(key)
            .map(serde_json::Value::take)
            .ok_or_else(|| decode(serde::de::Error::missing_field(key)))?;
        serde_json::from_value(inner).map_err(decode)
    }

    /// The whole JSON body as `T`.
    ///
    /// # Errors
    /// [`MxError::Decode`] when the body is not a `T`.
    pub fn json<T: DeserializeOwned>(&self, expected: &'static str) -> Result<T, MxError> {
        serde_json::from_str(&self.body).map_err(|source| MxError::Decode {
            endpoint: self.endpoint,
            status: self.status,
            expected,
            source,
        })
    }
}
