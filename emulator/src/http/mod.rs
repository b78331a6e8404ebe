//! MX's Platform API over HTTP: the route table, the gate every request passes
//! (credentials, API version, rate limit, fault plan), the extractors, the answers and one
//! file of handlers per group of endpoints. axum is used here and nowhere below.
//!
//! A handler reads the request, calls the model under the tenant's lock, and writes the
//! model's answer or refusal in MX's envelopes.

pub(crate) mod auth;
pub(crate) mod error;
pub(crate) mod explain;
pub(crate) mod extract;
pub(crate) mod gate;
pub(crate) mod respond;
pub(crate) mod router;
pub(crate) mod routes;
pub mod unserved;
pub mod version;
