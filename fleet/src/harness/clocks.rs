//! The tenants' virtual clocks, moved together by the harness.

use chrono::{DateTime, Duration, Utc};
use mx_emulator::TenantHandle;

/// The tenants' clocks, advanced on the emulator's own threads (so that what the
/// emulator plays counts as its CPU time).
pub struct Clocks {
    /// The emulator's runtime.
    pub runtime: tokio::runtime::Handle,
    /// The tenants, moved together.
    pub tenants: Vec<TenantHandle>,
}

impl Clocks {
    /// Moves every tenant's clock by `by`; returns the time after it.
    ///
    /// # Errors
    /// When a move fails or leaves chrono's range.
    pub async fn advance(&self, by: Duration) -> Result<DateTime<Utc>, String> {
        let by = by.to_std().map_err(|e| format!("step: {e}"))?;
        let mut now = None;
        for tenant in &self.tenants {
            let tenant = tenant.clone();
            let moved = self
                .runtime
                .spawn(async move { tenant.advance_clock(by) })
                .await
                .map_err(|e| format!("advancing the clock: {e}"))?;
            now = Some(moved.ok_or("the virtual clock left the years 0000-9999")?);
        }
        now.ok_or_else(|| "no tenant".to_owned())
    }
}
