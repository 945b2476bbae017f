//! Warnings about steps, each compared with the others: a step that never
//! fires, one never chosen (shadowed), a firmer step before a milder one,
//! legal steps without a formal notice, steps closer than the cooldown.

use rust_decimal::prelude::ToPrimitive;

use super::domain::{self, Conjunct, Domain, Var};
use super::pairs::{merged, Pairs};
use super::{days, describe, entry, RuleFacts};
use crate::check::error::CheckError;
use crate::policy::{ActionKind, Policy};

pub(super) fn never_fires(policy: &Policy, facts: &[RuleFacts], out: &mut Vec<CheckError>) {
    for (i, f) in facts.iter().enumerate() {
        if !f.never || f.claim {
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
            Var::Fired(i) => format!("fired {}", policy.rule_name(i)),
            _ => "?".into(),
        },
    }
}

/// Rule `i` is never chosen when a later rule `j` holds whenever `i` does:
/// `j` is the more advanced step, so it wins (and once it fired, nothing
/// earlier fires).
pub(super) fn shadowed(
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
    // From each rule on, the lowest first day and the highest last day of
    // the rules: once no later rule can cover rule i's days, stop looking
    // (a ladder of 100,000 growing thresholds is not a million comparisons).
    let n = facts.len();
    let mut lowest: Vec<Option<i64>> = vec![Some(i64::MAX); n + 1];
    let mut highest: Vec<(u8, i64)> = vec![(0, i64::MIN); n + 1];
    for j in (0..n).rev() {
        let (lo, hi) = match hulls[j] {
            Some((lo, hi)) => (lo, high_key(hi)),
            None => (Some(i64::MAX), (0, i64::MIN)),
        };
        lowest[j] = lowest[j + 1].min(lo);
        highest[j] = highest[j + 1].max(hi);
    }
    // The negation of each rule's condition, computed once when first needed.
    let mut negations: Vec<Option<Option<Vec<Conjunct>>>> = vec![None; facts.len()];
    // A chain of steps (`when fired r1 and ...`, `when fired r2 and ...`)
    // has every later step cover an earlier one's days without shadowing
    // it: rule j, true only once step k fired, shadows rule i only if i
    // too requires k to have fired (`domain::unfired_suffices`). The rules
    // that name a step are indexed by such a k, so that a rule is compared
    // only with those it may be shadowed by, not with all the later ones.
    let required: Vec<Vec<usize>> = facts
        .iter()
        .map(|f| {
            f.dnf
                .as_deref()
                .map(domain::required_fired)
                .unwrap_or_default()
        })
        .collect();
    let mut unfired: Vec<Option<usize>> = vec![None; n];
    let mut general: Vec<usize> = Vec::new();
    let mut by_step: std::collections::HashMap<usize, Vec<usize>> = Default::default();
    for j in 0..n {
        let names_a_step = facts[j].dnf.as_ref().is_some_and(|d| {
            d.iter()
                .flatten()
                .any(|atom| matches!(atom.var, Var::Fired(_)))
        });
        if names_a_step {
            let negation = domain.dnf(&policy.rules[j].condition, true);
            unfired[j] = negation.as_deref().and_then(domain::unfired_suffices);
            negations[j] = Some(negation);
        }
        match unfired[j] {
            Some(k) => by_step.entry(k).or_default().push(j),
            None => general.push(j),
        }
    }
    for i in 0..facts.len() {
        if facts[i].never {
            continue;
        }
        let (Some(dnf_i), Some((lo_i, hi_i))) = (&facts[i].dnf, hulls[i]) else {
            continue;
        };
        // The later rules that may shadow this one, in file order: those
        // that may share its invoices (`pairs`), or those not ruled out by
        // a step (above), whichever list is shorter. Either way the rules
        // left out would fail the full test.
        let by_steps: Vec<&[usize]> = std::iter::once(general.as_slice())
            .chain(
                required[i]
                    .iter()
                    .filter_map(|k| by_step.get(k))
                    .map(Vec::as_slice),
            )
            .collect();
        let candidates: Box<dyn Iterator<Item = usize>> =
            if by_steps.iter().map(|l| l.len()).sum::<usize>() < pairs.size(i) {
                Box::new(merged(by_steps, i + 1).filter(|&j| pairs.admits(i, j)))
            } else {
                Box::new(pairs.of_from(i, i + 1))
            };
        for j in candidates {
            if lowest[j] > lo_i || highest[j] < high_key(hi_i) {
                break;
            }
            if unfired[j].is_some_and(|k| required[i].binary_search(&k).is_err()) {
                continue;
            }
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

/// The last day of a hull as a key that sorts "no last day" highest.
fn high_key(hi: Option<i64>) -> (u8, i64) {
    match hi {
        None => (1, 0),
        Some(d) => (0, d),
    }
}

/// Whether two rules can be about the same invoice (time and history aside).
pub(super) fn compatible(a: &RuleFacts, b: &RuleFacts) -> bool {
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

pub(super) fn firmer_first(
    policy: &Policy,
    facts: &[RuleFacts],
    pairs: &Pairs,
    out: &mut Vec<CheckError>,
) {
    let mut order: Vec<usize> = (0..facts.len())
        .filter(|&i| !facts[i].never && facts[i].entry.is_some())
        .collect();
    order.sort_by_key(|&i| (facts[i].entry, i));
    let mut position = vec![usize::MAX; facts.len()];
    for (pos, &x) in order.iter().enumerate() {
        position[x] = pos;
    }
    // The rules of each firmness, in threshold order: the milder steps
    // after `x` are found there when that is cheaper than going through
    // the rules that may share its invoices.
    let mut by_firmness: std::collections::BTreeMap<u8, Vec<usize>> = Default::default();
    for &y in &order {
        by_firmness
            .entry(policy.rules[y].action.kind.firmness())
            .or_default()
            .push(y);
    }
    for (pos, &x) in order.iter().enumerate() {
        let firm = policy.rules[x].action.kind;
        // The first rule after `x` in threshold order that is milder,
        // starts later, and is about the same invoices.
        let later_milder: Vec<&[usize]> = by_firmness
            .range(..firm.firmness())
            .map(|(_, list)| {
                let start = list.partition_point(|&y| facts[y].entry <= facts[x].entry);
                &list[start..]
            })
            .collect();
        let indexed: usize = later_milder.iter().map(|l| l.len()).sum();
        let later = if indexed < pairs.size(x) {
            // Merge the lists in threshold order, lazily: the first match ends it.
            let mut lists = later_milder;
            std::iter::from_fn(|| {
                let (k, &y) = lists
                    .iter()
                    .enumerate()
                    .filter_map(|(k, l)| l.first().map(|y| (k, y)))
                    .min_by_key(|(_, y)| position[**y])?;
                lists[k] = &lists[k][1..];
                Some(y)
            })
            .filter(|&y| pairs.admits(x, y))
            .find(|&y| compatible(&facts[x], &facts[y]))
        } else {
            let mut milder: Vec<usize> = pairs
                .of(x)
                .filter(|&y| position[y] != usize::MAX && position[y] > pos)
                .filter(|&y| {
                    facts[y].entry > facts[x].entry
                        && policy.rules[y].action.kind.firmness() < firm.firmness()
                })
                .collect();
            milder.sort_unstable_by_key(|&y| position[y]);
            milder
                .into_iter()
                .find(|&y| compatible(&facts[x], &facts[y]))
        };
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

pub(super) fn no_formal_notice(
    policy: &Policy,
    facts: &[RuleFacts],
    pairs: &Pairs,
    out: &mut Vec<CheckError>,
) {
    // The formal notices that can fire, in file order.
    let notices: Vec<usize> = (0..facts.len())
        .filter(|&k| policy.rules[k].action.kind == ActionKind::FormalNotice && !facts[k].never)
        .collect();
    for (r, rule) in policy.rules.iter().enumerate() {
        if !matches!(
            rule.action.kind,
            ActionKind::Legal | ActionKind::CollectionAgency
        ) || facts[r].never
        {
            continue;
        }
        let earlier = &notices[..notices.partition_point(|&k| k < r)];
        let noticed = if earlier.len() < pairs.size(r) {
            earlier
                .iter()
                .any(|&k| pairs.admits(r, k) && compatible(&facts[k], &facts[r]))
        } else {
            pairs.of(r).take_while(|&k| k < r).any(|k| {
                policy.rules[k].action.kind == ActionKind::FormalNotice
                    && !facts[k].never
                    && compatible(&facts[k], &facts[r])
            })
        };
        if !noticed {
            out.push(CheckError::NoFormalNotice {
                action: rule.action.kind.to_string(),
                span: policy.rules[r].spans.action.into(),
            });
        }
    }
}

pub(super) fn within_cooldown(
    policy: &Policy,
    facts: &[RuleFacts],
    pairs: &Pairs,
    out: &mut Vec<CheckError>,
) {
    let cooldown = policy.settings.cooldown_days as i64;
    if cooldown == 0 {
        return;
    }
    // Only contacts are spaced out by the cooldown (`ActionKind::is_contact`).
    let contact = |r: usize| policy.rules[r].action.kind.is_contact();
    // The contact steps that can fire, by first day then file order.
    let mut steps: Vec<(i64, usize)> = (0..facts.len())
        .filter(|&i| !facts[i].never && contact(i))
        .filter_map(|i| facts[i].entry.map(|e| (e, i)))
        .collect();
    steps.sort_unstable();
    // The same steps, but only those above the rule at hand in the file
    // (a sweep in file order): the latest step before it on the ladder is
    // then the greatest one below its first day, found without going
    // through the steps further down the file (100,000 rules with falling
    // thresholds would otherwise be 5 billion comparisons).
    let mut above: std::collections::BTreeSet<(i64, usize)> = Default::default();
    for j in 0..facts.len() {
        let Some(ej) = facts[j].entry else { continue };
        if facts[j].never || !contact(j) {
            continue;
        }
        // The latest earlier step about the same invoices: try the latest
        // first, from the index of steps or from the rules that may share
        // invoices with this one, whichever is shorter.
        let before = steps.partition_point(|&(e, _)| e < ej);
        let previous = if before < pairs.size(j) {
            above
                .range(..(ej, 0))
                .rev()
                .copied()
                .filter(|&(_, i)| pairs.admits(j, i))
                .find(|&(_, i)| compatible(&facts[i], &facts[j]))
        } else {
            let mut earlier: Vec<(i64, usize)> = pairs
                .of(j)
                .take_while(|&i| i < j)
                .filter(|&i| !facts[i].never && contact(i))
                .filter_map(|i| facts[i].entry.filter(|&e| e < ej).map(|e| (e, i)))
                .collect();
            earlier.sort_unstable_by(|a, b| b.cmp(a));
            earlier
                .into_iter()
                .find(|&(_, i)| compatible(&facts[i], &facts[j]))
        };
        above.insert((ej, j));
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
            Some(every) if (every as i64) < cooldown && !facts[r].never && contact(r) => {
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

/// A contact step that holds on fewer overdue days than the cooldown lasts
/// can be deferred by a contact just before its window (for another invoice
/// of the customer, say) until the window has closed: the step is then
/// lost (`simulate` counts them as expired while deferred). Preventive days
/// (not yet overdue) are not held by the cooldown, so only the overdue part
/// of the window counts.
pub(super) fn expires_in_cooldown(policy: &Policy, facts: &[RuleFacts], out: &mut Vec<CheckError>) {
    let cooldown = policy.settings.cooldown_days as i64;
    if cooldown == 0 {
        return;
    }
    for (r, f) in facts.iter().enumerate() {
        if f.never || f.claim || !policy.rules[r].action.kind.is_contact() {
            continue;
        }
        let Some(ranges) = &f.ranges else { continue };
        // The overdue part of each range, as whole days; a range without an
        // end never closes.
        let mut windows = Vec::new();
        let mut open_ended = false;
        for range in ranges {
            let Some(hi) = range.max().and_then(|d| d.floor().to_i64()) else {
                open_ended = true;
                break;
            };
            let lo = range
                .min()
                .and_then(|d| d.ceil().to_i64())
                .map_or(1, |lo| lo.max(1));
            if hi >= lo {
                windows.push((lo, hi));
            }
        }
        if open_ended {
            continue;
        }
        let Some(&(lo, hi)) = windows.iter().max_by_key(|(lo, hi)| (hi - lo, -lo)) else {
            continue;
        };
        let length = hi - lo + 1;
        if length >= cooldown {
            continue;
        }
        let span = if length == 1 {
            "1 day".to_string()
        } else {
            format!("{length} days")
        };
        out.push(CheckError::ExpiresInCooldown {
            message: format!(
                "{} can hold for {span} only (from {} to {}), less than the {cooldown}-day cooldown",
                describe(policy, r),
                days(lo),
                days(hi),
            ),
            span: policy.rules[r].spans.condition.into(),
            help: format!(
                "a contact up to {cooldown} days before the window defers this step until it is no longer due; \
widen the window to {cooldown} days or more, or shorten the cooldown (`simulate` counts the steps lost this way)"
            ),
        });
    }
}
