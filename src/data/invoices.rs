//! The invoice snapshot: one row per invoice, the policy's attributes typed
//! as it declares them.

use foldhash::{HashMap, HashMapExt};
use std::path::Path;

use rust_decimal::Decimal;

use super::error::{shown, Collector, DataErrors, Place, Problem};
use super::fields;
use super::table::{self, Cells, Format, Header, Sink};
use super::{AttrValue, Invoice};
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
/// give the account state before any account event.
pub const OPTIONAL_COLUMNS: [&str; 6] = [
    "paid_date",
    "disputed",
    "promised_until",
    "payment_plan",
    "insolvent",
    "blocked",
];

/// Reads and checks an invoice file (`.csv`, `.json`, `.yaml` or `.yml`).
pub fn load_invoices(path: &Path, policy: &Policy) -> Result<Vec<Invoice>, DataErrors> {
    let (name, bytes, format) = super::read_file(path)?;
    read_invoices(&name, &bytes, format, policy)
}

/// Checks an invoice file's content; `name` is how messages call the file.
///
/// Every row is checked and every problem reported; the invoices are
/// returned only when there is none.
pub fn read_invoices(
    name: &str,
    bytes: &[u8],
    format: Format,
    policy: &Policy,
) -> Result<Vec<Invoice>, DataErrors> {
    let mut errors = Collector::new(name);
    let mut sink = Invoices::new(policy, bytes.len() / 64);
    table::read(bytes, format, &mut sink, &mut errors);
    let invoices = sink.finish(&mut errors);
    errors.finish(invoices)
}

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
    /// Rows are records of a JSON or YAML list, not CSV lines.
    records: bool,
}

impl<'p> Invoices<'p> {
    fn new(policy: &'p Policy, estimate: usize) -> Self {
        Invoices {
            policy,
            columns: Columns::default(),
            invoices: Vec::with_capacity(estimate.min(4 << 20)),
            rejected: Vec::new(),
            last_currency: None,
            records: false,
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
        let place = |n| {
            if self.records {
                Place::Record(n)
            } else {
                Place::Line(n)
            }
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
            currency: required("currency", errors),
            paid: header.find("paid_date"),
            disputed: header.find("disputed"),
            promised: header.find("promised_until"),
            plan: header.find("payment_plan"),
            insolvent: header.find("insolvent"),
            blocked: header.find("blocked"),
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
        self.records = matches!(cells.place, Place::Record(_));
        let c = &self.columns;
        let id = cells.required(c.id, "an invoice id", errors, fields::text);
        let customer = cells.required(c.customer, "a customer id", errors, fields::text);
        let issue = cells.required(c.issue, "a date", errors, fields::date);
        let due = cells.required(c.due, "a date", errors, fields::date);
        let amount = cells.required(c.amount, "an amount", errors, fields::amount);
        let currency_column = c.currency;
        let paid = cells.optional(c.paid, "a date", errors, fields::date);
        let disputed = cells.optional(c.disputed, "true or false", errors, fields::boolean);
        let promised = cells.optional(c.promised, "a date", errors, fields::date);
        let plan = cells.optional(c.plan, "true or false", errors, fields::boolean);
        let insolvent = cells.optional(c.insolvent, "true or false", errors, fields::boolean);
        let blocked = cells.optional(c.blocked, "true or false", errors, fields::boolean);
        let currency = cells.required(currency_column, "a currency code", errors, |t| {
            self.currency(t)
        });
        let c = &self.columns;
        let mut attributes = Vec::with_capacity(c.attributes.len());
        for (attribute, &column) in self.policy.attributes.iter().zip(&c.attributes) {
            let value = cells.optional(column, attribute_expected(&attribute.ty), errors, |t| {
                attribute_value(&attribute.name, &attribute.ty, t)
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
        if let (Some(issue), Some(Some(paid))) = (issue, paid) {
            if paid < issue {
                cells.fail(
                    c.paid.unwrap_or_default(),
                    errors,
                    Problem::PaidBeforeIssue {
                        what: "paid date",
                        paid: paid.to_string(),
                        issue: issue.to_string(),
                    },
                );
            }
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
                self.invoices.push(Invoice {
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
fn attribute_value(name: &str, ty: &AttrType, text: &str) -> Result<AttrValue, Problem> {
    Ok(match ty {
        AttrType::Text => AttrValue::Text(fields::text(text)?.to_string()),
        AttrType::Number => AttrValue::Number(fields::number(text)?),
        AttrType::Money => AttrValue::Money(money_attribute(text)?),
        AttrType::Date => AttrValue::Date(fields::date(text)?),
        AttrType::Bool => AttrValue::Bool(fields::boolean(text)?),
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
        Problem::BadNumber { value, help } => Problem::BadAmount { value, help },
        other => other,
    })
}
