//! The fleet's end users: a persona per member, the same for both integrators, and what
//! each end user does when an app asks for something. Pure: every choice is a function
//! of the member's index, the day and what is asked.
//!
//! The passwords are MX Bank's test credentials (`mx_emulator::mxbank`, MX's "Testing
//! with MX Bank" page), looked up by the outcome they produce so that the emulator's table
//! stays their one source.

use mx_aggregation::ConnectionStatus;
use mx_emulator::institutions::{INSTITUTIONS, MXBANK_PASSWORD, MXBANK_USERNAME};
use mx_emulator::mxbank::{self, ChallengeKind, Outcome};

/// What one end user is like.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Persona {
    /// Credentials that connect.
    Plain,
    /// An MFA challenge, answered a little after it is shown.
    MfaAnswered,
    /// An MFA challenge, never answered.
    MfaNever,
    /// Wrong credentials (`DENIED`); the right ones a day after being asked.
    DeniedThenFixed,
    /// An account the institution locked (`LOCKED`); never fixed during the run.
    Locked,
    /// An OAuth member, authorized when asked.
    OauthAuthorized,
    /// An OAuth member whose end user refuses the authorization.
    OauthRefused,
    /// Credentials that connect, at an institution that fails for a while (a fault plan
    /// answers `503` to the member's first calls after the first day).
    InstitutionDown,
}

/// The persona mix: each persona's share of 100 members.
pub const MIX: [(Persona, u32); 8] = [
    (Persona::Plain, 50),
    (Persona::MfaAnswered, 10),
    (Persona::MfaNever, 5),
    (Persona::DeniedThenFixed, 10),
    (Persona::Locked, 5),
    (Persona::OauthAuthorized, 10),
    (Persona::OauthRefused, 5),
    (Persona::InstitutionDown, 5),
];

impl Persona {
    /// The persona of the member numbered `index`: each block of 20 members takes every
    /// fifth slot of the 100 (the shares are multiples of 5), so every block holds every
    /// persona and each 100 members hold the mix exactly.
    pub fn of(index: usize) -> Self {
        let slot = u32::try_from((index % 20) * 5 + (index / 20) % 5).unwrap_or(0);
        let mut upto = 0;
        for (persona, share) in MIX {
            upto += share;
            if slot < upto {
                return persona;
            }
        }
        Self::Plain
    }

    /// The persona's name in reports.
    pub const fn name(self) -> &'static str {
        match self {
            Self::Plain => "plain",
            Self::MfaAnswered => "mfa_answered",
            Self::MfaNever => "mfa_never",
            Self::DeniedThenFixed => "denied_then_fixed",
            Self::Locked => "locked",
            Self::OauthAuthorized => "oauth_authorized",
            Self::OauthRefused => "oauth_refused",
            Self::InstitutionDown => "institution_down",
        }
    }

    /// True for the OAuth personas (institution `mx_bank_oauth`, no credentials).
    pub const fn is_oauth(self) -> bool {
        match self {
            Self::OauthAuthorized | Self::OauthRefused => true,
            Self::Plain
            | Self::MfaAnswered
            | Self::MfaNever
            | Self::DeniedThenFixed
            | Self::Locked
            | Self::InstitutionDown => false,
        }
    }

    /// The institution code the member is created at.
    pub fn institution(self) -> &'static str {
        let oauth = self.is_oauth();
        INSTITUTIONS
            .iter()
            .find(|institution| institution.supports_oauth == oauth)
            .map_or("mxbank", |institution| institution.code)
    }

    /// The MX Bank outcome the persona's first password produces.
    const fn first_outcome(self) -> Outcome {
        match self {
            Self::Plain | Self::InstitutionDown | Self::OauthAuthorized | Self::OauthRefused => {
                Outcome::Connect
            }
            Self::MfaAnswered | Self::MfaNever => Outcome::Challenge(ChallengeKind::Text),
            Self::DeniedThenFixed => Outcome::Fail(ConnectionStatus::Denied),
            Self::Locked => Outcome::Fail(ConnectionStatus::Locked),
        }
    }

    /// The credentials the member is created with, MX's `[{"guid", "value"}]` form; empty
    /// for OAuth.
    pub fn first_credentials(self) -> Vec<(&'static str, &'static str)> {
        if self.is_oauth() {
            return Vec::new();
        }
        credentials(password_for(self.first_outcome()))
    }
}

/// The password MX Bank answers with `outcome`.
fn password_for(outcome: Outcome) -> &'static str {
    mxbank::SCENARIOS
        .iter()
        .find(|scenario| scenario.outcome == outcome)
        .map_or(mxbank::ANY_OTHER_PASSWORD, |scenario| scenario.password)
}

/// MX Bank's user name and `password`, as credential guid and value pairs.
fn credentials(password: &'static str) -> Vec<(&'static str, &'static str)> {
    vec![
        (MXBANK_USERNAME.guid, mxbank::USERNAME),
        (MXBANK_PASSWORD.guid, password),
    ]
}

/// Credentials that connect: what a `DENIED` end user enters when they fix them.
pub fn good_credentials() -> Vec<(&'static str, &'static str)> {
    credentials(password_for(Outcome::Connect))
}

/// The answer that passes MX Bank's challenges.
pub const MFA_ANSWER: &str = mxbank::CORRECT_ANSWER;

/// What an app asks the end user for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ask {
    /// Answer an MFA challenge.
    Mfa,
    /// Enter new credentials.
    Credentials,
    /// Authorize in the institution's OAuth window.
    Oauth,
    /// Fix something on the institution's website.
    Institution,
    /// Stay while the app aggregates again (a new challenge may follow).
    Retry,
    /// Nothing the end user can act on (a status shown as a problem).
    Nothing,
}

impl Ask {
    /// What a naive app asks for when it shows `status` (`is_oauth`: the member's kind).
    pub const fn for_status(status: Option<ConnectionStatus>, is_oauth: bool) -> Self {
        use mx_aggregation::StatusGroup as G;
        let Some(status) = status else {
            return Self::Nothing;
        };
        match status.group() {
            G::Challenged => Self::Mfa,
            G::NeedsCredentials | G::Pending if is_oauth => Self::Oauth,
            G::NeedsCredentials | G::Pending => Self::Credentials,
            G::NeedsInstitution => Self::Institution,
            G::MfaFailed | G::Reconnected => Self::Retry,
            G::Terminal | G::Connected | G::Failed | G::Transient | G::Delayed => Self::Nothing,
        }
    }
}

/// What the end user does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reply {
    /// Answers the challenge.
    AnswerMfa,
    /// Enters the credentials that connect.
    NewCredentials,
    /// Opens the OAuth window and authorizes.
    AuthorizeOauth,
    /// Opens the OAuth window and refuses.
    RefuseOauth,
    /// Asks the app to aggregate now.
    Aggregate,
}

/// What the end user of `persona` does when asked `ask`, and after how many virtual
/// minutes; `None` when they do nothing. `already_replied`: they did this before for
/// the member (credentials are fixed and OAuth answered once).
pub const fn reply(persona: Persona, ask: Ask, already_replied: bool) -> Option<(Reply, u32)> {
    match (persona, ask) {
        (Persona::MfaNever, Ask::Mfa | Ask::Retry) => None,
        (_, Ask::Mfa) => Some((Reply::AnswerMfa, 2)),
        (Persona::DeniedThenFixed, Ask::Credentials) if !already_replied => {
            Some((Reply::NewCredentials, 24 * 60))
        }
        (Persona::OauthAuthorized, Ask::Oauth) if !already_replied => {
            Some((Reply::AuthorizeOauth, 1))
        }
        (Persona::OauthRefused, Ask::Oauth) if !already_replied => Some((Reply::RefuseOauth, 1)),
        (Persona::MfaAnswered, Ask::Retry) => Some((Reply::Aggregate, 0)),
        _ => None,
    }
}

/// The minute of `day` (0 = the first virtual day) at which the end user of member
/// `index` opens the app and asks for fresh data, if they do that day: about one end
/// user in ten a day, in the day's waking hours (08:00 to 22:00).
pub const fn returns_on(index: usize, day: u64) -> Option<u32> {
    let mixed = (index as u64)
        .wrapping_mul(0x9E37_79B9_7F4A_7C15)
        .wrapping_add(day.wrapping_mul(0xD1B5_4A32_D192_ED03));
    let mixed = mixed ^ (mixed >> 29);
    if !mixed.is_multiple_of(10) {
        return None;
    }
    Some(8 * 60 + ((mixed >> 8) % (14 * 60)) as u32)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_block_of_twenty_members_holds_every_persona() {
        let personas: std::collections::BTreeSet<Persona> = (0..20).map(Persona::of).collect();
        assert_eq!(personas.len(), MIX.len());
        let mut counts = std::collections::BTreeMap::new();
        for index in 0..100 {
            *counts.entry(Persona::of(index)).or_insert(0) += 1;
        }
        for (persona, share) in MIX {
            assert_eq!(counts.get(&persona), Some(&share), "{persona:?}");
        }
    }

    #[test]
    fn passwords_come_from_mx_bank() {
        assert_eq!(Persona::Locked.first_credentials()[1].1, "LOCKED");
        assert_eq!(Persona::MfaNever.first_credentials()[1].1, "challenge");
        assert_eq!(
            Persona::DeniedThenFixed.first_credentials()[1].1,
            "UNAUTHORIZED"
        );
        assert_eq!(good_credentials()[1].1, mxbank::ANY_OTHER_PASSWORD);
        assert!(Persona::OauthRefused.first_credentials().is_empty());
        assert_eq!(Persona::OauthRefused.institution(), "mx_bank_oauth");
        assert_eq!(Persona::Plain.institution(), "mxbank");
    }

    #[test]
    fn end_users_reply_as_their_persona() {
        assert_eq!(reply(Persona::MfaNever, Ask::Mfa, false), None);
        assert_eq!(
            reply(Persona::MfaAnswered, Ask::Mfa, true),
            Some((Reply::AnswerMfa, 2))
        );
        assert_eq!(
            reply(Persona::DeniedThenFixed, Ask::Credentials, false),
            Some((Reply::NewCredentials, 1440))
        );
        assert_eq!(
            reply(Persona::DeniedThenFixed, Ask::Credentials, true),
            None
        );
        assert_eq!(
            reply(Persona::OauthRefused, Ask::Oauth, false),
            Some((Reply::RefuseOauth, 1))
        );
        assert_eq!(reply(Persona::Locked, Ask::Institution, false), None);
        assert_eq!(reply(Persona::Plain, Ask::Nothing, false), None);
    }

    #[test]
    fn a_naive_app_asks_by_status() {
        assert_eq!(
            Ask::for_status(Some(ConnectionStatus::Pending), true),
            Ask::Oauth
        );
        assert_eq!(
            Ask::for_status(Some(ConnectionStatus::Denied), false),
            Ask::Credentials
        );
        assert_eq!(
            Ask::for_status(Some(ConnectionStatus::Expired), false),
            Ask::Retry
        );
        assert_eq!(
            Ask::for_status(Some(ConnectionStatus::Created), false),
            Ask::Nothing
        );
    }

    #[test]
    fn about_one_end_user_in_ten_returns_each_day_in_waking_hours() {
        let returns = (0..1000)
            .filter_map(|index| returns_on(index, 3))
            .collect::<Vec<_>>();
        assert!((60..=140).contains(&returns.len()), "{}", returns.len());
        assert!(returns.iter().all(|minute| (480..1320).contains(minute)));
    }
}
