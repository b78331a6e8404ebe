//! The `error_code`s MX's Connect widget acts on, as one table.
//!
//! A member may carry `error` (`error_type`, `error_code`, `error_message`,
//! `user_message`, `locale`), as an object or as a JSON string; the field appeared in MX's
//! OpenAPI specification in 2025 and was removed again (SPECBAK), so it is optional
//! everywhere. MX's Connect widget (CW-ERRORS \[V-code\]) knows the codes below and routes
//! 2004 and 2005 to credentials (the OAuth window for OAuth members), 2001–2003 to MFA and
//! shows "Please try again later" for 3000–3002; it treats a `CONNECTED` member with an
//! error code as not done. [`ErrorCode::effect`] says what each changes in the engine.

use std::fmt;

/// Declares [`ErrorCode`] and its table.
macro_rules! error_codes {
    ($($variant:ident $code:literal $name:literal, $effect:ident;)+) => {
        /// An MX member `error_code` that MX's Connect widget names (CW-ERRORS \[V-code\]).
        ///
        /// Codes outside this table are kept as numbers in
        /// [`MemberSnapshot::error_code`](crate::MemberSnapshot::error_code) and change
        /// nothing.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum ErrorCode {
            $(
                #[doc = concat!("`", $code, "` ", $name, ".")]
                $variant,
            )+
        }

        impl ErrorCode {
            /// Every known code, in numeric order.
            pub const ALL: [Self; [$($code),+].len()] = [$(Self::$variant),+];

            /// The number MX sends.
            pub const fn code(self) -> u32 {
                match self {
                    $(Self::$variant => $code,)+
                }
            }

            /// The widget's name for the code, e.g. `INSTITUTION_DOWN`.
            pub const fn name(self) -> &'static str {
                match self {
                    $(Self::$variant => $name,)+
                }
            }

            /// The known code with this number, if there is one.
            pub const fn from_code(code: u32) -> Option<Self> {
                match code {
                    $($code => Some(Self::$variant),)+
                    _ => None,
                }
            }

            /// What the code changes in the engine's decision.
            pub const fn effect(self) -> ErrorEffect {
                match self {
                    $(Self::$variant => ErrorEffect::$effect,)+
                }
            }
        }
    };
}

error_codes! {
    NoEligibleAccounts 1000 "NO_ELIGIBLE_ACCOUNTS", Informational;
    NoAccounts 1001 "NO_ACCOUNTS", Informational;
    AccessDenied 1002 "ACCESS_DENIED", Credentials;
    IncorrectOtp 2001 "INCORRECT_OTP", MfaFailed;
    IncorrectMfa 2002 "INCORRECT_MFA", MfaFailed;
    MfaTimeout 2003 "MFA_TIMEOUT", MfaFailed;
    ReauthorizationRequired 2004 "REAUTHORIZATION_REQUIRED", Credentials;
    InvalidCredentials 2005 "INVALID_CREDENTIALS", Credentials;
    InstitutionDown 3000 "INSTITUTION_DOWN", InstitutionUnavailable;
    InstitutionMaintenance 3001 "INSTITUTION_MAINTENANCE", InstitutionUnavailable;
    InstitutionUnavailable 3002 "INSTITUTION_UNAVAILABLE", InstitutionUnavailable;
}

/// What an [`ErrorCode`] changes in the engine's decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ErrorEffect {
    /// Nothing: the code is shown (`user_message`) but the status decides. 1000 concerns
    /// verification jobs only (CW shows it in verify mode only); 1001 "No accounts found"
    /// offers "try again later or connect a different institution" (CW-ERROR-MAP).
    Informational,
    /// The credentials must be entered again: `update_credentials`, or `authorize_oauth` for
    /// an OAuth member (CW routes 2004, 2005 and 1002 to the credentials step, which is the
    /// OAuth step for OAuth members).
    Credentials,
    /// The last job's MFA failed: aggregate again with the end user present; never wait for
    /// a background aggregation, which cannot answer MFA (CW routes 2001–2003 to MFA).
    MfaFailed,
    /// The institution is down or in maintenance: "Please try again later" (CW-ERROR-MAP).
    /// Wait until the cooldown after the job that met it has passed, then let the status
    /// decide.
    InstitutionUnavailable,
}

impl ErrorEffect {
    /// The effect's name in the generated documentation.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Informational => "informational",
            Self::Credentials => "credentials",
            Self::MfaFailed => "mfa_failed",
            Self::InstitutionUnavailable => "institution_unavailable",
        }
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.code(), self.name())
    }
}
