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

/// A book's replay: `{"policies": [{"policy": NAME, "summary": {…},
/// "actions": [...]}]}`, one entry per policy, named as given.
pub fn book_simulation(simulations: &[(&str, &Simulation)]) -> String {
    #[derive(Serialize)]
    struct Entry<'s, 'a> {
        policy: &'s str,
        #[serde(flatten)]
        simulation: &'s Simulation<'a>,
    }
    #[derive(Serialize)]
    struct Book<'s, 'a> {
        policies: Vec<Entry<'s, 'a>>,
    }
    pretty(&Book {
        policies: simulations
            .iter()
            .map(|(policy, simulation)| Entry { policy, simulation })
            .collect(),
    })
}

/// The actions of a replay written out one by one as they come, for
/// [`simulation_spilled`]: a long replay's JSON needs no memory that grows
/// with its number of actions.
pub struct ActionsSpill<W: std::io::Write> {
    out: W,
    count: usize,
}

impl<W: std::io::Write> ActionsSpill<W> {
    /// Spills into `out` (a temporary file).
    pub fn new(out: W) -> Self {
        ActionsSpill { out, count: 0 }
    }

    /// Writes one action as [`simulation`] lays it out in its list.
    pub fn push(&mut self, action: &crate::Action<'_>) -> std::io::Result<()> {
        if self.count > 0 {
            self.out.write_all(b",\n")?;
        }
        let text = serde_json::to_string_pretty(action).map_err(std::io::Error::other)?;
        // JSON strings hold no raw line break: every one is layout.
        self.out.write_all(b"    ")?;
        self.out
            .write_all(text.replace('\n', "\n    ").as_bytes())?;
        self.count += 1;
        Ok(())
    }

    /// How many actions were written, and the writer back.
    pub fn finish(mut self) -> std::io::Result<(usize, W)> {
        self.out.flush()?;
        Ok((self.count, self.out))
    }
}

/// Writes what [`simulation`] gives for `summary` and the `count` actions
/// spilled (by [`ActionsSpill`]) into `actions`, byte for byte.
pub fn simulation_spilled(
    summary: crate::Summary,
    count: usize,
    actions: &mut impl std::io::Read,
    out: &mut impl std::io::Write,
) -> std::io::Result<()> {
    let whole = pretty(&Simulation::new(summary, Vec::new()));
    const EMPTY: &str = "\"actions\": []";
    let cut = whole
        .rfind(EMPTY)
        .ok_or_else(|| std::io::Error::other("the simulation has no action list"))?;
    out.write_all(&whole.as_bytes()[..cut])?;
    if count == 0 {
        out.write_all(EMPTY.as_bytes())?;
    } else {
        out.write_all(b"\"actions\": [\n")?;
        std::io::copy(actions, out)?;
        out.write_all(b"\n  ]")?;
    }
    out.write_all(&whole.as_bytes()[cut + EMPTY.len()..])
}

/// What a policy change does.
pub fn diff(diff: &Diff) -> String {
    pretty(diff)
}

/// Why each rule did or did not fire (`explain --json`).
pub fn explanation(explanation: &Explanation) -> String {
    pretty(explanation)
}

/// [`explanation`], in a book: `{"policy": NAME, …}` first, the policy the
/// invoice was routed to (`None`: a policy alone, printed as
/// [`explanation`]).
pub fn explanation_in(explanation: &Explanation, policy: Option<&str>) -> String {
    #[derive(Serialize)]
    struct Routed<'s> {
        policy: &'s str,
        #[serde(flatten)]
        explanation: &'s Explanation,
    }
    match policy {
        None => pretty(explanation),
        Some(policy) => pretty(&Routed {
            policy,
            explanation,
        }),
    }
}
