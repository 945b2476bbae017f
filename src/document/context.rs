//! The variables a template sees: a closed set, built here from an action,
//! its invoices and the policy. `VARIABLES` is the set `dunning check`
//! holds templates to, and the README's table.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::Serialize;

use super::format;
use super::Company;
use crate::data::{AttrValue, RunData};
use crate::money::Currency;
use crate::penalty::InterestRate;
use crate::policy::Policy;
use crate::Action;

/// A variable of templates: its name, its fields (for a record; `*` when
/// they are the policy's attributes) and what it holds.
#[derive(Clone, Copy, Debug)]
pub struct Variable {
    /// Its name in templates.
    pub name: &'static str,
    /// The fields of a record (`customer.name`), empty for a plain value
    /// or a list (a list's items' fields are in `meaning`).
    pub fields: &'static [&'static str],
    /// What it holds (the README's words).
    pub meaning: &'static str,
}

/// The fields `customer` always has (empty unless the policy declares the
/// attribute and the invoice has a value), besides the declared attributes.
pub const CUSTOMER_FIELDS: &[&str] = &[
    "id",
    "name",
    "address",
    "postcode",
    "city",
    "email",
    "phone",
    "language",
    "account_manager",
];

/// The fields of `creditor` (the company file's keys).
pub const CREDITOR_FIELDS: &[&str] = &[
    "name", "address", "postcode", "city", "country", "siret", "vat", "iban", "bic", "email",
    "phone", "website",
];

/// Every variable of templates, in the README's order.
pub const VARIABLES: &[Variable] = &[
    Variable {
        name: "customer",
        fields: CUSTOMER_FIELDS,
        meaning: "the customer: `id`, `name`, `address`, `postcode`, `city`, `email`, `phone`, `language`, `account_manager`, and each other attribute the policy declares (`customer.segment`); a field is empty when the policy does not declare that attribute or the invoice has no value",
    },
    Variable {
        name: "invoices",
        fields: &[],
        meaning: "the action's invoices, by id; each has `id`, `issue_date`, `due_date`, `amount`, `open_amount`, `days_overdue` (a number), `interest`, `indemnity` (what the invoice owes, in the indemnity's own currency), `total` (open amount, interest and, in the same currency, indemnity) and `currency`; amounts are written for the language (`1 234,56 €`), penalties are empty when the policy declares none",
    },
    Variable {
        name: "totals",
        fields: &[],
        meaning: "one total per currency of the invoices, in currency order: `currency`, `open_amount`, `interest`, `indemnity`, `total`, and the open amount by age (the ageing of a statement of account): `not_due`, `days_1_30`, `days_31_60`, `days_61_90`, `over_90`",
    },
    Variable {
        name: "step",
        fields: &["rule", "action", "template"],
        meaning: "the step: the rules that fired, the action (`formal_notice`) and the template's name",
    },
    Variable {
        name: "date",
        fields: &[],
        meaning: "the day of the plan, written for the language (`05/03/2025`, `5 March 2025`)",
    },
    Variable {
        name: "deadline",
        fields: &[],
        meaning: "the new payment deadline: the day plus `payment_deadline` days",
    },
    Variable {
        name: "deadline_days",
        fields: &[],
        meaning: "the setting `payment_deadline`, in days (a number)",
    },
    Variable {
        name: "creditor",
        fields: CREDITOR_FIELDS,
        meaning: "the creditor, from the company file (`company.yaml`): `name`, `address`, `postcode`, `city`, `country`, `siret`, `vat`, `iban`, `bic`, `email`, `phone`, `website` (empty when not given)",
    },
    Variable {
        name: "penalty",
        fields: &["rate", "basis", "indemnity"],
        meaning: "the late-payment rate of the day (`12,15 %`), its legal basis in words, and the flat indemnity per invoice (`40,00 €`); empty when the policy sets none",
    },
    Variable {
        name: "language",
        fields: &[],
        meaning: "the language of the document: the customer's `language` attribute, `fr` when there is none",
    },
    Variable {
        name: "params",
        fields: &["*"],
        meaning: "the action's parameters, as written after `with` (`params.receipt`); `dunning check` holds `params.NAME` to the parameters of the rules naming the template, with did-you-mean",
    },
];

/// One invoice as templates see it.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct InvoiceVars {
    id: String,
    issue_date: String,
    due_date: String,
    amount: String,
    open_amount: String,
    days_overdue: i64,
    interest: String,
    indemnity: String,
    total: String,
    currency: String,
}

/// One currency's sums.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct TotalVars {
    currency: String,
    open_amount: String,
    interest: String,
    indemnity: String,
    total: String,
    not_due: String,
    days_1_30: String,
    days_31_60: String,
    days_61_90: String,
    over_90: String,
}

/// Which of the ageing columns of [`TotalVars`] an invoice `days_overdue`
/// falls in: not due, 1–30, 31–60, 61–90, over 90 (the buckets of the
/// simulation's aged balance).
fn age_bucket(days_overdue: i64) -> usize {
    match days_overdue {
        i64::MIN..=0 => 0,
        1..=30 => 1,
        31..=60 => 2,
        61..=90 => 3,
        _ => 4,
    }
}

/// The step.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct StepVars {
    rule: String,
    action: String,
    template: String,
}

/// The penalty terms.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct PenaltyVars {
    rate: String,
    basis: String,
    indemnity: String,
}

/// Every variable of one document.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct Context {
    pub(crate) customer: BTreeMap<String, String>,
    pub(crate) invoices: Vec<InvoiceVars>,
    totals: Vec<TotalVars>,
    step: StepVars,
    date: String,
    deadline: String,
    deadline_days: u32,
    creditor: BTreeMap<String, String>,
    penalty: PenaltyVars,
    pub(crate) language: String,
    params: BTreeMap<String, String>,
}

/// An attribute's value as text, empty when missing.
pub(crate) fn attr_text(value: &AttrValue) -> String {
    match value {
        AttrValue::Missing => String::new(),
        AttrValue::Text(t) => t.clone(),
        AttrValue::Number(n) | AttrValue::Money(n) => n.to_string(),
        AttrValue::Date(d) => d.to_string(),
        AttrValue::Bool(true) => "yes".into(),
        AttrValue::Bool(false) => "no".into(),
    }
}

fn creditor(company: &Company) -> BTreeMap<String, String> {
    CREDITOR_FIELDS
        .iter()
        .map(|f| {
            (
                f.to_string(),
                company.field(f).unwrap_or_default().to_string(),
            )
        })
        .collect()
}

fn penalty(
    policy: &Policy,
    rates: &crate::penalty::Rates,
    day: NaiveDate,
    lang: &str,
) -> PenaltyVars {
    let fr = format::is_french(lang);
    let settings = &policy.settings;
    let rate = settings
        .interest_rate
        .and_then(|r| r.on(day, rates))
        .map(|r| format::percent(r, lang))
        .unwrap_or_default();
    let basis = match settings.interest_rate {
        None => String::new(),
        Some(InterestRate::EcbPlus(points)) if fr => format!(
            "taux de refinancement de la Banque centrale européenne majoré de {} points, article L441-10 du Code de commerce",
            points.normalize()
        ),
        Some(InterestRate::EcbPlus(points)) => format!(
            "the European Central Bank's main refinancing rate plus {} points, French Commercial Code, article L441-10",
            points.normalize()
        ),
        Some(InterestRate::LegalTimes(f)) if fr => format!(
            "{} fois le taux d'intérêt légal, article L441-10 du Code de commerce",
            f.normalize()
        ),
        Some(InterestRate::LegalTimes(f)) => format!(
            "{} times the French legal interest rate, French Commercial Code, article L441-10",
            f.normalize()
        ),
        Some(InterestRate::Fixed(_)) if fr => {
            "taux contractuel prévu par nos conditions générales, article L441-10 du Code de commerce".into()
        }
        Some(InterestRate::Fixed(_)) => {
            "the contractual rate of our terms of sale, French Commercial Code, article L441-10".into()
        }
    };
    let indemnity = settings
        .indemnity
        .map(|m| format::money(m.amount, m.currency, lang))
        .unwrap_or_default();
    PenaltyVars {
        rate,
        basis,
        indemnity,
    }
}

/// The language of an action's documents: its first invoice's `language`
/// attribute, `fr` when empty or not declared.
pub(crate) fn language(action: &Action<'_>) -> String {
    action
        .invoices
        .first()
        .and_then(|l| l.attributes.iter().find(|(n, _)| *n == "language"))
        .map(|(_, v)| attr_text(v).trim().to_ascii_lowercase())
        .filter(|l| !l.is_empty())
        .unwrap_or_else(|| "fr".into())
}

/// The recovery indemnity an invoice of a document owes (D441-5): the
/// policy's `indemnity`, in its own currency, for every invoice paid late
/// (nothing for a consumer, nothing without penalties). The plan carries it
/// on the first action after the due date only, so that its history sums
/// to what was claimed; a letter, a formal notice or the agency's file
/// states what each invoice owes, whichever step claimed it first.
pub(crate) fn indemnity_owed(
    policy: &Policy,
    invoice: Option<&crate::data::Invoice>,
    line: &crate::InvoiceLine<'_>,
) -> Option<crate::money::Money> {
    let flat = policy.settings.indemnity?;
    // The plan gives no indemnity (not even 0) to an invoice not yet late.
    line.indemnity?;
    let consumer = policy
        .attributes
        .iter()
        .position(|a| a.name == crate::eval::CUSTOMER_TYPE)
        .and_then(|at| invoice?.attributes.get(at))
        .is_some_and(|v| matches!(v, AttrValue::Text(t) if t == crate::eval::CONSUMER));
    Some(crate::money::Money {
        amount: if consumer { Decimal::ZERO } else { flat.amount },
        currency: flat.currency,
    })
}

/// The variables of the document of `action`.
pub(crate) fn build(
    policy: &Policy,
    data: &RunData<'_, '_>,
    company: &Company,
    action: &Action<'_>,
) -> Context {
    let lang = language(action);
    let money = |d: Decimal, c: Currency| format::money(d, c, &lang);
    let opt_money = |d: Option<Decimal>, c: Currency| d.map(|d| money(d, c)).unwrap_or_default();
    let mut customer: BTreeMap<String, String> = CUSTOMER_FIELDS
        .iter()
        .map(|f| (f.to_string(), String::new()))
        .collect();
    customer.insert("id".to_string(), action.customer_id.to_string());
    for a in policy.attributes.iter().filter(|a| a.declared) {
        customer.insert(a.name.clone(), String::new());
    }
    if let Some(first) = action.invoices.first() {
        for (name, value) in &first.attributes {
            customer.insert(name.to_string(), attr_text(value));
        }
    }
    // Per currency: open amount, interest, indemnity, then the open amount
    // by age bucket.
    let mut sums: BTreeMap<Currency, [Decimal; 8]> = BTreeMap::new();
    let invoices = action
        .invoices
        .iter()
        .map(|line| {
            let invoice = data.invoices.get(line.invoice_index.get());
            let currency = invoice.map_or(action.currency, |i| i.currency);
            let interest = line.interest.unwrap_or_default();
            let indemnity = indemnity_owed(policy, invoice, line);
            let sum = sums.entry(currency).or_default();
            sum[0] += line.open_amount;
            sum[1] += interest;
            sum[3 + age_bucket(line.days_overdue)] += line.open_amount;
            // The indemnity is in its own currency (D441-5: 40 EUR), added
            // to the total of that currency only.
            let mut total = line.open_amount + interest;
            if let Some(m) = indemnity {
                sums.entry(m.currency).or_default()[2] += m.amount;
                if m.currency == currency {
                    total += m.amount;
                }
            }
            let day = |d: Option<NaiveDate>| d.map(|d| format::date(d, &lang)).unwrap_or_default();
            InvoiceVars {
                id: line.invoice_id.to_string(),
                issue_date: day(invoice.map(|i| i.issue_date)),
                due_date: day(invoice.map(|i| i.due_date)),
                amount: invoice
                    .map(|i| money(i.amount, currency))
                    .unwrap_or_default(),
                open_amount: money(line.open_amount, currency),
                days_overdue: line.days_overdue,
                interest: opt_money(line.interest, currency),
                indemnity: indemnity
                    .map(|m| money(m.amount, m.currency))
                    .unwrap_or_default(),
                total: money(total, currency),
                currency: currency.to_string(),
            }
        })
        .collect();
    let penalties = policy.settings.penalties();
    let totals = sums
        .into_iter()
        .map(|(c, [open, interest, indemnity, aged @ ..])| TotalVars {
            currency: c.to_string(),
            open_amount: money(open, c),
            interest: if penalties {
                money(interest, c)
            } else {
                String::new()
            },
            indemnity: if penalties {
                money(indemnity, c)
            } else {
                String::new()
            },
            total: money(open + interest + indemnity, c),
            not_due: money(aged[0], c),
            days_1_30: money(aged[1], c),
            days_31_60: money(aged[2], c),
            days_61_90: money(aged[3], c),
            over_90: money(aged[4], c),
        })
        .collect();
    let days = policy.settings.payment_deadline_days;
    let deadline = action
        .date
        .checked_add_days(chrono::Days::new(u64::from(days)))
        .unwrap_or(action.date);
    Context {
        customer,
        invoices,
        totals,
        step: StepVars {
            rule: action.rule(),
            action: action.action.as_str().to_string(),
            template: action.template.unwrap_or_default().to_string(),
        },
        date: format::date(action.date, &lang),
        deadline: format::date(deadline, &lang),
        deadline_days: days,
        creditor: creditor(company),
        penalty: penalty(policy, data.rates, action.date, &lang),
        params: action
            .params
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
        language: lang,
    }
}

/// A context of the declared shape, with sample values: `dunning check`
/// renders each template with it, so that a misspelt field inside a loop
/// (`invoice.amout`) is found before a letter is due.
pub(crate) fn sample(policy: &Policy, language: &str) -> Context {
    let eur = Currency::parse("EUR");
    let money = |d: i64| {
        eur.map(|c| format::money(Decimal::from(d), c, language))
            .unwrap_or_default()
    };
    let day = NaiveDate::from_ymd_opt(2025, 3, 5).unwrap_or_default();
    let mut customer: BTreeMap<String, String> = CUSTOMER_FIELDS
        .iter()
        .map(|f| (f.to_string(), f.to_string()))
        .collect();
    customer.insert("id".to_string(), "C-1".to_string());
    for a in policy.attributes.iter().filter(|a| a.declared) {
        customer.insert(a.name.clone(), a.name.clone());
    }
    let invoice = InvoiceVars {
        id: "INV-1".into(),
        issue_date: format::date(day, language),
        due_date: format::date(day, language),
        amount: money(1200),
        open_amount: money(1200),
        days_overdue: 30,
        interest: money(12),
        indemnity: money(40),
        total: money(1252),
        currency: "EUR".into(),
    };
    Context {
        customer,
        invoices: vec![invoice],
        totals: vec![TotalVars {
            currency: "EUR".into(),
            open_amount: money(1200),
            interest: money(12),
            indemnity: money(40),
            total: money(1252),
            not_due: money(0),
            days_1_30: money(1200),
            days_31_60: money(0),
            days_61_90: money(0),
            over_90: money(0),
        }],
        step: StepVars {
            rule: "rule".into(),
            action: "email".into(),
            template: "template".into(),
        },
        date: format::date(day, language),
        deadline: format::date(day, language),
        deadline_days: policy.settings.payment_deadline_days,
        creditor: CREDITOR_FIELDS
            .iter()
            .map(|f| (f.to_string(), f.to_string()))
            .collect(),
        penalty: PenaltyVars {
            rate: "12,15 %".into(),
            basis: "L441-10".into(),
            indemnity: money(40),
        },
        language: language.into(),
        params: policy
            .rules
            .iter()
            .flat_map(|r| &r.action.params)
            .map(|p| (p.name.clone(), p.value.clone()))
            .collect(),
    }
}
