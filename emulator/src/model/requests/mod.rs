//! What MX does when a call arrives: each function checks the call against the member's
//! state and MX's rules, makes the change, and returns what happened or MX's
//! [`Refusal`](crate::model::refusal::Refusal). The HTTP layer only reads the request and
//! writes the answer.

pub(crate) mod jobs;
pub(crate) mod members;
pub(crate) mod mfa;
pub(crate) mod oauth;
pub(crate) mod users;
pub(crate) mod widget;
