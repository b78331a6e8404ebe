//! MX's request and response bodies, shaped after MX's OpenAPI specification v20250224:
//! the member endpoints (`UserResponse`, `MemberResponse`, `MemberStatusResponse`,
//! `ChallengeResponse`, `CredentialResponse`, `OAuthWindowResponse`, and the request
//! bodies of create, update and resume), the data a member holds (`AccountResponse`,
//! `TransactionResponse`, `AccountNumberResponse`, `AccountOwnerResponse`,
//! `InvestmentHoldingResponse`, `StatementResponse`), `InstitutionResponse` and
//! `PaginationResponse`.
//!
//! Every response field MX marks nullable is an `Option`, and unknown fields are ignored:
//! MX adds fields without a version bump, and a client that rejected them would break on
//! a Tuesday. Request bodies skip absent fields instead of sending `null`.

mod account;
mod challenge;
mod credential;
mod holding;
mod institution;
mod member;
mod pagination;
mod transaction;
mod user;

pub use account::{
    Account, AccountNumber, AccountNumbersPage, AccountOwner, AccountOwnersPage, AccountsPage,
};
pub use challenge::{Challenge, ChallengeAnswer, ChallengeKind, ChallengeOption, ImageOption};
pub use credential::{CredentialField, CredentialValue};
pub use holding::{Holding, HoldingsPage, Statement, StatementsPage};
pub use institution::{Institution, InstitutionsPage};
pub use member::{Member, MemberCreate, MemberStatus, MemberUpdate, MembersPage, OauthWindow};
pub use pagination::Pagination;
pub use transaction::{ListedRow, Transaction, TransactionStatus, TransactionsPage};
pub use user::{User, UserCreate};
