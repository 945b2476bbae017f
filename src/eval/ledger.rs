//! The invoices and their payments, indexed for evaluation: what is open on
//! a day and for how much.

use foldhash::{HashMap, HashMapExt};

use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::data::{Invoice, RunData};
use crate::idx::IdxVec;

crate::idx::typed_index!(
    /// An invoice's position in the snapshot (`RunData::invoices`).
    InvoiceIdx
);
crate::idx::typed_index!(
    /// A customer's number: customers are numbered in the order their
    /// first invoice comes in the snapshot.
    CustomerIdx
);

/// Invoices with their payments by date and customers numbered, built once
/// and shared by every day evaluated.
#[derive(Debug)]
pub(crate) struct Ledger<'a> {
    pub invoices: &'a [Invoice],
    /// Per invoice, its payments sorted by date.
    payments: IdxVec<InvoiceIdx, Vec<(NaiveDate, Decimal)>>,
    /// Per invoice, its customer.
    pub customer_of: IdxVec<InvoiceIdx, CustomerIdx>,
    /// Per customer, its id.
    pub customers: IdxVec<CustomerIdx, &'a str>,
    /// Invoices by id.
    pub index: HashMap<&'a str, InvoiceIdx>,
}

impl<'a> Ledger<'a> {
    /// Payments for invoices not in the snapshot are ignored here; the
    /// loader reports them as errors before this point. The history is not
    /// read.
    pub fn new(data: RunData<'a, '_>) -> Self {
        let invoices = data.invoices;
        // foldhash: several times faster than SipHash on a million ids, and
        // still seeded at random, so a crafted file cannot force collisions.
        let mut index: HashMap<&str, InvoiceIdx> = HashMap::with_capacity(invoices.len());
        index.extend(
            invoices
                .iter()
                .enumerate()
                .map(|(i, inv)| (inv.id.as_str(), InvoiceIdx::new(i))),
        );
        let mut payments: IdxVec<InvoiceIdx, Vec<(NaiveDate, Decimal)>> =
            IdxVec::filled(Vec::new(), invoices.len());
        for p in data.payments {
            if let Some(&i) = index.get(p.invoice_id.as_str()) {
                payments[i].push((p.date, p.amount));
            }
        }
        for i in payments.indices() {
            payments[i].sort();
        }
        let mut customer_ids: HashMap<&str, CustomerIdx> = HashMap::new();
        let mut customers: Vec<&str> = Vec::new();
        let customer_of = invoices
            .iter()
            .map(|inv| {
                *customer_ids
                    .entry(inv.customer_id.as_str())
                    .or_insert_with(|| {
                        customers.push(inv.customer_id.as_str());
                        CustomerIdx::new(customers.len() - 1)
                    })
            })
            .collect();
        Ledger {
            invoices,
            payments,
            customer_of,
            customers: IdxVec::from_vec(customers),
            index,
        }
    }

    /// The invoices' indices, in snapshot order.
    pub fn indices(&self) -> impl Iterator<Item = InvoiceIdx> + 'static {
        self.customer_of.indices()
    }

    pub fn invoice(&self, invoice: InvoiceIdx) -> &'a Invoice {
        &self.invoices[invoice.get()]
    }

    /// Amount minus the payments dated on or before `date` (never below zero).
    pub fn open_amount(&self, invoice: InvoiceIdx, date: NaiveDate) -> Decimal {
        let inv = self.invoice(invoice);
        let paid: Decimal = self.payments[invoice]
            .iter()
            .take_while(|(d, _)| *d <= date)
            .map(|(_, a)| *a)
            .sum();
        (inv.amount - paid).max(Decimal::ZERO)
    }

    /// SPEC 4.1: issued on or before `date`, no paid date on or before it,
    /// and something left to pay after the payments up to `date`.
    pub fn status(&self, invoice: InvoiceIdx, date: NaiveDate) -> Status {
        let inv = self.invoice(invoice);
        if inv.issue_date > date {
            return Status::NotIssued;
        }
        if let Some(paid) = inv.paid_date {
            if paid <= date {
                return Status::Paid(paid);
            }
        }
        let open = self.open_amount(invoice, date);
        if open <= Decimal::ZERO {
            return Status::PaidByPayments;
        }
        Status::Open(open)
    }

    /// The day the invoice was paid in full, if it was by `date`: its paid
    /// date, or the day its payments covered its amount, whichever is first.
    pub fn paid_on(&self, invoice: InvoiceIdx, date: NaiveDate) -> Option<NaiveDate> {
        let inv = self.invoice(invoice);
        let by_date = inv.paid_date.filter(|p| *p <= date);
        let mut paid = Decimal::ZERO;
        let by_payments = self.payments[invoice]
            .iter()
            .take_while(|(d, _)| *d <= date)
            .find(|(_, a)| {
                paid += *a;
                paid >= inv.amount
            })
            .map(|(d, _)| *d);
        match (by_date, by_payments) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    /// The invoice's payments, by date.
    pub fn payments(&self, invoice: InvoiceIdx) -> &[(NaiveDate, Decimal)] {
        &self.payments[invoice]
    }
}

/// Whether an invoice is open on a day (SPEC 4.1), and if not, why.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Status {
    /// Issued after the day.
    NotIssued,
    /// Its paid date is on or before the day.
    Paid(NaiveDate),
    /// Its payments up to the day cover its amount.
    PaidByPayments,
    /// Open, with this amount left to pay.
    Open(Decimal),
}
