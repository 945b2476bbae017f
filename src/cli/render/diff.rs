//! What a policy change does, as a table, or a Markdown comment for
//! the pull request that changes the policy.

use std::fmt::Write as _;

use dunning::Diff;

fn signed(old: usize, new: usize) -> String {
    let d = new as i64 - old as i64;
    if d > 0 {
        format!("+{d}")
    } else {
        d.to_string()
    }
}

pub(crate) fn table(d: &Diff) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "Policy change over {} to {}: {} actions before, {} after; {} of {} invoices get a different sequence\n",
        d.from, d.to, d.actions_old, d.actions_new, d.invoices_changed, d.invoices
    );
    let mut t = super::table(&[
        "action",
        "old",
        "new",
        "change",
        "old per day",
        "new per day",
        "old busiest",
        "new busiest",
    ]);
    for k in &d.kinds {
        t.add_row(vec![
            k.action.clone(),
            k.old.to_string(),
            k.new.to_string(),
            signed(k.old, k.new),
            k.old_per_business_day.to_string(),
            k.new_per_business_day.to_string(),
            k.old_busiest_day_actions.to_string(),
            k.new_busiest_day_actions.to_string(),
        ]);
    }
    let _ = writeln!(out, "{t}");
    for ex in &d.examples {
        let _ = writeln!(
            out,
            "\ninvoice {} (customer {})",
            ex.invoice_id, ex.customer_id
        );
        let mut t = super::table(&["old", "new"]);
        let rows = ex.old.len().max(ex.new.len());
        for i in 0..rows {
            t.add_row(vec![
                ex.old.get(i).cloned().unwrap_or_default(),
                ex.new.get(i).cloned().unwrap_or_default(),
            ]);
        }
        let _ = writeln!(out, "{t}");
    }
    out
}

pub(crate) fn markdown(d: &Diff) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "### Dunning policy change: simulated {} to {}\n",
        d.from, d.to
    );
    if d.is_empty() {
        let _ = writeln!(
            out,
            "No action changes: every invoice gets the same sequence of actions."
        );
        return out;
    }
    let _ = writeln!(
        out,
        "**{} of {} invoices** get a different sequence of actions ({} actions before, {} after).\n",
        d.invoices_changed, d.invoices, d.actions_old, d.actions_new
    );
    let _ = writeln!(
        out,
        "| action | old | new | change | per business day (old → new) | busiest day (old → new) |"
    );
    let _ = writeln!(out, "|---|---:|---:|---:|---|---|");
    for k in &d.kinds {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} → {} | {} → {} |",
            k.action,
            k.old,
            k.new,
            signed(k.old, k.new),
            k.old_per_business_day,
            k.new_per_business_day,
            k.old_busiest_day_actions,
            k.new_busiest_day_actions
        );
    }
    if !d.examples.is_empty() {
        let _ = writeln!(out, "\n<details><summary>Examples</summary>\n");
        for ex in &d.examples {
            let _ = writeln!(out, "**{}** (customer {})\n", ex.invoice_id, ex.customer_id);
            let _ = writeln!(out, "| old | new |\n|---|---|");
            for i in 0..ex.old.len().max(ex.new.len()) {
                let cell =
                    |v: &Vec<String>| v.get(i).map_or(String::new(), |s| s.replace('|', "\\|"));
                let _ = writeln!(out, "| {} | {} |", cell(&ex.old), cell(&ex.new));
            }
            out.push('\n');
        }
        let _ = writeln!(out, "</details>");
    }
    out
}
