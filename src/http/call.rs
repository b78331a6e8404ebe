//! The MX calls a service makes, whose answers [`Call::classify`] turns into a next step.
//!
//! One table, the only call vocabulary of the workspace: each call's JSON name, method
//! and path (SPEC25 paths) and what a repeat of it risks, which decides how a timeout or
//! a `5xx` is handled. Besides the member calls it lists the users, the member list,
//! deletes, an institution's credential fields and single account and transaction reads,
//! so that the client and the emulator name every MX call from here. The member's data lists (accounts, transactions, account numbers and owners, holdings,
//! statements; SPEC25 `listMemberAccounts`, `listTransactionsByMember`, …) are reads:
//! classified like any `GET`, never folded as a member.

use std::fmt;

/// Declares [`Call`] and its table.
macro_rules! calls {
    ($(
        $(#[$doc:meta])*
        $variant:ident $name:literal, $request:literal, $kind:ident;
    )+) => {
        /// One call a service makes to MX.
        ///
        /// Serialized as its snake_case [`name`](Self::name), the `"call"` of a `replay`
        /// observation.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Call {
            $(
                #[doc = concat!("`", $request, "`.")]
                $(#[$doc])*
                $variant,
            )+
        }

        impl Call {
            /// Every call, in declaration order.
            pub const ALL: [Self; [$($name),+].len()] = [$(Self::$variant),+];

            /// The JSON name, e.g. `"oauth_window_uri"`.
            pub const fn name(self) -> &'static str {
                match self {
                    $(Self::$variant => $name,)+
                }
            }

            /// The call with this JSON name, if there is one.
            pub fn from_name(name: &str) -> Option<Self> {
                match name {
                    $($name => Some(Self::$variant),)+
                    _ => None,
                }
            }

            /// The HTTP method and path (SPEC25 paths).
            pub const fn request(self) -> &'static str {
                match self {
                    $(Self::$variant => $request,)+
                }
            }

            /// True for the calls that start an aggregation-type job: a standard
            /// aggregation or a premium job (SPEC25: "A job can be a normal aggregation, or
            /// a premium job such as identification, verification, fetching statements,
            /// or fetching an extended transaction history").
            pub const fn starts_job(self) -> bool {
                matches!(self.kind(), CallKind::StartsJob)
            }

            /// True for the premium jobs: every job call but the standard aggregation.
            /// MX answers `400` when the institution does not support one (ERR).
            pub const fn is_premium_job(self) -> bool {
                self.starts_job() && !matches!(self, Self::Aggregate)
            }

            pub(crate) const fn kind(self) -> CallKind {
                match self {
                    $(Self::$variant => CallKind::$kind,)+
                }
            }
        }
    };
}

calls! {
    Create "create", "POST /users/{user}/members", Create;
    Read "read", "GET /users/{user}/members/{member}", Idempotent;
    Status "status", "GET /users/{user}/members/{member}/status", Idempotent;
    Aggregate "aggregate", "POST /users/{user}/members/{member}/aggregate", StartsJob;
    Verify "verify", "POST /users/{user}/members/{member}/verify", StartsJob;
    Identify "identify", "POST /users/{user}/members/{member}/identify", StartsJob;
    ///
    /// A premium job that reads the accounts' balances only (SPEC25 `checkBalances`).
    CheckBalance "check_balance", "POST /users/{user}/members/{member}/check_balance", StartsJob;
    ///
    /// A premium job that reads up to 24 months of transactions (SPEC25 `extendHistory`).
    ExtendHistory "extend_history", "POST /users/{user}/members/{member}/extend_history", StartsJob;
    ///
    /// A premium job that reads the accounts' statements (SPEC25 `fetchStatements`).
    FetchStatements "fetch_statements", "POST /users/{user}/members/{member}/fetch_statements", StartsJob;
    Resume "resume", "PUT /users/{user}/members/{member}/resume", AnswersMfa;
    Update "update", "PUT /users/{user}/members/{member}", Update;
    OauthWindowUri "oauth_window_uri", "GET /users/{user}/members/{member}/oauth_window_uri", Idempotent;
    Challenges "challenges", "GET /users/{user}/members/{member}/challenges", Idempotent;
    ListAccounts "list_accounts", "GET /users/{user}/members/{member}/accounts", Idempotent;
    ListTransactions "list_transactions", "GET /users/{user}/members/{member}/transactions", Idempotent;
    ListAccountTransactions "list_account_transactions", "GET /users/{user}/members/{member}/accounts/{account}/transactions", Idempotent;
    ListUserAccounts "list_user_accounts", "GET /users/{user}/accounts", Idempotent;
    ListUserTransactions "list_user_transactions", "GET /users/{user}/transactions", Idempotent;
    ListAccountNumbers "list_account_numbers", "GET /users/{user}/members/{member}/account_numbers", Idempotent;
    ListAccountOwners "list_account_owners", "GET /users/{user}/members/{member}/account_owners", Idempotent;
    ListHoldings "list_holdings", "GET /users/{user}/members/{member}/investment_holdings", Idempotent;
    ListStatements "list_statements", "GET /users/{user}/members/{member}/statements", Idempotent;
    ///
    /// Creates the user a member belongs to (SPEC25 `createUser`). A blind repeat after a
    /// lost answer can create a second user, so the answer is checked first, as for a
    /// member.
    CreateUser "create_user", "POST /users", Create;
    ///
    /// Reads one user (SPEC25 `readUser`).
    ReadUser "read_user", "GET /users/{user}", Idempotent;
    ///
    /// Deletes a user and every member of it (SPEC25 `deleteUser`). Idempotent in effect:
    /// a repeat finds the user gone (`404`) and changes nothing more.
    DeleteUser "delete_user", "DELETE /users/{user}", Idempotent;
    ///
    /// One page of the user's members (SPEC25 `listMembers`).
    ListMembers "list_members", "GET /users/{user}/members", Idempotent;
    ///
    /// Deletes a member (SPEC25 `deleteMember`). Idempotent in effect: a repeat finds
    /// the member gone (`404`) and changes nothing more.
    DeleteMember "delete_member", "DELETE /users/{user}/members/{member}", Idempotent;
    ///
    /// The credential fields an institution asks for when a member is created (SPEC25
    /// `listInstitutionCredentials`).
    Credentials "credentials", "GET /institutions/{institution}/credentials", Idempotent;
    ///
    /// Reads one of the user's accounts (SPEC25 `readAccount`).
    ReadAccount "read_account", "GET /users/{user}/accounts/{account}", Idempotent;
    ///
    /// Reads one account of a member (SPEC25 `readAccountByMember`).
    ReadMemberAccount "read_member_account", "GET /users/{user}/members/{member}/accounts/{account}", Idempotent;
    ///
    /// One account's transactions, at the user level (SPEC25 `listTransactionsByAccount`).
    ListUserAccountTransactions "list_user_account_transactions", "GET /users/{user}/accounts/{account}/transactions", Idempotent;
    ///
    /// Reads one transaction (SPEC25 `readTransaction`).
    ReadTransaction "read_transaction", "GET /users/{user}/transactions/{transaction}", Idempotent;
    ///
    /// One page of the institutions (SPEC25 `listInstitutions`), filtered by name and
    /// supported products.
    ListInstitutions "list_institutions", "GET /institutions", Idempotent;
    ///
    /// Reads one institution (SPEC25 `readInstitution`).
    ReadInstitution "read_institution", "GET /institutions/{institution}", Idempotent;
    ///
    /// A statement's PDF (SPEC25 `downloadStatementPDF`), before the statement read, whose
    /// path it extends.
    DownloadStatementPdf "download_statement_pdf", "GET /users/{user}/members/{member}/statements/{statement}.pdf", Idempotent;
    ///
    /// Reads one statement of a member (SPEC25 `readStatementByMember`).
    ReadStatement "read_statement", "GET /users/{user}/members/{member}/statements/{statement}", Idempotent;
    ///
    /// One account's full account and routing numbers (SPEC25 `listAccountNumbersByAccount`).
    ListAccountNumbersByAccount "list_account_numbers_by_account", "GET /users/{user}/accounts/{account}/account_numbers", Idempotent;
    ///
    /// The user's investment holdings, every member's (SPEC25 `listHoldings`).
    ListUserHoldings "list_user_holdings", "GET /users/{user}/investment_holdings", Idempotent;
    ///
    /// Reads one investment holding (SPEC25 `readHolding`).
    ReadHolding "read_holding", "GET /users/{user}/investment_holdings/{holding}", Idempotent;
    ///
    /// One account's investment holdings (SPEC25 `listHoldingsByAccount`).
    ListAccountHoldings "list_account_holdings", "GET /users/{user}/accounts/{account}/investment_holdings", Idempotent;
}

/// What repeating a call risks: the column of the table that decides timeouts, `5xx`,
/// `400`, `405` and `409`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CallKind {
    /// Creates a member: a blind repeat after a lost answer can create it twice.
    Create,
    /// Starts a job (standard or premium): a lost answer may hide a job that started.
    StartsJob,
    /// Sends MFA answers: a blind repeat could send an old answer to a new challenge.
    AnswersMfa,
    /// Replaces credentials or metadata (`PUT`, idempotent), and may restart aggregation.
    Update,
    /// Reads (`GET`): repeating changes nothing at MX. `oauth_window_uri` mints a new
    /// one-time URI each time, which is harmless. Deletes (`DELETE`) are idempotent in
    /// effect: a repeat finds the user or member gone and changes nothing more.
    Idempotent,
}

impl fmt::Display for Call {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl serde::Serialize for Call {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.name())
    }
}

impl<'de> serde::Deserialize<'de> for Call {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let name = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        Self::from_name(&name).ok_or_else(|| {
            let names: Vec<&str> = Self::ALL.iter().map(|call| call.name()).collect();
            serde::de::Error::custom(format_args!(
                "unknown call {name:?}; expected one of {}",
                names.join(", ")
            ))
        })
    }
}
