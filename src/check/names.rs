//! The names a policy can use, as the checker needs them: the kinds of
//! values, the attribute types, the built-in facts and actions (from their
//! tables: `policy::facts`, `ActionKind`); the settings are in
//! `resolve/settings.rs`.

use crate::policy::{ActionKind, Fact, FactKind};
pub(crate) use crate::words::{closest, quoted_and, quoted_list};

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
    /// Shared, not copied: a list may have tens of thousands of values and
    /// the kind is looked up for every comparison.
    OneOf(std::sync::Arc<OneOf>),
}

/// The values of `attribute NAME in [...]`: in order, and as a set to
/// find one in constant time.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct OneOf {
    pub(crate) values: Vec<String>,
    set: std::collections::HashSet<String>,
}

impl OneOf {
    /// The values, in order, without repeats.
    pub(crate) fn new(values: Vec<String>) -> Self {
        let set = values.iter().cloned().collect();
        OneOf { values, set }
    }

    pub(crate) fn contains(&self, value: &str) -> bool {
        self.set.contains(value)
    }
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
            Kind::OneOf(one_of) => {
                let values = &one_of.values;
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

/// The kind of a built-in fact, from the fact table.
pub(crate) fn fact_kind(kind: FactKind) -> Kind {
    match kind {
        FactKind::Days => Kind::Days,
        FactKind::Money => Kind::Money,
        FactKind::Number => Kind::Number,
        FactKind::Text => Kind::Text,
        FactKind::Currency => Kind::Currency,
        FactKind::Bool => Kind::Bool,
        FactKind::Date => Kind::Date,
    }
}

/// The names of the built-in facts, in the table's order.
pub(crate) fn fact_names() -> impl Iterator<Item = &'static str> + Clone {
    Fact::BUILT_IN.into_iter().filter_map(Fact::name)
}

/// Columns of the invoice file that are facts, not attributes.
pub(crate) const RESERVED_COLUMNS: &[&str] = &["issue_date", "due_date", "paid_date"];

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

pub(crate) fn action_names() -> impl Iterator<Item = &'static str> + Clone {
    ActionKind::names()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_close_names_only() {
        let facts = fact_names();
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
