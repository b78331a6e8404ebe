//! MX-shaped GUIDs (`MBR-48d9a481-f2a2-7e13-2685-62869cf0d33a`) from a seeded counter:
//! unique within a run and the same in every run with the same seed.

/// Generates GUIDs.
#[derive(Debug, Clone)]
pub(crate) struct IdGen {
    seed: u64,
    counter: u64,
}

impl IdGen {
    pub(crate) const fn new(seed: u64) -> Self {
        Self { seed, counter: 0 }
    }

    /// A new GUID with MX's `prefix` (`USR`, `MBR`, `JOB`, `CRD`…).
    pub(crate) fn next(&mut self, prefix: &str) -> String {
        self.counter = self.counter.wrapping_add(1);
        let high = splitmix(self.seed ^ self.counter);
        let low = splitmix(high ^ self.counter.rotate_left(32));
        format!(
            "{prefix}-{:08x}-{:04x}-{:04x}-{:04x}-{:012x}",
            high >> 32,
            (high >> 16) & 0xffff,
            high & 0xffff,
            low >> 48,
            low & 0xffff_ffff_ffff
        )
    }

    /// A URL-safe token for a single-use OAuth window.
    pub(crate) fn token(&mut self) -> String {
        self.counter = self.counter.wrapping_add(1);
        let a = splitmix(self.seed.rotate_left(7) ^ self.counter);
        let b = splitmix(a);
        format!("{a:016x}{b:016x}")
    }
}

/// SplitMix64's output function (Steele, Lea, Flood 2014).
pub(crate) const fn splitmix(x: u64) -> u64 {
    let mut z = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}
