//! How an emulator is set up: the credentials it accepts, where webhooks go, and the
//! timings it plays MX's rules with.

use std::net::SocketAddr;
use std::time::Duration;

use chrono::{DateTime, Utc};

use crate::model::faults::{FaultPlan, WebhookFaults};

/// Where MX's 3-hour throttle window starts.
///
/// MX's sources disagree: "you cannot run a new aggregation within three hours of a
/// *successful* aggregation" (<https://docs.mx.com/aggregation/guides/introduction>)
/// against "any aggregation process will prevent a new standard aggregation for the next
/// three hours" (<https://docs.mx.com/resources/rewards/overview/fetching-rewards>), and
/// MX's errors page answers `202` without running when a standard aggregation was
/// *attempted* within the minimum time. The default follows the second, which is also the
/// rule `mx_aggregation::decide` applies (`Policy::cooldown_from_any_job`), so the library
/// and the emulator agree; the seed's reading is one flag away.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ThrottleFrom {
    /// The window starts when an aggregation-type job (aggregation, verification,
    /// identification) of any kind *succeeds*: `successfully_aggregated_at`.
    Success,
    /// The window starts when any aggregation-type job *starts*, whatever its outcome:
    /// `aggregated_at` (or at the latest success, when that is later).
    #[default]
    AnyJob,
}

impl ThrottleFrom {
    /// Where the window starts, in words.
    pub const fn describe(self) -> &'static str {
        match self {
            Self::Success => "successful aggregation-type job",
            Self::AnyJob => "aggregation-type job's start or success",
        }
    }
}

/// Everything an emulator needs to start.
#[derive(Debug, Clone)]
pub struct Config {
    /// The address to listen on; port 0 picks a free one.
    pub addr: SocketAddr,
    /// The client id the service authenticates with (HTTP Basic user name).
    pub client_id: String,
    /// The API key the service authenticates with (HTTP Basic password).
    pub api_key: String,
    /// Where webhooks are POSTed; none are sent without it.
    pub webhook_url: Option<String>,
    /// Plays MX's integration environment: mxbank is not throttled there ("There are no
    /// aggregation limits on the mxbank institution",
    /// <https://docs.mx.com/resources/test-platform/mxbank/>).
    pub integration_env: bool,
    /// Requests per second per client before MX answers 429; `None` (the default) never
    /// limits.
    pub rate_limit: Option<u32>,
    /// How long each step of a job takes on the virtual clock (a second by default).
    pub step: Duration,
    /// How long an MFA challenge stays open before it expires (ten minutes by default;
    /// MX leaves it to the institution).
    pub mfa_timeout: Duration,
    /// MX's throttle window (three hours: "throttle window (typically three hours)",
    /// MX's OpenAPI v20250224).
    pub throttle_window: Duration,
    /// Where the throttle window starts.
    pub throttle_from: ThrottleFrom,
    /// The virtual clock's start; `None` starts at the system time, to the second.
    pub start_at: Option<DateTime<Utc>>,
    /// When false the virtual clock moves only when advanced (`POST /emulator/clock`), so
    /// a run depends on nothing but its requests.
    pub real_time: bool,
    /// The first webhook retry waits this long on the virtual clock; each later one twice
    /// as long as the one before.
    pub webhook_backoff: Duration,
    /// Retries after the first attempt (MX: "no more than 12 total retries after an
    /// initial request", <https://docs.mx.com/resources/webhooks/>).
    pub webhook_retries: u32,
    /// Webhooks each tenant has in flight at once, each member's sent one after the
    /// other in the order queued. One (the default) sends every webhook in turn; more
    /// plays a sender that does not wait for one member's webhook before sending
    /// another's. MX's webhook pages document retries ("no more than 12 total retries
    /// after an initial request", <https://docs.mx.com/resources/webhooks/>) and no
    /// order or one-at-a-time delivery, so a receiver must not depend on either.
    pub webhook_concurrency: usize,
    /// The largest request body accepted, in bytes.
    pub max_body_bytes: usize,
    /// Seeds the generator of GUIDs and the fault plans' draws, so two runs with the same
    /// requests give the same GUIDs and the same faults.
    pub seed: u64,
    /// More tenants besides `client_id`/`api_key`: (client id, API key) pairs, each with
    /// its own users, members, clock, faults and outbox.
    pub tenants: Vec<(String, String)>,
    /// The fault plan each tenant starts with (and returns to on `POST /emulator/reset`).
    pub faults: FaultPlan,
    /// Faults injected into webhook deliveries.
    pub webhook_faults: WebhookFaults,
    /// Requests each tenant's journal keeps (`GET /emulator/requests`), the newest ones;
    /// 100,000 by default, about 25 MB (the journal's per-entry cost: about 250 bytes).
    pub journal_entries: usize,
    /// Webhooks each tenant's outbox keeps for `GET /emulator/webhooks`; past it the
    /// oldest finished ones are forgotten (pending ones are always kept). 10,000 by
    /// default.
    pub webhooks_kept: usize,
    /// Background aggregation off for every member created without
    /// `background_aggregation_is_disabled`: the client-wide setting MX configures on
    /// request ("This background aggregation can be disabled by default for all members.
    /// Please reach out to MX", Seed).
    pub background_off_by_default: bool,
}

impl Config {
    /// A configuration with MX's production rules, listening on `127.0.0.1:0`.
    pub fn new(client_id: impl Into<String>, api_key: impl Into<String>) -> Self {
        Self {
            addr: SocketAddr::from(([127, 0, 0, 1], 0)),
            client_id: client_id.into(),
            api_key: api_key.into(),
            webhook_url: None,
            integration_env: false,
            rate_limit: None,
            step: Duration::from_secs(1),
            mfa_timeout: Duration::from_secs(10 * 60),
            // MX's window, one number for the simulated MX and the emulator.
            throttle_window: mx_aggregation_tooling::job_rules::THROTTLE_WINDOW
                .to_std()
                .unwrap_or(Duration::from_secs(3 * 3_600)),
            throttle_from: ThrottleFrom::AnyJob,
            start_at: None,
            real_time: true,
            webhook_backoff: Duration::from_secs(20),
            webhook_retries: 12,
            webhook_concurrency: 1,
            max_body_bytes: 64 * 1024,
            seed: 0x6d78_656d_756c_6174,
            tenants: Vec::new(),
            faults: FaultPlan::default(),
            webhook_faults: WebhookFaults::default(),
            journal_entries: 100_000,
            webhooks_kept: 10_000,
            background_off_by_default: false,
        }
    }
}
