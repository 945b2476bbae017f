//! What a policy change does, as a table, or a Markdown comment for
//! the pull request that changes the policy.

use std::fmt::Write as _;

use dunning::{Diff, IndicatorChange};
use rust_decimal::Decimal;

fn value(d: Option<Decimal>) -> String {
    d.map_or_else(|| "n/a".to_string(), |d| d.normalize().to_string())
}

fn change(d: Option<Decimal>) -> String {
    match d {
        Some(d) if d > Decimal::ZERO => format!("+{}", d.normalize()),
        Some(d) => d.normalize().to_string(),
        None => "n/a".to_string(),
    }
}

fn scope(i: &IndicatorChange) -> String {
    match &i.segment {
        Some(segment) => format!("{}, {segment}", i.currency),
        None => i.currency.to_string(),
    }
}

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
    if !d.indicators.is_empty() {
        let mut t = super::table(&["currency", "indicator", "old", "new", "change"]);
        for i in &d.indicators {
            t.add_row(vec![
                scope(i),
                i.indicator.to_string(),
                value(i.old),
                value(i.new),
                change(i.change),
            ]);
        }
        let _ = writeln!(out, "\nIndicators\n{t}");
    }
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
        // Penalties or segments may still differ.
        let changed: Vec<&IndicatorChange> =
            d.indicators.iter().filter(|i| i.old != i.new).collect();
        markdown_indicators(&mut out, &changed);
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
    markdown_indicators(&mut out, &d.indicators.iter().collect::<Vec<_>>());
    if !d.examples.is_empty() {
        let _ = writeln!(out, "\n<details><summary>Examples</summary>\n");
        for ex in &d.examples {
            let _ = writeln!(
                out,
                "**{}** (customer {})\n",
                md(&ex.invoice_id),
                md(&ex.customer_id)
            );
            let _ = writeln!(out, "| old | new |\n|---|---|");
            for i in 0..ex.old.len().max(ex.new.len()) {
                let cell = |v: &Vec<String>| v.get(i).map_or(String::new(), |s| md(s));
                let _ = writeln!(out, "| {} | {} |", cell(&ex.old), cell(&ex.new));
            }
            out.push('\n');
        }
        let _ = writeln!(out, "</details>");
    }
    out
}

/// Text from the data or the policy (ids, templates) as Markdown shows it
/// and nothing more: no `@mention` pings anyone, no `![](url)` loads an
/// image, no `<!--` hides the rest of the comment, no `|` breaks the table.
/// HTML's special characters and `@` become entities; the punctuation
/// that makes emphasis, code, links, images and cells is escaped with a
/// backslash (dates, `relance-1` and `first_reminder` are left as they are:
/// GitHub does not emphasize inside a word).
fn md(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '@' => out.push_str("&#64;"),
            '\\' | '`' | '*' | '[' | ']' | '!' | '|' | '~' => {
                out.push('\\');
                out.push(c);
            }
            c if c.is_control() => out.extend(c.escape_unicode()),
            c => out.push(c),
        }
    }
    out
}

/// The indicators before and after, folded (nothing when there are none).
fn markdown_indicators(out: &mut String, rows: &[&IndicatorChange]) {
    if rows.is_empty() {
        return;
    }
    let _ = writeln!(out, "\n<details><summary>Indicators</summary>\n");
    let _ = writeln!(out, "| currency | indicator | old | new | change |");
    let _ = writeln!(out, "|---|---|---:|---:|---:|");
    for i in rows {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} |",
            md(&scope(i)),
            i.indicator,
            value(i.old),
            value(i.new),
            change(i.change)
        );
    }
    let _ = writeln!(out, "\n</details>");
}

#[cfg(test)]
mod tests {
    use super::md;

    #[test]
    fn markdown_cells_are_inert() {
        assert_eq!(md("@someone"), "&#64;someone");
        assert_eq!(md("![](http://x/y.png)"), "\\!\\[\\](http://x/y.png)");
        assert_eq!(md("x<!--"), "x&lt;\\!--");
        assert_eq!(md("a|b"), "a\\|b");
        assert_eq!(md("I0042"), "I0042");
    }
}
