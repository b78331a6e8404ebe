//! `batch`'s summary on standard error: how many members got each action, how many lines
//! failed.

use std::fmt;

use mx_aggregation::ActionKind;
use mx_aggregation::batch::LineOutcome;

/// Counts per action, and of failed lines.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(crate) struct Tally {
    /// Decided members per [`ActionKind`], indexed in [`ActionKind::ALL`] order.
    decided: [u64; ActionKind::ALL.len()],
    /// Lines that could not be decided.
    pub(crate) failed: u64,
    /// The number of the last line counted: lines read, blank ones included.
    pub(crate) lines: u64,
}

impl Tally {
    /// Counts one line's outcome.
    pub(crate) fn count(&mut self, outcome: LineOutcome) {
        match outcome {
            LineOutcome::Blank => {}
            LineOutcome::Decided(decision) => {
                let kind = decision.action.kind();
                if let Some(i) = ActionKind::ALL.iter().position(|&k| k == kind) {
                    self.decided[i] += 1;
                }
            }
            LineOutcome::Failed => self.failed += 1,
        }
    }

    /// Adds the counts of a later part of the input.
    pub(crate) fn add(&mut self, later: &Self) {
        for (total, count) in self.decided.iter_mut().zip(later.decided) {
            *total += count;
        }
        self.failed += later.failed;
        self.lines = self.lines.max(later.lines);
    }

    /// The summary of a run that read `lines` input lines.
    pub(crate) fn summary(&self, lines: u64) -> Summary<'_> {
        Summary { tally: self, lines }
    }
}

/// The printable summary.
pub(crate) struct Summary<'a> {
    tally: &'a Tally,
    lines: u64,
}

impl fmt::Display for Summary<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let decided: u64 = self.tally.decided.iter().sum();
        writeln!(
            f,
            "lines read: {}, members decided: {decided}, lines failed: {}",
            self.lines, self.tally.failed
        )?;
        for (kind, count) in ActionKind::ALL.iter().zip(self.tally.decided) {
            writeln!(f, "  {:<24}{count:>10}", kind.as_str())?;
        }
        writeln!(f, "  {:<24}{:>10}", "errors", self.tally.failed)
    }
}

#[cfg(test)]
mod tests {
    use mx_aggregation::{Decision, NextAction, Reason};

    use super::*;

    #[test]
    fn counts_each_action_and_failures_and_lists_every_action() {
        let mut tally = Tally::default();
        let stop = Decision {
            action: NextAction::Stop,
            reason: Reason::TerminalStatus,
        };
        let mfa = Decision {
            action: NextAction::AnswerMfa,
            reason: Reason::MfaChallenge,
        };
        for outcome in [
            LineOutcome::Decided(stop),
            LineOutcome::Blank,
            LineOutcome::Failed,
            LineOutcome::Decided(mfa),
            LineOutcome::Decided(stop),
        ] {
            tally.count(outcome);
        }
        assert_eq!(tally.failed, 1);
        insta::assert_snapshot!(tally.summary(5).to_string(), @r"
        lines read: 5, members decided: 3, lines failed: 1
          poll                             0
          answer_mfa                       1
          update_credentials               0
          resolve_at_institution           0
          aggregate                        0
          wait                             0
          authorize_oauth                  0
          read_member                      0
          read_data                        0
          stop                             2
          errors                           1
        ");
    }
}
