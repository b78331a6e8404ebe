//! What the engine knows about, as types: MX's statuses and error codes, what a payload
//! is, the member snapshot, the policy, the end user's situation, the actions, the rules
//! (reasons), the decision and the MX sources every rule cites. Imports only [`time`](crate::time).

pub(crate) mod action;
pub(crate) mod decision;
pub(crate) mod end_user;
pub(crate) mod error_code;
pub(crate) mod payload;
pub(crate) mod policy;
pub(crate) mod quote;
pub(crate) mod reason;
pub(crate) mod snapshot;
pub(crate) mod sources;
pub(crate) mod status;
