//! Reading an MX payload from JSON: syntax first, meaning second.
//!
//! [`MemberJson`] deserializes any JSON object in one pass, borrowing from the input, and
//! keeps only the fields a decision needs, as raw JSON values; it ignores everything else,
//! including the fields MX types wrongly in its own spec (`most_recent_job_guid` as a
//! boolean, a challenge's `type` as an integer; SPEC25). [`MemberJson::payload_kind`] then
//! recognises what arrived ([`PayloadKind`]) and [`MemberJson::snapshot`] checks the
//! fields that kind carries, saying which one is wrong, and how. A payload that is not a
//! member (`{}`, a page of members, a user, a list of challenges, an account or user
//! webhook) is a [`SnapshotError::NotAMember`] naming what was found, never a decision.
//!
//! The reader in files by concern: [`MemberJson`]'s raw fields (`fields`), the key table
//! that names each key MX may send (`keys`), the serde visitors that fill the fields in
//! one pass (`visitors`), what the fields mean (`meaning`: the payload's kind and the
//! checked snapshot) and the errors (`error`).

mod error;
mod fields;
mod keys;
mod meaning;
mod visitors;

pub use error::SnapshotError;
pub use fields::MemberJson;
