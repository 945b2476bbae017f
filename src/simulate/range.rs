//! A range of days, first and last included: what a replay covers.

use chrono::NaiveDate;
use serde::Serialize;
use thiserror::Error;

/// The days from `from` to `to`, both included; never empty, never longer
/// than [`DateRange::MAX_DAYS`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct DateRange {
    from: NaiveDate,
    to: NaiveDate,
}

/// Why two dates do not make a [`DateRange`].
#[derive(Clone, Debug, Error, PartialEq, Eq)]
#[non_exhaustive]
pub enum DateRangeError {
    /// The first day comes after the last.
    #[error("{from} comes after {to}")]
    Reversed {
        /// The first day asked for.
        from: NaiveDate,
        /// The last day asked for.
        to: NaiveDate,
    },
    /// More days than a replay is meant for.
    #[error("{from} to {to} is more than ten years")]
    TooLong {
        /// The first day asked for.
        from: NaiveDate,
        /// The last day asked for.
        to: NaiveDate,
    },
}

impl DateRange {
    /// The most days a range holds: ten years and a day, ten times the year
    /// a replay is meant for (a replay keeps figures per day).
    pub const MAX_DAYS: usize = 3661;

    /// The days from `from` to `to`, both included.
    pub fn new(from: NaiveDate, to: NaiveDate) -> Result<DateRange, DateRangeError> {
        if from > to {
            return Err(DateRangeError::Reversed { from, to });
        }
        if (to - from).num_days() >= DateRange::MAX_DAYS as i64 {
            return Err(DateRangeError::TooLong { from, to });
        }
        Ok(DateRange { from, to })
    }

    /// The first day.
    pub fn from(&self) -> NaiveDate {
        self.from
    }

    /// The last day.
    pub fn to(&self) -> NaiveDate {
        self.to
    }

    /// How many days it holds (at least one).
    pub fn len(&self) -> usize {
        // At most `MAX_DAYS`, checked by `new`.
        (self.to - self.from).num_days().unsigned_abs() as usize + 1
    }

    /// Never: a range holds at least one day.
    pub fn is_empty(&self) -> bool {
        false
    }

    /// The days, in order.
    pub fn days(&self) -> impl Iterator<Item = NaiveDate> + '_ {
        self.from.iter_days().take(self.len())
    }

    /// The position of `date` in the range, if it is in it.
    pub fn offset(&self, date: NaiveDate) -> Option<usize> {
        let k = (date - self.from).num_days();
        (k >= 0 && (k as usize) < self.len()).then_some(k as usize)
    }

    /// The day at position `k`, if it is in the range.
    pub fn day(&self, k: usize) -> Option<NaiveDate> {
        (k < self.len())
            .then(|| self.from.checked_add_days(chrono::Days::new(k as u64)))
            .flatten()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap_or(NaiveDate::MIN)
    }

    #[test]
    fn a_range_holds_its_first_and_last_day() {
        let r = DateRange::new(d("2025-01-30"), d("2025-02-02")).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(r.len(), 4);
        assert_eq!(r.days().last(), Some(d("2025-02-02")));
        assert_eq!(r.offset(d("2025-02-01")), Some(2));
        assert_eq!(r.offset(d("2025-02-03")), None);
        assert_eq!(r.offset(d("2025-01-29")), None);
        assert_eq!(r.day(3), Some(d("2025-02-02")));
        assert_eq!(r.day(4), None);
    }

    #[test]
    fn reversed_and_too_long_ranges_are_refused() {
        assert!(matches!(
            DateRange::new(d("2025-02-02"), d("2025-02-01")),
            Err(DateRangeError::Reversed { .. })
        ));
        assert!(DateRange::new(d("2025-01-01"), d("2035-01-09")).is_ok());
        assert!(matches!(
            DateRange::new(d("2025-01-01"), d("2035-01-10")),
            Err(DateRangeError::TooLong { .. })
        ));
    }
}
