//! The built-in French calendar against the real public holidays of 2024 to 2030.
#![allow(clippy::unwrap_used)]

use chrono::NaiveDate;
use dunning::calendar::{easter, french_holidays, is_business_day, next_business_day};
use dunning::policy::CalendarKind;

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

/// (year, Easter Sunday, Easter Monday, Ascension, Whit Monday), from the
/// official French calendars.
const MOVABLE: &[(i32, &str, &str, &str, &str)] = &[
    (2024, "2024-03-31", "2024-04-01", "2024-05-09", "2024-05-20"),
    (2025, "2025-04-20", "2025-04-21", "2025-05-29", "2025-06-09"),
    (2026, "2026-04-05", "2026-04-06", "2026-05-14", "2026-05-25"),
    (2027, "2027-03-28", "2027-03-29", "2027-05-06", "2027-05-17"),
    (2028, "2028-04-16", "2028-04-17", "2028-05-25", "2028-06-05"),
    (2029, "2029-04-01", "2029-04-02", "2029-05-10", "2029-05-21"),
    (2030, "2030-04-21", "2030-04-22", "2030-05-30", "2030-06-10"),
];

#[test]
fn easter_and_the_movable_holidays_2024_to_2030() {
    for &(year, sunday, monday, ascension, whit) in MOVABLE {
        assert_eq!(easter(year), Some(d(sunday)), "{year}");
        let expected: Vec<NaiveDate> = [
            format!("{year}-01-01"),
            monday.to_string(),
            format!("{year}-05-01"),
            format!("{year}-05-08"),
            ascension.to_string(),
            whit.to_string(),
            format!("{year}-07-14"),
            format!("{year}-08-15"),
            format!("{year}-11-01"),
            format!("{year}-11-11"),
            format!("{year}-12-25"),
        ]
        .iter()
        .map(|s| d(s))
        .collect();
        let mut expected = expected;
        expected.sort();
        assert_eq!(french_holidays(year), expected, "{year}");
    }
}

#[test]
fn business_days_are_weekdays_that_are_not_holidays() {
    let fr = CalendarKind::France;
    let mut count = 0;
    let mut day = d("2024-01-01");
    while day <= d("2030-12-31") {
        let holiday = french_holidays(chrono::Datelike::year(&day)).contains(&day);
        let weekend = matches!(
            chrono::Datelike::weekday(&day),
            chrono::Weekday::Sat | chrono::Weekday::Sun
        );
        assert_eq!(is_business_day(fr, day), !holiday && !weekend, "{day}");
        assert!(is_business_day(CalendarKind::None, day));
        count += usize::from(is_business_day(fr, day));
        day = day.succ_opt().unwrap();
    }
    // Counted independently (by a script over the official lists): 1763
    // business days from 2024-01-01 to 2030-12-31.
    assert_eq!(count, 1763);
}

#[test]
fn next_business_day_skips_weekends_and_holidays() {
    let fr = CalendarKind::France;
    assert_eq!(next_business_day(fr, d("2025-03-08")), d("2025-03-10")); // Saturday
    assert_eq!(next_business_day(fr, d("2025-04-19")), d("2025-04-22")); // Easter weekend
    assert_eq!(next_business_day(fr, d("2025-12-25")), d("2025-12-26"));
    assert_eq!(next_business_day(fr, d("2026-05-01")), d("2026-05-04")); // Friday holiday
    assert_eq!(next_business_day(fr, d("2025-03-11")), d("2025-03-11"));
}
