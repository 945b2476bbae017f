//! What changes if the policy changes: both versions replayed over the same
//! data, compared per kind of action, per workload, and per invoice.

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::sync::mpsc;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::Serialize;

use super::{DateRange, Indicators, KindFigures, PaidLate, ReplayOptions, Simulation, Summary};
use crate::data::RunData;
use crate::eval::Action;
use crate::money::Currency;
use crate::policy::{ActionKind, Policy};

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
        let summaries: Vec<&Summary> = sims.iter().map(|s| &s.summary).collect();
        let mut side = Side::of_summaries(&summaries);
        if sims.len() > 1 {
            side.by_kind = book_kinds(sims);
        }
        side
    }

    /// The side of one policy's summary, or of a book's policies' (whose
    /// figures per kind [`book_kinds`] then counts from the actions).
    fn of_summaries(summaries: &[&Summary]) -> Side {
        if let [s] = summaries {
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
            by_kind: BTreeMap::new(),
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
        for s in summaries {
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

/// An invoice as a diff tells them apart: its id, its customer's id.
type Key<'a> = (&'a str, &'a str);

/// What the customer sees of one action on one invoice, the day aside:
/// the action and the template (rules may be renamed between versions).
type Seen<'a> = (Key<'a>, ActionKind, Option<&'a str>);

/// The invoices whose sequences of actions differ, found day by day. Two
/// sequences ordered by day are equal when each day's parts are, so a
/// diff keeps the invoices found different and one day's actions, never
/// the replays' actions: its memory follows the invoices, not the days.
struct Compare<'a> {
    changed: BTreeSet<Key<'a>>,
    actions: [usize; 2],
    seen: [Vec<Seen<'a>>; 2],
}

impl<'a> Compare<'a> {
    fn new() -> Self {
        Compare {
            changed: BTreeSet::new(),
            actions: [0, 0],
            seen: [Vec::new(), Vec::new()],
        }
    }

    /// The actions of one day (the same day on both sides), each side's in
    /// its order.
    fn day<'x>(
        &mut self,
        old: impl IntoIterator<Item = &'x Action<'a>>,
        new: impl IntoIterator<Item = &'x Action<'a>>,
    ) where
        'a: 'x,
    {
        let [a, b] = &mut self.seen;
        self.actions[0] += seen(a, old);
        self.actions[1] += seen(b, new);
        // Stable sorts: each invoice's actions stay in their order.
        a.sort_by_key(|s| s.0);
        b.sort_by_key(|s| s.0);
        let (mut i, mut j) = (0, 0);
        loop {
            let key = match (a.get(i), b.get(j)) {
                (Some(x), Some(y)) => x.0.min(y.0),
                (Some(x), None) => x.0,
                (None, Some(y)) => y.0,
                (None, None) => break,
            };
            let i2 = i + a[i..].iter().take_while(|s| s.0 == key).count();
            let j2 = j + b[j..].iter().take_while(|s| s.0 == key).count();
            let what = |s: &Seen<'a>| (s.1, s.2);
            if !a[i..i2].iter().map(what).eq(b[j..j2].iter().map(what)) {
                self.changed.insert(key);
            }
            (i, j) = (i2, j2);
        }
        a.clear();
        b.clear();
    }

    /// The first `n` invoices found different, in the order of their ids.
    fn first(&self, n: usize) -> Vec<(String, String)> {
        self.changed
            .iter()
            .take(n)
            .map(|(i, c)| (i.to_string(), c.to_string()))
            .collect()
    }
}

/// Adds what the customer sees of `actions` to `into`; how many actions.
fn seen<'x, 'a: 'x>(
    into: &mut Vec<Seen<'a>>,
    actions: impl IntoIterator<Item = &'x Action<'a>>,
) -> usize {
    let mut n = 0;
    for a in actions {
        n += 1;
        for line in &a.invoices {
            into.push(((line.invoice_id, a.customer_id), a.action, a.template));
        }
    }
    n
}

type Sequence = Vec<(NaiveDate, String, Option<String>, String)>;

/// Adds the actions (in day order) on the invoices `keys` to their sequences.
fn sequences<'x, 'a: 'x>(
    actions: impl IntoIterator<Item = &'x Action<'a>>,
    keys: &[(String, String)],
    into: &mut BTreeMap<(String, String), Sequence>,
) {
    for a in actions {
        for line in &a.invoices {
            let key = keys
                .iter()
                .find(|(i, c)| i == line.invoice_id && c == a.customer_id);
            if let Some(key) = key {
                into.entry(key.clone()).or_default().push((
                    a.date,
                    a.action.to_string(),
                    a.template.map(str::to_string),
                    line.rule.to_string(),
                ));
            }
        }
    }
}

fn show(seq: &Sequence) -> Vec<String> {
    seq.iter()
        .map(|(d, action, template, rule)| match template {
            Some(t) => format!("{d} {action} \"{t}\" ({rule})"),
            None => format!("{d} {action} ({rule})"),
        })
        .collect()
}

/// The examples of the invoices `keys`, from both sides' sequences.
fn examples(
    keys: &[(String, String)],
    old: &BTreeMap<(String, String), Sequence>,
    new: &BTreeMap<(String, String), Sequence>,
) -> Vec<InvoiceChange> {
    let empty = Sequence::new();
    keys.iter()
        .map(|key| InvoiceChange {
            invoice_id: key.0.clone(),
            customer_id: key.1.clone(),
            old: show(old.get(key).unwrap_or(&empty)),
            new: show(new.get(key).unwrap_or(&empty)),
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
    diff_kept(old, new)
}

/// Each side's actions by day (a book's policies' one after the other).
fn by_day<'s, 'a>(sims: &'s [Simulation<'a>]) -> Vec<&'s Action<'a>> {
    let mut all: Vec<&Action<'a>> = sims.iter().flat_map(|s| &s.actions).collect();
    all.sort_by_key(|a| a.date);
    all
}

fn diff_kept<'a>(old: &[Simulation<'a>], new: &[Simulation<'a>]) -> Diff {
    let (a, b) = (by_day(old), by_day(new));
    let mut compare = Compare::new();
    let (mut i, mut j) = (0, 0);
    loop {
        let day = match (a.get(i), b.get(j)) {
            (Some(x), Some(y)) => x.date.min(y.date),
            (Some(x), None) => x.date,
            (None, Some(y)) => y.date,
            (None, None) => break,
        };
        let i2 = i + a[i..].iter().take_while(|x| x.date == day).count();
        let j2 = j + b[j..].iter().take_while(|x| x.date == day).count();
        compare.day(a[i..i2].iter().copied(), b[j..j2].iter().copied());
        (i, j) = (i2, j2);
    }
    let keys = compare.first(EXAMPLES);
    let (mut sa, mut sb) = (BTreeMap::new(), BTreeMap::new());
    sequences(a.iter().copied(), &keys, &mut sa);
    sequences(b.iter().copied(), &keys, &mut sb);
    let range = old.first().map_or((NaiveDate::MIN, NaiveDate::MIN), |s| {
        (s.summary.from, s.summary.to)
    });
    assemble(
        &Side::of(old),
        &Side::of(new),
        range,
        &compare,
        examples(&keys, &sa, &sb),
    )
}

/// The [`Diff`] of two sides, compared.
fn assemble(
    old_side: &Side,
    new_side: &Side,
    (from, to): (NaiveDate, NaiveDate),
    compare: &Compare<'_>,
    examples: Vec<InvoiceChange>,
) -> Diff {
    let mut kinds: BTreeMap<&str, KindChange> = BTreeMap::new();
    for (side, figures) in [(0, old_side), (1, new_side)] {
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
    Diff {
        from,
        to,
        kinds: kinds.into_values().collect(),
        actions_old: compare.actions[0],
        actions_new: compare.actions[1],
        invoices_changed: compare.changed.len(),
        invoices: old_side.invoices,
        examples,
        indicators: indicator_changes(old_side, new_side),
    }
}

/// One side of [`diff_replays`]: a policy and the data it reads.
pub type DiffSide<'a, 'h> = (&'a Policy, RunData<'a, 'h>);

/// [`diff`] of the replays of `old` and `new` over `range`, run side by
/// side and compared day by day as their actions come, without keeping
/// them: memory follows the invoices, however many days and actions.
/// `on_day` gets each day's actions of both sides (to count them, or
/// write them out); the summaries of both replays come back with the
/// diff. The data of both sides are the same invoices, each read for its
/// policy.
///
/// The examples' sequences are replayed a second time on the data of
/// their customers alone (customers never affect each other in a replay).
pub fn diff_replays<'a>(
    old: DiffSide<'a, '_>,
    new: DiffSide<'a, '_>,
    range: DateRange,
    options: ReplayOptions,
    on_day: &mut dyn FnMut([&[Action<'a>]; 2]),
) -> (Diff, [Summary; 2]) {
    let mut compare = Compare::new();
    let summaries = std::thread::scope(|scope| {
        let (old_days, old_replay) = spawn_replay(scope, old, range, options);
        let (new_days, new_replay) = spawn_replay(scope, new, range, options);
        // `replay` hands over each day once, in day order: the n-th day of
        // one side is the n-th of the other.
        loop {
            let (a, b) = (old_days.recv().ok(), new_days.recv().ok());
            if a.is_none() && b.is_none() {
                break;
            }
            let (a, b) = (a.unwrap_or_default(), b.unwrap_or_default());
            debug_assert!(a
                .iter()
                .chain(&b)
                .all(|x| Some(x.date) == a.first().or(b.first()).map(|f| f.date)));
            compare.day(&a, &b);
            on_day([&a, &b]);
        }
        let join = |h: std::thread::ScopedJoinHandle<'_, Summary>| {
            h.join().unwrap_or_else(|e| std::panic::resume_unwind(e))
        };
        [join(old_replay), join(new_replay)]
    });
    let keys = compare.first(EXAMPLES);
    let (sa, sb) = if keys.is_empty() {
        (BTreeMap::new(), BTreeMap::new())
    } else {
        (
            replayed_sequences(old, &keys, range, options),
            replayed_sequences(new, &keys, range, options),
        )
    };
    let [a, b] = &summaries;
    let d = assemble(
        &Side::of_summaries(&[a]),
        &Side::of_summaries(&[b]),
        (a.from, a.to),
        &compare,
        examples(&keys, &sa, &sb),
    );
    (d, summaries)
}

/// Replays one side on a thread of `scope`, its days sent as they come.
fn spawn_replay<'scope, 'env, 'a: 'env, 'h: 'env>(
    scope: &'scope std::thread::Scope<'scope, 'env>,
    (policy, data): DiffSide<'a, 'h>,
    range: DateRange,
    options: ReplayOptions,
) -> (
    mpsc::Receiver<Vec<Action<'a>>>,
    std::thread::ScopedJoinHandle<'scope, Summary>,
) {
    // A few days ahead at most: the faster side waits for the slower.
    let (tx, rx) = mpsc::sync_channel(4);
    let replay = scope.spawn(move || {
        super::replay(policy, data, range, options, &mut |day| {
            // The receiver is gone only when the comparison panicked.
            let _ = tx.send(day);
        })
    });
    (rx, replay)
}

/// The sequences of the invoices `keys`, replayed on the data of their
/// customers alone.
fn replayed_sequences(
    (policy, data): DiffSide<'_, '_>,
    keys: &[(String, String)],
    range: DateRange,
    options: ReplayOptions,
) -> BTreeMap<(String, String), Sequence> {
    let customers: HashSet<&str> = keys.iter().map(|(_, c)| c.as_str()).collect();
    let theirs = |c: &str| customers.contains(c);
    let invoices: Vec<_> = data
        .invoices
        .iter()
        .filter(|i| theirs(&i.customer_id))
        .cloned()
        .collect();
    let ids: HashSet<&str> = invoices.iter().map(|i| i.id.as_str()).collect();
    let payments: Vec<_> = data
        .payments
        .iter()
        .filter(|p| ids.contains(p.invoice_id.as_str()))
        .cloned()
        .collect();
    let history: Vec<_> = data
        .history
        .iter()
        .filter(|h| theirs(&h.customer_id) || ids.contains(h.invoice_id.as_str()))
        .cloned()
        .collect();
    let events: Vec<_> = data
        .events
        .iter()
        .filter(|e| {
            theirs(&e.customer_id) || e.invoice_id.as_deref().is_some_and(|i| ids.contains(i))
        })
        .cloned()
        .collect();
    let credit_notes: Vec<_> = data
        .credit_notes
        .iter()
        .filter(|c| theirs(&c.customer_id))
        .cloned()
        .collect();
    let data = RunData {
        invoices: &invoices,
        payments: &payments,
        history: &history,
        rates: data.rates,
        events: &events,
        credit_notes: &credit_notes,
    };
    let mut out = BTreeMap::new();
    super::replay(policy, data, range, options, &mut |day| {
        sequences(&day, keys, &mut out)
    });
    out
}
