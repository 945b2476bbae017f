//! The page of `simulate --report`.

use std::collections::BTreeMap;
use std::io::{self, Write};

use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;

use super::charts;
use super::collect::ByInvoice;
use super::html::{json_str, Esc};
use super::{business_days, opt, Capacity, Inputs, Invoices, Side};
use crate::data::AttrValue;
use crate::policy::ActionKind;
use crate::{Summary, AGE_BUCKETS, NO_SEGMENT};

/// Writes the report of one policy's replay.
pub fn simulation(
    out: &mut impl Write,
    run: Side<'_, '_>,
    data: Invoices<'_>,
    capacity: &Capacity,
    inputs: &Inputs,
) -> io::Result<()> {
    let s = run.summary;
    let by_invoice = run.timelines.by_invoice();
    super::head(out, &format!("Dry-run of {} to {}", s.from, s.to))?;
    super::inputs_section(out, inputs, s.from, s.to)?;
    headline(out, s, &by_invoice)?;
    weekly(out, run)?;
    workload(out, run, capacity)?;
    ladder(out, s, run, &by_invoice)?;
    aged(out, s)?;
    crossed(out, s)?;
    segments(out, run, data, &by_invoice)?;
    invoice_table(out, run, data, &by_invoice)?;
    super::foot(out)
}

/// How many invoices had at least one action.
pub(super) fn reached(by_invoice: &ByInvoice<'_>) -> usize {
    (0..by_invoice.len())
        .filter(|i| by_invoice.count(*i) > 0)
        .count()
}

fn figure(
    out: &mut impl Write,
    name: &str,
    label: &str,
    value: &str,
    unit: &str,
) -> io::Result<()> {
    writeln!(
        out,
        "<div class=\"card\"><div class=\"label\">{}</div><div class=\"value\"><span data-figure=\"{}\">{}</span>{}</div></div>",
        Esc(label),
        Esc(name),
        Esc(value),
        Esc(unit)
    )
}

fn headline(out: &mut impl Write, s: &Summary, by_invoice: &ByInvoice<'_>) -> io::Result<()> {
    out.write_all(
        b"<section id=\"headline\">\n<h2>Headline figures</h2>\n<div class=\"cards\">\n",
    )?;
    figure(
        out,
        "actions_total",
        "actions",
        &s.actions_total.to_string(),
        "",
    )?;
    figure(
        out,
        "invoices_reached",
        "invoices reached",
        &reached(by_invoice).to_string(),
        "",
    )?;
    figure(
        out,
        "invoices",
        "invoices in the data",
        &s.invoices.to_string(),
        "",
    )?;
    figure(
        out,
        "business_days",
        "business days",
        &s.business_days.to_string(),
        "",
    )?;
    figure(
        out,
        "crossed_payment",
        "reminders that crossed a payment",
        &s.crossed_payment.to_string(),
        "",
    )?;
    figure(
        out,
        "expired_while_deferred",
        "steps expired while deferred",
        &s.expired_while_deferred.to_string(),
        "",
    )?;
    figure(
        out,
        "open_at_end",
        "invoices open at the end",
        &s.open_at_end.to_string(),
        "",
    )?;
    let currency = s
        .context
        .currency
        .map(|c| format!(" ({c})"))
        .unwrap_or_default();
    figure(
        out,
        "context.dso_days",
        &format!("DSO{currency}"),
        &opt(s.context.dso_days),
        " days",
    )?;
    figure(
        out,
        "context.paid_on_time_percent",
        "paid on time",
        &opt(s.context.paid_on_time_percent),
        " %",
    )?;
    figure(
        out,
        "context.average_days_late",
        "average days late",
        &opt(s.context.average_days_late),
        " days",
    )?;
    out.write_all(b"</div>\n")?;
    // Per kind of action.
    out.write_all(b"<h3>Actions by kind</h3>\n<table><thead><tr><th>action</th><th>actions</th><th>invoices</th><th>per business day</th><th>busiest day</th></tr></thead><tbody>\n")?;
    for (kind, f) in &s.by_kind {
        let busiest = f.busiest_day.map_or_else(
            || "n/a".to_string(),
            |d| format!("{d} ({})", f.busiest_day_actions),
        );
        writeln!(
            out,
            "<tr><td>{k}</td><td class=\"n\" data-figure=\"by_kind.{k}.actions\">{}</td><td class=\"n\" data-figure=\"by_kind.{k}.invoices\">{}</td><td class=\"n\" data-figure=\"by_kind.{k}.per_business_day\">{}</td><td>{}</td></tr>",
            f.actions,
            f.invoices,
            f.per_business_day,
            Esc(&busiest),
            k = Esc(kind)
        )?;
    }
    out.write_all(b"</tbody></table>\n")?;
    // The indicators per currency.
    out.write_all(b"<h3>Indicators by currency</h3>\n<table><thead><tr><th>currency</th><th>issued</th><th>disputed (count %)</th><th>disputed (value %)</th><th>recovered of invoiced %</th><th>recovered of due %</th><th>CEI %</th><th>average days late counting unpaid</th></tr></thead><tbody>\n")?;
    for (c, i) in &s.indicators {
        let p = format!("indicators.{c}");
        writeln!(
            out,
            "<tr><td>{c}</td><td class=\"n\" data-figure=\"{p}.issued\">{}</td><td class=\"n\" data-figure=\"{p}.dispute_rate_percent\">{}</td><td class=\"n\" data-figure=\"{p}.dispute_value_percent\">{}</td><td class=\"n\" data-figure=\"{p}.recovery_invoiced_percent\">{}</td><td class=\"n\" data-figure=\"{p}.recovery_due_percent\">{}</td><td class=\"n\" data-figure=\"{p}.cei_percent\">{}</td><td class=\"n\" data-figure=\"{p}.average_days_late_with_unpaid\">{}</td></tr>",
            i.issued,
            opt(i.dispute_rate_percent),
            opt(i.dispute_value_percent),
            opt(i.recovery_invoiced_percent),
            opt(i.recovery_due_percent),
            opt(i.cei_percent),
            opt(i.average_days_late_with_unpaid),
        )?;
    }
    out.write_all(b"</tbody></table>\n")?;
    if !s.paid_late.is_empty() {
        out.write_all(b"<h3>Penalties owed on invoices paid late in the range</h3>\n<table><thead><tr><th>currency</th><th>invoices paid late</th><th>interest</th><th>indemnities</th></tr></thead><tbody>\n")?;
        for (c, p) in &s.paid_late {
            let q = format!("paid_late.{c}");
            writeln!(
                out,
                "<tr><td>{c}</td><td class=\"n\" data-figure=\"{q}.invoices\">{}</td><td class=\"n\" data-figure=\"{q}.interest\">{}</td><td class=\"n\" data-figure=\"{q}.indemnity\">{}</td></tr>",
                p.invoices, p.interest, p.indemnity
            )?;
        }
        out.write_all(b"</tbody></table>\n")?;
    }
    out.write_all(b"</section>\n")
}

/// The kinds with at least one action, in `ActionKind::ALL` order.
fn kinds_used(per_day: &[[usize; super::KINDS]]) -> Vec<ActionKind> {
    ActionKind::ALL
        .into_iter()
        .filter(|k| per_day.iter().any(|d| d[*k as usize] > 0))
        .collect()
}

fn weekly(out: &mut impl Write, run: Side<'_, '_>) -> io::Result<()> {
    let t = run.timelines;
    let weeks = t.per_week();
    let kinds = kinds_used(&t.per_day);
    out.write_all(b"<section id=\"weekly\">\n<h2>Actions per week</h2>\n<p class=\"legend\">")?;
    for k in &kinds {
        charts::swatch(out, *k as usize, k.as_str())?;
    }
    out.write_all(b"</p>\n")?;
    let dates: Vec<_> = weeks.iter().map(|(d, _)| *d).collect();
    let stacks: Vec<Vec<(usize, usize)>> = weeks
        .iter()
        .map(|(_, c)| {
            kinds
                .iter()
                .map(|k| (*k as usize, c[*k as usize]))
                .collect()
        })
        .collect();
    let names: Vec<&str> = ActionKind::ALL.iter().map(|k| k.as_str()).collect();
    charts::stacked(
        out,
        "Actions per week, stacked by kind",
        &dates,
        &stacks,
        &names,
    )?;
    // The numbers, per month as in the JSON.
    out.write_all(b"<h3>Actions by month</h3>\n<table><thead><tr><th>month</th>")?;
    for k in &kinds {
        write!(out, "<th>{}</th>", k.as_str())?;
    }
    out.write_all(b"</tr></thead><tbody>\n")?;
    for (month, counts) in &run.summary.by_month {
        write!(out, "<tr><td>{}</td>", Esc(month))?;
        for k in &kinds {
            write!(
                out,
                "<td class=\"n\">{}</td>",
                counts.get(k.as_str()).copied().unwrap_or(0)
            )?;
        }
        out.write_all(b"</tr>\n")?;
    }
    out.write_all(b"</tbody></table>\n</section>\n")
}

fn workload(out: &mut impl Write, run: Side<'_, '_>, capacity: &Capacity) -> io::Result<()> {
    let t = run.timelines;
    let days = business_days(run.policy.settings.calendar, t.from(), t.per_day.len());
    let dates: Vec<_> = days.iter().map(|(_, d)| *d).collect();
    out.write_all(b"<section id=\"workload\">\n<h2>Workload per business day</h2>\n")?;
    let given: Vec<String> = ActionKind::ALL
        .iter()
        .filter_map(|k| capacity.of(*k).map(|c| format!("{k}={c}")))
        .collect();
    if given.is_empty() {
        out.write_all(b"<p>No capacity given (<code>--capacity call=40,letter=100</code> draws each kind's line and marks the days over it).</p>\n")?;
    } else {
        writeln!(
            out,
            "<p>Capacity: <code>{}</code>. Days over it are hatched and dark.</p>",
            Esc(&given.join(","))
        )?;
    }
    let off_days: usize = {
        let open: std::collections::BTreeSet<usize> = days.iter().map(|(i, _)| *i).collect();
        t.per_day
            .iter()
            .enumerate()
            .filter(|(i, _)| !open.contains(i))
            .map(|(_, c)| c.iter().sum::<usize>())
            .sum()
    };
    if off_days > 0 {
        writeln!(out, "<p>{off_days} actions fall on days that are not business days; they are not in these charts.</p>")?;
    }
    let mut kinds = kinds_used(&t.per_day);
    for k in ActionKind::ALL {
        if capacity.of(k).is_some() && !kinds.contains(&k) {
            kinds.push(k);
        }
    }
    for k in kinds {
        let values: Vec<usize> = days
            .iter()
            .map(|(i, _)| t.per_day[*i][k as usize])
            .collect();
        let cap = capacity.of(k);
        let over: Vec<_> = cap
            .map(|c| {
                dates
                    .iter()
                    .zip(&values)
                    .filter(|(_, v)| **v > c)
                    .map(|(d, v)| format!("{d} ({v})"))
                    .collect()
            })
            .unwrap_or_default();
        write!(
            out,
            "<figure class=\"kind\" data-kind=\"{k}\">\n<figcaption><strong>{k}</strong>"
        )?;
        if let Some(c) = cap {
            write!(
                out,
                ": <span data-figure=\"over_capacity.{k}\">{}</span> business days over the capacity of {c}",
                over.len()
            )?;
        }
        out.write_all(b"</figcaption>\n")?;
        charts::capacity_bars(
            out,
            &format!("{k} per business day"),
            &dates,
            &values,
            cap,
            k as usize,
        )?;
        if !over.is_empty() {
            let shown = over.iter().take(20).cloned().collect::<Vec<_>>().join(", ");
            let more = over.len().saturating_sub(20);
            write!(out, "<p class=\"over-days\">Over capacity: {shown}")?;
            if more > 0 {
                write!(out, " and {more} more")?;
            }
            out.write_all(b"</p>\n")?;
        }
        out.write_all(b"</figure>\n")?;
    }
    out.write_all(b"</section>\n")
}

fn ladder(
    out: &mut impl Write,
    s: &Summary,
    run: Side<'_, '_>,
    by_invoice: &ByInvoice<'_>,
) -> io::Result<()> {
    // Invoices whose last step is each rule.
    let mut last = vec![0usize; run.policy.rules.len()];
    for i in 0..by_invoice.len() {
        if let Some(step) = by_invoice.of(i).last() {
            if let Some(n) = last.get_mut(step.rule as usize) {
                *n += 1;
            }
        }
    }
    out.write_all(b"<section id=\"ladder\">\n<h2>The ladder</h2>\n<p class=\"legend\">")?;
    charts::swatch(out, 0, "went on to a later step")?;
    charts::swatch(out, 2, "paid after it (its last step)")?;
    charts::swatch(out, 5, "still open at the end")?;
    out.write_all(b"</p>\n")?;
    let max = s.steps.iter().map(|f| f.invoices).max().unwrap_or(0).max(1) as f64;
    let mut rows = Vec::new();
    let mut table = Vec::new();
    for (r, f) in s.steps.iter().enumerate() {
        let stopped = last.get(r).copied().unwrap_or(0);
        let open = s.open_by_last_step.get(&f.rule).copied().unwrap_or(0);
        let paid = stopped.saturating_sub(open);
        let on = f.invoices.saturating_sub(stopped);
        rows.push((
            f.rule.clone(),
            vec![
                (on as f64 / max, 0),
                (paid as f64 / max, 2),
                (open as f64 / max, 5),
            ],
            format!("{} reached, {} paid after, {} open", f.invoices, paid, open),
        ));
        table.push((f, on, paid, open));
    }
    charts::hbars(out, "Invoices reaching each step", &rows)?;
    out.write_all(b"<table><thead><tr><th>step</th><th>action</th><th>invoices reaching it</th><th>went on</th><th>paid after it</th><th>open at the end</th><th>expired while deferred</th></tr></thead><tbody>\n")?;
    for (r, (f, on, paid, open)) in table.into_iter().enumerate() {
        writeln!(
            out,
            "<tr><td>{}</td><td>{}</td><td class=\"n\" data-figure=\"steps.{r}.invoices\">{}</td><td class=\"n\">{on}</td><td class=\"n\">{paid}</td><td class=\"n\">{open}</td><td class=\"n\" data-figure=\"steps.{r}.expired_while_deferred\">{}</td></tr>",
            Esc(&f.rule),
            Esc(&f.action),
            f.invoices,
            f.expired_while_deferred
        )?;
    }
    let none = s.open_by_last_step.get("none").copied().unwrap_or(0);
    writeln!(out, "</tbody></table>\n<p>Open at the end without any step: <span data-figure=\"open_by_last_step.none\">{none}</span>.</p>\n</section>")
}

fn aged(out: &mut impl Write, s: &Summary) -> io::Result<()> {
    out.write_all(b"<section id=\"aged\">\n<h2>Aged balance at the end</h2>\n")?;
    for (c, i) in &s.indicators {
        let max = i.aged.iter().copied().max().unwrap_or(Decimal::ZERO);
        let part = |d: Decimal| {
            if max > Decimal::ZERO {
                (d / max).to_f64().unwrap_or(0.0)
            } else {
                0.0
            }
        };
        let rows: Vec<_> = AGE_BUCKETS
            .iter()
            .zip(i.aged.iter())
            .enumerate()
            .map(|(b, (label, amount))| {
                (
                    format!("{label} days").replace("not due days", "not due"),
                    vec![(part(*amount), b)],
                    format!("{amount} {c}"),
                )
            })
            .collect();
        writeln!(out, "<h3>{c}</h3>")?;
        charts::hbars(out, &format!("Aged balance at the end ({c})"), &rows)?;
        out.write_all(b"<table><thead><tr>")?;
        for label in AGE_BUCKETS {
            write!(out, "<th>{label}</th>")?;
        }
        out.write_all(b"</tr></thead><tbody><tr>")?;
        for (b, amount) in i.aged.iter().enumerate() {
            write!(
                out,
                "<td class=\"n\" data-figure=\"indicators.{c}.aged.{b}\">{amount}</td>"
            )?;
        }
        out.write_all(b"</tr></tbody></table>\n")?;
    }
    out.write_all(b"</section>\n")
}

fn crossed(out: &mut impl Write, s: &Summary) -> io::Result<()> {
    write!(
        out,
        "<section id=\"crossed\">\n<h2>Reminders that crossed a payment</h2>\n<p><span data-figure=\"crossed_payment\">{}</span> actions on overdue invoices were followed by the invoice's payment within {} days.",
        s.crossed_payment,
        crate::simulate::summary::CROSSED_DAYS
    )?;
    if s.crossed_examples.is_empty() {
        return out.write_all(b"</p>\n</section>\n");
    }
    writeln!(out, " The first {}:</p>\n<table><thead><tr><th>invoice</th><th>action</th><th>action date</th><th>paid</th></tr></thead><tbody>", s.crossed_examples.len())?;
    for c in &s.crossed_examples {
        out.write_all(b"<tr><td>")?;
        super::invoice_link(out, &c.invoice_id)?;
        writeln!(
            out,
            "</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            Esc(&c.action),
            c.action_date,
            c.paid_date
        )?;
    }
    out.write_all(b"</tbody></table>\n</section>\n")
}

/// Each invoice's value of `segment`, when the policy declares it.
pub(super) fn segment_of<'d>(
    policy: &crate::Policy,
    invoices: &'d [crate::data::Invoice],
) -> Option<Vec<&'d str>> {
    let attr = policy.attributes.iter().position(|a| a.name == "segment")?;
    Some(
        invoices
            .iter()
            .map(|inv| match inv.attributes.get(attr) {
                Some(AttrValue::Text(t)) => t.as_str(),
                _ => NO_SEGMENT,
            })
            .collect(),
    )
}

fn segments(
    out: &mut impl Write,
    run: Side<'_, '_>,
    data: Invoices<'_>,
    by_invoice: &ByInvoice<'_>,
) -> io::Result<()> {
    let s = run.summary;
    let Some(of) = segment_of(run.policy, data.invoices) else {
        return Ok(());
    };
    // Invoices, invoices reached and actions on invoices per segment.
    let mut counts: BTreeMap<&str, (usize, usize, usize)> = BTreeMap::new();
    for (i, seg) in of.iter().enumerate().take(by_invoice.len()) {
        let e = counts.entry(seg).or_default();
        let n = by_invoice.count(i);
        e.0 += 1;
        e.1 += usize::from(n > 0);
        e.2 += n;
    }
    out.write_all(b"<section id=\"segments\">\n<h2>By segment</h2>\n<table><thead><tr><th>segment</th><th>invoices</th><th>reached</th><th>invoice actions</th></tr></thead><tbody>\n")?;
    for (seg, (n, reached, actions)) in &counts {
        writeln!(out, "<tr><td>{}</td><td class=\"n\">{n}</td><td class=\"n\">{reached}</td><td class=\"n\">{actions}</td></tr>", Esc(seg))?;
    }
    out.write_all(b"</tbody></table>\n<table><thead><tr><th>segment</th><th>currency</th><th>issued</th><th>disputed %</th><th>recovered of invoiced %</th><th>recovered of due %</th><th>CEI %</th><th>average days late counting unpaid</th><th>paid late</th><th>interest</th><th>indemnities</th></tr></thead><tbody>\n")?;
    for (seg, by) in &s.indicators_by_segment {
        for (c, i) in by {
            let late = s.paid_late_by_segment.get(seg).and_then(|p| p.get(c));
            let cell =
                |f: &dyn Fn(&crate::PaidLate) -> String| late.map_or_else(|| "n/a".to_string(), f);
            writeln!(
                out,
                "<tr><td>{}</td><td>{c}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td></tr>",
                Esc(seg),
                i.issued,
                opt(i.dispute_rate_percent),
                opt(i.recovery_invoiced_percent),
                opt(i.recovery_due_percent),
                opt(i.cei_percent),
                opt(i.average_days_late_with_unpaid),
                cell(&|p| p.invoices.to_string()),
                cell(&|p| p.interest.to_string()),
                cell(&|p| p.indemnity.to_string()),
            )?;
        }
    }
    out.write_all(b"</tbody></table>\n</section>\n")
}

/// The searchable table's controls and empty table; the script fills it
/// from the data block.
pub(super) fn table_shell(
    out: &mut impl Write,
    id: &str,
    title: &str,
    intro: &str,
    facet: Option<&str>,
) -> io::Result<()> {
    write!(
        out,
        "<section id=\"{id}\">\n<h2>{title}</h2>\n<p>{intro}</p>\n\
         <noscript><p>The table needs JavaScript (inline, nothing fetched); every other section reads without it.</p></noscript>\n\
         <div class=\"controls\"><label>Search <input type=\"search\" class=\"q\" placeholder=\"invoice or customer\" autocomplete=\"off\"></label>"
    )?;
    if let Some(facet) = facet {
        write!(out, " <label>{facet} <select class=\"facet\"><option value=\"\">all</option></select></label>")?;
    }
    out.write_all(
        b" <button type=\"button\" class=\"prev\">previous</button> <button type=\"button\" class=\"next\">next</button> <span class=\"status\" role=\"status\"></span></div>\n\
          <table class=\"rows\"><thead></thead><tbody></tbody></table>\n",
    )
}

fn invoice_table(
    out: &mut impl Write,
    run: Side<'_, '_>,
    data: Invoices<'_>,
    by_invoice: &ByInvoice<'_>,
) -> io::Result<()> {
    let t = run.timelines;
    let segment = segment_of(run.policy, data.invoices);
    table_shell(
        out,
        "invoices",
        "Invoices",
        "Every invoice with its actions: search an invoice or a customer (or open the page at <code>#q=ID</code>), sort by a column, open a row for its timeline.",
        None,
    )?;
    out.write_all(b"<script type=\"application/json\" class=\"table-data\">\n{\"from\":")?;
    json_str(out, &t.from().to_string())?;
    out.write_all(b",\"kinds\":[")?;
    for (n, k) in ActionKind::ALL.iter().enumerate() {
        if n > 0 {
            out.write_all(b",")?;
        }
        json_str(out, k.as_str())?;
    }
    out.write_all(b"],")?;
    names_json(out, &[run])?;
    out.write_all(
        b",\"timelines\":[\"actions\"],\"cols\":[[\"invoice\",\"s\"],[\"customer\",\"s\"],",
    )?;
    if segment.is_some() {
        out.write_all(b"[\"segment\",\"s\"],")?;
    }
    out.write_all(b"[\"amount\",\"n\"],[\"currency\",\"s\"],[\"due\",\"s\"],[\"paid\",\"s\"],[\"actions\",\"n\"]],\"search\":[0,1],\"rows\":[\n")?;
    for (i, inv) in data.invoices.iter().enumerate().take(by_invoice.len()) {
        if i > 0 {
            out.write_all(b",\n")?;
        }
        out.write_all(b"[")?;
        json_str(out, &inv.id)?;
        out.write_all(b",")?;
        json_str(out, &inv.customer_id)?;
        if let Some(seg) = &segment {
            out.write_all(b",")?;
            json_str(out, seg[i])?;
        }
        write!(
            out,
            ",\"{}\",\"{}\",\"{}\",",
            inv.amount, inv.currency, inv.due_date
        )?;
        match data.settled.get(i).copied().flatten() {
            Some(d) => write!(out, "\"{d}\"")?,
            None => out.write_all(b"\"\"")?,
        }
        write!(out, ",{},", by_invoice.count(i))?;
        steps_json(out, by_invoice, i)?;
        out.write_all(b"]")?;
    }
    out.write_all(b"\n]}\n</script>\n</section>\n")
}

/// `[day, kind, rule, template, …]`: an invoice's steps, flat.
pub(super) fn steps_json(
    out: &mut impl Write,
    by_invoice: &ByInvoice<'_>,
    i: usize,
) -> io::Result<()> {
    out.write_all(b"[")?;
    for (n, s) in by_invoice.of(i).enumerate() {
        if n > 0 {
            out.write_all(b",")?;
        }
        write!(out, "{},{},{},{}", s.day, s.kind, s.rule, s.template)?;
    }
    out.write_all(b"]")
}

/// `"templates":[[…]],"rules":[[…]]`: the names the steps of each side
/// point at.
pub(super) fn names_json(out: &mut impl Write, sides: &[Side<'_, '_>]) -> io::Result<()> {
    out.write_all(b"\"templates\":[")?;
    for (k, side) in sides.iter().enumerate() {
        out.write_all(if k > 0 { b",[" } else { b"[" })?;
        for (n, name) in side.timelines.templates.iter().enumerate() {
            if n > 0 {
                out.write_all(b",")?;
            }
            json_str(out, name)?;
        }
        out.write_all(b"]")?;
    }
    out.write_all(b"],\"rules\":[")?;
    for (k, side) in sides.iter().enumerate() {
        out.write_all(if k > 0 { b",[" } else { b"[" })?;
        for (n, rule) in side.policy.rules.iter().enumerate() {
            if n > 0 {
                out.write_all(b",")?;
            }
            json_str(out, &rule.name)?;
        }
        out.write_all(b"]")?;
    }
    out.write_all(b"]")
}
