//! What changes if the policy changes: both versions replayed over the same
//! data, compared per kind of action, per workload, and per invoice.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::Serialize;

use super::{Indicators, KindFigures, PaidLate, Simulation};
use crate::money::Currency;

/// How many differing invoices are shown side by side.
pub const EXAMPLES: usize = 5;

/// What changes when a policy changes: both replayed over the same data, compared.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Diff {
    /// The first day replayed.
    pub from: NaiveDate,
    /// The last day replayed.
    pub to: NaiveDate,
    /// Per kind: actions with the old and the new policy.
    pub kinds: Vec<KindChange>,
    /// Actions with the old policy.
    pub actions_old: usize,
    /// Actions with the new policy.
    pub actions_new: usize,
    /// Invoices whose sequence of actions (day, action, template) differs.
    pub invoices_changed: usize,
    /// Invoices in the data.
    pub invoices: usize,
    /// The first invoices whose sequence differs, side by side.
    pub examples: Vec<InvoiceChange>,
    /// Each indicator of the summary per currency (then per segment, when
    /// a policy declares `segment`), before and after.
    pub indicators: Vec<IndicatorChange>,
}

/// One indicator of one currency (and segment), before and after. Most
/// come from the data alone and change only when the policies' segments
/// differ; the penalties owed follow the policies' settings.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct IndicatorChange {
    /// The currency.
    pub currency: Currency,
    /// The value of `segment`, for an indicator of one segment.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub segment: Option<String>,
    /// The indicator, as the README's table names it.
    pub indicator: &'static str,
    /// With the old policy (none when it has no value: no invoice, or no
    /// such segment).
    pub old: Option<Decimal>,
    /// With the new policy.
    pub new: Option<Decimal>,
    /// New minus old, when both have a value.
    pub change: Option<Decimal>,
}

/// The indicators a diff compares, in its order.
const INDICATORS: [&str; 18] = [
    "invoices issued",
    "disputed invoices",
    "dispute rate, count (%)",
    "dispute rate, value (%)",
    "recovered of invoiced (%)",
    "recovered of due (%)",
    "CEI (%)",
    "aged: not due",
    "aged: 1-30",
    "aged: 31-60",
    "aged: 61-90",
    "aged: over 90",
    "paid on time (%)",
    "average days late of paid invoices",
    "average days late counting unpaid",
    "invoices paid late",
    "penalties owed: interest",
    "penalties owed: indemnities",
];

type IndicatorKey = (Currency, Option<String>, usize);

/// What a diff reads of one side's summaries: a policy's own, or a book's
/// policies' added up (each invoice is in one policy's summary).
struct Side {
    by_kind: BTreeMap<String, KindFigures>,
    invoices: usize,
    indicators: BTreeMap<Currency, Indicators>,
    indicators_by_segment: BTreeMap<String, BTreeMap<Currency, Indicators>>,
    paid_late: BTreeMap<Currency, PaidLate>,
    paid_late_by_segment: BTreeMap<String, BTreeMap<Currency, PaidLate>>,
}

impl Side {
    fn of(sims: &[Simulation]) -> Side {
        if let [one] = sims {
            let s = &one.summary;
            return Side {
                by_kind: s.by_kind.clone(),
                invoices: s.invoices,
                indicators: s.indicators.clone(),
                indicators_by_segment: s.indicators_by_segment.clone(),
                paid_late: s.paid_late.clone(),
                paid_late_by_segment: s.paid_late_by_segment.clone(),
            };
        }
        let mut side = Side {
            by_kind: book_kinds(sims),
            invoices: 0,
            indicators: BTreeMap::new(),
            indicators_by_segment: BTreeMap::new(),
            paid_late: BTreeMap::new(),
            paid_late_by_segment: BTreeMap::new(),
        };
        let add_indicators = |into: &mut BTreeMap<Currency, Indicators>,
                              from: &BTreeMap<Currency, Indicators>| {
            for (c, i) in from {
                into.entry(*c).or_default().add(i);
            }
        };
        let add_paid = |into: &mut BTreeMap<Currency, PaidLate>,
                        from: &BTreeMap<Currency, PaidLate>| {
            for (c, p) in from {
                into.entry(*c).or_default().add(p);
            }
        };
        for sim in sims {
            let s = &sim.summary;
            side.invoices += s.invoices;
            add_indicators(&mut side.indicators, &s.indicators);
            for (segment, by) in &s.indicators_by_segment {
                add_indicators(
                    side.indicators_by_segment
                        .entry(segment.clone())
                        .or_default(),
                    by,
                );
            }
            add_paid(&mut side.paid_late, &s.paid_late);
            for (segment, by) in &s.paid_late_by_segment {
                add_paid(
                    side.paid_late_by_segment
                        .entry(segment.clone())
                        .or_default(),
                    by,
                );
            }
        }
        side
    }
}

/// The figures per kind of the actions of several replays of the same
/// days: the busiest day counted over all of them, the business days those
/// of the calendar with the most (a book's team works when any of its
/// policies does).
fn book_kinds(sims: &[Simulation]) -> BTreeMap<String, KindFigures> {
    let business = sims
        .iter()
        .map(|s| s.summary.business_days)
        .max()
        .unwrap_or(0);
    let mut per_day: BTreeMap<&str, BTreeMap<NaiveDate, usize>> = BTreeMap::new();
    let mut out: BTreeMap<String, KindFigures> = BTreeMap::new();
    for a in sims.iter().flat_map(|s| &s.actions) {
        *per_day
            .entry(a.action.as_str())
            .or_default()
            .entry(a.date)
            .or_default() += 1;
        let k = out.entry(a.action.to_string()).or_default();
        k.actions += 1;
        k.invoices += a.invoices.len();
    }
    for (kind, k) in &mut out {
        // The first day with the most actions of this kind.
        let mut busiest: Option<(NaiveDate, usize)> = None;
        for (day, n) in per_day.get(kind.as_str()).into_iter().flatten() {
            if *n > busiest.map_or(0, |b| b.1) {
                busiest = Some((*day, *n));
            }
        }
        k.busiest_day = busiest.map(|b| b.0);
        k.busiest_day_actions = busiest.map_or(0, |b| b.1);
        k.per_business_day =
            super::summary::ratio(Decimal::from(k.actions), Decimal::from(business))
                .unwrap_or(Decimal::ZERO);
    }
    out
}

/// The indicators of one side, by currency, segment and place in `INDICATORS`.
fn indicator_values(s: &Side) -> BTreeMap<IndicatorKey, Option<Decimal>> {
    let mut out = BTreeMap::new();
    let mut add = |currency: Currency, segment: Option<&str>, i: &Indicators| {
        let values = [
            Some(Decimal::from(i.issued)),
            Some(Decimal::from(i.disputed)),
            i.dispute_rate_percent,
            i.dispute_value_percent,
            i.recovery_invoiced_percent,
            i.recovery_due_percent,
            i.cei_percent,
            Some(i.aged[0]),
            Some(i.aged[1]),
            Some(i.aged[2]),
            Some(i.aged[3]),
            Some(i.aged[4]),
            i.paid_on_time_percent,
            i.average_days_late,
            i.average_days_late_with_unpaid,
        ];
        for (k, v) in values.into_iter().enumerate() {
            out.insert((currency, segment.map(str::to_string), k), v);
        }
    };
    for (currency, i) in &s.indicators {
        add(*currency, None, i);
    }
    for (segment, by) in &s.indicators_by_segment {
        for (currency, i) in by {
            add(*currency, Some(segment), i);
        }
    }
    let segments = s
        .paid_late_by_segment
        .iter()
        .flat_map(|(segment, by)| by.iter().map(move |(c, p)| (c, Some(segment.clone()), p)));
    for (currency, segment, p) in s
        .paid_late
        .iter()
        .map(|(c, p)| (c, None, p))
        .chain(segments)
    {
        out.insert(
            (*currency, segment.clone(), 15),
            Some(Decimal::from(p.invoices)),
        );
        out.insert((*currency, segment.clone(), 16), Some(p.interest));
        out.insert((*currency, segment, 17), Some(p.indemnity));
    }
    out
}

/// Each indicator before and after.
fn indicator_changes(old: &Side, new: &Side) -> Vec<IndicatorChange> {
    let a = indicator_values(old);
    let b = indicator_values(new);
    let mut keys: Vec<&IndicatorKey> = a.keys().chain(b.keys()).collect();
    keys.sort();
    keys.dedup();
    keys.into_iter()
        .map(|key| {
            let old = a.get(key).copied().flatten();
            let new = b.get(key).copied().flatten();
            IndicatorChange {
                currency: key.0,
                segment: key.1.clone(),
                indicator: INDICATORS[key.2],
                old,
                new,
                change: old.zip(new).map(|(o, n)| n - o),
            }
        })
        .collect()
}

/// One kind of action, before and after.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct KindChange {
    /// The kind.
    pub action: String,
    /// Actions with the old policy.
    pub old: usize,
    /// Actions with the new policy.
    pub new: usize,
    /// Actions per business day with the old policy.
    pub old_per_business_day: Decimal,
    /// Actions per business day with the new policy.
    pub new_per_business_day: Decimal,
    /// Actions on the busiest day with the old policy.
    pub old_busiest_day_actions: usize,
    /// Actions on the busiest day with the new policy.
    pub new_busiest_day_actions: usize,
}

/// One invoice whose actions differ.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct InvoiceChange {
    /// The invoice.
    pub invoice_id: String,
    /// Its customer.
    pub customer_id: String,
    /// `2025-02-03 email (first_reminder)`, in order.
    pub old: Vec<String>,
    /// With the new policy, as for `old`.
    pub new: Vec<String>,
}

impl Diff {
    /// Whether no invoice gets a different sequence of actions.
    pub fn is_empty(&self) -> bool {
        self.invoices_changed == 0
    }
}

type Sequence = Vec<(NaiveDate, String, Option<String>, String)>;

fn sequences(sims: &[Simulation]) -> BTreeMap<(String, String), Sequence> {
    let mut out: BTreeMap<(String, String), Sequence> = BTreeMap::new();
    for a in sims.iter().flat_map(|s| &s.actions) {
        for line in &a.invoices {
            out.entry((line.invoice_id.to_string(), a.customer_id.to_string()))
                .or_default()
                .push((
                    a.date,
                    a.action.to_string(),
                    a.template.map(str::to_string),
                    line.rule.to_string(),
                ));
        }
    }
    out
}

fn show(seq: &Sequence) -> Vec<String> {
    seq.iter()
        .map(|(d, action, template, rule)| match template {
            Some(t) => format!("{d} {action} \"{t}\" ({rule})"),
            None => format!("{d} {action} ({rule})"),
        })
        .collect()
}

/// Compares two replays of the same days and data: per kind of action, per workload, and per invoice (what the customer sees: day, action, template; rules may be renamed).
pub fn diff(old: &Simulation, new: &Simulation) -> Diff {
    diff_books(std::slice::from_ref(old), std::slice::from_ref(new))
}

/// [`diff`] of two books (`replay_book`), or of a book and a policy (a
/// slice of one): each side's figures are its policies' added up, its
/// actions all of theirs. `old` and `new` must not be empty.
pub fn diff_books(old: &[Simulation], new: &[Simulation]) -> Diff {
    let (old_side, new_side) = (Side::of(old), Side::of(new));
    let mut kinds: BTreeMap<&str, KindChange> = BTreeMap::new();
    for (side, figures) in [(0, &old_side), (1, &new_side)] {
        for (kind, f) in &figures.by_kind {
            let k = kinds.entry(kind.as_str()).or_insert_with(|| KindChange {
                action: kind.clone(),
                old: 0,
                new: 0,
                old_per_business_day: Decimal::ZERO,
                new_per_business_day: Decimal::ZERO,
                old_busiest_day_actions: 0,
                new_busiest_day_actions: 0,
            });
            if side == 0 {
                k.old = f.actions;
                k.old_per_business_day = f.per_business_day;
                k.old_busiest_day_actions = f.busiest_day_actions;
            } else {
                k.new = f.actions;
                k.new_per_business_day = f.per_business_day;
                k.new_busiest_day_actions = f.busiest_day_actions;
            }
        }
    }
    let a = sequences(old);
    let b = sequences(new);
    let (from, to) = old.first().map_or((NaiveDate::MIN, NaiveDate::MIN), |s| {
        (s.summary.from, s.summary.to)
    });
    let empty = Sequence::new();
    let mut keys: Vec<&(String, String)> = a.keys().chain(b.keys()).collect();
    keys.sort();
    keys.dedup();
    let mut changed = 0;
    let mut examples = Vec::new();
    for key in keys {
        let (sa, sb) = (a.get(key).unwrap_or(&empty), b.get(key).unwrap_or(&empty));
        // Rule names may be renamed between versions: compare what the customer sees.
        let visible = |s: &Sequence| {
            s.iter()
                .map(|(d, x, t, _)| (*d, x.clone(), t.clone()))
                .collect::<Vec<_>>()
        };
        if visible(sa) != visible(sb) {
            changed += 1;
            if examples.len() < EXAMPLES {
                examples.push(InvoiceChange {
                    invoice_id: key.0.clone(),
                    customer_id: key.1.clone(),
                    old: show(sa),
                    new: show(sb),
                });
            }
        }
    }
    Diff {
        from,
        to,
        kinds: kinds.into_values().collect(),
        actions_old: old.iter().map(|s| s.actions.len()).sum(),
        actions_new: new.iter().map(|s| s.actions.len()).sum(),
        invoices_changed: changed,
        invoices: old_side.invoices,
        examples,
        indicators: indicator_changes(&old_side, &new_side),
    }
}
