//! Warnings about a policy that is valid but will not do what its author
//! meant: steps that can never fire or never be chosen under the ladder
//! semantics, a ladder that goes down in firmness, legal steps without a
//! formal notice, steps closer than the cooldown, and invoices left without
//! a step.

mod domain;

use rust_decimal::prelude::ToPrimitive;

use self::domain::{Conjunct, Domain, Interval, Var};
use super::error::CheckError;
use super::RuleSpans;
use crate::policy::{ActionKind, AttrType, Policy};
use crate::syntax::ast;

/// The longest wait between two steps before it is worth a warning.
const LONG_WAIT_DAYS: i64 = 30;

struct RuleFacts {
    /// The condition in disjunctive form; `None` when too large to analyse.
    dnf: Option<Vec<Conjunct>>,
    never: bool,
    /// Days overdue from which the rule can hold; `None` if from the start.
    entry: Option<i64>,
}

pub(crate) fn analyze(policy: &Policy, spans: &RuleSpans, ast: &ast::Policy) -> Vec<CheckError> {
    let mut out = Vec::new();
    if policy.rules.is_empty() {
        let end = ast.items.last().map_or(0, |i| i.span.end);
        out.push(CheckError::NoRules {
            span: (0, end).into(),
        });
        return out;
    }
    let domain = Domain::new(policy);
    let facts: Vec<RuleFacts> = policy
        .rules
        .iter()
        .map(|rule| {
            let dnf = domain.dnf(&rule.condition, false);
            let never = dnf.as_ref().is_some_and(|d| !domain::is_sat(d));
            let entry = dnf.as_ref().and_then(|d| entry(&domain::overdue_ranges(d)));
            RuleFacts { dnf, never, entry }
        })
        .collect();

    never_fires(policy, spans, &facts, &mut out);
    shadowed(policy, spans, &domain, &facts, &mut out);
    firmer_first(policy, spans, &facts, &mut out);
    no_formal_notice(policy, spans, &facts, &mut out);
    within_cooldown(policy, spans, &facts, &mut out);
    coverage(policy, spans, &domain, &facts, &mut out);
    out
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

fn never_fires(policy: &Policy, spans: &RuleSpans, facts: &[RuleFacts], out: &mut Vec<CheckError>) {
    for (i, f) in facts.iter().enumerate() {
        if !f.never {
            continue;
        }
        let var = f
            .dnf
            .as_ref()
            .and_then(|d| d.iter().find_map(domain::conflict));
        let what = var.map(|v| var_name(policy, v));
        out.push(CheckError::NeverFires {
            rule: policy.rules[i].name.clone(),
            span: spans.condition[i].into(),
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
    match var {
        Var::Overdue => "overdue".into(),
        Var::Age => "age".into(),
        Var::LastContact => "last_contact".into(),
        Var::Reminders => "reminders".into(),
        Var::Money(domain::FactKey::Amount, _) => "amount".into(),
        Var::Money(domain::FactKey::OpenAmount, _) => "open_amount".into(),
        Var::Money(domain::FactKey::Attribute(i), _) | Var::Attribute(i) => policy
            .attributes
            .get(i)
            .map_or_else(|| "?".into(), |a| a.name.clone()),
        Var::Currency => "currency".into(),
        Var::Disputed => "disputed".into(),
        Var::CustomerId => "customer_id".into(),
        Var::InvoiceId => "invoice_id".into(),
        Var::Fired(i) => format!(
            "fired {}",
            policy.rules.get(i).map_or("?", |r| r.name.as_str())
        ),
    }
}

/// Rule `i` is never chosen when a later rule `j` holds whenever `i` does:
/// `j` is the more advanced step, so it wins (and once it fired, nothing
/// earlier fires).
fn shadowed(
    policy: &Policy,
    spans: &RuleSpans,
    domain: &Domain<'_>,
    facts: &[RuleFacts],
    out: &mut Vec<CheckError>,
) {
    // Cheap necessary condition before the full test: j's overdue hull covers i's.
    let hulls: Vec<Option<(Option<i64>, Option<i64>)>> = facts
        .iter()
        .map(|f| {
            let ranges = domain::overdue_ranges(f.dnf.as_ref()?);
            let lo = entry(&ranges);
            let hi = ranges
                .iter()
                .map(|r| r.max().and_then(|m| m.to_i64()))
                .try_fold(i64::MIN, |acc, m| m.map(|m| acc.max(m)));
            Some((lo, hi))
        })
        .collect();
    for i in 0..facts.len() {
        if facts[i].never {
            continue;
        }
        let (Some(dnf_i), Some((lo_i, hi_i))) = (&facts[i].dnf, hulls[i]) else {
            continue;
        };
        for (j, hull) in hulls.iter().enumerate().skip(i + 1) {
            let Some((lo_j, hi_j)) = *hull else {
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
            let Some(not_j) = domain.dnf(&policy.rules[j].condition, true) else {
                continue;
            };
            let Some(both) = domain.and(dnf_i, &not_j) else {
                continue;
            };
            if !domain::is_sat(&both) {
                out.push(CheckError::Shadowed {
                    rule: policy.rules[i].name.clone(),
                    by: policy.rules[j].name.clone(),
                    span: spans.condition[i].into(),
                    by_span: spans.condition[j].into(),
                    help: format!(
                        "the ladder runs top to bottom, the last rule that holds wins: move `{}` below `{}`, or narrow `{}`",
                        policy.rules[i].name, policy.rules[j].name, policy.rules[j].name
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

fn firmer_first(
    policy: &Policy,
    spans: &RuleSpans,
    facts: &[RuleFacts],
    out: &mut Vec<CheckError>,
) {
    let mut order: Vec<usize> = (0..facts.len())
        .filter(|&i| !facts[i].never && facts[i].entry.is_some())
        .collect();
    order.sort_by_key(|&i| (facts[i].entry, i));
    for (pos, &x) in order.iter().enumerate() {
        let firm = policy.rules[x].action.kind;
        let later = order[pos + 1..].iter().find(|&&y| {
            facts[y].entry > facts[x].entry
                && policy.rules[y].action.kind.firmness() < firm.firmness()
                && compatible(&facts[x], &facts[y])
        });
        if let Some(&y) = later {
            let mild = policy.rules[y].action.kind;
            let (ex, ey) = (facts[x].entry.unwrap_or(0), facts[y].entry.unwrap_or(0));
            out.push(CheckError::FirmerFirst {
                firm: firm.to_string(),
                firm_days: days(ex),
                mild: mild.to_string(),
                mild_days: days(ey),
                span: spans.action[x].into(),
                mild_span: spans.action[y].into(),
                help: format!(
                    "a ladder gets firmer as time passes: swap the thresholds, or make `{}` a `{}`",
                    policy.rules[y].name, firm
                ),
            });
        }
    }
}

fn no_formal_notice(
    policy: &Policy,
    spans: &RuleSpans,
    facts: &[RuleFacts],
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
        let noticed = (0..r).any(|k| {
            policy.rules[k].action.kind == ActionKind::FormalNotice
                && !facts[k].never
                && compatible(&facts[k], &facts[r])
        });
        if !noticed {
            out.push(CheckError::NoFormalNotice {
                action: rule.action.kind.to_string(),
                span: spans.action[r].into(),
            });
        }
    }
}

fn within_cooldown(
    policy: &Policy,
    spans: &RuleSpans,
    facts: &[RuleFacts],
    out: &mut Vec<CheckError>,
) {
    let cooldown = policy.settings.cooldown_days as i64;
    if cooldown == 0 {
        return;
    }
    for j in 0..facts.len() {
        let Some(ej) = facts[j].entry else { continue };
        if facts[j].never {
            continue;
        }
        let previous = (0..j)
            .filter(|&i| !facts[i].never)
            .filter_map(|i| facts[i].entry.filter(|&e| e < ej).map(|e| (e, i)))
            .filter(|&(_, i)| compatible(&facts[i], &facts[j]))
            .max();
        if let Some((ei, i)) = previous {
            let gap = ej - ei;
            if gap < cooldown {
                out.push(CheckError::WithinCooldown {
                    rule: policy.rules[j].name.clone(),
                    previous: policy.rules[i].name.clone(),
                    gap: if gap == 1 {
                        "1 day".into()
                    } else {
                        format!("{gap} days")
                    },
                    cooldown: policy.settings.cooldown_days,
                    span: spans.condition[j].into(),
                    previous_span: spans.condition[i].into(),
                    help: format!(
                        "it will wait until {}; set its threshold there, or shorten the cooldown",
                        days(ei + cooldown)
                    ),
                });
            }
        }
    }
}

/// Gaps and long waits, per value of the `segment` attribute when it is declared.
fn coverage(
    policy: &Policy,
    spans: &RuleSpans,
    domain: &Domain<'_>,
    facts: &[RuleFacts],
    out: &mut Vec<CheckError>,
) {
    let segment = policy
        .attributes
        .iter()
        .enumerate()
        .find_map(|(i, a)| match &a.ty {
            AttrType::OneOf(values) if a.name == "segment" => Some((i, values.clone())),
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
            let label_span = segment
                .as_ref()
                .and(group.as_ref())
                .map_or(spans.rule[policy.rules.len() - 1], |_| spans.rule[0]);
            out.push(CheckError::CoverageGap {
                example: format!("{who} gets no action however overdue it is"),
                span: label_span.into(),
                label: "no rule applies to it once it is overdue".into(),
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
            let span = next.map_or(spans.rule[0], |r| spans.condition[r]);
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
                    span: spans.condition[r].into(),
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
