//! Evaluation: one day of the ladder for every invoice (SPEC section 4).
//!
//! `ledger` knows what is open and for how much, `history` what was already
//! done, `facts` evaluates conditions, `decide` applies the ladder to one
//! invoice, `plan` consolidates a day, `calendar` and `penalty` are the
//! French business days and late-payment penalties, `explain` says why.

pub mod calendar;
pub mod decide;
pub mod explain;
pub mod facts;
pub mod history;
pub mod ledger;
pub mod penalty;
pub mod plan;

pub use decide::{Decision, DeferredBy};
pub use history::State;
pub use ledger::{Ledger, Status};
pub use plan::{Action, InvoiceLine, Plan};
