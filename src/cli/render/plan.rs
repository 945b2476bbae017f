//! A day's plan as a table (the JSON and the CSV are the library's).

use dunning::Plan;

pub(crate) fn table(plan: &Plan) -> String {
    if plan.actions.is_empty() {
        return format!("{}: no action\n", plan.date);
    }
    let penalties = plan
        .actions
        .iter()
        .any(|a| a.interest.is_some() || a.indemnity.is_some());
    let mut header = vec![
        "date",
        "customer",
        "action",
        "template",
        "invoices",
        "open amount",
    ];
    if penalties {
        header.extend(["interest", "indemnity"]);
    }
    header.extend(["rule", "reason"]);
    let mut t = super::table(&header);
    for a in &plan.actions {
        let mut row = vec![
            a.date.to_string(),
            a.customer_id.to_string(),
            a.action.to_string(),
            a.template.unwrap_or_default().to_string(),
            a.invoice_ids().collect::<Vec<_>>().join(" "),
            // One total per currency: `300.00 EUR + 150.00 USD`.
            a.totals
                .iter()
                .map(|t| format!("{} {}", t.open_amount, t.currency))
                .collect::<Vec<_>>()
                .join(" + "),
        ];
        if penalties {
            let interest: Option<Vec<String>> = a
                .totals
                .iter()
                .map(|t| t.interest.map(|i| format!("{i} {}", t.currency)))
                .collect();
            row.push(interest.map(|i| i.join(" + ")).unwrap_or_default());
            row.push(match (a.indemnity, a.indemnity_currency) {
                (Some(i), Some(c)) => format!("{i} {c}"),
                _ => String::new(),
            });
        }
        row.push(a.rule());
        row.push(a.reason().into_owned());
        t.add_row(row);
    }
    let n = plan.actions.len();
    format!(
        "{t}\n{}: {n} action{}\n",
        plan.date,
        if n == 1 { "" } else { "s" }
    )
}
