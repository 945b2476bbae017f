//! The history CSV: one row per invoice per action. `plan --format csv` and
//! `simulate --actions-out` write it; `plan --history` reads it back, so
//! yesterday's plan appended to the history makes today's run skip it.

use std::io::Write;

use crate::data::AttrValue;
use crate::eval::Action;

/// The columns of the history CSV, in order. `indemnity_currency` came
/// last, after `reason`, so that files written before it keep the
/// positions of the others (readers go by name: both read back).
pub const HEADER: [&str; 13] = [
    "date",
    "customer_id",
    "invoice_id",
    "rule",
    "action",
    "template",
    "open_amount",
    "currency",
    "days_overdue",
    "interest",
    "indemnity",
    "reason",
    "indemnity_currency",
];

/// A cell a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, tab or
/// carriage return first) gets a leading `'`, as OWASP recommends; so does
/// a cell that starts with `'` itself, so that [`unneutralize`] can tell
/// the quote this added from one of the text's own: the two are exact
/// inverses (a rule named `'=first` is written `''=first`, read back as
/// `'=first`).
pub fn neutralize(cell: &str) -> std::borrow::Cow<'_, str> {
    if needs_quote(cell) {
        format!("'{cell}").into()
    } else {
        cell.into()
    }
}

/// A cell of a file [`neutralize`] wrote, as it was before.
pub fn unneutralize(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if needs_quote(rest) => rest,
        _ => cell,
    }
}

fn needs_quote(cell: &str) -> bool {
    matches!(
        cell.as_bytes().first(),
        Some(b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r' | b'\'')
    )
}

/// Writes the header and a row per invoice of each action.
pub fn write(actions: &[Action], out: impl Write) -> std::io::Result<()> {
    write_for(&[], actions, out)
}

/// The columns that follow [`HEADER`] for a policy: the attributes it
/// declares (`account_manager`, `phone`…), except those named like a column
/// of the header.
pub fn attribute_columns(policy: &crate::Policy) -> Vec<&str> {
    policy
        .attributes
        .iter()
        .filter(|a| a.declared && !HEADER.contains(&a.name.as_str()))
        .map(|a| a.name.as_str())
        .collect()
}

/// [`write()`], with the columns of [`attribute_columns`] after the others.
pub fn write_for(columns: &[&str], actions: &[Action], out: impl Write) -> std::io::Result<()> {
    let mut w = ActionWriter::with_attributes(out, columns)?;
    for a in actions {
        w.write(a)?;
    }
    w.flush()
}

/// Writes action rows as they come. A year's replay writes millions of
/// rows, so numbers and dates are formatted into one reused buffer rather
/// than a new string per cell.
pub struct ActionWriter<W: Write> {
    csv: ::csv::Writer<W>,
    cell: String,
    /// The attribute columns after the header's.
    attributes: Vec<String>,
}

impl<W: Write> ActionWriter<W> {
    /// Starts the file with its header.
    pub fn new(out: W) -> std::io::Result<Self> {
        Self::with_attributes(out, &[])
    }

    /// Starts the file with its header and these attribute columns
    /// ([`attribute_columns`]).
    pub fn with_attributes(out: W, columns: &[&str]) -> std::io::Result<Self> {
        let mut csv = ::csv::Writer::from_writer(out);
        csv.write_record(HEADER.iter().chain(columns))?;
        Ok(ActionWriter {
            csv,
            cell: String::new(),
            attributes: columns.iter().map(|c| c.to_string()).collect(),
        })
    }

    /// One row per invoice of the action.
    pub fn write(&mut self, a: &Action) -> std::io::Result<()> {
        for line in &a.invoices {
            self.display(a.date)?;
            self.text(a.customer_id)?;
            self.text(line.invoice_id)?;
            self.text(line.rule)?;
            self.csv.write_field(a.action.as_str())?;
            self.text(a.template.unwrap_or(""))?;
            self.display(line.open_amount)?;
            self.csv.write_field(line.currency.as_str())?;
            self.display(line.days_overdue)?;
            match line.interest {
                Some(d) => self.display(d)?,
                None => self.csv.write_field("")?,
            }
            match line.indemnity {
                Some(d) => self.display(d)?,
                None => self.csv.write_field("")?,
            }
            self.text(&line.reason)?;
            // The indemnity's own currency (40 EUR on an invoice in dollars).
            match (line.indemnity, a.indemnity_currency) {
                (Some(_), Some(c)) => self.csv.write_field(c.as_str())?,
                _ => self.csv.write_field("")?,
            }
            for k in 0..self.attributes.len() {
                let value = line
                    .attributes
                    .iter()
                    .find(|(name, _)| *name == self.attributes[k])
                    .map(|(_, v)| *v);
                match value {
                    Some(AttrValue::Text(t)) => self.text(t)?,
                    Some(AttrValue::Number(n) | AttrValue::Money(n)) => self.display(n)?,
                    Some(AttrValue::Date(d)) => self.display(d)?,
                    Some(AttrValue::Bool(b)) => {
                        self.csv.write_field(if *b { "yes" } else { "no" })?
                    }
                    Some(AttrValue::Missing) | None => self.csv.write_field("")?,
                }
            }
            self.csv.write_record(None::<&[u8]>)?;
        }
        Ok(())
    }

    /// Writes out what is buffered.
    pub fn flush(&mut self) -> std::io::Result<()> {
        self.csv.flush()
    }

    /// Flushes, and gives the writer back (a temporary file to rename into
    /// place once every row is written).
    pub fn into_inner(self) -> std::io::Result<W> {
        self.csv.into_inner().map_err(|e| e.into_error())
    }

    fn display(&mut self, value: impl std::fmt::Display) -> std::io::Result<()> {
        use std::fmt::Write as _;
        self.cell.clear();
        let _ = write!(self.cell, "{value}");
        self.csv.write_field(&self.cell)?;
        Ok(())
    }

    /// Text from the data or the policy, neutralised for spreadsheets.
    fn text(&mut self, cell: &str) -> std::io::Result<()> {
        self.csv.write_field(neutralize(cell).as_ref())?;
        Ok(())
    }
}
