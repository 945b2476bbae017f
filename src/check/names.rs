//! The names a policy can use: built-in facts, settings, types, actions,
//! and the "did you mean" that finds the one a typo was aiming at.

use crate::policy::{ActionKind, Fact};

/// What kind of value a fact or attribute holds; decides what it can be compared with.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    Days,
    Money,
    Number,
    Text,
    Currency,
    Bool,
    Date,
    OneOf(Vec<String>),
}

impl Kind {
    /// How the kind is named in messages: "a number of days".
    pub(crate) fn describe(&self) -> &'static str {
        match self {
            Kind::Days => "a number of days",
            Kind::Money => "an amount of money",
            Kind::Number => "a number",
            Kind::Text => "a text",
            Kind::Currency => "a currency",
            Kind::Bool => "yes or no",
            Kind::Date => "a date",
            Kind::OneOf(_) => "one of a declared list of values",
        }
    }

    /// An example of a value of this kind, for help lines.
    pub(crate) fn example(&self) -> String {
        match self {
            Kind::Days => "a duration such as `15d` or `2w`".into(),
            Kind::Money => "an amount such as `500 EUR`".into(),
            Kind::Number => "a number such as `3`".into(),
            Kind::Text => "a word or a text in quotes".into(),
            Kind::Currency => "a currency code such as `EUR`".into(),
            Kind::Bool => "`yes` or `no`".into(),
            Kind::Date => "a date such as `2025-06-30`, or `today`".into(),
            Kind::OneOf(values) => {
                let shown = quoted_list(values.iter().take(6).map(String::as_str));
                if values.len() > 6 {
                    format!("one of {shown}…")
                } else {
                    format!("one of {shown}")
                }
            }
        }
    }

    pub(crate) fn is_ordered(&self) -> bool {
        matches!(self, Kind::Days | Kind::Money | Kind::Number | Kind::Date)
    }
}

/// Built-in facts: name, fact, kind, one-line meaning (also used by the README table test).
pub const FACTS: &[(&str, Fact, &str)] = &[
    (
        "overdue",
        Fact::Overdue,
        "days past the due date (negative before it)",
    ),
    (
        "due_in",
        Fact::DueIn,
        "days until the due date (negative after it)",
    ),
    ("age", Fact::Age, "days since the issue date"),
    ("amount", Fact::Amount, "the invoice amount"),
    (
        "open_amount",
        Fact::OpenAmount,
        "what is left to pay after payments",
    ),
    ("currency", Fact::Currency, "the invoice currency"),
    ("disputed", Fact::Disputed, "the invoice is disputed"),
    (
        "reminders",
        Fact::Reminders,
        "steps already fired for this invoice",
    ),
    (
        "last_contact",
        Fact::LastContact,
        "days since the customer was last contacted (no value if never)",
    ),
    ("customer_id", Fact::CustomerId, "the customer's identifier"),
    ("invoice_id", Fact::InvoiceId, "the invoice's identifier"),
];

pub(crate) fn fact(name: &str) -> Option<Fact> {
    FACTS
        .iter()
        .find(|(n, _, _)| *n == name)
        .map(|(_, f, _)| *f)
}

pub(crate) fn fact_kind(fact: Fact) -> Kind {
    match fact {
        Fact::Overdue | Fact::DueIn | Fact::Age | Fact::LastContact => Kind::Days,
        Fact::Amount | Fact::OpenAmount => Kind::Money,
        Fact::Currency => Kind::Currency,
        Fact::Disputed => Kind::Bool,
        Fact::Reminders => Kind::Number,
        Fact::CustomerId | Fact::InvoiceId => Kind::Text,
        Fact::Attribute(_) => Kind::Text,
    }
}

/// Columns of the invoice file that are facts, not attributes.
pub const RESERVED_COLUMNS: &[&str] = &["issue_date", "due_date", "paid_date"];

/// Settings: name, what it takes, meaning.
pub const SETTINGS: &[(&str, &str, &str)] = &[
    (
        "cooldown",
        "a duration such as `7d`",
        "minimum gap between two contacts with one customer",
    ),
    (
        "calendar",
        "`france` or `none`",
        "business days for calls and letters",
    ),
    (
        "minimum_amount",
        "an amount such as `50 EUR`",
        "invoices with a smaller open amount are not dunned",
    ),
    (
        "interest_rate",
        "a percentage such as `12.15%`",
        "annual late-payment interest",
    ),
    (
        "indemnity",
        "an amount such as `40 EUR`",
        "flat recovery indemnity per invoice",
    ),
    (
        "pause_disputed",
        "`yes` or `no`",
        "pause disputed invoices (default `yes`)",
    ),
];

/// Attribute types: name, kind.
pub(crate) const TYPES: &[&str] = &["text", "number", "money", "date", "bool"];

pub(crate) fn type_kind(name: &str) -> Option<Kind> {
    Some(match name {
        "text" => Kind::Text,
        "number" => Kind::Number,
        "money" => Kind::Money,
        "date" => Kind::Date,
        "bool" => Kind::Bool,
        _ => return None,
    })
}

pub(crate) fn action_names() -> impl Iterator<Item = &'static str> {
    ActionKind::ALL.iter().map(|a| a.as_str())
}

/// The closest candidate to `name`, if close enough to be a likely typo.
pub(crate) fn closest<'a>(
    name: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let mut best: Option<(f64, &str)> = None;
    for candidate in candidates {
        let score = strsim::jaro_winkler(name, candidate);
        let distance = strsim::damerau_levenshtein(name, candidate);
        let close = distance <= 2.max(name.len() / 4) || score >= 0.9;
        if close && best.is_none_or(|(b, _)| score > b) {
            best = Some((score, candidate));
        }
    }
    best.map(|(_, c)| c)
}

/// `a`, `b` and `c`, quoted: for "the actions are …".
pub(crate) fn quoted_and<'a>(items: impl IntoIterator<Item = &'a str>) -> String {
    let items: Vec<String> = items.into_iter().map(|s| format!("`{s}`")).collect();
    match items.len() {
        0 => String::new(),
        1 => items[0].clone(),
        n => format!("{} and {}", items[..n - 1].join(", "), items[n - 1]),
    }
}

/// `a`, `b` or `c`, quoted.
pub(crate) fn quoted_list<'a>(items: impl IntoIterator<Item = &'a str>) -> String {
    let items: Vec<String> = items.into_iter().map(|s| format!("`{s}`")).collect();
    match items.len() {
        0 => String::new(),
        1 => items[0].clone(),
        n => format!("{} or {}", items[..n - 1].join(", "), items[n - 1]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_close_names_only() {
        let facts = FACTS.iter().map(|(n, _, _)| *n);
        assert_eq!(closest("overdeu", facts.clone()), Some("overdue"));
        assert_eq!(closest("ammount", facts.clone()), Some("amount"));
        assert_eq!(closest("segment", facts), None);
        assert_eq!(closest("emial", action_names()), Some("email"));
        assert_eq!(
            closest("registered_leter", action_names()),
            Some("registered_letter")
        );
    }
}
