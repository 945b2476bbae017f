//! The invoice snapshot: one row per invoice, the policy's attributes typed
//! as it declares them.

use foldhash::{HashMap, HashMapExt};
use std::path::Path;

use rust_decimal::Decimal;

use super::error::{shown, Anomaly, Collector, DataErrors, Place, Problem};
use super::fields;
use super::profile::Profile;
use super::table::{self, Cells, Format, Header, Sink};
use super::{AttrValue, Import, Invoice, Loaded, Snapshot};
use crate::money::Currency;
use crate::policy::{AttrType, Policy};
use crate::words::{closest, quoted_list};

/// The columns every invoice file has.
pub const REQUIRED_COLUMNS: [&str; 6] = [
    "invoice_id",
    "customer_id",
    "issue_date",
    "due_date",
    "amount",
    "currency",
];

/// The columns an invoice file may have; any other column is an attribute.
/// `disputed`, `promised_until`, `payment_plan`, `insolvent` and `blocked`
/// give the account state before any account event; `document_type` tells
/// invoices from credit notes.
pub const OPTIONAL_COLUMNS: [&str; 7] = [
    "paid_date",
    "disputed",
    "promised_until",
    "payment_plan",
    "insolvent",
    "blocked",
    "document_type",
];

/// Reads and checks an invoice file (`.csv`, `.json`, `.yaml` or `.yml`,
/// a workbook, `.parquet`, `.arrow` or `.feather`) in the product's own layout, strictly: an anomaly of
/// real ledgers (a prepayment, a credit note, terms over 60 days) is an
/// error. [`load_invoices_with`] reads exports through a profile.
pub fn load_invoices(path: &Path, policy: &Policy) -> Result<Vec<Invoice>, DataErrors> {
    load_invoices_with(path, policy, &Import::strict()).map(|l| l.value.invoices)
}

/// Checks an invoice file's content; `name` is how messages call the file.
///
/// Every row is checked and every problem reported; the invoices are
/// returned only when there is none. Anomalies are errors, as in
/// [`load_invoices`].
pub fn read_invoices(
    name: &str,
    bytes: &[u8],
    format: Format,
    policy: &Policy,
) -> Result<Vec<Invoice>, DataErrors> {
    read_invoices_with(name, bytes, format, policy, &Import::strict()).map(|l| l.value.invoices)
}

/// Reads and checks an invoice file as `import` says: through its profile,
/// anomalies as warnings (or, `strict`, as errors).
pub fn load_invoices_with(
    path: &Path,
    policy: &Policy,
    import: &Import,
) -> Result<Loaded<Snapshot>, DataErrors> {
    let (name, bytes, format) = super::read_file(path)?;
    read_invoices_with(&name, &bytes, format, policy, import)
}

/// Checks an invoice file's content as `import` says.
pub fn read_invoices_with(
    name: &str,
    bytes: &[u8],
    format: Format,
    policy: &Policy,
    import: &Import,
) -> Result<Loaded<Snapshot>, DataErrors> {
    let mut errors = Collector::new(name).with_strict(import.strict);
    let mut sink = Invoices::new(policy, bytes.len() / 64, import);
    table::read(bytes, format, &import.profile, &mut sink, &mut errors);
    let credit_notes = std::mem::take(&mut sink.credit_notes);
    let invoices = sink.finish(&mut errors);
    let (invoices, warnings) = errors.finish_with_warnings(invoices)?;
    Ok(Loaded {
        value: Snapshot {
            invoices,
            credit_notes,
        },
        warnings,
    })
}

/// The longest payment terms French law allows (L441-10), in days.
const MAX_TERMS_DAYS: i64 = 60;

#[derive(Default)]
struct Columns {
    id: Option<usize>,
    customer: Option<usize>,
    issue: Option<usize>,
    due: Option<usize>,
    amount: Option<usize>,
    currency: Option<usize>,
    paid: Option<usize>,
    disputed: Option<usize>,
    promised: Option<usize>,
    plan: Option<usize>,
    insolvent: Option<usize>,
    blocked: Option<usize>,
    /// Tells invoices from credit notes (`document_type`, usually mapped by a profile).
    document_type: Option<usize>,
    /// Per policy attribute.
    attributes: Vec<Option<usize>>,
}

struct Invoices<'p> {
    policy: &'p Policy,
    columns: Columns,
    invoices: Vec<Invoice>,
    /// Ids of the rows that had errors, so that a repeated id is still caught.
    rejected: Vec<(String, Place)>,
    /// The last currency read: most files have one or two.
    last_currency: Option<Currency>,
    /// The place of the last row read: lines of a CSV file, records of a
    /// JSON or YAML list, rows of a Parquet or Arrow file.
    place: Place,
    /// Negative amounts, accepted (not `strict`) as the customer's documents.
    credit_notes: Vec<Invoice>,
    strict: bool,
    /// The currency of rows without one, from the profile.
    default_currency: Option<Currency>,
    /// The amounts so far, bounded so that every sum of money is exact.
    total: fields::Total,
}

impl<'p> Invoices<'p> {
    fn new(policy: &'p Policy, estimate: usize, import: &Import) -> Self {
        Invoices {
            policy,
            columns: Columns::default(),
            invoices: Vec::with_capacity(estimate.min(4 << 20)),
            rejected: Vec::new(),
            last_currency: None,
            place: Place::File,
            credit_notes: Vec::new(),
            strict: import.strict,
            default_currency: import.profile.currency,
            total: fields::Total::default(),
        }
    }

    fn currency(&mut self, text: &str) -> Result<Currency, Problem> {
        if let Some(c) = self.last_currency.filter(|c| c.as_str() == text) {
            return Ok(c);
        }
        let c = fields::currency(text)?;
        self.last_currency = Some(c);
        Ok(c)
    }

    /// Reports repeated ids, naming both places.
    fn finish(self, errors: &mut Collector) -> Vec<Invoice> {
        // Exports are usually sorted by id: then no id can repeat, and a
        // pass of comparisons replaces a million hash-map insertions.
        let sorted =
            self.rejected.is_empty() && self.invoices.windows(2).all(|w| w[0].id < w[1].id);
        if sorted {
            return self.invoices;
        }
        let mut seen: HashMap<&str, Place> =
            HashMap::with_capacity(self.invoices.len() + self.rejected.len());
        let place = |n| match self.place {
            Place::File => Place::Line(n),
            kind => kind.with_number(n),
        };
        let all = self
            .invoices
            .iter()
            .map(|i| (i.id.as_str(), place(i.line)))
            .chain(self.rejected.iter().map(|(id, p)| (id.as_str(), *p)));
        let mut repeated = Vec::new();
        for (id, place) in all {
            match seen.get_mut(id) {
                None => {
                    seen.insert(id, place);
                }
                Some(first) => {
                    let (a, b) = if place < *first {
                        (place, *first)
                    } else {
                        (*first, place)
                    };
                    *first = a;
                    repeated.push((id, a, b));
                }
            }
        }
        for (id, first, second) in repeated {
            errors.push(
                second,
                Some("invoice_id"),
                Problem::DuplicateId {
                    id: shown(id),
                    first,
                    second,
                },
            );
        }
        drop(seen);
        self.invoices
    }
}

impl Sink for Invoices<'_> {
    fn header(&mut self, header: &Header, errors: &mut Collector) {
        let required = |name: &str, errors: &mut Collector| {
            header.require(name, || "every invoice needs one".into(), errors)
        };
        self.columns = Columns {
            id: required("invoice_id", errors),
            customer: required("customer_id", errors),
            issue: required("issue_date", errors),
            due: required("due_date", errors),
            amount: required("amount", errors),
            currency: if self.default_currency.is_some() {
                header.find("currency")
            } else {
                required("currency", errors)
            },
            paid: header.find("paid_date"),
            disputed: header.find("disputed"),
            promised: header.find("promised_until"),
            plan: header.find("payment_plan"),
            insolvent: header.find("insolvent"),
            blocked: header.find("blocked"),
            document_type: header.find("document_type"),
            attributes: Vec::new(),
        };
        for attribute in &self.policy.attributes {
            let name = attribute.name.as_str();
            let column = if REQUIRED_COLUMNS.contains(&name) {
                // Already reported if missing.
                header.find(name)
            } else {
                header.require(
                    name,
                    || format!("the policy uses the attribute `{name}`"),
                    errors,
                )
            };
            self.columns.attributes.push(column);
        }
    }

    fn row(&mut self, cells: &Cells<'_>, errors: &mut Collector) {
        let before = errors.total();
        self.place = cells.place;
        let c = &self.columns;
        let p = cells.profile;
        let date = |t: &str| p.date(t);
        let id = cells.required(c.id, "an invoice id", errors, fields::text);
        let customer = cells.required(c.customer, "a customer id", errors, fields::text);
        let issue = cells.required_typed(c.issue, "a date", errors, date);
        let due = cells.required_typed(c.due, "a date", errors, date);
        let strict = self.strict;
        let amount = cells.required_typed(c.amount, "an amount", errors, |t| {
            if strict {
                p.decimal(t, fields::amount)
            } else {
                p.decimal(t, fields::signed_amount)
            }
        });
        if let Some(problem) = amount.and_then(|a| self.total.add(a)) {
            cells.fail(c.amount.unwrap_or_default(), errors, problem);
        }
        let currency_column = c.currency;
        let paid = cells.optional_typed(c.paid, "a date", errors, date);
        let disputed = cells.optional(c.disputed, "true or false", errors, |t| p.boolean(t));
        let promised = cells.optional_typed(c.promised, "a date", errors, date);
        let plan = cells.optional(c.plan, "true or false", errors, |t| p.boolean(t));
        let insolvent = cells.optional(c.insolvent, "true or false", errors, |t| p.boolean(t));
        let blocked = cells.optional(c.blocked, "true or false", errors, |t| p.boolean(t));
        let typed_credit = cells
            .optional(
                c.document_type,
                "a document type",
                errors,
                fields::document_type,
            )
            .flatten()
            .unwrap_or(false);
        let currency = match self.default_currency {
            Some(default) => cells
                .optional(currency_column, "a currency code", errors, |t| {
                    self.currency(t)
                })
                .map(|c| c.unwrap_or(default)),
            None => cells.required(currency_column, "a currency code", errors, |t| {
                self.currency(t)
            }),
        };
        let c = &self.columns;
        let mut attributes = Vec::with_capacity(c.attributes.len());
        for (attribute, &column) in self.policy.attributes.iter().zip(&c.attributes) {
            let value = cells.optional(column, attribute_expected(&attribute.ty), errors, |t| {
                attribute_value(&attribute.name, &attribute.ty, t, p)
            });
            attributes.push(value.flatten().unwrap_or(AttrValue::Missing));
        }
        if let (Some(issue), Some(due)) = (issue, due) {
            if due < issue {
                cells.fail(
                    c.due.unwrap_or_default(),
                    errors,
                    Problem::DueBeforeIssue {
                        due: due.to_string(),
                        issue: issue.to_string(),
                    },
                );
            }
        }
        let column = |c: Option<usize>| Some(cells.header.name(c.unwrap_or_default()));
        if let (Some(issue), Some(due)) = (issue, due) {
            let days = (due - issue).num_days();
            if days > MAX_TERMS_DAYS {
                errors.anomaly(Anomaly::LongTerms, cells.place, column(c.due), || {
                    Problem::LongTerms {
                        due: due.to_string(),
                        issue: issue.to_string(),
                        days,
                    }
                });
            }
        }
        if let (Some(issue), Some(Some(paid))) = (issue, paid) {
            if paid < issue {
                errors.anomaly(Anomaly::Prepayment, cells.place, column(c.paid), || {
                    Problem::PaidBeforeIssue {
                        what: "paid date",
                        paid: paid.to_string(),
                        issue: issue.to_string(),
                    }
                });
            }
        }
        let negative = amount.is_some_and(|a| a.is_sign_negative());
        let credit_note = negative || typed_credit;
        // (A typed credit note whose amount was refused is reported once.)
        if typed_credit && amount.is_some() {
            let at = c.document_type.unwrap_or_default();
            let kind = cells.row.get(at).unwrap_or_default().to_string();
            errors.anomaly(
                Anomaly::CreditNote,
                cells.place,
                column(c.document_type),
                || Problem::CreditNoteType { kind: shown(&kind) },
            );
        } else if negative {
            // Only read when not strict: `fields::amount` refuses a sign.
            errors.anomaly(Anomaly::CreditNote, cells.place, column(c.amount), || {
                Problem::AmountNotPositive {
                    value: amount.unwrap_or_default().to_string(),
                    help: fields::CREDIT_NOTE_HELP,
                }
            });
        }
        let complete = (id, customer, issue, due, amount, currency, paid, disputed);
        let state = (promised, plan, insolvent, blocked);
        match (complete, state) {
            (
                (
                    Some(id),
                    Some(customer),
                    Some(issue),
                    Some(due),
                    Some(amount),
                    Some(currency),
                    Some(paid),
                    Some(disputed),
                ),
                (Some(promised_until), Some(plan), Some(insolvent), Some(blocked)),
            ) if errors.total() == before => {
                let list = if credit_note {
                    &mut self.credit_notes
                } else {
                    &mut self.invoices
                };
                // A credit note's amount is negative, however the export signs it.
                let amount = if typed_credit && amount.is_sign_positive() {
                    -amount
                } else {
                    amount
                };
                // A workbook's number has no written decimals: an amount
                // gets those of its currency's minor unit, as the CSV
                // export of the same cell would write it (25000 to 25000.00).
                let amount = match cells.profile.workbook.then(|| currency.minor_digits()) {
                    Some(minor) if amount.scale() < minor => {
                        let mut scaled = amount;
                        scaled.rescale(minor);
                        scaled
                    }
                    _ => amount,
                };
                list.push(Invoice {
                    id: id.to_string(),
                    customer_id: customer.to_string(),
                    issue_date: issue,
                    due_date: due,
                    amount,
                    currency,
                    paid_date: paid,
                    disputed: disputed.unwrap_or(false),
                    promised_until,
                    payment_plan: plan.unwrap_or(false),
                    insolvent: insolvent.unwrap_or(false),
                    blocked: blocked.unwrap_or(false),
                    attributes,
                    line: cells.place.number(),
                });
            }
            ((Some(id), ..), _) => self.rejected.push((id.to_string(), cells.place)),
            _ => {}
        }
    }
}

/// How a value of the type is described in "expected …".
fn attribute_expected(ty: &AttrType) -> &'static str {
    match ty {
        AttrType::Text | AttrType::OneOf(_) => "a text",
        AttrType::Number => "a number",
        AttrType::Money => "an amount",
        AttrType::Date => "a date",
        AttrType::Bool => "true or false",
    }
}

/// A non-empty attribute cell, read as the policy types the attribute.
fn attribute_value(
    name: &str,
    ty: &AttrType,
    text: &str,
    profile: &Profile,
) -> Result<AttrValue, Problem> {
    Ok(match ty {
        AttrType::Text => AttrValue::Text(fields::text(text)?.to_string()),
        AttrType::Number => AttrValue::Number(profile.decimal(text, fields::number)?),
        AttrType::Money => AttrValue::Money(profile.decimal(text, money_attribute)?),
        AttrType::Date => AttrValue::Date(profile.date(text)?),
        AttrType::Bool => AttrValue::Bool(profile.boolean(text)?),
        AttrType::OneOf(values) => {
            if let Some(v) = values.iter().find(|v| *v == text) {
                AttrValue::Text(v.clone())
            } else {
                let by_case = values.iter().find(|v| v.eq_ignore_ascii_case(text));
                let near = by_case
                    .map(String::as_str)
                    .or_else(|| closest(text, values.iter().map(String::as_str)));
                let help = match near {
                    Some(n) => format!("did you mean `{n}`? Or declare `{}` in the policy", shown(text)),
                    None => format!(
                        "use a declared value, or add `{}` to the declaration of `{name}` in the policy",
                        shown(text)
                    ),
                };
                let listed: Vec<&str> = values.iter().take(12).map(String::as_str).collect();
                let mut expected = quoted_list(listed);
                if values.len() > 12 {
                    expected.push_str(&format!(" or {} more", values.len() - 12));
                }
                return Err(Problem::UndeclaredValue {
                    value: shown(text),
                    attribute: name.to_string(),
                    expected,
                    help,
                });
            }
        }
    })
}

/// A money attribute: a plain decimal (signed), in the invoice's currency.
fn money_attribute(text: &str) -> Result<Decimal, Problem> {
    fields::number(text).map_err(|p| match p {
        Problem::BadNumber { value, help } => Problem::BadAmount {
            value,
            expected: fields::DOT_DECIMAL.into(),
            help,
        },
        other => other,
    })
}
