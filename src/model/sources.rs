//! The MX documentation and code the rules rest on: one table of source keys.
//!
//! Doc comments, rule sources and the generated documentation cite sources by key
//! (`NEXUS [V]`, `Seed`, `CW [V-code]`), with a confidence tag: **\[V\]** read in MX's
//! documentation, **\[V-code\]** read in MX's own open-source code, **\[3P\]** a
//! third-party copy of MX's documentation. `docs/sources.md` is generated from this table
//! (key → title → URL → the sentence relied on), and a test checks that every tagged
//! citation in the repository names a key of it.

use std::fmt;

/// Declares [`Source`] and its table.
macro_rules! sources {
    ($(
        $variant:ident $key:literal => $title:literal, $url:literal, $quote:literal;
    )+) => {
        /// A source of MX facts that the rules cite, by its short key.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum Source {
            $(
                #[doc = concat!("`", $key, "`: ", $title, " (<", $url, ">).")]
                $variant,
            )+
        }

        impl Source {
            /// Every source, in the order of the sources page.
            pub const ALL: [Self; [$($key),+].len()] = [$(Self::$variant),+];

            /// The short key citations use, e.g. `"NEXUS"`.
            pub const fn key(self) -> &'static str {
                match self {
                    $(Self::$variant => $key,)+
                }
            }

            /// The source's title.
            pub const fn title(self) -> &'static str {
                match self {
                    $(Self::$variant => $title,)+
                }
            }

            /// Where to read it.
            pub const fn url(self) -> &'static str {
                match self {
                    $(Self::$variant => $url,)+
                }
            }

            /// The sentence (paraphrased where MX's wording is long) this crate relies on.
            pub const fn relied_on(self) -> &'static str {
                match self {
                    $(Self::$variant => $quote,)+
                }
            }

            /// The source with this key, if there is one.
            pub fn from_key(key: &str) -> Option<Self> {
                Self::ALL.into_iter().find(|source| source.key() == key)
            }
        }
    };
}

sources! {
    Seed "Seed" => "MX Platform API guide \"Aggregation Methods\" (the page this crate began from)",
        "https://docs.mx.com/aggregation/guides/introduction",
        "You cannot run a new aggregation within three hours of a successful aggregation, whether foreground or background; MX aggregates each member every 24 hours in the background; end users must be present during foreground aggregations.";
    BackgroundForeground "BG" => "MX Platform API: Background and Foreground Aggregation",
        "https://docs.mx.com/api-reference/platform-api/overview/background-foreground",
        "Background aggregation runs about every 24 hours; the member must not have been aggregated in the last 20 hours and must be CONNECTED, UPDATED or CREATED; it can be disabled per member with background_aggregation_is_disabled.";
    Nexus "NEXUS" => "MX members overview: the connection status table",
        "https://docs.mx.com/api-reference/nexus/reference/01-members-overview",
        "Each connection status with its meaning and next step, e.g. null: the member exists without credentials, next step none; CHALLENGED: follow the MFA path, then poll.";
    Fields "FIELDS" => "MX: Important Fields and States",
        "https://docs.mx.com/other/specialized-document-aggregation/important-fields-states",
        "connection_status, is_being_aggregated, aggregated_at and successfully_aggregated_at must be read together to know where an aggregation stands.";
    Mfa "MFA" => "MX: Multi-Factor Authentication",
        "https://docs.mx.com/products/connectivity/overview/mfa",
        "A member in CHALLENGED waits for the end user's answers; answer with PUT …/resume and keep polling; unanswered challenges expire (EXPIRED).";
    Errors "ERR" => "MX Platform API: Errors (HTTP status codes)",
        "https://docs.mx.com/api-reference/platform-api/overview/errors",
        "202 Accepted: the job started, a job of the same type is already running, or a standard aggregation was attempted within the default minimum time (then nothing starts); 409 Conflict: an object with the given attributes already exists, or a job of a different type is running; 400: a premium job the institution does not support; 401/403: credentials, address or feature; 404: invalid item; 405: an endpoint constraint not met; 406: no valid API version; 429: retry once the rate limit window has expired; 5xx: MX's servers (503 while the platform is updated).";
    WebhookConnectionStatus "WH-CS" => "MX webhooks: Connection Status",
        "https://docs.mx.com/resources/webhooks/connection-status",
        "Sent when a member's connection status changes to one that needs the end user; carries connection_status, connection_status_id and member_guid, no timestamps.";
    WebhookMember "WH-M" => "MX webhooks: Member",
        "https://docs.mx.com/resources/webhooks/member",
        "Member webhooks carry the member's fields, with aggregated_at and successfully_aggregated_at as Unix seconds.";
    WebhookAggregation "WH-A" => "MX webhooks: Aggregation",
        "https://docs.mx.com/resources/webhooks/aggregation",
        "Aggregation webhooks fire only after a completed aggregation, background ones included; completed_at is Unix time; type values may be added at any time.";
    WebhookTransactions "WH-T" => "MX webhooks: Transactions",
        "https://docs.mx.com/resources/webhooks/transactions",
        "Transaction webhooks (opt-in) fire when a transaction is created, updated, or deleted; they are MX's only push signal for a deletion.";
    WebhookAccounts "WH-ACC" => "MX webhooks: Accounts",
        "https://docs.mx.com/resources/webhooks/accounts",
        "A partner subscribed to accounts will be notified when an account is created, updated, or deleted in the MX system for any user on that partner's client; the payload carries the account's fields (balance, available_balance, …).";
    Rewards "REW" => "MX Platform API: Fetching Rewards",
        "https://docs.mx.com/api-reference/rewards/overview/fetching-rewards",
        "Any aggregation process will prevent a new standard aggregation for the next three hours.";
    OAuth "OAUTH" => "MX OAuth guide: OAuth in browsers",
        "https://docs.mx.com/resources/oauth-guide/oauth-in-browsers",
        "An OAuth member is authorized through a one-time oauth_window_uri that the end user opens; the member aggregates once the user authorizes.";
    WebhooksOverview "WH" => "MX webhooks: overview and best practices",
        "https://docs.mx.com/resources/webhooks/",
        "The frequency of request retries diminishes over the course of approximately 24 hours, with no more than 12 total retries after an initial request; don't rely on webhooks as triggers in your UX; MX payloads may contain null values or include unexpected new fields.";
    WebhookData "WH-DATA" => "MX webhooks: Balance, Statement, Verification and Rewards",
        "https://docs.mx.com/resources/webhooks/balance",
        "Balance, statement, verification and rewards webhooks notify you when new data is available after a successful fetch (action member_data_updated, completed_at in Unix time); the type values may be added to at any time. Also …/webhooks/statements, …/webhooks/verifications, …/api-reference/rewards/overview/webhook.";
    NexusCreateMember "NEXUS-CREATE" => "MX Nexus API reference: Create member",
        "https://docs.mx.com/api-reference/nexus/reference/create-member",
        "OAuth members will be created with a connection status of PENDING; a one-time use redirect URI will be provided in the oauth_window_uri field of the response.";
    CreateMember "CREATE" => "MX Platform API reference: Create member",
        "https://docs.mx.com/api-reference/platform-api/reference/create-member",
        "OAuth members will not begin aggregation until the user completes authorization; aggregation initiates automatically after the OAuth flow is completed.";
    NexusOAuthWindow "NEXUS-OAUTH-URI" => "MX Nexus API reference: Generate OAuth window URI",
        "https://docs.mx.com/api-reference/nexus/reference/generate-o-auth-window-uri",
        "Generating a new oauth_window_uri is necessary in order to send the end user through the OAuth process again, e.g. when the financial institution has revoked a previous OAuth token or the token has expired.";
    AtriumAggregate "AT-aggregate-member" => "MX Atrium API reference: Aggregate member",
        "https://docs.mx.com/api-reference/atrium/reference/members/aggregate-member",
        "MX automatically attempts to aggregate each member in the background approximately every 24 hours; after an aggregation started with this endpoint, MX will not initiate a background aggregation within the next 20-hour period.";
    AtriumReadStatus "AT-read-member-connection-status" => "MX Atrium API reference: Read Member Connection Status",
        "https://docs.mx.com/api-reference/atrium/reference/members/read-member-connection-status",
        "Poll the status endpoint no more often than every 3 seconds; when is_being_aggregated turns false with CONNECTED, stop polling and read the data.";
    AtriumStatuses "AT-connection-status" => "MX Atrium API reference: Connection Status",
        "https://docs.mx.com/api-reference/atrium/reference/members/connection-status",
        "The challenges array is returned with the CHALLENGED status only.";
    Atrium "Atrium" => "MX Atrium API reference: Members (copied by third parties)",
        "https://docs.mx.com/api-reference/atrium/reference/members/overview",
        "The meanings of the statuses ids 6 to 21 (e.g. RECONNECTED must be aggregated in the foreground; DEGRADED and DISCONNECTED after repeated failures), known from third-party copies of the Atrium reference.";
    Academy "ACAD" => "MX Academy: Member Connection Statuses Overview",
        "https://academy.mx.com/hc/en-us/articles/4708854368525-Member-Connection-Statuses-Overview",
        "CHALLENGED becomes EXPIRED if MFA is not completed; a DELAYED or DEGRADED member should be checked again later.";
    Spec25 "SPEC25" => "MX's OpenAPI specification, API version v20250224",
        "https://github.com/mxenabled/openapi/blob/master/openapi/v20250224.yml",
        "MemberResponse and MemberStatusResponse fields, the connection_status enum of 22 values, needs_updated_credentials, the throttle window (typically three hours).";
    Spec11 "SPEC11" => "MX's OpenAPI specification, API version v20111101",
        "https://github.com/mxenabled/openapi/blob/master/openapi/v20111101.yml",
        "The older API version's member shapes (application/vnd.mx.api.v1+json).";
    ConnectWidget "CW" => "MX's open-source Connect widget",
        "https://github.com/mxenabled/connect-widget",
        "Status ids 0-21 (src/const/Statuses.js); polling every 3000 ms; the 60 s connecting timeout; the error screens' actions per status (src/views/loginError/LoginError.js).";
    ConnectWidgetErrors "CW-ERRORS" => "MX's Connect widget: actionable error codes",
        "https://github.com/mxenabled/connect-widget/blob/10780353adc3ee6fea65c3328a009582bbc3d20c/src/views/actionableError/consts.ts",
        "Codes 1000 NO_ELIGIBLE_ACCOUNTS, 1001 NO_ACCOUNTS, 1002 ACCESS_DENIED, 2001 INCORRECT_OTP, 2002 INCORRECT_MFA, 2003 MFA_TIMEOUT, 2004 REAUTHORIZATION_REQUIRED, 2005 INVALID_CREDENTIALS, 3000 INSTITUTION_DOWN, 3001 INSTITUTION_MAINTENANCE, 3002 INSTITUTION_UNAVAILABLE; 2004 and 2005 require credentials (the OAuth step for OAuth members), 2001-2003 MFA; 3000-3002 say \"Please try again later\" (useActionableErrorMap.tsx); a CONNECTED member with an error code is not done (redux/reducers/Connect.js).";
    SpecBackup "SPECBAK" => "MX's OpenAPI specification, backup copy with MemberResponse.error",
        "https://github.com/mxenabled/openapi/blob/master/openapi/mx_platform_api_backup.yml",
        "MemberResponse.error as a JSON string: {\"error_type\": \"MEMBER\", \"error_code\": 1000, \"error_message\": …, \"user_message\": …, \"locale\": \"en\"}; the field was added to the main specification in 2025 and removed again.";
    Migration "MIGRATION" => "MX Platform API: migrating to API version v20250224",
        "https://docs.mx.com/api-reference/platform-api/overview/migration",
        "After August 12, 2026, all Platform API calls must pass a new Accept-Version header (Accept-Version: v20250224 with Accept: application/json); a request without a valid API version is answered 406.";
    Rfc9110 "RFC9110" => "RFC 9110, HTTP Semantics",
        "https://www.rfc-editor.org/rfc/rfc9110",
        "Retry-After is either delay-seconds or an HTTP-date (§10.2.3); recipients parse the IMF-fixdate and the obsolete RFC 850 and asctime forms (§5.6.7); GET and PUT are idempotent (§9.2.2).";
    AtriumDemo "DEMO" => "MX's atrium-demo application",
        "https://github.com/mxenabled/atrium-demo",
        "Re-aggregates CREATED, RESUMED and RECONNECTED members.";
    CheckBalances "CHECK-BALANCE" => "MX Platform API reference: Check balances",
        "https://docs.mx.com/api-reference/platform-api/reference/check-balances",
        "This endpoint operates much like the aggregate member endpoint except that it gathers only account balance information; it does not gather any transaction data.";
    ExtendHistory "EXT-HISTORY" => "MX Nexus API reference: Extend transaction history",
        "https://docs.mx.com/api-reference/nexus/reference/extend-transaction-history",
        "An extended transaction history with up to 24 months of data, read through the standard transaction endpoints; 202 when an extended history process already runs, 409 when another aggregation-type process runs, 400 when the institution does not support it.";
    FetchStatements "FETCH-STATEMENTS" => "MX Atrium API reference: Fetch statements",
        "https://docs.mx.com/api-reference/atrium/reference/premium-features/fetch-statements",
        "202 when a fetch statements job is already running; 400 when the institution does not support statements; 409 when another aggregation-type process (standard aggregation, verification) runs.";
    WidgetPostMessages "WIDGET-PM" => "MX's widget-post-message-definitions (the Connect widget's events, as its SDKs decode them)",
        "https://github.com/mxenabled/widget-post-message-definitions",
        "Connect widget events are mx/connect/loaded, selectedInstitution, enterCredentials, updateCredentials, memberStatusUpdate (connection_status as a number), submitMFA, oauthRequested (url, member_guid), oauthError, createMemberError and memberConnected (member_guid); every payload carries user_guid and session_guid; a message is {mx: true, type, metadata}.";
    WidgetEvents "WIDGET-EVENTS" => "MX Connect: Widget Events",
        "https://docs.mx.com/connect/widget-events",
        "When key actions occur in the Connect Widget, widget events are sent with type and metadata; all payloads include user_guid and session_guid; webhooks, not widget events, keep data in sync.";
    WidgetWebView "WIDGET-WEBVIEW" => "MX Connect: embedding the Connect Widget in a WebView",
        "https://docs.mx.com/connect/guides/webviews",
        "is_mobile_webview: true makes the widget send messages via window.location = '...' instead of window.postMessage(...); ui_message_webview_url_scheme (default mx) identifies messages and OAuth redirects.";
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.key())
    }
}
