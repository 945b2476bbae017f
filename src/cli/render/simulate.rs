//! A replay's summary as a credit manager reads it in a terminal.

use std::fmt::Write as _;

use dunning::Summary;

pub(crate) fn table(s: &Summary) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "Simulation {} to {}: {} invoices, {} business days, {} actions\n",
        s.from, s.to, s.invoices, s.business_days, s.actions_total
    );
    let mut t = super::table(&[
        "action",
        "actions",
        "invoices",
        "per business day",
        "busiest day",
    ]);
    for (kind, k) in &s.by_kind {
        t.add_row(vec![
            kind.clone(),
            k.actions.to_string(),
            k.invoices.to_string(),
            k.per_business_day.to_string(),
            k.busiest_day
                .map(|d| format!("{d} ({})", k.busiest_day_actions))
                .unwrap_or_default(),
        ]);
    }
    let _ = writeln!(out, "Actions and workload\n{t}\n");

    let kinds: Vec<&String> = s.by_kind.keys().collect();
    let mut header = vec!["month"];
    header.extend(kinds.iter().map(|k| k.as_str()));
    let mut t = super::table(&header);
    for (month, counts) in &s.by_month {
        let mut row = vec![month.clone()];
        row.extend(
            kinds
                .iter()
                .map(|k| counts.get(*k).copied().unwrap_or(0).to_string()),
        );
        t.add_row(row);
    }
    let _ = writeln!(out, "Actions by month\n{t}\n");

    let mut t = super::table(&[
        "step",
        "action",
        "invoices reaching it",
        "expired while deferred",
    ]);
    for step in &s.steps {
        t.add_row(vec![
            step.rule.clone(),
            step.action.clone(),
            step.invoices.to_string(),
            step.expired_while_deferred.to_string(),
        ]);
    }
    let _ = writeln!(out, "Ladder\n{t}\n");
    let _ = writeln!(
        out,
        "Steps expired while deferred by the cooldown (no longer due when it ended): {}",
        s.expired_while_deferred
    );

    let _ = writeln!(
        out,
        "Reminders that crossed a payment (paid within 3 days after): {}",
        s.crossed_payment
    );
    let mut open: Vec<String> = s
        .open_by_last_step
        .iter()
        .map(|(step, n)| format!("{step}: {n}"))
        .collect();
    if open.is_empty() {
        open.push("none".into());
    }
    let _ = writeln!(
        out,
        "Invoices open at the end: {} (by last step: {})",
        s.open_at_end,
        open.join(", ")
    );
    let c = &s.context;
    let show = |d: Option<rust_decimal::Decimal>, unit: &str| {
        d.map_or_else(|| "n/a".to_string(), |d| format!("{}{unit}", d.normalize()))
    };
    let _ = writeln!(
        out,
        "From the data{}: DSO {}",
        c.currency.map(|c| format!(" ({c})")).unwrap_or_default(),
        show(c.dso_days, " days"),
    );
    let pct = |d: Option<rust_decimal::Decimal>| {
        d.map_or_else(|| "n/a".to_string(), |d| format!("{d:.2}%"))
    };
    let segments = s.indicators_by_segment.iter().flat_map(|(segment, by)| {
        by.iter()
            .map(move |(currency, i)| (format!("{currency}, segment {segment}"), i))
    });
    let all = s.indicators.iter().map(|(c, i)| (c.to_string(), i));
    for (currency, i) in all.chain(segments) {
        let _ = writeln!(
            out,
            "Indicators ({currency}): disputed {} of {} invoices issued ({}, {} of their value); recovered {} of invoiced, {} of due; CEI {}; paid on time {}; average days late of paid invoices {}, counting unpaid {}",
            i.disputed,
            i.issued,
            pct(i.dispute_rate_percent),
            pct(i.dispute_value_percent),
            pct(i.recovery_invoiced_percent),
            pct(i.recovery_due_percent),
            pct(i.cei_percent),
            pct(i.paid_on_time_percent),
            show(i.average_days_late, " days"),
            show(i.average_days_late_with_unpaid, " days"),
        );
        let aged: Vec<String> = dunning::AGE_BUCKETS
            .iter()
            .zip(&i.aged)
            .map(|(label, amount)| format!("{label}: {amount:.2}"))
            .collect();
        let _ = writeln!(
            out,
            "Aged balance at the end ({currency}): {}",
            aged.join(", ")
        );
    }
    let segments = s.paid_late_by_segment.iter().flat_map(|(segment, by)| {
        by.iter()
            .map(move |(currency, p)| (format!("{currency}, segment {segment}"), p))
    });
    let all = s.paid_late.iter().map(|(c, p)| (c.to_string(), p));
    for (currency, p) in all.chain(segments) {
        let mut unknown = if p.interest_unknown > 0 {
            format!(
                " ({} without a rate in the rate tables)",
                p.interest_unknown
            )
        } else {
            String::new()
        };
        if p.interest_too_large > 0 {
            unknown.push_str(&format!(
                " ({} too large to compute exactly)",
                p.interest_too_large
            ));
        }
        let other = match p.indemnity_other_currencies {
            0 => String::new(),
            1 => " (1 on an invoice in another currency)".to_string(),
            n => format!(" ({n} on invoices in other currencies)"),
        };
        let _ = writeln!(
            out,
            "Penalties owed on invoices paid late in the range ({currency}): {} invoice{}, interest {:.2}{unknown}, indemnities {:.2}{other}",
            p.invoices,
            if p.invoices == 1 { "" } else { "s" },
            p.interest,
            p.indemnity,
        );
    }
    out
}
