//! Late-payment penalties (French B2B, Code de commerce L441-10): interest at
//! the policy's annual rate on the open amount for the days overdue, plus a
//! flat recovery indemnity per invoice.
//!
//! Rounding: interest is computed exactly, then rounded once to the cent,
//! half away from zero (0.005 becomes 0.01), as a person doing the sum by
//! hand would.

use rust_decimal::{Decimal, RoundingStrategy};

/// open amount × rate% × days / 365, rounded to the cent; zero when not overdue.
pub fn interest(open_amount: Decimal, annual_rate_percent: Decimal, days_overdue: i64) -> Decimal {
    if days_overdue <= 0 || open_amount <= Decimal::ZERO {
        return Decimal::ZERO;
    }
    let exact = open_amount
        .checked_mul(annual_rate_percent)
        .and_then(|x| x.checked_mul(Decimal::from(days_overdue)))
        .and_then(|x| x.checked_div(Decimal::from(36_500)));
    exact
        .unwrap_or(Decimal::ZERO)
        .round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
}
