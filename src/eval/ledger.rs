//! The invoices and their payments, indexed for evaluation: what is open on
//! a day and for how much.

use foldhash::{HashMap, HashMapExt};

use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::data::{Invoice, Payment};

/// Invoices with their payments by date and customers numbered, built once
/// and shared by every day evaluated.
#[derive(Debug)]
pub struct Ledger<'a> {
    pub invoices: &'a [Invoice],
    /// Per invoice, its payments sorted by date.
    payments: Vec<Vec<(NaiveDate, Decimal)>>,
    /// Per invoice, its customer's number.
    pub customer_of: Vec<u32>,
    pub customers: Vec<&'a str>,
    pub index: HashMap<&'a str, usize>,
}

impl<'a> Ledger<'a> {
    /// Payments for invoices not in `invoices` are ignored here; the loader
    /// reports them as errors before this point.
    pub fn new(invoices: &'a [Invoice], payments: &[Payment]) -> Self {
        // foldhash: several times faster than SipHash on a million ids, and
        // still seeded at random, so a crafted file cannot force collisions.
        let mut index: HashMap<&str, usize> = HashMap::with_capacity(invoices.len());
        index.extend(
            invoices
                .iter()
                .enumerate()
                .map(|(i, inv)| (inv.id.as_str(), i)),
        );
        let mut by_invoice = vec![Vec::new(); invoices.len()];
        for p in payments {
            if let Some(&i) = index.get(p.invoice_id.as_str()) {
                by_invoice[i].push((p.date, p.amount));
            }
        }
        for list in &mut by_invoice {
            list.sort();
        }
        let mut customer_ids: HashMap<&str, u32> = HashMap::new();
        let mut customers = Vec::new();
        let customer_of = invoices
            .iter()
            .map(|inv| {
                *customer_ids
                    .entry(inv.customer_id.as_str())
                    .or_insert_with(|| {
                        customers.push(inv.customer_id.as_str());
                        (customers.len() - 1) as u32
                    })
            })
            .collect();
        Ledger {
            invoices,
            payments: by_invoice,
            customer_of,
            customers,
            index,
        }
    }

    /// Amount minus the payments dated on or before `date` (never below zero).
    pub fn open_amount(&self, invoice: usize, date: NaiveDate) -> Decimal {
        let inv = &self.invoices[invoice];
        let paid: Decimal = self.payments[invoice]
            .iter()
            .take_while(|(d, _)| *d <= date)
            .map(|(_, a)| *a)
            .sum();
        (inv.amount - paid).max(Decimal::ZERO)
    }

    /// SPEC 4.1: issued on or before `date`, no paid date on or before it,
    /// and something left to pay after the payments up to `date`.
    pub fn status(&self, invoice: usize, date: NaiveDate) -> Status {
        let inv = &self.invoices[invoice];
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

    pub fn payments(&self, invoice: usize) -> &[(NaiveDate, Decimal)] {
        &self.payments[invoice]
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    NotIssued,
    Paid(NaiveDate),
    PaidByPayments,
    Open(Decimal),
}
