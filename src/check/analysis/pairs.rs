//! Which rules can be about the same invoice, found without comparing
//! every pair.

use super::domain::{self, Bound, Interval, Var};
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
pub(super) struct Pairs<'f> {
    facts: &'f [RuleFacts],
    /// Per indexed variable (best first) and rule, the numbers of the
    /// words the rule requires of it (sorted), or `None` if it requires none.
    required: Vec<Vec<Option<Vec<u32>>>>,
    /// On the best variable: the rules by word number, in file order.
    buckets: Vec<Vec<usize>>,
    /// The rules that require no word of the best variable, in file order.
    wild: Vec<usize>,
    /// Every rule, in file order: the candidates of a wild rule.
    all: Vec<usize>,
}

impl<'f> Pairs<'f> {
    pub(super) fn new(facts: &'f [RuleFacts]) -> Pairs<'f> {
        use std::collections::{BTreeMap, HashMap};
        let n = facts.len();
        // For each variable required as a word list: the words, numbered,
        // the numbers each rule requires, and the rules by word number.
        let mut numbers: BTreeMap<Var, HashMap<&str, u32>> = BTreeMap::new();
        let mut keys: BTreeMap<Var, Vec<Option<Vec<u32>>>> = BTreeMap::new();
        let mut buckets: BTreeMap<Var, Vec<Vec<usize>>> = BTreeMap::new();
        let mut bound_rules: BTreeMap<Var, usize> = BTreeMap::new();
        let mut ranges: BTreeMap<Var, Vec<(usize, &Interval)>> = BTreeMap::new();
        for (r, f) in facts.iter().enumerate() {
            for (var, bound) in &f.bounds {
                let words = match bound {
                    Bound::Words(words) => words,
                    Bound::Range(range) => {
                        ranges.entry(*var).or_default().push((r, range));
                        continue;
                    }
                };
                let numbers = numbers.entry(*var).or_default();
                let buckets = buckets.entry(*var).or_default();
                *bound_rules.entry(*var).or_default() += 1;
                let mut required = Vec::with_capacity(words.len());
                for w in words.iter() {
                    let next = numbers.len() as u32;
                    let k = *numbers.entry(w.as_str()).or_insert(next) as usize;
                    if k == buckets.len() {
                        buckets.push(Vec::new());
                    }
                    buckets[k].push(r);
                    required.push(k as u32);
                }
                required.sort_unstable();
                keys.entry(*var).or_insert_with(|| vec![None; n])[r] = Some(required);
            }
        }
        // A number the rules compare with bands that never overlap (one
        // ladder per score band, say) splits them like words do: each
        // distinct band is a bucket.
        for (var, list) in ranges {
            if keys.contains_key(&var) {
                continue;
            }
            let mut bands: Vec<&Interval> = Vec::new();
            let mut numbered: HashMap<String, u32> = HashMap::new();
            let mut band_of: Vec<u32> = Vec::with_capacity(list.len());
            for (_, range) in &list {
                let k = *numbered.entry(format!("{range:?}")).or_insert_with(|| {
                    bands.push(range);
                    bands.len() as u32 - 1
                });
                band_of.push(k);
            }
            if !disjoint(&bands) {
                continue;
            }
            let mut per_rule = vec![None; n];
            let mut rules_of = vec![Vec::new(); bands.len()];
            for ((r, _), k) in list.iter().zip(band_of) {
                per_rule[*r] = Some(vec![k]);
                rules_of[k as usize].push(*r);
            }
            bound_rules.insert(var, list.len());
            keys.insert(var, per_rule);
            buckets.insert(var, rules_of);
        }
        // The variables that leave the fewest pairs to compare, best first.
        let cost = |var: &Var| -> usize {
            let wild = n - bound_rules[var];
            let within: usize = buckets[var]
                .iter()
                .map(|b| b.len().saturating_mul(b.len()))
                .fold(0, usize::saturating_add);
            within.saturating_add(wild.saturating_mul(n).saturating_mul(2))
        };
        let mut vars: Vec<Var> = buckets
            .keys()
            .copied()
            .filter(|v| cost(v) < n.saturating_mul(n))
            .collect();
        vars.sort_by_key(|v| (cost(v), *v));
        vars.truncate(4);
        let required: Vec<Vec<Option<Vec<u32>>>> = vars
            .iter()
            .map(|var| keys.remove(var).unwrap_or_default())
            .collect();
        let wild: Vec<usize> = match required.first() {
            Some(first) => (0..n).filter(|&r| first[r].is_none()).collect(),
            None => Vec::new(),
        };
        let buckets = match vars.first() {
            Some(var) => buckets.remove(var).unwrap_or_default(),
            None => Vec::new(),
        };
        Pairs {
            facts,
            required,
            buckets,
            wild,
            all: (0..n).collect(),
        }
    }

    /// The sorted lists whose union holds the candidates of rule `r`.
    fn lists(&self, r: usize) -> Vec<&[usize]> {
        match self.required.first().and_then(|first| first[r].as_ref()) {
            Some(words) => words
                .iter()
                .map(|&k| self.buckets[k as usize].as_slice())
                .chain([self.wild.as_slice()])
                .collect(),
            None => vec![self.all.as_slice()],
        }
    }

    /// How many rules the lists of `r` hold: the cost of going through
    /// `of(r)`, to choose between it and another index.
    pub(super) fn size(&self, r: usize) -> usize {
        self.lists(r).iter().map(|l| l.len()).sum()
    }

    /// Whether rules `r` and `s` may share invoices; `false` only when
    /// their bounds certainly do not meet.
    pub(super) fn admits(&self, r: usize, s: usize) -> bool {
        let meet = |a: &Option<Vec<u32>>, b: &Option<Vec<u32>>| match (a, b) {
            (Some(a), Some(b)) => a.iter().any(|x| b.binary_search(x).is_ok()),
            _ => true,
        };
        let on_best = match self.required.first() {
            Some(first) => meet(&first[r], &first[s]),
            None => true,
        };
        on_best
            && self
                .required
                .iter()
                .skip(1)
                .all(|per_rule| meet(&per_rule[r], &per_rule[s]))
            && !domain::bounds_disjoint(&self.facts[r].bounds, &self.facts[s].bounds)
    }

    /// The rules from index `from` on that may share invoices with rule
    /// `r`, in file order; the others certainly do not. Lazy: a wild rule
    /// of a policy of 100,000 rules does not list them all unless asked to.
    pub(super) fn of_from(&self, r: usize, from: usize) -> impl Iterator<Item = usize> + '_ {
        merged(self.lists(r), from).filter(move |&s| self.admits(r, s))
    }

    /// The rules that may share invoices with rule `r`, in file order.
    pub(super) fn of(&self, r: usize) -> impl Iterator<Item = usize> + '_ {
        self.of_from(r, 0)
    }
}

/// The numbers from `from` on in any of the sorted `lists`, in order and
/// without duplicates: a lazy merge.
pub(super) fn merged(lists: Vec<&[usize]>, from: usize) -> impl Iterator<Item = usize> + '_ {
    let mut lists: Vec<&[usize]> = lists
        .into_iter()
        .map(|l| &l[l.partition_point(|&s| s < from)..])
        .collect();
    let mut last: Option<usize> = None;
    std::iter::from_fn(move || loop {
        // The smallest head of the lists.
        let (k, &next) = lists
            .iter()
            .enumerate()
            .filter_map(|(k, l)| l.first().map(|x| (k, x)))
            .min_by_key(|(_, x)| **x)?;
        lists[k] = &lists[k][1..];
        if last == Some(next) {
            continue;
        }
        last = Some(next);
        return Some(next);
    })
}

/// Whether no two of the bands share a value.
fn disjoint(bands: &[&Interval]) -> bool {
    let mut sorted: Vec<&Interval> = bands.to_vec();
    sorted.sort_by_key(|a| a.min());
    // Strictly growing lower ends, and each band apart from the next: then
    // every later band starts after this one ends.
    sorted
        .windows(2)
        .all(|w| w[0].min() < w[1].min() && !w[0].meets(w[1]))
}
