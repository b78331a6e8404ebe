//! A member's investment holdings: the positions of its MX Bank investment account,
//! derived like the rest of its data from the seed, the member's GUID and the times of its
//! successful aggregations. Nothing is stored.
//!
//! MX's OpenAPI v20250224 gives the shape (`InvestmentHoldingResponse`: `symbol`,
//! `description`, `holding_type` — its example `MUTUAL_FUND` —, `quantity` as a string,
//! `market_value` "the current price times the number of units", `cost_basis` "usually
//! the purchase price", the daily and total unrealized gains and losses). The securities,
//! their prices and the positions are the emulator's own.
//!
//! Every member holds [`HOLDINGS`] of the [`SECURITIES`], which ones drawn from its key.
//! Prices move by day: a security's price on a day is drawn from the seed and the day
//! alone (the market is the same for every member), and a holding is priced on the day of
//! the member's latest successful aggregation or balance check, as MX reads prices when
//! it aggregates.

use super::ledger::{self, Ledger, MemberKey};

/// How many securities a member holds.
pub(crate) const HOLDINGS: usize = 4;

/// A security MX Bank's investment accounts hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Security {
    /// The ticker symbol (`symbol`).
    pub(crate) symbol: &'static str,
    /// The security's name (`description`).
    pub(crate) description: &'static str,
    /// MX's `holding_type`.
    pub(crate) holding_type: &'static str,
    /// The price around which its daily price moves, in cents.
    pub(crate) base_cents: i64,
    /// How far its price moves around the base each day, in basis points either way (0: a
    /// money market fund's constant 1.00).
    pub(crate) swing_bp: i64,
}

const fn security(
    symbol: &'static str,
    description: &'static str,
    holding_type: &'static str,
    base_cents: i64,
    swing_bp: i64,
) -> Security {
    Security {
        symbol,
        description,
        holding_type,
        base_cents,
        swing_bp,
    }
}

/// Every security a member may hold, in the order a member's holdings are listed.
#[rustfmt::skip]
pub(crate) const SECURITIES: [Security; 6] = [
    security("MXTMX", "MX Total Market Index Fund", "MUTUAL_FUND", 12_000, 300),
    security("MXBND", "MX Aggregate Bond ETF", "EXCHANGE_TRADED_FUND", 9_800, 80),
    security("MXTC", "MX Technologies Common Stock", "EQUITY", 31_000, 600),
    security("MXMMF", "MX Money Market Fund", "MONEY_MARKET", 100, 0),
    security("MXINT", "MX International Equity Fund", "MUTUAL_FUND", 4_500, 400),
    security("MXDIV", "MX Dividend Growth ETF", "EXCHANGE_TRADED_FUND", 7_200, 250),
];

/// One position of the member's investment account, priced on one day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Holding {
    pub(crate) guid: String,
    pub(crate) security: &'static Security,
    /// Units held, in thousandths (`quantity` has three decimals).
    pub(crate) quantity_milli: i64,
    /// The average price paid per unit, in cents (`purchase_price`).
    pub(crate) purchase_cents: i64,
    /// The price per unit on the day it is priced, in cents (`current_price`).
    pub(crate) price_cents: i64,
    /// The price per unit the day before, in cents.
    pub(crate) previous_cents: i64,
    /// When it was priced: the latest successful aggregation or balance check (Unix
    /// seconds; `current_price_as_of`).
    pub(crate) priced_at: i64,
    /// The member's first successful aggregation, when MX first read it (`created_at`).
    pub(crate) created_at: i64,
}

impl Holding {
    /// `quantity × price` in cents, rounded to the cent.
    fn value_at(&self, price_cents: i64) -> i64 {
        (self.quantity_milli * price_cents + 500).div_euclid(1_000)
    }

    /// What the holding is worth on the day it is priced, in cents (`market_value`).
    pub(crate) fn market_value_cents(&self) -> i64 {
        self.value_at(self.price_cents)
    }

    /// What was paid for it, in cents (`cost_basis`).
    pub(crate) fn cost_basis_cents(&self) -> i64 {
        self.value_at(self.purchase_cents)
    }

    /// The price's change since the day before, in cents (`daily_change`).
    pub(crate) fn daily_change_cents(&self) -> i64 {
        self.price_cents - self.previous_cents
    }

    /// The value's change since the day before, in cents (`today_ugl_amount`).
    pub(crate) fn today_gain_cents(&self) -> i64 {
        self.market_value_cents() - self.value_at(self.previous_cents)
    }

    /// The value less the cost, in cents (`total_ugl_amount`).
    pub(crate) fn total_gain_cents(&self) -> i64 {
        self.market_value_cents() - self.cost_basis_cents()
    }
}

/// `security`'s price on day `day` (days since 1970-01-01), in cents.
fn price_on(key: MemberKey, index: usize, security: &Security, day: i64) -> i64 {
    if security.swing_bp == 0 {
        return security.base_cents;
    }
    let span = 2 * security.swing_bp + 1;
    let draw = key.market().draw(&[0x50, index as u64, day as u64]);
    let bp = (draw % span as u64) as i64 - security.swing_bp;
    security.base_cents + (security.base_cents * bp).div_euclid(10_000)
}

/// The member's holdings, priced as of its latest successful aggregation or balance
/// check; none before its first successful aggregation.
pub(crate) fn holdings(key: MemberKey, ledger: &Ledger) -> Vec<Holding> {
    let ledger = ledger.for_balances();
    let (Some(first), Some(last)) = (ledger.first(), ledger.last()) else {
        return Vec::new();
    };
    let day = last.div_euclid(ledger::DAY);
    let start = (key.draw(&[0x48]) % SECURITIES.len() as u64) as usize;
    let mut held: Vec<usize> = (0..HOLDINGS)
        .map(|i| (start + i) % SECURITIES.len())
        .collect();
    held.sort_unstable();
    held.into_iter()
        .map(|index| {
            let security = &SECURITIES[index];
            let n = index as u64;
            let (quantity_milli, purchase_cents) = if security.swing_bp == 0 {
                // Cash in the money market fund, $500 to $20,000, bought at its 1.00.
                (
                    500_000 + (key.draw(&[0x51, n]) % 19_500_001) as i64,
                    security.base_cents,
                )
            } else {
                // 1 to 250 units to the thousandth (fund shares are fractional), bought
                // at 80–105 % of the base price: mostly at a gain now.
                (
                    1_000 + (key.draw(&[0x51, n]) % 249_001) as i64,
                    security.base_cents * (8_000 + (key.draw(&[0x49, n]) % 2_501) as i64) / 10_000,
                )
            };
            Holding {
                guid: key.guid("HOL", &[0x48, n]),
                security,
                quantity_milli,
                purchase_cents,
                price_cents: price_on(key, index, security, day),
                previous_cents: price_on(key, index, security, day - 1),
                priced_at: last,
                created_at: first,
            }
        })
        .collect()
}

/// The member's holding with `guid`.
pub(crate) fn find(key: MemberKey, ledger: &Ledger, guid: &str) -> Option<Holding> {
    holdings(key, ledger).into_iter().find(|h| h.guid == guid)
}

/// What the member's holdings are worth, in cents: its investment account's balance.
pub(crate) fn market_value_cents(key: MemberKey, ledger: &Ledger) -> i64 {
    holdings(key, ledger)
        .iter()
        .map(Holding::market_value_cents)
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    const START: i64 = 1_772_442_000; // 2026-03-02T09:00:00Z

    fn ledger(jobs: &[i64]) -> Ledger {
        let mut ledger = Ledger::default();
        for job in jobs {
            ledger.record(*job);
        }
        ledger
    }

    #[test]
    fn none_before_the_first_success() {
        let key = MemberKey::new(7, "MBR-1");
        assert!(holdings(key, &Ledger::default()).is_empty());
        assert_eq!(market_value_cents(key, &Ledger::default()), 0);
    }

    #[test]
    fn a_handful_of_distinct_securities_with_distinct_guids() {
        let key = MemberKey::new(7, "MBR-1");
        let all = holdings(key, &ledger(&[START]));
        assert_eq!(all.len(), HOLDINGS);
        let mut symbols: Vec<&str> = all.iter().map(|h| h.security.symbol).collect();
        symbols.dedup();
        assert_eq!(symbols.len(), HOLDINGS);
        let mut guids: Vec<&str> = all.iter().map(|h| h.guid.as_str()).collect();
        guids.sort_unstable();
        guids.dedup();
        assert_eq!(guids.len(), HOLDINGS);
        assert!(all.iter().all(|h| h.guid.starts_with("HOL-")));
        assert_eq!(
            find(key, &ledger(&[START]), &all[1].guid),
            Some(all[1].clone())
        );
        assert_eq!(find(key, &ledger(&[START]), "HOL-nope"), None);
    }

    #[test]
    fn values_add_up_and_the_market_is_the_same_for_every_member() {
        let (one, two) = (MemberKey::new(7, "MBR-1"), MemberKey::new(7, "MBR-2"));
        let ledger = ledger(&[START]);
        let all = holdings(one, &ledger);
        let sum: i64 = all.iter().map(Holding::market_value_cents).sum();
        assert_eq!(market_value_cents(one, &ledger), sum);
        for h in &all {
            assert!(h.quantity_milli > 0 && h.price_cents > 0);
            assert_eq!(
                h.total_gain_cents(),
                h.market_value_cents() - h.cost_basis_cents()
            );
        }
        for theirs in holdings(two, &ledger) {
            if let Some(mine) = all.iter().find(|h| h.security == theirs.security) {
                assert_eq!(mine.price_cents, theirs.price_cents, "one market price");
            }
        }
    }

    #[test]
    fn prices_move_with_the_day_of_the_latest_success() {
        let key = MemberKey::new(7, "MBR-1");
        let before = holdings(key, &ledger(&[START]));
        let after = holdings(key, &ledger(&[START, START + 3 * ledger::DAY]));
        assert_eq!(
            before.iter().map(|h| &h.guid).collect::<Vec<_>>(),
            after.iter().map(|h| &h.guid).collect::<Vec<_>>(),
            "the same positions"
        );
        assert!(after.iter().all(|h| h.priced_at == START + 3 * ledger::DAY));
        assert_ne!(
            before.iter().map(|h| h.price_cents).collect::<Vec<_>>(),
            after.iter().map(|h| h.price_cents).collect::<Vec<_>>(),
            "three days move a price"
        );
        let money_market = &SECURITIES[3];
        assert_eq!(price_on(key, 3, money_market, 20_000), 100);
    }
}
