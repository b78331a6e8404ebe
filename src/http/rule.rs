//! The rules that turn MX's answer to a call into a [`NextStep`](crate::NextStep): one
//! table, read by [`Call::classify`](crate::Call::classify), the generated documentation
//! and the tests.
//!
//! Sources are [`Source`](crate::Source) keys, as elsewhere in the crate: ERR is MX's
//! errors page (Platform API, both versions: the status table with the three kinds of
//! `202`, the two kinds of `409`, `400` for an unsupported premium job, `406` for a missing
//! or invalid API version, `429` "retried once the rate limit window has expired"), SPEC25
//! the v20250224 OpenAPI spec, NEXUS MX's members reference, MIGRATION MX's guide to the
//! v20250224 headers; RFC9110 is the HTTP semantics RFC (`Retry-After`, §10.2.3).

use std::fmt;

/// Declares [`HttpRule`] and its table.
macro_rules! http_rules {
    ($(
        $variant:ident $code:literal => $step:literal,
        $answer:literal, $calls:literal, $summary:literal, $source:literal;
    )+) => {
        /// The rule of [`Call::classify`](crate::Call::classify) that chose a
        /// [`NextStep`](crate::NextStep): for logs, support and the documentation. Match
        /// on the step to act, on the rule only to explain. Serialized as its
        /// [`code`](Self::code).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum HttpRule {
            $(
                #[doc = $summary]
                #[doc = ""]
                #[doc = concat!("Answer: ", $answer, "; calls: ", $calls, "; step `", $step, "`. Source: `", $source, "`")]
                $variant,
            )+
        }

        impl HttpRule {
            /// Every rule, in the order [`Call::classify`](crate::Call::classify) tries them.
            pub const ALL: [Self; [$($code),+].len()] = [$(Self::$variant),+];

            /// The snake_case code, e.g. `"throttled"`.
            pub const fn code(self) -> &'static str {
                match self { $(Self::$variant => $code,)+ }
            }

            /// The answer the rule reads: HTTP status and, where it matters, the body.
            pub const fn answer(self) -> &'static str {
                match self { $(Self::$variant => $answer,)+ }
            }

            /// The calls the rule applies to.
            pub const fn calls(self) -> &'static str {
                match self { $(Self::$variant => $calls,)+ }
            }

            /// The [`NextStep::name`](crate::NextStep::name) the rule leads to.
            pub const fn step(self) -> &'static str {
                match self { $(Self::$variant => $step,)+ }
            }

            /// What the rule says, in one or two sentences.
            pub const fn summary(self) -> &'static str {
                match self { $(Self::$variant => $summary,)+ }
            }

            /// The sources the rule rests on (keys of `docs/sources.md`).
            pub const fn source(self) -> &'static str {
                match self { $(Self::$variant => $source,)+ }
            }
        }
    };
}

http_rules! {
    RetriesExhausted "retries_exhausted" => "give_up",
        "timeout, 5xx or 429, after Policy::retry_limit failures in a row", "all",
        "The same call failed too often in a row: stop retrying and report it; the member may be fine.",
        "This crate: Policy::retry_limit (MX documents no retry budget).";
    Answered "answered" => "done",
        "2xx", "create, create_user, read, status, update, oauth_window_uri, challenges (200), the data lists, the other reads and the deletes",
        "MX answered: the body is the member (or its challenges, its OAuth URI, or a page of its data); fold a member into the member state and decide.",
        "SPEC25: the response codes of each member endpoint.";
    JobRunning "job_running" => "poll_job",
        "200 or 202 with is_being_aggregated true", "aggregate, verify, identify",
        "A job runs: the one just started, or one of the same kind that was already running. Do not repeat the call; poll.",
        "ERR [V]: 202 when the job is processing or a job of the same type is already running.";
    Throttled "throttled" => "throttled",
        "200 or 202 with is_being_aggregated false", "aggregate",
        "MX accepted the call and started nothing: the member is inside MX's throttle window after its last job. Do not call aggregate again before the window ends.",
        "ERR [V]: 202 when a standard aggregation was attempted within the default minimum time; SPEC25 aggregate: \"MX may not initiate an aggregation event\"; REW: any aggregation-type job blocks standard aggregation for three hours.";
    JobNotReported "job_not_reported" => "read_member",
        "2xx whose body does not say whether a job runs (no member, no is_being_aggregated; or false on a premium job)", "aggregate, verify, identify",
        "The answer does not tell a started job from one that was not started: read the member and decide on it.",
        "ERR [V]: the same 202 means started, already running or throttled; only the body tells them apart.";
    MfaAnswerSent "mfa_answer_sent" => "poll_job",
        "2xx", "resume",
        "MX took the MFA answers; whether they were right shows in the status (RESUMED, then CONNECTED, CHALLENGED again or REJECTED): poll.",
        "SPEC25: resume answers 202; MFA: answer with PUT …/resume, then poll.";
    NoChallenges "no_challenges" => "read_member",
        "204", "challenges",
        "The member is not CHALLENGED (any more): there is nothing to answer. Read the member and decide.",
        "SPEC25 list member challenges: 204 No Content when the member is not CHALLENGED.";
    NotChallenged "not_challenged" => "read_member",
        "405", "resume",
        "The member is not CHALLENGED, so there is nothing to resume: the challenge expired or was answered. Read the member and decide.",
        "NEXUS: 405 for resume on a member that is not challenged; ERR [V]: 405 \"a constraint on the requested endpoint wasn't met\".";
    AlreadyExists "already_exists" => "already_exists",
        "409", "create, create_user, update",
        "An object with the given attributes already exists: the member was created before (perhaps by a call whose answer was lost). Not a job conflict.",
        "ERR [V]: 409 \"an object with the given attributes already exists\".";
    OtherJobRunning "other_job_running" => "other_job_running",
        "409", "aggregate, verify, identify, resume",
        "A job of a different kind runs on the member: poll until it ends, then make the call again.",
        "ERR [V]: 409 when a job of a different type is running (verify during a standard aggregation).";
    PremiumUnsupported "premium_unsupported" => "not_supported",
        "400", "verify, identify",
        "The institution does not support this premium job: do not retry it for this member.",
        "ERR [V]: 400 when a premium aggregation-type job is requested but the institution does not support it.";
    RateLimited "rate_limited" => "retry",
        "429", "all",
        "Too many requests: repeat the call after Retry-After (seconds or an HTTP date) when MX sends one, else after Policy::rate_limit_wait, doubling with each 429.",
        "ERR [V]: 429 \"should be retried once the rate limit window has expired\"; RFC9110 §10.2.3 Retry-After.";
    AmbiguousCreate "ambiguous_create" => "check_before_retry",
        "no answer (timeout) or 5xx", "create, create_user",
        "The create may have taken effect: list the user's members and look for yours (by your id) before creating again, so no member is created twice.",
        "ERR [V]: 5xx \"something went wrong with MX's servers\"; 409 on a duplicate create.";
    AmbiguousJob "ambiguous_job" => "check_before_retry",
        "no answer (timeout) or 5xx", "aggregate, verify, identify, resume",
        "The job may have started, or the MFA answer may have arrived: read the member's status before repeating the call, and poll if a job runs.",
        "ERR [V]: 5xx; MFA: each challenge has its own guid, and a new challenge may follow an answer.";
    ServerError "server_error" => "retry",
        "no answer (timeout) or 5xx", "read, status, update, oauth_window_uri, challenges, the data lists, the other reads and the deletes",
        "MX did not answer, or failed: repeat the call after the backoff (Policy::retry_min, doubling to Policy::retry_max). Reads and PUTs are safe to repeat.",
        "ERR [V]: 500, 502, 504 \"something went wrong\", 503 \"the MX Platform is being updated\"; RFC9110 §9.2.2 idempotent methods.";
    MemberGone "member_gone" => "member_gone",
        "404", "read, status, aggregate, verify, identify, resume, update, oauth_window_uri, challenges, the data lists, the other reads and the deletes",
        "The member (or its user) no longer exists at MX: forget it; no call about it will succeed.",
        "ERR [V]: 404 \"invalid item/id/URL requested\".";
    UserNotFound "user_not_found" => "fix_client",
        "404", "create, create_user",
        "The user the member was to be created under does not exist, or the URL is wrong: the service's data, not a member, is at fault.",
        "ERR [V]: 404 \"invalid item/id/URL requested\".";
    Unauthorized "unauthorized" => "fix_client",
        "401", "all",
        "MX rejected the client id or API key: fix the service's configuration; the member is not at fault.",
        "ERR [V]: 401 invalid MX-API-Key or MX-Client-ID; SPEC25: basic authentication with client_id and api_key.";
    Forbidden "forbidden" => "fix_client",
        "403", "all",
        "The request came from an address MX does not allow, or the feature is not enabled for the client: a contract or configuration matter, not the member's.",
        "ERR [V]: 403 non-whitelisted address or feature not available to the client.";
    BadApiVersion "bad_api_version" => "fix_client",
        "406", "all",
        "The request named no valid API version: send Accept-Version: v20250224 with Accept: application/json (or the v20111101 vendor Accept header).",
        "ERR [V]: 406 \"didn't specify a valid API version\"; MIGRATION: Accept-Version required after August 12, 2026.";
    NotAllowed "not_allowed" => "fix_client",
        "405", "all but resume",
        "A constraint of the endpoint was not met (for example a user's member limit): the request cannot succeed as sent.",
        "ERR [V]: 405 \"a constraint on the requested endpoint wasn't met\"; AT-overview: 25 members per user [legacy].";
    BadRequest "bad_request" => "fix_client",
        "400, 422, 409 on a read, or another 4xx", "all (400: all but verify, identify)",
        "The request is malformed or cannot be processed (a required parameter is missing): fix the request; repeating it changes nothing.",
        "ERR [V]: 400 \"a required parameter was missing\", 422 \"the data provided cannot be processed\".";
    UnexpectedStatus "unexpected_status" => "fix_client",
        "1xx, 3xx or a number outside 100-599", "all",
        "MX documents no such answer (it does not redirect): the HTTP client or a proxy in between is misbehaving.",
        "ERR [V]: the documented status codes.";
}

impl fmt::Display for HttpRule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl serde::Serialize for HttpRule {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.code())
    }
}
