//! The pairwise analyses as first written, comparing every pair of rules:
//! the reference the indexed versions in `mod.rs` must agree with exactly
//! (see the test at the end of `mod.rs`).

use rust_decimal::prelude::ToPrimitive;

use super::domain::{self, Domain};
use super::{days, entry, RuleFacts};
use crate::check::error::CheckError;
use crate::policy::{ActionKind, Policy};

pub(super) fn shadowed(
    policy: &Policy,
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
            let Some((lo_j, hi_j)) = (*hull).filter(|_| !facts[j].claim) else {
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
                    span: policy.rules[i].spans.condition.into(),
                    by_span: policy.rules[j].spans.condition.into(),
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

pub(super) fn firmer_first(policy: &Policy, facts: &[RuleFacts], out: &mut Vec<CheckError>) {
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
                span: policy.rules[x].spans.action.into(),
                mild_span: policy.rules[y].spans.action.into(),
                help: format!(
                    "a ladder gets firmer as time passes: swap the thresholds, or make `{}` a `{}`",
                    policy.rules[y].name, firm
                ),
            });
        }
    }
}

pub(super) fn no_formal_notice(policy: &Policy, facts: &[RuleFacts], out: &mut Vec<CheckError>) {
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
                span: policy.rules[r].spans.action.into(),
            });
        }
    }
}

pub(super) fn within_cooldown(policy: &Policy, facts: &[RuleFacts], out: &mut Vec<CheckError>) {
    let cooldown = policy.settings.cooldown_days as i64;
    if cooldown == 0 {
        return;
    }
    let contact = |r: usize| policy.rules[r].action.kind.is_contact();
    for j in 0..facts.len() {
        let Some(ej) = facts[j].entry else { continue };
        if facts[j].never || !contact(j) {
            continue;
        }
        let previous = (0..j)
            .filter(|&i| !facts[i].never && contact(i))
            .filter_map(|i| facts[i].entry.filter(|&e| e < ej).map(|e| (e, i)))
            .filter(|&(_, i)| compatible(&facts[i], &facts[j]))
            .max();
        if let Some((ei, i)) = previous {
            let gap = ej - ei;
            if gap < cooldown {
                out.push(CheckError::WithinCooldown {
                    message: format!("{} {gap} {}", policy.rules[j].name, policy.rules[i].name),
                    span: policy.rules[j].spans.condition.into(),
                    label: String::new(),
                    previous_span: Some(policy.rules[i].spans.condition.into()),
                    help: String::new(),
                });
            }
        }
    }
}
