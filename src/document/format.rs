//! Amounts and dates as a letter writes them: `1 234,56 €` and
//! `15/03/2025` in French, `€1,234.56` and `15 March 2025` otherwise.
//! Money stays exact: the decimal's own digits, rounded to the cent.

use chrono::NaiveDate;
use rust_decimal::{Decimal, RoundingStrategy};

use crate::money::Currency;

/// Whether a language code writes numbers the French way (`fr`, `fr-BE`…).
pub(crate) fn is_french(language: &str) -> bool {
    let l = language.to_ascii_lowercase();
    l == "fr" || l.starts_with("fr-") || l.starts_with("fr_")
}

/// The symbol a letter shows for a currency, or its code.
fn symbol(currency: Currency) -> Option<&'static str> {
    match currency.to_string().as_str() {
        "EUR" => Some("€"),
        "USD" => Some("$"),
        "GBP" => Some("£"),
        _ => None,
    }
}

/// Digits of the amount rounded to the cent, grouped by three with
/// `group`, the cents after `point`.
fn digits(amount: Decimal, group: &str, point: &str) -> String {
    let rounded = amount.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero);
    let text = format!("{:.2}", rounded.abs());
    let (units, cents) = text.split_once('.').unwrap_or((&text, "00"));
    let mut grouped = String::new();
    for (i, c) in units.chars().enumerate() {
        if i > 0 && (units.len() - i) % 3 == 0 {
            grouped.push_str(group);
        }
        grouped.push(c);
    }
    let sign = if rounded.is_sign_negative() && !rounded.is_zero() {
        "-"
    } else {
        ""
    };
    format!("{sign}{grouped}{point}{cents}")
}

/// An amount with its currency: `1 234,56 €` (no-break spaces) in French,
/// `€1,234.56` in English, `1 234,56 CHF` / `CHF 1,234.56` without a symbol.
pub(crate) fn money(amount: Decimal, currency: Currency, language: &str) -> String {
    if is_french(language) {
        let sym = symbol(currency).map_or_else(|| currency.to_string(), str::to_string);
        format!("{}\u{a0}{sym}", digits(amount, "\u{a0}", ","))
    } else {
        match symbol(currency) {
            Some(sym) => format!("{sym}{}", digits(amount, ",", ".")),
            None => format!("{currency} {}", digits(amount, ",", ".")),
        }
    }
}

/// A percentage: `12,15 %` in French, `12.15%` in English.
pub(crate) fn percent(rate: Decimal, language: &str) -> String {
    let text = rate.normalize().to_string();
    if is_french(language) {
        format!("{}\u{a0}%", text.replace('.', ","))
    } else {
        format!("{text}%")
    }
}

/// A date: `15/03/2025` in French, `15 March 2025` in English.
pub(crate) fn date(day: NaiveDate, language: &str) -> String {
    if is_french(language) {
        day.format("%d/%m/%Y").to_string()
    } else {
        // `%-d %B %Y`: chrono's English month names, no leading zero.
        day.format("%-d %B %Y").to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn eur() -> Currency {
        Currency::parse("EUR").unwrap()
    }

    #[test]
    fn french_amounts_group_thousands_with_no_break_spaces() {
        let d = Decimal::from_str("1234.5").unwrap();
        assert_eq!(money(d, eur(), "fr"), "1\u{a0}234,50\u{a0}€");
        assert_eq!(money(d, eur(), "en"), "€1,234.50");
        let big = Decimal::from_str("1234567.005").unwrap();
        assert_eq!(money(big, eur(), "fr"), "1\u{a0}234\u{a0}567,01\u{a0}€");
        let chf = Currency::parse("CHF").unwrap();
        assert_eq!(money(Decimal::from(12), chf, "en"), "CHF 12.00");
        assert_eq!(money(Decimal::from(-5), chf, "fr"), "-5,00\u{a0}CHF");
    }

    #[test]
    fn dates_and_rates_follow_the_language() {
        let d = NaiveDate::from_ymd_opt(2025, 3, 5).unwrap();
        assert_eq!(date(d, "fr"), "05/03/2025");
        assert_eq!(date(d, "en"), "5 March 2025");
        let r = Decimal::from_str("12.150").unwrap();
        assert_eq!(percent(r, "fr"), "12,15\u{a0}%");
        assert_eq!(percent(r, "en"), "12.15%");
    }
}
