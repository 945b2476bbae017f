//! Warnings about the ladder as a whole: overdue invoices that get no step
//! at all or none for a stretch of days (gaps), and long waits between
//! steps, per value of the `segment` attribute when it is declared.

use rust_decimal::prelude::ToPrimitive;

use super::domain::{self, Bound, Conjunct, Domain, Interval, Var};
use super::{days, entry, RuleFacts, LONG_WAIT_DAYS};
use crate::check::error::CheckError;
use crate::policy::{AttrIdx, AttrType, Policy};
use crate::span::Span;

/// Gaps and long waits, per value of the `segment` attribute when it is declared.
pub(super) fn coverage(
    policy: &Policy,
    domain: &Domain<'_>,
    facts: &[RuleFacts],
    out: &mut Vec<CheckError>,
) {
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
    let groups: Vec<Option<(usize, String)>> = match &segment {
        Some((_, values)) => values.iter().cloned().enumerate().map(Some).collect(),
        None => vec![None],
    };
    for numbered in groups {
        let (position, group) = match numbered {
            Some((k, v)) => (Some(k), Some(v)),
            None => (None, None),
        };
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
            let label_span = segment
                .as_ref()
                .zip(position)
                .and_then(|((i, _), k)| declared_value_span(policy, *i, k))
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

/// Where the `k`-th value is written in the declaration `attribute NAME in [...]`.
fn declared_value_span(policy: &Policy, attribute: AttrIdx, k: usize) -> Option<Span> {
    policy.attribute(attribute)?.spans.values.get(k).copied()
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
