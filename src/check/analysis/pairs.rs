//! Which rules can be about the same invoice, found without comparing
//! every pair.

use std::collections::BTreeSet;

use super::domain::{self, Bound, Var};
use super::RuleFacts;

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
pub(super) struct Pairs {
    /// Per rule, the rules it may share invoices with (itself included), in file order.
    candidates: Vec<Vec<usize>>,
}

impl Pairs {
    pub(super) fn new(facts: &[RuleFacts]) -> Pairs {
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
    pub(super) fn of(&self, r: usize) -> &[usize] {
        &self.candidates[r]
    }
}

/// The words rule `f` requires of `var`, if it requires a list of words.
fn words_of(f: &RuleFacts, var: Var) -> Option<&BTreeSet<String>> {
    f.bounds.iter().find_map(|(v, b)| match b {
        Bound::Words(words) if *v == var => Some(words),
        _ => None,
    })
}
