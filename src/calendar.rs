//! Business days. Calls and letters happen on business days; with the French
//! calendar those exclude weekends and French public holidays, the movable
//! ones (Easter Monday, Ascension, Whit Monday) computed from Easter.

use chrono::{Datelike, Days, NaiveDate, Weekday};

use crate::policy::CalendarKind;

/// Easter Sunday of a Gregorian year (the anonymous Gregorian algorithm).
pub fn easter(year: i32) -> Option<NaiveDate> {
    let a = year.rem_euclid(19);
    let b = year.div_euclid(100);
    let c = year.rem_euclid(100);
    let d = b / 4;
    let e = b % 4;
    let f = (b + 8) / 25;
    let g = (b - f + 1) / 3;
    let h = (19 * a + b - d - g + 15).rem_euclid(30);
    let i = c / 4;
    let k = c % 4;
    let l = (32 + 2 * e + 2 * i - h - k).rem_euclid(7);
    let m = (a + 11 * h + 22 * l) / 451;
    let month = (h + l - 7 * m + 114) / 31;
    let day = (h + l - 7 * m + 114) % 31 + 1;
    NaiveDate::from_ymd_opt(year, month as u32, day as u32)
}

/// The French public holidays (jours fériés) of a year, in date order.
pub fn french_holidays(year: i32) -> Vec<NaiveDate> {
    let fixed = [
        (1, 1),
        (5, 1),
        (5, 8),
        (7, 14),
        (8, 15),
        (11, 1),
        (11, 11),
        (12, 25),
    ];
    let mut days: Vec<NaiveDate> = fixed
        .iter()
        .filter_map(|&(m, d)| NaiveDate::from_ymd_opt(year, m, d))
        .collect();
    if let Some(easter) = easter(year) {
        for offset in [1, 39, 50] {
            days.extend(easter.checked_add_days(Days::new(offset)));
        }
    }
    days.sort();
    days
}

/// Whether `date` is a French public holiday.
pub fn is_french_holiday(date: NaiveDate) -> bool {
    let (m, d) = (date.month(), date.day());
    if matches!(
        (m, d),
        (1, 1) | (5, 1) | (5, 8) | (7, 14) | (8, 15) | (11, 1) | (11, 11) | (12, 25)
    ) {
        return true;
    }
    // Movable feasts fall between late March and mid June.
    if !(3..=6).contains(&m) {
        return false;
    }
    easter(date.year()).is_some_and(|e| {
        let offset = (date - e).num_days();
        matches!(offset, 1 | 39 | 50)
    })
}

/// Whether calls and letters can happen on `date` with the calendar.
pub fn is_business_day(calendar: CalendarKind, date: NaiveDate) -> bool {
    match calendar {
        CalendarKind::None => true,
        CalendarKind::France => {
            !matches!(date.weekday(), Weekday::Sat | Weekday::Sun) && !is_french_holiday(date)
        }
    }
}

/// The first business day on or after `date`.
pub fn next_business_day(calendar: CalendarKind, date: NaiveDate) -> NaiveDate {
    let mut d = date;
    // A run of non-business days is at most a few days long; the bound only
    // guards against a calendar bug turning into an endless loop.
    for _ in 0..30 {
        if is_business_day(calendar, d) {
            return d;
        }
        match d.succ_opt() {
            Some(next) => d = next,
            None => return d,
        }
    }
    d
}
