//! Invoices, payments and history: loading and validation.
//!
//! Every row is checked; a bad value is an error naming the file, the line
//! and the column, and nothing is dropped silently.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::Serialize;

use crate::money::Currency;
use crate::policy::ActionKind;

/// One invoice of the snapshot, with the values of the policy's attributes.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Invoice {
    pub id: String,
    pub customer_id: String,
    pub issue_date: NaiveDate,
    pub due_date: NaiveDate,
    /// The invoiced amount, positive.
    pub amount: Decimal,
    pub currency: Currency,
    pub paid_date: Option<NaiveDate>,
    pub disputed: bool,
    /// Values of the policy's attributes, in `Policy::attributes` order.
    pub attributes: Vec<AttrValue>,
    /// Line of the invoice in its file (1-based, header included), for messages.
    pub line: usize,
}

/// An attribute's value, typed as the policy declares (or uses) it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum AttrValue {
    /// An empty cell.
    Missing,
    Text(String),
    Number(Decimal),
    /// An amount in the invoice's currency.
    Money(Decimal),
    Date(NaiveDate),
    Bool(bool),
}

/// A (partial) payment of an invoice.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Payment {
    pub invoice_id: String,
    pub date: NaiveDate,
    pub amount: Decimal,
    pub line: usize,
}

/// An action already taken: one row of a previous plan's CSV.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct HistoryEntry {
    pub date: NaiveDate,
    pub customer_id: String,
    pub invoice_id: String,
    pub rule: String,
    pub action: ActionKind,
    pub template: Option<String>,
    pub line: usize,
}
