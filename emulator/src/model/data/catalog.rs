//! What MX Bank's data is made of: its accounts and the kinds of transaction they carry.
//!
//! MX's "Testing with MX Bank" page (<https://docs.mx.com/resources/test-platform/mxbank/>)
//! says only that "connecting to this institution generates test data for accounts and
//! transactions"; it lists no accounts. The emulator gives every member one account of
//! each of the four kinds a personal-finance service meets first: a checking account, a
//! savings account, a credit card and an investment account (MX's account `type` values
//! `CHECKING`, `SAVINGS`, `CREDIT_CARD`, `INVESTMENT`, MX's OpenAPI v20250224
//! `AccountResponse`). Every member, not some: MX Bank's test members are alike, and a
//! client meets every kind with any member. The investment account carries holdings
//! (`super::holdings`), not transactions: its balance is their value. The merchants, categories
//! and amounts are the emulator's own, in the shape of MX's transaction examples
//! (`description` "MX Technologies Payroll", `category` "Paycheck", `top_level_category`
//! "Income" in v20250224's `TransactionResponse`).

/// An account kind MX Bank gives every member.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum AccountKind {
    /// A checking account (`CHECKING`).
    Checking,
    /// A savings account (`SAVINGS`).
    Savings,
    /// A credit card (`CREDIT_CARD`): its balance is what the member owes.
    CreditCard,
    /// An investment account (`INVESTMENT`): its balance is what its holdings are worth.
    Investment,
}

impl AccountKind {
    /// Every kind, in the order a member's accounts are listed.
    pub(crate) const ALL: [Self; 4] = [
        Self::Checking,
        Self::Savings,
        Self::CreditCard,
        Self::Investment,
    ];

    /// MX's account `type`.
    pub(crate) const fn mx_type(self) -> &'static str {
        match self {
            Self::Checking => "CHECKING",
            Self::Savings => "SAVINGS",
            Self::CreditCard => "CREDIT_CARD",
            Self::Investment => "INVESTMENT",
        }
    }

    /// The account's `name`.
    pub(crate) const fn name(self) -> &'static str {
        match self {
            Self::Checking => "MX Bank Checking",
            Self::Savings => "MX Bank Savings",
            Self::CreditCard => "MX Bank Credit Card",
            Self::Investment => "MX Bank Investment",
        }
    }

    /// The position of the account among the member's accounts.
    pub(crate) const fn index(self) -> u8 {
        match self {
            Self::Checking => 0,
            Self::Savings => 1,
            Self::CreditCard => 2,
            Self::Investment => 3,
        }
    }

    /// True for an account whose balance is a debt (a credit card): a debit raises it.
    pub(crate) const fn is_liability(self) -> bool {
        match self {
            Self::Checking | Self::Savings | Self::Investment => false,
            Self::CreditCard => true,
        }
    }

    /// True for an account whose balance is a running sum of its transactions; false for
    /// the investment account, whose balance is its holdings' value.
    pub(crate) const fn carries_transactions(self) -> bool {
        match self {
            Self::Checking | Self::Savings | Self::CreditCard => true,
            Self::Investment => false,
        }
    }
}

/// Which way money moves (MX's transaction `type`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum Direction {
    /// Money in (`CREDIT`).
    Credit,
    /// Money out (`DEBIT`).
    Debit,
}

impl Direction {
    /// MX's transaction `type`.
    pub(crate) const fn mx_type(self) -> &'static str {
        match self {
            Self::Credit => "CREDIT",
            Self::Debit => "DEBIT",
        }
    }
}

/// What a transaction is for, as MX's transaction flags say it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum Purpose {
    /// A card or point-of-sale purchase: posted a few days after it happens.
    Purchase,
    /// A subscription charge (`is_subscription`, `is_recurring`).
    Subscription,
    /// A bill paid from the account (`is_bill_pay`).
    BillPay,
    /// A bank fee (`is_fee`).
    Fee,
    /// Pay deposited directly (`is_direct_deposit`, `is_income`).
    Payroll,
    /// Interest earned (`is_income`).
    Interest,
    /// Money moved between the member's own accounts or to pay the card.
    Transfer,
}

/// One kind of transaction MX Bank generates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Entry {
    pub(crate) account: AccountKind,
    pub(crate) direction: Direction,
    pub(crate) purpose: Purpose,
    /// The cleaned description (`description`).
    pub(crate) description: &'static str,
    /// The institution's text (`original_description`); also the `description` until MX
    /// cleans it, for a transaction updated in place.
    pub(crate) original: &'static str,
    pub(crate) category: &'static str,
    pub(crate) top_level_category: &'static str,
    pub(crate) merchant_category_code: Option<u16>,
    /// The amount's range in cents, inclusive.
    pub(crate) min_cents: i64,
    pub(crate) max_cents: i64,
    /// How often it is drawn, against the other entries' weights.
    pub(crate) weight: u32,
}

impl Entry {
    /// True when the institution reports it `PENDING` before it posts: purchases, as
    /// card authorizations are.
    pub(crate) const fn can_pend(&self) -> bool {
        matches!(self.purpose, Purpose::Purchase)
    }
}

const fn entry(
    (account, direction, purpose): (AccountKind, Direction, Purpose),
    text: (&'static str, &'static str),
    category: (&'static str, &'static str),
    merchant_category_code: Option<u16>,
    cents: (i64, i64),
    weight: u32,
) -> Entry {
    Entry {
        account,
        direction,
        purpose,
        description: text.0,
        original: text.1,
        category: category.0,
        top_level_category: category.1,
        merchant_category_code,
        min_cents: cents.0,
        max_cents: cents.1,
        weight,
    }
}

use AccountKind::{Checking, CreditCard, Savings};
use Direction::{Credit, Debit};

/// Every kind of transaction; the first [`PURCHASES`] entries are purchases.
#[rustfmt::skip]
pub(crate) const ENTRIES: [Entry; 13] = [
    entry((Checking, Debit, Purpose::Purchase), ("Target", "POS DEBIT TARGET 00012"), ("Shopping", "Shopping"), Some(5310), (1_500, 12_000), 10),
    entry((Checking, Debit, Purpose::Purchase), ("Chipotle", "DEBIT CHIPOTLE 1123"), ("Fast Food", "Food & Dining"), Some(5814), (900, 2_500), 10),
    entry((CreditCard, Debit, Purpose::Purchase), ("Whole Foods", "WHOLEFDS TSQ 102"), ("Groceries", "Food & Dining"), Some(5411), (2_000, 15_000), 12),
    entry((CreditCard, Debit, Purpose::Purchase), ("Starbucks", "STARBUCKS STORE 0412"), ("Coffee Shops", "Food & Dining"), Some(5814), (350, 1_200), 12),
    entry((CreditCard, Debit, Purpose::Purchase), ("Shell", "SHELL OIL 57442"), ("Gas", "Auto & Transport"), Some(5541), (2_500, 7_000), 8),
    entry((CreditCard, Debit, Purpose::Purchase), ("Amazon", "AMZN MKTP US*2K4T81"), ("Shopping", "Shopping"), Some(5999), (1_000, 9_000), 10),
    entry((Checking, Debit, Purpose::Subscription), ("Netflix", "NETFLIX.COM 866-579-7172"), ("Television", "Entertainment"), Some(4899), (1_549, 1_549), 1),
    entry((Checking, Debit, Purpose::BillPay), ("Electric Company", "ACH ELECTRIC CO BILLPAY"), ("Utilities", "Bills & Utilities"), Some(4900), (6_000, 14_000), 1),
    entry((Checking, Debit, Purpose::Fee), ("ATM Fee", "ATM FEE NON-NETWORK"), ("Service Fee", "Fees & Charges"), Some(6011), (250, 350), 1),
    entry((Checking, Credit, Purpose::Payroll), ("MX Technologies Payroll", "MX TECHNOLOGIES PAYROLL PPD"), ("Paycheck", "Income"), None, (150_000, 250_000), 1),
    entry((Savings, Credit, Purpose::Interest), ("Interest Payment", "INTEREST PAID"), ("Interest Income", "Income"), None, (5, 300), 2),
    entry((Savings, Credit, Purpose::Transfer), ("Transfer from Checking", "ONLINE TRANSFER FROM CHK 4821"), ("Transfer", "Transfer"), None, (5_000, 30_000), 2),
    entry((CreditCard, Credit, Purpose::Transfer), ("Credit Card Payment", "PAYMENT THANK YOU"), ("Credit Card Payment", "Transfer"), None, (30_000, 80_000), 3),
];

/// How many of the first [`ENTRIES`] are purchases.
pub(crate) const PURCHASES: usize = 6;

/// The entry `draw` picks among the first `among` entries, by weight.
pub(crate) fn pick(draw: u64, among: usize) -> &'static Entry {
    let entries = &ENTRIES[..among.clamp(1, ENTRIES.len())];
    let total: u64 = entries.iter().map(|e| u64::from(e.weight)).sum();
    let mut at = draw % total.max(1);
    for entry in entries {
        let weight = u64::from(entry.weight);
        if at < weight {
            return entry;
        }
        at -= weight;
    }
    &entries[0]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_entries_are_the_purchases_and_only_purchases_pend() {
        for (i, entry) in ENTRIES.iter().enumerate() {
            assert_eq!(entry.can_pend(), i < PURCHASES, "{}", entry.description);
            assert!(entry.min_cents > 0 && entry.min_cents <= entry.max_cents);
        }
    }

    #[test]
    fn exactly_the_kinds_that_carry_transactions_have_entries() {
        for kind in AccountKind::ALL {
            assert_eq!(
                ENTRIES.iter().any(|e| e.account == kind),
                kind.carries_transactions(),
                "{kind:?}"
            );
        }
    }

    #[test]
    fn pick_reaches_every_entry_by_weight() {
        let total: u64 = ENTRIES.iter().map(|e| u64::from(e.weight)).sum();
        let seen: std::collections::BTreeSet<&str> = (0..total)
            .map(|d| pick(d, ENTRIES.len()).description)
            .collect();
        assert_eq!(seen.len(), ENTRIES.len());
        assert!((0..100).all(|d| pick(d, PURCHASES).can_pend()));
    }
}
