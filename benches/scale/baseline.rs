//! The practical limit: the six-rule ladder of `ladder.dunning` computed
//! directly, with no interpreter, the way a good engineer writes it for one
//! policy in an afternoon. No `String` per record: ids are copied into one
//! arena, customers and currencies interned once and ranked, dates are day
//! numbers, amounts integer cents; the lines are sorted on an integer key
//! (the invoice id breaks ties) with an unstable sort, and written by hand.
//!
//! Per invoice, the days its steps fire follow in closed form from its dates
//! (catch-up and no-burst included), so the program does one pass over the
//! invoices, a sort, and the output. It writes the same actions CSV as
//! `dunning simulate --actions-out`; the bench checks that byte for byte.
//! It validates nothing: it is only correct on the generator's files, whose
//! amounts all have two decimals.

use std::io::Write;

use chrono::{Datelike, NaiveDate};
use foldhash::HashMap;

/// (rule, action, template, threshold in days overdue) of the ladder after
/// the preventive step, which holds from 3 days before the due date to it.
const STEPS: [(&str, &str, &str, i32); 5] = [
    ("first_reminder", "email", "relance-1", 1),
    ("second_reminder", "email", "relance-2", 10),
    ("phone", "call", "appel", 20),
    ("letter", "registered_letter", "lettre-penalites", 35),
    ("notice", "formal_notice", "mise-en-demeure", 50),
];

/// Step `s` (0 = preventive, 1.. = `STEPS[s - 1]`) as (rule, action, template).
fn rule(s: usize) -> (&'static str, &'static str, &'static str) {
    if s == 0 {
        ("preventive", "email", "avant-echeance")
    } else {
        (STEPS[s - 1].0, STEPS[s - 1].1, STEPS[s - 1].2)
    }
}

/// One invoice: its id is `ids[previous id_end..id_end]`; `payments` is the
/// end of its run in the payment list (sorted by invoice, then day).
struct Invoice {
    id_end: u32,
    customer: u32,
    payments_end: u32,
    issue: i32,
    due: i32,
    /// `i32::MAX` when unpaid.
    paid: i32,
    cents: i64,
    currency: u8,
    disputed: bool,
}

/// `YYYY-MM-DD` as a day number (days from 0000-03-01).
fn day_number(cell: &[u8]) -> i32 {
    if cell.len() != 10 {
        return i32::MIN;
    }
    let digits = |r: std::ops::Range<usize>| {
        cell[r]
            .iter()
            .fold(0i32, |n, &b| n * 10 + i32::from(b.wrapping_sub(b'0')))
    };
    let (y, m, d) = (digits(0..4), digits(5..7), digits(8..10));
    let (y, m) = if m <= 2 { (y - 1, m + 9) } else { (y, m - 3) };
    365 * y + y / 4 - y / 100 + y / 400 + (153 * m + 2) / 5 + d - 1
}

fn day_of(d: NaiveDate) -> i32 {
    let (y, m, day) = (d.year(), d.month() as i32, d.day() as i32);
    let (y, m) = if m <= 2 { (y - 1, m + 9) } else { (y, m - 3) };
    365 * y + y / 4 - y / 100 + y / 400 + (153 * m + 2) / 5 + day - 1
}

/// The inverse of [`day_number`], written as `YYYY-MM-DD`.
fn write_day(buf: &mut Vec<u8>, z: i32) {
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i32::from(m <= 2);
    let _ = write!(buf, "{y:04}-{m:02}-{d:02}");
}

/// `123.45` as 12345 cents (two decimals, as the generator writes them).
fn cents(cell: &[u8]) -> i64 {
    cell.iter()
        .filter(|b| b.is_ascii_digit())
        .fold(0i64, |n, &b| n * 10 + i64::from(b - b'0'))
}

/// A cell as the engine's CSV writer puts it: formula-like cells get a
/// leading `'`, cells with a separator, quote or line break are quoted.
fn cell(buf: &mut Vec<u8>, text: &[u8]) {
    let neutral = matches!(
        text.first(),
        Some(b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r' | b'\'')
    );
    let quoted = text
        .iter()
        .any(|b| matches!(b, b',' | b'"' | b'\n' | b'\r'));
    if quoted {
        buf.push(b'"');
    }
    if neutral {
        buf.push(b'\'');
    }
    for &b in text {
        if b == b'"' {
            buf.push(b'"');
        }
        buf.push(b);
    }
    if quoted {
        buf.push(b'"');
    }
}

/// `n day` or `n days`.
fn days(buf: &mut Vec<u8>, n: i32) {
    let _ = write!(buf, "{n} {}", if n.abs() == 1 { "day" } else { "days" });
}

/// Interned texts (customers, currencies), ranked by their text afterwards.
#[derive(Default)]
struct Interner {
    index: HashMap<Box<[u8]>, u32>,
    texts: Vec<Box<[u8]>>,
}

impl Interner {
    fn get(&mut self, text: &[u8]) -> u32 {
        if let Some(&i) = self.index.get(text) {
            return i;
        }
        let i = self.texts.len() as u32;
        self.texts.push(text.into());
        self.index.insert(text.into(), i);
        i
    }

    /// The rank of each text in byte order.
    fn ranks(&self) -> Vec<u32> {
        let mut order: Vec<u32> = (0..self.texts.len() as u32).collect();
        order.sort_unstable_by(|&a, &b| self.texts[a as usize].cmp(&self.texts[b as usize]));
        let mut ranks = vec![0; order.len()];
        for (rank, &i) in order.iter().enumerate() {
            ranks[i as usize] = rank as u32;
        }
        ranks
    }
}

/// Reads the invoices and payments, computes every action of the range,
/// writes the CSV; returns the number of actions.
pub fn run(
    invoices: &str,
    payments: &str,
    from: NaiveDate,
    to: NaiveDate,
    out: &str,
) -> std::io::Result<usize> {
    let (from, to) = (day_of(from), day_of(to));
    let mut list: Vec<Invoice> = Vec::new();
    let mut ids: Vec<u8> = Vec::new();
    let (mut customers, mut currencies) = (Interner::default(), Interner::default());
    let mut rdr = csv::Reader::from_path(invoices)?;
    let headers = rdr.byte_headers()?.clone();
    let col = |name: &str| {
        headers
            .iter()
            .position(|h| h == name.as_bytes())
            .unwrap_or(usize::MAX)
    };
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
    let mut record = csv::ByteRecord::new();
    while rdr.read_byte_record(&mut record)? {
        let get = |i: usize| record.get(i).unwrap_or(b"");
        ids.extend_from_slice(get(ci));
        let paid = get(cp);
        list.push(Invoice {
            id_end: ids.len() as u32,
            customer: customers.get(get(cc)),
            payments_end: 0,
            issue: day_number(get(cis)),
            due: day_number(get(cd)),
            paid: if paid.is_empty() {
                i32::MAX
            } else {
                day_number(paid)
            },
            cents: cents(get(ca)),
            currency: currencies.get(get(ccur)) as u8,
            disputed: get(cdis) == b"true",
        });
    }
    // Payments, as (invoice, day, cents), grouped by invoice.
    let mut paid: Vec<(u32, i32, i64)> = Vec::new();
    if !payments.is_empty() {
        let mut start = 0;
        let index: HashMap<&[u8], u32> = (list.iter().enumerate())
            .map(|(i, inv)| {
                let id = &ids[start..inv.id_end as usize];
                start = inv.id_end as usize;
                (id, i as u32)
            })
            .collect();
        let mut rdr = csv::Reader::from_path(payments)?;
        while rdr.read_byte_record(&mut record)? {
            if let Some(&i) = index.get(record.get(0).unwrap_or(b"")) {
                let day = day_number(record.get(1).unwrap_or(b""));
                paid.push((i, day, cents(record.get(2).unwrap_or(b""))));
            }
        }
        paid.sort_unstable();
    }
    let mut end = 0;
    for (i, inv) in list.iter_mut().enumerate() {
        while end < paid.len() && paid[end].0 as usize == i {
            end += 1;
        }
        inv.payments_end = end as u32;
    }
    let id = |i: usize| {
        let start = if i == 0 { 0 } else { list[i - 1].id_end };
        &ids[start as usize..list[i].id_end as usize]
    };
    let payments_of = |i: usize| {
        let start = if i == 0 { 0 } else { list[i - 1].payments_end };
        &paid[start as usize..list[i].payments_end as usize]
    };
    let open_amount = |i: usize, day: i32| {
        let settled: i64 = payments_of(i)
            .iter()
            .take_while(|p| p.1 <= day)
            .map(|p| p.2)
            .sum();
        (list[i].cents - settled).max(0)
    };

    // (sort key, invoice, open cents): the key packs the day, the
    // customer's rank, the step's rank by (action, template) and the
    // currency's rank; the invoice id breaks ties.
    let (customer_rank, currency_rank) = (customers.ranks(), currencies.ranks());
    let mut step_order: Vec<usize> = (0..=STEPS.len()).collect();
    step_order.sort_by_key(|&s| (rule(s).1, rule(s).2));
    let mut step_rank = [0u64; STEPS.len() + 1];
    for (rank, &s) in step_order.iter().enumerate() {
        step_rank[s] = rank as u64;
    }
    let key = |day: i32, inv: &Invoice, step: usize| {
        ((day - from) as u64) << 44
            | u64::from(customer_rank[inv.customer as usize]) << 12
            | step_rank[step] << 8
            | u64::from(currency_rank[usize::from(inv.currency)])
    };
    let mut lines: Vec<(u64, u32, i64)> = Vec::new();
    for (i, inv) in list.iter().enumerate() {
        if inv.disputed {
            continue; // paused by default
        }
        let mut day = inv.issue.max(from);
        let mut highest: Option<usize> = None;
        loop {
            // The first day from `day` on when a step above `highest` holds.
            let preventive = highest
                .is_none()
                .then(|| day.max(inv.due - 3))
                .filter(|d| *d <= inv.due);
            let next_step = (1..=STEPS.len())
                .find(|k| highest.is_none_or(|h| *k > h))
                .map(|k| day.max(inv.due + STEPS[k - 1].3));
            let Some(when) = [preventive, next_step].into_iter().flatten().min() else {
                break;
            };
            // Once paid (in full, or by payments) an invoice stays closed.
            let open = open_amount(i, when);
            if when > to || when < inv.issue || inv.paid <= when || open <= 0 {
                break;
            }
            // The most advanced step holding on that day.
            let overdue = when - inv.due;
            let step = (1..=STEPS.len())
                .rev()
                .find(|k| overdue >= STEPS[k - 1].3)
                .or((-3..=0).contains(&overdue).then_some(0));
            let Some(step) = step.filter(|s| highest.is_none_or(|h| *s > h)) else {
                break;
            };
            lines.push((key(when, inv, step), i as u32, open));
            highest = Some(step);
            day = when + 1;
        }
    }
    lines.sort_unstable_by(|a, b| {
        a.0.cmp(&b.0)
            .then_with(|| id(a.1 as usize).cmp(id(b.1 as usize)))
    });

    let mut w = std::io::BufWriter::with_capacity(1 << 16, std::fs::File::create(out)?);
    w.write_all(
        b"date,customer_id,invoice_id,rule,action,template,open_amount,currency,days_overdue,interest,indemnity,reason\n",
    )?;
    let mut buf = Vec::with_capacity(1 << 16);
    let mut day_cell = (-1i32, Vec::new());
    for &(key, i, open) in &lines {
        let inv = &list[i as usize];
        let day = (key >> 44) as i32 + from;
        if day_cell.0 != day {
            day_cell.1.clear();
            write_day(&mut day_cell.1, day);
            day_cell.0 = day;
        }
        let step = step_order[((key >> 8) & 0xF) as usize];
        let (name, action, template) = rule(step);
        let overdue = day - inv.due;
        buf.extend_from_slice(&day_cell.1);
        buf.push(b',');
        cell(&mut buf, &customers.texts[inv.customer as usize]);
        buf.push(b',');
        cell(&mut buf, id(i as usize));
        let _ = write!(
            buf,
            ",{name},{action},{template},{}.{:02},",
            open / 100,
            open % 100
        );
        cell(&mut buf, &currencies.texts[usize::from(inv.currency)]);
        let _ = write!(buf, ",{overdue},,,");
        if step == 0 {
            buf.extend_from_slice(b"due_in ");
            days(&mut buf, -overdue);
            buf.extend_from_slice(b" <= 3 days and due_in ");
            days(&mut buf, -overdue);
            buf.extend_from_slice(b" >= 0 days\n");
        } else {
            buf.extend_from_slice(b"overdue ");
            days(&mut buf, overdue);
            buf.extend_from_slice(b" >= ");
            days(&mut buf, STEPS[step - 1].3);
            buf.push(b'\n');
        }
        if buf.len() >= 1 << 16 {
            w.write_all(&buf)?;
            buf.clear();
        }
    }
    w.write_all(&buf)?;
    w.flush()?;
    Ok(lines.len())
}
