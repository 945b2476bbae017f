//! `diff` replays both policies side by side and compares them day by day
//! (issue 11, item 6): its memory follows the invoices, not the days or the
//! actions, and its answer is the one of comparing every kept action.
//!
//! The allocator of this test binary counts live bytes, so that the peak of
//! a diff can be measured; the tests run one at a time (a lock) so that
//! they do not count each other's memory.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use std::alloc::{GlobalAlloc, Layout, System};
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use chrono::Days;
use dunning::data::{HistoryEntry, Invoice};
use dunning::{Action, DateRange, ReplayOptions, RunData};
use rand::{Rng, SeedableRng};
use support::*;

/// The system allocator, counting the bytes live and their peak.
struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

// SAFETY: every call is the system allocator's, with the same arguments;
// the counters only add and subtract the sizes it was asked for.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = System.alloc(layout);
        if !p.is_null() {
            let live = LIVE.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
            PEAK.fetch_max(live, Ordering::Relaxed);
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        System.dealloc(ptr, layout);
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let p = System.realloc(ptr, layout, new_size);
        if !p.is_null() {
            if new_size >= layout.size() {
                let grown = new_size - layout.size();
                let live = LIVE.fetch_add(grown, Ordering::Relaxed) + grown;
                PEAK.fetch_max(live, Ordering::Relaxed);
            } else {
                LIVE.fetch_sub(layout.size() - new_size, Ordering::Relaxed);
            }
        }
        p
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// One test at a time: the counters are the whole process's.
static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

/// The peak of live bytes while `f` runs, above what was live before.
fn peak_of<T>(f: impl FnOnce() -> T) -> (usize, T) {
    let before = LIVE.load(Ordering::Relaxed);
    PEAK.store(before, Ordering::Relaxed);
    let out = f();
    (PEAK.load(Ordering::Relaxed).saturating_sub(before), out)
}

/// The issue's shape: one rule that repeats every day on unpaid invoices;
/// the change makes it repeat every other day, so every invoice changes.
const EVERY_DAY: &str =
    "rule daily: when overdue >= 1d then email template \"daily\" repeat every 1d\n";
const EVERY_OTHER_DAY: &str =
    "rule daily: when overdue >= 1d then email template \"daily\" repeat every 2d\n";

/// `n` unpaid invoices, two per customer, overdue from the first day.
fn unpaid(p: &dunning::Policy, n: usize) -> Vec<Invoice> {
    (0..n)
        .map(|i| {
            invoice(
                p,
                &format!("I{i:05}"),
                &format!("C{:05}", i / 2),
                "2024-11-01",
                "2024-12-01",
                "100.00",
                &[],
            )
        })
        .collect()
}

#[test]
fn diff_memory_does_not_grow_with_the_days() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let (old, new) = (policy(EVERY_DAY), policy(EVERY_OTHER_DAY));
    let invoices = unpaid(&old, 200);
    let options = ReplayOptions::default().threads(2);
    let year = range("2025-01-01", "2025-12-31");
    let ten_years = range("2025-01-01", "2034-12-31");
    let streamed = |days: DateRange| {
        peak_of(|| {
            let data = RunData::new(&invoices);
            dunning::diff_replays((&old, data), (&new, data), days, options, &mut |_| ()).0
        })
    };
    let (one, d1) = streamed(year);
    let (ten, d10) = streamed(ten_years);
    // Every invoice changed, and the ten years have ten times the actions.
    assert_eq!((d1.invoices_changed, d10.invoices_changed), (200, 200));
    // One action a day per customer (two invoices each).
    assert_eq!(d1.actions_old, 100 * 365);
    assert_eq!(d10.actions_old, 100 * 3652);
    // Ten times the days and the actions: within half as much again as one
    // year, besides a kilobyte a day for what is counted per day (the
    // summaries' actions per kind and day, the engine's day buckets: about
    // 700 bytes a day for both sides, whatever the invoices). Keeping the
    // actions would take hundreds of bytes per action: 650,000 more here.
    let extra_days = 3652 - 365;
    assert!(
        ten * 2 <= one * 3 + extra_days * 2048,
        "a diff of ten years peaked at {ten} bytes, of one year at {one}"
    );
    // The same measure sees the memory of kept actions grow with the days
    // (as `diff` did before it compared day by day, 526 MB here over ten
    // years against 55 MB over one): it can fail. Two years suffice to show it.
    let kept = |days: DateRange| {
        peak_of(|| {
            let data = RunData::new(&invoices);
            let a = dunning::simulate(&old, data, days);
            let b = dunning::simulate(&new, data, days);
            dunning::diff(&a, &b)
        })
    };
    let (kept_one, k1) = kept(year);
    let (kept_two, _) = kept(range("2025-01-01", "2026-12-31"));
    assert_eq!(k1, d1);
    assert!(
        kept_two * 10 > kept_one * 17,
        "kept actions: two years {kept_two} bytes, one year {kept_one}"
    );
    eprintln!(
        "peak bytes: streamed {one} (1 year) {ten} (10 years); kept {kept_one} (1 year) {kept_two} (2 years)"
    );
}

/// What `diff` gave before it compared day by day, from every kept action:
/// the invoices whose sequences (day, action, template) differ, and the
/// sequences of the first five.
fn reference(old: &[Action], new: &[Action]) -> (usize, Vec<dunning::InvoiceChange>) {
    type Seq = Vec<(chrono::NaiveDate, String, Option<String>, String)>;
    let sequences = |actions: &[Action]| {
        let mut out: BTreeMap<(String, String), Seq> = BTreeMap::new();
        for a in actions {
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
    };
    let show = |s: &Seq| -> Vec<String> {
        s.iter()
            .map(|(d, x, t, r)| match t {
                Some(t) => format!("{d} {x} \"{t}\" ({r})"),
                None => format!("{d} {x} ({r})"),
            })
            .collect()
    };
    let visible = |s: &Seq| -> Vec<_> {
        s.iter()
            .map(|(d, x, t, _)| (*d, x.clone(), t.clone()))
            .collect()
    };
    let (a, b) = (sequences(old), sequences(new));
    let mut keys: Vec<&(String, String)> = a.keys().chain(b.keys()).collect();
    keys.sort();
    keys.dedup();
    let empty = Seq::new();
    let mut changed = 0;
    let mut examples = Vec::new();
    for key in keys {
        let (sa, sb) = (a.get(key).unwrap_or(&empty), b.get(key).unwrap_or(&empty));
        if visible(sa) != visible(sb) {
            changed += 1;
            if examples.len() < 5 {
                examples.push(dunning::InvoiceChange {
                    invoice_id: key.0.clone(),
                    customer_id: key.1.clone(),
                    old: show(sa),
                    new: show(sb),
                });
            }
        }
    }
    (changed, examples)
}

/// A random policy of one to four rules on day counts, templates and
/// repeats, maybe a cooldown and a pause on promises.
fn random_policy(rng: &mut rand_chacha::ChaCha8Rng) -> Option<dunning::Policy> {
    let mut text = String::new();
    if rng.random_bool(0.5) {
        text += &format!("set cooldown = {}d\n", rng.random_range(1..8));
    }
    if rng.random_bool(0.3) {
        text += "pause promise when promised_until >= today\n";
    }
    for r in 0..rng.random_range(1..5) {
        let fact =
            ["overdue", "age", "customer_max_overdue", "last_contact"][rng.random_range(0..4)];
        let op = [">=", ">", "<"][rng.random_range(0..3)];
        let action = ["email", "sms", "call", "letter"][rng.random_range(0..4)];
        let template = if rng.random_bool(0.5) {
            format!(" template \"t{}\"", rng.random_range(0..3))
        } else {
            String::new()
        };
        let repeat = if rng.random_bool(0.4) {
            format!(" repeat every {}d", rng.random_range(1..10))
        } else {
            String::new()
        };
        text += &format!(
            "rule r{r}: when {fact} {op} {}d then {action}{template}{repeat}\n",
            rng.random_range(0..40)
        );
    }
    dunning::check(&dunning::parse(&text)).policy
}

/// Random invoices of a few customers (several each, so that cooldowns
/// and contacts cross invoices), payments, promises and a history.
fn random_data(
    p: &dunning::Policy,
    rng: &mut rand_chacha::ChaCha8Rng,
) -> (
    Vec<Invoice>,
    Vec<dunning::data::Payment>,
    Vec<dunning::data::AccountEvent>,
) {
    let start = date("2024-12-01");
    let (mut invoices, mut payments, mut events) = (Vec::new(), Vec::new(), Vec::new());
    for i in 0..rng.random_range(1..30) {
        let issue = start
            .checked_add_days(Days::new(rng.random_range(0..60)))
            .unwrap();
        let due = issue
            .checked_add_days(Days::new(rng.random_range(0..30)))
            .unwrap();
        let id = format!("I{i:03}");
        let customer = format!("C{}", rng.random_range(0..6));
        let mut inv = invoice(
            p,
            &id,
            &customer,
            &issue.to_string(),
            &due.to_string(),
            &format!("{}.00", rng.random_range(1..3000)),
            &[],
        );
        if rng.random_bool(0.3) {
            inv.paid_date = due.checked_add_days(Days::new(rng.random_range(0..60)));
        }
        if rng.random_bool(0.3) {
            let on = due
                .checked_add_days(Days::new(rng.random_range(0..40)))
                .unwrap();
            payments.push(payment(&id, &on.to_string(), "500.00"));
        }
        if rng.random_bool(0.2) {
            let on = due
                .checked_add_days(Days::new(rng.random_range(0..40)))
                .unwrap();
            let until = on
                .checked_add_days(Days::new(rng.random_range(1..20)))
                .unwrap();
            let about = if rng.random_bool(0.5) {
                id.as_str()
            } else {
                ""
            };
            events.push(event(
                &on.to_string(),
                about,
                &customer,
                "promise",
                &until.to_string(),
            ));
        }
        invoices.push(inv);
    }
    events.sort_by_key(|e| e.date);
    (invoices, payments, events)
}

/// On random pairs of policies and data, the diff compared day by day is
/// the diff of every kept action, and both are what comparing every
/// invoice's whole sequence gives.
#[test]
fn diff_day_by_day_is_the_diff_of_every_kept_action() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let mut compared = 0;
    let mut changed = 0;
    for seed in 0..60 {
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
        let (Some(old), Some(new)) = (random_policy(&mut rng), random_policy(&mut rng)) else {
            continue;
        };
        let (invoices, payments, events) = random_data(&old, &mut rng);
        // What was done before the range: the old policy's plan of its eve.
        let eve = date("2025-01-10");
        let before = RunData::new(&invoices)
            .with_payments(&payments)
            .with_events(&events);
        let history: Vec<HistoryEntry> = as_history(&dunning::plan(&old, before, eve));
        let data = before.with_history(&history);
        let days = range("2025-01-11", "2025-04-30");
        for threads in [1, 3] {
            let options = ReplayOptions::default().threads(threads);
            let mut seen = 0;
            let (streamed, [sa, sb]) =
                dunning::diff_replays((&old, data), (&new, data), days, options, &mut |[a, b]| {
                    seen += a.len() + b.len();
                });
            let (a, b) = (
                dunning::simulate(&old, data, days),
                dunning::simulate(&new, data, days),
            );
            let kept = dunning::diff(&a, &b);
            assert_eq!(streamed, kept, "seed {seed}");
            assert_eq!(
                (sa, sb),
                (a.summary.clone(), b.summary.clone()),
                "seed {seed}"
            );
            assert_eq!(seen, a.actions.len() + b.actions.len(), "seed {seed}");
            let (n, examples) = reference(&a.actions, &b.actions);
            assert_eq!(kept.invoices_changed, n, "seed {seed}");
            assert_eq!(kept.examples, examples, "seed {seed}");
            changed += usize::from(n > 0);
            compared += 1;
        }
    }
    // The generator makes pairs that differ, and pairs that do not.
    assert!(compared >= 60, "{compared} diffs compared");
    assert!(
        changed > 10 && changed < compared,
        "{changed} of {compared} changed"
    );
}
