//! `InvestmentHoldingResponse` and `StatementResponse`, and the pages that list them
//! (SPEC25 `InvestmentHoldingsResponseBody`, `StatementsResponseBody`).

use serde::{Deserialize, Serialize};

use super::pagination::Pagination;

/// An investment holding (`GET …/members/{member}/investment_holdings`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Holding {
    /// MX's identifier, `HOL-…`.
    pub guid: Option<String>,
    /// The account's guid (not nullable in the spec).
    pub account_guid: Option<String>,
    /// The user's guid.
    pub user_guid: Option<String>,
    /// The security's description.
    pub description: Option<String>,
    /// The ticker symbol.
    pub symbol: Option<String>,
    /// `STOCK`, `BOND`, `MUTUAL_FUND`, ….
    pub holding_type: Option<String>,
    /// How many units are held (a string in the spec).
    pub quantity: Option<String>,
    /// The ISO 4217 currency.
    pub currency_code: Option<String>,
    /// What was paid in total.
    pub cost_basis: Option<f64>,
    /// The price per unit now.
    pub current_price: Option<f64>,
    /// When `current_price` was read.
    pub current_price_as_of: Option<String>,
    /// The holding's value now.
    pub market_value: Option<f64>,
    /// The price per unit paid.
    pub purchase_price: Option<f64>,
    /// Today's change in value.
    pub daily_change: Option<f64>,
    /// Today's change, in percent.
    pub percentage_change: Option<f64>,
    /// Today's unrealized gain or loss.
    pub today_ugl_amount: Option<f64>,
    /// Today's unrealized gain or loss, in percent.
    pub today_ugl_percentage: Option<f64>,
    /// The unrealized gain or loss in total.
    pub total_ugl_amount: Option<f64>,
    /// The unrealized gain or loss in total, in percent.
    pub total_ugl_percentage: Option<f64>,
    /// A bond's coupon yield.
    pub coupon_yield: Option<String>,
    /// A bond's face value.
    pub face_value: Option<f64>,
    /// A bond's interest rate.
    pub rate: Option<f64>,
    /// A bond's maturity date.
    pub maturity_date: Option<String>,
    /// A bond's issue date.
    pub issue_date: Option<String>,
    /// A bond's payment frequency.
    pub frequency: Option<String>,
    /// A bond's term.
    pub term: Option<String>,
    /// The unit of `term`.
    pub term_unit: Option<String>,
    /// An option's expiration.
    pub expiration: Option<String>,
    /// An option's strike price.
    pub strike_price: Option<f64>,
    /// `PUT` or `CALL`.
    pub put_or_call: Option<String>,
    /// Vested units.
    pub vested_quantity: Option<f64>,
    /// Vested value.
    pub vested_value: Option<f64>,
    /// Unvested units.
    pub unvested_quantity: Option<f64>,
    /// Unvested value.
    pub unvested_value: Option<f64>,
    /// When vesting starts.
    pub vesting_start_date: Option<String>,
    /// When vesting ends.
    pub vesting_end_date: Option<String>,
    /// When MX created the record.
    pub created_at: Option<String>,
}

/// A page of holdings.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct HoldingsPage {
    /// The holdings on this page.
    pub investment_holdings: Vec<Holding>,
    /// Where the page sits in the list.
    pub pagination: Pagination,
}

/// An account statement (`GET …/members/{member}/statements`); the PDF is at `uri`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Statement {
    /// MX's identifier, `STA-…`.
    pub guid: Option<String>,
    /// The account's guid (not nullable in the spec).
    pub account_guid: Option<String>,
    /// The member's guid.
    pub member_guid: Option<String>,
    /// The user's guid.
    pub user_guid: Option<String>,
    /// A hash of the PDF: the same hash, the same document.
    pub content_hash: Option<String>,
    /// Where to download the PDF.
    pub uri: Option<String>,
    /// When MX created the record.
    pub created_at: Option<String>,
    /// When MX last changed it.
    pub updated_at: Option<String>,
}

/// A page of statements.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct StatementsPage {
    /// The statements on this page.
    pub statements: Vec<Statement>,
    /// Where the page sits in the list.
    pub pagination: Pagination,
}
