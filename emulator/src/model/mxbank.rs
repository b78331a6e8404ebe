//! MX Bank's test credentials: which password gives which outcome.
//!
//! From MX's "Testing with MX Bank" page (<https://docs.mx.com/resources/test-platform/mxbank/>):
//! user name `mxuser`; any password not listed connects (`CONNECTED`); `challenge`,
//! `options` and `image` issue an MFA challenge (`CHALLENGED`; answer `correct` to pass,
//! anything else is an incorrect answer); `BAD_REQUEST` fails (`FAILED`). MX's page lists
//! more rows than the search copy shows; the rest come from a third-party copy of the same
//! table: `UNAUTHORIZED`, `INVALID` and `DISABLED` → `DENIED`, `LOCKED` → `LOCKED`,
//! `SERVER_ERROR` and `UNAVAILABLE` → `FAILED`.
//!
//! The emulator's own choices, where MX says nothing: a wrong MFA answer ends in
//! `REJECTED` (MX's meaning of "an MFA challenge was answered incorrectly"), and a user
//! name other than `mxuser` is denied.

use mx_aggregation::ConnectionStatus;

/// The kind of MFA challenge a password asks for (MX's challenge `type`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChallengeKind {
    /// A question answered with text (`TEXT`).
    Text,
    /// A choice among options (`OPTIONS`).
    Options,
    /// An image to read (`IMAGE_DATA`).
    Image,
}

impl ChallengeKind {
    /// MX's challenge `type` string.
    pub const fn mx_type(self) -> &'static str {
        match self {
            Self::Text => "TEXT",
            Self::Options => "OPTIONS",
            Self::Image => "IMAGE_DATA",
        }
    }
}

/// How a job on an MX Bank member ends its first step.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// The job connects.
    Connect,
    /// The institution asks for MFA.
    Challenge(ChallengeKind),
    /// The job ends in this status.
    Fail(ConnectionStatus),
}

/// One row of MX Bank's table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Scenario {
    /// The password (case sensitive).
    pub password: &'static str,
    /// What a job does with it.
    pub outcome: Outcome,
    /// Where the row comes from: `MX` for MX's page, `3P` for the third-party copy.
    pub basis: &'static str,
}

/// The user name MX Bank accepts.
pub const USERNAME: &str = "mxuser";

/// The MFA answer that passes.
pub const CORRECT_ANSWER: &str = "correct";

/// The options of an `OPTIONS` challenge, in order: the one that passes and one that
/// does not.
pub const OPTION_VALUES: [&str; 2] = [CORRECT_ANSWER, "incorrect"];

/// A password no row lists: the plain success.
pub const ANY_OTHER_PASSWORD: &str = "password";

use ConnectionStatus as S;

/// MX Bank's table; any password not listed connects.
pub const SCENARIOS: &[Scenario] = &[
    Scenario {
        password: ANY_OTHER_PASSWORD,
        outcome: Outcome::Connect,
        basis: "MX",
    },
    Scenario {
        password: "challenge",
        outcome: Outcome::Challenge(ChallengeKind::Text),
        basis: "MX",
    },
    Scenario {
        password: "options",
        outcome: Outcome::Challenge(ChallengeKind::Options),
        basis: "MX",
    },
    Scenario {
        password: "image",
        outcome: Outcome::Challenge(ChallengeKind::Image),
        basis: "MX",
    },
    Scenario {
        password: "BAD_REQUEST",
        outcome: Outcome::Fail(S::Failed),
        basis: "MX",
    },
    Scenario {
        password: "UNAUTHORIZED",
        outcome: Outcome::Fail(S::Denied),
        basis: "3P",
    },
    Scenario {
        password: "INVALID",
        outcome: Outcome::Fail(S::Denied),
        basis: "3P",
    },
    Scenario {
        password: "LOCKED",
        outcome: Outcome::Fail(S::Locked),
        basis: "3P",
    },
    Scenario {
        password: "DISABLED",
        outcome: Outcome::Fail(S::Denied),
        basis: "3P",
    },
    Scenario {
        password: "SERVER_ERROR",
        outcome: Outcome::Fail(S::Failed),
        basis: "3P",
    },
    Scenario {
        password: "UNAVAILABLE",
        outcome: Outcome::Fail(S::Failed),
        basis: "3P",
    },
];

/// What a job does with these credentials.
pub fn outcome(username: &str, password: &str) -> Outcome {
    if username != USERNAME {
        return Outcome::Fail(S::Denied);
    }
    SCENARIOS
        .iter()
        .find(|s| s.password == password)
        .map_or(Outcome::Connect, |s| s.outcome)
}

/// True when `answer` passes an MX Bank challenge.
pub fn answer_passes(answer: &str) -> bool {
    answer == CORRECT_ANSWER
}
