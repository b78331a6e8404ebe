//! The Connect widget's state: the single-use widget URLs `POST /users/{u}/widget_urls`
//! hands out, the sessions a loaded URL opens, and the step a session shows for a member.
//!
//! MX (SPEC25, `POST /users/{user_guid}/widget_urls`): "The URL expires after ten minutes
//! or upon first use, whichever occurs first." The emulator counts the ten minutes on the
//! virtual clock and the use when the page is loaded; a URL past either answers 410, as
//! a page that says it expired. Loading the URL opens a session (`SES-` GUID), which the
//! page's later requests name and which MX's widget events carry as `session_guid`
//! (WIDGET-PM).

use std::collections::HashMap;

use chrono::{DateTime, TimeDelta, Utc};
use mx_aggregation::ConnectionStatus;

use crate::model::member::{Member, Stage};

/// How long an unused widget URL stays valid (SPEC25: "expires after ten minutes").
pub(crate) const URL_LIFETIME: TimeDelta = TimeDelta::minutes(10);

/// How long a URL's record is kept after it expired or was used, so that loading it again
/// answers 410 rather than 404; older records are forgotten when a new URL is issued.
const KEPT_AFTER_EXPIRY: TimeDelta = TimeDelta::hours(24);

/// What the widget runs for the members it creates (SPEC25 `mode`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mode {
    /// `aggregation` (the default): a standard aggregation.
    Aggregation,
    /// `verification`: an instant account verification, and background aggregation off
    /// unless `disable_background_agg` is false.
    Verification,
}

impl Mode {
    /// The mode MX names `text`.
    pub(crate) fn parse(text: &str) -> Option<Self> {
        match text {
            "aggregation" => Some(Self::Aggregation),
            "verification" => Some(Self::Verification),
            _ => None,
        }
    }

    /// MX's name of the mode.
    pub(crate) const fn as_str(self) -> &'static str {
        match self {
            Self::Aggregation => "aggregation",
            Self::Verification => "verification",
        }
    }
}

/// SPEC25 `color_scheme`: "options are `light`, `dark`, and `browser` (respects user's
/// browser setting). Defaults to `light`."
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ColorScheme {
    /// `light`.
    Light,
    /// `dark`.
    Dark,
    /// `browser`: the browser's preference.
    Browser,
}

impl ColorScheme {
    /// The scheme MX names `text`.
    pub(crate) fn parse(text: &str) -> Option<Self> {
        match text {
            "light" => Some(Self::Light),
            "dark" => Some(Self::Dark),
            "browser" => Some(Self::Browser),
            _ => None,
        }
    }

    /// MX's name of the scheme.
    pub(crate) const fn as_str(self) -> &'static str {
        match self {
            Self::Light => "light",
            Self::Dark => "dark",
            Self::Browser => "browser",
        }
    }
}

/// What a widget URL was asked for with (SPEC25 `WidgetRequest`, Connect options).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct WidgetOptions {
    pub(crate) mode: Mode,
    /// `disable_background_agg`; `None` takes the mode's default (SPEC25: "Defaults to
    /// `false` in `aggregation` mode and `true` in `verification` mode").
    pub(crate) disable_background_agg: Option<bool>,
    /// `current_member_guid`, resolved to the member's GUID.
    pub(crate) current_member_guid: Option<String>,
    /// `update_credentials`: open on the current member's credential form.
    pub(crate) update_credentials: bool,
    /// `include_transactions` as asked. The emulator's jobs read what their kind reads
    /// (an aggregation transactions, a verification account numbers), so it changes no
    /// job; the page shows it.
    pub(crate) include_transactions: Option<bool>,
    /// `client_redirect_url`: where the OAuth window redirects at its end.
    pub(crate) client_redirect_url: Option<String>,
    /// `is_mobile_webview`: events as navigations instead of `postMessage` (SPEC25:
    /// "JavaScript event postMessages are replaced with URL updates").
    pub(crate) is_mobile_webview: bool,
    /// `ui_message_webview_url_scheme` (SPEC25: "Defaults to `mx`").
    pub(crate) url_scheme: String,
    pub(crate) color_scheme: ColorScheme,
}

impl WidgetOptions {
    /// Whether the members the widget creates have background aggregation disabled;
    /// `None` leaves it to the client-wide default (aggregation mode, not said).
    pub(crate) const fn background_disabled(&self) -> Option<bool> {
        match (self.disable_background_agg, self.mode) {
            (Some(disabled), _) => Some(disabled),
            (None, Mode::Verification) => Some(true),
            (None, Mode::Aggregation) => None,
        }
    }
}

/// Where a widget URL is in its single life.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum UrlState {
    /// Issued and not loaded.
    Unused,
    /// Loaded once.
    Used,
}

/// A widget URL MX handed out.
#[derive(Debug, Clone)]
struct WidgetUrl {
    user_guid: String,
    options: WidgetOptions,
    issued_at: DateTime<Utc>,
    state: UrlState,
}

/// An open widget session: what a loaded URL shows and the members it drives.
#[derive(Debug, Clone)]
pub(crate) struct Session {
    pub(crate) guid: String,
    pub(crate) user_guid: String,
    pub(crate) options: WidgetOptions,
    /// OAuth members authorized in verification mode whose verification has not started
    /// yet: the OAuth window skips the aggregation, and the widget starts the
    /// verification once the member is authorized.
    pub(crate) verify_after_oauth: Vec<String>,
}

/// Why a widget URL cannot be loaded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Unusable {
    /// No such URL was ever issued (or its record is long gone).
    Unknown,
    /// It was loaded before.
    Used,
    /// Its ten minutes are over.
    Expired,
}

/// Every widget URL and session of a tenant.
#[derive(Debug, Default)]
pub(crate) struct Widgets {
    urls: HashMap<String, WidgetUrl>,
    sessions: HashMap<String, Session>,
}

impl Widgets {
    /// Records the URL `token` for `user_guid`, issued at `now`, and forgets the records
    /// of URLs that ended more than a day ago.
    pub(crate) fn issue(
        &mut self,
        token: String,
        user_guid: String,
        options: WidgetOptions,
        now: DateTime<Utc>,
    ) {
        self.urls
            .retain(|_, url| url.issued_at + URL_LIFETIME + KEPT_AFTER_EXPIRY > now);
        self.urls.insert(
            token,
            WidgetUrl {
                user_guid,
                options,
                issued_at: now,
                state: UrlState::Unused,
            },
        );
    }

    /// Loads the URL `token` at `now`: it is used up, and a new session with GUID
    /// `session_guid` opens; or why it cannot be loaded.
    pub(crate) fn open(
        &mut self,
        token: &str,
        session_guid: String,
        now: DateTime<Utc>,
    ) -> Result<&Session, Unusable> {
        let url = self.urls.get_mut(token).ok_or(Unusable::Unknown)?;
        match url.state {
            UrlState::Used => return Err(Unusable::Used),
            UrlState::Unused if now >= url.issued_at + URL_LIFETIME => {
                return Err(Unusable::Expired);
            }
            UrlState::Unused => {}
        }
        url.state = UrlState::Used;
        let session = Session {
            guid: session_guid.clone(),
            user_guid: url.user_guid.clone(),
            options: url.options.clone(),
            verify_after_oauth: Vec::new(),
        };
        Ok(self.sessions.entry(session_guid).or_insert(session))
    }

    /// The session `guid`.
    pub(crate) fn session(&self, guid: &str) -> Option<&Session> {
        self.sessions.get(guid)
    }

    /// The session `guid`, to change.
    pub(crate) fn session_mut(&mut self, guid: &str) -> Option<&mut Session> {
        self.sessions.get_mut(guid)
    }

    /// True when `key` is a widget URL token or a session GUID of this tenant.
    pub(crate) fn knows(&self, key: &str) -> bool {
        self.urls.contains_key(key) || self.sessions.contains_key(key)
    }
}

/// What the widget shows for a member: the step of MX's widget it is at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Step {
    /// A job runs: the widget waits and polls.
    Working,
    /// The job waits for the end user's MFA answer.
    Mfa,
    /// The member needs (new) credentials: the credential form.
    Credentials,
    /// The OAuth member waits for the end user in the OAuth window.
    Oauth,
    /// Connected: done.
    Connected,
    /// The job ended without connecting and the widget cannot fix it here (MFA answered
    /// wrong, the institution down, the account locked, a closed member…).
    Failed,
}

impl Step {
    /// The step's name on the wire.
    pub(crate) const fn as_str(self) -> &'static str {
        match self {
            Self::Working => "working",
            Self::Mfa => "mfa",
            Self::Credentials => "credentials",
            Self::Oauth => "oauth",
            Self::Connected => "connected",
            Self::Failed => "failed",
        }
    }

    /// The step the widget shows for `member`: a running job first (its MFA when it
    /// waits for one), then the status as MX's members overview reads it (NEXUS): the
    /// statuses that need new credentials open the credential form (an OAuth member's
    /// the OAuth window), `CONNECTED` is done, MX's own transient statuses wait, and
    /// everything else has failed for this session.
    pub(crate) fn of(member: &Member) -> Self {
        use ConnectionStatus as S;
        if let Some(job) = &member.job {
            return match job.stage {
                Stage::AwaitingMfa => Self::Mfa,
                Stage::Running | Stage::Resumed { .. } => Self::Working,
            };
        }
        let needs_login = if member.is_oauth {
            Self::Oauth
        } else {
            Self::Credentials
        };
        if member.needs_updated_credentials {
            return needs_login;
        }
        let Some(status) = member.status else {
            return needs_login;
        };
        match status {
            S::Connected => Self::Connected,
            S::Pending | S::Denied | S::Prevented | S::Impaired | S::Imported => needs_login,
            S::Created | S::Updated | S::Resumed | S::Reconnected | S::Delayed => {
                if member.is_oauth && !member.oauth_authorized {
                    Self::Oauth
                } else {
                    Self::Working
                }
            }
            S::Challenged => Self::Mfa,
            S::Rejected
            | S::Expired
            | S::Failed
            | S::Degraded
            | S::Disconnected
            | S::Locked
            | S::Impeded
            | S::Closed
            | S::Disabled
            | S::Discontinued => Self::Failed,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn options() -> WidgetOptions {
        WidgetOptions {
            mode: Mode::Aggregation,
            disable_background_agg: None,
            current_member_guid: None,
            update_credentials: false,
            include_transactions: None,
            client_redirect_url: None,
            is_mobile_webview: false,
            url_scheme: "mx".to_owned(),
            color_scheme: ColorScheme::Light,
        }
    }

    fn t0() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).unwrap()
    }

    #[test]
    fn a_url_opens_once() {
        let mut widgets = Widgets::default();
        widgets.issue("tok".into(), "USR-1".into(), options(), t0());
        let session = widgets.open("tok", "SES-1".into(), t0()).unwrap();
        assert_eq!(session.user_guid, "USR-1");
        assert_eq!(
            widgets.open("tok", "SES-2".into(), t0()).err(),
            Some(Unusable::Used)
        );
        assert!(widgets.knows("SES-1"));
        assert!(!widgets.knows("SES-2"));
    }

    #[test]
    fn a_url_expires_after_ten_minutes() {
        let mut widgets = Widgets::default();
        widgets.issue("tok".into(), "USR-1".into(), options(), t0());
        let almost = t0() + URL_LIFETIME - TimeDelta::seconds(1);
        let mut other = Widgets::default();
        other.issue("tok".into(), "USR-1".into(), options(), t0());
        assert!(other.open("tok", "SES-1".into(), almost).is_ok());
        assert_eq!(
            widgets
                .open("tok", "SES-1".into(), t0() + URL_LIFETIME)
                .err(),
            Some(Unusable::Expired)
        );
        assert_eq!(
            widgets.open("nope", "SES-1".into(), t0()).err(),
            Some(Unusable::Unknown)
        );
    }

    proptest::proptest! {
        /// Whatever the loads and their times, one at most opens a session: the first,
        /// when it comes within ten minutes; every other answers why not.
        #[test]
        fn a_url_opens_at_most_once(mut loads in proptest::collection::vec(0_i64..1_500, 1..8)) {
            loads.sort_unstable();
            let mut widgets = Widgets::default();
            widgets.issue("tok".into(), "USR-1".into(), options(), t0());
            let answers: Vec<_> = loads
                .iter()
                .enumerate()
                .map(|(i, &s)| {
                    widgets
                        .open("tok", format!("SES-{i}"), t0() + TimeDelta::seconds(s))
                        .map(|session| session.guid.clone())
                })
                .collect();
            let first_in_time = loads[0] < URL_LIFETIME.num_seconds();
            proptest::prop_assert_eq!(answers[0].is_ok(), first_in_time);
            for answer in &answers[1..] {
                let expected = if first_in_time { Unusable::Used } else { Unusable::Expired };
                proptest::prop_assert_eq!(answer.clone().err(), Some(expected));
            }
        }
    }

    #[test]
    fn verification_turns_background_off_unless_asked_not_to() {
        let mut o = options();
        assert_eq!(o.background_disabled(), None);
        o.mode = Mode::Verification;
        assert_eq!(o.background_disabled(), Some(true));
        o.disable_background_agg = Some(false);
        assert_eq!(o.background_disabled(), Some(false));
    }
}
