//! A seeded generator (SplitMix64) for the kill schedule: the same seed gives the same
//! moments, so a failing run is repeated with `MX_CRASH_SEED`.

/// SplitMix64: small, fast, and enough for choosing delays.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// A generator from `seed`.
    pub const fn new(seed: u64) -> Self {
        Self(seed)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number in `low..=high`.
    pub fn between(&mut self, low: u64, high: u64) -> u64 {
        low + self.next_u64() % (high - low + 1)
    }
}

/// The seed from `var` (decimal) or `default`, printed so that a failing run can be repeated.
pub fn seed_from_env(var: &str, default: u64) -> u64 {
    let seed = std::env::var(var)
        .ok()
        .and_then(|text| text.trim().parse().ok())
        .unwrap_or(default);
    eprintln!("seed {seed} (repeat with {var}={seed})");
    seed
}
