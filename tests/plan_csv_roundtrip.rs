//! The plan's CSV read back as history: what `plan --format csv` writes,
//! `plan --history` must read as the same names and ids, whatever printable
//! text they are made of, or a step fires again every morning.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use dunning::data::{read_history, Format};
use dunning::output::csv::{neutralize, unneutralize};
use dunning::{simulate, DateRange};
use proptest::prelude::*;
use support::*;

proptest! {
    /// Any text written then read gives itself back.
    #[test]
    fn neutralizing_then_unneutralizing_gives_the_cell_back(cell in any::<String>()) {
        let written = neutralize(&cell);
        prop_assert_eq!(unneutralize(&written), cell.as_str());
    }

    /// Cells that look like formulas or start with quotes, in particular.
    #[test]
    fn quoted_and_formula_cells_round_trip(cell in "['=+@\\t\\r-]{1,4}[a-z'=]{0,4}") {
        let written = neutralize(&cell);
        prop_assert!(!written.starts_with(['=', '+', '-', '@', '\t', '\r']));
        prop_assert_eq!(unneutralize(&written), cell.as_str());
    }
}

/// A policy text quoting `name` as a rule name.
fn quoted(name: &str) -> String {
    name.replace('\\', "\\\\").replace('"', "\\\"")
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    /// Running `plan` every morning, its CSV appended to the history and
    /// read back, gives what `simulate` gives: each step once.
    #[test]
    fn the_daily_loop_through_the_csv_equals_simulate(
        first in "'{0,2}[=+@-]?\\PC{0,6}",
        second in "'{0,2}[=+@-]?\\PC{0,6}",
        id in "'{0,2}[=+@-]?\\PC{0,4}",
        customer in "'{0,2}[=+@-]?\\PC{0,4}",
    ) {
        // Names with spaces around them are refused by the checker
        // (`surrounding-space`): the history trims its cells.
        let trimmed = |s: &str| !s.trim().is_empty() && s.trim() == s;
        prop_assume!(trimmed(&first) && trimmed(&second) && first != second);
        // Invoice and customer ids come from data files, read with their
        // cells trimmed: none starts with a space (a no-break space included).
        prop_assume!(id.trim_start() == id && customer.trim_start() == customer);
        let p = policy(&format!(
            "rule \"{}\": when overdue >= 1d then email template \"{}\"\n\
             rule \"{}\": when overdue >= 10d then letter\n",
            quoted(&first),
            quoted(&second),
            quoted(&second),
        ));
        let invoices: Vec<_> = (0..4)
            .map(|i| {
                invoice(
                    &p,
                    &format!("{id}{i}"),
                    &format!("{customer}{}", i % 2),
                    "2025-01-01",
                    &format!("2025-01-{:02}", 10 + i),
                    "100.00",
                    &[],
                )
            })
            .collect();
        let (from, to) = (date("2025-01-05"), date("2025-02-15"));
        let sim = simulate(&p, data(&invoices, &[]), DateRange::new(from, to).unwrap());
        let mut history = Vec::new();
        let mut daily = Vec::new();
        let mut day = from;
        while day <= to {
            let plan = dunning::plan(&p, data(&invoices, &[]).with_history(&history), day);
            let mut csv = Vec::new();
            dunning::output::csv::write(&plan.actions, &mut csv).unwrap();
            let read = read_history("plan.csv", &csv, Format::Csv, &invoices)
                .map_err(|e| TestCaseError::fail(e.render(5)))?;
            history.extend(read);
            daily.extend(plan.actions);
            day = day.succ_opt().unwrap();
        }
        prop_assert!(!daily.is_empty());
        prop_assert_eq!(sim.actions, daily);
    }
}
