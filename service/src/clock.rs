//! The service's clock: the system's, or the emulator's virtual one (`--clock
//! emulator`), for tests that jump MX's time past its 3-hour window.

use std::time::Duration;

use chrono::{DateTime, Utc};
use mx_aggregation_client::{Clock, EmulatorClock, MxError, SystemClock};

/// Which clock `--clock` names.
#[derive(Debug, Clone)]
pub enum ServiceClock {
    /// The system clock and tokio's timer.
    System(SystemClock),
    /// The emulator's clock: reading it is an HTTP call, sleeping moves it.
    Emulator(EmulatorClock),
}

impl Clock for ServiceClock {
    async fn now(&self) -> Result<DateTime<Utc>, MxError> {
        match self {
            Self::System(clock) => clock.now().await,
            Self::Emulator(clock) => clock.now().await,
        }
    }

    async fn sleep(&self, duration: Duration) -> Result<DateTime<Utc>, MxError> {
        match self {
            Self::System(clock) => clock.sleep(duration).await,
            Self::Emulator(clock) => clock.sleep(duration).await,
        }
    }
}
