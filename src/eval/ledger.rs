//! The invoices and their payments, indexed for evaluation: what is open on
//! a day and for how much.

use foldhash::{HashMap, HashMapExt};

use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::data::{AccountState, EventKind, Invoice, RunData};
use crate::idx::IdxVec;

crate::idx::typed_index!(
    /// An invoice's position in the snapshot (`RunData::invoices`).
    InvoiceIdx
);
crate::idx::typed_index!(
    /// A customer's number: customers are numbered in the order their
    /// first invoice comes in the snapshot.
    CustomerIdx
);

/// Invoices with their payments by date and customers numbered, built once
/// and shared by every day evaluated.
#[derive(Debug)]
pub(crate) struct Ledger<'a> {
    pub invoices: &'a [Invoice],
    /// The payments of all invoices, grouped by invoice (in snapshot
    /// order), each invoice's sorted by date: one allocation rather than a
    /// vector per invoice.
    payments: Grouped<(NaiveDate, Decimal)>,
    /// Per invoice, its customer.
    pub customer_of: IdxVec<InvoiceIdx, CustomerIdx>,
    /// Per customer, its id.
    pub customers: IdxVec<CustomerIdx, &'a str>,
    /// Invoices by id: `None` when the snapshot lists them by ascending id
    /// (exports usually do), else their indices sorted by id. Found by
    /// binary search: a hash map of a million ids took 50 MB.
    by_id: Option<Vec<InvoiceIdx>>,
    /// Customers by id.
    customer_index: HashMap<&'a str, CustomerIdx>,
    /// The account events, indexed by invoice and customer.
    events: Events,
    /// Per customer, its invoices in snapshot order.
    by_customer: Grouped<InvoiceIdx>,
    /// Per customer, its credit notes; empty when the run has none.
    credits: Vec<Vec<Credit>>,
}

/// Items grouped by a dense index (an invoice's payments, a customer's
/// invoices): group `g` is `items[start[g]..start[g + 1]]`.
#[derive(Debug, Default)]
struct Grouped<T> {
    start: Vec<u32>,
    items: Vec<T>,
}

impl<T> Grouped<T> {
    /// `groups` groups, from `(group, item)` pairs; items keep their order
    /// within a group.
    fn new(groups: usize, pairs: &[(u32, T)]) -> Self
    where
        T: Copy + Default,
    {
        let mut start = vec![0u32; groups + 1];
        for &(g, _) in pairs {
            start[g as usize + 1] += 1;
        }
        for g in 0..groups {
            start[g + 1] += start[g];
        }
        let mut next = start.clone();
        let mut items = vec![T::default(); pairs.len()];
        for &(g, item) in pairs {
            items[next[g as usize] as usize] = item;
            next[g as usize] += 1;
        }
        Grouped { start, items }
    }

    fn get(&self, group: usize) -> &[T] {
        match (self.start.get(group), self.start.get(group + 1)) {
            (Some(&a), Some(&b)) => &self.items[a as usize..b as usize],
            _ => &[],
        }
    }

    fn get_mut(&mut self, group: usize) -> &mut [T] {
        match (self.start.get(group), self.start.get(group + 1)) {
            (Some(&a), Some(&b)) => &mut self.items[a as usize..b as usize],
            _ => &mut [],
        }
    }
}

/// A credit note, as the balances read it.
#[derive(Clone, Copy, Debug)]
struct Credit {
    issued: NaiveDate,
    /// The day it was used or refunded (its paid date): it no longer
    /// counts from that day on.
    used: Option<NaiveDate>,
    currency: crate::money::Currency,
    /// What it credits (the note's amount without its sign).
    amount: Decimal,
}

/// The customer's ledger on a day, as the balance facts read it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Balance {
    /// Open amounts of the customer's open invoices in the invoice's
    /// currency, less its credit notes in it (negative when they credit
    /// more).
    pub open: Decimal,
    /// The same, of those past their due date (less the same credit).
    pub overdue: Decimal,
    /// How many invoices are open, in any currency.
    pub open_invoices: u32,
    /// The due date of the open invoice due first.
    pub oldest_due: Option<NaiveDate>,
}

/// One account event that changes a state, as the evaluator reads it.
#[derive(Clone, Copy, Debug)]
struct Change {
    date: NaiveDate,
    /// Its row in the events file: events of one day apply in file order.
    line: usize,
    kind: EventKind,
    until: Option<NaiveDate>,
}

/// The account events of a run, sorted by date (then file order). Empty
/// vectors when the run has no events, so that a run without them pays
/// nothing.
#[derive(Debug, Default)]
struct Events {
    /// Per invoice, the events about it alone (contacts aside).
    invoices: Vec<Vec<Change>>,
    /// Per customer, the events about all its invoices (contacts aside).
    customers: Vec<Vec<Change>>,
    /// Per customer, the days of contacts made outside dunning.
    contacts: Vec<Vec<NaiveDate>>,
    /// Per customer, the days the book's other policies contacted it
    /// (`Ledger::set_book_contacts`); empty outside a book.
    book: Vec<Vec<NaiveDate>>,
}

impl<'a> Ledger<'a> {
    /// Payments for invoices not in the snapshot are ignored here; the
    /// loader reports them as errors before this point. The history is not
    /// read.
    pub fn new(data: RunData<'a, '_>) -> Self {
        let invoices = data.invoices;
        let ascending = invoices.windows(2).all(|w| w[0].id < w[1].id);
        let by_id = (!ascending).then(|| {
            let mut sorted: Vec<InvoiceIdx> = (0..invoices.len()).map(InvoiceIdx::new).collect();
            // Stable: of two equal ids, the later one is found (as a map
            // built in snapshot order would keep it).
            sorted.sort_by(|a, b| invoices[a.get()].id.cmp(&invoices[b.get()].id));
            sorted
        });
        let mut ledger = Ledger {
            invoices,
            payments: Grouped::default(),
            customer_of: IdxVec::from_vec(Vec::new()),
            customers: IdxVec::from_vec(Vec::new()),
            by_id,
            customer_index: HashMap::new(),
            events: Events::default(),
            by_customer: Grouped::default(),
            credits: Vec::new(),
        };
        let found: Vec<(u32, (NaiveDate, Decimal))> = data
            .payments
            .iter()
            .filter_map(|p| {
                let i = ledger.invoice_by_id(&p.invoice_id)?;
                Some((i.get() as u32, (p.date, p.amount)))
            })
            .collect();
        let mut payments = Grouped::new(invoices.len(), &found);
        for i in 0..invoices.len() {
            payments.get_mut(i).sort();
        }
        ledger.payments = payments;
        // foldhash: several times faster than SipHash, and still seeded at
        // random, so a crafted file cannot force collisions.
        let mut customer_ids: HashMap<&str, CustomerIdx> = HashMap::new();
        let mut customers: Vec<&str> = Vec::new();
        let customer_of: IdxVec<InvoiceIdx, CustomerIdx> = invoices
            .iter()
            .map(|inv| {
                *customer_ids
                    .entry(inv.customer_id.as_str())
                    .or_insert_with(|| {
                        customers.push(inv.customer_id.as_str());
                        CustomerIdx::new(customers.len() - 1)
                    })
            })
            .collect();
        let customers = IdxVec::from_vec(customers);
        let pairs: Vec<(u32, InvoiceIdx)> = customer_of
            .iter_enumerated()
            .map(|(i, c)| (c.get() as u32, i))
            .collect();
        ledger.by_customer = Grouped::new(customers.len(), &pairs);
        ledger.events = Events::new(data, &ledger, &customer_of, &customers);
        let mut credits: Vec<Vec<Credit>> = Vec::new();
        if !data.credit_notes.is_empty() {
            credits = vec![Vec::new(); customers.len()];
            for note in data.credit_notes {
                // A credit note of a customer without invoices nets nothing.
                if let Some(c) = customer_ids.get(note.customer_id.as_str()) {
                    credits[c.get()].push(Credit {
                        issued: note.issue_date,
                        used: note.paid_date,
                        currency: note.currency,
                        amount: note.amount.abs(),
                    });
                }
            }
        }
        ledger.customer_of = customer_of;
        ledger.customers = customers;
        ledger.customer_index = customer_ids;
        ledger.credits = credits;
        ledger
    }

    /// The invoice with this id (the last one, if the snapshot repeats it).
    pub fn invoice_by_id(&self, id: &str) -> Option<InvoiceIdx> {
        let invoices = self.invoices;
        match &self.by_id {
            None => invoices
                .binary_search_by(|inv| inv.id.as_str().cmp(id))
                .ok()
                .map(InvoiceIdx::new),
            Some(sorted) => {
                let n = sorted.partition_point(|i| invoices[i.get()].id.as_str() <= id);
                let i = *sorted.get(n.checked_sub(1)?)?;
                (invoices[i.get()].id == id).then_some(i)
            }
        }
    }

    /// The customer with this id, if it has invoices.
    pub fn customer_by_id(&self, id: &str) -> Option<CustomerIdx> {
        self.customer_index.get(id).copied()
    }

    /// The customer's invoices, in snapshot order.
    pub fn invoices_of(&self, customer: CustomerIdx) -> &[InvoiceIdx] {
        self.by_customer.get(customer.get())
    }

    /// The customer's credit notes.
    fn credits(&self, customer: CustomerIdx) -> &[Credit] {
        self.credits.get(customer.get()).map_or(&[], Vec::as_slice)
    }

    /// Whether any customer has credit notes.
    pub fn any_credit_notes(&self) -> bool {
        !self.credits.is_empty()
    }

    /// Whether the invoice's customer has credit notes (in any currency, on
    /// any day).
    pub fn has_credit_notes(&self, invoice: InvoiceIdx) -> bool {
        !self.credits(self.customer_of[invoice]).is_empty()
    }

    /// What the customer's credit notes in `currency` credit on `date`:
    /// those issued on or before it and not used or refunded by then.
    fn credit(
        &self,
        customer: CustomerIdx,
        currency: crate::money::Currency,
        date: NaiveDate,
    ) -> Decimal {
        self.credits(customer)
            .iter()
            .filter(|c| {
                c.currency == currency && c.issued <= date && c.used.is_none_or(|u| u > date)
            })
            .map(|c| c.amount)
            .sum()
    }

    /// The ledger of the invoice's customer on `date`; amounts in the
    /// invoice's currency, net of the customer's credit notes in it.
    pub fn balance(&self, invoice: InvoiceIdx, date: NaiveDate) -> Balance {
        let currency = self.invoice(invoice).currency;
        let credit = self.credit(self.customer_of[invoice], currency, date);
        let mut balance = Balance {
            open: -credit,
            overdue: -credit,
            ..Balance::default()
        };
        for &j in self.invoices_of(self.customer_of[invoice]) {
            let Status::Open(open) = self.status(j, date) else {
                continue;
            };
            let inv = self.invoice(j);
            balance.open_invoices += 1;
            balance.oldest_due = Some(
                balance
                    .oldest_due
                    .map_or(inv.due_date, |d| d.min(inv.due_date)),
            );
            if inv.currency == currency {
                balance.open += open;
                if inv.due_date < date {
                    balance.overdue += open;
                }
            }
        }
        balance
    }

    /// The first day after `day` on which the ledger of the invoice's
    /// customer changes: an invoice of it is issued, falls overdue, or is
    /// paid (in part or in full), or a credit note of it is issued or used.
    pub fn next_customer_change(&self, invoice: InvoiceIdx, day: NaiveDate) -> Option<NaiveDate> {
        let mut best: Option<NaiveDate> = None;
        let mut consider = |d: Option<NaiveDate>| {
            if let Some(d) = d {
                if d > day && best.is_none_or(|b| d < b) {
                    best = Some(d);
                }
            }
        };
        for &j in self.invoices_of(self.customer_of[invoice]) {
            let inv = self.invoice(j);
            consider(Some(inv.issue_date));
            consider(inv.due_date.succ_opt());
            consider(inv.paid_date);
            let payments = self.payments(j);
            consider(
                payments
                    .get(payments.partition_point(|(d, _)| *d <= day))
                    .map(|p| p.0),
            );
        }
        for c in self.credits(self.customer_of[invoice]) {
            consider(Some(c.issued));
            consider(c.used);
        }
        best
    }

    /// The invoice's account state on `date`: the snapshot's, changed by
    /// the events of the invoice and of its customer dated on or before it.
    pub fn account(&self, invoice: InvoiceIdx, date: NaiveDate) -> AccountState {
        let mut state = self.invoice(invoice).snapshot_state();
        if self.events.invoices.is_empty() {
            return state;
        }
        let own = &self.events.invoices[invoice.get()];
        let all = &self.events.customers[self.customer_of[invoice].get()];
        let (mut a, mut b) = (
            own.iter().take_while(|e| e.date <= date).peekable(),
            all.iter().take_while(|e| e.date <= date).peekable(),
        );
        loop {
            let next = match (a.peek(), b.peek()) {
                (Some(x), Some(y)) if (x.date, x.line) <= (y.date, y.line) => a.next(),
                (Some(_), Some(_)) => b.next(),
                (Some(_), None) => a.next(),
                (None, _) => b.next(),
            };
            match next {
                Some(e) => state.apply(e.kind, e.until),
                None => return state,
            }
        }
    }

    /// The last contact made outside dunning with the customer, on or
    /// before `date`.
    pub fn last_outside_contact(
        &self,
        customer: CustomerIdx,
        date: NaiveDate,
    ) -> Option<NaiveDate> {
        let outside = self
            .events
            .contacts
            .get(customer.get())
            .and_then(|contacts| {
                let n = contacts.partition_point(|d| *d <= date);
                n.checked_sub(1).map(|k| contacts[k])
            });
        // The book's other policies decide from the same morning's state:
        // their contacts of the day itself are the same contact, not an
        // earlier one.
        let book = self.events.book.get(customer.get()).and_then(|days| {
            let n = days.partition_point(|d| *d < date);
            n.checked_sub(1).map(|k| days[k])
        });
        outside.max(book)
    }

    /// The days the other policies of a book contacted each customer
    /// (customers not in this ledger are ignored): they count for the
    /// cooldown and `last_contact` from the next day on.
    pub fn set_book_contacts(&mut self, contacts: &[(&str, NaiveDate)]) {
        let by_id: HashMap<&str, CustomerIdx> = self
            .customers
            .iter_enumerated()
            .map(|(c, id)| (*id, c))
            .collect();
        let mut book = vec![Vec::new(); self.customers.len()];
        let mut any = false;
        for (customer, date) in contacts {
            if let Some(c) = by_id.get(customer) {
                book[c.get()].push(*date);
                any = true;
            }
        }
        for days in &mut book {
            days.sort_unstable();
            days.dedup();
        }
        self.events.book = if any { book } else { Vec::new() };
    }

    /// The first day after `day` on which an account event may change the
    /// invoice's decision: an event of the invoice or its customer (a
    /// contact included), or the day after a block's end.
    pub fn next_event_change(&self, invoice: InvoiceIdx, day: NaiveDate) -> Option<NaiveDate> {
        let c = self.customer_of[invoice].get();
        let mut best: Option<NaiveDate> = None;
        let mut consider = |d: Option<NaiveDate>| {
            if let Some(d) = d {
                if d > day && best.is_none_or(|b| d < b) {
                    best = Some(d);
                }
            }
        };
        if let Some(days) = self.events.book.get(c) {
            // A book contact counts from the day after it.
            let after = days.iter().filter_map(|d| d.succ_opt());
            consider(after.filter(|d| *d > day).min());
        }
        if self.events.invoices.is_empty() {
            return best;
        }
        for e in self.events.invoices[invoice.get()]
            .iter()
            .chain(&self.events.customers[c])
        {
            consider(Some(e.date));
            if e.kind == EventKind::Block {
                consider(e.until.and_then(|u| u.succ_opt()));
            }
        }
        let contacts = &self.events.contacts[c];
        consider(
            contacts
                .get(contacts.partition_point(|d| *d <= day))
                .copied(),
        );
        best
    }

    /// The invoices' indices, in snapshot order.
    pub fn indices(&self) -> impl Iterator<Item = InvoiceIdx> + 'static {
        self.customer_of.indices()
    }

    pub fn invoice(&self, invoice: InvoiceIdx) -> &'a Invoice {
        &self.invoices[invoice.get()]
    }

    /// Amount minus the payments dated on or before `date` (never below zero).
    pub fn open_amount(&self, invoice: InvoiceIdx, date: NaiveDate) -> Decimal {
        let inv = self.invoice(invoice);
        let paid: Decimal = self
            .payments(invoice)
            .iter()
            .take_while(|(d, _)| *d <= date)
            .map(|(_, a)| *a)
            .sum();
        (inv.amount - paid).max(Decimal::ZERO)
    }

    /// SPEC 4.1: issued on or before `date`, no paid date on or before it,
    /// and something left to pay after the payments up to `date`.
    pub fn status(&self, invoice: InvoiceIdx, date: NaiveDate) -> Status {
        let inv = self.invoice(invoice);
        if inv.issue_date > date {
            return Status::NotIssued;
        }
        if let Some(paid) = inv.paid_date {
            if paid <= date {
                return Status::Paid(paid);
            }
        }
        let open = self.open_amount(invoice, date);
        if open <= Decimal::ZERO {
            return Status::PaidByPayments;
        }
        Status::Open(open)
    }

    /// The day the invoice was paid in full, if it was by `date`: its paid
    /// date, or the day its payments covered its amount, whichever is first.
    pub fn paid_on(&self, invoice: InvoiceIdx, date: NaiveDate) -> Option<NaiveDate> {
        let inv = self.invoice(invoice);
        let by_date = inv.paid_date.filter(|p| *p <= date);
        let mut paid = Decimal::ZERO;
        let by_payments = self
            .payments(invoice)
            .iter()
            .take_while(|(d, _)| *d <= date)
            .find(|(_, a)| {
                paid += *a;
                paid >= inv.amount
            })
            .map(|(d, _)| *d);
        match (by_date, by_payments) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    /// The invoice's payments, by date.
    pub fn payments(&self, invoice: InvoiceIdx) -> &[(NaiveDate, Decimal)] {
        self.payments.get(invoice.get())
    }
}

impl Events {
    /// Events of invoices or customers not in the snapshot are ignored here;
    /// the loader reports them as errors before this point.
    fn new(
        data: RunData<'_, '_>,
        ledger: &Ledger<'_>,
        customer_of: &IdxVec<InvoiceIdx, CustomerIdx>,
        customers: &IdxVec<CustomerIdx, &str>,
    ) -> Events {
        if data.events.is_empty() {
            return Events::default();
        }
        let by_id: HashMap<&str, CustomerIdx> = customers
            .iter_enumerated()
            .map(|(c, id)| (*id, c))
            .collect();
        let mut events = Events {
            invoices: vec![Vec::new(); customer_of.len()],
            customers: vec![Vec::new(); customers.len()],
            contacts: vec![Vec::new(); customers.len()],
            book: Vec::new(),
        };
        for e in data.events {
            let invoice = e
                .invoice_id
                .as_deref()
                .and_then(|id| ledger.invoice_by_id(id));
            let customer = match invoice {
                Some(i) => Some(customer_of[i]),
                None if e.invoice_id.is_some() => None,
                None => by_id.get(e.customer_id.as_str()).copied(),
            };
            let Some(customer) = customer else {
                continue;
            };
            let change = Change {
                date: e.date,
                line: e.line,
                kind: e.kind,
                until: e.until,
            };
            match (e.kind, invoice) {
                (EventKind::Contact, _) => events.contacts[customer.get()].push(e.date),
                (_, Some(i)) => events.invoices[i.get()].push(change),
                (_, None) => events.customers[customer.get()].push(change),
            }
        }
        for list in events.invoices.iter_mut().chain(&mut events.customers) {
            list.sort_by_key(|e| (e.date, e.line));
        }
        for list in &mut events.contacts {
            list.sort_unstable();
        }
        events
    }
}

/// Whether an invoice is open on a day (SPEC 4.1), and if not, why.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Status {
    /// Issued after the day.
    NotIssued,
    /// Its paid date is on or before the day.
    Paid(NaiveDate),
    /// Its payments up to the day cover its amount.
    PaidByPayments,
    /// Open, with this amount left to pay.
    Open(Decimal),
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::Payment;

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2025, 3, d).unwrap()
    }

    fn invoice(id: &str, customer: &str, amount: i64) -> Invoice {
        Invoice {
            id: id.into(),
            customer_id: customer.into(),
            issue_date: day(1),
            due_date: day(10),
            amount: Decimal::new(amount, 2),
            currency: crate::money::Currency::parse("EUR").unwrap(),
            paid_date: None,
            disputed: false,
            promised_until: None,
            payment_plan: false,
            insolvent: false,
            blocked: false,
            attributes: Vec::new(),
            line: 2,
        }
    }

    fn payment(id: &str, d: u32, amount: i64) -> Payment {
        Payment {
            invoice_id: id.into(),
            date: day(d),
            amount: Decimal::new(amount, 2),
            line: 2,
        }
    }

    /// Ids in any order (and a repeated one, which the loader refuses but
    /// a library caller may pass) are found as a map built in snapshot
    /// order would find them: the last of equal ids.
    #[test]
    fn invoices_are_found_by_id_in_any_order() {
        for ids in [
            ["A", "B", "C", "D"],
            ["C", "A", "D", "B"],
            ["B", "A", "B", "C"],
        ] {
            let invoices: Vec<Invoice> = ids.iter().map(|id| invoice(id, "K", 100)).collect();
            let ledger = Ledger::new(RunData::new(&invoices));
            for id in ["A", "B", "C", "D", "E", ""] {
                let expected = ids.iter().rposition(|i| *i == id).map(InvoiceIdx::new);
                assert_eq!(ledger.invoice_by_id(id), expected, "{id} in {ids:?}");
            }
        }
    }

    /// Each invoice gets its own payments, by date, whatever their order in
    /// the file; payments of unknown invoices are ignored; each customer
    /// lists its invoices in snapshot order.
    #[test]
    fn payments_and_customers_are_grouped_per_invoice() {
        let invoices = vec![
            invoice("I3", "K2", 1000),
            invoice("I1", "K1", 1000),
            invoice("I2", "K2", 1000),
        ];
        let payments = vec![
            payment("I2", 5, 300),
            payment("I3", 4, 100),
            payment("X", 1, 100),
            payment("I2", 2, 200),
        ];
        let ledger = Ledger::new(RunData::new(&invoices).with_payments(&payments));
        let of = |i: usize| ledger.payments(InvoiceIdx::new(i)).to_vec();
        assert_eq!(of(0), vec![(day(4), Decimal::new(100, 2))]);
        assert_eq!(of(1), vec![]);
        assert_eq!(
            of(2),
            vec![
                (day(2), Decimal::new(200, 2)),
                (day(5), Decimal::new(300, 2))
            ]
        );
        assert_eq!(
            ledger.open_amount(InvoiceIdx::new(2), day(3)),
            Decimal::new(800, 2)
        );
        let k2 = ledger.customer_by_id("K2").unwrap();
        assert_eq!(
            ledger.invoices_of(k2),
            &[InvoiceIdx::new(0), InvoiceIdx::new(2)]
        );
        let k1 = ledger.customer_by_id("K1").unwrap();
        assert_eq!(ledger.invoices_of(k1), &[InvoiceIdx::new(1)]);
        assert_eq!(ledger.customer_by_id("K3"), None);
    }
}
