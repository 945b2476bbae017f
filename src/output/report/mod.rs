//! The dry-run as one self-contained HTML page (`simulate --report`,
//! `diff --report`): headline figures, charts drawn as inline SVG, tables,
//! and every invoice's timeline behind a few lines of inline script. The
//! page fetches nothing (its content security policy forbids it), reads
//! without colour, prints, and is byte-identical for the same inputs.
//!
//! Figures come from the [`Summary`](crate::Summary) and the
//! [`Diff`](crate::Diff) as the JSON gives them; what the page adds is
//! counting the actions it was fed ([`Timelines`]) per day, per week and
//! per invoice.

mod charts;
mod collect;
mod diff;
mod html;
mod simulation;

use std::io::{self, Write};
use std::str::FromStr;

use chrono::NaiveDate;
use rust_decimal::Decimal;

pub use collect::Timelines;
pub use diff::diff;
pub use simulation::simulation;

use crate::policy::ActionKind;
use collect::KINDS;
use html::Esc;

/// One policy's replay as the report reads it.
#[derive(Clone, Copy, Debug)]
pub struct Side<'r, 'a> {
    /// The policy.
    pub policy: &'r crate::Policy,
    /// Its summary (what `--format json` prints).
    pub summary: &'r crate::Summary,
    /// Its actions, as fed to the report.
    pub timelines: &'r Timelines<'a>,
}

/// The invoices replayed, and the day each was settled
/// ([`settled_dates`](crate::settled_dates)), in the same order.
#[derive(Clone, Copy, Debug)]
pub struct Invoices<'r> {
    /// The invoices, as the replay was given them.
    pub invoices: &'r [crate::data::Invoice],
    /// The day each was paid in full, if it was.
    pub settled: &'r [Option<NaiveDate>],
}

/// What a report was made from, stated at its top.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Inputs {
    /// The policy files as given, each with the SHA-256 of its bytes
    /// (none when it was read from standard input).
    pub policies: Vec<(String, Option<String>)>,
    /// The data files as given, each with what it holds (`invoices`).
    pub data: Vec<(String, String)>,
}

/// How many actions of each kind the team can do in a business day
/// (`--capacity call=40,letter=100`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Capacity([Option<usize>; KINDS]);

impl Capacity {
    /// The capacity for `kind`, when given.
    pub fn of(&self, kind: ActionKind) -> Option<usize> {
        self.0[kind as usize]
    }
}

/// Why a `--capacity` list does not read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CapacityError {
    /// An item is not `ACTION=NUMBER`.
    #[error("`{0}` is not ACTION=NUMBER (such as `call=40`)")]
    Syntax(String),
    /// The action is not one of the language's.
    #[error("unknown action `{0}`; the actions are {names}", names = ActionKind::names().collect::<Vec<_>>().join(", "))]
    UnknownAction(String),
    /// The number is not a whole number of actions.
    #[error("`{0}` is not a whole number of actions per business day")]
    NotANumber(String),
    /// The same action twice.
    #[error("the capacity of `{0}` is given twice")]
    Twice(String),
}

impl FromStr for Capacity {
    type Err = CapacityError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let mut out = Capacity::default();
        for item in text.split(',').map(str::trim).filter(|i| !i.is_empty()) {
            let (name, number) = item
                .split_once('=')
                .ok_or_else(|| CapacityError::Syntax(item.to_string()))?;
            let (name, number) = (name.trim(), number.trim());
            let kind = ActionKind::parse(name)
                .ok_or_else(|| CapacityError::UnknownAction(name.to_string()))?;
            let n = number
                .parse::<usize>()
                .map_err(|_| CapacityError::NotANumber(number.to_string()))?;
            if out.0[kind as usize].replace(n).is_some() {
                return Err(CapacityError::Twice(name.to_string()));
            }
        }
        Ok(out)
    }
}

const STYLE: &str = include_str!("page.css");
const SCRIPT: &str = include_str!("page.js");

/// The start of the page, up to the opened `<main>`.
fn head(out: &mut impl Write, title: &str) -> io::Result<()> {
    writeln!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; \
         style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:\">\n\
         <meta name=\"generator\" content=\"dunning {}\">\n\
         <title>{}</title>\n<style>\n{STYLE}</style>\n</head>\n<body>",
        env!("CARGO_PKG_VERSION"),
        Esc(title)
    )?;
    charts::defs(out)?;
    writeln!(
        out,
        "<main>\n<h1>{}</h1>\n<p id=\"script-error\" class=\"error\" role=\"alert\" hidden></p>",
        Esc(title)
    )
}

/// The end of the page: the script, then the closing tags.
fn foot(out: &mut impl Write) -> io::Result<()> {
    writeln!(
        out,
        "</main>\n<script>\n{SCRIPT}</script>\n</body>\n</html>"
    )
}

/// The section stating the inputs, the range and the tool's version.
fn inputs_section(
    out: &mut impl Write,
    inputs: &Inputs,
    from: NaiveDate,
    to: NaiveDate,
) -> io::Result<()> {
    out.write_all(
        b"<section id=\"inputs\">\n<h2>Inputs</h2>\n<table class=\"inputs\">\n<tbody>\n",
    )?;
    for (name, hash) in &inputs.policies {
        writeln!(
            out,
            "<tr><th scope=\"row\">policy</th><td><code>{}</code></td><td>SHA-256 <code class=\"hash\">{}</code></td></tr>",
            Esc(name),
            Esc(hash.as_deref().unwrap_or("(read from standard input)"))
        )?;
    }
    for (what, name) in &inputs.data {
        writeln!(
            out,
            "<tr><th scope=\"row\">{}</th><td colspan=\"2\"><code>{}</code></td></tr>",
            Esc(what),
            Esc(name)
        )?;
    }
    writeln!(
        out,
        "<tr><th scope=\"row\">range</th><td colspan=\"2\"><span data-figure=\"from\">{from}</span> to <span data-figure=\"to\">{to}</span></td></tr>\n\
         <tr><th scope=\"row\">tool</th><td colspan=\"2\">dunning {}</td></tr>\n</tbody>\n</table>\n</section>",
        env!("CARGO_PKG_VERSION")
    )
}

/// An optional decimal as the JSON's value reads: `n/a` for `null`.
fn opt(d: Option<Decimal>) -> String {
    d.map_or_else(|| "n/a".to_string(), |d| d.to_string())
}

/// The business days of `from..=to` with `calendar`, as the summary counts them.
fn business_days(
    calendar: crate::policy::CalendarKind,
    from: NaiveDate,
    days: usize,
) -> Vec<(usize, NaiveDate)> {
    from.iter_days()
        .take(days)
        .enumerate()
        .filter(|(_, d)| crate::simulate::summary::is_business_day(calendar, *d))
        .collect()
}

/// `#q=ID`: the link that opens an invoice's timeline in the table.
fn invoice_link(out: &mut impl Write, id: &str) -> io::Result<()> {
    let mut target = String::with_capacity(id.len());
    for b in id.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.') {
            target.push(b as char);
        } else {
            target.push_str(&format!("%{b:02X}"));
        }
    }
    write!(out, "<a href=\"#q={}\">{}</a>", target, Esc(id))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn capacities_read() {
        let c: Capacity = "call=40, letter=100".parse().unwrap();
        assert_eq!(c.of(ActionKind::Call), Some(40));
        assert_eq!(c.of(ActionKind::Letter), Some(100));
        assert_eq!(c.of(ActionKind::Email), None);
        assert_eq!(
            "fax=3".parse::<Capacity>().unwrap_err(),
            CapacityError::UnknownAction("fax".into())
        );
        assert_eq!(
            "call".parse::<Capacity>().unwrap_err(),
            CapacityError::Syntax("call".into())
        );
        assert_eq!(
            "call=-1".parse::<Capacity>().unwrap_err(),
            CapacityError::NotANumber("-1".into())
        );
        assert_eq!(
            "call=1,call=2".parse::<Capacity>().unwrap_err(),
            CapacityError::Twice("call".into())
        );
    }
}
