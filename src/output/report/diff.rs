//! The page of `diff --report`: every figure before and after, both
//! workloads on one chart, and the invoices whose actions changed, grouped
//! by how.

use std::collections::BTreeMap;
use std::io::{self, Write};

use super::charts;
use super::collect::ByInvoice;
use super::html::{json_str, Esc};
use super::simulation::{names_json, reached, steps_json, table_shell};
use super::{business_days, opt, Capacity, Inputs, Invoices, Side};
use crate::policy::ActionKind;
use crate::Diff;

/// How an invoice's actions changed, in the order the page lists them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Change {
    /// Only the new policy acts on it.
    Added,
    /// Only the old policy acted on it.
    Removed,
    /// The same actions, on other days.
    Moved,
    /// More actions with the new policy.
    More,
    /// Fewer actions with the new policy.
    Fewer,
    /// As many actions, some of another kind or template.
    Other,
}

impl Change {
    const ALL: [Change; 6] = [
        Change::Added,
        Change::Removed,
        Change::Moved,
        Change::More,
        Change::Fewer,
        Change::Other,
    ];

    fn label(self) -> &'static str {
        match self {
            Change::Added => "reminded only with the new policy",
            Change::Removed => "no longer reminded",
            Change::Moved => "same actions, other days",
            Change::More => "more actions",
            Change::Fewer => "fewer actions",
            Change::Other => "other actions",
        }
    }
}

/// What the customer sees of a step: day, action, template (rules may be
/// renamed between versions, as `dunning::diff` compares).
fn visible<'t>(
    side: Side<'_, 't>,
    by: &ByInvoice<'_>,
    i: usize,
) -> Vec<(u32, u8, Option<&'t str>)> {
    let templates = &side.timelines.templates;
    by.of(i)
        .map(|s| {
            let t = (s.template as usize)
                .checked_sub(1)
                .and_then(|t| templates.get(t).copied());
            (s.day, s.kind, t)
        })
        .collect()
}

fn classify(old: &[(u32, u8, Option<&str>)], new: &[(u32, u8, Option<&str>)]) -> Option<Change> {
    if old == new {
        return None;
    }
    let what = |s: &[(u32, u8, Option<&str>)]| {
        s.iter()
            .map(|(_, k, t)| (*k, t.map(str::to_string)))
            .collect::<Vec<_>>()
    };
    Some(if old.is_empty() {
        Change::Added
    } else if new.is_empty() {
        Change::Removed
    } else if what(old) == what(new) {
        Change::Moved
    } else if new.len() > old.len() {
        Change::More
    } else if new.len() < old.len() {
        Change::Fewer
    } else {
        Change::Other
    })
}

/// Writes the report of a policy change: `old` and `new` replayed over
/// `data`, compared by `diff`.
pub fn diff(
    out: &mut impl Write,
    sides: [Side<'_, '_>; 2],
    data: Invoices<'_>,
    d: &Diff,
    capacity: &Capacity,
    inputs: &Inputs,
) -> io::Result<()> {
    let [old, new] = sides;
    let (bo, bn) = (old.timelines.by_invoice(), new.timelines.by_invoice());
    let n = bo.len().min(bn.len()).min(data.invoices.len());
    let mut changes: Vec<(usize, Change)> = Vec::new();
    for i in 0..n {
        if let Some(c) = classify(&visible(old, &bo, i), &visible(new, &bn, i)) {
            changes.push((i, c));
        }
    }
    super::head(out, &format!("Policy change over {} to {}", d.from, d.to))?;
    super::inputs_section(out, inputs, d.from, d.to)?;
    figures(out, [old, new], d, [reached(&bo), reached(&bn)])?;
    workload(out, [old, new], capacity)?;
    // The changes, counted by kind.
    let mut counts: BTreeMap<Change, usize> = BTreeMap::new();
    for (_, c) in &changes {
        *counts.entry(*c).or_default() += 1;
    }
    writeln!(
        out,
        "<section id=\"changes\">\n<h2>Invoices whose actions changed</h2>\n<p><span data-figure=\"invoices_changed\">{}</span> of <span data-figure=\"invoices\">{}</span> invoices get a different sequence of actions (day, action, template).</p>\n<table><thead><tr><th>change</th><th>invoices</th></tr></thead><tbody>",
        d.invoices_changed, d.invoices
    )?;
    for c in Change::ALL {
        writeln!(
            out,
            "<tr><td>{}</td><td class=\"n\" data-change=\"{:?}\">{}</td></tr>",
            c.label(),
            c,
            counts.get(&c).copied().unwrap_or(0)
        )?;
    }
    out.write_all(b"</tbody></table>\n</section>\n")?;
    table_shell(
        out,
        "changed",
        "Changed invoices",
        "Each invoice whose actions changed, with both timelines: search an invoice or a customer (or open the page at <code>#q=ID</code>), pick a kind of change, open a row.",
        Some("change"),
    )?;
    out.write_all(b"<script type=\"application/json\" class=\"table-data\">\n{\"from\":")?;
    json_str(out, &d.from.to_string())?;
    out.write_all(b",\"kinds\":[")?;
    for (n, k) in ActionKind::ALL.iter().enumerate() {
        if n > 0 {
            out.write_all(b",")?;
        }
        json_str(out, k.as_str())?;
    }
    out.write_all(b"],")?;
    names_json(out, &[old, new])?;
    out.write_all(b",\"timelines\":[\"old policy\",\"new policy\"],\"cols\":[[\"invoice\",\"s\"],[\"customer\",\"s\"],[\"change\",\"s\"],[\"actions before\",\"n\"],[\"actions after\",\"n\"]],\"search\":[0,1],\"facet\":2,\"rows\":[\n")?;
    for (n, (i, c)) in changes.iter().enumerate() {
        if n > 0 {
            out.write_all(b",\n")?;
        }
        let inv = &data.invoices[*i];
        out.write_all(b"[")?;
        json_str(out, &inv.id)?;
        out.write_all(b",")?;
        json_str(out, &inv.customer_id)?;
        write!(out, ",\"{}\",{},{},", c.label(), bo.count(*i), bn.count(*i))?;
        steps_json(out, &bo, *i)?;
        out.write_all(b",")?;
        steps_json(out, &bn, *i)?;
        out.write_all(b"]")?;
    }
    out.write_all(b"\n]}\n</script>\n</section>\n")?;
    super::foot(out)
}

/// One row of the figures table.
fn row(
    out: &mut impl Write,
    name: &str,
    label: &str,
    old: &str,
    new: &str,
    change: &str,
) -> io::Result<()> {
    writeln!(
        out,
        "<tr data-row=\"{}\"><th scope=\"row\">{}</th><td class=\"n old\">{}</td><td class=\"n new\">{}</td><td class=\"n change\">{}</td></tr>",
        Esc(name),
        Esc(label),
        Esc(old),
        Esc(new),
        Esc(change)
    )
}

fn counts(out: &mut impl Write, name: &str, label: &str, old: usize, new: usize) -> io::Result<()> {
    let change = new as i128 - old as i128;
    let change = if change > 0 {
        format!("+{change}")
    } else {
        change.to_string()
    };
    row(
        out,
        name,
        label,
        &old.to_string(),
        &new.to_string(),
        &change,
    )
}

fn figures(
    out: &mut impl Write,
    [old, new]: [Side<'_, '_>; 2],
    d: &Diff,
    reached: [usize; 2],
) -> io::Result<()> {
    let (a, b) = (old.summary, new.summary);
    out.write_all(b"<section id=\"figures\">\n<h2>Every figure, before and after</h2>\n<table class=\"figures\"><thead><tr><th>figure</th><th>old policy</th><th>new policy</th><th>change</th></tr></thead><tbody>\n")?;
    counts(out, "actions", "actions", d.actions_old, d.actions_new)?;
    counts(
        out,
        "invoices_reached",
        "invoices reached",
        reached[0],
        reached[1],
    )?;
    counts(
        out,
        "crossed_payment",
        "reminders that crossed a payment",
        a.crossed_payment,
        b.crossed_payment,
    )?;
    counts(
        out,
        "expired_while_deferred",
        "steps expired while deferred",
        a.expired_while_deferred,
        b.expired_while_deferred,
    )?;
    counts(
        out,
        "open_at_end",
        "invoices open at the end",
        a.open_at_end,
        b.open_at_end,
    )?;
    for (k, kc) in d.kinds.iter().enumerate() {
        counts(
            out,
            &format!("kinds.{k}.actions"),
            &format!("{}: actions", kc.action),
            kc.old,
            kc.new,
        )?;
        row(
            out,
            &format!("kinds.{k}.per_business_day"),
            &format!("{}: per business day", kc.action),
            &kc.old_per_business_day.to_string(),
            &kc.new_per_business_day.to_string(),
            &(kc.new_per_business_day - kc.old_per_business_day).to_string(),
        )?;
        counts(
            out,
            &format!("kinds.{k}.busiest_day_actions"),
            &format!("{}: busiest day", kc.action),
            kc.old_busiest_day_actions,
            kc.new_busiest_day_actions,
        )?;
    }
    // The ladder, step by step (by rule name: a renamed rule is two rows).
    let mut steps: Vec<&str> = a.steps.iter().map(|s| s.rule.as_str()).collect();
    for s in &b.steps {
        if !steps.contains(&s.rule.as_str()) {
            steps.push(&s.rule);
        }
    }
    for rule in steps {
        let of = |s: &crate::Summary| {
            s.steps
                .iter()
                .find(|f| f.rule == rule)
                .map_or(0, |f| f.invoices)
        };
        counts(
            out,
            &format!("steps.{rule}"),
            &format!("step {rule}: invoices reaching it"),
            of(a),
            of(b),
        )?;
    }
    for (i, c) in d.indicators.iter().enumerate() {
        let label = match &c.segment {
            Some(s) => format!("{} ({}, segment {s})", c.indicator, c.currency),
            None => format!("{} ({})", c.indicator, c.currency),
        };
        row(
            out,
            &format!("indicators.{i}"),
            &label,
            &opt(c.old),
            &opt(c.new),
            &opt(c.change),
        )?;
    }
    out.write_all(b"</tbody></table>\n</section>\n")
}

fn workload(
    out: &mut impl Write,
    [old, new]: [Side<'_, '_>; 2],
    capacity: &Capacity,
) -> io::Result<()> {
    let days = business_days(
        old.policy.settings.calendar,
        old.timelines.from(),
        old.timelines.per_day.len(),
    );
    let dates: Vec<_> = days.iter().map(|(_, d)| *d).collect();
    let total = |side: Side<'_, '_>| -> Vec<usize> {
        days.iter()
            .map(|(i, _)| side.timelines.per_day.get(*i).map_or(0, |c| c.iter().sum()))
            .collect()
    };
    out.write_all(
        b"<section id=\"workload\">\n<h2>Workload per business day, before and after</h2>\n",
    )?;
    charts::curve_legend(out, &["old policy", "new policy"])?;
    let (to, tn) = (total(old), total(new));
    charts::curves(
        out,
        "All actions per business day",
        &dates,
        &[("old policy", &to), ("new policy", &tn)],
        None,
    )?;
    for k in ActionKind::ALL {
        let of = |side: Side<'_, '_>| -> Vec<usize> {
            days.iter()
                .map(|(i, _)| side.timelines.per_day.get(*i).map_or(0, |c| c[k as usize]))
                .collect()
        };
        let (vo, vn) = (of(old), of(new));
        if vo.iter().chain(&vn).all(|v| *v == 0) {
            continue;
        }
        let cap = capacity.of(k);
        write!(
            out,
            "<figure class=\"kind\" data-kind=\"{k}\"><figcaption><strong>{k}</strong>"
        )?;
        if let Some(c) = cap {
            let over = |v: &[usize]| v.iter().filter(|n| **n > c).count();
            write!(
                out,
                ": business days over the capacity of {c}: {} before, {} after",
                over(&vo),
                over(&vn)
            )?;
        }
        out.write_all(b"</figcaption>\n")?;
        charts::curves(
            out,
            &format!("{k} per business day"),
            &dates,
            &[("old policy", &vo), ("new policy", &vn)],
            cap,
        )?;
        out.write_all(b"</figure>\n")?;
    }
    out.write_all(b"</section>\n")
}
