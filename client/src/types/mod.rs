//! MX's request and response bodies for the member endpoints, shaped after MX's OpenAPI
//! specification v20250224 (`UserResponse`, `MemberResponse`, `MemberStatusResponse`,
//! `ChallengeResponse`, `CredentialResponse`, `OAuthWindowResponse`,
//! `PaginationResponse`, and the request bodies of create, update and resume).
//!
//! Every response field MX marks nullable is an `Option`, and unknown fields are ignored:
//! MX adds fields without a version bump, and a client that rejected them would break on
//! a Tuesday. Request bodies skip absent fields instead of sending `null`.

mod challenge;
mod credential;
mod member;
mod pagination;
mod user;

pub use challenge::{Challenge, ChallengeAnswer, ChallengeKind, ChallengeOption, ImageOption};
pub use credential::{CredentialField, CredentialValue};
pub use member::{Member, MemberCreate, MemberStatus, MemberUpdate, MembersPage, OauthWindow};
pub use pagination::Pagination;
pub use user::{User, UserCreate};
