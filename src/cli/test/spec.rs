//! The YAML layout of a policy test file.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::Deserialize;

/// A test file: the policy under test and its cases. Data given at the top
/// level (`invoices`, `payments`, `events`, `history` and their `_file` forms) is the
/// default of every case that does not give its own.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct FileSpec {
    /// The policy, relative to the test file; a list of policies is a
    /// book, each invoice routed to the policy whose scope holds.
    pub policy: Policies,
    #[serde(default)]
    pub invoices: Option<serde_yaml::Value>,
    #[serde(default)]
    pub invoices_file: Option<String>,
    #[serde(default)]
    pub payments: Option<serde_yaml::Value>,
    #[serde(default)]
    pub payments_file: Option<String>,
    #[serde(default)]
    pub events: Option<serde_yaml::Value>,
    #[serde(default)]
    pub events_file: Option<String>,
    #[serde(default)]
    pub history: Option<serde_yaml::Value>,
    #[serde(default)]
    pub history_file: Option<String>,
    /// The import profile of the invoice and payment files: a profile
    /// file (relative to the test file) or the profile itself.
    #[serde(default)]
    pub profile: Option<serde_yaml::Value>,
    /// Each read on its own ([`CaseSpec`]), so that a mistake in one case
    /// fails that case only.
    pub cases: Vec<serde_yaml::Value>,
}

/// `policy: a.dunning` (one policy, alone on every invoice) or
/// `policy: [a.dunning, b.dunning]` (a book).
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub(crate) enum Policies {
    One(String),
    Book(Vec<String>),
}

impl Policies {
    pub(crate) fn files(&self) -> Vec<&str> {
        match self {
            Policies::One(f) => vec![f.as_str()],
            Policies::Book(fs) => fs.iter().map(String::as_str).collect(),
        }
    }
}

impl FileSpec {
    pub(crate) fn data(&self) -> DataSpec {
        DataSpec {
            invoices: self.invoices.clone(),
            invoices_file: self.invoices_file.clone(),
            payments: self.payments.clone(),
            payments_file: self.payments_file.clone(),
            events: self.events.clone(),
            events_file: self.events_file.clone(),
            history: self.history.clone(),
            history_file: self.history_file.clone(),
            profile: self.profile.clone(),
        }
    }
}

impl CaseSpec {
    /// The case's data, falling back on the file's for what it does not give.
    pub(crate) fn data(&self, defaults: &DataSpec) -> DataSpec {
        let own_invoices = self.invoices.is_some() || self.invoices_file.is_some();
        let own_payments = self.payments.is_some() || self.payments_file.is_some();
        let own_events = self.events.is_some() || self.events_file.is_some();
        let own_history = self.history.is_some() || self.history_file.is_some();
        let pick = |own: bool,
                    a: &Option<serde_yaml::Value>,
                    b: &Option<String>,
                    da: &Option<serde_yaml::Value>,
                    db: &Option<String>| {
            if own {
                (a.clone(), b.clone())
            } else {
                (da.clone(), db.clone())
            }
        };
        let (invoices, invoices_file) = pick(
            own_invoices,
            &self.invoices,
            &self.invoices_file,
            &defaults.invoices,
            &defaults.invoices_file,
        );
        let (payments, payments_file) = pick(
            own_payments,
            &self.payments,
            &self.payments_file,
            &defaults.payments,
            &defaults.payments_file,
        );
        let (events, events_file) = pick(
            own_events,
            &self.events,
            &self.events_file,
            &defaults.events,
            &defaults.events_file,
        );
        let (history, history_file) = pick(
            own_history,
            &self.history,
            &self.history_file,
            &defaults.history,
            &defaults.history_file,
        );
        DataSpec {
            invoices,
            invoices_file,
            payments,
            payments_file,
            events,
            events_file,
            history,
            history_file,
            profile: defaults.profile.clone(),
        }
    }
}

/// Where a case's invoices, payments, events and history come from: inline rows
/// (with the columns of the CSV) or a data file relative to the test file.
#[derive(Debug, Default, Clone)]
pub(crate) struct DataSpec {
    pub invoices: Option<serde_yaml::Value>,
    pub invoices_file: Option<String>,
    pub payments: Option<serde_yaml::Value>,
    pub payments_file: Option<String>,
    pub events: Option<serde_yaml::Value>,
    pub events_file: Option<String>,
    pub history: Option<serde_yaml::Value>,
    pub history_file: Option<String>,
    /// The test file's `profile`, for data files.
    pub profile: Option<serde_yaml::Value>,
}

/// One test case.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct CaseSpec {
    pub name: String,
    #[serde(default)]
    pub invoices: Option<serde_yaml::Value>,
    #[serde(default)]
    pub invoices_file: Option<String>,
    #[serde(default)]
    pub payments: Option<serde_yaml::Value>,
    #[serde(default)]
    pub payments_file: Option<String>,
    #[serde(default)]
    pub events: Option<serde_yaml::Value>,
    #[serde(default)]
    pub events_file: Option<String>,
    #[serde(default)]
    pub history: Option<serde_yaml::Value>,
    #[serde(default)]
    pub history_file: Option<String>,
    /// One day...
    #[serde(default)]
    pub date: Option<NaiveDate>,
    /// ...or several, in order, each day's actions added to the history...
    #[serde(default)]
    pub dates: Option<Vec<NaiveDate>>,
    /// ...or every day from `from` to `to`, both included.
    #[serde(default)]
    pub from: Option<NaiveDate>,
    #[serde(default)]
    pub to: Option<NaiveDate>,
    /// The actions expected over all the days run (`[]`: none).
    pub expect: Vec<Expected>,
}

/// An expected action.
#[derive(Debug, Deserialize, Clone)]
#[serde(deny_unknown_fields)]
pub(crate) struct Expected {
    /// Compared when given.
    #[serde(default)]
    pub date: Option<NaiveDate>,
    #[serde(alias = "customer")]
    pub customer_id: String,
    pub action: String,
    /// The rule, or several comma-separated when invoices of one action
    /// were at different steps (compared as a set).
    pub rule: String,
    /// The invoice ids the action lists (compared as a set).
    #[serde(alias = "invoice_ids")]
    pub invoices: Vec<String>,
    /// Compared when given.
    #[serde(default)]
    pub template: Option<String>,
    /// The action's total open amount, compared when given.
    #[serde(default, deserialize_with = "amount")]
    pub open_amount: Option<Decimal>,
    /// The late interest the action carries, compared when given.
    #[serde(default, deserialize_with = "amount")]
    pub interest: Option<Decimal>,
    /// The recovery indemnity the action carries, compared when given.
    #[serde(default, deserialize_with = "amount")]
    pub indemnity: Option<Decimal>,
}

/// An amount written as a YAML number or string (`"6.66"`, `6.66`).
fn amount<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Decimal>, D::Error> {
    let value = serde_yaml::Value::deserialize(d)?;
    let text = match &value {
        serde_yaml::Value::Number(n) => n.to_string(),
        serde_yaml::Value::String(s) => s.clone(),
        serde_yaml::Value::Null => return Ok(None),
        _ => {
            return Err(serde::de::Error::custom(
                "an amount must be a number like 6.66",
            ))
        }
    };
    text.trim().parse::<Decimal>().map(Some).map_err(|_| {
        serde::de::Error::custom(format!(
            "`{text}` is not an amount (expected a number like 6.66)"
        ))
    })
}
