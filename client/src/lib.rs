//! A reference MX Platform API client and driver around `mx_aggregation`: the crate used
//! the way a service uses it.
//!
//! `mx_aggregation` stays sans-IO; this package does the IO around it, the way quinn sits
//! beside quinn-proto:
//!
//! - [`MxClient`]: typed async calls to MX's member endpoints (reqwest with rustls),
//!   Basic auth, API version v20250224, timeouts; [`Reply`] keeps MX's answer as it came
//!   for the crate's HTTP-outcome classification.
//! - [`types`]: MX's request and response bodies, MFA challenges of every type, accounts,
//!   transactions, account numbers and owners, holdings, statements; [`DataList`] and
//!   [`Pages`]: MX's lists of them, read page after page to the last.
//! - [`Clock`]: the system clock, or the emulator's virtual clock ([`EmulatorClock`]).
//! - [`Driver`]: reads a member and does what `mx_aggregation` decides, until the data
//!   can be read or the end user must act ([`Outcome`]); every HTTP answer goes through
//!   the crate's `Call::classify`. [`Driver::drive_and_sync`] goes on past `read_data`.
//! - [`sync`]: the sans-IO sync of a member's accounts and transactions (`added`,
//!   `modified`, `removed`, a checkpoint committed after the last page).
//!
//! The library `mx-aggregation` never depends on this package.
//!
//! The loop a service runs per member, decide → read data → sync:
//!
//! ```no_run
//! use mx_aggregation::{MemberState, Policy};
//! use mx_aggregation_client::sync::{MemberData, SyncOptions};
//! use mx_aggregation_client::{Driver, MemberRef, MxClient, MxConfig, Outcome, SystemClock};
//!
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let config = MxConfig::new("https://int-api.mx.com", "CLIENT_ID", "API_KEY");
//! let driver = Driver::new(MxClient::new(config)?, SystemClock, Policy::default());
//! let member = MemberRef::new("USR-1", "MBR-1");
//! // Kept between drives (a service stores them): the member's folded state, and its
//! // data with the sync checkpoint.
//! let (mut state, mut data) = (MemberState::default(), MemberData::default());
//!
//! // A webhook arrives: the crate's state and the data sync fold it. A
//! // `member_data_updated` counting no transaction makes the next sync read accounts only;
//! // a TRANSACTION `deleted` webhook removes the transaction.
//! let body = r#"{"action": "member_data_updated", "type": "AGGREGATION",
//!     "member_guid": "MBR-1", "completed_at": 1772442000,
//!     "transactions_created_count": 4, "transactions_updated_count": 1}"#;
//! let _ = state.apply(&mx_aggregation::Observation::from_json(body)?, chrono::Utc::now());
//! let _ = data.fold_webhook(&serde_json::from_str(body)?);
//!
//! // Decide (poll, aggregate, wait… as the crate says); when it says read_data, sync.
//! match driver.drive_and_sync(&member, &mut state, &mut data, &SyncOptions::default()).await? {
//!     Outcome::Synced { report, .. } => {
//!         println!("{} transactions held, {:?}", data.store.transactions.len(), report.transactions);
//!     }
//!     Outcome::SyncFailed { error, .. } => eprintln!("sync again later: {error}"),
//!     Outcome::WaitUntil { until, .. } => println!("drive again at {until}"),
//!     other => println!("the end user or an operator acts: {other:?}"),
//! }
//! # Ok(())
//! # }
//! ```

#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![warn(clippy::use_self, unreachable_pub)]

mod client;
mod clock;
mod config;
mod data;
mod driver;
mod endpoint;
mod error;
mod query;
mod reads;
mod reply;
mod request_log;
pub mod sync;
pub mod types;

pub use client::MxClient;
pub use clock::{Clock, EmulatorClock, SystemClock};
pub use config::{API_VERSION, MxConfig};
pub use data::{ListPage, Pages};
pub use driver::{
    AccountCounts, DataRead, DataStep, DriveError, Driver, Limits, Outcome, SyncReport, UserAction,
};
pub use endpoint::{DataList, Endpoint, MemberRef};
pub use error::MxError;
pub use query::{MAX_RECORDS_PER_PAGE, MIN_RECORDS_PER_PAGE, PageQuery, TransactionFilter};
pub use reads::{MAX_INSTITUTIONS_PER_PAGE, MIN_INSTITUTIONS_PER_PAGE};
pub use reply::Reply;
pub use request_log::{CallTally, LoggedRequest, RequestLog};
