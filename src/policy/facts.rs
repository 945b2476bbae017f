//! The built-in facts, each defined once: its name in a policy, the kind of
//! value it holds, its meaning (the README's words, held against the
//! README's table by a test), and its [`Clock`]: when its value can change.
//!
//! Everything else reads this module: the checker resolves names and types
//! comparisons with it, the evaluator computes day counts from the clocks,
//! the analysis names its variables with it, `--explain` lists the facts
//! from it, and the event-driven replay wakes an invoice on the days and
//! events the clocks of its rules' facts name. Every question is answered
//! by one exhaustive `match` ([`Fact::about`]): a new fact does not compile
//! until it says what it is called, what it holds and when it can change.

use std::fmt;

use serde::Serialize;

use super::{AttrIdx, RuleIdx};

/// What a condition can test about an invoice on the day evaluated: a
/// built-in fact, or one of the policy's attributes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Fact {
    /// `overdue`: days past the due date (negative before it).
    Overdue,
    /// `due_in`: days until the due date (negative after it).
    DueIn,
    /// `age`: days since the issue date.
    Age,
    /// `amount`: the invoice amount.
    Amount,
    /// `open_amount`: what is left to pay after payments.
    OpenAmount,
    /// `currency`: the invoice currency.
    Currency,
    /// `disputed`: the invoice is disputed.
    Disputed,
    /// `promised_until`: the date the customer promised to pay by.
    PromisedUntil,
    /// `payment_plan`: a payment plan runs.
    PaymentPlan,
    /// `insolvent`: the customer is in insolvency proceedings.
    Insolvent,
    /// `blocked`: dunning is blocked for the invoice.
    Blocked,
    /// `reminders`: steps already fired for this invoice.
    Reminders,
    /// `last_contact`: days since the customer was last contacted, about any invoice.
    LastContact,
    /// `customer_open_amount`: what the customer has left to pay, in the
    /// invoice's currency, net of its credit notes in it.
    CustomerOpenAmount,
    /// `customer_overdue_amount`: the same, of its overdue invoices only.
    CustomerOverdueAmount,
    /// `customer_open_invoices`: how many invoices the customer has open.
    CustomerOpenInvoices,
    /// `customer_max_overdue`: days past the due date of the customer's
    /// oldest open invoice.
    CustomerMaxOverdue,
    /// `customer_id`: the customer's identifier.
    CustomerId,
    /// `invoice_id`: the invoice's identifier.
    InvoiceId,
    /// `paid_late`: days between the due date and the day the invoice was
    /// paid in full; no value while it is unpaid.
    PaidLate,
    /// A column of the invoice file the policy declares or uses:
    /// `Policy::attributes[i]`.
    Attribute(AttrIdx),
    /// `since STEP`: days since that step last fired for the invoice (no
    /// value if it never did).
    Since(RuleIdx),
}

/// The kind of value a built-in fact holds; it decides what the fact can be
/// compared with.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FactKind {
    /// A whole number of days (`15d`, `2w`).
    Days,
    /// An amount in the invoice's currency (`500 EUR`).
    Money,
    /// A plain number (`3`).
    Number,
    /// A word or a text (`"C-0042"`).
    Text,
    /// An ISO 4217 currency code (`EUR`).
    Currency,
    /// Yes or no.
    Bool,
    /// A date (`2025-06-30`, `today`).
    Date,
}

impl FactKind {
    /// The kind as the README's table of facts writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            FactKind::Days => "days",
            FactKind::Money => "money",
            FactKind::Number => "number",
            FactKind::Text => "text",
            FactKind::Currency => "currency",
            FactKind::Bool => "yes/no",
            FactKind::Date => "date",
        }
    }
}

impl fmt::Display for FactKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// When a fact's value can change. The event-driven replay evaluates an
/// invoice only on the days its decision can change; it learns them from
/// the clocks of the facts its rules and pauses test, and from nowhere
/// else.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Clock {
    /// How the value moves with the calendar.
    pub moves: Moves,
    /// What happens during a run after which the value may differ (for a
    /// moving fact, its anchor may move).
    pub triggers: &'static [Trigger],
}

impl Clock {
    /// A value that never changes during a run.
    pub const CONSTANT: Clock = Clock {
        moves: Moves::Never,
        triggers: &[],
    };

    /// A value the account events set (SPEC 6.2).
    pub const ACCOUNT: Clock = Clock {
        moves: Moves::Never,
        triggers: &[Trigger::AccountEvent],
    };

    /// A value of the customer's whole ledger.
    const CUSTOMER: Clock = Clock {
        moves: Moves::Never,
        triggers: &[Trigger::CustomerLedger],
    };

    /// Days counted up from `anchor`, changing on nothing else.
    const fn days_since(anchor: Anchor) -> Clock {
        Clock {
            moves: Moves::DaysSince(anchor),
            triggers: &[],
        }
    }

    /// Whether the value depends on the day or on what was already done,
    /// rather than on which invoice it is (the analysis compares rules on
    /// the latter).
    pub fn is_temporal(self) -> bool {
        let moves = match self.moves {
            Moves::DaysSince(_) | Moves::DaysUntil(_) => true,
            // A date is what it is; only `today` moves, and comparisons with
            // it are not analysed.
            Moves::Date(_) | Moves::Never => false,
        };
        moves
            || self.triggers.iter().any(|t| match t {
                Trigger::StepFired | Trigger::CustomerContact => true,
                // The account's state is compared as the invoice's on the
                // day, as a payment's open amount is.
                Trigger::InvoicePayment | Trigger::AccountEvent | Trigger::CustomerLedger => false,
            })
    }
}

/// How a fact's value moves with the calendar.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Moves {
    /// It does not.
    Never,
    /// A number of days counted up from an anchor: the day minus the anchor
    /// (`overdue`, `age`, `last_contact`). No anchor, no value.
    DaysSince(Anchor),
    /// A number of days counted down to an anchor: the anchor minus the day
    /// (`due_in`). No anchor, no value.
    DaysUntil(Anchor),
    /// A date, the anchor itself: it does not move, but a comparison with
    /// `today` does, and flips on that date.
    Date(Anchor),
}

/// A date that a moving fact counts from, known per invoice.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Anchor {
    /// The invoice's issue date.
    IssueDate,
    /// The invoice's due date.
    DueDate,
    /// The last day the invoice's customer was contacted about any invoice;
    /// none if never.
    LastContact,
    /// The date of the latest promise to pay (`promised_until`); none
    /// without a promise.
    PromisedUntil,
    /// The due date of the customer's open invoice due first.
    CustomerOldestDue,
    /// The value of a date attribute; none when the cell is empty.
    Attribute(AttrIdx),
    /// The last day the step fired for the invoice; none if it never did.
    StepFired(RuleIdx),
}

/// Something that happens during a run and may change a fact's value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Trigger {
    /// A payment of the invoice, on its date in the payments file.
    InvoicePayment,
    /// A step fired for the invoice.
    StepFired,
    /// A step fired for any invoice of the same customer (a contact).
    CustomerContact,
    /// An account event of the invoice or its customer, on its date in the
    /// events file (and, for a block with an end, the day after that end).
    AccountEvent,
    /// A change of any invoice of the customer: issued, overdue (the day
    /// after its due date), paid in part or in full.
    CustomerLedger,
}

/// What a built-in fact is: the row of the README's table, and its clock.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BuiltIn {
    /// Its name in a policy.
    pub name: &'static str,
    /// The kind of value it holds.
    pub kind: FactKind,
    /// What it means, in the README's words.
    pub meaning: &'static str,
}

/// Everything known about a fact, from [`Fact::about`].
struct About {
    /// `None` for an attribute: its name, kind and meaning are the policy's.
    built_in: Option<BuiltIn>,
    clock: Clock,
}

const fn built_in(
    name: &'static str,
    kind: FactKind,
    meaning: &'static str,
    clock: Clock,
) -> About {
    About {
        built_in: Some(BuiltIn {
            name,
            kind,
            meaning,
        }),
        clock,
    }
}

impl Fact {
    /// The built-in facts, in the order of the README's table.
    pub const BUILT_IN: [Fact; 20] = [
        Fact::Overdue,
        Fact::DueIn,
        Fact::Age,
        Fact::Amount,
        Fact::OpenAmount,
        Fact::Currency,
        Fact::Disputed,
        Fact::PromisedUntil,
        Fact::PaymentPlan,
        Fact::Insolvent,
        Fact::Blocked,
        Fact::Reminders,
        Fact::LastContact,
        Fact::CustomerOpenAmount,
        Fact::CustomerOverdueAmount,
        Fact::CustomerOpenInvoices,
        Fact::CustomerMaxOverdue,
        Fact::CustomerId,
        Fact::InvoiceId,
        Fact::PaidLate,
    ];

    /// The table: one arm per fact, no wildcard.
    const fn about(self) -> About {
        use FactKind::*;
        match self {
            Fact::Overdue => built_in(
                "overdue",
                Days,
                "days past the due date (negative before it)",
                Clock::days_since(Anchor::DueDate),
            ),
            Fact::DueIn => built_in(
                "due_in",
                Days,
                "days until the due date (negative after it)",
                Clock {
                    moves: Moves::DaysUntil(Anchor::DueDate),
                    triggers: &[],
                },
            ),
            Fact::Age => built_in(
                "age",
                Days,
                "days since the issue date",
                Clock::days_since(Anchor::IssueDate),
            ),
            Fact::Amount => built_in("amount", Money, "the invoice amount", Clock::CONSTANT),
            Fact::OpenAmount => built_in(
                "open_amount",
                Money,
                "what is left to pay after payments",
                Clock {
                    moves: Moves::Never,
                    triggers: &[Trigger::InvoicePayment],
                },
            ),
            Fact::Currency => built_in(
                "currency",
                Currency,
                "the invoice currency",
                Clock::CONSTANT,
            ),
            Fact::Disputed => built_in(
                "disputed",
                Bool,
                "the invoice is disputed (`dispute_opened`, `dispute_closed`)",
                Clock::ACCOUNT,
            ),
            Fact::PromisedUntil => built_in(
                "promised_until",
                Date,
                "the date the customer last promised to pay by (`promise`; no value without a promise)",
                Clock {
                    moves: Moves::Date(Anchor::PromisedUntil),
                    triggers: &[Trigger::AccountEvent],
                },
            ),
            Fact::PaymentPlan => built_in(
                "payment_plan",
                Bool,
                "a payment plan runs (`plan_started`, `plan_ended`)",
                Clock::ACCOUNT,
            ),
            Fact::Insolvent => built_in(
                "insolvent",
                Bool,
                "the customer is in insolvency proceedings (`insolvency_opened`, `insolvency_closed`)",
                Clock::ACCOUNT,
            ),
            Fact::Blocked => built_in(
                "blocked",
                Bool,
                "dunning is blocked for the invoice (`block`, `unblock`): it is always paused",
                Clock::ACCOUNT,
            ),
            Fact::Reminders => built_in(
                "reminders",
                Number,
                "steps already fired for this invoice",
                Clock {
                    moves: Moves::Never,
                    triggers: &[Trigger::StepFired],
                },
            ),
            Fact::LastContact => built_in(
                "last_contact",
                Days,
                "days since the customer was last contacted, about any invoice (no value if never)",
                Clock {
                    moves: Moves::DaysSince(Anchor::LastContact),
                    triggers: &[Trigger::CustomerContact],
                },
            ),
            Fact::CustomerOpenAmount => built_in(
                "customer_open_amount",
                Money,
                "what the customer has left to pay on its open invoices in the invoice's currency, net of its credit notes in it",
                Clock::CUSTOMER,
            ),
            Fact::CustomerOverdueAmount => built_in(
                "customer_overdue_amount",
                Money,
                "the same, of its overdue invoices only",
                Clock::CUSTOMER,
            ),
            Fact::CustomerOpenInvoices => built_in(
                "customer_open_invoices",
                Number,
                "how many invoices the customer has open, in any currency",
                Clock::CUSTOMER,
            ),
            Fact::CustomerMaxOverdue => built_in(
                "customer_max_overdue",
                Days,
                "days past the due date of the customer's open invoice due first",
                Clock {
                    moves: Moves::DaysSince(Anchor::CustomerOldestDue),
                    triggers: &[Trigger::CustomerLedger],
                },
            ),
            Fact::CustomerId => built_in(
                "customer_id",
                Text,
                "the customer's identifier",
                Clock::CONSTANT,
            ),
            Fact::InvoiceId => built_in(
                "invoice_id",
                Text,
                "the invoice's identifier",
                Clock::CONSTANT,
            ),
            Fact::PaidLate => built_in(
                "paid_late",
                Days,
                "days between the due date and the day the invoice was paid in full (no value while unpaid)",
                Clock {
                    moves: Moves::Never,
                    triggers: &[Trigger::InvoicePayment],
                },
            ),
            // A date attribute is its own anchor: compared with `today`, it
            // flips on its date. Any other attribute is constant (it has no
            // date to anchor on).
            Fact::Attribute(i) => About {
                built_in: None,
                clock: Clock {
                    moves: Moves::Date(Anchor::Attribute(i)),
                    triggers: &[],
                },
            },
            // Named by its step: `since formal_notice`.
            Fact::Since(rule) => About {
                built_in: None,
                clock: Clock {
                    moves: Moves::DaysSince(Anchor::StepFired(rule)),
                    triggers: &[Trigger::StepFired],
                },
            },
        }
    }

    /// The built-in fact called `name` in a policy.
    pub fn named(name: &str) -> Option<Fact> {
        Fact::BUILT_IN.into_iter().find(|f| f.name() == Some(name))
    }

    /// The name, kind and meaning of a built-in fact; `None` for an
    /// attribute or `since`.
    pub fn built_in(self) -> Option<BuiltIn> {
        self.about().built_in
    }

    /// The name of a built-in fact; `None` for an attribute (whose name is
    /// the policy's).
    pub fn name(self) -> Option<&'static str> {
        self.built_in().map(|b| b.name)
    }

    /// When the value can change.
    pub fn clock(self) -> Clock {
        self.about().clock
    }

    /// The names of the built-in facts whose value is a number of days.
    pub fn day_counts() -> impl Iterator<Item = &'static str> {
        Fact::BUILT_IN
            .into_iter()
            .filter_map(Fact::built_in)
            .filter(|b| b.kind == FactKind::Days)
            .map(|b| b.name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_built_in_fact_has_a_unique_name_that_finds_it() {
        let mut names: Vec<&str> = Vec::new();
        for fact in Fact::BUILT_IN {
            let name = fact.name().unwrap_or_default();
            assert!(!name.is_empty(), "{fact:?} has no name");
            assert!(!names.contains(&name), "{name} twice");
            names.push(name);
            assert_eq!(Fact::named(name), Some(fact));
        }
        assert_eq!(Fact::named("segment"), None);
        assert_eq!(Fact::Attribute(AttrIdx::new(0)).name(), None);
    }

    #[test]
    fn day_counts_move_with_the_calendar() {
        for fact in Fact::BUILT_IN {
            let days = fact.built_in().map(|b| b.kind) == Some(FactKind::Days);
            let moves = matches!(
                fact.clock().moves,
                Moves::DaysSince(_) | Moves::DaysUntil(_)
            );
            // `paid_late` counts the days up to a payment: once it has a
            // value, it no longer moves.
            assert_eq!(days && fact != Fact::PaidLate, moves, "{fact:?}");
        }
    }
}
