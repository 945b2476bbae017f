//! Warnings about a policy that is valid but will not do what its author
//! meant: steps that can never fire or never be chosen under the ladder
//! semantics, a ladder that goes down in firmness, legal steps without a
//! formal notice, steps closer than the cooldown, and invoices left without
//! a step.

mod domain;
#[cfg(test)]
mod reference;

use rust_decimal::prelude::ToPrimitive;

use self::domain::{Bound, Conjunct, Domain, Interval, Var};
use super::error::CheckError;
use crate::policy::{ActionKind, AttrIdx, AttrType, Policy, RuleIdx};
use crate::span::Span;

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
    coverage(policy, &domain, &facts, &mut out);
    out
}

/// Which pairs of rules can be about the same invoice: the analyses below
/// compare rules two by two, and a policy of thousands of rules (one ladder
/// per segment, country or customer) must not cost millions of full tests.
///
/// Rules are put in buckets by the words they require of a variable (say
/// `customer_id`, `country` or `segment`); a rule is only compared with the
/// rules that share one of its buckets, for each of the (up to three)
/// variables that split the policy best, and with those that require
/// nothing of that variable. The survivors are then filtered on every
/// bound (`domain::bounds_disjoint`). Every pair left out has bounds that
/// do not meet, which the full tests would have found incompatible (or not
/// shadowing) anyway: the results are the same, only faster. A test
/// compares them with the all-pairs reference.
struct Pairs {
    /// Per rule, the rules it may share invoices with (itself included), in file order.
    candidates: Vec<Vec<usize>>,
}

impl Pairs {
    fn new(facts: &[RuleFacts]) -> Pairs {
        use std::collections::{BTreeMap, HashMap};
        let n = facts.len();
        // For each variable required as a word list: the words, numbered,
        // and the rules by word number.
        let mut numbers: BTreeMap<Var, HashMap<&str, u32>> = BTreeMap::new();
        let mut buckets: BTreeMap<Var, Vec<Vec<usize>>> = BTreeMap::new();
        let mut bound_rules: BTreeMap<Var, usize> = BTreeMap::new();
        for (r, f) in facts.iter().enumerate() {
            for (var, bound) in &f.bounds {
                if let Bound::Words(words) = bound {
                    let numbers = numbers.entry(*var).or_default();
                    let buckets = buckets.entry(*var).or_default();
                    *bound_rules.entry(*var).or_default() += 1;
                    for w in words {
                        let next = numbers.len() as u32;
                        let k = *numbers.entry(w.as_str()).or_insert(next) as usize;
                        if k == buckets.len() {
                            buckets.push(Vec::new());
                        }
                        buckets[k].push(r);
                    }
                }
            }
        }
        // The variables that leave the fewest pairs to compare, best first.
        let cost = |var: &Var| -> usize {
            let wild = n - bound_rules[var];
            let within: usize = buckets[var].iter().map(|b| b.len() * b.len()).sum();
            within + wild * n * 2
        };
        let mut vars: Vec<Var> = buckets
            .keys()
            .copied()
            .filter(|v| cost(v) < n * n)
            .collect();
        vars.sort_by_key(|v| (cost(v), *v));
        vars.truncate(4);
        // Per indexed variable and rule, the numbers of the words it requires.
        let required: Vec<Vec<Option<Vec<u32>>>> = vars
            .iter()
            .map(|var| {
                facts
                    .iter()
                    .map(|f| {
                        let words = words_of(f, *var)?;
                        let mut k: Vec<u32> = words
                            .iter()
                            .filter_map(|w| numbers[var].get(w.as_str()).copied())
                            .collect();
                        k.sort_unstable();
                        Some(k)
                    })
                    .collect()
            })
            .collect();
        let meet = |a: &Option<Vec<u32>>, b: &Option<Vec<u32>>| match (a, b) {
            (Some(a), Some(b)) => a.iter().any(|x| b.binary_search(x).is_ok()),
            _ => true,
        };
        let wild: Vec<usize> = match vars.first() {
            Some(_) => (0..n).filter(|&r| required[0][r].is_none()).collect(),
            None => Vec::new(),
        };
        let candidates = (0..n)
            .map(|r| {
                // The rules sharing a bucket with `r` on the best variable...
                let mut kept: Vec<usize> = match (vars.first(), required.first()) {
                    (Some(var), Some(first)) => match &first[r] {
                        Some(words) => {
                            let mut list: Vec<usize> = words
                                .iter()
                                .flat_map(|&k| &buckets[var][k as usize])
                                .chain(&wild)
                                .copied()
                                .collect();
                            list.sort_unstable();
                            list.dedup();
                            list
                        }
                        None => (0..n).collect(),
                    },
                    _ => (0..n).collect(),
                };
                // ...and meeting it on the other indexed variables, then on every bound.
                kept.retain(|&s| {
                    required
                        .iter()
                        .skip(1)
                        .all(|per_rule| meet(&per_rule[r], &per_rule[s]))
                        && !domain::bounds_disjoint(&facts[r].bounds, &facts[s].bounds)
                });
                kept
            })
            .collect();
        Pairs { candidates }
    }

    /// The rules that may share invoices with rule `r`, in file order; the
    /// others certainly do not.
    fn of(&self, r: usize) -> &[usize] {
        &self.candidates[r]
    }
}

/// The words rule `f` requires of `var`, if it requires a list of words.
fn words_of(f: &RuleFacts, var: Var) -> Option<&std::collections::BTreeSet<String>> {
    f.bounds.iter().find_map(|(v, b)| match b {
        Bound::Words(words) if *v == var => Some(words),
        _ => None,
    })
}

fn rule_facts(domain: &Domain<'_>, index: usize, rule: &crate::policy::Rule) -> RuleFacts {
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

fn never_fires(policy: &Policy, facts: &[RuleFacts], out: &mut Vec<CheckError>) {
    for (i, f) in facts.iter().enumerate() {
        if !f.never {
            continue;
        }
        if let Some(j) = f.needs_later {
            let later = describe(policy, j);
            out.push(CheckError::NeverFires {
                rule: describe(policy, i),
                why: if i == j {
                    "it needs itself to have fired first".to_string()
                } else {
                    format!("it needs {later}, a later step, to have fired first")
                },
                span: policy.rules[i].spans.condition.into(),
                reason: if i == j {
                    "true only once this very rule has fired".into()
                } else {
                    "once a step has fired, no earlier step fires".into()
                },
                help: Some(if i == j {
                    format!("remove `fired {}`", policy.rules[j].name)
                } else {
                    format!(
                        "move this rule below {later}, or remove `fired {}`",
                        policy.rules[j].name
                    )
                }),
            });
            continue;
        }
        if f.only_paused_disputes {
            out.push(CheckError::NeverFires {
                rule: describe(policy, i),
                why: "it holds only for disputed invoices, and disputed invoices are paused".into(),
                span: policy.rules[i].spans.condition.into(),
                reason: "only for disputed invoices".into(),
                help: Some(
                    "to handle disputes with rules of your own, write `set pause_disputed = no`"
                        .into(),
                ),
            });
            continue;
        }
        let var = f
            .dnf
            .as_ref()
            .and_then(|d| d.iter().find_map(domain::conflict));
        let what = var.map(|v| var_name(policy, v));
        out.push(CheckError::NeverFires {
            rule: describe(policy, i),
            why: "its condition is never true".into(),
            span: policy.rules[i].spans.condition.into(),
            reason: match &what {
                Some(name) => format!("no value of `{name}` satisfies all of this"),
                None => "this is never true".into(),
            },
            help: Some(match what {
                Some(name) => {
                    format!("check the comparisons on `{name}`: they contradict each other")
                }
                None => "remove the rule or fix its condition".into(),
            }),
        });
    }
}

fn var_name(policy: &Policy, var: Var) -> String {
    match var.fact() {
        Some(fact) => policy.fact_name(fact).to_string(),
        None => match var {
            Var::Fired(i) => format!(
                "fired {}",
                policy.rules.get(i.get()).map_or("?", |r| r.name.as_str())
            ),
            _ => "?".into(),
        },
    }
}

/// Rule `i` is never chosen when a later rule `j` holds whenever `i` does:
/// `j` is the more advanced step, so it wins (and once it fired, nothing
/// earlier fires).
fn shadowed(
    policy: &Policy,
    domain: &Domain<'_>,
    facts: &[RuleFacts],
    pairs: &Pairs,
    out: &mut Vec<CheckError>,
) {
    // Cheap necessary condition before the full test: j's overdue hull covers i's.
    let hulls: Vec<Option<(Option<i64>, Option<i64>)>> = facts
        .iter()
        .map(|f| {
            let ranges = f.ranges.as_ref()?;
            let lo = entry(ranges);
            let hi = ranges
                .iter()
                .map(|r| r.max().and_then(|m| m.to_i64()))
                .try_fold(i64::MIN, |acc, m| m.map(|m| acc.max(m)));
            Some((lo, hi))
        })
        .collect();
    // The negation of each rule's condition, computed once when first needed.
    let mut negations: Vec<Option<Option<Vec<Conjunct>>>> = vec![None; facts.len()];
    for i in 0..facts.len() {
        if facts[i].never {
            continue;
        }
        let (Some(dnf_i), Some((lo_i, hi_i))) = (&facts[i].dnf, hulls[i]) else {
            continue;
        };
        for j in pairs.of(i).iter().copied().filter(|&j| j > i) {
            let Some((lo_j, hi_j)) = hulls[j] else {
                continue;
            };
            let covers_lo = match (lo_i, lo_j) {
                (_, None) => true,
                (None, Some(_)) => false,
                (Some(a), Some(b)) => b <= a,
            };
            let covers_hi = match (hi_i, hi_j) {
                (_, None) => true,
                (None, Some(_)) => false,
                (Some(a), Some(b)) => b >= a,
            };
            if !covers_lo || !covers_hi {
                continue;
            }
            let not_j =
                negations[j].get_or_insert_with(|| domain.dnf(&policy.rules[j].condition, true));
            let Some(not_j) = not_j else {
                continue;
            };
            let Some(both) = domain.and(dnf_i, not_j) else {
                continue;
            };
            if !domain::is_sat(&both) {
                out.push(CheckError::Shadowed {
                    rule: describe(policy, i),
                    by: describe(policy, j),
                    span: policy.rules[i].spans.condition.into(),
                    by_span: policy.rules[j].spans.condition.into(),
                    help: format!(
                        "when several steps hold on the same day, the one lowest in the file wins: put this rule after {}, or narrow the condition of {}",
                        describe(policy, j),
                        describe(policy, j)
                    ),
                });
                break;
            }
        }
    }
}

/// Whether two rules can be about the same invoice (time and history aside).
fn compatible(a: &RuleFacts, b: &RuleFacts) -> bool {
    let (Some(da), Some(db)) = (&a.dnf, &b.dnf) else {
        return true;
    };
    da.iter().any(|x| {
        db.iter().any(|y| {
            let mut c = domain::who(x);
            c.extend(domain::who(y));
            domain::solve(&c).is_some()
        })
    })
}

fn firmer_first(policy: &Policy, facts: &[RuleFacts], pairs: &Pairs, out: &mut Vec<CheckError>) {
    let mut order: Vec<usize> = (0..facts.len())
        .filter(|&i| !facts[i].never && facts[i].entry.is_some())
        .collect();
    order.sort_by_key(|&i| (facts[i].entry, i));
    let mut position = vec![usize::MAX; facts.len()];
    for (pos, &x) in order.iter().enumerate() {
        position[x] = pos;
    }
    for (pos, &x) in order.iter().enumerate() {
        let firm = policy.rules[x].action.kind;
        // The first rule after `x` in threshold order that is milder,
        // starts later, and is about the same invoices.
        let mut milder: Vec<usize> = pairs
            .of(x)
            .iter()
            .copied()
            .filter(|&y| position[y] != usize::MAX && position[y] > pos)
            .filter(|&y| {
                facts[y].entry > facts[x].entry
                    && policy.rules[y].action.kind.firmness() < firm.firmness()
            })
            .collect();
        milder.sort_unstable_by_key(|&y| position[y]);
        let later = milder
            .into_iter()
            .find(|&y| compatible(&facts[x], &facts[y]));
        if let Some(y) = later {
            let mild = policy.rules[y].action.kind;
            let (ex, ey) = (facts[x].entry.unwrap_or(0), facts[y].entry.unwrap_or(0));
            out.push(CheckError::FirmerFirst {
                firm: firm.to_string(),
                firm_days: days(ex),
                mild: mild.to_string(),
                mild_days: days(ey),
                span: policy.rules[x].spans.action.into(),
                mild_span: policy.rules[y].spans.action.into(),
                help: format!(
                    "a ladder gets firmer as time passes: swap the two thresholds, or make {} a `{}`",
                    describe(policy, y),
                    firm
                ),
            });
        }
    }
}

fn no_formal_notice(
    policy: &Policy,
    facts: &[RuleFacts],
    pairs: &Pairs,
    out: &mut Vec<CheckError>,
) {
    for (r, rule) in policy.rules.iter().enumerate() {
        if !matches!(
            rule.action.kind,
            ActionKind::Legal | ActionKind::CollectionAgency
        ) || facts[r].never
        {
            continue;
        }
        let noticed = pairs.of(r).iter().copied().any(|k| {
            k < r
                && policy.rules[k].action.kind == ActionKind::FormalNotice
                && !facts[k].never
                && compatible(&facts[k], &facts[r])
        });
        if !noticed {
            out.push(CheckError::NoFormalNotice {
                action: rule.action.kind.to_string(),
                span: policy.rules[r].spans.action.into(),
            });
        }
    }
}

fn within_cooldown(policy: &Policy, facts: &[RuleFacts], pairs: &Pairs, out: &mut Vec<CheckError>) {
    let cooldown = policy.settings.cooldown_days as i64;
    if cooldown == 0 {
        return;
    }
    for j in 0..facts.len() {
        let Some(ej) = facts[j].entry else { continue };
        if facts[j].never {
            continue;
        }
        // The latest earlier step about the same invoices: try the latest first.
        let mut earlier: Vec<(i64, usize)> = pairs
            .of(j)
            .iter()
            .copied()
            .filter(|&i| i < j && !facts[i].never)
            .filter_map(|i| facts[i].entry.filter(|&e| e < ej).map(|e| (e, i)))
            .collect();
        earlier.sort_unstable_by(|a, b| b.cmp(a));
        let previous = earlier
            .into_iter()
            .find(|&(_, i)| compatible(&facts[i], &facts[j]));
        if let Some((ei, i)) = previous {
            let gap = ej - ei;
            if gap < cooldown {
                let gap = if gap == 1 {
                    "1 day".to_string()
                } else {
                    format!("{gap} days")
                };
                out.push(CheckError::WithinCooldown {
                    message: format!(
                        "{} comes {gap} after {}, within the {cooldown}-day cooldown",
                        describe(policy, j),
                        describe(policy, i),
                    ),
                    span: policy.rules[j].spans.condition.into(),
                    label: "the cooldown defers this step".into(),
                    previous_span: Some(policy.rules[i].spans.condition.into()),
                    help: format!(
                        "the cooldown will hold it until {}; set its threshold there, or shorten the cooldown",
                        days(ei + cooldown)
                    ),
                });
            }
        }
    }
    for (r, rule) in policy.rules.iter().enumerate() {
        match rule.repeat_days {
            Some(every) if (every as i64) < cooldown && !facts[r].never => {
                out.push(CheckError::WithinCooldown {
                    message: format!(
                        "{} repeats every {} {}, within the {cooldown}-day cooldown",
                        describe(policy, r),
                        every,
                        if every == 1 { "day" } else { "days" },
                    ),
                    span: policy.rules[r].spans.repeat.unwrap_or(policy.rules[r].spans.statement).into(),
                    label: "the cooldown defers each repeat".into(),
                    previous_span: None,
                    help: format!(
                        "the cooldown holds each repeat until {cooldown} days after the last contact: write `repeat every {cooldown}d`"
                    ),
                });
            }
            _ => {}
        }
    }
}

/// Gaps and long waits, per value of the `segment` attribute when it is declared.
fn coverage(policy: &Policy, domain: &Domain<'_>, facts: &[RuleFacts], out: &mut Vec<CheckError>) {
    let segment = policy
        .attributes
        .iter()
        .enumerate()
        .find_map(|(i, a)| match &a.ty {
            AttrType::OneOf(values) if a.name == "segment" => {
                Some((AttrIdx::new(i), values.clone()))
            }
            _ => None,
        });
    let groups: Vec<Option<String>> = match &segment {
        Some((_, values)) => values.iter().cloned().map(Some).collect(),
        None => vec![None],
    };
    for group in groups {
        let restrict = |dnf: &Vec<Conjunct>| -> Option<Vec<Conjunct>> {
            match (&segment, &group) {
                (Some((i, _)), Some(value)) => {
                    let cond = crate::policy::Condition::Compare {
                        fact: crate::policy::Fact::Attribute(*i),
                        op: crate::policy::CmpOp::Eq,
                        value: crate::policy::Value::Text(value.clone()),
                    };
                    domain.and(dnf, &domain.dnf(&cond, false)?)
                }
                _ => Some(dnf.clone()),
            }
        };
        let who = match &group {
            Some(v) => format!("a `{v}` invoice"),
            None => "an invoice".to_string(),
        };
        // Per rule: the overdue ranges where it can hold for this group.
        let mut steps: Vec<(usize, Vec<Interval>)> = Vec::new();
        let mut unknown = false;
        for (r, f) in facts.iter().enumerate() {
            let Some(dnf) = &f.dnf else {
                unknown = true;
                continue;
            };
            // A rule bound to other segments has no day for this one
            // (restricting it would find the same, more slowly).
            if let (Some((i, _)), Some(value)) = (&segment, &group) {
                let excluded = f.bounds.iter().any(|(var, bound)| {
                    *var == Var::Attribute(*i)
                        && matches!(bound, Bound::Words(words) if !words.contains(value))
                });
                if excluded {
                    continue;
                }
            }
            let Some(dnf) = restrict(dnf) else {
                unknown = true;
                continue;
            };
            let ranges = domain::overdue_ranges(&dnf);
            if !ranges.is_empty() {
                steps.push((r, ranges));
            }
        }
        if unknown {
            continue;
        }
        let entries: Vec<(i64, usize)> = {
            let mut e: Vec<(i64, usize)> = Vec::new();
            for (r, ranges) in &steps {
                if let Some(first) = entry(ranges) {
                    e.push((first, *r));
                    if let Some(every) = policy.rules[*r].repeat_days {
                        let every = every as i64;
                        let last = ranges
                            .iter()
                            .filter_map(|x| x.max().and_then(|m| m.to_i64()))
                            .max()
                            .unwrap_or(i64::MAX);
                        let mut next = first + every;
                        while next <= last && next < first + 3650 {
                            e.push((next, *r));
                            next += every;
                        }
                    }
                }
            }
            e.sort();
            e
        };
        let horizon = entries.iter().map(|(d, _)| *d).max();
        let overdue_steps = steps.iter().any(|(_, ranges)| {
            ranges
                .iter()
                .any(|r| r.max().is_none_or(|m| m.to_i64().is_some_and(|m| m >= 1)))
        });
        if !overdue_steps {
            // Point at the segment's value in its declaration, or else at the last rule.
            let label_span = group
                .as_ref()
                .and_then(|v| declared_value_span(policy, "segment", v))
                .unwrap_or(policy.rules[policy.rules.len() - 1].spans.statement);
            out.push(CheckError::CoverageGap {
                example: format!("{who} gets no action however overdue it is"),
                span: label_span.into(),
                label: if group.is_some() {
                    "no rule applies to these invoices once they are overdue".into()
                } else {
                    "no rule applies to an invoice once it is overdue".into()
                },
                help: format!(
                    "add a step for it, such as `when overdue >= 1d then email`{}",
                    match &group {
                        Some(v) => format!(" (with `segment = {v}` if it needs its own ladder)"),
                        None => String::new(),
                    }
                ),
            });
            continue;
        }
        let Some(horizon) = horizon else { continue };
        // Gap: an invoice first seen (or back from a pause) on these days gets nothing.
        let start = entries
            .iter()
            .map(|(d, _)| *d)
            .filter(|d| *d >= 1)
            .min()
            .unwrap_or(1);
        if let Some((from, to)) = first_gap(&steps, start, horizon) {
            let next = entries.iter().find(|(e, _)| *e > to).map(|(_, r)| *r);
            let span = next.map_or(policy.rules[0].spans.statement, |r| {
                policy.rules[r].spans.condition
            });
            out.push(CheckError::CoverageGap {
                example: format!("{who} overdue {from} to {to} days gets no action"),
                span: span.into(),
                label: format!("the next step only applies from {}", days(to + 1)),
                help: "an earlier step has an upper bound that leaves these days out: \
                       drop the bound (`overdue > 15d` rather than `overdue <= 15d`), or add a step for them"
                    .to_string(),
            });
        }
        // Long wait: consecutive step thresholds too far apart.
        let mut previous = 0i64;
        for &(e, r) in &entries {
            if e - previous > LONG_WAIT_DAYS && e >= 1 {
                let from = if previous <= 0 {
                    "the due date".to_string()
                } else {
                    days(previous)
                };
                out.push(CheckError::LongWait {
                    example: format!(
                        "{who} waits {} days without a step, from {} to {}",
                        e - previous,
                        from,
                        days(e)
                    ),
                    span: policy.rules[r].spans.condition.into(),
                    label: format!("next step only at {}", days(e)),
                    help: format!(
                        "add an intermediate step (a call or a letter) before {}, or bring this step earlier",
                        days(e)
                    ),
                });
                break;
            }
            previous = previous.max(e);
        }
    }
}

/// Where `value` is written in the declaration `attribute NAME in [...]`.
fn declared_value_span(policy: &Policy, name: &str, value: &str) -> Option<Span> {
    let attribute = policy.attributes.iter().find(|a| a.name == name)?;
    let AttrType::OneOf(values) = &attribute.ty else {
        return None;
    };
    let i = values.iter().position(|v| v == value)?;
    attribute.spans.values.get(i).copied()
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

/// The first run of days in `start..=horizon` where no step can hold.
fn first_gap(steps: &[(usize, Vec<Interval>)], start: i64, horizon: i64) -> Option<(i64, i64)> {
    let mut covered: Vec<(i64, i64)> = steps
        .iter()
        .flat_map(|(_, ranges)| ranges.iter())
        .map(|r| {
            let lo = r.min().and_then(|m| m.to_i64()).unwrap_or(i64::MIN);
            let hi = r.max().and_then(|m| m.to_i64()).unwrap_or(i64::MAX);
            (lo, hi)
        })
        .collect();
    covered.sort_unstable();
    let mut next = start; // first day not yet known to be covered
    for (lo, hi) in covered {
        if next > horizon {
            return None;
        }
        if lo > next {
            return Some((next, (lo - 1).min(horizon)));
        }
        if hi >= next {
            next = hi.saturating_add(1);
        }
    }
    (next <= horizon).then_some((next, horizon))
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
            "set cooldown = 7d\nattribute segment in [strategic, key, standard, small]\nattribute country: text\n",
        );
        for r in 0..rules {
            let mut parts: Vec<String> = Vec::new();
            match rng.random_range(0..4) {
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
                let kept = pairs.of(r).len();
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
