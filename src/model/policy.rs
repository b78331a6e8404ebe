//! Every timing rule the engine applies, as data.
//!
//! [`Policy::default`] is MX's documented values where MX documents one, and this crate's
//! stated choice, with its reasoning, where MX is silent. Callers with a different contract
//! (a negotiated throttle window, a slower polling budget) change the fields; the engine
//! reads nothing else.

use std::time::Duration;

/// MX's floor between two reads of a member's status: "minimum polling interval 3
/// seconds" (AT-read-member-connection-status \[V\]; MX's Connect widget polls every 3000 ms).
///
/// The engine never asks for a poll sooner than this, whatever [`Policy::min_poll`] says.
pub const MX_MIN_POLL_INTERVAL: Duration = Duration::from_secs(3);

const MINUTE: u64 = 60;
const HOUR: u64 = 60 * MINUTE;

/// The timing rules of [`decide`](crate::decide).
///
/// All durations are non-negative by type; the engine converts them with saturating,
/// checked arithmetic, so no value here can make it panic.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Policy {
    /// No standard aggregation starts until this long after the start of the latest
    /// aggregation-type job (`aggregated_at`) or the latest success
    /// (`successfully_aggregated_at`), whichever is later; see
    /// [`cooldown_from_any_job`](Self::cooldown_from_any_job).
    ///
    /// Default 3 h. REW \[V\]: "any aggregation process will prevent a new standard
    /// aggregation for the next three hours"; ERR \[V\]: an aggregate call is accepted
    /// without running when "a standard aggregation has been attempted within the default
    /// minimum time"; SPEC25 calls it the "throttle window (typically three hours)". The
    /// seed speaks of three hours after a *successful* aggregation only. The length is
    /// MX's default, not a contract: callers with another window change it.
    pub cooldown: Duration,
    /// Whether the cooldown also counts from `aggregated_at`, the start of the latest job of
    /// any kind (standard or premium, successful or not), or only from the latest success.
    ///
    /// Default `true`: REW and ERR (any process, any attempt) over the seed (a successful
    /// aggregation), because an aggregate call inside MX's window is accepted and runs
    /// nothing, leaving the end user waiting for a job that never starts. `false` restores
    /// the seed's reading.
    pub cooldown_from_any_job: bool,
    /// A `CONNECTED` member whose last success is younger than this is read without
    /// aggregating.
    ///
    /// Default 24 h. Seed: MX aggregates every member every 24 hours in the background; "if a
    /// background aggregation is successful (i.e., the successfully_aggregated_at field
    /// indicates a time within the last 24 hours), you can choose to skip foreground
    /// aggregation and jump right to reading account and transaction data".
    pub fresh_for: Duration,
    /// The shortest interval between two polls. Values below [`MX_MIN_POLL_INTERVAL`] are
    /// raised to it.
    ///
    /// Default 3 s: MX's documented minimum (AT-read-member-connection-status \[V\]).
    pub min_poll: Duration,
    /// The longest interval between two polls of a member that MX reports as busy.
    ///
    /// Default 5 min. MX documents no maximum. Aggregations normally finish within a couple
    /// of minutes (MX's widget gives up its "connecting" view after 60 s, CW \[V-code\]); a
    /// member reported busy for an hour still gets looked at every 5 minutes, at most 288
    /// reads a day.
    pub max_poll: Duration,
    /// Poll backoff: while a job runs, the next poll comes after the job's age (time since
    /// `aggregated_at`) divided by this, clamped to [`min_poll`](Self::min_poll) ..=
    /// [`max_poll`](Self::max_poll). Zero is treated as one.
    ///
    /// Default 10: polls every 3 s for the first 30 s, then every tenth of the elapsed time,
    /// so a job of length T costs about 10 + 10·ln(T / 30 s) reads instead of T / 3 s. The
    /// poll interval depends only on the snapshot and `now`, so the engine needs no memory
    /// of earlier polls.
    pub poll_backoff_divisor: u32,
    /// A member in a transient status (`CREATED`, `UPDATED`, `RESUMED`, `PENDING`) that is
    /// not being aggregated is polled while its `aggregated_at` is younger than this; after
    /// that (or with no `aggregated_at` at all) the aggregation is taken to have stalled and
    /// a new one is started.
    ///
    /// Default 10 min. MX starts an aggregation itself when a member is created or updated
    /// (seed, "Automatic Aggregation") and the status endpoint may still say
    /// `is_being_aggregated: false` for a moment; ten minutes is ten times the 60 s MX's
    /// widget waits before it gives up (CW `Connecting.js` \[V-code\]).
    pub transient_stall: Duration,
    /// How long to wait between looks at a `DELAYED` member that is not being aggregated.
    ///
    /// Default 1 h. MX: the aggregation "is taking longer than expected" (Atrium \[3P\]); MX
    /// Academy advises checking back later (the next day). Polling every few seconds would
    /// spend reads on a job MX already said will be slow.
    pub delayed_recheck: Duration,
    /// A `DELAYED` member whose `aggregated_at` is older than this (or missing) is taken to
    /// have stalled, and a new aggregation is started.
    ///
    /// Default 24 h: by then MX's own background aggregation should have run again (seed),
    /// so a member still `DELAYED` is stuck.
    pub delayed_stall: Duration,
    /// How often MX aggregates a member in the background: the basis of the estimate that
    /// [`decide_with`](crate::decide_with) waits for when the end user is absent.
    ///
    /// Default 24 h. Seed: "MX aggregates each member every 24 hours automatically";
    /// AT-aggregate-member \[V\]: "approximately every 24 hours", and not within 20 hours
    /// of an aggregation the client started.
    pub background_interval: Duration,
    /// What to assume about background aggregation when a payload does not say
    /// (`background_aggregation_is_disabled` absent, as in status reads and webhooks).
    ///
    /// Default `None`: with the end user absent, the engine asks to read the member
    /// (`read_member`) instead of guessing, because MX's default is on in aggregation mode,
    /// off in verification mode, and can be changed client-wide (Seed). `Some(true)`: assume
    /// MX aggregates in the background; `Some(false)`: assume it does not.
    pub assume_background_aggregation: Option<bool>,
    /// The first wait before repeating a call that failed without an answer MX documents
    /// as final (a timeout, a `5xx`); each further failure of the same call doubles it, up
    /// to [`retry_max`](Self::retry_max). See [`Call::classify`](crate::Call::classify).
    ///
    /// Default 3 s. MX documents no retry schedule for `5xx` (ERR \[V\]: "something went
    /// wrong with MX's servers", `503` while "the MX Platform is being updated"); 3 s is
    /// MX's own floor between two reads of a member
    /// (AT-read-member-connection-status \[V\]), so a retry never comes sooner than a
    /// poll would.
    pub retry_min: Duration,
    /// The longest wait between two attempts of a failing call, whatever the attempt
    /// number; raised to [`retry_min`](Self::retry_min) when below it.
    ///
    /// Default 5 min, as [`max_poll`](Self::max_poll): a service that retries for an hour
    /// still tries every 5 minutes. This crate's choice; MX documents none.
    pub retry_max: Duration,
    /// The first wait after a `429 Too Many Requests` that carries no `Retry-After`; it
    /// doubles with each further `429`, up to [`retry_max`](Self::retry_max).
    ///
    /// Default 10 s. MX: "retried once the rate limit window has expired" (ERR \[V\]); the
    /// limits named there are 2000 concurrent connections per IP address and a number of
    /// requests per second per product, so the window is seconds long, not hours.
    pub rate_limit_wait: Duration,
    /// The longest `Retry-After` honoured: a longer one (or an HTTP date further ahead) is
    /// cut to this, so a corrupt header cannot park a member for years.
    ///
    /// Default 1 h. RFC 9110 §10.2.3 lets the server name any delay; MX names none.
    pub retry_after_max: Duration,
    /// How many times in a row one call may fail with a retryable answer (timeout, `5xx`,
    /// `429`) before [`Call::classify`](crate::Call::classify) says to give up and report
    /// the failure; `0` gives up at the first failure.
    ///
    /// Default 8: with the other defaults the attempts come 3 s, 6 s, 12 s, … 5 min apart,
    /// about 12 minutes in all. This crate's choice; MX documents none.
    pub retry_limit: u32,
}

impl Policy {
    /// MX's documented values; see each field for its source.
    pub const MX_DEFAULT: Self = Self {
        cooldown: Duration::from_secs(3 * HOUR),
        fresh_for: Duration::from_secs(24 * HOUR),
        min_poll: MX_MIN_POLL_INTERVAL,
        max_poll: Duration::from_secs(5 * MINUTE),
        poll_backoff_divisor: 10,
        transient_stall: Duration::from_secs(10 * MINUTE),
        delayed_recheck: Duration::from_secs(HOUR),
        delayed_stall: Duration::from_secs(24 * HOUR),
        cooldown_from_any_job: true,
        background_interval: Duration::from_secs(24 * HOUR),
        assume_background_aggregation: None,
        retry_min: MX_MIN_POLL_INTERVAL,
        retry_max: Duration::from_secs(5 * MINUTE),
        rate_limit_wait: Duration::from_secs(10),
        retry_after_max: Duration::from_secs(HOUR),
        retry_limit: 8,
    };

    /// The shortest poll interval the policy allows: [`Policy::min_poll`], never below MX's
    /// 3-second minimum.
    pub(crate) fn poll_floor(&self) -> Duration {
        self.min_poll.max(MX_MIN_POLL_INTERVAL)
    }
}

impl Default for Policy {
    fn default() -> Self {
        Self::MX_DEFAULT
    }
}
