//! The text of `dunning explain`: why each rule did or did not fire.

use std::fmt;

use crate::Explanation;

impl fmt::Display for Explanation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "invoice {} (customer {}) on {}: {}, {} days overdue",
            self.invoice_id, self.customer_id, self.date, self.status, self.days_overdue
        )?;
        for r in &self.rules {
            writeln!(
                f,
                "\nrule `{}` (line {}, {}): {}",
                r.rule, r.line, r.action, r.verdict
            )?;
            for t in &r.tests {
                writeln!(f, "  - {t}")?;
            }
        }
        writeln!(f, "\noutcome: {}", self.outcome)
    }
}
