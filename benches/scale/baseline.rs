//! The practical limit: the six-rule ladder of `ladder.dunning` computed
//! directly, with no interpreter. Per invoice, the days its steps fire
//! follow in closed form from its dates (catch-up and no-burst included),
//! so the program does one pass over the invoices, a sort, and the output.
//! It writes the same actions CSV as `dunning simulate --actions-out`.

use std::fmt::Write as _;

use foldhash::HashMap;
use std::io::Write;

use chrono::{Days, NaiveDate};
use rust_decimal::Decimal;

/// (rule, action, template, threshold in days overdue) of the ladder after
/// the preventive step, which holds from 3 days before the due date to it.
const STEPS: [(&str, &str, &str, i64); 5] = [
    ("first_reminder", "email", "relance-1", 1),
    ("second_reminder", "email", "relance-2", 10),
    ("phone", "call", "appel", 20),
    ("letter", "registered_letter", "lettre-penalites", 35),
    ("notice", "formal_notice", "mise-en-demeure", 50),
];

struct Invoice {
    id: String,
    customer: String,
    issue: NaiveDate,
    due: NaiveDate,
    amount: Decimal,
    currency: String,
    paid: Option<NaiveDate>,
    disputed: bool,
    payments: Vec<(NaiveDate, Decimal)>,
}

struct Line {
    date: NaiveDate,
    step: usize, // 0 = preventive, 1.. = STEPS[step - 1]
    invoice: usize,
    open: Decimal,
}

fn date(s: &str) -> NaiveDate {
    s.parse().unwrap_or(NaiveDate::MIN)
}

fn days(n: i64) -> impl std::fmt::Display {
    struct Days(i64);
    impl std::fmt::Display for Days {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            let unit = if self.0.abs() == 1 { "day" } else { "days" };
            write!(f, "{} {unit}", self.0)
        }
    }
    Days(n)
}

fn open_amount(inv: &Invoice, d: NaiveDate) -> Decimal {
    let paid: Decimal = inv
        .payments
        .iter()
        .filter(|(p, _)| *p <= d)
        .map(|(_, a)| *a)
        .sum();
    (inv.amount - paid).max(Decimal::ZERO)
}

fn is_open(inv: &Invoice, d: NaiveDate) -> bool {
    inv.issue <= d && inv.paid.is_none_or(|p| p > d) && open_amount(inv, d) > Decimal::ZERO
}

/// Reads the invoices and payments, computes every action of the range, writes the CSV.
pub fn run(
    invoices: &str,
    payments: &str,
    from: NaiveDate,
    to: NaiveDate,
    out: &str,
) -> std::io::Result<usize> {
    let mut list = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::default();
    let mut rdr = csv::Reader::from_path(invoices)?;
    let headers = rdr.headers()?.clone();
    let col = |name: &str| headers.iter().position(|h| h == name).unwrap_or(usize::MAX);
    let (ci, cc, cis, cd, ca, ccur, cp, cdis) = (
        col("invoice_id"),
        col("customer_id"),
        col("issue_date"),
        col("due_date"),
        col("amount"),
        col("currency"),
        col("paid_date"),
        col("disputed"),
    );
    let mut record = csv::StringRecord::new();
    while rdr.read_record(&mut record)? {
        let get = |i: usize| record.get(i).unwrap_or("");
        index.insert(get(ci).to_string(), list.len());
        list.push(Invoice {
            id: get(ci).to_string(),
            customer: get(cc).to_string(),
            issue: date(get(cis)),
            due: date(get(cd)),
            amount: get(ca).parse().unwrap_or_default(),
            currency: get(ccur).to_string(),
            paid: (!get(cp).is_empty()).then(|| date(get(cp))),
            disputed: get(cdis) == "true",
            payments: Vec::new(),
        });
    }
    if !payments.is_empty() {
        let mut rdr = csv::Reader::from_path(payments)?;
        while rdr.read_record(&mut record)? {
            if let Some(&i) = index.get(record.get(0).unwrap_or("")) {
                let d = date(record.get(1).unwrap_or(""));
                let a: Decimal = record.get(2).unwrap_or("0").parse().unwrap_or_default();
                list[i].payments.push((d, a));
            }
        }
        for inv in &mut list {
            inv.payments.sort();
        }
    }

    let mut lines = Vec::new();
    for (i, inv) in list.iter().enumerate() {
        if inv.disputed {
            continue; // paused by default
        }
        let mut day = inv.issue.max(from);
        let mut highest: Option<usize> = None;
        loop {
            // The first day from `day` on when a step above `highest` holds.
            let preventive = (highest.is_none())
                .then(|| {
                    let start = inv.due.checked_sub_days(Days::new(3)).unwrap_or(inv.due);
                    day.max(start)
                })
                .filter(|d| *d <= inv.due);
            let next_step = (1..=STEPS.len())
                .filter(|k| highest.is_none_or(|h| *k > h))
                .map(|k| {
                    day.max(
                        inv.due
                            .checked_add_days(Days::new(STEPS[k - 1].3 as u64))
                            .unwrap_or(inv.due),
                    )
                })
                .min();
            let Some(when) = [preventive, next_step].into_iter().flatten().min() else {
                break;
            };
            // Once paid (in full, or by payments) an invoice stays closed.
            if when > to || !is_open(inv, when) {
                break;
            }
            // The most advanced step holding on that day.
            let overdue = (when - inv.due).num_days();
            let step = (1..=STEPS.len())
                .rev()
                .find(|k| overdue >= STEPS[k - 1].3)
                .or((-3..=0).contains(&overdue).then_some(0));
            let Some(step) = step.filter(|s| highest.is_none_or(|h| *s > h)) else {
                break;
            };
            lines.push(Line {
                date: when,
                step,
                invoice: i,
                open: open_amount(inv, when),
            });
            highest = Some(step);
            day = when.succ_opt().unwrap_or(when);
        }
    }

    let rule = |s: usize| {
        if s == 0 {
            ("preventive", "email", "avant-echeance")
        } else {
            (STEPS[s - 1].0, STEPS[s - 1].1, STEPS[s - 1].2)
        }
    };
    lines.sort_unstable_by(|a, b| {
        let (ia, ib) = (&list[a.invoice], &list[b.invoice]);
        let (ra, rb) = (rule(a.step), rule(b.step));
        (
            a.date,
            ia.customer.as_str(),
            ra.1,
            ra.2,
            ia.currency.as_str(),
            ia.id.as_str(),
        )
            .cmp(&(
                b.date,
                ib.customer.as_str(),
                rb.1,
                rb.2,
                ib.currency.as_str(),
                ib.id.as_str(),
            ))
    });
    let mut w = csv::Writer::from_writer(std::io::BufWriter::new(std::fs::File::create(out)?));
    w.write_record([
        "date",
        "customer_id",
        "invoice_id",
        "rule",
        "action",
        "template",
        "open_amount",
        "currency",
        "days_overdue",
        "interest",
        "indemnity",
        "reason",
    ])?;
    let (mut day, mut open, mut overdue_cell, mut reason) =
        (String::new(), String::new(), String::new(), String::new());
    for l in &lines {
        let inv = &list[l.invoice];
        let (name, action, template) = rule(l.step);
        let overdue = (l.date - inv.due).num_days();
        for cell in [&mut day, &mut open, &mut overdue_cell, &mut reason] {
            cell.clear();
        }
        let _ = write!(day, "{}", l.date);
        let _ = write!(open, "{}", l.open);
        let _ = write!(overdue_cell, "{overdue}");
        let _ = if l.step == 0 {
            write!(
                reason,
                "due_in {} <= 3 days and due_in {} >= 0 days",
                days(-overdue),
                days(-overdue)
            )
        } else {
            write!(
                reason,
                "overdue {} >= {}",
                days(overdue),
                days(STEPS[l.step - 1].3)
            )
        };
        w.write_record([
            day.as_str(),
            &inv.customer,
            &inv.id,
            name,
            action,
            template,
            &open,
            &inv.currency,
            &overdue_cell,
            "",
            "",
            &reason,
        ])?;
    }
    w.flush()?;
    std::io::stdout().flush()?;
    Ok(lines.len())
}
