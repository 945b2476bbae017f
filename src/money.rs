//! Money is an exact decimal with its currency. Never a float: a reminder
//! letter that says 40.000000001 EUR is a letter nobody trusts.

use std::fmt;
use std::str::FromStr;

use rust_decimal::Decimal;
use serde::{Serialize, Serializer};

/// An ISO 4217 code, stored inline so money stays `Copy` and cheap to compare.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Currency([u8; 3]);

impl Currency {
    /// Accepts only codes in the ISO 4217 list (`EUR`, `USD`, `CHF`…).
    pub fn parse(code: &str) -> Option<Currency> {
        let bytes: [u8; 3] = code.as_bytes().try_into().ok()?;
        if !bytes.iter().all(u8::is_ascii_uppercase) {
            return None;
        }
        iso_currency::Currency::from_code(code)?;
        Some(Currency(bytes))
    }

    /// Digits after the decimal point of its minor unit: 2 for EUR, 0 for
    /// JPY (2 when the list gives none).
    pub fn minor_digits(&self) -> u32 {
        iso_currency::Currency::from_code(self.as_str())
            .and_then(|c| c.exponent())
            .map_or(2, u32::from)
    }

    /// The three-letter code: `EUR`.
    pub fn as_str(&self) -> &str {
        // Only ASCII upper-case letters ever get in (see `parse`).
        std::str::from_utf8(&self.0).unwrap_or("???")
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Currency {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// An amount in a currency: `500 EUR`.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, Serialize)]
pub struct Money {
    /// The amount, exact.
    pub amount: Decimal,
    /// Its currency.
    pub currency: Currency,
}

impl Money {
    /// `amount` in `currency`.
    pub fn new(amount: Decimal, currency: Currency) -> Self {
        Money { amount, currency }
    }
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.amount.normalize(), self.currency)
    }
}

/// The largest amount a policy or a data file may state: far above any real
/// invoice, far below where decimal arithmetic could overflow.
pub const MAX_AMOUNT: Decimal = Decimal::from_parts(2_808_348_672, 232_830_643, 0, false, 0); // 10^18

/// The largest total the amounts of one file may reach: a million invoices
/// of `MAX_AMOUNT`. Below it every sum the tool makes is exact: totals and
/// balances (at most 10^24), a total × the days of a range (3,661), the
/// interest of every invoice summed (at most about 10^24 × 1.05 × 10,000
/// years), all under the 7.9 × 10^28 a decimal holds.
pub const MAX_TOTAL: Decimal = Decimal::from_parts(2_701_131_776, 466_537_709, 54_210, false, 0); // 10^24

/// Reads a plain decimal such as `1234.56`: digits, at most one dot, no
/// sign, no exponent, no thousands separator.
pub fn parse_decimal(text: &str) -> Option<Decimal> {
    let mut parts = text.splitn(2, '.');
    let int = parts.next()?;
    let frac = parts.next();
    let all_digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !all_digits(int) || frac.is_some_and(|f| !all_digits(f)) {
        return None;
    }
    if int.len() > 19 || frac.is_some_and(|f| f.len() > 9) {
        return None;
    }
    Decimal::from_str(text).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso_codes_only() {
        assert!(Currency::parse("EUR").is_some());
        assert!(Currency::parse("CHF").is_some());
        assert!(Currency::parse("EUX").is_none());
        assert!(Currency::parse("eur").is_none());
        assert!(Currency::parse("EURO").is_none());
    }

    #[test]
    fn max_total_is_ten_to_the_twenty_fourth() {
        assert_eq!(
            MAX_TOTAL,
            Decimal::from_str("1000000000000000000000000").unwrap()
        );
    }

    #[test]
    fn max_amount_is_ten_to_the_eighteenth() {
        assert_eq!(
            MAX_AMOUNT,
            Decimal::from_str("1000000000000000000").unwrap()
        );
    }

    #[test]
    fn plain_decimals_only() {
        assert_eq!(parse_decimal("12.50"), Some(Decimal::new(1250, 2)));
        for bad in ["", "1,5", "-3", "1e5", "NaN", ".5", "5.", "1.2.3", " 5"] {
            assert_eq!(parse_decimal(bad), None, "{bad}");
        }
        assert_eq!(parse_decimal(&"9".repeat(40)), None);
    }
}
