//! The credit team's indicators over a range (SPEC section 5), from the data
//! alone, per currency: disputes, recovery, the collection effectiveness
//! index, the aged balance at the end and the days late counting the
//! invoices still unpaid. Definitions are the README's ("Indicators").

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;
use rust_decimal::{Decimal, RoundingStrategy};
use serde::Serialize;

use super::summary::settled_on;
use crate::data::AttrValue;
use crate::eval::{InvoiceIdx, Ledger, Run, Status};
use crate::money::Currency;

/// The indicators of one currency.
#[derive(Clone, Debug, Default, Serialize, PartialEq, Eq)]
pub struct Indicators {
    /// Invoices issued in the range.
    pub issued: usize,
    /// Their amount.
    pub issued_amount: Decimal,
    /// Of them, the disputed ones.
    pub disputed: usize,
    /// Their amount.
    pub disputed_amount: Decimal,
    /// Disputed over issued, by count, in percent.
    pub dispute_rate_percent: Option<Decimal>,
    /// Disputed over issued, by value, in percent.
    pub dispute_value_percent: Option<Decimal>,
    /// Of the invoices issued in the range, what was paid by the end over
    /// what was invoiced, in percent.
    pub recovery_invoiced_percent: Option<Decimal>,
    /// Of the invoices due in the range, what was paid by the end over what
    /// fell due, in percent.
    pub recovery_due_percent: Option<Decimal>,
    /// Collection effectiveness index, in percent: receivables at the start
    /// plus sales minus receivables at the end, over receivables at the
    /// start plus sales minus receivables not yet due at the end.
    pub cei_percent: Option<Decimal>,
    /// What is open at the end, by days past the due date: not due, 1–30,
    /// 31–60, 61–90, over 90.
    pub aged: [Decimal; 5],
    /// Of the invoices due in the range, the share paid on or before their
    /// due date, in percent.
    pub paid_on_time_percent: Option<Decimal>,
    /// Of the invoices due in the range and paid by the end, the average
    /// days paid after the due date (0 for those paid on time): the unpaid
    /// ones do not count.
    pub average_days_late: Option<Decimal>,
    /// Of the invoices due in the range, the average days paid after the
    /// due date, the unpaid ones counting the days to the end.
    pub average_days_late_with_unpaid: Option<Decimal>,
    /// What the rates are computed from, so that the indicators of the
    /// policies of a book add up to the book's.
    #[serde(skip)]
    pub(crate) sums: Sums,
}

/// The sums behind the rates of [`Indicators`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Sums {
    collected_issued: Decimal,
    due_amount: Decimal,
    collected_due: Decimal,
    start_receivables: Decimal,
    end_receivables: Decimal,
    end_current: Decimal,
    due_count: i64,
    days_late: i64,
    paid_count: i64,
    paid_on_time: i64,
    paid_days_late: i64,
}

impl Indicators {
    /// Adds the invoices of `other` (the same currency, other invoices).
    pub(crate) fn add(&mut self, other: &Indicators) {
        self.issued += other.issued;
        self.issued_amount += other.issued_amount;
        self.disputed += other.disputed;
        self.disputed_amount += other.disputed_amount;
        for (a, b) in self.aged.iter_mut().zip(other.aged) {
            *a += b;
        }
        let (s, o) = (&mut self.sums, &other.sums);
        s.collected_issued += o.collected_issued;
        s.due_amount += o.due_amount;
        s.collected_due += o.collected_due;
        s.start_receivables += o.start_receivables;
        s.end_receivables += o.end_receivables;
        s.end_current += o.end_current;
        s.due_count += o.due_count;
        s.days_late += o.days_late;
        s.paid_count += o.paid_count;
        s.paid_on_time += o.paid_on_time;
        s.paid_days_late += o.paid_days_late;
        self.rates();
    }

    /// The rates, from the counts and sums.
    fn rates(&mut self) {
        let s = &self.sums;
        self.dispute_rate_percent =
            percent(Decimal::from(self.disputed), Decimal::from(self.issued));
        self.dispute_value_percent = percent(self.disputed_amount, self.issued_amount);
        self.recovery_invoiced_percent = percent(s.collected_issued, self.issued_amount);
        self.recovery_due_percent = percent(s.collected_due, s.due_amount);
        let sales = self.issued_amount;
        self.cei_percent = percent(
            s.start_receivables + sales - s.end_receivables,
            s.start_receivables + sales - s.end_current,
        );
        self.paid_on_time_percent =
            percent(Decimal::from(s.paid_on_time), Decimal::from(s.due_count));
        self.average_days_late = (s.paid_count > 0).then(|| {
            (Decimal::from(s.paid_days_late) / Decimal::from(s.paid_count))
                .round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
        });
        self.average_days_late_with_unpaid = (s.due_count > 0).then(|| {
            (Decimal::from(s.days_late) / Decimal::from(s.due_count))
                .round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
        });
    }
}

/// The labels of `Indicators::aged`.
pub const AGE_BUCKETS: [&str; 5] = ["not due", "1-30", "31-60", "61-90", "over 90"];

fn percent(num: Decimal, den: Decimal) -> Option<Decimal> {
    (den > Decimal::ZERO).then(|| {
        (num * Decimal::ONE_HUNDRED / den)
            .round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
    })
}

/// What is left to pay on `invoice` at the end of `day` (zero when not issued or paid).
fn open_on(ledger: &Ledger<'_>, invoice: crate::eval::InvoiceIdx, day: NaiveDate) -> Decimal {
    match ledger.status(invoice, day) {
        Status::Open(amount) => amount,
        _ => Decimal::ZERO,
    }
}

/// The indicators of the range `from`–`to`, per currency.
pub(crate) fn indicators(
    ledger: &Ledger<'_>,
    from: NaiveDate,
    to: NaiveDate,
) -> BTreeMap<Currency, Indicators> {
    indicators_of(ledger, from, to, &|_| true)
}

/// What `Summary::indicators_by_segment` calls invoices without a segment.
pub const NO_SEGMENT: &str = "(none)";

/// Each invoice's value of the `segment` attribute (invoices without one
/// under [`NO_SEGMENT`]), when the policy declares that attribute.
pub(crate) fn segments<'l>(run: &'l Run<'_>) -> Option<Vec<&'l str>> {
    let attr = run
        .policy
        .attributes
        .iter()
        .position(|a| a.name == "segment")?;
    Some(
        run.ledger
            .invoices
            .iter()
            .map(|inv| match inv.attributes.get(attr) {
                Some(AttrValue::Text(t)) => t.as_str(),
                _ => NO_SEGMENT,
            })
            .collect(),
    )
}

/// Applies `figures` to the invoices of each value of the `segment`
/// attribute, when the policy declares it; empty otherwise.
pub(crate) fn per_segment<T>(
    run: &Run<'_>,
    figures: impl Fn(&dyn Fn(InvoiceIdx) -> bool) -> T,
) -> BTreeMap<String, T> {
    let Some(segment) = segments(run) else {
        return BTreeMap::new();
    };
    let values: BTreeSet<&str> = segment.iter().copied().collect();
    values
        .into_iter()
        .map(|value| {
            let keep = |i: InvoiceIdx| segment.get(i.get()) == Some(&value);
            (value.to_string(), figures(&keep))
        })
        .collect()
}

/// The indicators per value of the `segment` attribute, when the policy
/// declares one (invoices without a value under [`NO_SEGMENT`]); empty
/// otherwise.
pub(crate) fn by_segment(
    run: &Run<'_>,
    from: NaiveDate,
    to: NaiveDate,
) -> BTreeMap<String, BTreeMap<Currency, Indicators>> {
    per_segment(run, |keep| indicators_of(&run.ledger, from, to, keep))
}

/// The indicators of the invoices `keep` selects.
fn indicators_of(
    ledger: &Ledger<'_>,
    from: NaiveDate,
    to: NaiveDate,
    keep: &dyn Fn(InvoiceIdx) -> bool,
) -> BTreeMap<Currency, Indicators> {
    let before = from.pred_opt().unwrap_or(from);
    let mut acc: BTreeMap<Currency, Indicators> = BTreeMap::new();
    for i in ledger.indices().filter(|i| keep(*i)) {
        let inv = ledger.invoice(i);
        let a = acc.entry(inv.currency).or_default();
        let open_end = open_on(ledger, i, to);
        a.sums.start_receivables += open_on(ledger, i, before);
        a.sums.end_receivables += open_end;
        if inv.due_date >= to {
            a.sums.end_current += open_end;
        }
        if open_end > Decimal::ZERO {
            let late = (to - inv.due_date).num_days();
            let bucket = match late {
                ..=0 => 0,
                1..=30 => 1,
                31..=60 => 2,
                61..=90 => 3,
                _ => 4,
            };
            a.aged[bucket] += open_end;
        }
        if inv.issue_date >= from && inv.issue_date <= to {
            a.issued += 1;
            a.issued_amount += inv.amount;
            a.sums.collected_issued += inv.amount - open_end;
            if inv.disputed {
                a.disputed += 1;
                a.disputed_amount += inv.amount;
            }
        }
        if inv.due_date >= from && inv.due_date <= to {
            a.sums.due_amount += inv.amount;
            a.sums.collected_due += inv.amount - open_end;
            a.sums.due_count += 1;
            let settled = settled_on(ledger, i).filter(|d| *d <= to);
            let end = settled.unwrap_or(to);
            a.sums.days_late += (end - inv.due_date).num_days().max(0);
            if let Some(paid) = settled {
                let late = (paid - inv.due_date).num_days().max(0);
                a.sums.paid_count += 1;
                a.sums.paid_days_late += late;
                if late == 0 {
                    a.sums.paid_on_time += 1;
                }
            }
        }
    }
    acc.into_iter()
        .map(|(currency, mut a)| {
            a.rates();
            (currency, a)
        })
        .collect()
}
