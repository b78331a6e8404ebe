//! `AccountResponse`, `AccountNumberResponse` and `AccountOwnerResponse`, and the pages
//! that list them (SPEC25 `AccountsResponseBody`, `AccountNumbersResponseBody`,
//! `AccountOwnersResponseBody`).

use serde::{Deserialize, Serialize};

use super::pagination::Pagination;

/// An account as MX lists it (`GET …/members/{member}/accounts`, `GET /users/{user}/accounts`).
///
/// Every field the spec marks nullable is an `Option`; amounts are JSON numbers (`f64`),
/// timestamps and dates stay the strings MX sent. Enumerations MX may extend (`type`,
/// `account_ownership`, …) stay strings, so a new value never makes an account unreadable.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Account {
    /// MX's identifier, `ACT-…`.
    pub guid: Option<String>,
    /// Your identifier, when you gave one.
    pub id: Option<String>,
    /// The member's guid.
    pub member_guid: Option<String>,
    /// Your identifier for the member.
    pub member_id: Option<String>,
    /// The user's guid.
    pub user_guid: Option<String>,
    /// Your identifier for the user.
    pub user_id: Option<String>,
    /// The institution's code.
    pub institution_code: Option<String>,
    /// The account's name at the institution.
    pub name: Option<String>,
    /// The end user's name for it.
    pub nickname: Option<String>,
    /// `CHECKING`, `SAVINGS`, `CREDIT_CARD`, `LOAN`, `INVESTMENT`, ….
    #[serde(rename = "type")]
    pub account_type: Option<String>,
    /// A finer type, e.g. `MONEY_MARKET`.
    pub subtype: Option<String>,
    /// `UNKNOWN`, `INDIVIDUAL`, `JOINT` or `MULTIPLE`.
    pub account_ownership: Option<String>,
    /// The last digits of the account number (never the whole number here).
    pub account_number: Option<String>,
    /// The routing number, when MX has it.
    pub routing_number: Option<String>,
    /// The current balance; PENDING transactions are typically not in it.
    pub balance: Option<f64>,
    /// What can be spent now (asset accounts).
    pub available_balance: Option<f64>,
    /// The credit that can be used now (liability accounts).
    pub available_credit: Option<f64>,
    /// The cash part of an investment account.
    pub cash_balance: Option<f64>,
    /// The credit limit.
    pub credit_limit: Option<f64>,
    /// The ISO 4217 currency, e.g. `USD`.
    pub currency_code: Option<String>,
    /// The annual percentage rate.
    pub apr: Option<f64>,
    /// The annual percentage yield.
    pub apy: Option<f64>,
    /// The interest rate.
    pub interest_rate: Option<f64>,
    /// The day of the month a payment is due.
    pub day_payment_is_due: Option<i64>,
    /// The latest payment's amount.
    pub last_payment: Option<f64>,
    /// When the latest payment was made.
    pub last_payment_at: Option<String>,
    /// The minimum payment due.
    pub minimum_payment: Option<f64>,
    /// The minimum balance.
    pub minimum_balance: Option<f64>,
    /// When the next payment is due.
    pub payment_due_at: Option<String>,
    /// The balance on the latest statement.
    pub statement_balance: Option<f64>,
    /// A loan's original amount.
    pub loan_amount: Option<f64>,
    /// A loan's original balance.
    pub original_balance: Option<f64>,
    /// What pays a loan off.
    pub payoff_balance: Option<f64>,
    /// When a loan or deposit matures.
    pub matures_on: Option<String>,
    /// When the account was opened.
    pub started_on: Option<String>,
    /// A margin account's balance.
    pub margin_balance: Option<f64>,
    /// An investment account's total value.
    pub total_account_value: Option<f64>,
    /// An investment account's unrealized gain or loss.
    pub total_account_value_ugl: Option<f64>,
    /// Today's unrealized gain or loss.
    pub today_ugl_amount: Option<f64>,
    /// Today's unrealized gain or loss, in percent.
    pub today_ugl_percentage: Option<f64>,
    /// An insurance policy's cash surrender value.
    pub cash_surrender_value: Option<f64>,
    /// An insurance policy's death benefit.
    pub death_benefit: Option<i64>,
    /// An insurance policy's premium.
    pub premium_amount: Option<f64>,
    /// The insured person's name.
    pub insured_name: Option<String>,
    /// An annuity's provider.
    pub annuity_provider: Option<String>,
    /// An annuity's policy date.
    pub annuity_policy_to_date: Option<String>,
    /// An annuity's term, in years.
    pub annuity_term_year: Option<i64>,
    /// An annuity's pay-out amount.
    pub pay_out_amount: Option<f64>,
    /// A property account's kind, e.g. `REAL_ESTATE`.
    pub property_type: Option<String>,
    /// `UNKNOWN_INSURED`, `INSURED` or `NOT_INSURED`.
    pub federal_insurance_status: Option<String>,
    /// True once the institution reports the account closed (not nullable in the spec).
    pub is_closed: Option<bool>,
    /// True when the end user hid it.
    pub is_hidden: Option<bool>,
    /// True for a manual account.
    pub is_manual: Option<bool>,
    /// True when the end user manages the member.
    pub member_is_managed_by_user: Option<bool>,
    /// What you stored with the account.
    pub metadata: Option<String>,
    /// When MX created the account (the spec's one non-nullable timestamp).
    pub created_at: Option<String>,
    /// When MX last changed it.
    pub updated_at: Option<String>,
    /// When MX imported it.
    pub imported_at: Option<String>,
}

/// A page of accounts.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct AccountsPage {
    /// The accounts on this page.
    pub accounts: Vec<Account>,
    /// Where the page sits in the list.
    pub pagination: Pagination,
}

/// An account's full numbers (`GET …/members/{member}/account_numbers`), after a `verify`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct AccountNumber {
    /// MX's identifier for this record, `ACN-…`.
    pub guid: Option<String>,
    /// The account's guid (not nullable in the spec).
    pub account_guid: Option<String>,
    /// The member's guid.
    pub member_guid: Option<String>,
    /// The user's guid.
    pub user_guid: Option<String>,
    /// The account number.
    pub account_number: Option<String>,
    /// The routing number.
    pub routing_number: Option<String>,
    /// A Canadian institution's three digits.
    pub institution_number: Option<String>,
    /// A Canadian branch's five digits.
    pub transit_number: Option<String>,
    /// A student loan's guarantor.
    pub loan_guarantor: Option<String>,
    /// A student loan's reference number.
    pub loan_reference_number: Option<String>,
    /// A student loan's sequence number.
    pub sequence_number: Option<String>,
    /// True when MX's checks found the numbers plausible.
    pub passed_validation: Option<bool>,
}

/// A page of account numbers.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct AccountNumbersPage {
    /// The account numbers on this page.
    pub account_numbers: Vec<AccountNumber>,
    /// Where the page sits in the list.
    pub pagination: Pagination,
}

/// An account's owner (`GET …/members/{member}/account_owners`), after an `identify`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct AccountOwner {
    /// MX's identifier for this record, `ACO-…`.
    pub guid: Option<String>,
    /// The account's guid (not nullable in the spec).
    pub account_guid: Option<String>,
    /// The member's guid.
    pub member_guid: Option<String>,
    /// The user's guid.
    pub user_guid: Option<String>,
    /// The owner's name as the institution gives it.
    pub owner_name: Option<String>,
    /// First (and middle) name, when MX splits names.
    pub first_name: Option<String>,
    /// Last name.
    pub last_name: Option<String>,
    /// Street address.
    pub address: Option<String>,
    /// City.
    pub city: Option<String>,
    /// State.
    pub state: Option<String>,
    /// Postal code.
    pub postal_code: Option<String>,
    /// Country.
    pub country: Option<String>,
    /// Email address.
    pub email: Option<String>,
    /// Phone number.
    pub phone: Option<String>,
}

/// A page of account owners.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct AccountOwnersPage {
    /// The owners on this page.
    pub account_owners: Vec<AccountOwner>,
    /// Where the page sits in the list.
    pub pagination: Pagination,
}
