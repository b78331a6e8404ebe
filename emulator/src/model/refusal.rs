//! Why MX refuses a request, in the model's words; the HTTP layer turns each kind into
//! its status (404, 400, 409, 405).

/// A request MX refuses, and what is wrong with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Refusal {
    /// What the request names does not exist (404): `"member not found"`.
    NotFound(&'static str),
    /// The request is not one MX accepts (400), with what is wrong in it.
    Invalid(String),
    /// The member's state forbids it now (409), e.g. a job still running.
    Conflict(String),
    /// The call does not apply to the member's state (405), e.g. resuming a member that
    /// is not challenged.
    NotAllowed(String),
}

/// A model function's answer: the value, or MX's refusal.
pub(crate) type Refused<T> = Result<T, Refusal>;
