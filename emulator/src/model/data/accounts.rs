//! A member's accounts: one of each [`AccountKind`] from its first successful
//! aggregation on, their balances following the transactions (the investment account's,
//! its holdings' value).

use super::catalog::AccountKind;
use super::holdings;
use super::ledger::{self, Ledger, MemberKey, Status, Transaction};

/// A credit card's limit, in cents.
const CREDIT_LIMIT_CENTS: i64 = 1_500_000;

/// An account as the member's latest job left it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Account {
    pub(crate) guid: String,
    pub(crate) kind: AccountKind,
    /// The last four digits of its number (`account_number`, masked as MX's usually is).
    pub(crate) number: String,
    /// Posted transactions only: what the member has (what a card owes).
    pub(crate) balance_cents: i64,
    /// The balance less the pending debits (a card: the credit left).
    pub(crate) available_cents: i64,
    /// A credit card's limit.
    pub(crate) credit_limit_cents: Option<i64>,
    pub(crate) created_at: i64,
    pub(crate) updated_at: i64,
}

/// The GUID of the member's account of `kind`.
pub(crate) fn guid(key: MemberKey, kind: AccountKind) -> String {
    key.guid("ACT", &[0xAC, u64::from(kind.index())])
}

/// The balance before the history began, in cents (none for the investment account,
/// which keeps no running balance).
fn opening_cents(key: MemberKey, kind: AccountKind) -> i64 {
    let (low, span) = match kind {
        AccountKind::Checking => (200_000, 400_000),
        AccountKind::Savings => (500_000, 1_500_000),
        AccountKind::CreditCard => (30_000, 120_000),
        AccountKind::Investment => return 0,
    };
    low + (key.draw(&[0x0B, u64::from(kind.index())]) % span) as i64
}

/// The member's accounts, none before its first successful aggregation.
pub(crate) fn accounts(key: MemberKey, ledger: &Ledger) -> Vec<Account> {
    let ledger = ledger.for_balances();
    let ledger = ledger.as_ref();
    let (Some(first), Some(last)) = (ledger.first(), ledger.last()) else {
        return Vec::new();
    };
    let records = ledger::all_records(key, ledger);
    AccountKind::ALL
        .into_iter()
        .map(|kind| account(key, ledger, kind, &records, (first, last)))
        .collect()
}

/// The member's account with `guid`.
pub(crate) fn find(key: MemberKey, ledger: &Ledger, guid: &str) -> Option<Account> {
    let kind = AccountKind::ALL
        .into_iter()
        .find(|kind| self::guid(key, *kind) == guid)?;
    let ledger = ledger.for_balances();
    let ledger = ledger.as_ref();
    let (first, last) = (ledger.first()?, ledger.last()?);
    Some(account(
        key,
        ledger,
        kind,
        &ledger::all_records(key, ledger),
        (first, last),
    ))
}

/// The account of `kind`, created at the first job and updated at the last.
fn account(
    key: MemberKey,
    ledger: &Ledger,
    kind: AccountKind,
    records: &[Transaction],
    (first, last): (i64, i64),
) -> Account {
    let (balance, available, credit_limit) = if kind.carries_transactions() {
        running_balance(key, kind, records)
    } else {
        let value = holdings::market_value_cents(key, ledger);
        (value, value, None)
    };
    Account {
        guid: guid(key, kind),
        kind,
        number: format!("{:04}", key.draw(&[0x4E, u64::from(kind.index())]) % 10_000),
        balance_cents: balance,
        available_cents: available,
        credit_limit_cents: credit_limit,
        created_at: first,
        updated_at: last,
    }
}

/// The balance, the available balance and the credit limit of the account of `kind`,
/// from its live transactions among `records`.
fn running_balance(
    key: MemberKey,
    kind: AccountKind,
    records: &[Transaction],
) -> (i64, i64, Option<i64>) {
    let live = || {
        records
            .iter()
            .filter(move |t| t.is_live() && t.account() == kind)
    };
    let balance = opening_cents(key, kind)
        + live()
            .filter(|t| t.status == Status::Posted)
            .map(Transaction::balance_effect)
            .sum::<i64>();
    let pending: i64 = live()
        .filter(|t| t.status == Status::Pending)
        .map(Transaction::balance_effect)
        .sum();
    if kind.is_liability() {
        (
            balance,
            CREDIT_LIMIT_CENTS - balance - pending,
            Some(CREDIT_LIMIT_CENTS),
        )
    } else {
        (balance, balance + pending, None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const START: i64 = 1_772_442_000; // 2026-03-02T09:00:00Z

    #[test]
    fn no_accounts_before_the_first_success() {
        let key = MemberKey::new(7, "MBR-1");
        assert!(accounts(key, &Ledger::default()).is_empty());
    }

    #[test]
    fn a_checking_a_savings_a_credit_card_and_an_investment_account_with_distinct_guids() {
        let key = MemberKey::new(7, "MBR-1");
        let mut ledger = Ledger::default();
        ledger.record(START);
        let all = accounts(key, &ledger);
        let types: Vec<&str> = all.iter().map(|a| a.kind.mx_type()).collect();
        assert_eq!(types, ["CHECKING", "SAVINGS", "CREDIT_CARD", "INVESTMENT"]);
        assert!(all.iter().all(|a| a.guid.starts_with("ACT-")));
        assert_ne!(all[0].guid, all[1].guid);
        assert_eq!(find(key, &ledger, &all[2].guid), Some(all[2].clone()));
        assert_eq!(find(key, &ledger, "ACT-nope"), None);
        assert_eq!(all[2].credit_limit_cents, Some(CREDIT_LIMIT_CENTS));
    }

    #[test]
    fn balances_follow_the_transactions() {
        let key = MemberKey::new(7, "MBR-1");
        let mut ledger = Ledger::default();
        ledger.record(START);
        let records = ledger::all_records(key, &ledger);
        for account in accounts(key, &ledger) {
            if !account.kind.carries_transactions() {
                assert_eq!(
                    account.balance_cents,
                    holdings::market_value_cents(key, &ledger)
                );
                continue;
            }
            let posted: i64 = records
                .iter()
                .filter(|t| t.is_live() && t.account() == account.kind)
                .filter(|t| t.status == Status::Posted)
                .map(Transaction::balance_effect)
                .sum();
            assert_eq!(
                account.balance_cents,
                opening_cents(key, account.kind) + posted
            );
        }
        let before = accounts(key, &ledger);
        ledger.record(START + 3 * 86_400);
        let after = accounts(key, &ledger);
        assert_ne!(before, after, "three days of transactions move a balance");
    }
}
