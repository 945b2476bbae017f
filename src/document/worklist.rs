//! The day's work lists: the index of documents written, the call list
//! and the collection agency's hand-over file (with the dates of every
//! reminder sent: the evidence). Cells go through the plan CSV's
//! `neutralize`, so that no cell runs as a spreadsheet formula.

use crate::data::RunData;
use crate::output::csv::neutralize;
use crate::policy::{ActionKind, Policy};
use crate::{Action, Plan};

use super::context::attr_text;
use super::Document;

/// A customer id or template name as part of a file name: letters, digits,
/// `-`, `_` and `.` kept, anything else (`/`, `..`, spaces) made `_`.
pub(crate) fn file_safe(text: &str) -> String {
    let safe: String = text
        .chars()
        .take(64)
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    if safe.is_empty() {
        "_".into()
    } else {
        safe
    }
}

fn row(w: &mut csv::Writer<Vec<u8>>, cells: &[String]) {
    // Writing to memory cannot fail.
    let _ = w.write_record(cells.iter().map(|c| neutralize(c).into_owned()));
}

fn finish(w: csv::Writer<Vec<u8>>) -> Vec<u8> {
    w.into_inner().unwrap_or_default()
}

/// `index.csv`: one row per document written.
pub(crate) struct Index {
    csv: csv::Writer<Vec<u8>>,
    /// Per action (by customer and template), the file written: the call
    /// list names the script.
    written: Vec<(String, Option<String>, String)>,
}

impl Default for Index {
    fn default() -> Self {
        let mut csv = csv::Writer::from_writer(Vec::new());
        let header = [
            "file",
            "date",
            "customer_id",
            "action",
            "template",
            "template_file",
            "language",
            "currency",
            "open_amount",
            "invoice_ids",
            "status",
        ];
        row(&mut csv, &header.map(String::from));
        Index {
            csv,
            written: Vec::new(),
        }
    }
}

impl Index {
    pub(crate) fn push(&mut self, file: &str, action: &Action<'_>, doc: &Document) {
        let cells = [
            file.to_string(),
            action.date.to_string(),
            action.customer_id.to_string(),
            action.action.as_str().to_string(),
            action.template.unwrap_or_default().to_string(),
            doc.template_file.clone(),
            doc.language.clone(),
            currencies(action),
            open_amounts(action),
            action.invoice_ids().collect::<Vec<_>>().join(" "),
            if action.action == ActionKind::Email && doc.to.is_none() {
                "no-recipient".into()
            } else {
                "ready".into()
            },
        ];
        row(&mut self.csv, &cells);
        self.written.push((
            action.customer_id.to_string(),
            action.template.map(str::to_string),
            file.to_string(),
        ));
    }

    fn file_of(&self, action: &Action<'_>) -> Option<&str> {
        self.written
            .iter()
            .find(|(c, t, _)| c == action.customer_id && t.as_deref() == action.template)
            .map(|(_, _, f)| f.as_str())
    }

    pub(crate) fn finish(&mut self) -> Vec<u8> {
        let csv = std::mem::replace(&mut self.csv, csv::Writer::from_writer(Vec::new()));
        finish(csv)
    }
}

/// `call-list.csv`: the day's calls, one row per call: the customer, the
/// policy's declared attributes (phone, account manager…), the invoices,
/// the amount, the longest delay and the script's file.
pub(crate) fn call_list(
    policy: &Policy,
    data: &RunData<'_, '_>,
    plan: &Plan<'_>,
    index: &Index,
) -> Vec<u8> {
    let _ = data;
    let attributes = crate::output::csv::attribute_columns(policy);
    let mut w = csv::Writer::from_writer(Vec::new());
    let mut header: Vec<String> = [
        "customer_id",
        "invoice_ids",
        "open_amount",
        "currency",
        "max_days_overdue",
        "rule",
        "template",
        "script",
    ]
    .map(String::from)
    .to_vec();
    header.extend(attributes.iter().map(|a| a.to_string()));
    row(&mut w, &header);
    for action in plan.actions.iter().filter(|a| a.action == ActionKind::Call) {
        let first = action.invoices.first();
        let mut cells = vec![
            action.customer_id.to_string(),
            action.invoice_ids().collect::<Vec<_>>().join(" "),
            open_amounts(action),
            currencies(action),
            action
                .invoices
                .iter()
                .map(|l| l.days_overdue)
                .max()
                .unwrap_or_default()
                .to_string(),
            action.rule(),
            action.template.unwrap_or_default().to_string(),
            index.file_of(action).unwrap_or_default().to_string(),
        ];
        for name in &attributes {
            let value = first
                .and_then(|l| l.attributes.iter().find(|(n, _)| n == name))
                .map(|(_, v)| attr_text(v))
                .unwrap_or_default();
            cells.push(value);
        }
        row(&mut w, &cells);
    }
    finish(w)
}

/// `agency.csv`: every invoice handed to the collection agency today, with
/// its amounts and penalties (the indemnity each invoice owes, in its own
/// currency) and, in date order, every step already taken
/// on it (`2025-03-01 email relance-1; …`): the evidence of the reminders.
pub(crate) fn agency(policy: &Policy, data: &RunData<'_, '_>, plan: &Plan<'_>) -> Vec<u8> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let header = [
        "customer_id",
        "invoice_id",
        "issue_date",
        "due_date",
        "amount",
        "open_amount",
        "currency",
        "days_overdue",
        "interest",
        "indemnity",
        "indemnity_currency",
        "reminders",
    ];
    row(&mut w, &header.map(String::from));
    for action in plan
        .actions
        .iter()
        .filter(|a| a.action == ActionKind::CollectionAgency)
    {
        for line in &action.invoices {
            let invoice = data.invoices.get(line.invoice_index.get());
            // What the invoice owes, not what this step claims (the first
            // reminder claimed it): the agency collects it.
            let owed = super::context::indemnity_owed(policy, invoice, line);
            let mut steps: Vec<_> = data
                .history
                .iter()
                .filter(|h| h.invoice_id == line.invoice_id && h.date <= action.date)
                .collect();
            steps.sort_by_key(|h| h.date);
            let reminders = steps
                .iter()
                .map(|h| match &h.template {
                    Some(t) => format!("{} {} {t}", h.date, h.action.as_str()),
                    None => format!("{} {}", h.date, h.action.as_str()),
                })
                .collect::<Vec<_>>()
                .join("; ");
            let cells = [
                action.customer_id.to_string(),
                line.invoice_id.to_string(),
                invoice
                    .map(|i| i.issue_date.to_string())
                    .unwrap_or_default(),
                invoice.map(|i| i.due_date.to_string()).unwrap_or_default(),
                invoice.map(|i| i.amount.to_string()).unwrap_or_default(),
                line.open_amount.to_string(),
                invoice.map_or(action.currency, |i| i.currency).to_string(),
                line.days_overdue.to_string(),
                line.interest.map(|d| d.to_string()).unwrap_or_default(),
                owed.map(|m| m.amount.to_string()).unwrap_or_default(),
                owed.map(|m| m.currency.to_string()).unwrap_or_default(),
                reminders,
            ];
            row(&mut w, &cells);
        }
    }
    finish(w)
}

/// An action's currencies, space-separated (one unless it lists invoices
/// of several), in the order of [`open_amounts`].
fn currencies(action: &Action<'_>) -> String {
    let list: Vec<&str> = action.totals.iter().map(|t| t.currency.as_str()).collect();
    list.join(" ")
}

/// An action's total open amount per currency, space-separated, in the
/// order of [`currencies`].
fn open_amounts(action: &Action<'_>) -> String {
    let list: Vec<String> = action
        .totals
        .iter()
        .map(|t| t.open_amount.to_string())
        .collect();
    list.join(" ")
}
