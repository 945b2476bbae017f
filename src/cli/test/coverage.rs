//! Coverage: the rules of each policy tested, and which of them fired in
//! some case (`--coverage`, `--min-coverage`).

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

/// The rules of each policy tested and which of them fired in some case.
#[derive(Debug, Clone, Default)]
pub(crate) struct Coverage {
    /// Keyed by the policy's path as the first test file named it.
    pub policies: BTreeMap<PathBuf, PolicyCoverage>,
}

#[derive(Debug, Clone, Default)]
pub(crate) struct PolicyCoverage {
    /// The policy's path as shown.
    pub shown: String,
    /// Rule names in file order.
    pub rules: Vec<String>,
    pub fired: BTreeSet<String>,
}

impl PolicyCoverage {
    pub(crate) fn not_fired(&self) -> Vec<&str> {
        self.rules
            .iter()
            .filter(|r| !self.fired.contains(*r))
            .map(String::as_str)
            .collect()
    }
}

impl Coverage {
    /// (rules fired, rules) over every policy.
    pub(crate) fn totals(&self) -> (usize, usize) {
        self.policies.values().fold((0, 0), |(f, t), p| {
            (f + p.rules.len() - p.not_fired().len(), t + p.rules.len())
        })
    }

    /// The share of rules fired, in percent (100 when there is no rule).
    pub(crate) fn percent(&self) -> f64 {
        let (fired, total) = self.totals();
        if total == 0 {
            100.0
        } else {
            fired as f64 * 100.0 / total as f64
        }
    }

    /// The report printed by `--coverage`.
    pub(crate) fn render(&self) -> String {
        let mut out = String::from("coverage:\n");
        for p in self.policies.values() {
            let not = p.not_fired();
            let fired = p.rules.len() - not.len();
            let pct = if p.rules.is_empty() {
                100.0
            } else {
                fired as f64 * 100.0 / p.rules.len() as f64
            };
            out.push_str(&format!(
                "  {}: {fired}/{} rules fired ({pct:.1}%)\n",
                p.shown,
                p.rules.len()
            ));
            if !not.is_empty() {
                out.push_str(&format!("    never fired: {}\n", not.join(", ")));
            }
        }
        let (fired, total) = self.totals();
        out.push_str(&format!(
            "  total: {fired}/{total} rules fired ({:.1}%)\n",
            self.percent()
        ));
        out
    }
}
