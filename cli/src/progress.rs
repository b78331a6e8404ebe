//! `batch`'s progress counter on standard error, shown only when standard error is a
//! terminal: a line rewritten in place with a carriage return, a few times a second.

use std::io::{self, Write as _};
use std::time::{Duration, Instant};

/// How often the counter is redrawn.
const REDRAW_EVERY: Duration = Duration::from_millis(200);

/// The progress counter; does nothing when disabled.
pub(crate) struct Progress {
    enabled: bool,
    /// The input's size in bytes, when known, for a percentage.
    total_bytes: Option<u64>,
    last_drawn: Instant,
    drawn: bool,
}

impl Progress {
    /// A counter that draws only when `enabled`.
    pub(crate) fn new(enabled: bool, total_bytes: Option<u64>) -> Self {
        Self {
            enabled,
            total_bytes,
            last_drawn: Instant::now(),
            drawn: false,
        }
    }

    /// Called after each chunk of lines (reading the clock per line would cost more than
    /// deciding the line); redraws now and then.
    pub(crate) fn tick(&mut self, lines: u64, bytes: u64) {
        if !self.enabled || self.last_drawn.elapsed() < REDRAW_EVERY {
            return;
        }
        self.last_drawn = Instant::now();
        self.drawn = true;
        let _ = write!(io::stderr(), "\r{}", line(lines, bytes, self.total_bytes));
    }

    /// Erases the counter, so the summary starts on a clean line.
    pub(crate) fn finish(&mut self) {
        if self.drawn {
            let _ = write!(io::stderr(), "\r\x1b[2K");
            self.drawn = false;
        }
    }
}

/// The counter's text: `123456 lines, 45%`.
fn line(lines: u64, bytes: u64, total_bytes: Option<u64>) -> String {
    match total_bytes {
        Some(total) if total > 0 => {
            format!("{lines} lines, {}%", bytes.saturating_mul(100) / total)
        }
        _ => format!("{lines} lines"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shows_lines_and_a_percentage_when_the_size_is_known() {
        assert_eq!(line(4096, 500, Some(1000)), "4096 lines, 50%");
        assert_eq!(line(4096, 500, None), "4096 lines");
        assert_eq!(line(4096, 500, Some(0)), "4096 lines");
    }

    #[test]
    fn a_disabled_counter_never_draws() {
        let mut progress = Progress::new(false, None);
        progress.last_drawn -= REDRAW_EVERY;
        progress.tick(4096, 1);
        assert!(!progress.drawn);
    }
}
