//! MX's answers to calls: the call table ([`call`]), the answer turned into a next step
//! ([`classify`], the types it returns in [`outcome`], its rules in [`rule`]) and the
//! `Retry-After` header ([`retry_after`]). Imports [`read`](crate::read),
//! [`model`](crate::model) and [`time`](crate::time); never [`decide`](mod@crate::decide),
//! its sibling.

pub(crate) mod call;
pub(crate) mod classify;
pub(crate) mod outcome;
pub(crate) mod retry_after;
pub(crate) mod rule;
