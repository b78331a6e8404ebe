//! What the caller must do next: [`NextAction`] and its data-less twin [`ActionKind`].
//!
//! Both enums, their JSON names, whether each needs the end user, and the duty texts that
//! the variant docs, [`Explanation`](crate::Explanation) and the generated documentation
//! print all come from the one table in [`actions!`]: a duty is written once.

use std::fmt;

/// Declares [`NextAction`], [`ActionKind`] and the duty table.
macro_rules! actions {
    ($(
        $(#[$extra:meta])*
        $variant:ident $name:literal $({ $(#[$field_doc:meta])* $field:ident : $ty:ty })?,
        end_user: $needs:literal,
        duty: $duty:literal,
        end_user_duty: $user:literal,
        look_again: $next:literal;
    )+) => {
        /// What the caller must do next with the member. Each variant's doc is the caller's
        /// duty, then the end user's.
        ///
        /// Deliberately not `#[non_exhaustive]`: a new action needs new handling in every
        /// caller, so adding one is a breaking change that the compiler should point out.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[must_use = "a NextAction tells the caller what it must do next"]
        pub enum NextAction {
            $(
                #[doc = $duty]
                #[doc = ""]
                #[doc = concat!("End user: ", $user)]
                $(#[$extra])*
                $variant $({ $(#[$field_doc])* $field: $ty })?,
            )+
        }

        /// The kinds of [`NextAction`], without their data: for counting, matching and docs.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum ActionKind {
            $(
                #[doc = concat!("[`NextAction::", stringify!($variant), "`]: ", $duty)]
                $variant,
            )+
        }

        impl NextAction {
            /// The action without its data.
            pub const fn kind(&self) -> ActionKind {
                match self {
                    $(Self::$variant { .. } => ActionKind::$variant,)+
                }
            }
        }

        impl ActionKind {
            /// Every kind, in declaration order.
            pub const ALL: [Self; [$($name),+].len()] = [$(Self::$variant),+];

            /// The JSON name, e.g. `"answer_mfa"`.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $(Self::$variant => $name,)+
                }
            }

            /// True when the caller cannot carry the action out without the end user.
            ///
            /// Foreground aggregation "may run into MFA, credential update requests, terms
            /// and conditions agreements, or other situations requiring end-user input"
            /// (Seed), so `aggregate` needs the end user, as do the actions that ask them
            /// for something.
            pub const fn requires_end_user(self) -> bool {
                match self {
                    $(Self::$variant => $needs,)+
                }
            }

            /// What the caller must do, in one paragraph: the variant's doc.
            pub const fn duty(self) -> &'static str {
                match self {
                    $(Self::$variant => $duty,)+
                }
            }

            /// What the end user must do, in one sentence.
            pub const fn end_user_duty(self) -> &'static str {
                match self {
                    $(Self::$variant => $user,)+
                }
            }

            /// When to decide again, in one sentence; `{min_poll}` stands for the poll
            /// floor in effect. [`Explanation`](crate::Explanation) replaces it, and gives
            /// the exact instant for the actions that carry one.
            pub const fn look_again(self) -> &'static str {
                match self {
                    $(Self::$variant => $next,)+
                }
            }
        }
    };
}

actions! {
    Poll "poll" {
        /// Seconds until the next read; never less than MX's 3-second minimum.
        after_secs: u64
    },
        end_user: false,
        duty: "Start nothing: read the member again (GET /users/{user_guid}/members/{member_guid}/status) no sooner than after_secs seconds from now, and decide on what MX returns. A job is already running, or about to.",
        end_user_duty: "Nothing to do.",
        look_again: "After the poll interval.";
    AnswerMfa "answer_mfa",
        end_user: true,
        duty: "Fetch the MFA challenges (GET …/members/{member_guid}/challenges, or the challenges of the status response), show them to the end user, send the answers with PUT …/members/{member_guid}/resume, then poll.",
        end_user_duty: "Must answer the challenge now; unanswered, it expires and the member becomes EXPIRED.",
        look_again: "Once the answers are sent: poll, no more often than every {min_poll}.";
    UpdateCredentials "update_credentials",
        end_user: true,
        duty: "Ask the end user for new credentials and update the member (PUT …/members/{member_guid}); MX aggregates by itself after the update, so poll next. Do not call aggregate first: MX will not aggregate with the current credentials. (OAuth members get authorize_oauth instead.)",
        end_user_duty: "Must enter their current credentials for the institution.",
        look_again: "Once the member is updated: poll, no more often than every {min_poll}.";
    ResolveAtInstitution "resolve_at_institution",
        end_user: true,
        duty: "Tell the end user to act on the institution's website; when they say it is done, start a foreground aggregation (POST …/members/{member_guid}/aggregate) with them present, then poll. The status stays LOCKED or IMPEDED until an aggregation gets through, and that aggregation is subject to MX's throttle window like any other: not before earliest_aggregation (MX would accept the call and run nothing).",
        end_user_duty: "Must unlock the account, read a message or accept terms on the institution's website, or contact the institution.",
        look_again: "When the end user says it is done: aggregate with them present.";
    Aggregate "aggregate",
        end_user: true,
        duty: "Start a foreground aggregation now (POST …/members/{member_guid}/aggregate) with the end user present, then poll; the engine says this only outside MX's throttle window. Offer it to the end user rather than retrying on your own: after a failure the next decision may be aggregate again at once, and only the end user's presence paces such retries.",
        end_user_duty: "Must be present: the aggregation may ask for an MFA answer or new credentials.",
        look_again: "Once the aggregation is started: poll, no more often than every {min_poll}.";
    Wait "wait" {
        /// The first whole second at which the member may be aggregated again.
        until: chrono::DateTime<chrono::Utc>
    },
        end_user: false,
        duty: "Do nothing with the member until the time given (until), then decide again: MX would not start an aggregation before then (cooldown, institution_unavailable, mx_throttled), or is expected to aggregate the member in the background by then (background_aggregation).",
        end_user_duty: "Nothing to do.",
        look_again: "At the end of the wait.";
    AuthorizeOauth "authorize_oauth",
        end_user: true,
        duty: "Request a new one-time OAuth URI (GET /users/{user_guid}/members/{member_guid}/oauth_window_uri; each URI works once), send the end user to it, then poll: MX aggregates by itself once they authorize. MX may answer under a different member guid. Never ask an OAuth member for credentials.",
        end_user_duty: "Must complete, or redo, authorization in the institution's OAuth window.",
        look_again: "Once the end user is back from the OAuth window: poll, no more often than every {min_poll}.";
    ReadMember "read_member",
        end_user: false,
        duty: "What arrived is not enough to decide: read the member in full now (GET /users/{user_guid}/members/{member_guid}, with the payload's guid or member_guid) and decide on that.",
        end_user_duty: "Nothing to do.",
        look_again: "Now, on the member read in full.";
    ReadData "read_data" {
        /// When the data was last successfully aggregated (`successfully_aggregated_at`),
        /// or when the job of a `member_data_updated` webhook completed (`completed_at`).
        as_of: chrono::DateTime<chrono::Utc>
    },
        end_user: false,
        duty: "Read the member's data now: it is fresh as of the time given (accounts and transactions; after a member_data_updated webhook, what that job fetched: balances, statements, history, account numbers, rewards). No aggregation is needed.",
        end_user_duty: "Nothing to do.",
        look_again: "When you next need the data.";
    Stop "stop",
        end_user: false,
        duty: "Stop working on the member: no call to MX will change its state. Tell the end user why (the status's meaning) and offer to remove or reconnect it. Exception: with reason time_out_of_range the member's timestamps or your clock are corrupt: fix them rather than the member.",
        end_user_duty: "Should be told why and offered to remove the member or connect the institution again.",
        look_again: "Never: nothing will change this member.";
}

impl NextAction {
    /// True when the caller cannot carry the action out without the end user.
    pub const fn requires_end_user(&self) -> bool {
        self.kind().requires_end_user()
    }
}

impl ActionKind {
    /// The kind with this JSON name, if there is one.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|kind| kind.as_str() == name)
    }
}

impl fmt::Display for ActionKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
