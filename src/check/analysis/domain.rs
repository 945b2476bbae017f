//! A small abstract domain to reason about conditions: each condition
//! becomes a disjunction of conjunctions of atoms, each atom the set of
//! values one fact may take (plus whether "no value" satisfies it).
//!
//! Every answer errs on the safe side: `is_sat` may say "satisfiable" for
//! a condition that is not (comparisons with `today`, currencies of one
//! invoice), never the reverse. Warnings built on "unsatisfiable" are
//! therefore never false alarms of that kind.

use std::collections::BTreeSet;
use std::rc::Rc;

use rust_decimal::Decimal;

use crate::money::Currency;
use crate::policy::{AttrIdx, CmpOp, Condition, Fact, Policy, RuleIdx, Value};

/// Past this many conjunctions a condition is not analysed (no warning).
const MAX_CONJUNCTS: usize = 512;

/// What an atom constrains. `due_in` is folded into `overdue`; money is per currency.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum Var {
    Overdue,
    Age,
    LastContact,
    Reminders,
    Money(FactKey, Currency),
    Currency,
    Disputed,
    /// `promised_until`, `payment_plan`, `insolvent`, `blocked`.
    Account(Fact),
    CustomerId,
    InvoiceId,
    Attribute(AttrIdx),
    Fired(RuleIdx),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum FactKey {
    Amount,
    OpenAmount,
    Attribute(AttrIdx),
}

impl Var {
    /// Whether the fact can be absent (an empty cell, a customer never contacted,
    /// an amount in another currency).
    fn can_be_missing(self) -> bool {
        matches!(
            self,
            Var::LastContact
                | Var::Money(..)
                | Var::Attribute(_)
                | Var::Account(Fact::PromisedUntil)
        )
    }

    /// Facts about time and history, not about which invoice it is: as
    /// the fact table's clocks say, and whether a step fired.
    pub(crate) fn is_temporal(self) -> bool {
        match self.fact() {
            Some(fact) => fact.clock().is_temporal(),
            None => matches!(self, Var::Fired(_)),
        }
    }

    /// The fact the variable stands for (`overdue` for `due_in` too, which
    /// it folds in); `None` for `fired`.
    pub(crate) fn fact(self) -> Option<Fact> {
        Some(match self {
            Var::Overdue => Fact::Overdue,
            Var::Age => Fact::Age,
            Var::LastContact => Fact::LastContact,
            Var::Reminders => Fact::Reminders,
            Var::Money(FactKey::Amount, _) => Fact::Amount,
            Var::Money(FactKey::OpenAmount, _) => Fact::OpenAmount,
            Var::Money(FactKey::Attribute(i), _) | Var::Attribute(i) => Fact::Attribute(i),
            Var::Currency => Fact::Currency,
            Var::Disputed => Fact::Disputed,
            Var::Account(fact) => fact,
            Var::CustomerId => Fact::CustomerId,
            Var::InvoiceId => Fact::InvoiceId,
            Var::Fired(_) => return None,
        })
    }
}

/// One end of an interval: the value and whether it is included.
type End = Option<(Decimal, bool)>;

#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Interval {
    lo: End,
    hi: End,
}

impl Interval {
    const ALL: Interval = Interval { lo: None, hi: None };

    fn is_empty(&self) -> bool {
        match (self.lo, self.hi) {
            (Some((l, li)), Some((h, hi))) => l > h || (l == h && !(li && hi)),
            _ => false,
        }
    }

    fn intersect(&self, other: &Interval) -> Interval {
        let lo = match (self.lo, other.lo) {
            (None, x) | (x, None) => x,
            (Some(a), Some(b)) => Some(if a.0 > b.0 || (a.0 == b.0 && !a.1) {
                a
            } else {
                b
            }),
        };
        let hi = match (self.hi, other.hi) {
            (None, x) | (x, None) => x,
            (Some(a), Some(b)) => Some(if a.0 < b.0 || (a.0 == b.0 && !a.1) {
                a
            } else {
                b
            }),
        };
        Interval { lo, hi }
    }

    /// Closes strict ends on whole numbers: `> 15` is `>= 16`.
    fn integral(mut self) -> Interval {
        if let Some((v, false)) = self.lo {
            self.lo = Some((v.floor() + Decimal::ONE, true));
        } else if let Some((v, true)) = self.lo {
            self.lo = Some((v.ceil(), true));
        }
        if let Some((v, false)) = self.hi {
            self.hi = Some((v.ceil() - Decimal::ONE, true));
        } else if let Some((v, true)) = self.hi {
            self.hi = Some((v.floor(), true));
        }
        self
    }

    /// Whether the two intervals share a value.
    pub(crate) fn meets(&self, other: &Interval) -> bool {
        !self.intersect(other).is_empty()
    }

    pub(crate) fn min(&self) -> Option<Decimal> {
        self.lo.map(|(v, _)| v)
    }

    pub(crate) fn max(&self) -> Option<Decimal> {
        self.hi.map(|(v, _)| v)
    }
}

/// A set of words, shared: the declared values of an attribute (64,000 of
/// them, say) are built once and copied by reference into every atom and
/// conjunct that allows them all, rather than once per atom.
pub(crate) type Words = Rc<BTreeSet<String>>;

/// A union of disjoint intervals, or a finite/cofinite set of words.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Set {
    Ranges(Vec<Interval>),
    Words { words: Words, complement: bool },
}

/// `a ∩ b`, in time proportional to the smaller set.
fn meet(a: &Words, b: &Words) -> Words {
    let (small, large) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    if small.iter().all(|w| large.contains(w)) {
        return small.clone();
    }
    Rc::new(
        small
            .iter()
            .filter(|w| large.contains(*w))
            .cloned()
            .collect(),
    )
}

/// `a ∪ b`, sharing the larger set when it holds the smaller.
fn join(a: &Words, b: &Words) -> Words {
    let (small, large) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    if small.iter().all(|w| large.contains(w)) {
        return large.clone();
    }
    let mut out = (**large).clone();
    out.extend(small.iter().cloned());
    Rc::new(out)
}

/// `a \ b`, sharing `a` when nothing is taken out of it.
fn minus(a: &Words, b: &Words) -> Words {
    if a.len() <= b.len() {
        if !a.iter().any(|w| b.contains(w)) {
            return a.clone();
        }
        return Rc::new(a.iter().filter(|w| !b.contains(*w)).cloned().collect());
    }
    if !b.iter().any(|w| a.contains(w)) {
        return a.clone();
    }
    let mut out = (**a).clone();
    for w in b.iter() {
        out.remove(w);
    }
    Rc::new(out)
}

impl Set {
    fn is_empty(&self) -> bool {
        match self {
            Set::Ranges(r) => r.iter().all(Interval::is_empty),
            Set::Words { words, complement } => !complement && words.is_empty(),
        }
    }

    fn intersect(&self, other: &Set) -> Set {
        match (self, other) {
            (Set::Ranges(a), Set::Ranges(b)) => {
                let mut out = Vec::new();
                for x in a {
                    for y in b {
                        let i = x.intersect(y);
                        if !i.is_empty() {
                            out.push(i);
                        }
                    }
                }
                Set::Ranges(out)
            }
            (
                Set::Words {
                    words: a,
                    complement: ca,
                },
                Set::Words {
                    words: b,
                    complement: cb,
                },
            ) => match (ca, cb) {
                (false, false) => Set::Words {
                    words: meet(a, b),
                    complement: false,
                },
                (true, true) => Set::Words {
                    words: join(a, b),
                    complement: true,
                },
                (false, true) => Set::Words {
                    words: minus(a, b),
                    complement: false,
                },
                (true, false) => Set::Words {
                    words: minus(b, a),
                    complement: false,
                },
            },
            // Mixed kinds never meet on one variable; stay safe.
            _ => self.clone(),
        }
    }

    /// `self ∩ other`, in place: merging many atoms on one variable must
    /// not copy the growing set each time (a set not shared is changed
    /// where it is; a shared one is copied once, or only its smaller part).
    fn intersect_with(&mut self, other: &Set) {
        match (&mut *self, other) {
            (
                Set::Words {
                    words: a,
                    complement: ca,
                },
                Set::Words {
                    words: b,
                    complement: cb,
                },
            ) => match (*ca, *cb) {
                (false, false) => match Rc::get_mut(a) {
                    Some(own) if own.len() <= b.len() => own.retain(|w| b.contains(w)),
                    _ => *a = meet(a, b),
                },
                (true, true) => match Rc::get_mut(a) {
                    Some(own) if own.len() >= b.len() => own.extend(b.iter().cloned()),
                    _ => *a = join(a, b),
                },
                (false, true) => match Rc::get_mut(a) {
                    Some(own) if own.len() <= b.len() => own.retain(|w| !b.contains(w)),
                    _ => *a = minus(a, b),
                },
                (true, false) => {
                    *a = minus(b, a);
                    *ca = false;
                }
            },
            _ => *self = self.intersect(other),
        }
    }

    fn complement(&self, integral: bool) -> Set {
        match self {
            Set::Words { words, complement } => Set::Words {
                words: words.clone(),
                complement: !complement,
            },
            Set::Ranges(ranges) => {
                let mut sorted: Vec<Interval> =
                    ranges.iter().filter(|i| !i.is_empty()).cloned().collect();
                sorted.sort_by(|a, b| match (a.lo, b.lo) {
                    (None, None) => std::cmp::Ordering::Equal,
                    (None, _) => std::cmp::Ordering::Less,
                    (_, None) => std::cmp::Ordering::Greater,
                    (Some(x), Some(y)) => x.0.cmp(&y.0),
                });
                let mut out = Vec::new();
                let mut cursor: End = None; // lower end of the next gap; None = -inf
                let mut open_below = true;
                for interval in &sorted {
                    let gap = Interval {
                        lo: if open_below { None } else { cursor },
                        hi: interval.lo.map(|(v, inc)| (v, !inc)),
                    };
                    if interval.lo.is_some() && !gap.is_empty() {
                        out.push(gap);
                    }
                    match interval.hi {
                        None => return Set::Ranges(finish(out, integral)),
                        Some((v, inc)) => {
                            let next = Some((v, !inc));
                            // Keep the furthest upper end seen so far.
                            if open_below || cursor.is_none_or(|c| v > c.0 || (v == c.0 && c.1)) {
                                cursor = next;
                            }
                            open_below = false;
                        }
                    }
                }
                out.push(Interval {
                    lo: if open_below { None } else { cursor },
                    hi: None,
                });
                Set::Ranges(finish(out, integral))
            }
        }
    }

    /// The ranges, for facts counted in days.
    pub(crate) fn ranges(&self) -> &[Interval] {
        match self {
            Set::Ranges(r) => r,
            Set::Words { .. } => &[],
        }
    }
}

fn finish(ranges: Vec<Interval>, integral: bool) -> Vec<Interval> {
    ranges
        .into_iter()
        .map(|r| if integral { r.integral() } else { r })
        .filter(|r| !r.is_empty())
        .collect()
}

/// "The variable's value is in `set`, or it has no value and `missing`."
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Atom {
    pub var: Var,
    pub set: Set,
    pub missing: bool,
}

pub(crate) type Conjunct = Vec<Atom>;

/// Turns conditions into atoms; knows the policy's declared value lists.
pub(crate) struct Domain<'p> {
    policy: &'p Policy,
    /// `no` and `yes`, the values of a flag.
    flags: Words,
    /// Per attribute, its values when they are a known finite list: built
    /// once, shared by every atom on it.
    attributes: Vec<Option<Words>>,
}

impl<'p> Domain<'p> {
    pub fn new(policy: &'p Policy) -> Self {
        let flags: Words = Rc::new(["no", "yes"].iter().map(|s| s.to_string()).collect());
        let attributes = policy
            .attributes
            .iter()
            .map(|a| match &a.ty {
                crate::policy::AttrType::OneOf(values) => {
                    Some(Rc::new(values.iter().cloned().collect()))
                }
                crate::policy::AttrType::Bool => Some(flags.clone()),
                _ => None,
            })
            .collect();
        Domain {
            policy,
            flags,
            attributes,
        }
    }

    pub fn policy(&self) -> &'p Policy {
        self.policy
    }

    /// The condition (or its negation) as a disjunction of conjunctions;
    /// `None` when it is too large to analyse.
    pub fn dnf(&self, condition: &Condition, negate: bool) -> Option<Vec<Conjunct>> {
        match (condition, negate) {
            (Condition::All(items), false) | (Condition::Any(items), true) => {
                let mut acc: Vec<Conjunct> = vec![Vec::new()];
                for item in items {
                    let part = self.dnf(item, negate)?;
                    if let [only] = part.as_slice() {
                        // The common case (a chain of comparisons): grow the
                        // conjuncts in place rather than copying them, so a
                        // chain of n atoms costs O(n), not O(n²).
                        for conjunct in &mut acc {
                            conjunct.extend(only.iter().cloned());
                        }
                    } else {
                        acc = product(&acc, &part)?;
                    }
                }
                Some(acc)
            }
            (Condition::Any(items), false) | (Condition::All(items), true) => {
                let mut acc = Vec::new();
                for item in items {
                    acc.extend(self.dnf(item, negate)?);
                    if acc.len() > MAX_CONJUNCTS {
                        return None;
                    }
                }
                Some(acc)
            }
            (Condition::Not(inner), _) => self.dnf(inner, !negate),
            _ => {
                let atom = self
                    .atom(condition)
                    .map(|a| if negate { self.negate(a) } else { a });
                // An atom we cannot express constrains nothing.
                Some(vec![atom.into_iter().collect()])
            }
        }
    }

    pub fn and(&self, a: &[Conjunct], b: &[Conjunct]) -> Option<Vec<Conjunct>> {
        product(a, b)
    }

    fn negate(&self, atom: Atom) -> Atom {
        let integral = is_integral(atom.var);
        let mut set = atom.set.complement(integral);
        if let Some(domain) = self.finite_domain(atom.var) {
            set = domain.intersect(&set);
        }
        Atom {
            var: atom.var,
            set,
            missing: !atom.missing,
        }
    }

    /// The values a variable can take, when they are a known finite list.
    fn finite_domain(&self, var: Var) -> Option<Set> {
        let words = match var {
            Var::Disputed | Var::Fired(_) => self.flags.clone(),
            Var::Account(Fact::PromisedUntil) => return None,
            Var::Account(_) => self.flags.clone(),
            Var::Attribute(i) => self.attributes.get(i.get())?.clone()?,
            _ => return None,
        };
        Some(Set::Words {
            words,
            complement: false,
        })
    }

    fn atom(&self, condition: &Condition) -> Option<Atom> {
        match condition {
            Condition::Fired(i) => Some(word_atom(Var::Fired(*i), &["yes"], false)),
            Condition::Flag(fact) => Some(word_atom(var_of(*fact, None)?, &["yes"], false)),
            Condition::Compare { fact, op, value } => {
                let (fact, op, value) = normalize(*fact, *op, value);
                let var = var_of(fact, currency_of(&value))?;
                let (set, missing) = match key(&value)? {
                    Key::Number(v) => {
                        let point = Interval {
                            lo: Some((v, true)),
                            hi: Some((v, true)),
                        };
                        let interval = match op {
                            CmpOp::Eq => point,
                            CmpOp::Lt => Interval {
                                lo: None,
                                hi: Some((v, false)),
                            },
                            CmpOp::Le => Interval {
                                lo: None,
                                hi: Some((v, true)),
                            },
                            CmpOp::Gt => Interval {
                                lo: Some((v, false)),
                                hi: None,
                            },
                            CmpOp::Ge => Interval {
                                lo: Some((v, true)),
                                hi: None,
                            },
                            CmpOp::Ne => {
                                let set = Set::Ranges(vec![point]).complement(is_integral(var));
                                return Some(Atom {
                                    var,
                                    set,
                                    missing: true,
                                });
                            }
                        };
                        let interval = if is_integral(var) {
                            interval.integral()
                        } else {
                            interval
                        };
                        (Set::Ranges(vec![interval]), false)
                    }
                    Key::Word(w) => {
                        let set = Set::Words {
                            words: Rc::new([w].into_iter().collect()),
                            complement: op == CmpOp::Ne,
                        };
                        let domain = match op {
                            CmpOp::Ne => self.finite_domain(var),
                            _ => None,
                        };
                        let set = match domain {
                            Some(d) => d.intersect(&set),
                            None => set,
                        };
                        (set, op == CmpOp::Ne)
                    }
                };
                Some(Atom { var, set, missing })
            }
            Condition::In { fact, values } => {
                // Amounts in several currencies are several variables: not expressed.
                let currency = values.first().and_then(currency_of);
                if values.iter().any(|v| currency_of(v) != currency) {
                    return None;
                }
                let var = var_of(*fact, currency)?;
                let mut words = BTreeSet::new();
                let mut ranges = Vec::new();
                for v in values {
                    let (_, _, v) = normalize(*fact, CmpOp::Eq, v);
                    match key(&v)? {
                        Key::Number(n) => ranges.push(Interval {
                            lo: Some((n, true)),
                            hi: Some((n, true)),
                        }),
                        Key::Word(w) => {
                            words.insert(w);
                        }
                    }
                }
                let set = if ranges.is_empty() {
                    Set::Words {
                        words: Rc::new(words),
                        complement: false,
                    }
                } else {
                    Set::Ranges(ranges)
                };
                Some(Atom {
                    var,
                    set,
                    missing: false,
                })
            }
            Condition::All(_) | Condition::Any(_) | Condition::Not(_) => None,
        }
    }
}

fn word_atom(var: Var, words: &[&str], complement: bool) -> Atom {
    Atom {
        var,
        set: Set::Words {
            words: Rc::new(words.iter().map(|s| s.to_string()).collect()),
            complement,
        },
        missing: false,
    }
}

fn is_integral(var: Var) -> bool {
    matches!(
        var,
        Var::Overdue | Var::Age | Var::LastContact | Var::Reminders
    )
}

/// `due_in op v` is `overdue flipped(op) -v`.
fn normalize(fact: Fact, op: CmpOp, value: &Value) -> (Fact, CmpOp, Value) {
    match (fact, value) {
        (Fact::DueIn, Value::Days(d)) => (Fact::Overdue, op.flipped(), Value::Days(-d)),
        _ => (fact, op, value.clone()),
    }
}

fn currency_of(value: &Value) -> Option<Currency> {
    match value {
        Value::Money(m) => Some(m.currency),
        _ => None,
    }
}

fn var_of(fact: Fact, currency: Option<Currency>) -> Option<Var> {
    Some(match fact {
        Fact::Overdue | Fact::DueIn => Var::Overdue,
        Fact::Age => Var::Age,
        Fact::LastContact => Var::LastContact,
        Fact::Reminders => Var::Reminders,
        Fact::Amount => Var::Money(FactKey::Amount, currency?),
        Fact::OpenAmount => Var::Money(FactKey::OpenAmount, currency?),
        Fact::Currency => Var::Currency,
        Fact::Disputed => Var::Disputed,
        Fact::PromisedUntil | Fact::PaymentPlan | Fact::Insolvent | Fact::Blocked => {
            Var::Account(fact)
        }
        Fact::CustomerId => Var::CustomerId,
        Fact::InvoiceId => Var::InvoiceId,
        // Claim rules (on paid invoices) stand outside the ladder the
        // analysis reasons about.
        Fact::PaidLate => return None,
        // Days since a step, the customer's ledger: what the analysis does
        // not reason about.
        Fact::Since(_)
        | Fact::CustomerOpenAmount
        | Fact::CustomerOverdueAmount
        | Fact::CustomerOpenInvoices
        | Fact::CustomerMaxOverdue => return None,
        Fact::Attribute(i) => match currency {
            Some(c) => Var::Money(FactKey::Attribute(i), c),
            None => Var::Attribute(i),
        },
    })
}

enum Key {
    Number(Decimal),
    Word(String),
}

/// The value as a point on a line or a word; `None` for `today`, which
/// moves with the day evaluated and is left unconstrained.
fn key(value: &Value) -> Option<Key> {
    Some(match value {
        Value::Days(d) => Key::Number(Decimal::from(*d)),
        Value::Money(m) => Key::Number(m.amount),
        Value::Number(n) => Key::Number(*n),
        Value::Date(d) => Key::Number(Decimal::from(chrono::Datelike::num_days_from_ce(d))),
        Value::Text(t) => Key::Word(t.clone()),
        Value::Bool(true) => Key::Word("yes".into()),
        Value::Bool(false) => Key::Word("no".into()),
        Value::Currency(c) => Key::Word(c.to_string()),
        Value::Today => return None,
    })
}

fn product(a: &[Conjunct], b: &[Conjunct]) -> Option<Vec<Conjunct>> {
    if a.len().saturating_mul(b.len()) > MAX_CONJUNCTS {
        return None;
    }
    let mut out = Vec::with_capacity(a.len() * b.len());
    for x in a {
        for y in b {
            let mut c = x.clone();
            c.extend(y.iter().cloned());
            out.push(c);
        }
    }
    Some(out)
}

/// Each variable of a conjunct with the set it may take and whether "no
/// value" satisfies every atom on it, in order of first appearance.
fn merge(conjunct: &Conjunct) -> Vec<(Var, Set, bool)> {
    let mut vars: Vec<(Var, Set, bool)> = Vec::new();
    for atom in conjunct {
        match vars.iter_mut().find(|(v, _, _)| *v == atom.var) {
            Some((_, set, missing)) => {
                set.intersect_with(&atom.set);
                *missing = *missing && atom.missing;
            }
            None => vars.push((atom.var, atom.set.clone(), atom.missing)),
        }
    }
    vars
}

/// The set each variable of a conjunct may take, or `None` if some
/// variable can take no value at all (the conjunct is never true).
pub(crate) fn solve(conjunct: &Conjunct) -> Option<Vec<(Var, Set, bool)>> {
    let vars = merge(conjunct);
    for (var, set, missing) in &vars {
        let can_miss = *missing && var.can_be_missing();
        if set.is_empty() && !can_miss {
            return None;
        }
    }
    Some(vars)
}

/// The first variable that makes a conjunct impossible, for messages.
pub(crate) fn conflict(conjunct: &Conjunct) -> Option<Var> {
    merge(conjunct)
        .into_iter()
        .find(|(v, s, m)| s.is_empty() && !(*m && v.can_be_missing()))
        .map(|(v, _, _)| v)
}

pub(crate) fn is_sat(dnf: &[Conjunct]) -> bool {
    dnf.iter().any(|c| solve(c).is_some())
}

/// The days overdue at which some conjunct can hold, as whole-day ranges.
pub(crate) fn overdue_ranges(dnf: &[Conjunct]) -> Vec<Interval> {
    let mut out = Vec::new();
    for conjunct in dnf {
        if let Some(vars) = solve(conjunct) {
            match vars.iter().find(|(v, _, _)| *v == Var::Overdue) {
                Some((_, set, _)) => out.extend(set.ranges().iter().cloned()),
                None => out.push(Interval::ALL),
            }
        }
    }
    out
}

/// A rule at `index` or later that every satisfiable conjunct requires to
/// have fired, if there is one (the first found).
pub(crate) fn needs_fired_from(dnf: &[Conjunct], index: RuleIdx) -> Option<RuleIdx> {
    let mut found = None;
    for conjunct in dnf {
        let Some(vars) = solve(conjunct) else {
            continue;
        };
        let needed = vars.iter().find_map(|(var, set, _)| match (var, set) {
            (
                Var::Fired(j),
                Set::Words {
                    words,
                    complement: false,
                },
            ) if *j >= index && words.len() == 1 && words.contains("yes") => Some(*j),
            _ => None,
        });
        match needed {
            Some(j) => found = found.or(Some(j)),
            None => return None,
        }
    }
    found
}

/// "Not fired", as a set of the values of `fired k`.
fn not_fired() -> Set {
    Set::Words {
        words: Rc::new(["no".to_string()].into_iter().collect()),
        complement: false,
    }
}

/// The steps every satisfiable conjunct of `dnf` requires to have fired
/// (its values of `fired k` leave out "not fired"), sorted. Empty when no
/// conjunct is satisfiable.
pub(crate) fn required_fired(dnf: &[Conjunct]) -> Vec<usize> {
    let no = not_fired();
    let mut out: Option<Vec<usize>> = None;
    for conjunct in dnf {
        let Some(vars) = solve(conjunct) else {
            continue;
        };
        let mut here: Vec<usize> = vars
            .iter()
            .filter_map(|(var, set, _)| match var {
                Var::Fired(k) if set.intersect(&no).is_empty() => Some(k.get()),
                _ => None,
            })
            .collect();
        here.sort_unstable();
        out = Some(match out {
            None => here,
            Some(before) => before
                .into_iter()
                .filter(|k| here.binary_search(k).is_ok())
                .collect(),
        });
    }
    out.unwrap_or_default()
}

/// A step `k` such that a conjunct of `negation` (a rule's negated
/// condition) is about `fired k` alone and allows "not fired": then a rule
/// ANDed with it is unsatisfiable only if every satisfiable conjunct of the
/// rule leaves out "not fired" too, that is only if `k` is among its
/// [`required_fired`]. The shadowing test uses it to skip, without the full
/// test, the pairs where it cannot hold.
pub(crate) fn unfired_suffices(negation: &[Conjunct]) -> Option<usize> {
    let no = not_fired();
    negation
        .iter()
        .find_map(|conjunct| match solve(conjunct)?.as_slice() {
            [(Var::Fired(k), set, _)] if !set.intersect(&no).is_empty() => Some(k.get()),
            _ => None,
        })
}

/// Whether every satisfiable conjunct requires `var` to be exactly `word`
/// (and at least one is satisfiable).
pub(crate) fn always_requires(dnf: &[Conjunct], var: Var, word: &str) -> bool {
    let mut any = false;
    for conjunct in dnf {
        let Some(vars) = solve(conjunct) else {
            continue;
        };
        any = true;
        let required = vars.iter().any(|(v, set, _)| {
            *v == var
                && matches!(set, Set::Words { words, complement: false }
                    if words.len() == 1 && words.contains(word))
        });
        if !required {
            return false;
        }
    }
    any
}

/// The conjunct without facts about time and history: who the rule is for.
pub(crate) fn who(conjunct: &Conjunct) -> Conjunct {
    conjunct
        .iter()
        .filter(|a| !a.var.is_temporal())
        .cloned()
        .collect()
}

/// What a rule requires of one variable, whatever the day: the words it
/// must be one of, or the range it must lie in. A cheap over-approximation
/// used to skip pairs of rules that are about different invoices.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Bound {
    Words(Words),
    Range(Interval),
}

/// For each variable that every satisfiable "who" part of `dnf` constrains
/// to a value (a finite list of words, or a range; never "no value"), the
/// union of what they allow, sorted by variable. Empty when some part has
/// no such constraint, or when no part is satisfiable (then nothing is
/// claimed, to stay on the safe side).
///
/// The guarantee the analyses rely on: every invoice that satisfies `dnf`
/// (time and history aside) has, for each listed variable, a value inside
/// the bound. Two rules whose bounds on one variable do not meet can never
/// hold for the same invoice.
pub(crate) fn bounds(dnf: &[Conjunct]) -> Vec<(Var, Bound)> {
    let solved: Vec<Vec<(Var, Set, bool)>> = dnf.iter().filter_map(|c| solve(&who(c))).collect();
    let Some((first, rest)) = solved.split_first() else {
        return Vec::new();
    };
    let mut out: Vec<(Var, Bound)> = Vec::new();
    'vars: for (var, set, missing) in first {
        if *missing {
            continue;
        }
        let Some(mut bound) = bound_of(set) else {
            continue;
        };
        for other in rest {
            let Some((_, set, false)) = other.iter().find(|(v, _, _)| v == var) else {
                continue 'vars;
            };
            let Some(more) = bound_of(set) else {
                continue 'vars;
            };
            bound = match (bound, more) {
                (Bound::Words(a), Bound::Words(b)) => Bound::Words(join(&a, &b)),
                (Bound::Range(a), Bound::Range(b)) => Bound::Range(hull(&a, &b)),
                _ => continue 'vars,
            };
        }
        out.push((*var, bound));
    }
    out.sort_by_key(|(var, _)| *var);
    out
}

fn bound_of(set: &Set) -> Option<Bound> {
    match set {
        Set::Words {
            words,
            complement: false,
        } => Some(Bound::Words(words.clone())),
        Set::Words { .. } => None,
        Set::Ranges(ranges) => {
            let mut live = ranges.iter().filter(|r| !r.is_empty());
            let first = live.next()?.clone();
            Some(Bound::Range(live.fold(first, |acc, r| hull(&acc, r))))
        }
    }
}

/// The smallest interval containing both.
fn hull(a: &Interval, b: &Interval) -> Interval {
    let lo = match (a.lo, b.lo) {
        (Some(x), Some(y)) => Some(if x.0 < y.0 || (x.0 == y.0 && x.1) {
            x
        } else {
            y
        }),
        _ => None,
    };
    let hi = match (a.hi, b.hi) {
        (Some(x), Some(y)) => Some(if x.0 > y.0 || (x.0 == y.0 && x.1) {
            x
        } else {
            y
        }),
        _ => None,
    };
    Interval { lo, hi }
}

/// Whether two rules' bounds (from [`bounds`]) exclude each other on some variable.
pub(crate) fn bounds_disjoint(a: &[(Var, Bound)], b: &[(Var, Bound)]) -> bool {
    let (mut i, mut j) = (0, 0);
    while i < a.len() && j < b.len() {
        match a[i].0.cmp(&b[j].0) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                let apart = match (&a[i].1, &b[j].1) {
                    (Bound::Words(x), Bound::Words(y)) => x.is_disjoint(y),
                    (Bound::Range(x), Bound::Range(y)) => x.intersect(y).is_empty(),
                    _ => false,
                };
                if apart {
                    return true;
                }
                i += 1;
                j += 1;
            }
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    fn days(lo: Option<i64>, hi: Option<i64>) -> Interval {
        Interval {
            lo: lo.map(|v| (Decimal::from(v), true)),
            hi: hi.map(|v| (Decimal::from(v), true)),
        }
    }

    /// The shared word sets give what plain set operations give, whichever
    /// side is larger or shared.
    #[test]
    fn shared_word_sets_agree_with_plain_set_operations() {
        use rand::{Rng, SeedableRng};
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(3);
        let pick = |rng: &mut rand_chacha::ChaCha8Rng| -> BTreeSet<String> {
            let size = [0, 1, 3, 40][rng.random_range(0..4)];
            (0..size)
                .map(|_| format!("v{}", rng.random_range(0..60)))
                .collect()
        };
        for _ in 0..2000 {
            let (a, b) = (pick(&mut rng), pick(&mut rng));
            let (ca, cb) = (rng.random_bool(0.5), rng.random_bool(0.5));
            let expected: (BTreeSet<String>, bool) = match (ca, cb) {
                (false, false) => (a.intersection(&b).cloned().collect(), false),
                (true, true) => (a.union(&b).cloned().collect(), true),
                (false, true) => (a.difference(&b).cloned().collect(), false),
                (true, false) => (b.difference(&a).cloned().collect(), false),
            };
            let shared_a = Rc::new(a.clone());
            let set_a = Set::Words {
                words: shared_a.clone(),
                complement: ca,
            };
            let set_b = Set::Words {
                words: Rc::new(b.clone()),
                complement: cb,
            };
            let expected = Set::Words {
                words: Rc::new(expected.0),
                complement: expected.1,
            };
            assert_eq!(set_a.intersect(&set_b), expected, "{a:?} {ca} {b:?} {cb}");
            // In place, on a set shared elsewhere and on one that is not.
            let mut shared = set_a.clone();
            shared.intersect_with(&set_b);
            assert_eq!(shared, expected);
            assert_eq!(*shared_a, a, "the shared set is left alone");
            let mut own = Set::Words {
                words: Rc::new(a.clone()),
                complement: ca,
            };
            own.intersect_with(&set_b);
            assert_eq!(own, expected);
        }
    }

    #[test]
    fn complement_of_a_bounded_range_is_two_rays() {
        let set = Set::Ranges(vec![days(Some(10), Some(20))]);
        let c = set.complement(true);
        assert_eq!(
            c,
            Set::Ranges(vec![days(None, Some(9)), days(Some(21), None)])
        );
    }

    #[test]
    fn complement_of_a_ray() {
        let set = Set::Ranges(vec![days(Some(16), None)]);
        assert_eq!(
            set.complement(true),
            Set::Ranges(vec![days(None, Some(15))])
        );
        let empty = Set::Ranges(vec![days(None, None)]).complement(true);
        assert!(empty.is_empty());
    }

    #[test]
    fn strict_bounds_close_on_whole_days() {
        let i = Interval {
            lo: Some((Decimal::from(15), false)),
            hi: Some((Decimal::from(16), false)),
        };
        assert!(i.integral().is_empty());
    }
}
