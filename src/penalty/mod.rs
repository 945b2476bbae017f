//! Late-payment penalties (French B2B, Code de commerce L441-10 and D441-5):
//! interest on the amount unpaid each late day, at the rate of that day's
//! half-year, plus a flat recovery indemnity per invoice.
//!
//! The day count is the one that gives the law's worked figures (see
//! `data/rates/README.md`, "the day count"): the late days run from the day
//! after the due date up to and including the day of payment (or the day
//! the interest is computed); a part paid on day P still bears interest on
//! P; simple interest divided by 365 in every year, leap years too; the
//! exact sum of every day is rounded once, to the cent, half away from zero
//! (0.005 becomes 0.01), as a person doing the sum by hand would.

use chrono::{Days, NaiveDate};
use rust_decimal::{Decimal, RoundingStrategy};
use serde::Serialize;

pub mod rates;

pub use rates::{half_year_start, HalfYear, RateFile, RateLineError, Rates};

/// The annual late-payment rate a policy sets (`set interest_rate = …`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
pub enum InterestRate {
    /// A contractual rate, in percent per year: `12.15%`.
    Fixed(Decimal),
    /// `ecb + 10`: the ECB main refinancing rate in force on 1 January (for
    /// the days of January to June) or 1 July (July to December), plus these
    /// percentage points. The statutory default of L441-10 II is `ecb + 10`.
    EcbPlus(Decimal),
    /// `3 x legal`: this many times the legal interest rate of the
    /// half-year (the rate for a business creditor).
    LegalTimes(Decimal),
}

impl InterestRate {
    /// The rate of `day`, in percent per year; none when the rate tables do
    /// not cover `day`.
    pub fn on(self, day: NaiveDate, rates: &Rates) -> Option<Decimal> {
        match self {
            InterestRate::Fixed(r) => Some(r),
            InterestRate::EcbPlus(points) => rates
                .ecb_on(half_year_start(day))
                .and_then(|r| r.checked_add(points)),
            InterestRate::LegalTimes(factor) => {
                rates.legal_on(day).and_then(|r| r.checked_mul(factor))
            }
        }
    }
}

/// How an invoice stands for interest: what it was, when it fell due and
/// what was paid when.
#[derive(Clone, Copy, Debug)]
pub struct Debt<'p> {
    /// The amount invoiced (including VAT).
    pub amount: Decimal,
    /// The due date: the first late day is the day after.
    pub due_date: NaiveDate,
    /// Payments, sorted by date: a part paid on day P bears interest up to P.
    pub payments: &'p [(NaiveDate, Decimal)],
    /// The day it was paid in full, if it was: interest stops after it.
    pub paid_date: Option<NaiveDate>,
}

/// Why interest could not be computed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InterestError {
    /// The rate tables have no rate for this late day (before the first
    /// ECB row, or a half-year the legal rate file does not cover).
    NoRate(NaiveDate),
    /// A product or the sum has more digits than an exact decimal holds
    /// (28): the interest is refused rather than rounded where the law
    /// does not round.
    Overflow,
}

/// The interest `debt` owes for the late days up to and including `until`,
/// rounded once to the cent; zero when no day is late.
pub fn late_interest(
    debt: &Debt<'_>,
    rate: InterestRate,
    rates: &Rates,
    until: NaiveDate,
) -> Result<Decimal, InterestError> {
    let last = debt.paid_date.map_or(until, |p| p.min(until));
    let Some(first) = debt.due_date.checked_add_days(Days::new(1)) else {
        return Ok(Decimal::ZERO);
    };
    if last < first {
        return Ok(Decimal::ZERO);
    }
    // The balance changes the day after a payment, the rate on 1 January
    // and 1 July: the late days are cut into runs where both stay the same.
    let mut cuts: Vec<NaiveDate> = debt
        .payments
        .iter()
        .filter_map(|(d, _)| d.checked_add_days(Days::new(1)))
        .filter(|d| *d > first && *d <= last)
        .collect();
    let mut h = half_year_start(first);
    while let Some(next) = h.checked_add_months(chrono::Months::new(6)) {
        if next > last {
            break;
        }
        cuts.push(next);
        h = next;
    }
    cuts.push(first);
    cuts.sort_unstable();
    cuts.dedup();
    let mut sum = Decimal::ZERO;
    for (i, &start) in cuts.iter().enumerate() {
        let end = cuts.get(i + 1).and_then(|n| n.pred_opt()).unwrap_or(last);
        let paid: Decimal = debt
            .payments
            .iter()
            .take_while(|(d, _)| *d < start)
            .map(|(_, a)| *a)
            .sum();
        let balance = (debt.amount - paid).max(Decimal::ZERO);
        if balance.is_zero() {
            continue;
        }
        let percent = rate.on(start, rates).ok_or(InterestError::NoRate(start))?;
        let days = Decimal::from((end - start).num_days() + 1);
        sum = exact_mul(balance, percent)
            .and_then(|x| exact_mul(x, days))
            .and_then(|x| sum.checked_add(x))
            .ok_or(InterestError::Overflow)?;
    }
    sum.checked_div(Decimal::from(36_500))
        .map(round_cents)
        .ok_or(InterestError::Overflow)
}

/// open amount × rate% × days / 365, rounded to the cent; zero when not
/// overdue: the interest of a balance that stayed the same at one rate.
/// `Overflow` when the product has more digits than an exact decimal holds
/// (never a silent zero or a rounded product).
pub fn interest(
    open_amount: Decimal,
    annual_rate_percent: Decimal,
    days_overdue: i64,
) -> Result<Decimal, InterestError> {
    if days_overdue <= 0 || open_amount <= Decimal::ZERO {
        return Ok(Decimal::ZERO);
    }
    exact_mul(open_amount, annual_rate_percent)
        .and_then(|x| exact_mul(x, Decimal::from(days_overdue)))
        .and_then(|x| x.checked_div(Decimal::from(36_500)))
        .map(round_cents)
        .ok_or(InterestError::Overflow)
}

/// `a × b` when the decimal holds it exactly: `Decimal::checked_mul`
/// fails only when the integer part overflows, and silently drops the last
/// digits of a product that has more than 28 (`999999999999999999.999999999
/// × 100`), which would change the cents of the interest.
fn exact_mul(a: Decimal, b: Decimal) -> Option<Decimal> {
    let (a, b) = (a.normalize(), b.normalize());
    let product = a.checked_mul(b)?;
    (product.scale() == a.scale() + b.scale()).then_some(product)
}

/// To the cent, half away from zero.
fn round_cents(x: Decimal) -> Decimal {
    x.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn dec(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    #[test]
    fn a_product_too_long_to_be_exact_is_refused_not_rounded() {
        // 999999999999999999.999999999 × 100 × 3622 has 33 digits: the
        // decimal would drop the last ones and the cents could change.
        let amount = dec("999999999999999999.999999999");
        assert_eq!(
            interest(amount, dec("100"), 3622),
            Err(InterestError::Overflow)
        );
        let due = NaiveDate::from_ymd_opt(2015, 1, 31).unwrap();
        let debt = Debt {
            amount,
            due_date: due,
            payments: &[],
            paid_date: None,
        };
        let until = NaiveDate::from_ymd_opt(2024, 12, 31).unwrap();
        let rates = Rates::builtin();
        let got = late_interest(&debt, InterestRate::Fixed(dec("100")), rates, until);
        assert_eq!(got, Err(InterestError::Overflow));
    }

    #[test]
    fn the_largest_whole_amount_gets_its_exact_interest() {
        // 10^18 × 100% × 3622 / 365, to the cent.
        assert_eq!(
            interest(dec("1000000000000000000"), dec("100"), 3622),
            Ok(dec("9923287671232876712.33"))
        );
        assert_eq!(
            interest(dec("1000000000000000000"), dec("12.15"), 3622),
            Ok(dec("1205679452054794520.55"))
        );
    }
}
