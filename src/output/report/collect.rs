//! What the report keeps of a replay's actions as they come: each day's
//! count per kind and each invoice's timeline, in a few bytes per action,
//! so that a replay of a million invoices needs not keep its actions.

use chrono::{Datelike, NaiveDate};

use crate::eval::Action;
use crate::policy::ActionKind;
use crate::DateRange;

/// How many kinds of action there are.
pub(super) const KINDS: usize = ActionKind::ALL.len();

/// One action on one invoice.
#[derive(Clone, Copy, Debug)]
pub(super) struct Step {
    pub invoice: u32,
    /// Days after the range's first day.
    pub day: u32,
    pub kind: u8,
    pub rule: u32,
    /// 0 without a template, else its place in `templates` plus one.
    pub template: u32,
}

/// The actions of a replay as the report shows them: fed each day's
/// actions (the callback of [`replay`](crate::replay), or a kept
/// [`Simulation`](crate::Simulation)'s), in day order.
#[derive(Debug)]
pub struct Timelines<'a> {
    from: NaiveDate,
    invoices: usize,
    /// Per day of the range, actions per kind (`ActionKind::ALL` order).
    pub(super) per_day: Vec<[usize; KINDS]>,
    /// Every action on every invoice, in day order.
    pub(super) steps: Vec<Step>,
    /// The templates named, in order of first use.
    pub(super) templates: Vec<&'a str>,
    template_index: std::collections::HashMap<&'a str, u32, foldhash::fast::RandomState>,
}

impl<'a> Timelines<'a> {
    /// Empty timelines of `invoices` invoices (the run's data) over `range`.
    pub fn new(range: DateRange, invoices: usize) -> Self {
        Timelines {
            from: range.from(),
            invoices,
            per_day: vec![[0; KINDS]; range.len()],
            steps: Vec::new(),
            templates: Vec::new(),
            template_index: Default::default(),
        }
    }

    /// Adds actions (one day's, or several days' in date order).
    pub fn add(&mut self, actions: &[Action<'a>]) {
        for a in actions {
            let Ok(day) = usize::try_from((a.date - self.from).num_days()) else {
                continue;
            };
            let Some(counts) = self.per_day.get_mut(day) else {
                continue;
            };
            counts[a.action as usize] += 1;
            let template = match a.template {
                None => 0,
                Some(t) => {
                    let next = self.templates.len() as u32 + 1;
                    let id = *self.template_index.entry(t).or_insert(next);
                    if id == next {
                        self.templates.push(t);
                    }
                    id
                }
            };
            for line in &a.invoices {
                let invoice = line.invoice_index.get();
                if invoice >= self.invoices {
                    continue;
                }
                self.steps.push(Step {
                    invoice: invoice as u32,
                    day: day as u32,
                    kind: a.action as u8,
                    rule: line.rule_index.get() as u32,
                    template,
                });
            }
        }
    }

    /// The first day of the range.
    pub(super) fn from(&self) -> NaiveDate {
        self.from
    }

    /// Each invoice's steps, in day order: `starts[i]..starts[i + 1]` in
    /// the returned list (a counting sort: stable, linear).
    pub(super) fn by_invoice(&self) -> ByInvoice<'_> {
        let mut starts = vec![0u32; self.invoices + 1];
        for s in &self.steps {
            starts[s.invoice as usize + 1] += 1;
        }
        for i in 0..self.invoices {
            starts[i + 1] += starts[i];
        }
        let mut next: Vec<u32> = starts[..self.invoices].to_vec();
        let mut order = vec![0u32; self.steps.len()];
        for (k, s) in self.steps.iter().enumerate() {
            let at = &mut next[s.invoice as usize];
            order[*at as usize] = k as u32;
            *at += 1;
        }
        ByInvoice {
            steps: &self.steps,
            starts,
            order,
        }
    }

    /// Actions per kind per ISO week (weeks start on Monday): the Monday
    /// of each week and its counts.
    pub(super) fn per_week(&self) -> Vec<(NaiveDate, [usize; KINDS])> {
        let shift = self.from.weekday().num_days_from_monday() as usize;
        let mut weeks: Vec<(NaiveDate, [usize; KINDS])> = Vec::new();
        for (d, counts) in self.per_day.iter().enumerate() {
            let w = (d + shift) / 7;
            if weeks.len() <= w {
                let monday = self
                    .from
                    .checked_add_days(chrono::Days::new((w * 7) as u64))
                    .and_then(|d| d.checked_sub_days(chrono::Days::new(shift as u64)))
                    .unwrap_or(self.from);
                weeks.push((monday, [0; KINDS]));
            }
            for (k, n) in counts.iter().enumerate() {
                weeks[w].1[k] += n;
            }
        }
        weeks
    }
}

/// The steps of each invoice.
pub(super) struct ByInvoice<'t> {
    steps: &'t [Step],
    starts: Vec<u32>,
    order: Vec<u32>,
}

impl<'t> ByInvoice<'t> {
    /// The steps of invoice `i`, in day order.
    pub fn of(&self, i: usize) -> impl Iterator<Item = &'t Step> + '_ {
        let (a, b) = (self.starts[i] as usize, self.starts[i + 1] as usize);
        self.order[a..b]
            .iter()
            .map(move |k| &self.steps[*k as usize])
    }

    /// How many steps invoice `i` has.
    pub fn count(&self, i: usize) -> usize {
        (self.starts[i + 1] - self.starts[i]) as usize
    }

    /// How many invoices.
    pub fn len(&self) -> usize {
        self.starts.len() - 1
    }
}
