//! The local copy of a member's transactions against the emulator's truth, by
//! transaction guid: missing (at MX, not in the copy), doubled (in the copy more than
//! once) and gone (in the copy, deleted at MX: a `PENDING` transaction MX replaced with
//! its `POSTED` one under a new guid, or one it dropped; kept, it shows the purchase twice).

use std::collections::{HashMap, HashSet};

/// Differences between a local copy and MX's transactions.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CopyCheck {
    /// Transactions MX has that the copy lacks.
    pub missing: u64,
    /// Extra copies of a transaction the copy holds more than once.
    pub doubled: u64,
    /// Transactions the copy keeps that MX no longer has.
    pub gone: u64,
    /// Accounts whose copy is not MX's (missing, extra, or another balance or available
    /// balance); `None` for a side that keeps no accounts.
    pub accounts_off: Option<u64>,
}

impl CopyCheck {
    /// Adds another member's differences.
    pub const fn add(&mut self, other: Self) {
        self.missing += other.missing;
        self.doubled += other.doubled;
        self.gone += other.gone;
        self.accounts_off = match (self.accounts_off, other.accounts_off) {
            (Some(a), Some(b)) => Some(a + b),
            (one, None) | (None, one) => one,
        };
    }

    /// True when the copy equals MX's truth.
    pub const fn is_exact(&self) -> bool {
        self.missing == 0
            && self.doubled == 0
            && self.gone == 0
            && matches!(self.accounts_off, None | Some(0))
    }
}

/// Compares the guids of a local copy with the guids MX holds.
pub fn compare<S: AsRef<str>, T: AsRef<str>>(truth: &[S], local: &[T]) -> CopyCheck {
    let truth: HashSet<&str> = truth.iter().map(AsRef::as_ref).collect();
    let mut copies: HashMap<&str, u64> = HashMap::new();
    for guid in local {
        *copies.entry(guid.as_ref()).or_default() += 1;
    }
    CopyCheck {
        missing: truth
            .iter()
            .filter(|guid| !copies.contains_key(*guid))
            .count() as u64,
        doubled: copies.values().map(|count| count - 1).sum(),
        gone: copies.keys().filter(|guid| !truth.contains(*guid)).count() as u64,
        accounts_off: None,
    }
}

/// An account as both sides are compared on: its guid, balance and available balance
/// (as JSON text, so that `null` and a number compare as MX sent them).
pub type AccountFigures = (String, String, String);

/// The accounts of a copy that are not MX's: each of MX's accounts the copy lacks or
/// holds with another balance or available balance, and each account the copy holds
/// that MX does not.
pub fn compare_accounts(truth: &[AccountFigures], local: &[AccountFigures]) -> u64 {
    let truth: HashMap<&str, &AccountFigures> = truth.iter().map(|a| (a.0.as_str(), a)).collect();
    let local: HashMap<&str, &AccountFigures> = local.iter().map(|a| (a.0.as_str(), a)).collect();
    let off = truth
        .iter()
        .filter(|(guid, account)| local.get(*guid) != Some(*account))
        .count();
    let extra = local
        .keys()
        .filter(|guid| !truth.contains_key(*guid))
        .count();
    (off + extra) as u64
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    proptest! {
        /// Every guid MX holds is either in the copy or missing; every guid in the copy is
        /// MX's or gone; every extra copy is a double.
        #[test]
        fn differences_account_for_every_guid(
            truth in proptest::collection::hash_set("[a-f]{1,2}", 0..20),
            local in proptest::collection::vec("[a-f]{1,2}", 0..40),
        ) {
            let truth: Vec<String> = truth.into_iter().collect();
            let check = compare(&truth, &local);
            let distinct: HashSet<&String> = local.iter().collect();
            let shared = distinct.iter().filter(|guid| truth.contains(guid)).count() as u64;
            prop_assert_eq!(check.missing + shared, truth.len() as u64);
            prop_assert_eq!(check.gone + shared, distinct.len() as u64);
            prop_assert_eq!(check.doubled + distinct.len() as u64, local.len() as u64);
            prop_assert_eq!(check.is_exact(), {
                let mut sorted = local.clone();
                sorted.sort();
                let mut expected = truth.clone();
                expected.sort();
                sorted == expected
            });
        }
    }

    #[test]
    fn accounts_differ_by_balance_by_absence_and_by_excess() {
        let account =
            |guid: &str, balance: &str| (guid.to_owned(), balance.to_owned(), "1".to_owned());
        let truth = [
            account("a", "10.5"),
            account("b", "3"),
            account("c", "null"),
        ];
        assert_eq!(compare_accounts(&truth, &truth), 0);
        let local = [account("a", "10.5"), account("b", "4"), account("x", "1")];
        assert_eq!(
            compare_accounts(&truth, &local),
            3,
            "b's balance, c missing, x extra"
        );
        let mut total = CopyCheck::default();
        total.add(CopyCheck {
            accounts_off: Some(0),
            ..CopyCheck::default()
        });
        assert!(total.is_exact());
        total.add(CopyCheck {
            accounts_off: Some(2),
            ..CopyCheck::default()
        });
        assert_eq!(total.accounts_off, Some(2));
        assert!(!total.is_exact());
    }

    #[test]
    fn an_exact_copy_has_no_differences() {
        assert!(compare(&["a", "b"], &["b", "a"]).is_exact());
    }

    #[test]
    fn each_difference_is_counted_once() {
        let check = compare(&["a", "b", "c"], &["a", "a", "a", "b", "p"]);
        assert_eq!(
            check,
            CopyCheck {
                missing: 1,
                doubled: 2,
                gone: 1,
                accounts_off: None,
            }
        );
        let mut total = CopyCheck::default();
        total.add(check);
        total.add(check);
        assert_eq!(total.doubled, 4);
        assert!(!total.is_exact());
    }
}
