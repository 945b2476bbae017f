//! Reading one cell: dates, amounts, currencies, yes/no, numbers and text,
//! each strict, each failure a `Problem` that says what was expected.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::error::{shown, Problem};
use crate::money::{parse_decimal, Currency, MAX_AMOUNT, MAX_TOTAL};

/// A strict `YYYY-MM-DD` date.
pub(crate) fn date(text: &str) -> Result<NaiveDate, Problem> {
    let b = text.as_bytes();
    let digits = |r: std::ops::Range<usize>| -> Option<u32> {
        let mut n = 0u32;
        for &c in b.get(r)? {
            if !c.is_ascii_digit() {
                return None;
            }
            n = n * 10 + u32::from(c - b'0');
        }
        Some(n)
    };
    let parts = if b.len() == 10 && b[4] == b'-' && b[7] == b'-' {
        digits(0..4).zip(digits(5..7)).zip(digits(8..10))
    } else {
        None
    };
    let Some(((year, month), day)) = parts else {
        return Err(Problem::BadDate {
            value: shown(text),
            reason: String::new(),
            expected: "YYYY-MM-DD".into(),
            help: date_help(text),
        });
    };
    let year = year as i32;
    if year == 0 {
        return Err(Problem::BadDate {
            value: shown(text),
            reason: ": there is no year 0".into(),
            expected: "YYYY-MM-DD".into(),
            help: None,
        });
    }
    if !(1..=12).contains(&month) {
        return Err(Problem::BadDate {
            value: shown(text),
            reason: format!(": there is no month {month}"),
            expected: "YYYY-MM-DD".into(),
            help: None,
        });
    }
    match NaiveDate::from_ymd_opt(year, month, day) {
        Some(d) => Ok(d),
        None => Err(Problem::BadDate {
            value: shown(text),
            reason: format!(
                ": {} {year} has {} days",
                MONTHS[month as usize - 1],
                days_in_month(year, month)
            ),
            expected: "YYYY-MM-DD".into(),
            help: None,
        }),
    }
}

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

fn days_in_month(year: i32, month: u32) -> u32 {
    (28..=31)
        .rev()
        .find(|&d| NaiveDate::from_ymd_opt(year, month, d).is_some())
        .unwrap_or(28)
}

/// A well-formed, existing date (no message: used by the hints).
fn valid(text: &str) -> bool {
    let b = text.as_bytes();
    b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && text
            .get(..4)
            .and_then(|y| y.parse::<i32>().ok())
            .is_some_and(|y| {
                let m = text.get(5..7).and_then(|m| m.parse::<u32>().ok());
                let d = text.get(8..10).and_then(|d| d.parse::<u32>().ok());
                let all_digits = [0..4, 5..7, 8..10]
                    .into_iter()
                    .all(|r| b[r].iter().all(u8::is_ascii_digit));
                all_digits
                    && m.zip(d)
                        .is_some_and(|(m, d)| NaiveDate::from_ymd_opt(y, m, d).is_some())
            })
}

/// A hint for the usual wrong date layouts.
fn date_help(text: &str) -> Option<String> {
    // 2025-01-15T10:00:00, 2025-01-15 10:00
    if let Some(day) = text.get(..10) {
        if text.len() > 10 && valid(day) {
            return Some(format!("write the date alone, without a time: {day}"));
        }
    }
    // 15/01/2025, 15.01.2025: day first, as in France
    let parts: Vec<&str> = text.split(['/', '.', '-']).collect();
    let number = |s: &str| !s.is_empty() && s.len() <= 4 && s.bytes().all(|b| b.is_ascii_digit());
    if parts.len() == 3 && parts.iter().all(|p| number(p)) {
        let (y, m, d) = if parts[0].len() == 4 {
            (parts[0], parts[1], parts[2])
        } else if parts[2].len() == 4 {
            // Day first (France) or month first (the United States): only
            // a number above 12 tells which.
            let (first, second) = (parts[0], parts[1]);
            let day_first = format!("{}-{second:0>2}-{first:0>2}", parts[2]);
            let month_first = format!("{}-{first:0>2}-{second:0>2}", parts[2]);
            let month = |s: &str| s.parse::<u32>().is_ok_and(|n| (1..=12).contains(&n));
            return match (valid(&day_first), valid(&month_first)) {
                (true, true) if day_first != month_first && month(first) && month(second) => {
                    Some(format!(
                        "dates are written year-month-day with a dash: {day_first} if the day comes first, {month_first} if the month comes first (an import profile's `date_format` reads the export as it is)"
                    ))
                }
                (true, _) => Some(format!(
                    "dates are written year-month-day with a dash: {day_first}"
                )),
                (false, true) => Some(format!(
                    "dates are written year-month-day with a dash: {month_first} (the month comes first)"
                )),
                (false, false) => None,
            };
        } else {
            return Some("write the year with four digits: YYYY-MM-DD".into());
        };
        let candidate = format!("{y}-{m:0>2}-{d:0>2}");
        if valid(&candidate) {
            return Some(format!(
                "dates are written year-month-day with a dash: {candidate}"
            ));
        }
    }
    None
}

/// What an amount looks like, for messages.
pub(crate) const DOT_DECIMAL: &str = "a decimal number with a dot, such as 1250.00";

/// The running total of a file's amounts (their absolute values), to
/// refuse the row past which sums of money would stop being exact
/// (`MAX_TOTAL`). Reports that row only: the next rows add nothing new.
#[derive(Default)]
pub(crate) struct Total {
    sum: Decimal,
    reported: bool,
}

impl Total {
    /// Adds `amount`; the problem to report when the total goes past
    /// `MAX_TOTAL` for the first time.
    pub(crate) fn add(&mut self, amount: Decimal) -> Option<Problem> {
        if self.reported {
            return None;
        }
        match self.sum.checked_add(amount.abs()) {
            Some(sum) if sum <= MAX_TOTAL => {
                self.sum = sum;
                None
            }
            _ => {
                self.reported = true;
                Some(Problem::TotalTooLarge)
            }
        }
    }
}

/// The amount of an invoice or a payment: a plain decimal, positive, at
/// most `MAX_AMOUNT`.
pub(crate) fn amount(text: &str) -> Result<Decimal, Problem> {
    if let Some(rest) = text.strip_prefix('-') {
        if parse_decimal(rest).is_some() {
            return Err(Problem::AmountNotPositive {
                value: shown(text),
                help: CREDIT_NOTE_HELP,
            });
        }
    }
    match parse_decimal(text) {
        Some(d) if d.is_zero() => Err(Problem::AmountNotPositive {
            value: shown(text),
            help: "an invoice of zero has nothing to chase; leave it out of the file",
        }),
        Some(d) if d > MAX_AMOUNT => Err(Problem::AmountTooLarge { value: shown(text) }),
        Some(d) => Ok(d),
        None if too_many_digits(text) => Err(Problem::AmountTooLarge { value: shown(text) }),
        None => Err(Problem::BadAmount {
            value: shown(text),
            expected: DOT_DECIMAL.into(),
            help: number_help(text),
        }),
    }
}

/// What a negative invoice amount is, when the reading is strict.
pub(crate) const CREDIT_NOTE_HELP: &str =
    "a credit note or a refund is not an invoice to chase; leave it out of the file";

/// An invoice's amount that may be negative (a credit note): otherwise as
/// `amount`.
pub(crate) fn signed_amount(text: &str) -> Result<Decimal, Problem> {
    if let Some(rest) = text.strip_prefix('-') {
        if let Ok(d) = amount(rest) {
            return Ok(-d);
        }
    }
    amount(text)
}

/// The amount of a payment: as an invoice's, with help about refunds.
pub(crate) fn payment_amount(text: &str) -> Result<Decimal, Problem> {
    amount(text).map_err(|p| match p {
        Problem::AmountNotPositive { value, .. } => Problem::AmountNotPositive {
            value,
            help: "a payment received is positive; leave refunds and reversed payments out of the file",
        },
        other => other,
    })
}

/// A number attribute: a plain decimal, signed, within ±`MAX_AMOUNT`.
/// (Money attributes are read the same way, in the invoice's currency.)
pub(crate) fn number(text: &str) -> Result<Decimal, Problem> {
    let (negative, digits) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    match parse_decimal(digits) {
        Some(d) if d <= MAX_AMOUNT => Ok(if negative { -d } else { d }),
        Some(_) => Err(Problem::AmountTooLarge { value: shown(text) }),
        None if too_many_digits(digits) => Err(Problem::AmountTooLarge { value: shown(text) }),
        None => Err(Problem::BadNumber {
            value: shown(text),
            help: number_help(text),
        }),
    }
}

/// All digits, with perhaps a dot, but beyond what a decimal holds.
fn too_many_digits(text: &str) -> bool {
    let int = text.split('.').next().unwrap_or("");
    int.len() > 19 && text.bytes().all(|b| b.is_ascii_digit() || b == b'.')
}

/// A hint for the usual ways a number is written wrong.
fn number_help(text: &str) -> Option<String> {
    let lower = text.to_ascii_lowercase();
    if matches!(
        lower.as_str(),
        "nan" | "inf" | "-inf" | "+inf" | "infinity" | "-infinity" | ".nan" | ".inf" | "-.inf"
    ) {
        return Some(
            "write an actual number; this is what a spreadsheet writes for a failed calculation"
                .into(),
        );
    }
    let cleaned: String = text
        .chars()
        .filter(|c| !matches!(c, ' ' | '\u{a0}' | '\u{202f}' | '€' | '$' | '£'))
        .collect();
    let cleaned = cleaned
        .trim_end_matches(|c: char| c.is_ascii_uppercase())
        .trim();
    let has_symbol = cleaned.len() < text.trim().len();
    if let Some(stripped) = cleaned.strip_prefix('+') {
        if parse_decimal(stripped).is_some() {
            return Some(format!("write the number without a plus sign: {stripped}"));
        }
    }
    if parse_decimal(cleaned).is_some() && has_symbol {
        return Some(format!(
            "write only the number, without spaces or a currency (the currency has its own column): {cleaned}"
        ));
    }
    // 12,50 or 1 234,56 (decimal comma), 1,234.56 (thousands separator):
    // a single comma after any dot is a decimal comma.
    if cleaned.contains(',') {
        let decimal_comma =
            cleaned.matches(',').count() == 1 && cleaned.rfind(',') > cleaned.rfind('.');
        if decimal_comma {
            let with_dot = cleaned.replace('.', "").replace(',', ".");
            let without = cleaned.replace(',', "");
            let (int, frac) = cleaned.split_once(',').unwrap_or_default();
            let ambiguous = !cleaned.contains('.') && frac.len() == 3 && int.len() <= 3;
            if ambiguous && parse_decimal(&with_dot).is_some() {
                return Some(format!(
                    "write {with_dot} if the comma is the decimal separator, or {without} if it separates thousands"
                ));
            }
            if parse_decimal(&with_dot).is_some() {
                return Some(format!("use a dot as the decimal separator: {with_dot}"));
            }
        } else {
            let without = cleaned.replace(',', "");
            if parse_decimal(&without).is_some() {
                return Some(format!("remove the thousands separator: {without}"));
            }
        }
    }
    if lower.contains('e') && lower.parse::<f64>().is_ok() {
        return Some("write the number in full, without an exponent".into());
    }
    if let Some((_, frac)) = cleaned.split_once('.') {
        if frac.len() > 9 && frac.bytes().all(|b| b.is_ascii_digit()) {
            return Some("write at most 9 digits after the dot".into());
        }
    }
    if cleaned.starts_with('.') || cleaned.ends_with('.') {
        return Some("write a digit on each side of the dot: 0.50, 12.0".into());
    }
    None
}

/// An ISO 4217 code.
pub(crate) fn currency(text: &str) -> Result<Currency, Problem> {
    if let Some(c) = Currency::parse(text) {
        return Ok(c);
    }
    let upper = text.to_ascii_uppercase();
    let help = if Currency::parse(&upper).is_some() {
        format!("write the code in capitals: {upper}")
    } else {
        match text {
            "€" | "EURO" | "EUROS" | "euro" | "euros" | "Euro" | "Euros" => {
                "write the ISO code: EUR".into()
            }
            "$" => "write the ISO code, such as USD or CAD".into(),
            "£" => "write the ISO code: GBP".into(),
            _ => "write three capital letters from the ISO 4217 list, such as EUR, USD, GBP or CHF"
                .into(),
        }
    };
    Err(Problem::BadCurrency {
        value: shown(text),
        help,
    })
}

/// Document types read as a credit note, compared without case.
const CREDIT_NOTE_TYPES: [&str; 12] = [
    "credit note",
    "credit-note",
    "credit_note",
    "creditnote",
    "credit memo",
    "credit",
    "cn",
    "cm",
    "avoir",
    "av",
    "gutschrift",
    "gs",
];

/// Document types read as an invoice, compared without case.
const INVOICE_TYPES: [&str; 9] = [
    "invoice", "inv", "in", "facture", "fa", "fac", "rechnung", "re", "bill",
];

/// A document type: `true` for a credit note, `false` for an invoice.
pub(crate) fn document_type(text: &str) -> Result<bool, Problem> {
    let lower = text.to_lowercase();
    if CREDIT_NOTE_TYPES.contains(&lower.as_str()) {
        Ok(true)
    } else if INVOICE_TYPES.contains(&lower.as_str()) {
        Ok(false)
    } else {
        Err(Problem::BadDocumentType {
            value: shown(text),
            help: format!(
                "write an invoice type ({}) or a credit-note type ({})",
                INVOICE_TYPES.join(", "),
                CREDIT_NOTE_TYPES.join(", ")
            ),
        })
    }
}

/// Yes or no: `true`/`false`, `yes`/`no`, `1`/`0`, in any case.
pub(crate) fn boolean(text: &str) -> Result<bool, Problem> {
    const TRUE: [&str; 3] = ["true", "yes", "1"];
    const FALSE: [&str; 3] = ["false", "no", "0"];
    if TRUE.iter().any(|t| t.eq_ignore_ascii_case(text)) {
        Ok(true)
    } else if FALSE.iter().any(|t| t.eq_ignore_ascii_case(text)) {
        Ok(false)
    } else {
        Err(Problem::BadBool {
            value: shown(text),
            help: "write true or false (yes/no and 1/0 are also read); an empty cell means false"
                .into(),
        })
    }
}

/// Text to keep (ids, customer ids, rule names, text attributes): anything
/// but control characters, which only binary or broken exports put there.
/// A text cell of a file `dunning` wrote: the `'` that neutralised a cell
/// starting like a spreadsheet formula (see `output::csv::neutralize`) is
/// taken off again.
pub(crate) fn exported_text(text: &str) -> Result<&str, Problem> {
    self::text(crate::output::csv::unneutralize(text))
}

pub(crate) fn text(text: &str) -> Result<&str, Problem> {
    match text.chars().find(|c| c.is_control()) {
        None => Ok(text),
        Some(c) => Err(Problem::BadText {
            value: shown(text),
            character: crate::words::character_name(c),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(r: Result<impl std::fmt::Debug, Problem>) -> String {
        let p = r.unwrap_err();
        let help = miette::Diagnostic::help(&p).map(|h| h.to_string());
        match help {
            Some(h) => format!("{p} | {h}"),
            None => p.to_string(),
        }
    }

    #[test]
    fn dates() {
        assert_eq!(
            date("2024-02-29"),
            Ok(NaiveDate::from_ymd_opt(2024, 2, 29).unwrap())
        );
        assert_eq!(
            err(date("2025-02-30")),
            "`2025-02-30` is not a date: February 2025 has 28 days (expected YYYY-MM-DD)"
        );
        assert_eq!(
            err(date("0000-01-01")),
            "`0000-01-01` is not a date: there is no year 0 (expected YYYY-MM-DD)"
        );
        assert!(date("+2025-01-01").is_err() && date("2025-1-1").is_err());
        assert_eq!(
            err(date("2025-13-01")),
            "`2025-13-01` is not a date: there is no month 13 (expected YYYY-MM-DD)"
        );
        assert_eq!(
            err(date("2025-04-00")),
            "`2025-04-00` is not a date: April 2025 has 30 days (expected YYYY-MM-DD)"
        );
        assert!(err(date("15/01/2025")).ends_with("year-month-day with a dash: 2025-01-15"));
        assert!(err(date("12/31/2013")).ends_with("2013-12-31 (the month comes first)"));
        assert!(err(date("7/3/2013"))
            .contains("2013-03-07 if the day comes first, 2013-07-03 if the month comes first"));
        assert!(err(date("7/7/2013")).ends_with("with a dash: 2013-07-07"));
        assert!(err(date("2025-1-5")).ends_with("2025-01-05"));
        assert!(err(date("2025-01-15T10:00:00")).ends_with("without a time: 2025-01-15"));
        assert!(err(date("15/01/25")).ends_with("four digits: YYYY-MM-DD"));
        for bad in [
            "",
            "2025-01-1",
            "2025/01/01",
            "٢٠٢٥-٠١-٠١",
            "+025-01-01",
            "2025-01-01x",
        ] {
            assert!(date(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn amounts() {
        assert_eq!(amount("12.50"), Ok(Decimal::new(1250, 2)));
        assert_eq!(amount("1000000000000000000"), Ok(MAX_AMOUNT));
        assert!(err(amount("12,50")).ends_with("decimal separator: 12.50"));
        assert!(err(amount("1 234,56")).ends_with("decimal separator: 1234.56"));
        assert!(err(amount("1,234.56")).ends_with("thousands separator: 1234.56"));
        assert!(err(amount("1.234,56")).ends_with("decimal separator: 1234.56"));
        assert!(err(amount("1,000")).ends_with(
            "write 1.000 if the comma is the decimal separator, or 1000 if it separates thousands"
        ));
        assert!(err(amount("1,000,000")).ends_with("thousands separator: 1000000"));
        assert!(err(amount("12.50 €")).ends_with("own column): 12.50"));
        assert!(err(amount("12.50 EUR")).ends_with("own column): 12.50"));
        assert!(err(amount("+12")).ends_with("without a plus sign: 12"));
        assert!(err(amount("NaN")).contains("failed calculation"));
        assert!(err(amount("1e5")).contains("exponent"));
        assert!(err(amount(".5")).contains("each side of the dot"));
        assert!(err(amount("-12.50")).starts_with("`-12.50` is not a positive amount"));
        assert!(err(amount("0.00")).starts_with("`0.00` is not a positive amount"));
        assert!(err(amount("1000000000000000000.01")).contains("largest amount"));
        assert!(err(amount(&"9".repeat(40))).contains("largest amount"));
        assert!(err(amount("abc")).starts_with("`abc` is not an amount"));
    }

    #[test]
    fn numbers() {
        assert_eq!(number("-2.5"), Ok(Decimal::new(-25, 1)));
        assert_eq!(number("0"), Ok(Decimal::ZERO));
        assert!(err(number("2,5")).ends_with("decimal separator: 2.5"));
        assert!(err(number("--2")).starts_with("`--2` is not a number"));
    }

    #[test]
    fn currencies() {
        assert!(currency("EUR").is_ok());
        assert!(err(currency("eur")).ends_with("in capitals: EUR"));
        assert!(err(currency("€")).ends_with("ISO code: EUR"));
        assert!(err(currency("EUX")).contains("ISO 4217 list"));
    }

    #[test]
    fn booleans() {
        for t in ["true", "TRUE", "True", "yes", "Yes", "1"] {
            assert_eq!(boolean(t), Ok(true), "{t}");
        }
        for f in ["false", "FALSE", "no", "NO", "0"] {
            assert_eq!(boolean(f), Ok(false), "{f}");
        }
        for bad in ["maybe", "y", "n", "2", "vrai", "oui"] {
            assert!(boolean(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn texts() {
        assert_eq!(text("Dupont & fils, Lyon"), Ok("Dupont & fils, Lyon"));
        assert_eq!(
            err(text("INV\u{0}1")),
            "`INV\\01` contains a control character (NUL) | remove the character; it is often left by a binary export or a copy from another program"
        );
        assert!(err(text("a\nb")).contains("a line break"));
    }

    #[test]
    fn long_values_are_cut_in_messages() {
        let long = "x".repeat(5_000_000);
        let message = err(date(&long));
        assert!(message.len() < 200, "{message}");
        assert!(message.contains("(5000000 characters)"));
    }
}
