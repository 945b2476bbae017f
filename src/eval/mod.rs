//! Evaluation: one day of the ladder for every invoice (SPEC section 4).
//!
//! `ledger` knows what is open and for how much, `history` what was already
//! done, `facts` evaluates conditions, `decide` applies the ladder to one
//! invoice, `plan` consolidates a day, `explain` says why.

pub(crate) mod decide;
pub(crate) mod explain;
pub(crate) mod facts;
pub(crate) mod history;
pub(crate) mod ledger;
pub(crate) mod plan;

pub use decide::{Decision, DeferredBy};
pub use explain::{Explanation, RuleExplanation};
pub(crate) use history::State;
pub(crate) use ledger::Ledger;
pub use ledger::{CustomerIdx, InvoiceIdx, Status};
pub use plan::{Action, InvoiceLine, Plan};

use crate::data::RunData;
use crate::policy::{Policy, Trigger};

/// What stays the same through a run: the policy, and the data indexed for
/// it. Every stage after the checker takes one.
pub(crate) struct Run<'a> {
    pub policy: &'a Policy,
    pub ledger: Ledger<'a>,
    /// The policy tests a fact of the customer's ledger: each decision
    /// sums the customer's invoices (`Ledger::balance`), else never.
    pub reads_balance: bool,
}

impl<'a> Run<'a> {
    /// Indexes the invoices and payments of `data` (not the history).
    pub fn new(policy: &'a Policy, data: RunData<'a, '_>) -> Self {
        let mut reads_balance = false;
        for condition in policy
            .rules
            .iter()
            .map(|r| &r.condition)
            .chain(policy.pauses.iter().map(|p| &p.condition))
        {
            condition.visit_facts(&mut |fact| {
                reads_balance |= fact.clock().triggers.contains(&Trigger::CustomerLedger);
            });
        }
        Run {
            policy,
            ledger: Ledger::new(data),
            reads_balance,
        }
    }
}
