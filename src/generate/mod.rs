//! A deterministic generator of realistic B2B invoice data, for examples,
//! tests and benchmarks.
//!
//! ```
//! use dunning::generate::{generate, write_invoices_csv, GenParams};
//!
//! let params = GenParams { invoices: 500, ..GenParams::default() };
//! let dataset = generate(&params).unwrap();
//! let mut csv = Vec::new();
//! write_invoices_csv(&dataset, &mut csv).unwrap();
//! let again = generate(&params).unwrap();
//! let mut csv_again = Vec::new();
//! write_invoices_csv(&again, &mut csv_again).unwrap();
//! assert_eq!(csv, csv_again); // same seed, same bytes
//! ```
//!
//! # Determinism
//!
//! The same [`GenParams`] give byte-identical files on every machine: all
//! randomness comes from ChaCha8 seeded with [`GenParams::seed`], turned
//! into numbers by code of this module that uses only IEEE-754 basic
//! arithmetic (no platform `exp`/`ln`, no `rand` distribution whose output
//! could change with its version), and nothing is ever iterated in hash
//! order. A change to the model changes the files: the committed sample in
//! `data/` is checked by a test.
//!
//! # The model
//!
//! Every figure is a constant of `src/generate/model.rs`, with its reason;
//! `data/README.md` describes them and what they give. In short: a pool of customers in four segments (few strategic and key
//! accounts with many big invoices, many small customers with small ones),
//! each with a risk class, a country, a currency, payment terms and a
//! lateness of their own; invoices issued on the business days of the year
//! (peaks on the last business day of each month, a quieter August); amounts
//! log-normal within the segment's range; payment dates drawn so that about
//! half the invoices are paid on or before the due date, the paid ones about
//! 12 days late on average with a long tail, about 3 % disputed and about
//! 3 % never paid; instalment plans, split payments and partial payments of
//! invoices that stay open go to the payments file.

mod model;
mod random;
mod write;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use thiserror::Error;

pub use write::{
    write_events_csv, write_invoices_csv, write_payments_csv, EVENT_COLUMNS, INVOICE_COLUMNS,
    PAYMENT_COLUMNS,
};

use crate::data::EventKind;

/// What to generate.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct GenParams {
    /// Number of invoices.
    pub invoices: usize,
    /// Size of the customer pool; by default one customer for every eight
    /// invoices (see [`GenParams::customer_count`]). Customers drawn for no
    /// invoice do not appear in the files.
    pub customers: Option<usize>,
    /// Every invoice is issued in this year; due and payment dates may fall
    /// in the next ones.
    pub year: i32,
    /// The seed of all the randomness: change it for another dataset of the
    /// same shape.
    pub seed: u64,
}

impl Default for GenParams {
    /// The parameters of the committed sample: 3,000 invoices in 2025, seed 2025.
    fn default() -> Self {
        GenParams {
            invoices: 3000,
            customers: None,
            year: 2025,
            seed: 2025,
        }
    }
}

impl GenParams {
    /// The size of the customer pool: as given, or one per eight invoices
    /// (at least one).
    pub fn customer_count(&self) -> usize {
        self.customers.unwrap_or((self.invoices / 8).max(1))
    }
}

/// Why a dataset cannot be generated.
#[derive(Clone, Debug, Error, PartialEq, Eq)]
#[non_exhaustive]
pub enum GenError {
    /// No customer to invoice: the count given.
    #[error("there must be at least one customer to bill {0} invoices")]
    NoCustomers(usize),
    /// A year out of range: the year given.
    #[error("the year must be between {MIN_YEAR} and {MAX_YEAR}, not {0}")]
    Year(i32),
    /// More invoices or customers than `MAX_COUNT`: the count given.
    #[error("at most {MAX_COUNT} invoices and customers, not {0}")]
    TooMany(usize),
}

/// The first year the generator accepts.
pub const MIN_YEAR: i32 = 1900;
/// The last year the generator accepts.
pub const MAX_YEAR: i32 = 9990;
/// Ids are numbered with `u32`; this keeps well clear of it.
pub const MAX_COUNT: usize = 100_000_000;

/// A customer's size, as a credit manager segments the ledger.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Segment {
    /// Key accounts handled gently.
    Strategic,
    /// Large customers.
    Key,
    /// Most customers.
    Standard,
    /// Occasional customers with small invoices.
    Small,
}

impl Segment {
    /// Every segment.
    pub const ALL: [Segment; 4] = [
        Segment::Strategic,
        Segment::Key,
        Segment::Standard,
        Segment::Small,
    ];

    /// The value as the `segment` column holds it.
    pub fn as_str(self) -> &'static str {
        match self {
            Segment::Strategic => "strategic",
            Segment::Key => "key",
            Segment::Standard => "standard",
            Segment::Small => "small",
        }
    }
}

/// How likely a customer is to pay late.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Risk {
    /// Pays on time, mostly.
    Low,
    /// Pays somewhat late.
    Medium,
    /// Pays late, and sometimes never.
    High,
}

impl Risk {
    /// The value as the `risk` column holds it.
    pub fn as_str(self) -> &'static str {
        match self {
            Risk::Low => "low",
            Risk::Medium => "medium",
            Risk::High => "high",
        }
    }
}

/// Where a customer is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Country {
    /// France.
    Fr,
    /// Belgium.
    Be,
    /// Germany.
    De,
    /// Spain.
    Es,
}

impl Country {
    /// The value as the `country` column holds it.
    pub fn as_str(self) -> &'static str {
        match self {
            Country::Fr => "FR",
            Country::Be => "BE",
            Country::De => "DE",
            Country::Es => "ES",
        }
    }
}

/// The currency a customer is invoiced in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Currency {
    /// Euro.
    Eur,
    /// Pound sterling.
    Gbp,
    /// US dollar.
    Usd,
    /// Swiss franc.
    Chf,
}

impl Currency {
    /// The ISO 4217 code.
    pub fn as_str(self) -> &'static str {
        match self {
            Currency::Eur => "EUR",
            Currency::Gbp => "GBP",
            Currency::Usd => "USD",
            Currency::Chf => "CHF",
        }
    }
}

/// Payment terms, as written on the invoice.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Terms {
    /// 30 days net.
    Net30,
    /// 30 days end of month ("30 jours fin de mois"): the end of the month
    /// of issue + 30 days, so 30 to 60 days.
    Net30EndOfMonth,
    /// 45 days.
    Net45,
    /// 60 days net, the legal maximum in France.
    Net60,
}

impl Terms {
    /// The due date of an invoice issued on `issue`.
    pub fn due_date(self, issue: NaiveDate) -> NaiveDate {
        let plus = |days: u64| issue + chrono::Days::new(days);
        match self {
            Terms::Net30 => plus(30),
            Terms::Net30EndOfMonth => model::end_of_month(plus(30)),
            Terms::Net45 => plus(45),
            Terms::Net60 => plus(60),
        }
    }
}

/// A customer of the pool, with its attributes and (hidden) behaviour.
#[derive(Clone, Debug, PartialEq)]
pub struct Customer {
    /// 1-based; the digits of the customer id (`C00042`).
    pub number: u32,
    /// Its segment.
    pub segment: Segment,
    /// Its risk.
    pub risk: Risk,
    /// Its country.
    pub country: Country,
    /// Its currency.
    pub currency: Currency,
    /// A name for strategic and key accounts, none otherwise.
    pub account_manager: Option<&'static str>,
    /// Its payment terms.
    pub terms: Terms,
    pub(crate) behaviour: model::Behaviour,
}

/// One generated invoice.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Invoice {
    /// 1-based, in order of issue; the digits of the invoice id.
    pub number: u32,
    /// Index into [`Dataset::customers`].
    pub customer: u32,
    /// The day it was issued.
    pub issue_date: NaiveDate,
    /// The day it falls due.
    pub due_date: NaiveDate,
    /// The amount in cents, positive.
    pub amount_cents: i64,
    /// Its currency.
    pub currency: Currency,
    /// The day the invoice was paid in full; `None` if it never was.
    pub paid_date: Option<NaiveDate>,
    /// It is disputed.
    pub disputed: bool,
    /// The date the customer promised to pay by, if a promise was made.
    pub promised_until: Option<NaiveDate>,
    /// Whether the invoice is (or was) paid through an instalment plan.
    pub payment_plan: bool,
}

impl Invoice {
    /// The amount as a decimal.
    pub fn amount(&self) -> Decimal {
        Decimal::new(self.amount_cents, 2)
    }

    /// Days between the due date and the payment (negative when paid early).
    pub fn days_late(&self) -> Option<i64> {
        self.paid_date.map(|p| (p - self.due_date).num_days())
    }
}

/// A payment that is not a single full payment: an instalment, part of a
/// split payment, or a partial payment of an invoice that stays open.
/// The payments of an invoice with a paid date sum to its amount and the
/// last is on that date; those of an open invoice sum to less.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Payment {
    /// Index into [`Dataset::invoices`].
    pub invoice: u32,
    /// The day of the payment.
    pub date: NaiveDate,
    /// The amount, in cents.
    pub amount_cents: i64,
}

impl Payment {
    /// The amount as a decimal.
    pub fn amount(&self) -> Decimal {
        Decimal::new(self.amount_cents, 2)
    }
}

/// A dated change of an account: a dispute opened or closed, a promise to
/// pay, a payment plan started or ended, insolvency proceedings opened.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Event {
    /// The day it happened.
    pub date: NaiveDate,
    /// Index into [`Dataset::invoices`]; `None` for an event of the whole
    /// customer.
    pub invoice: Option<u32>,
    /// Index into [`Dataset::customers`].
    pub customer: u32,
    /// What happened.
    pub kind: EventKind,
    /// The promised date of a promise.
    pub until: Option<NaiveDate>,
}

/// A generated year: customers, invoices sorted by id, payments sorted by
/// invoice id then date, account events sorted by date.
#[derive(Clone, Debug, PartialEq)]
pub struct Dataset {
    /// What it was made from.
    pub params: GenParams,
    /// The customers.
    pub customers: Vec<Customer>,
    /// The invoices, in issue order.
    pub invoices: Vec<Invoice>,
    /// The partial payments.
    pub payments: Vec<Payment>,
    /// The account events (disputes, promises, plans, insolvencies) with
    /// their dates.
    pub events: Vec<Event>,
}

impl Dataset {
    /// Digits in invoice numbers: 6, or more beyond 999,999 invoices so
    /// that ids keep sorting as text.
    pub fn invoice_digits(&self) -> usize {
        digits(self.invoices.len()).max(6)
    }

    /// Digits in customer numbers: 5, or more beyond 99,999 customers.
    pub fn customer_digits(&self) -> usize {
        digits(self.customers.len()).max(5)
    }

    /// `INV-2025-000001`.
    pub fn invoice_id(&self, invoice: &Invoice) -> String {
        format!(
            "INV-{}-{:0width$}",
            self.params.year,
            invoice.number,
            width = self.invoice_digits()
        )
    }

    /// `C00042`.
    pub fn customer_id(&self, invoice: &Invoice) -> String {
        let number = self.customers[invoice.customer as usize].number;
        format!("C{:0width$}", number, width = self.customer_digits())
    }

    /// The customer of an invoice.
    pub fn customer(&self, invoice: &Invoice) -> &Customer {
        &self.customers[invoice.customer as usize]
    }

    /// The figures a credit manager would look at first.
    pub fn stats(&self) -> Stats {
        Stats::of(self)
    }
}

fn digits(n: usize) -> usize {
    n.max(1).ilog10() as usize + 1
}

/// Summary figures of a dataset.
#[derive(Clone, Debug, PartialEq)]
pub struct Stats {
    /// Invoices.
    pub invoices: usize,
    /// Customers with at least one invoice.
    pub customers: usize,
    /// Invoices paid.
    pub paid: usize,
    /// Paid on or before the due date.
    pub paid_on_time: usize,
    /// Invoices never paid.
    pub never_paid: usize,
    /// Invoices disputed.
    pub disputed: usize,
    /// Invoices under a payment plan.
    pub payment_plans: usize,
    /// Invoices with a promise to pay.
    pub promises: usize,
    /// Invoices with rows in the payments file.
    pub with_payments: usize,
    /// Mean over paid invoices of the days paid after the due date, 0 for
    /// those paid on time (the usual "average days late").
    pub average_days_late: f64,
    /// Mean over invoices paid after the due date of the days late.
    pub average_days_late_when_late: f64,
    /// Invoices and mean amount (cents, currencies mixed) by segment, in
    /// [`Segment::ALL`] order.
    pub segments: Vec<(Segment, usize, f64)>,
}

impl Stats {
    fn of(data: &Dataset) -> Stats {
        let mut used = vec![false; data.customers.len()];
        let mut seg = [(0usize, 0i128); 4];
        let (mut paid, mut on_time, mut late, mut late_days) = (0, 0, 0, 0i64);
        let (mut disputed, mut plans, mut promises) = (0, 0, 0);
        for inv in &data.invoices {
            used[inv.customer as usize] = true;
            let s = &mut seg[data.customer(inv).segment as usize];
            s.0 += 1;
            s.1 += i128::from(inv.amount_cents);
            if let Some(days) = inv.days_late() {
                paid += 1;
                if days <= 0 {
                    on_time += 1;
                } else {
                    late += 1;
                    late_days += days;
                }
            }
            disputed += usize::from(inv.disputed);
            plans += usize::from(inv.payment_plan);
            promises += usize::from(inv.promised_until.is_some());
        }
        let mut with_payments = 0;
        let mut last = None;
        for p in &data.payments {
            if last != Some(p.invoice) {
                with_payments += 1;
                last = Some(p.invoice);
            }
        }
        let ratio = |a: i64, b: usize| if b == 0 { 0.0 } else { a as f64 / b as f64 };
        Stats {
            invoices: data.invoices.len(),
            customers: used.iter().filter(|u| **u).count(),
            paid,
            paid_on_time: on_time,
            never_paid: data.invoices.len() - paid,
            disputed,
            payment_plans: plans,
            promises,
            with_payments,
            average_days_late: ratio(late_days, paid),
            average_days_late_when_late: ratio(late_days, late),
            segments: Segment::ALL
                .iter()
                .map(|s| {
                    let (n, total) = seg[*s as usize];
                    (*s, n, if n == 0 { 0.0 } else { total as f64 / n as f64 })
                })
                .collect(),
        }
    }

    /// Share of all invoices, in percent.
    pub fn percent(&self, count: usize) -> f64 {
        if self.invoices == 0 {
            0.0
        } else {
            100.0 * count as f64 / self.invoices as f64
        }
    }
}

/// Generates a dataset. The same parameters always give the same dataset.
pub fn generate(params: &GenParams) -> Result<Dataset, GenError> {
    if !(MIN_YEAR..=MAX_YEAR).contains(&params.year) {
        return Err(GenError::Year(params.year));
    }
    let customers = params.customer_count();
    for n in [params.invoices, customers] {
        if n > MAX_COUNT {
            return Err(GenError::TooMany(n));
        }
    }
    if customers == 0 && params.invoices > 0 {
        return Err(GenError::NoCustomers(params.invoices));
    }
    Ok(model::generate(params, customers))
}
