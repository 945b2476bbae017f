//! The JSON the command line prints: pretty, ending with a new line.
//! Amounts are strings holding exact decimals.

use serde::Serialize;

use crate::{Diff, Explanation, Plan, Simulation};

fn pretty(value: &impl Serialize) -> String {
    serde_json::to_string_pretty(value).unwrap_or_default() + "\n"
}

/// `{"date": …, "actions": [{"date", "customer_id", "action", …}]}`.
pub fn plan(plan: &Plan) -> String {
    pretty(plan)
}

/// `{"summary": {…}, "actions": [...]}`, the actions as in a plan.
pub fn simulation(simulation: &Simulation) -> String {
    pretty(simulation)
}

/// What a policy change does.
pub fn diff(diff: &Diff) -> String {
    pretty(diff)
}

/// Why each rule did or did not fire (`explain --json`).
pub fn explanation(explanation: &Explanation) -> String {
    pretty(explanation)
}
