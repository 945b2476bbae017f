//! `set NAME = VALUE`: the policy-wide settings.
//!
//! [`SettingName`] is the table of settings: each one's name, what it takes
//! and an example, in one exhaustive `match`; [`Resolver::setting`] reads a
//! value for each, in another. A new setting does not compile until both
//! say how it is written and read.

use std::collections::HashMap;

use rust_decimal::Decimal;

use super::super::error::{did_you_mean, CheckError};
use super::super::names;
use super::super::reported::Reported;
use super::Resolver;
use crate::money::{parse_decimal, Money};
use crate::penalty::{HalfYear, InterestRate};
use crate::policy::{CalendarKind, Settings};
use crate::span::Span;
use crate::syntax::ast::{self, LiteralKind, StatementKind};

/// The settings a policy can set.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum SettingName {
    Cooldown,
    Calendar,
    MinimumAmount,
    InterestRate,
    Indemnity,
    PauseDisputed,
    PauseCreditBalance,
    MessagesOnBusinessDays,
    PaymentDeadline,
}

impl SettingName {
    /// Every setting, in the README's order.
    pub(crate) const ALL: [SettingName; 9] = [
        SettingName::Cooldown,
        SettingName::Calendar,
        SettingName::MinimumAmount,
        SettingName::InterestRate,
        SettingName::Indemnity,
        SettingName::PauseDisputed,
        SettingName::PauseCreditBalance,
        SettingName::MessagesOnBusinessDays,
        SettingName::PaymentDeadline,
    ];

    /// Name, what it takes (for messages), a value to show in a fix.
    const fn about(self) -> (&'static str, &'static str, &'static str) {
        match self {
            SettingName::Cooldown => ("cooldown", "a duration such as `7d`", "7d"),
            SettingName::Calendar => ("calendar", "`france` or `none`", "france"),
            SettingName::MinimumAmount => (
                "minimum_amount",
                "an amount such as `50 EUR`, or one per currency: `[20 EUR, 25 USD]`",
                "20 EUR",
            ),
            SettingName::InterestRate => (
                "interest_rate",
                "a percentage such as `12.15%`, `ecb + 10` or `3 x legal`",
                "ecb + 10",
            ),
            SettingName::Indemnity => ("indemnity", "an amount such as `40 EUR`", "40 EUR"),
            SettingName::PauseDisputed => ("pause_disputed", "`yes` or `no`", "yes"),
            SettingName::PauseCreditBalance => ("pause_credit_balance", "`yes` or `no`", "yes"),
            SettingName::MessagesOnBusinessDays => {
                ("messages_on_business_days", "`yes` or `no`", "yes")
            }
            SettingName::PaymentDeadline => ("payment_deadline", "a duration such as `8d`", "8d"),
        }
    }

    pub(crate) fn name(self) -> &'static str {
        self.about().0
    }

    fn expected(self) -> &'static str {
        self.about().1
    }

    /// A valid value, or the number the user wrote with the unit it lacks.
    fn example(self, number: Option<&str>) -> String {
        match (self, number) {
            (SettingName::Cooldown | SettingName::PaymentDeadline, Some(n)) => format!("{n}d"),
            (SettingName::InterestRate, Some(n)) => format!("{n}%"),
            (SettingName::MinimumAmount | SettingName::Indemnity, Some(n)) => format!("{n} EUR"),
            _ => self.about().2.to_string(),
        }
    }

    fn parse(name: &str) -> Option<SettingName> {
        SettingName::ALL.into_iter().find(|s| s.name() == name)
    }

    /// The names of every setting.
    pub(crate) fn names() -> impl Iterator<Item = &'static str> + Clone {
        SettingName::ALL.into_iter().map(SettingName::name)
    }

    /// What the setting does, in the README's words (the meaning column of
    /// its settings reference, held to this by a test).
    const fn meaning(self) -> &'static str {
        match self {
            SettingName::Cooldown => "minimum gap between two contacts with one customer (agency hand-overs and court filings are not contacts; preventive reminders, due on or before the due date, are not held); a step that would break it is deferred, not skipped; several actions to one customer on the same day count as one contact",
            SettingName::Calendar => "business days for calls and letters: `france` skips weekends and French public holidays (Easter-based ones included)",
            SettingName::MinimumAmount => "invoices with a smaller open amount than the minimum of their currency are not dunned; a currency without a minimum has none, and `plan`, `explain`, `simulate` and `diff` warn about the currencies of the data that no minimum covers",
            SettingName::InterestRate => "annual late-payment interest, shown with each action: on each late day's unpaid balance, at the rate of that day's half-year, / 365 (rule 10); `ecb + 10` is the French statutory rate; a fixed rate below three times the legal rate of a half-year the rate data cover (built in, or `check --legal-rates`) is warned about (`rate-below-floor`)",
            SettingName::Indemnity => "flat recovery indemnity per invoice (40 EUR in France, Code de commerce L441-10 and D441-5), claimed once per invoice: on its first action after the due date",
            SettingName::PauseDisputed => "pause disputed invoices",
            SettingName::PauseCreditBalance => "pause the invoices of a customer whose balance in their currency, net of its credit notes, is zero or less",
            SettingName::MessagesOnBusinessDays => "e-mails and text messages wait for a business day of the `calendar` too, like calls and letters",
            SettingName::PaymentDeadline => "the new deadline a letter or e-mail gives the customer, counted from the day of the plan: the templates' `deadline`",
        }
    }

    /// The public description of the setting.
    pub(crate) const fn doc(self) -> SettingDoc {
        let (name, takes, example) = self.about();
        SettingDoc {
            name,
            takes,
            example,
            meaning: self.meaning(),
        }
    }
}

/// A setting as people read about it (`dunning::policy::settings`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SettingDoc {
    /// Its name after `set`.
    pub name: &'static str,
    /// What it takes, in words: "a duration such as `7d`".
    pub takes: &'static str,
    /// A valid value: `7d`.
    pub example: &'static str,
    /// What it does (the README's words).
    pub meaning: &'static str,
}

impl Resolver<'_> {
    /// Every `set` statement; each that fails is reported and leaves its
    /// setting at its default.
    pub(super) fn settings(&mut self, policy: &ast::Policy) -> Settings {
        let mut settings = Settings::default();
        let mut seen: HashMap<&str, Span> = HashMap::new();
        for statement in policy.statements() {
            let StatementKind::Setting(setting) = &statement.kind else {
                continue;
            };
            let name = setting.name.name.as_str();
            let Some(key) = SettingName::parse(name) else {
                let suggestion = names::closest(name, SettingName::names());
                let _ = self.report(CheckError::UnknownSetting {
                    name: name.to_string(),
                    span: setting.name.span.into(),
                    help: did_you_mean(
                        suggestion,
                        &format!(
                            "the settings are {}",
                            names::quoted_and(SettingName::names())
                        ),
                    ),
                });
                continue;
            };
            if let Some(first) = seen.get(name) {
                let _ = self.report(CheckError::DuplicateSetting {
                    name: name.to_string(),
                    span: setting.span.into(),
                    first: (*first).into(),
                });
                continue;
            }
            seen.insert(name, setting.span);
            // Reported when it fails; the default stays.
            let _ = self.setting(key, &setting.value, &mut settings);
        }
        settings
    }

    /// Reads one setting's value into `settings`.
    fn setting(
        &mut self,
        key: SettingName,
        value: &ast::SettingValue,
        settings: &mut Settings,
    ) -> Result<(), Reported> {
        let value = match value {
            ast::SettingValue::One(value) => value,
            ast::SettingValue::Rate(formula) if key == SettingName::InterestRate => {
                settings.interest_rate = Some(self.rate_formula(formula)?);
                return Ok(());
            }
            ast::SettingValue::List(list) if key == SettingName::MinimumAmount => {
                return self.minimum_amounts(list, settings);
            }
            ast::SettingValue::List(list) => return Err(self.invalid_setting(key, list.span, None)),
            other => return Err(self.invalid_setting(key, other.span(), None)),
        };
        match (key, &value.kind) {
            (SettingName::Cooldown, LiteralKind::Duration { .. }) => {
                let days = self.days(value, "a cooldown")?;
                if days > 365 {
                    return Err(self.out_of_range(
                        "cooldown",
                        value.span,
                        "at most 365 days",
                        None,
                    ));
                }
                settings.cooldown_days = u32::try_from(days).unwrap_or(u32::MAX);
            }
            (SettingName::Calendar, LiteralKind::Ident(c) | LiteralKind::String(c)) => {
                settings.calendar = match c.as_str() {
                    "france" => CalendarKind::France,
                    "none" => CalendarKind::None,
                    other => {
                        let help = names::closest(other, ["france", "none"])
                            .map(|s| format!("did you mean `{s}`?"));
                        return Err(self.invalid_setting(key, value.span, help));
                    }
                }
            }
            (SettingName::MinimumAmount, LiteralKind::Money { amount, currency }) => {
                settings.minimum_amount = vec![self.money(amount, currency, value.span)?];
            }
            (SettingName::Indemnity, LiteralKind::Money { amount, currency }) => {
                settings.indemnity = Some(self.money(amount, currency, value.span)?);
            }
            (SettingName::InterestRate, LiteralKind::Percent(p)) => match parse_decimal(p) {
                Some(rate) if rate <= Decimal::ONE_HUNDRED => {
                    self.below_floor(rate, value.span);
                    settings.interest_rate = Some(InterestRate::Fixed(rate))
                }
                _ => {
                    return Err(self.out_of_range(
                        "interest rate",
                        value.span,
                        "at most 100%",
                        Some(
                            "the French default is the ECB rate plus 10 points: `ecb + 10`".into(),
                        ),
                    ))
                }
            },
            (SettingName::PaymentDeadline, LiteralKind::Duration { .. }) => {
                let days = self.days(value, "a payment deadline")?;
                if days > 365 {
                    return Err(self.out_of_range(
                        "payment deadline",
                        value.span,
                        "at most 365 days",
                        None,
                    ));
                }
                settings.payment_deadline_days = u32::try_from(days).unwrap_or(u32::MAX);
            }
            (SettingName::PauseDisputed, LiteralKind::Bool(b)) => settings.pause_disputed = *b,
            (SettingName::PauseCreditBalance, LiteralKind::Bool(b)) => {
                settings.pause_credit_balance = *b
            }
            (SettingName::MessagesOnBusinessDays, LiteralKind::Bool(b)) => {
                settings.messages_on_business_days = *b
            }
            (
                SettingName::Cooldown
                | SettingName::Calendar
                | SettingName::MinimumAmount
                | SettingName::Indemnity
                | SettingName::InterestRate
                | SettingName::PauseDisputed
                | SettingName::PauseCreditBalance
                | SettingName::MessagesOnBusinessDays
                | SettingName::PaymentDeadline,
                _,
            ) => return Err(self.invalid_setting(key, value.span, None)),
        }
        Ok(())
    }

    /// Warns when a fixed `rate` is below three times the legal rate of a
    /// half-year the rate data cover (built in, or `check --legal-rates`):
    /// L441-10 II lets the parties agree on a rate, but not one below that
    /// floor.
    fn below_floor(&mut self, rate: Decimal, span: Span) {
        let three = Decimal::from(3);
        let below: Vec<(chrono::NaiveDate, Decimal)> = self
            .rates
            .legal_half_years()
            .filter_map(|(start, legal)| {
                let floor = legal.checked_mul(three)?;
                (rate < floor).then_some((start, floor))
            })
            .collect();
        let Some(&(worst_start, worst)) = below.iter().max_by_key(|(_, f)| *f) else {
            return;
        };
        let listed: Vec<String> = below
            .iter()
            .map(|(start, floor)| format!("{} ({floor}%)", HalfYear(*start)))
            .collect();
        let _ = self.report(CheckError::RateBelowFloor {
            rate: self.text(span).to_string(),
            half_years: crate::words::and_list(&listed),
            span: span.into(),
            help: format!(
                "an agreed rate may not be lower than three times the legal interest rate \
                 ({worst}% in {}); write `set interest_rate = ecb + 10` for the statutory rate, \
                 or a rate of at least {worst}%",
                HalfYear(worst_start)
            ),
        });
    }

    /// `ecb + N` (N at most 100 points) or `N x legal` (N at most 10).
    fn rate_formula(&mut self, formula: &ast::RateFormula) -> Result<InterestRate, Reported> {
        let (limit, max, make): (_, Decimal, fn(Decimal) -> InterestRate) = match formula.base {
            ast::RateBase::EcbPlus => (
                "at most 100 points",
                Decimal::ONE_HUNDRED,
                InterestRate::EcbPlus,
            ),
            ast::RateBase::LegalTimes => {
                ("at most 10 times", Decimal::TEN, InterestRate::LegalTimes)
            }
        };
        match parse_decimal(&formula.number) {
            Some(n) if n <= max => Ok(make(n)),
            _ => Err(self.out_of_range(
                "interest rate",
                formula.span,
                limit,
                Some("the French default is the ECB rate plus 10 points: `ecb + 10`".into()),
            )),
        }
    }

    /// `set minimum_amount = [20 EUR, 20 GBP, 25 USD]`: one amount per currency.
    fn minimum_amounts(
        &mut self,
        list: &ast::List,
        settings: &mut Settings,
    ) -> Result<(), Reported> {
        let key = SettingName::MinimumAmount;
        let help = || {
            Some("write one amount per currency: `set minimum_amount = [20 EUR, 20 GBP]`".into())
        };
        if list.items.is_empty() {
            return Err(self.invalid_setting(key, list.span, help()));
        }
        let mut amounts: Vec<Money> = Vec::new();
        for item in &list.items {
            let LiteralKind::Money { amount, currency } = &item.kind else {
                return Err(self.invalid_setting(key, item.span, help()));
            };
            let money = self.money(amount, currency, item.span)?;
            if amounts.iter().any(|m| m.currency == money.currency) {
                return Err(self.invalid_setting(
                    key,
                    item.span,
                    Some(format!(
                        "one amount per currency: {} has one already",
                        money.currency
                    )),
                ));
            }
            amounts.push(money);
        }
        settings.minimum_amount = amounts;
        Ok(())
    }

    fn invalid_setting(&mut self, key: SettingName, span: Span, help: Option<String>) -> Reported {
        let name = key.name();
        let value = self.text(span);
        let example = key.example(parse_decimal(value).map(|_| value));
        let list = value.starts_with('[');
        self.report(CheckError::InvalidSetting {
            setting: name.to_string(),
            value: value.to_string(),
            span: span.into(),
            expected: key.expected().to_string(),
            help: help.or_else(|| {
                Some(if list {
                    format!("a setting takes one value, not a list: `set {name} = {example}`")
                } else {
                    format!("write `set {name} = {example}`")
                })
            }),
        })
    }

    pub(super) fn out_of_range(
        &mut self,
        what: &str,
        span: Span,
        limit: &str,
        help: Option<String>,
    ) -> Reported {
        self.report(CheckError::OutOfRange {
            what: what.to_string(),
            text: self.text(span).to_string(),
            span: span.into(),
            limit: limit.to_string(),
            help,
        })
    }
}
