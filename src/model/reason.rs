//! Why the engine decided what it did: one [`Reason`] per rule, in precedence order.
//!
//! The table in [`reasons!`] is the rule list of the generated documentation and of the
//! crate docs; each row names the action the rule leads to, a one-line summary and the MX
//! source. The engine returns exactly one reason with every decision, so a log line or a
//! support ticket can say which rule fired.

use std::fmt;
use std::str::FromStr;

use crate::model::action::ActionKind;

/// Declares [`Reason`] and its table.
macro_rules! reasons {
    ($(
        $variant:ident $code:literal => $action:ident,
        $summary:literal, $source:literal;
    )+) => {
        /// The rule that produced a [`Decision`](crate::Decision).
        ///
        /// Variants are declared in the engine's precedence order: when several rules
        /// could apply, the first one listed wins. Serialized as its snake_case
        /// [`code`](Self::code). New rules may be added in minor versions, hence
        /// `#[non_exhaustive]`: match on [`NextAction`](crate::NextAction) to act, and on
        /// the reason only to explain.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum Reason {
            $(
                #[doc = $summary]
                #[doc = ""]
                #[doc = concat!("Code `", $code, "`; action [`ActionKind::", stringify!($action), "`]. Source: `", $source, "`")]
                $variant,
            )+
        }

        impl Reason {
            /// Every reason, in precedence order.
            pub const ALL: [Self; [$($code),+].len()] = [$(Self::$variant),+];

            /// The snake_case code used in JSON and logs, e.g. `"cooldown"`.
            pub const fn code(self) -> &'static str {
                match self {
                    $(Self::$variant => $code,)+
                }
            }

            /// The reason with this code, if there is one.
            pub fn from_code(code: &str) -> Option<Self> {
                match code {
                    $($code => Some(Self::$variant),)+
                    _ => None,
                }
            }

            /// The only action this rule leads to.
            pub const fn action(self) -> ActionKind {
                match self {
                    $(Self::$variant => ActionKind::$action,)+
                }
            }

            /// What the rule says, in one sentence.
            pub const fn summary(self) -> &'static str {
                match self {
                    $(Self::$variant => $summary,)+
                }
            }

            /// The MX documentation the rule rests on ([`Source`](crate::Source) keys).
            pub const fn source(self) -> &'static str {
                match self {
                    $(Self::$variant => $source,)+
                }
            }
        }
    };
}

reasons! {
    MemberGone "member_gone" => Stop,
        "Member state: MX answered a call about the member with 404 after the newest member payload: the member no longer exists at MX. Forget it; to reconnect, create a new member.",
        "ERR [V]: 404 \"invalid item/id/URL requested\"; HttpRule::MemberGone.";
    ClientConfiguration "client_configuration" => Stop,
        "Member state: MX rejected the service's own request (401, 403, 406, a malformed request) after the newest member payload: the service's configuration is at fault, not the member. Fix it, then read the member again.",
        "ERR [V]: 401 invalid client id or API key, 403 address not allowed or feature not enabled, 406 no valid API version, 400 and 422 a malformed request.";
    OtherJobRunning "other_job_running" => Poll,
        "Member state: after the newest member payload, MX answered a call with 409 (a job of another kind runs) or accepted an MFA answer without showing the member: poll, then make the call again.",
        "ERR [V]: 409 when a job of a different type is running; MFA: resume, then poll.";
    AnswerNeedsRead "answer_needs_read" => ReadMember,
        "Member state: MX's latest answer to a call did not show the member's state (a timeout or 5xx on a create or job call, 204 from challenges, 405 from resume, a 202 whose body does not say): read the member.",
        "ERR [V]: the same 202 means started, running or throttled; SPEC25: 204 from challenges when the member is not CHALLENGED; NEXUS: 405 from resume when it is not challenged.";
    StatusWebhook "status_webhook" => ReadMember,
        "A connection-status webhook: it carries no timestamps and MX retries it for about 24 hours, so it may be late or out of order; read the member (member_guid) and decide on that, whatever status it names.",
        "WH [V]: retries over about 24 hours, \"don't rely on webhooks as triggers in your UX\"; WH-CS [V]: no timestamp fields.";
    DataWebhook "data_webhook" => ReadData,
        "A member_data_updated webhook (aggregation, balance, history, statement, verification, rewards, or a type MX adds): that job finished at completed_at and its data is ready to read.",
        "WH-A [V]: fires only after a completed aggregation, background ones included; WH-DATA [V]: balance, statement, verification and rewards webhooks fire after a successful fetch.";
    MemberReference "member_reference" => ReadMember,
        "A payload that names the member but says nothing to decide on: a member envelope with a guid and no status (the oauth_window_uri response, slimmer responses), or a member_data_updated webhook built without completed_at; read the member.",
        "SPEC25 [V]: OAuthWindowResponse holds only guid and oauth_window_uri.";
    ManualMember "manual_member" => Stop,
        "is_manual is true: a manual member has no credentials and MX never aggregates it.",
        "NEXUS [V]: a manual member's status is always null, next step none.";
    TerminalStatus "terminal_status" => Stop,
        "The status is CLOSED, DISABLED or DISCONTINUED: MX will not aggregate the member again, whatever else it says.",
        "Seed, \"you should not attempt aggregation on a member with the following connection statuses\".";
    MfaChallenge "mfa_challenge" => AnswerMfa,
        "The status is CHALLENGED: the aggregation waits for the end user's MFA answer, even while is_being_aggregated is true.",
        "NEXUS [V]; MFA [V]: answer with PUT …/resume, then poll.";
    AggregationInProgress "aggregation_in_progress" => Poll,
        "MX is aggregating the member (is_being_aggregated is true): read it again after the poll backoff.",
        "Seed; AT-read-member-connection-status [V]: minimum polling interval 3 seconds.";
    NoCredentials "no_credentials" => Stop,
        "The status is null: the member has no credentials (a manual member) and MX never aggregates it.",
        "NEXUS [V]: null means the member exists without credentials; next step none.";
    OauthReauthorization "oauth_reauthorization" => AuthorizeOauth,
        "An OAuth member (is_oauth true) that a credentials rule would send to credential entry (needs_updated_credentials, PREVENTED, DENIED, IMPAIRED, IMPORTED, or error_code 1002, 2004, 2005): OAuth members have no typed credentials; send the end user through a new one-time oauth_window_uri.",
        "OAUTH [V]: oauth_window_uris are one-time use; NEXUS-OAUTH-URI [V]: a new URI sends the user through OAuth again when the token was revoked or expired; CW [V-code]: the credentials step is the OAuth step for OAuth members.";
    NeedsUpdatedCredentials "needs_updated_credentials" => UpdateCredentials,
        "needs_updated_credentials is true: MX will not aggregate the member until its credentials are updated.",
        "SPEC25 [V]: MemberResponse.needs_updated_credentials.";
    CredentialsRequired "credentials_required" => UpdateCredentials,
        "The status is PREVENTED, DENIED, IMPAIRED or IMPORTED: MX needs new credentials before it aggregates again.",
        "Seed, \"you must update credentials before aggregating\"; NEXUS [V].";
    CredentialsError "credentials_error" => UpdateCredentials,
        "A member that is not OAuth carries error_code 1002 (ACCESS_DENIED), 2004 (REAUTHORIZATION_REQUIRED) or 2005 (INVALID_CREDENTIALS): the credentials must be entered again.",
        "CW-ERRORS [V-code]: CODES_REQUIRING_CREDENTIALS are 2004 and 2005; 1002 leads to the credentials step.";
    OauthPending "oauth_pending" => AuthorizeOauth,
        "An OAuth member (is_oauth true) in PENDING: MX waits for the end user to authorize in the institution's OAuth window before it aggregates.",
        "NEXUS-CREATE [V]: OAuth members are created PENDING with a one-time oauth_window_uri; CREATE [V]: they do not aggregate until the user authorizes.";
    PendingCredentials "pending_credentials" => UpdateCredentials,
        "A member that is not OAuth (is_oauth false) in PENDING: MX documents no meaning for it; MX's widget sends it to credential entry, so the end user updates the member.",
        "CW [V-code]: PENDING and DENIED lead to the credentials step whatever is_oauth says; SPEC25 [V]: PENDING listed without a meaning.";
    OauthUnknown "oauth_unknown" => ReadMember,
        "PENDING, or a credentials rule, on a payload that does not say whether the member is OAuth (status reads and webhooks lack is_oauth): read the member to choose between the OAuth window and credential entry.",
        "SPEC25 [V]: MemberStatusResponse has no is_oauth; OAUTH [V]: OAuth members never take credentials.";
    InstitutionActionRequired "institution_action_required" => ResolveAtInstitution,
        "The status is LOCKED or IMPEDED: the end user must act on the institution's website first.",
        "NEXUS [V] (LOCKED); Atrium [3P] and CW [V-code] LoginError: \"visit website, then refresh\" (IMPEDED).";
    FreshData "fresh_data" => ReadData,
        "The member is CONNECTED and its last successful aggregation is younger than the freshness window (fresh_for): read the data, no aggregation needed.",
        "Seed: a success within the last 24 hours lets you skip foreground aggregation.";
    AggregationStarting "aggregation_starting" => Poll,
        "A transient status (CREATED, UPDATED, RESUMED) with a recent aggregated_at: MX has started or is about to start a job and has not flipped is_being_aggregated yet; poll.",
        "Seed: transient statuses \"may require you to keep making read requests on the member\"; Policy::transient_stall.";
    AggregationDelayed "aggregation_delayed" => Poll,
        "The status is DELAYED: MX says the aggregation takes longer than expected; look again after delayed_recheck.",
        "Atrium [3P]; ACAD: check back later; Policy::delayed_recheck.";
    InstitutionUnavailable "institution_unavailable" => Wait,
        "error_code 3000, 3001 or 3002: the institution is down, in maintenance or not responding; try again once the cooldown after the job that met it is over, not now.",
        "CW-ERRORS [V-code]: \"Please try again later\" for 3000-3002; REW [V]: any aggregation process blocks a new one for three hours.";
    TimeOutOfRange "time_out_of_range" => Stop,
        "A time the decision would carry cannot be written as RFC 3339 (years 0000-9999): a wait would end after 9999-12-31T23:59:59Z, or the data to read is dated outside those years. The member's timestamps or the clock are corrupt. Fix the data or the clock; the member itself may be fine.",
        "This crate: checked time arithmetic, never a panic; the pinned JSON writes times as RFC 3339.";
    BackgroundAggregation "background_aggregation" => Wait,
        "End user absent, and the member would be aggregated: MX aggregates it in the background about every 24 hours (CONNECTED, and stalled CREATED or UPDATED, with background aggregation on), so wait for the expected background aggregation, then decide again.",
        "Seed: MX aggregates each member every 24 hours; AT-aggregate-member [V]: approximately every 24 hours; BG [V]: CONNECTED, UPDATED or CREATED; Policy::background_interval.";
    MxThrottled "mx_throttled" => Wait,
        "Member state: MX answered aggregate with a 202 that started nothing (its throttle window), and the member would be aggregated before the end of the window that answer implied: wait until then.",
        "ERR [V]: 202 when a standard aggregation is attempted within the default minimum time; HttpRule::Throttled.";
    Cooldown "cooldown" => Wait,
        "The member would be aggregated, but its latest job of any kind (aggregated_at) or its last success started less than the cooldown ago, or in the future: wait until the cooldown ends.",
        "REW [V]: \"any aggregation process will prevent a new standard aggregation for the next three hours\"; ERR [V]: such a call is accepted without running; Seed counts from a successful aggregation only (Policy::cooldown_from_any_job).";
    BackgroundUnknown "background_unknown" => ReadMember,
        "End user absent, and whether MX aggregates the member in the background decides what to do, but the payload does not say (no background_aggregation_is_disabled): read the member.",
        "Seed: background aggregation can be disabled per member, by default in verification mode, or client-wide; Policy::assume_background_aggregation.";
    StaleData "stale_data" => Aggregate,
        "The member is CONNECTED but has no successful aggregation within the freshness window (fresh_for): aggregate in the foreground.",
        "Seed: foreground aggregation with the end user present.";
    AggregationFailed "aggregation_failed" => Aggregate,
        "The status is FAILED, DEGRADED or DISCONNECTED: aggregate again with the end user present.",
        "Seed, \"aggregation can be attempted\" for these statuses.";
    MfaFailed "mfa_failed" => Aggregate,
        "The status is REJECTED or EXPIRED, or error_code is 2001, 2002 or 2003, and no job runs: the MFA step failed; aggregate again with the end user present to answer a new challenge (also when the end user is absent: a background aggregation cannot answer MFA).",
        "NEXUS [V]: after REJECTED the aggregation may need restarting; seed lists EXPIRED as aggregatable; CW offers \"try again\" for both.";
    ForegroundRequired "foreground_required" => Aggregate,
        "The status is RECONNECTED: MX will not aggregate it in the background, so aggregate in the foreground with the end user present.",
        "Atrium [3P]: reconnected members must be re-aggregated in the foreground.";
    AggregationStalled "aggregation_stalled" => Aggregate,
        "A transient or DELAYED status whose aggregated_at is older than its stall window, or missing: the aggregation stalled; start a new one.",
        "Seed, \"aggregation can be attempted\" for CREATED and UPDATED; DEMO [V-code] re-aggregates CREATED and RESUMED; Policy::transient_stall, Policy::delayed_stall.";
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// A reason code that names no rule.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown reason {0:?}")]
pub struct UnknownReason(pub String);

impl FromStr for Reason {
    type Err = UnknownReason;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::from_code(s).ok_or_else(|| UnknownReason(s.to_owned()))
    }
}

impl serde::Serialize for Reason {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.code())
    }
}

impl<'de> serde::Deserialize<'de> for Reason {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let code = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        code.parse().map_err(serde::de::Error::custom)
    }
}
