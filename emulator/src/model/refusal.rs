//! Why MX refuses a request, in the model's words; the HTTP layer turns each kind into
//! its status (404, 400, 409, 405).

/// A request MX refuses, and what is wrong with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Refusal {
    /// What the request names does not exist (404): `"member not found"`.
    NotFound(&'static str),
}

/// A model function's answer: the value, or MX's refusal.
pub(crate) type Refused<T> = Result<T, Refusal>;
