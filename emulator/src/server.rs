//! The server's public items at their first path: the router and the handles.
//!
//! They live by layer now (`mx_emulator::router`, `mx_emulator::Emulator`,
//! `mx_emulator::TenantHandle` at the crate root); these names stay for code that imports
//! them from `server`.

pub use crate::handle::{Emulator, TenantHandle};
pub use crate::http::router::router;
