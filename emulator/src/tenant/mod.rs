//! Tenancy: each client id and API key has its own world (users, members, clock, fault
//! plan, outbox) behind its own lock, so parallel tests sharing an emulator do not
//! collide. The HTTP layer finds a request's tenant here; the delivery task and the
//! handle act on one.

pub(crate) mod credentials;
pub(crate) mod state;
pub(crate) mod tenants;
