//! MX's JSON shape of an investment holding (MX's OpenAPI v20250224
//! `InvestmentHoldingResponse`): its money as numbers in dollars, its `quantity` a string,
//! its percentages in percent, and the bond, option and vesting fields null (MX Bank's
//! securities are funds and stocks).

use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::{Value, json};

use crate::model::data::holdings::Holding;

fn rfc3339(t: i64) -> Value {
    DateTime::<Utc>::from_timestamp(t, 0).map_or(Value::Null, |t| {
        Value::String(t.to_rfc3339_opts(SecondsFormat::Secs, true))
    })
}

#[allow(clippy::cast_precision_loss)]
fn dollars(cents: i64) -> f64 {
    cents as f64 / 100.0
}

/// `part` as a percentage of `whole`, to two decimals; null when `whole` is zero.
#[allow(clippy::cast_precision_loss)]
fn percent(part: i64, whole: i64) -> Value {
    if whole == 0 {
        return Value::Null;
    }
    let hundredths = (part as f64 * 10_000.0 / whole as f64).round();
    json!(hundredths / 100.0)
}

/// An `InvestmentHoldingResponse` of the account `account_guid`.
pub(crate) fn holding(h: &Holding, account_guid: &str, user_guid: &str) -> Value {
    let previous_value = h.market_value_cents() - h.today_gain_cents();
    json!({
        "account_guid": account_guid,
        "cost_basis": dollars(h.cost_basis_cents()),
        "coupon_yield": Value::Null,
        "created_at": rfc3339(h.created_at),
        "currency_code": "USD",
        "current_price": dollars(h.price_cents),
        "current_price_as_of": rfc3339(h.priced_at),
        "daily_change": dollars(h.daily_change_cents()),
        "description": h.security.description,
        "expiration": Value::Null,
        "face_value": Value::Null,
        "frequency": Value::Null,
        "guid": h.guid,
        "holding_type": h.security.holding_type,
        "issue_date": Value::Null,
        "market_value": dollars(h.market_value_cents()),
        "maturity_date": Value::Null,
        "percentage_change": percent(h.daily_change_cents(), h.previous_cents),
        "purchase_price": dollars(h.purchase_cents),
        "put_or_call": Value::Null,
        "quantity": format!("{}.{:03}", h.quantity_milli / 1_000, h.quantity_milli % 1_000),
        "rate": Value::Null,
        "strike_price": Value::Null,
        "symbol": h.security.symbol,
        "term": Value::Null,
        "term_unit": Value::Null,
        "today_ugl_amount": dollars(h.today_gain_cents()),
        "today_ugl_percentage": percent(h.today_gain_cents(), previous_value),
        "total_ugl_amount": dollars(h.total_gain_cents()),
        "total_ugl_percentage": percent(h.total_gain_cents(), h.cost_basis_cents()),
        "unvested_quantity": Value::Null,
        "unvested_value": Value::Null,
        "user_guid": user_guid,
        "vested_quantity": Value::Null,
        "vested_value": Value::Null,
        "vesting_end_date": Value::Null,
        "vesting_start_date": Value::Null,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentages_round_to_the_hundredth_either_way() {
        assert_eq!(percent(1, 3), json!(33.33));
        assert_eq!(percent(2, 3), json!(66.67));
        assert_eq!(percent(-2, 3), json!(-66.67));
        assert_eq!(percent(5, 0), Value::Null);
    }
}
