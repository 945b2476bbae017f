//! Payments: `invoice_id,date,amount`, one row per (partial) payment.

use std::path::Path;

use super::error::{shown, Collector, DataErrors, Problem};
use super::fields;
use super::table::{self, Cells, Format, Header, Sink};
use super::{Import, Invoice, InvoiceIndex, Loaded, Payment};

/// The columns every payment file has; others are ignored.
pub const PAYMENT_COLUMNS: [&str; 3] = ["invoice_id", "date", "amount"];

/// Reads and checks a payment file against the invoices it pays.
pub fn load_payments(path: &Path, invoices: &[Invoice]) -> Result<Vec<Payment>, DataErrors> {
    load_payments_with(path, invoices, &Import::strict()).map(|l| l.value)
}

/// Reads and checks a payment file through the profile of `import`.
pub fn load_payments_with(
    path: &Path,
    invoices: &[Invoice],
    import: &Import,
) -> Result<Loaded<Vec<Payment>>, DataErrors> {
    let (name, bytes, format) = super::read_file(path)?;
    read_payments_with(&name, &bytes, format, invoices, import)
}

/// Checks a payment file's content: each payment names an invoice of
/// `invoices`, is dated on or after its issue date, and is positive.
pub fn read_payments(
    name: &str,
    bytes: &[u8],
    format: Format,
    invoices: &[Invoice],
) -> Result<Vec<Payment>, DataErrors> {
    read_payments_with(name, bytes, format, invoices, &Import::strict()).map(|l| l.value)
}

/// Checks a payment file's content through the profile of `import`.
pub fn read_payments_with(
    name: &str,
    bytes: &[u8],
    format: Format,
    invoices: &[Invoice],
    import: &Import,
) -> Result<Loaded<Vec<Payment>>, DataErrors> {
    let mut errors = Collector::new(name).with_strict(import.strict);
    let mut sink = Payments {
        index: InvoiceIndex::new(invoices),
        columns: [None; 3],
        currency: None,
        payments: Vec::new(),
        total: fields::Total::default(),
    };
    table::read(bytes, format, &import.profile, &mut sink, &mut errors);
    let (value, warnings) = errors.finish_with_warnings(sink.payments)?;
    Ok(Loaded { value, warnings })
}

struct Payments<'i> {
    index: InvoiceIndex<'i>,
    columns: [Option<usize>; 3],
    /// The optional `currency` column, checked against each invoice's.
    currency: Option<usize>,
    payments: Vec<Payment>,
    /// The amounts so far, bounded so that every sum of money is exact.
    total: fields::Total,
}

impl Sink for Payments<'_> {
    fn header(&mut self, header: &Header, errors: &mut Collector) {
        for (slot, name) in self.columns.iter_mut().zip(PAYMENT_COLUMNS) {
            *slot = header.require(name, || "every payment needs one".into(), errors);
        }
        self.currency = header.find("currency");
    }

    fn row(&mut self, cells: &Cells<'_>, errors: &mut Collector) {
        let before = errors.total();
        let [id_col, date_col, amount_col] = self.columns;
        let invoice = cells.required(id_col, "an invoice id", errors, |t| {
            let t = fields::text(t)?;
            self.index.get(t).ok_or_else(|| Problem::UnknownInvoice {
                id: shown(t),
                help: "a payment must name an invoice of the invoice file; check the id, or that both files are from the same export",
            })
        });
        let p = cells.profile;
        let date = cells.required_typed(date_col, "a date", errors, |t| p.date(t));
        let amount = cells.required_typed(amount_col, "an amount", errors, |t| {
            p.decimal(t, fields::payment_amount)
        });
        if let Some(problem) = amount.and_then(|a| self.total.add(a)) {
            cells.fail(amount_col.unwrap_or_default(), errors, problem);
        }
        let currency = cells.optional(self.currency, "a currency code", errors, fields::currency);
        if let (Some(invoice), Some(Some(currency))) = (invoice, currency) {
            if currency != invoice.currency {
                cells.fail(
                    self.currency.unwrap_or_default(),
                    errors,
                    Problem::CurrencyMismatch {
                        invoice: shown(&invoice.id),
                        expected: invoice.currency.to_string(),
                        found: currency.to_string(),
                    },
                );
            }
        }
        if let (Some(invoice), Some(date)) = (invoice, date) {
            if date < invoice.issue_date {
                cells.fail(
                    date_col.unwrap_or_default(),
                    errors,
                    Problem::PaidBeforeIssue {
                        what: "payment date",
                        paid: date.to_string(),
                        issue: invoice.issue_date.to_string(),
                    },
                );
            }
        }
        if let (Some(invoice), Some(date), Some(amount)) = (invoice, date, amount) {
            if errors.total() == before {
                self.payments.push(Payment {
                    invoice_id: invoice.id.clone(),
                    date,
                    amount,
                    line: cells.place.number(),
                });
            }
        }
    }
}
