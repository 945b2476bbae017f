//! History: the actions already taken, as `plan --format csv` writes them
//! (`date,customer_id,invoice_id,rule,action`, then optional columns of
//! which only `template` is read).

use std::path::Path;

use super::error::{shown, Anomaly, Collector, DataErrors, Problem};
use super::fields;
use super::profile::Profile;
use super::table::{self, Cells, Format, Header, Sink};
use super::{HistoryEntry, Import, Invoice, InvoiceIndex, Loaded};
use crate::policy::ActionKind;
use crate::words::{closest, quoted_list};

/// The columns every history file has; `template` is read when present,
/// other columns (amounts, reason…) are ignored.
pub const HISTORY_COLUMNS: [&str; 5] = ["date", "customer_id", "invoice_id", "rule", "action"];

/// Reads and checks a history file against the invoices.
pub fn load_history(path: &Path, invoices: &[Invoice]) -> Result<Vec<HistoryEntry>, DataErrors> {
    load_history_with(path, invoices, &Import::strict()).map(|l| l.value)
}

/// Reads and checks a history file; with `import` not strict, the rows of
/// invoices absent from `invoices` (paid, and dropped from an open-items
/// export) are kept, with a warning. The history is the product's own
/// file: the profile does not apply to it.
pub fn load_history_with(
    path: &Path,
    invoices: &[Invoice],
    import: &Import,
) -> Result<Loaded<Vec<HistoryEntry>>, DataErrors> {
    let (name, bytes, format) = super::read_file(path)?;
    read_history_with(&name, &bytes, format, invoices, import)
}

/// Checks a history file's content: each row names an invoice of
/// `invoices` and its customer, a rule, and a known action.
///
/// A CSV row that repeats the header is skipped, so that daily plans can
/// be appended to the history with their header lines.
pub fn read_history(
    name: &str,
    bytes: &[u8],
    format: Format,
    invoices: &[Invoice],
) -> Result<Vec<HistoryEntry>, DataErrors> {
    read_history_with(name, bytes, format, invoices, &Import::strict()).map(|l| l.value)
}

/// Checks a history file's content, as [`load_history_with`]. An empty
/// file (zero bytes, or only a header) is an empty history: the first day
/// of a daily run starts from one.
pub fn read_history_with(
    name: &str,
    bytes: &[u8],
    format: Format,
    invoices: &[Invoice],
    import: &Import,
) -> Result<Loaded<Vec<HistoryEntry>>, DataErrors> {
    let mut errors = Collector::new(name).with_strict(import.strict);
    if format == Format::Csv && bytes.iter().all(u8::is_ascii_whitespace) {
        return Ok(Loaded {
            value: Vec::new(),
            warnings: Vec::new(),
        });
    }
    let mut sink = History {
        index: InvoiceIndex::new(invoices),
        columns: [None; 5],
        template: None,
        entries: Vec::new(),
    };
    table::read(bytes, format, &Profile::default(), &mut sink, &mut errors);
    let (value, warnings) = errors.finish_with_warnings(sink.entries)?;
    Ok(Loaded { value, warnings })
}

struct History<'i> {
    index: InvoiceIndex<'i>,
    columns: [Option<usize>; 5],
    template: Option<usize>,
    entries: Vec<HistoryEntry>,
}

fn action(text: &str) -> Result<ActionKind, Problem> {
    ActionKind::parse(text).ok_or_else(|| {
        let valid = format!("the actions are {}", quoted_list(ActionKind::names()));
        Problem::UnknownAction {
            value: shown(text),
            help: match closest(text, ActionKind::names()) {
                Some(near) => format!("did you mean `{near}`? ({valid})"),
                None => valid,
            },
        }
    })
}

impl Sink for History<'_> {
    fn header(&mut self, header: &Header, errors: &mut Collector) {
        for (slot, name) in self.columns.iter_mut().zip(HISTORY_COLUMNS) {
            *slot = header.require(name, || "every history row needs one".into(), errors);
        }
        self.template = header.find("template");
    }

    fn skips_repeated_header(&self) -> bool {
        true
    }

    fn row(&mut self, cells: &Cells<'_>, errors: &mut Collector) {
        let before = errors.total();
        let [date_col, customer_col, invoice_col, rule_col, action_col] = self.columns;
        let date = cells.required(date_col, "a date", errors, fields::date);
        let customer = cells.required(customer_col, "a customer id", errors, fields::exported_text);
        let invoice_id =
            cells.required(invoice_col, "an invoice id", errors, fields::exported_text);
        let invoice = invoice_id.and_then(|id| self.index.get(id));
        let mut absent = None;
        if let (Some(id), None) = (invoice_id, invoice) {
            let column = cells.header.name(invoice_col.unwrap_or_default());
            if errors.anomaly(Anomaly::ClosedInvoiceHistory, cells.place, Some(column), || {
                Problem::UnknownInvoice {
                    id: shown(id),
                    help: "each history row must name an invoice of the invoice file; check that the history goes with this invoice file",
                }
            }) {
                absent = Some(id);
            }
        }
        let rule = cells.required(rule_col, "a rule name", errors, fields::exported_text);
        let action = cells.required(action_col, "an action", errors, action);
        let template = cells.optional(
            self.template,
            "a template name",
            errors,
            fields::exported_text,
        );
        if let (Some(invoice), Some(customer)) = (invoice, customer) {
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
        }
        // The invoice, or (not strict) the ids of one no longer in the snapshot.
        let ids = match (invoice, absent, customer) {
            (Some(i), ..) => Some((i.customer_id.as_str(), i.id.as_str())),
            (None, Some(id), Some(customer)) => Some((customer, id)),
            _ => None,
        };
        if let (
            Some(date),
            Some((customer_id, invoice_id)),
            Some(rule),
            Some(action),
            Some(template),
        ) = (date, ids, rule, action, template)
        {
            if errors.total() == before {
                self.entries.push(HistoryEntry {
                    date,
                    customer_id: customer_id.to_string(),
                    invoice_id: invoice_id.to_string(),
                    rule: rule.to_string(),
                    action,
                    template: template.map(str::to_string),
                    line: cells.place.number(),
                });
            }
        }
    }
}
