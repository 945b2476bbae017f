//! Account events (SPEC 6.2): `date,invoice_id,customer_id,event,until,note`,
//! one row per dated change of an invoice's or a customer's situation.

use std::path::Path;

use foldhash::HashSet;

use super::error::{shown, Collector, DataErrors, Problem};
use super::fields;
use super::profile::Profile;
use super::table::{self, Cells, Format, Header, Sink};
use super::{AccountEvent, EventKind, Invoice, InvoiceIndex, Until};
use crate::words::{closest, quoted_list};

/// The columns of an events file. `date` and `event` are required, and at
/// least one of `invoice_id` and `customer_id`; `until` and `note` may be
/// left out.
pub const EVENT_COLUMNS: [&str; 6] = [
    "date",
    "invoice_id",
    "customer_id",
    "event",
    "until",
    "note",
];

/// Reads and checks an events file against the invoices.
pub fn load_events(path: &Path, invoices: &[Invoice]) -> Result<Vec<AccountEvent>, DataErrors> {
    let (name, bytes, format) = super::read_file(path)?;
    read_events(&name, &bytes, format, invoices)
}

/// Checks an events file's content: each row names an invoice of
/// `invoices` or a customer that has one, a known event, and an `until`
/// date where the event takes one. The events keep the file's order.
pub fn read_events(
    name: &str,
    bytes: &[u8],
    format: Format,
    invoices: &[Invoice],
) -> Result<Vec<AccountEvent>, DataErrors> {
    let mut errors = Collector::new(name);
    let mut sink = Events {
        index: InvoiceIndex::new(invoices),
        customers: invoices.iter().map(|i| i.customer_id.as_str()).collect(),
        columns: [None; 6],
        events: Vec::new(),
    };
    table::read(bytes, format, &Profile::default(), &mut sink, &mut errors);
    errors.finish(sink.events)
}

struct Events<'i> {
    index: InvoiceIndex<'i>,
    customers: HashSet<&'i str>,
    columns: [Option<usize>; 6],
    events: Vec<AccountEvent>,
}

fn event(text: &str) -> Result<EventKind, Problem> {
    EventKind::parse(text).ok_or_else(|| {
        let names = EventKind::ALL.map(EventKind::as_str);
        let valid = format!("the events are {}", quoted_list(names));
        Problem::UnknownEvent {
            value: shown(text),
            help: match closest(text, names) {
                Some(near) => format!("did you mean `{near}`? ({valid})"),
                None => valid,
            },
        }
    })
}

impl Sink for Events<'_> {
    fn header(&mut self, header: &Header, errors: &mut Collector) {
        let [date, invoice, customer, event, until, note] = &mut self.columns;
        *date = header.require("date", || "every event needs one".into(), errors);
        *event = header.require("event", || "every event needs one".into(), errors);
        *invoice = header.find("invoice_id");
        *customer = header.find("customer_id");
        if invoice.is_none() && customer.is_none() {
            *invoice = header.require(
                "invoice_id",
                || {
                    "an event is about an invoice (`invoice_id`) or a customer (`customer_id`)"
                        .into()
                },
                errors,
            );
        }
        *until = header.find("until");
        *note = header.find("note");
    }

    fn row(&mut self, cells: &Cells<'_>, errors: &mut Collector) {
        let before = errors.total();
        let [date_col, invoice_col, customer_col, event_col, until_col, note_col] = self.columns;
        let date = cells.required(date_col, "a date", errors, fields::date);
        let kind = cells.required(event_col, "an event", errors, event);
        let invoice = cells.optional(invoice_col, "an invoice id", errors, |t| {
            let t = fields::exported_text(t)?;
            self.index.get(t).ok_or_else(|| Problem::UnknownInvoice {
                id: shown(t),
                help: "an event must name an invoice of the invoice file; check the id, or that both files are from the same export",
            })
        });
        let customer = cells.optional(customer_col, "a customer id", errors, |t| {
            let t = fields::exported_text(t)?;
            match self.customers.get(t) {
                Some(&c) => Ok(c),
                None => Err(Problem::UnknownCustomer { id: shown(t) }),
            }
        });
        let until = cells.optional(until_col, "a date", errors, fields::date);
        let note = cells.optional(note_col, "a note", errors, fields::exported_text);
        let target = match (invoice, customer) {
            (Some(Some(invoice)), Some(Some(customer))) => {
                if invoice.customer_id != customer {
                    cells.fail(
                        customer_col.unwrap_or_default(),
                        errors,
                        Problem::CustomerMismatch {
                            invoice: shown(&invoice.id),
                            expected: shown(&invoice.customer_id),
                            found: shown(customer),
                        },
                    );
                }
                Some((Some(invoice.id.as_str()), invoice.customer_id.as_str()))
            }
            (Some(Some(invoice)), Some(None)) => {
                Some((Some(invoice.id.as_str()), invoice.customer_id.as_str()))
            }
            (Some(None), Some(Some(customer))) => Some((None, customer)),
            // Neither column: reported once, with the header.
            (Some(None), Some(None)) if invoice_col.is_none() && customer_col.is_none() => None,
            (Some(None), Some(None)) => {
                let column = invoice_col.or(customer_col).unwrap_or_default();
                cells.fail(
                    column,
                    errors,
                    Problem::BadEvent {
                        message: "the event names neither an invoice nor a customer".into(),
                        help: "write the invoice's id in `invoice_id`, or the customer's id in `customer_id` for an event of all its invoices".into(),
                    },
                );
                None
            }
            _ => None,
        };
        if let (Some(kind), Some(until)) = (kind, until) {
            let column = until_col.or(event_col).unwrap_or_default();
            match (kind.until(), until) {
                (Until::Required, None) => cells.fail(
                    column,
                    errors,
                    Problem::BadEvent {
                        message: format!("a `{kind}` needs the date it runs until"),
                        help: "write the promised date in the `until` column".into(),
                    },
                ),
                (Until::None, Some(u)) => cells.fail(
                    column,
                    errors,
                    Problem::BadEvent {
                        message: format!("a `{kind}` has no end date, but `until` is `{u}`"),
                        help: "leave `until` empty: only `promise` and `block` take one".into(),
                    },
                ),
                (_, Some(u)) if date.is_some_and(|d| u < d) => cells.fail(
                    column,
                    errors,
                    Problem::BadEvent {
                        message: format!(
                            "`until` ({u}) is before the event's date ({})",
                            date.map(|d| d.to_string()).unwrap_or_default()
                        ),
                        help: "the end of a promise or a block is on or after its date".into(),
                    },
                ),
                _ => {}
            }
        }
        if let (Some(date), Some(kind), Some((invoice, customer)), Some(until), Some(note)) =
            (date, kind, target, until, note)
        {
            if errors.total() == before {
                self.events.push(AccountEvent {
                    date,
                    invoice_id: invoice.map(str::to_string),
                    customer_id: customer.to_string(),
                    kind,
                    until,
                    note: note.map(str::to_string),
                    line: cells.place.number(),
                });
            }
        }
    }
}
