//! Warnings about a policy that is valid but will not do what its author
//! meant: steps that can never fire or never be chosen under the ladder
//! semantics, a ladder that goes down in firmness, legal steps without a
//! formal notice, steps closer than the cooldown, and invoices left without
//! a step.

mod coverage;
mod domain;
mod pairs;
#[cfg(test)]
mod reference;
mod steps;

use rust_decimal::prelude::ToPrimitive;

use self::domain::{Bound, Conjunct, Domain, Interval, Var};
use self::pairs::Pairs;
use self::steps::{
    expires_in_cooldown, firmer_first, never_fires, no_formal_notice, shadowed, within_cooldown,
};
use super::error::CheckError;
use crate::policy::{Policy, RuleIdx};

/// The longest wait between two steps before it is worth a warning.
const LONG_WAIT_DAYS: i64 = 30;

struct RuleFacts {
    /// The condition in disjunctive form; `None` when too large to analyse.
    dnf: Option<Vec<Conjunct>>,
    never: bool,
    /// Days overdue from which the rule can hold; `None` if from the start.
    entry: Option<i64>,
    /// The days overdue at which the rule can hold; `None` when not analysed.
    ranges: Option<Vec<Interval>>,
    /// What the rule requires of the invoice, whatever the day (see `domain::bounds`).
    bounds: Vec<(Var, Bound)>,
    /// A step at or after this one that must have fired for this one to
    /// hold: then it never fires, since nothing earlier fires after a step.
    needs_later: Option<usize>,
    /// The rule holds only for disputed invoices, and those are paused.
    only_paused_disputes: bool,
    /// A claim rule (it tests `paid_late`): it runs on paid invoices only,
    /// outside the ladder of open invoices the analysis reasons about.
    claim: bool,
}

/// The warnings about a checked policy with at least one rule.
pub(crate) fn analyze(policy: &Policy) -> Vec<CheckError> {
    let mut out = Vec::new();
    let domain = Domain::new(policy);
    let facts: Vec<RuleFacts> = policy
        .rules
        .iter()
        .enumerate()
        .map(|(i, rule)| rule_facts(&domain, i, rule))
        .collect();
    let pairs = Pairs::new(&facts);

    never_fires(policy, &facts, &mut out);
    shadowed(policy, &domain, &facts, &pairs, &mut out);
    firmer_first(policy, &facts, &pairs, &mut out);
    no_formal_notice(policy, &facts, &pairs, &mut out);
    within_cooldown(policy, &facts, &pairs, &mut out);
    expires_in_cooldown(policy, &facts, &mut out);
    coverage::coverage(policy, &domain, &facts, &mut out);
    out
}

fn rule_facts(domain: &Domain<'_>, index: usize, rule: &crate::policy::Rule) -> RuleFacts {
    if rule.is_claim() {
        // Holds for no open invoice: no day, no bound, never a step of the ladder.
        return RuleFacts {
            dnf: Some(Vec::new()),
            never: true,
            entry: None,
            ranges: Some(Vec::new()),
            bounds: Vec::new(),
            needs_later: None,
            only_paused_disputes: false,
            claim: true,
        };
    }
    let dnf = domain.dnf(&rule.condition, false);
    let needs_later = dnf
        .as_deref()
        .and_then(|d| domain::needs_fired_from(d, RuleIdx::new(index)))
        .map(RuleIdx::get);
    let only_paused_disputes = domain.policy().settings.pause_disputed
        && dnf
            .as_deref()
            .is_some_and(|d| domain::always_requires(d, Var::Disputed, "yes"));
    // The days a satisfiable conjunct allows: none at all when no conjunct
    // is satisfiable (a satisfiable one always allows some day).
    let ranges = dnf.as_deref().map(domain::overdue_ranges);
    let never =
        needs_later.is_some() || only_paused_disputes || ranges.as_ref().is_some_and(Vec::is_empty);
    let entry = ranges.as_deref().and_then(entry);
    let bounds = dnf.as_deref().map(domain::bounds).unwrap_or_default();
    RuleFacts {
        dnf,
        never,
        entry,
        ranges,
        bounds,
        needs_later,
        only_paused_disputes,
        claim: false,
    }
}

/// The first whole day of a set of day ranges; `None` if unbounded below or empty.
fn entry(ranges: &[Interval]) -> Option<i64> {
    let mut best: Option<i64> = None;
    for r in ranges {
        let lo = r.min()?.to_i64()?;
        best = Some(best.map_or(lo, |b| b.min(lo)));
    }
    best
}

fn days(d: i64) -> String {
    match d {
        0 => "the due date".into(),
        1 => "1 day overdue".into(),
        -1 => "1 day before the due date".into(),
        d if d < 0 => format!("{} days before the due date", -d),
        d => format!("{d} days overdue"),
    }
}

/// How messages name the `index`-th rule: "rule `first_reminder`", or "the
/// rule on line 12" for a rule without a name.
pub(crate) fn describe(policy: &Policy, index: usize) -> String {
    let rule = &policy.rules[index];
    match rule.spans.name {
        Some(_) => format!("rule `{}`", rule.name),
        None => format!("the rule on line {}", policy.line_of(rule.spans.statement)),
    }
}

#[cfg(test)]
mod tests {
    use rand::{Rng, SeedableRng};
    use rand_chacha::ChaCha8Rng;

    use super::*;

    /// A random policy of ladders per segment, customer and amount band,
    /// with overlaps, `fired`, `not`, `or` and every action.
    fn random_policy(rng: &mut ChaCha8Rng, rules: usize) -> String {
        let actions = [
            "email",
            "sms",
            "call",
            "letter",
            "registered_letter",
            "formal_notice",
            "collection_agency",
            "legal",
        ];
        let mut text = String::from(
            "set cooldown = 7d\nattribute segment in [strategic, key, standard, small]\nattribute country: text\nattribute score: number\n",
        );
        // Score bands that never overlap (indexed like words), or not.
        let overlapping = rng.random_bool(0.5);
        for r in 0..rules {
            let mut parts: Vec<String> = Vec::new();
            match rng.random_range(0..6) {
                4 => {
                    let band = rng.random_range(0..4);
                    parts.push(format!("score >= {band} and score < {}", band + 1));
                }
                5 if overlapping => parts.push(format!("score >= {}", rng.random_range(0..4))),
                5 => parts.push("not (segment = key)".into()),
                3 => parts.push("segment != small".into()),
                0 => parts.push(format!(
                    "segment = {}",
                    ["strategic", "key", "standard", "small"][rng.random_range(0..4)]
                )),
                1 => parts.push("segment in [key, small]".into()),
                2 => parts.push("segment != strategic".into()),
                _ => {}
            }
            match rng.random_range(0..3) {
                0 => parts.push(format!("customer_id = \"c{}\"", rng.random_range(0..4))),
                1 => parts.push(format!(
                    "country = {}",
                    ["FR", "DE"][rng.random_range(0..2)]
                )),
                _ => {}
            }
            match rng.random_range(0..3) {
                0 => parts.push(format!("amount >= {}k EUR", rng.random_range(0..5))),
                1 => parts.push(format!("amount < {}k EUR", rng.random_range(1..5))),
                _ => {}
            }
            let lo = rng.random_range(0..60);
            parts.push(format!("overdue > {lo}d"));
            if rng.random_bool(0.2) {
                parts.push(format!("overdue <= {}d", lo + rng.random_range(0..40)));
            }
            if r > 0 && rng.random_bool(0.1) {
                parts.push(format!("fired r{}", rng.random_range(0..r)));
            }
            let mut condition = parts.join(" and ");
            if rng.random_bool(0.1) {
                condition = format!("({condition}) or disputed");
            }
            if rng.random_bool(0.05) {
                condition = format!("not ({condition})");
            }
            let action = actions[rng.random_range(0..actions.len())];
            text.push_str(&format!("rule r{r}: when {condition} then {action}\n"));
        }
        text
    }

    fn key(d: &CheckError) -> (String, Vec<(usize, usize)>) {
        use miette::Diagnostic;
        let code = d.code().map(|c| c.to_string()).unwrap_or_default();
        let labels = d
            .labels()
            .map(|l| l.map(|l| (l.offset(), l.len())).collect())
            .unwrap_or_default();
        (code, labels)
    }

    /// Steps that require others to have fired (`fired`, `not fired`,
    /// `or`): the shadowing test, which skips the rules a step rules out
    /// (`domain::unfired_suffices`), finds what the all-pairs reference finds.
    #[test]
    fn shadowing_through_fired_steps_agrees_with_the_reference() {
        let mut rng = ChaCha8Rng::seed_from_u64(11);
        let (mut shadowed_found, mut skipped) = (0, 0);
        for round in 0..200 {
            let n = [6, 20, 40][round % 3];
            let mut text = String::from("set cooldown = 7d\n");
            for r in 0..n {
                let mut parts: Vec<String> = Vec::new();
                let pick = |rng: &mut ChaCha8Rng| rng.random_range(0..r.max(1));
                if r > 0 {
                    match rng.random_range(0..7) {
                        0..=2 => parts.push(format!("fired r{}", pick(&mut rng))),
                        3 => parts.push(format!("not fired r{}", pick(&mut rng))),
                        4 => parts.push(format!(
                            "(fired r{} or fired r{})",
                            pick(&mut rng),
                            pick(&mut rng)
                        )),
                        5 => parts.push(format!(
                            "fired r{} and fired r{}",
                            pick(&mut rng),
                            pick(&mut rng)
                        )),
                        _ => {}
                    }
                }
                parts.push(format!("overdue > {}d", rng.random_range(0..30)));
                if rng.random_bool(0.2) {
                    parts.push(format!("amount >= {}k EUR", rng.random_range(0..3)));
                }
                let action = ["email", "call", "letter"][rng.random_range(0..3)];
                text.push_str(&format!(
                    "rule r{r}: when {} then {action}\n",
                    parts.join(" and ")
                ));
            }
            let parsed = crate::syntax::parse(&text);
            let policy = crate::check::check(&parsed).policy.expect("valid policy");
            let domain = Domain::new(&policy);
            let facts: Vec<RuleFacts> = policy
                .rules
                .iter()
                .enumerate()
                .map(|(i, rule)| rule_facts(&domain, i, rule))
                .collect();
            let pairs = Pairs::new(&facts);
            let (mut fast, mut slow) = (Vec::new(), Vec::new());
            shadowed(&policy, &domain, &facts, &pairs, &mut fast);
            reference::shadowed(&policy, &domain, &facts, &mut slow);
            let fast: Vec<_> = fast.iter().map(key).collect();
            let slow: Vec<_> = slow.iter().map(key).collect();
            assert_eq!(fast, slow, "round {round}:\n{text}");
            shadowed_found += fast.len();
            // The rules a step rules out as shadowing others.
            for rule in &policy.rules {
                if let Some(negation) = domain.dnf(&rule.condition, true) {
                    skipped += usize::from(domain::unfired_suffices(&negation).is_some());
                }
            }
        }
        // Meaningful only if there were rules shadowed and rules skipped.
        assert!(shadowed_found >= 50, "only {shadowed_found} shadowed");
        assert!(skipped >= 500, "only {skipped} rules indexed by a step");
    }

    #[test]
    fn indexed_pairwise_analyses_agree_with_the_reference() {
        let mut rng = ChaCha8Rng::seed_from_u64(7);
        let mut seen: std::collections::BTreeMap<String, usize> = Default::default();
        let (mut compared, mut skipped) = (0, 0);
        for round in 0..150 {
            let size = [5, 20, 60][round % 3];
            let text = random_policy(&mut rng, size);
            let parsed = crate::syntax::parse(&text);
            assert!(parsed.is_ok(), "{text}");
            let policy = crate::check::check(&parsed).policy.expect("valid policy");
            let domain = Domain::new(&policy);
            let facts: Vec<RuleFacts> = policy
                .rules
                .iter()
                .enumerate()
                .map(|(i, rule)| rule_facts(&domain, i, rule))
                .collect();
            let pairs = Pairs::new(&facts);
            let (mut fast, mut slow) = (Vec::new(), Vec::new());
            shadowed(&policy, &domain, &facts, &pairs, &mut fast);
            firmer_first(&policy, &facts, &pairs, &mut fast);
            no_formal_notice(&policy, &facts, &pairs, &mut fast);
            within_cooldown(&policy, &facts, &pairs, &mut fast);
            reference::shadowed(&policy, &domain, &facts, &mut slow);
            reference::firmer_first(&policy, &facts, &mut slow);
            reference::no_formal_notice(&policy, &facts, &mut slow);
            reference::within_cooldown(&policy, &facts, &mut slow);
            let fast: Vec<_> = fast.iter().map(key).collect();
            let slow: Vec<_> = slow.iter().map(key).collect();
            assert_eq!(fast, slow, "round {round}:\n{text}");
            for (code, _) in fast {
                *seen.entry(code).or_default() += 1;
            }
            for r in 0..facts.len() {
                let kept = pairs.of(r).count();
                compared += kept;
                skipped += facts.len() - kept;
            }
        }
        // The test means something only if every analysis found cases and
        // the index did leave pairs out.
        for code in [
            "shadowed",
            "firmer-first",
            "no-formal-notice",
            "within-cooldown",
        ] {
            let n = seen
                .get(&format!("dunning::check::{code}"))
                .copied()
                .unwrap_or(0);
            assert!(n >= 10, "only {n} `{code}` warnings: {seen:?}");
        }
        assert!(
            skipped > compared / 4,
            "{skipped} pairs skipped, {compared} compared"
        );
    }
}
