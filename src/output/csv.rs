//! The history CSV: one row per invoice per action. `plan --format csv` and
//! `simulate --actions-out` write it; `plan --history` reads it back, so
//! yesterday's plan appended to the history makes today's run skip it.

use std::io::Write;

use crate::eval::Action;

pub const HEADER: [&str; 12] = [
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
];

/// A cell a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, tab or
/// carriage return first) gets a leading `'`, as OWASP recommends. The
/// history loader takes the quote off again.
pub fn neutralize(cell: &str) -> std::borrow::Cow<'_, str> {
    match cell.as_bytes().first() {
        Some(b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r') => format!("'{cell}").into(),
        _ => cell.into(),
    }
}

/// Writes the header and a row per invoice of each action.
pub fn write(actions: &[Action], out: impl Write) -> std::io::Result<()> {
    let mut w = ::csv::Writer::from_writer(out);
    w.write_record(HEADER)?;
    for a in actions {
        write_rows(&mut w, a)?;
    }
    w.flush()
}

pub fn write_rows<W: Write>(w: &mut ::csv::Writer<W>, a: &Action) -> std::io::Result<()> {
    let date = a.date.to_string();
    let action = a.action.to_string();
    let template = a.template.as_deref().unwrap_or("");
    let currency = a.currency.to_string();
    for line in &a.invoices {
        let open = line.open_amount.to_string();
        let days = line.days_overdue.to_string();
        let interest = line.interest.map(|d| d.to_string()).unwrap_or_default();
        let indemnity = line.indemnity.map(|d| d.to_string()).unwrap_or_default();
        w.write_record([
            date.as_str(),
            &neutralize(&a.customer_id),
            &neutralize(&line.invoice_id),
            &neutralize(&line.rule),
            action.as_str(),
            &neutralize(template),
            open.as_str(),
            currency.as_str(),
            days.as_str(),
            interest.as_str(),
            indemnity.as_str(),
            &neutralize(&line.reason),
        ])?;
    }
    Ok(())
}
