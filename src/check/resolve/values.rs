//! Literals typed as values: durations, amounts, numbers, dates,
//! currencies, words of a declared list.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::super::error::{did_you_mean, CheckError};
use super::super::names::{self, Kind};
use super::super::reported::Reported;
use super::Resolver;
use crate::money::{parse_decimal, Currency, Money};
use crate::policy::Value;
use crate::span::Span;
use crate::syntax::ast::{self, LiteralKind};

/// The longest duration a policy may state: ten years.
pub(crate) const MAX_DAYS: u64 = 3650;
/// The largest amount or number a policy may state.
pub(crate) const MAX_POLICY_NUMBER: i64 = 1_000_000_000_000;

impl Resolver<'_> {
    /// Types `literal` as a value of `kind`, reporting a mismatch in the
    /// words of `subject`.
    pub(super) fn value(
        &mut self,
        kind: &Kind,
        literal: &ast::Literal,
        subject: &str,
    ) -> Result<Value, Reported> {
        match (kind, &literal.kind) {
            (Kind::Days, LiteralKind::Duration { .. }) => {
                // At most `MAX_DAYS`, checked by `days`.
                let days = self.days(literal, "a duration")?;
                Ok(Value::Days(i64::try_from(days).unwrap_or(i64::MAX)))
            }
            (Kind::Money, LiteralKind::Money { amount, currency }) => {
                self.money(amount, currency, literal.span).map(Value::Money)
            }
            (Kind::Number, LiteralKind::Number(n)) => {
                self.number(n, literal.span).map(Value::Number)
            }
            (Kind::Text, LiteralKind::Ident(t) | LiteralKind::String(t)) => {
                Ok(Value::Text(t.clone()))
            }
            (Kind::Bool, LiteralKind::Bool(b)) => Ok(Value::Bool(*b)),
            (Kind::Date, LiteralKind::Today) => Ok(Value::Today),
            (Kind::Date, LiteralKind::Date(d)) => self.date(d, literal.span).map(Value::Date),
            (Kind::Currency, LiteralKind::Ident(c) | LiteralKind::String(c)) => {
                self.currency(c, literal.span).map(Value::Currency)
            }
            (Kind::OneOf(one_of), LiteralKind::Ident(v) | LiteralKind::String(v)) => {
                let values = &one_of.values;
                if one_of.contains(v) {
                    return Ok(Value::Text(v.clone()));
                }
                let declared_at = self
                    .attribute_index
                    .get(subject)
                    .map(|&i| self.attributes[i].spans.name.into());
                let suggestion = names::closest(v, values.iter().map(String::as_str));
                let help = did_you_mean(
                    suggestion,
                    &format!(
                        "`{subject}` is one of {}; add `{v}` to its declaration if it is a new value",
                        names::quoted_list(values.iter().map(String::as_str))
                    ),
                );
                Err(self.report(CheckError::UndeclaredValue {
                    value: v.clone(),
                    attribute: subject.to_string(),
                    span: literal.span.into(),
                    declared_at,
                    help,
                }))
            }
            _ => {
                let found = describe_literal(&literal.kind);
                let message = format!(
                    "`{subject}` is {} but `{}` is {found}",
                    kind.describe(),
                    self.text(literal.span)
                );
                Err(self.report(CheckError::TypeMismatch {
                    message,
                    span: literal.span.into(),
                    label: found.to_string(),
                    help: Some(match (kind, &literal.kind) {
                        (Kind::Days, LiteralKind::Number(n)) => {
                            format!("add a unit: `{n}d` for days, `{n}w` for weeks")
                        }
                        (Kind::Money, LiteralKind::Number(n)) => {
                            format!("add a currency: `{n} EUR`")
                        }
                        _ => format!("compare `{subject}` with {}", kind.example()),
                    }),
                }))
            }
        }
    }

    /// A duration in days, at most [`MAX_DAYS`]; `what` names what it is for.
    pub(super) fn days(&mut self, literal: &ast::Literal, what: &str) -> Result<u64, Reported> {
        let LiteralKind::Duration { count, unit } = &literal.kind else {
            return Err(self.report(CheckError::TypeMismatch {
                message: format!("expected {what}, found `{}`", self.text(literal.span)),
                span: literal.span.into(),
                label: describe_literal(&literal.kind).into(),
                help: Some("durations are written `15d` (days) or `2w` (weeks)".into()),
            }));
        };
        let factor = match unit {
            ast::DurationUnit::Days => 1,
            ast::DurationUnit::Weeks => 7,
        };
        match count
            .parse::<u64>()
            .ok()
            .and_then(|c| c.checked_mul(factor))
        {
            Some(days) if days <= MAX_DAYS => Ok(days),
            _ => Err(self.out_of_range(
                "duration",
                literal.span,
                "more than 10 years (3650 days)",
                Some("durations go up to `3650d`".into()),
            )),
        }
    }

    /// `amount currency` as written in the literal at `span` (`1.5k EUR`).
    pub(super) fn money(
        &mut self,
        amount: &str,
        currency: &str,
        span: Span,
    ) -> Result<Money, Reported> {
        let currency_span = Span::new(span.end - currency.len(), span.end);
        // Both parts are checked, to report everything.
        let currency = self.currency(currency, currency_span);
        let (number, factor) = match amount.strip_suffix(['k', 'K']) {
            Some(n) => (n, Decimal::ONE_THOUSAND),
            None => match amount.strip_suffix('M') {
                Some(n) => (n, Decimal::from(1_000_000)),
                None => (amount, Decimal::ONE),
            },
        };
        let amount_span = Span::new(span.start, span.start + amount.len());
        let value = parse_decimal(number).and_then(|n| n.checked_mul(factor));
        match value {
            Some(v) if v <= Decimal::from(MAX_POLICY_NUMBER) => Ok(Money::new(v, currency?)),
            _ => Err(self.out_of_range("amount", amount_span, "more than 1,000,000,000,000", None)),
        }
    }

    fn number(&mut self, text: &str, span: Span) -> Result<Decimal, Reported> {
        match parse_decimal(text) {
            Some(n) if n <= Decimal::from(MAX_POLICY_NUMBER) => Ok(n),
            _ => Err(self.out_of_range("number", span, "more than 1,000,000,000,000", None)),
        }
    }

    fn date(&mut self, text: &str, span: Span) -> Result<NaiveDate, Reported> {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").map_err(|_| {
            self.report(CheckError::InvalidDate {
                text: text.to_string(),
                span: span.into(),
            })
        })
    }

    fn currency(&mut self, code: &str, span: Span) -> Result<Currency, Reported> {
        if let Some(c) = Currency::parse(code) {
            return Ok(c);
        }
        let upper = code.to_ascii_uppercase();
        let help = if Currency::parse(&upper).is_some() {
            format!("currency codes are written in capitals: `{upper}`")
        } else {
            let common = [
                "EUR", "USD", "GBP", "CHF", "JPY", "CAD", "SEK", "NOK", "DKK", "PLN",
            ];
            did_you_mean(
                names::closest(&upper, common)
                    .filter(|c| strsim::damerau_levenshtein(&upper, c) <= 1),
                "use a three-letter ISO 4217 code such as `EUR`, `USD` or `GBP`",
            )
        };
        Err(self.report(CheckError::UnknownCurrency {
            code: code.to_string(),
            span: span.into(),
            help,
        }))
    }
}

/// The kind an undeclared attribute takes from the value it is compared with.
pub(super) fn kind_of_literal(literal: &ast::Literal) -> Option<Kind> {
    Some(match literal.kind {
        LiteralKind::Ident(_) | LiteralKind::String(_) => Kind::Text,
        LiteralKind::Number(_) => Kind::Number,
        LiteralKind::Money { .. } => Kind::Money,
        LiteralKind::Date(_) | LiteralKind::Today => Kind::Date,
        LiteralKind::Bool(_) => Kind::Bool,
        LiteralKind::Duration { .. } => Kind::Days,
        LiteralKind::Percent(_) => return None,
    })
}

fn describe_literal(kind: &LiteralKind) -> &'static str {
    match kind {
        LiteralKind::Ident(_) => "a word",
        LiteralKind::Number(_) => "a number",
        LiteralKind::Duration { .. } => "a number of days",
        LiteralKind::Money { .. } => "an amount of money",
        LiteralKind::Percent(_) => "a percentage",
        LiteralKind::Date(_) => "a date",
        LiteralKind::String(_) => "a text",
        LiteralKind::Bool(_) => "yes or no",
        LiteralKind::Today => "a date",
    }
}

/// A parameter's value as the plan carries it: as written.
pub(super) fn literal_text(literal: &ast::Literal) -> String {
    match &literal.kind {
        LiteralKind::Ident(s)
        | LiteralKind::String(s)
        | LiteralKind::Number(s)
        | LiteralKind::Date(s) => s.clone(),
        LiteralKind::Duration { count, unit } => format!("{count}{}", unit.suffix()),
        LiteralKind::Money { amount, currency } => format!("{amount} {currency}"),
        LiteralKind::Percent(p) => format!("{p}%"),
        LiteralKind::Bool(true) => "yes".into(),
        LiteralKind::Bool(false) => "no".into(),
        LiteralKind::Today => "today".into(),
    }
}
