//! The model: who the customers are, when invoices are issued, how much
//! they are for, and when (and whether) they get paid.
//!
//! Every figure of the model is a constant of this file, with the reason
//! for it. Sources for the French context: the Banque de France's yearly
//! report of the Observatoire des délais de paiement and the Altares
//! payment-behaviour studies (about half of French companies pay on time;
//! about 12-13 days late on average), and the legal framework (30 days by
//! default, at most 60 days, Code de commerce L441-10).

use chrono::{Datelike, Days, NaiveDate};

use super::random::Draws;
use super::{
    Country, Currency, Customer, Dataset, Event, GenParams, Invoice, Payment, Risk, Segment, Terms,
};
use crate::data::EventKind;

/// The hidden side of a customer: how much it buys and how it pays.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Behaviour {
    /// Relative number of invoices (the customer is drawn in proportion).
    volume: f64,
    /// Median of the invoice-size distribution, in currency units: a
    /// sampling parameter, not money (amounts are drawn, then kept as whole cents).
    typical_size: f64,
    /// Multiplies its days late.
    lateness: f64,
    /// Insolvency: invoices due from about this day on are never paid, and
    /// it is not invoiced after it.
    pub(crate) default_date: Option<NaiveDate>,
}

// ---------------------------------------------------------------------------
// Customers
// ---------------------------------------------------------------------------

/// Share of the customer pool by segment, in `Segment::ALL` order: few
/// strategic and key accounts, many small customers.
const SEGMENT_SHARE: [f64; 4] = [0.01, 0.04, 0.35, 0.60];

/// Relative invoice volume of a customer by segment (times a per-customer
/// factor): with the shares above, strategic accounts get about 13 % of the
/// invoices, key 20 %, standard 47 %, small 20 %; a strategic account gets
/// about a hundred invoices a year, a small customer two or three.
const VOLUME: [f64; 4] = [40.0, 15.0, 4.0, 1.0];

/// Median invoice amount by segment (times a per-customer factor), and the
/// range amounts are kept in.
const AMOUNT_MEDIAN: [f64; 4] = [38_000.0, 14_000.0, 1_600.0, 160.0];
const AMOUNT_RANGE: [(f64, f64); 4] = [
    (8_000.0, 200_000.0),
    (5_000.0, 100_000.0),
    (500.0, 5_000.0),
    (50.0, 500.0),
];
/// Spread of one customer's invoices around its median (sigma of the log).
const AMOUNT_SIGMA: f64 = 0.55;

/// Risk class by segment (low, medium, high): big accounts are mostly
/// sound, small ones more often fragile.
const RISK: [[f64; 3]; 4] = [
    [0.70, 0.25, 0.05],
    [0.60, 0.30, 0.10],
    [0.50, 0.35, 0.15],
    [0.40, 0.38, 0.22],
];

/// Mostly French customers, some Belgian, German and Spanish.
const COUNTRY: [(Country, f64); 4] = [
    (Country::Fr, 0.80),
    (Country::Be, 0.08),
    (Country::De, 0.07),
    (Country::Es, 0.05),
];

/// Foreign customers are sometimes billed in another currency.
const FOREIGN_CURRENCY: [(Currency, f64); 4] = [
    (Currency::Eur, 0.80),
    (Currency::Gbp, 0.07),
    (Currency::Usd, 0.07),
    (Currency::Chf, 0.06),
];

/// Payment terms by segment (net 30, 30 end of month, net 45, net 60):
/// big accounts negotiate longer terms.
const TERMS: [[f64; 4]; 4] = [
    [0.20, 0.10, 0.30, 0.40],
    [0.25, 0.15, 0.30, 0.30],
    [0.45, 0.15, 0.25, 0.15],
    [0.75, 0.10, 0.10, 0.05],
];
const TERMS_LIST: [Terms; 4] = [
    Terms::Net30,
    Terms::Net30EndOfMonth,
    Terms::Net45,
    Terms::Net60,
];

/// Big French companies are known to pay later than small ones.
const SEGMENT_LATENESS: [f64; 4] = [1.3, 1.15, 1.0, 0.9];

/// Chance that a standard or small customer goes insolvent during the
/// year, by risk.
const DEFAULT: [f64; 3] = [0.0, 0.005, 0.06];

const ACCOUNT_MANAGERS: [&str; 8] = [
    "Claire Martin",
    "Thomas Bernard",
    "Sophie Dubois",
    "Julien Moreau",
    "Camille Laurent",
    "Nicolas Lefebvre",
    "Isabelle Garnier",
    "Antoine Rousseau",
];

fn make_customers(d: &mut Draws, count: usize, year: i32) -> Vec<Customer> {
    // Segments by quota, then shuffled, so that even a small pool has every
    // segment and the shares hold exactly.
    let mut segments = Vec::with_capacity(count);
    if count >= 4 {
        for (i, share) in SEGMENT_SHARE.iter().enumerate().take(3) {
            let n = ((count as f64 * share).round() as usize).max(1);
            segments.extend(std::iter::repeat_n(Segment::ALL[i], n));
        }
        segments.truncate(count - 1);
        segments.resize(count, Segment::Small);
        for i in (1..count).rev() {
            let j = d.below(i as u64 + 1) as usize;
            segments.swap(i, j);
        }
    } else {
        for _ in 0..count {
            segments.push(Segment::ALL[d.pick(&SEGMENT_SHARE)]);
        }
    }
    let days_in_year = days_of_year(year).len() as i64;
    segments
        .into_iter()
        .enumerate()
        .map(|(i, segment)| {
            let s = segment as usize;
            let risk = [Risk::Low, Risk::Medium, Risk::High][d.pick(&RISK[s])];
            let country = COUNTRY[d.pick(&COUNTRY.map(|c| c.1))].0;
            let currency = if country == Country::Fr {
                Currency::Eur
            } else {
                FOREIGN_CURRENCY[d.pick(&FOREIGN_CURRENCY.map(|c| c.1))].0
            };
            let account_manager = match segment {
                Segment::Strategic | Segment::Key => {
                    Some(ACCOUNT_MANAGERS[d.below(ACCOUNT_MANAGERS.len() as u64) as usize])
                }
                Segment::Standard | Segment::Small => None,
            };
            let terms = TERMS_LIST[d.pick(&TERMS[s])];
            let (lo, hi) = AMOUNT_RANGE[s];
            let typical_size = d.log_normal(AMOUNT_MEDIAN[s], 0.35).clamp(lo, hi);
            let volume = VOLUME[s] * d.log_normal(1.0, 0.5);
            let lateness = SEGMENT_LATENESS[s] * d.log_normal(1.0, 0.4);
            let defaults = matches!(segment, Segment::Standard | Segment::Small)
                && d.chance(DEFAULT[risk as usize]);
            let default_date =
                defaults.then(|| jan_1(year) + Days::new(d.between(30, days_in_year - 1) as u64));
            Customer {
                number: i as u32 + 1,
                segment,
                risk,
                country,
                currency,
                account_manager,
                terms,
                behaviour: Behaviour {
                    volume,
                    typical_size,
                    lateness,
                    default_date,
                },
            }
        })
        .collect()
}

// ---------------------------------------------------------------------------
// Issue dates
// ---------------------------------------------------------------------------

fn jan_1(year: i32) -> NaiveDate {
    NaiveDate::from_yo_opt(year, 1).unwrap_or(NaiveDate::MIN)
}

fn days_of_year(year: i32) -> Vec<NaiveDate> {
    jan_1(year)
        .iter_days()
        .take_while(|d| d.year() == year)
        .collect()
}

pub(crate) fn end_of_month(date: NaiveDate) -> NaiveDate {
    let first_next = if date.month() == 12 {
        NaiveDate::from_ymd_opt(date.year() + 1, 1, 1)
    } else {
        NaiveDate::from_ymd_opt(date.year(), date.month() + 1, 1)
    };
    first_next.and_then(|d| d.pred_opt()).unwrap_or(date)
}

/// Easter Sunday (anonymous Gregorian algorithm).
fn easter(year: i32) -> NaiveDate {
    let a = year % 19;
    let b = year / 100;
    let c = year % 100;
    let d = b / 4;
    let e = b % 4;
    let f = (b + 8) / 25;
    let g = (b - f + 1) / 3;
    let h = (19 * a + b - d - g + 15) % 30;
    let i = c / 4;
    let k = c % 4;
    let l = (32 + 2 * e + 2 * i - h - k) % 7;
    let m = (a + 11 * h + 22 * l) / 451;
    let month = (h + l - 7 * m + 114) / 31;
    let day = (h + l - 7 * m + 114) % 31 + 1;
    NaiveDate::from_ymd_opt(year, month as u32, day as u32).unwrap_or(NaiveDate::MIN)
}

/// French public holidays (metropolitan France).
fn is_holiday(date: NaiveDate) -> bool {
    let fixed = matches!(
        (date.month(), date.day()),
        (1, 1) | (5, 1) | (5, 8) | (7, 14) | (8, 15) | (11, 1) | (11, 11) | (12, 25)
    );
    let from_easter = (date - easter(date.year())).num_days();
    fixed || matches!(from_easter, 1 | 39 | 50)
}

fn is_weekend(date: NaiveDate) -> bool {
    date.weekday().number_from_monday() >= 6
}

fn is_business_day(date: NaiveDate) -> bool {
    !is_weekend(date) && !is_holiday(date)
}

/// How likely an invoice is to be issued on each day: business days, a
/// monthly billing run on the last business day of the month, a quiet
/// August and Christmas week; weekends and holidays almost never.
fn issue_weights(days: &[NaiveDate]) -> Vec<f64> {
    days.iter()
        .map(|&day| {
            if !is_business_day(day) {
                return 0.02;
            }
            let mut w = 1.0;
            let last_business = day
                .iter_days()
                .skip(1)
                .take_while(|d| d.month() == day.month())
                .all(|d| !is_business_day(d));
            if last_business {
                w *= 4.0;
            }
            if day.month() == 8 {
                w *= 0.6;
            }
            if day.month() == 12 && day.day() >= 22 {
                w *= 0.5;
            }
            w
        })
        .collect()
}

fn cumulative(weights: impl Iterator<Item = f64>) -> Vec<f64> {
    let mut total = 0.0;
    weights
        .map(|w| {
            total += w;
            total
        })
        .collect()
}

/// Index drawn in proportion to the weights whose running sums are `cum`.
fn draw(d: &mut Draws, cum: &[f64]) -> usize {
    let x = d.unit() * cum.last().copied().unwrap_or(0.0);
    cum.partition_point(|c| *c <= x).min(cum.len() - 1)
}

// ---------------------------------------------------------------------------
// Payment behaviour
// ---------------------------------------------------------------------------

/// Chance that an invoice is disputed, by risk; times 1.3 for strategic and
/// key accounts (big deliveries, more to argue about). About 3 % overall.
const DISPUTED: [f64; 3] = [0.024, 0.032, 0.045];
/// A disputed invoice stays unpaid (dispute still open, or lost) this often;
/// otherwise it is paid after the dispute is settled, late.
const DISPUTED_NEVER: f64 = 0.35;
/// Days late of a settled dispute: this plus an exponential of mean below.
const DISPUTED_LATE_MIN: f64 = 15.0;
const DISPUTED_LATE_MEAN: f64 = 40.0;
/// The customer pays the undisputed part early this often.
const DISPUTED_PART_PAID: f64 = 0.3;

/// Chance that an undisputed invoice is never paid, by risk.
const NEVER: [f64; 3] = [0.006, 0.02, 0.06];
/// Chance that an invoice that gets paid is paid on or before the due date,
/// by risk.
const ON_TIME: [f64; 3] = [0.62, 0.46, 0.27];
/// Of those on time, the share paid on the due date itself (else 1 to 15
/// days early).
const ON_DUE_DATE: f64 = 0.55;
/// Of those late, the share in the long tail, by risk.
const TAIL: [f64; 3] = [0.10, 0.18, 0.32];
/// Days late: 1 + exponential(mean) for most, 31 + exponential(mean) in the
/// tail, times the customer's lateness; at most a year.
const LATE_MEAN: f64 = 7.0;
const TAIL_MEAN: f64 = 30.0;
const MAX_LATE: f64 = 365.0;

/// Instalment plans: chance for a late payer of medium or high risk on an
/// invoice of at least 1,000; 2 to 6 monthly instalments.
const PLAN: f64 = 0.12;
const PLAN_MIN_AMOUNT_CENTS: i64 = 100_000;
/// Other late invoices paid in two goes.
const SPLIT: f64 = 0.04;
/// Open invoices with partial payments; of those, the share under a plan
/// that stopped being honoured.
const OPEN_PARTIAL: f64 = 0.3;
const OPEN_PARTIAL_PLAN: f64 = 0.4;
/// Promises to pay: on late-paid invoices (kept 70 % of the time) and on
/// open ones (broken).
const PROMISE_LATE: f64 = 0.08;
const PROMISE_KEPT: f64 = 0.7;
const PROMISE_OPEN: f64 = 0.15;

fn add_days(date: NaiveDate, days: i64) -> NaiveDate {
    if days >= 0 {
        date + Days::new(days as u64)
    } else {
        date - Days::new(days.unsigned_abs())
    }
}

/// Money arrives on business days: a weekend payment lands on Monday.
fn next_weekday(date: NaiveDate) -> NaiveDate {
    let mut d = date;
    while is_weekend(d) {
        d = add_days(d, 1);
    }
    d
}

/// A customer who means to pay on time pays on Friday rather than on the
/// weekend (never before the issue date).
fn previous_weekday(date: NaiveDate, floor: NaiveDate) -> NaiveDate {
    let mut d = date;
    while is_weekend(d) && d > floor {
        d = add_days(d, -1);
    }
    d
}

/// Splits `cents` into `parts` positive amounts (the last takes the rest).
fn split_cents(cents: i64, parts: i64) -> impl Iterator<Item = i64> {
    let each = cents / parts;
    (0..parts).map(move |i| {
        if i + 1 == parts {
            cents - each * (parts - 1)
        } else {
            each
        }
    })
}

struct InvoiceDraw<'a> {
    d: &'a mut Draws,
    payments: &'a mut Vec<Payment>,
}

impl InvoiceDraw<'_> {
    fn pay(&mut self, invoice: &Invoice, date: NaiveDate, cents: i64) {
        self.payments.push(Payment {
            invoice: invoice.number - 1,
            date,
            amount_cents: cents,
        });
    }

    fn amount_cents(&mut self, c: &Customer) -> i64 {
        let (lo, hi) = AMOUNT_RANGE[c.segment as usize];
        let mut amount = self.d.log_normal(c.behaviour.typical_size, AMOUNT_SIGMA);
        for _ in 0..8 {
            if (lo..=hi).contains(&amount) {
                break;
            }
            amount = self.d.log_normal(c.behaviour.typical_size, AMOUNT_SIGMA);
        }
        (amount.clamp(lo, hi) * 100.0).round() as i64
    }

    /// Fills in payment date, dispute, promise and plan, and records the
    /// payments that are not a single full payment.
    fn settle(&mut self, inv: &mut Invoice, c: &Customer) {
        let risk = c.risk as usize;
        let defaulted = c
            .behaviour
            .default_date
            .is_some_and(|d| inv.due_date >= add_days(d, -20));
        if defaulted {
            return;
        }
        let big_account = matches!(c.segment, Segment::Strategic | Segment::Key);
        let dispute_chance = DISPUTED[risk] * if big_account { 1.3 } else { 1.0 };
        if self.d.chance(dispute_chance) {
            inv.disputed = true;
            return self.settle_dispute(inv, c);
        }
        if self.d.chance(NEVER[risk]) {
            return self.leave_open(inv);
        }
        if self.d.chance(ON_TIME[risk]) {
            let early = if self.d.chance(ON_DUE_DATE) {
                0
            } else {
                self.d.between(1, 15)
            };
            let date = add_days(inv.due_date, -early).max(inv.issue_date);
            inv.paid_date = Some(previous_weekday(date, inv.issue_date));
            return;
        }
        // Late.
        let days = if self.d.chance(TAIL[risk]) {
            31.0 + self.d.exponential(TAIL_MEAN)
        } else {
            1.0 + self.d.exponential(LATE_MEAN)
        };
        let days = (days * c.behaviour.lateness).clamp(1.0, MAX_LATE).round() as i64;
        let paid = next_weekday(add_days(inv.due_date, days));
        if risk > 0 && inv.amount_cents >= PLAN_MIN_AMOUNT_CENTS && self.d.chance(PLAN) {
            return self.plan(inv);
        }
        inv.paid_date = Some(paid);
        if self.d.chance(SPLIT) && (paid - inv.issue_date).num_days() > 8 {
            let first = add_days(paid, -self.d.between(7, 30)).max(add_days(inv.issue_date, 1));
            let first = next_weekday(first);
            if first < paid {
                let part = inv.amount_cents * self.d.between(30, 80) / 100;
                self.pay(inv, first, part);
                self.pay(inv, paid, inv.amount_cents - part);
            }
        }
        if self.d.chance(PROMISE_LATE) {
            inv.promised_until = if self.d.chance(PROMISE_KEPT) {
                Some(add_days(paid, self.d.between(0, 5)))
            } else {
                Some(add_days(paid, -self.d.between(5, 25))).filter(|p| *p > inv.due_date)
            };
        }
    }

    fn settle_dispute(&mut self, inv: &mut Invoice, c: &Customer) {
        let never = self.d.chance(DISPUTED_NEVER);
        let late = DISPUTED_LATE_MIN + self.d.exponential(DISPUTED_LATE_MEAN);
        let late = (late * c.behaviour.lateness).clamp(1.0, MAX_LATE).round() as i64;
        let paid = next_weekday(add_days(inv.due_date, late));
        let mut part = 0;
        if self.d.chance(DISPUTED_PART_PAID) {
            let date = next_weekday(add_days(inv.due_date, self.d.between(0, 15)));
            if never || date < paid {
                part = inv.amount_cents * self.d.between(50, 90) / 100;
                self.pay(inv, date, part);
            }
        }
        if !never {
            inv.paid_date = Some(paid);
            if part > 0 {
                self.pay(inv, paid, inv.amount_cents - part);
            }
        }
    }

    fn leave_open(&mut self, inv: &mut Invoice) {
        if self.d.chance(OPEN_PARTIAL) {
            inv.payment_plan = self.d.chance(OPEN_PARTIAL_PLAN);
            let parts = if inv.payment_plan {
                self.d.between(2, 3)
            } else {
                1
            };
            let paid = inv.amount_cents * self.d.between(10, 70) / 100;
            let mut date = add_days(inv.due_date, self.d.between(5, 60));
            for cents in split_cents(paid, parts) {
                self.pay(inv, next_weekday(date), cents);
                date = add_days(date, 30);
            }
        }
        if self.d.chance(PROMISE_OPEN) {
            inv.promised_until = Some(add_days(inv.due_date, self.d.between(15, 60)));
        }
    }

    fn plan(&mut self, inv: &mut Invoice) {
        inv.payment_plan = true;
        let parts = self.d.between(2, 6);
        let mut date = add_days(inv.due_date, self.d.between(0, 20));
        let mut last = date;
        for cents in split_cents(inv.amount_cents, parts) {
            last = next_weekday(date);
            self.pay(inv, last, cents);
            date = add_days(date, 30);
        }
        inv.paid_date = Some(last);
    }
}

// ---------------------------------------------------------------------------
// The year
// ---------------------------------------------------------------------------

pub(crate) fn generate(params: &GenParams, customer_count: usize) -> Dataset {
    let customers = make_customers(&mut Draws::new(params.seed, 0), customer_count, params.year);
    let volume = cumulative(customers.iter().map(|c| c.behaviour.volume));

    // How many invoices on each day of the year.
    let days = days_of_year(params.year);
    let day_weights = cumulative(issue_weights(&days).into_iter());
    let mut per_day = vec![0u32; days.len()];
    let mut d = Draws::new(params.seed, 1);
    for _ in 0..params.invoices {
        per_day[draw(&mut d, &day_weights)] += 1;
    }

    // The invoices, in order of issue.
    let mut d = Draws::new(params.seed, 2);
    let mut invoices = Vec::with_capacity(params.invoices);
    let mut payments = Vec::with_capacity(params.invoices / 20);
    for (&day, &count) in days.iter().zip(&per_day) {
        for _ in 0..count {
            let mut index = draw(&mut d, &volume);
            // Nobody keeps invoicing a customer that went insolvent.
            for _ in 0..8 {
                match customers[index].behaviour.default_date {
                    Some(gone) if day > gone => index = draw(&mut d, &volume),
                    _ => break,
                }
            }
            let c = &customers[index];
            let mut draw = InvoiceDraw {
                d: &mut d,
                payments: &mut payments,
            };
            let mut inv = Invoice {
                number: invoices.len() as u32 + 1,
                customer: index as u32,
                issue_date: day,
                due_date: c.terms.due_date(day),
                amount_cents: draw.amount_cents(c),
                currency: c.currency,
                paid_date: None,
                disputed: false,
                promised_until: None,
                payment_plan: false,
            };
            draw.settle(&mut inv, c);
            invoices.push(inv);
        }
    }
    let events = account_events(params.seed, &customers, &invoices, &payments);
    Dataset {
        params: *params,
        customers,
        invoices,
        payments,
        events,
    }
}

// ---------------------------------------------------------------------------
// Account events
// ---------------------------------------------------------------------------

/// A dispute opens around the due date: this many days before or after it
/// (a delivery contested on receipt of the invoice, or on the first
/// reminder).
const DISPUTE_OPENS: (i64, i64) = (-10, 12);
/// A settled dispute closes this many days before the payment that follows.
const DISPUTE_SETTLED_BEFORE_PAYMENT: (i64, i64) = (0, 10);
/// An unpaid disputed invoice: the dispute is rejected (closed, and the
/// ladder resumes) this often, this many days after it opened; otherwise it
/// stays open.
const DISPUTE_REJECTED: f64 = 0.5;
const DISPUTE_REJECTED_AFTER: (i64, i64) = (20, 90);
/// A promise is made this many days before the promised date (and after
/// the due date).
const PROMISE_MADE_BEFORE: (i64, i64) = (7, 21);
/// A payment plan is agreed this many days before its first instalment.
const PLAN_AGREED_BEFORE: (i64, i64) = (3, 15);
/// A plan that stopped being honoured is ended this many days after its
/// last instalment.
const PLAN_BROKEN_AFTER: (i64, i64) = (20, 45);
/// Insolvency proceedings open this many days after the customer stopped
/// paying.
const INSOLVENCY_OPENS_AFTER: (i64, i64) = (15, 45);

/// The dated events that make the year's disputes, promises, plans and
/// insolvencies, from a stream of draws of their own: the invoices and
/// payments are the same with or without them.
fn account_events(
    seed: u64,
    customers: &[Customer],
    invoices: &[Invoice],
    payments: &[Payment],
) -> Vec<Event> {
    let mut d = Draws::new(seed, 3);
    let between = |d: &mut Draws, (lo, hi): (i64, i64)| d.between(lo, hi);
    let mut paid_range: Vec<Option<(NaiveDate, NaiveDate)>> = vec![None; invoices.len()];
    for p in payments {
        let slot = &mut paid_range[p.invoice as usize];
        *slot = Some(slot.map_or((p.date, p.date), |(a, b)| (a.min(p.date), b.max(p.date))));
    }
    let mut events = Vec::new();
    let mut push = |date, inv: &Invoice, kind, until| {
        events.push(Event {
            date,
            invoice: Some(inv.number - 1),
            customer: inv.customer,
            kind,
            until,
        })
    };
    for (k, inv) in invoices.iter().enumerate() {
        let day_after_issue = add_days(inv.issue_date, 1);
        if inv.disputed {
            let mut opened = add_days(inv.due_date, between(&mut d, DISPUTE_OPENS));
            if let Some(paid) = inv.paid_date {
                opened = opened.min(add_days(paid, -1));
            }
            let opened = opened.max(day_after_issue);
            push(opened, inv, EventKind::DisputeOpened, None);
            let closed = match inv.paid_date {
                Some(paid) => Some(
                    add_days(paid, -between(&mut d, DISPUTE_SETTLED_BEFORE_PAYMENT)).max(opened),
                ),
                None => d
                    .chance(DISPUTE_REJECTED)
                    .then(|| add_days(opened, between(&mut d, DISPUTE_REJECTED_AFTER))),
            };
            if let Some(closed) = closed {
                push(closed, inv, EventKind::DisputeClosed, None);
            }
        }
        if let Some(until) = inv.promised_until {
            let made = add_days(until, -between(&mut d, PROMISE_MADE_BEFORE))
                .max(add_days(inv.due_date, 1))
                .min(until);
            push(made, inv, EventKind::Promise, Some(until));
        }
        if let (true, Some((first, last))) = (inv.payment_plan, paid_range[k]) {
            let agreed = add_days(first, -between(&mut d, PLAN_AGREED_BEFORE)).max(day_after_issue);
            push(agreed, inv, EventKind::PlanStarted, None);
            if inv.paid_date.is_none() {
                let broken = add_days(last, between(&mut d, PLAN_BROKEN_AFTER));
                push(broken, inv, EventKind::PlanEnded, None);
            }
        }
    }
    // Insolvency: an event of the whole customer, for customers that have
    // invoices in the files.
    let mut invoiced = vec![false; customers.len()];
    for inv in invoices {
        invoiced[inv.customer as usize] = true;
    }
    for (c, customer) in customers.iter().enumerate() {
        if let (true, Some(gone)) = (invoiced[c], customer.behaviour.default_date) {
            events.push(Event {
                date: add_days(gone, between(&mut d, INSOLVENCY_OPENS_AFTER)),
                invoice: None,
                customer: c as u32,
                kind: EventKind::InsolvencyOpened,
                until: None,
            });
        }
    }
    events.sort_by_key(|e| (e.date, e.customer, e.invoice));
    events
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn easter_dates() {
        assert_eq!(easter(2024), date(2024, 3, 31));
        assert_eq!(easter(2025), date(2025, 4, 20));
        assert_eq!(easter(2026), date(2026, 4, 5));
        assert!(is_holiday(date(2025, 4, 21))); // Easter Monday
        assert!(is_holiday(date(2025, 5, 29))); // Ascension
        assert!(is_holiday(date(2025, 6, 9))); // Whit Monday
        assert!(!is_holiday(date(2025, 6, 10)));
    }

    #[test]
    fn thirty_days_end_of_month_stays_within_sixty_days() {
        for day in days_of_year(2025) {
            let due = Terms::Net30EndOfMonth.due_date(day);
            let term = (due - day).num_days();
            assert!((30..=60).contains(&term), "{day} -> {due}");
            assert_eq!(due, end_of_month(due));
        }
    }

    #[test]
    fn split_cents_adds_up() {
        let parts: Vec<i64> = split_cents(1001, 3).collect();
        assert_eq!(parts, vec![333, 333, 335]);
    }

    #[test]
    fn issue_days_are_mostly_business_days() {
        let days = days_of_year(2025);
        let w = issue_weights(&days);
        assert!(w[0] < 0.1); // New Year's day
        let jan_31 = w[30]; // a Friday, the last business day of January
        assert!(jan_31 > 3.0);
    }
}
