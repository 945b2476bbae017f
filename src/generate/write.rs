//! CSV output, written by hand: every field is a date, a number, a code or
//! a name from a fixed list with no comma, quote or line break, so no field
//! ever needs quoting, and formatting digits directly keeps a million rows
//! well under a second.

use std::io::{self, Write};

use chrono::{Datelike, NaiveDate};

use super::{Dataset, Invoice};
use crate::data::EventKind;

/// The header of the invoices file. Disputes, promises, payment plans and
/// insolvency are not columns: they change during the year, and are in
/// the events file with their dates.
pub const INVOICE_COLUMNS: [&str; 11] = [
    "invoice_id",
    "customer_id",
    "issue_date",
    "due_date",
    "amount",
    "currency",
    "paid_date",
    "segment",
    "risk",
    "country",
    "account_manager",
];

/// The header of the account events file (SPEC 6.2).
pub const EVENT_COLUMNS: [&str; 6] = crate::data::EVENT_COLUMNS;

/// The header of the payments file.
pub const PAYMENT_COLUMNS: [&str; 3] = ["invoice_id", "date", "amount"];

/// Flushes to the writer past this many bytes.
const CHUNK: usize = 1 << 16;

/// Writes the invoices, one row each, sorted by invoice id, with a header
/// (see [`INVOICE_COLUMNS`]). Empty cells: `paid_date` of unpaid invoices,
/// `account_manager` of standard and small customers.
pub fn write_invoices_csv(data: &Dataset, mut out: impl Write) -> io::Result<()> {
    let mut buf = Vec::with_capacity(CHUNK + 256);
    header(&mut buf, &INVOICE_COLUMNS);
    let ids = Ids::new(data);
    for inv in &data.invoices {
        let c = data.customer(inv);
        ids.invoice(&mut buf, inv);
        buf.push(b',');
        ids.customer(&mut buf, c.number);
        buf.push(b',');
        date(&mut buf, inv.issue_date);
        buf.push(b',');
        date(&mut buf, inv.due_date);
        buf.push(b',');
        cents(&mut buf, inv.amount_cents);
        buf.push(b',');
        buf.extend_from_slice(inv.currency.as_str().as_bytes());
        buf.push(b',');
        if let Some(d) = inv.paid_date {
            date(&mut buf, d);
        }
        buf.push(b',');
        buf.extend_from_slice(c.segment.as_str().as_bytes());
        buf.push(b',');
        buf.extend_from_slice(c.risk.as_str().as_bytes());
        buf.push(b',');
        buf.extend_from_slice(c.country.as_str().as_bytes());
        buf.push(b',');
        if let Some(name) = c.account_manager {
            buf.extend_from_slice(name.as_bytes());
        }
        buf.push(b'\n');
        if buf.len() >= CHUNK {
            out.write_all(&buf)?;
            buf.clear();
        }
    }
    out.write_all(&buf)?;
    out.flush()
}

/// Writes the payments (`invoice_id,date,amount`), sorted by invoice id
/// then date, with a header. Invoices paid in one go have no row.
pub fn write_payments_csv(data: &Dataset, mut out: impl Write) -> io::Result<()> {
    let mut buf = Vec::with_capacity(CHUNK + 64);
    header(&mut buf, &PAYMENT_COLUMNS);
    let ids = Ids::new(data);
    for p in &data.payments {
        ids.invoice(&mut buf, &data.invoices[p.invoice as usize]);
        buf.push(b',');
        date(&mut buf, p.date);
        buf.push(b',');
        cents(&mut buf, p.amount_cents);
        buf.push(b'\n');
        if buf.len() >= CHUNK {
            out.write_all(&buf)?;
            buf.clear();
        }
    }
    out.write_all(&buf)?;
    out.flush()
}

/// Writes the account events (`date,invoice_id,customer_id,event,until,note`),
/// sorted by date, with a header: an invoice's event names the invoice and
/// its customer, a customer's event (insolvency) the customer only.
pub fn write_events_csv(data: &Dataset, mut out: impl Write) -> io::Result<()> {
    let mut buf = Vec::with_capacity(CHUNK + 128);
    header(&mut buf, &EVENT_COLUMNS);
    let ids = Ids::new(data);
    for e in &data.events {
        date(&mut buf, e.date);
        buf.push(b',');
        if let Some(i) = e.invoice {
            ids.invoice(&mut buf, &data.invoices[i as usize]);
        }
        buf.push(b',');
        ids.customer(&mut buf, data.customers[e.customer as usize].number);
        buf.push(b',');
        buf.extend_from_slice(e.kind.as_str().as_bytes());
        buf.push(b',');
        if let Some(u) = e.until {
            date(&mut buf, u);
        }
        buf.push(b',');
        buf.extend_from_slice(note(e.kind).as_bytes());
        buf.push(b'\n');
        if buf.len() >= CHUNK {
            out.write_all(&buf)?;
            buf.clear();
        }
    }
    out.write_all(&buf)?;
    out.flush()
}

/// What a credit team would write in the note of an event.
fn note(kind: EventKind) -> &'static str {
    match kind {
        EventKind::DisputeOpened => "delivery contested",
        EventKind::DisputeClosed => "dispute settled",
        EventKind::Promise => "promise made by phone",
        EventKind::PlanStarted => "instalments agreed",
        EventKind::PlanEnded => "instalments stopped",
        EventKind::InsolvencyOpened => "insolvency proceedings opened",
        EventKind::InsolvencyClosed => "insolvency proceedings closed",
        EventKind::Block => "blocked",
        EventKind::Unblock => "unblocked",
        EventKind::Contact => "contacted",
    }
}

fn header(buf: &mut Vec<u8>, columns: &[&str]) {
    buf.extend_from_slice(columns.join(",").as_bytes());
    buf.push(b'\n');
}

/// The id prefixes and widths of a dataset.
struct Ids {
    invoice_prefix: Vec<u8>,
    invoice_digits: usize,
    customer_digits: usize,
}

impl Ids {
    fn new(data: &Dataset) -> Ids {
        Ids {
            invoice_prefix: format!("INV-{}-", data.params.year).into_bytes(),
            invoice_digits: data.invoice_digits(),
            customer_digits: data.customer_digits(),
        }
    }

    fn invoice(&self, buf: &mut Vec<u8>, inv: &Invoice) {
        buf.extend_from_slice(&self.invoice_prefix);
        padded(buf, u64::from(inv.number), self.invoice_digits);
    }

    fn customer(&self, buf: &mut Vec<u8>, number: u32) {
        buf.push(b'C');
        padded(buf, u64::from(number), self.customer_digits);
    }
}

/// `n` in decimal, zero-padded to at least `width` digits.
fn padded(buf: &mut Vec<u8>, mut n: u64, width: usize) {
    let mut digits = [b'0'; 20];
    let mut i = digits.len();
    loop {
        i -= 1;
        digits[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    let start = i.min(digits.len().saturating_sub(width));
    buf.extend_from_slice(&digits[start..]);
}

/// `YYYY-MM-DD` (years are kept within 4 digits by `generate`).
fn date(buf: &mut Vec<u8>, d: NaiveDate) {
    padded(buf, d.year().max(0) as u64, 4);
    buf.push(b'-');
    padded(buf, u64::from(d.month()), 2);
    buf.push(b'-');
    padded(buf, u64::from(d.day()), 2);
}

/// A positive amount of cents as `1234.56`.
fn cents(buf: &mut Vec<u8>, c: i64) {
    let c = c.unsigned_abs();
    padded(buf, c / 100, 1);
    buf.push(b'.');
    padded(buf, c % 100, 2);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(f: impl FnOnce(&mut Vec<u8>)) -> String {
        let mut buf = Vec::new();
        f(&mut buf);
        String::from_utf8(buf).unwrap()
    }

    #[test]
    fn numbers_and_dates() {
        assert_eq!(text(|b| padded(b, 42, 5)), "00042");
        assert_eq!(text(|b| padded(b, 1234567, 6)), "1234567");
        assert_eq!(text(|b| padded(b, 0, 1)), "0");
        assert_eq!(text(|b| cents(b, 5)), "0.05");
        assert_eq!(text(|b| cents(b, 123456)), "1234.56");
        let d = NaiveDate::from_ymd_opt(2025, 3, 7).unwrap();
        assert_eq!(text(|b| date(b, d)), "2025-03-07");
    }
}
