//! The rate tables late interest is computed from: the ECB main refinancing
//! rate (one row per change) and the French legal interest rate (one row per
//! half-year). They are data, not code: a rate decided after a release is a
//! line appended to a copy of the file (`data/rates/README.md` gives the
//! format and the sources), read with [`Rates::parse`].
//!
//! The files shipped in `data/rates/` are compiled in ([`Rates::builtin`]),
//! so that a policy saying `ecb + 10` runs without any file to point at.

use std::fmt;
use std::sync::OnceLock;

use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;

use crate::money::parse_decimal;

const BUILTIN_ECB: &str = include_str!("../../data/rates/ecb-main-refinancing.csv");
const BUILTIN_LEGAL: &str = include_str!("../../data/rates/taux-interet-legal.csv");

/// The header of the ECB rate file.
pub const ECB_HEADER: &str = "effective_date,rate_percent";
/// The header of the legal rate file.
pub const LEGAL_HEADER: &str = "period_start,individual_percent,other_percent";

/// The two rate tables. Rows are sorted by date, strictly ascending.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Rates {
    /// ECB main refinancing rate: (first day it applies, percent).
    ecb: Vec<(NaiveDate, Decimal)>,
    /// Legal interest rate per half-year: (first day, individual creditor,
    /// any other creditor), percent.
    legal: Vec<(NaiveDate, Decimal, Decimal)>,
}

/// Which rate file a problem is in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RateFile {
    /// `ecb-main-refinancing.csv`.
    Ecb,
    /// `taux-interet-legal.csv`.
    Legal,
}

impl RateFile {
    /// The header the file must start with.
    pub fn header(self) -> &'static str {
        match self {
            RateFile::Ecb => ECB_HEADER,
            RateFile::Legal => LEGAL_HEADER,
        }
    }
}

/// A line of a rate file that cannot be read. The message never names the
/// file: the caller puts `file:line:` in front of it.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct RateLineError {
    /// 1-based; the header is line 1 (0: the file as a whole).
    pub line: usize,
    /// What is wrong, in words, quoting the text.
    pub message: String,
}

impl Rates {
    /// The tables shipped in `data/rates/` (checked by a test to read
    /// without error, so the fallback to empty tables never happens).
    pub fn builtin() -> &'static Rates {
        static BUILTIN: OnceLock<Rates> = OnceLock::new();
        BUILTIN.get_or_init(|| {
            let ecb = parse_file(RateFile::Ecb, BUILTIN_ECB).unwrap_or_default();
            let legal = parse_file(RateFile::Legal, BUILTIN_LEGAL).unwrap_or_default();
            Rates {
                ecb: ecb.into_iter().map(|(d, r)| (d, r[0])).collect(),
                legal: legal.into_iter().map(|(d, r)| (d, r[0], r[1])).collect(),
            }
        })
    }

    /// These tables with the rows of another ECB file instead.
    pub fn with_ecb(mut self, text: &str) -> Result<Rates, Vec<RateLineError>> {
        self.ecb = parse_file(RateFile::Ecb, text)?
            .into_iter()
            .map(|(d, r)| (d, r[0]))
            .collect();
        Ok(self)
    }

    /// These tables with the rows of another legal rate file instead.
    pub fn with_legal(mut self, text: &str) -> Result<Rates, Vec<RateLineError>> {
        self.legal = parse_file(RateFile::Legal, text)?
            .into_iter()
            .map(|(d, r)| (d, r[0], r[1]))
            .collect();
        Ok(self)
    }

    /// Reads one file of `kind`, every bad line reported.
    pub fn parse(kind: RateFile, text: &str) -> Result<Rates, Vec<RateLineError>> {
        match kind {
            RateFile::Ecb => Rates::default().with_ecb(text),
            RateFile::Legal => Rates::default().with_legal(text),
        }
    }

    /// The ECB rate in force on `day`: the last change on or before it
    /// (none before the first row).
    pub fn ecb_on(&self, day: NaiveDate) -> Option<Decimal> {
        let after = self.ecb.partition_point(|(d, _)| *d <= day);
        after.checked_sub(1).map(|i| self.ecb[i].1)
    }

    /// The legal rate for a business creditor (`other_percent`) in the
    /// half-year of `day`; none when the file has no row for it (a rate is
    /// never carried over from a previous half-year).
    pub fn legal_on(&self, day: NaiveDate) -> Option<Decimal> {
        let start = half_year_start(day);
        self.legal
            .binary_search_by_key(&start, |(d, _, _)| *d)
            .ok()
            .map(|i| self.legal[i].2)
    }

    /// The half-years the legal rate table covers, with the business rate.
    pub fn legal_half_years(&self) -> impl Iterator<Item = (NaiveDate, Decimal)> + '_ {
        self.legal.iter().map(|(d, _, other)| (*d, *other))
    }
}

/// 1 January of `day`'s year for January to June, 1 July otherwise: the
/// day whose ECB rate applies to `day` under L441-10 II.
pub fn half_year_start(day: NaiveDate) -> NaiveDate {
    let month = if day.month() <= 6 { 1 } else { 7 };
    NaiveDate::from_ymd_opt(day.year(), month, 1).unwrap_or(day)
}

/// `2025 H1` for a half-year's first day.
pub struct HalfYear(pub NaiveDate);

impl fmt::Display for HalfYear {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let half = if self.0.month() <= 6 { 1 } else { 2 };
        write!(f, "{} H{half}", self.0.year())
    }
}

/// The rows of a file of `kind`: a date and one rate per rate column.
fn parse_file(
    kind: RateFile,
    text: &str,
) -> Result<Vec<(NaiveDate, Vec<Decimal>)>, Vec<RateLineError>> {
    let mut errors = Vec::new();
    let mut rows: Vec<(NaiveDate, Vec<Decimal>)> = Vec::new();
    let text = text.strip_prefix('\u{FEFF}').unwrap_or(text);
    let mut lines = text.lines().enumerate().map(|(i, l)| (i + 1, l));
    let error = |line: usize, message: String| RateLineError { line, message };
    match lines.next() {
        Some((_, header)) if header.trim_end_matches('\r') == kind.header() => {}
        Some((n, header)) => errors.push(error(
            n,
            format!(
                "the header is `{}`, expected `{}`",
                header.trim_end_matches('\r'),
                kind.header()
            ),
        )),
        None => errors.push(error(0, "the file is empty".into())),
    }
    let columns = kind.header().split(',').count();
    for (n, line) in lines {
        let line = line.trim_end_matches('\r');
        let cells: Vec<&str> = line.split(',').collect();
        if cells.len() != columns {
            errors.push(error(
                n,
                format!("`{line}` has {} values, expected {columns}", cells.len()),
            ));
            continue;
        }
        let Ok(date) = NaiveDate::parse_from_str(cells[0], "%Y-%m-%d") else {
            errors.push(error(
                n,
                format!("`{}` is not a date written YYYY-MM-DD", cells[0]),
            ));
            continue;
        };
        if kind == RateFile::Legal && half_year_start(date) != date {
            errors.push(error(
                n,
                format!("`{date}` does not start a half-year (YYYY-01-01 or YYYY-07-01)"),
            ));
            continue;
        }
        let mut rates = Vec::with_capacity(columns - 1);
        for cell in &cells[1..] {
            let unsigned = cell.strip_prefix('-').unwrap_or(cell);
            match parse_decimal(unsigned).filter(|r| *r <= Decimal::ONE_HUNDRED) {
                Some(r) if unsigned.len() == cell.len() => rates.push(r),
                Some(r) => rates.push(-r),
                None => errors.push(error(
                    n,
                    format!("`{cell}` is not a rate in percent such as `4.50`"),
                )),
            }
        }
        if rates.len() + 1 != columns {
            continue;
        }
        if let Some((last, _)) = rows.last() {
            if *last >= date {
                errors.push(error(
                    n,
                    format!("`{date}` does not come after the previous row's `{last}`"),
                ));
                continue;
            }
        }
        rows.push((date, rates));
    }
    if rows.is_empty() && errors.is_empty() {
        errors.push(error(0, "the file has no rows".into()));
    }
    if errors.is_empty() {
        Ok(rows)
    } else {
        Err(errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn the_shipped_files_read_whole() {
        assert_eq!(parse_file(RateFile::Ecb, BUILTIN_ECB).unwrap().len(), 60);
        assert_eq!(
            parse_file(RateFile::Legal, BUILTIN_LEGAL).unwrap().len(),
            23
        );
    }

    #[test]
    fn the_ecb_rate_is_a_step_function() {
        let r = Rates::builtin();
        assert_eq!(r.ecb_on(d("1998-12-31")), None);
        assert_eq!(r.ecb_on(d("2024-06-11")), Some("4.50".parse().unwrap()));
        assert_eq!(r.ecb_on(d("2024-06-12")), Some("4.25".parse().unwrap()));
        assert_eq!(r.ecb_on(d("2025-01-01")), Some("3.15".parse().unwrap()));
        assert_eq!(r.ecb_on(d("2030-01-01")), Some("2.15".parse().unwrap()));
    }

    #[test]
    fn a_legal_rate_is_never_carried_over() {
        let r = Rates::builtin();
        assert_eq!(r.legal_on(d("2026-03-01")), Some("2.62".parse().unwrap()));
        assert_eq!(r.legal_on(d("2026-07-01")), None);
        assert_eq!(r.legal_on(d("2014-12-31")), None);
    }

    #[test]
    fn bad_lines_are_all_reported() {
        let text = "effective_date,rate_percent\n2025-01-01,3.15\n2025-13-01,3\n2025-02-01,x\n2024-01-01,1\n";
        let errors = Rates::parse(RateFile::Ecb, text).unwrap_err();
        let lines: Vec<usize> = errors.iter().map(|e| e.line).collect();
        assert_eq!(lines, [3, 4, 5]);
        assert_eq!(
            errors[2].message,
            "`2024-01-01` does not come after the previous row's `2025-01-01`"
        );
        let legal = "period_start,individual_percent,other_percent\n2025-02-01,1,2\n";
        assert!(Rates::parse(RateFile::Legal, legal).unwrap_err()[0]
            .message
            .contains("does not start a half-year"));
    }
}
