//! Evaluation: one day of the ladder for every invoice (SPEC section 4).
//!
//! `ledger` knows what is open and for how much, `history` what was already
//! done, `facts` evaluates conditions, `decide` applies the ladder to one
//! invoice, `plan` consolidates a day, `explain` says why.

pub(crate) mod decide;
pub(crate) mod deferral;
pub(crate) mod explain;
pub(crate) mod facts;
pub(crate) mod history;
pub(crate) mod ledger;
pub(crate) mod plan;

pub use decide::{Decision, DeferredBy};
pub use deferral::Expired;
pub use explain::{Explanation, RuleExplanation};
pub(crate) use history::State;
pub(crate) use ledger::Ledger;
pub use ledger::{CustomerIdx, InvoiceIdx, Status};
pub use plan::{Action, CurrencyTotal, InvoiceLine, Plan};

use crate::data::RunData;
use crate::policy::{Policy, Trigger};

/// The attribute that tells consumers from professional customers.
pub(crate) const CUSTOMER_TYPE: &str = "customer_type";
/// Its value for a consumer.
pub(crate) const CONSUMER: &str = "consumer";

/// What stays the same through a run: the policy, and the data indexed for
/// it. Every stage after the checker takes one.
pub(crate) struct Run<'a> {
    pub policy: &'a Policy,
    pub ledger: Ledger<'a>,
    /// The rate tables late interest is computed from.
    pub rates: &'a crate::penalty::Rates,
    /// The attribute `customer_type`, when the policy has one: its value
    /// `consumer` marks invoices to consumers, who owe no L441-10 penalties.
    pub customer_type: Option<crate::policy::AttrIdx>,
    /// Per rule, whether it is a claim rule (`Rule::is_claim`).
    pub claim: crate::idx::IdxVec<crate::policy::RuleIdx, bool>,
    /// The policy has a claim rule: paid invoices are evaluated too.
    pub has_claims: bool,
    /// The policy tests a fact of the customer's ledger: each decision
    /// sums the customer's invoices (`Ledger::balance`), else never.
    pub reads_balance: bool,
    /// An invoice never reminded starts at the first step of the ladder
    /// that holds rather than the most advanced one (a ledger's first run
    /// with `--start-at-first-step`); off everywhere else (SPEC rule 5).
    pub start_at_first_step: bool,
}

impl<'a> Run<'a> {
    /// Indexes the invoices and payments of `data` (not the history).
    pub fn new(policy: &'a Policy, data: RunData<'a, '_>) -> Self {
        let claim: crate::idx::IdxVec<crate::policy::RuleIdx, bool> =
            crate::idx::IdxVec::from_vec(policy.rules.iter().map(|r| r.is_claim()).collect());
        let has_claims = claim.iter().any(|c| *c);
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
            claim,
            has_claims,
            policy,
            ledger: Ledger::new(data),
            rates: data.rates,
            customer_type: policy
                .attributes
                .iter()
                .position(|a| a.name == CUSTOMER_TYPE)
                .map(crate::policy::AttrIdx::new),
            reads_balance,
            start_at_first_step: false,
        }
    }

    /// The invoice is to a consumer (`customer_type = consumer`).
    pub fn is_consumer(&self, invoice: InvoiceIdx) -> bool {
        self.customer_type.is_some_and(|a| {
            matches!(
                self.ledger.invoice(invoice).attributes.get(a.get()),
                Some(crate::data::AttrValue::Text(t)) if t == CONSUMER
            )
        })
    }
}
