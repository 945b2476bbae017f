//! One book, several policies: which policy handles each invoice.
//!
//! A policy's `scope` names the invoices it takes; a policy without one
//! takes the invoices no scope holds for (the rest of the book). Each
//! invoice must go to exactly one policy: none or several is an error
//! naming the invoice, never a silent drop or a double chase.

use super::error::{Collector, Place};
use super::{DataErrors, Format, Invoice, Problem};
use crate::Policy;

/// A policy of a book: its name (its file, for messages) and the policy.
#[derive(Clone, Copy, Debug)]
pub struct Member<'p> {
    /// How messages name it: its file.
    pub name: &'p str,
    /// The checked policy.
    pub policy: &'p Policy,
}

/// For each invoice, the index in `members` of the policy that handles it.
///
/// `invoices[p]` is the invoice file as read for `members[p]` (its
/// attributes typed by that policy): the same rows in the same order for
/// every policy. `file` and `format` name the rows in errors.
pub fn route(
    file: &str,
    format: Format,
    members: &[Member<'_>],
    invoices: &[&[Invoice]],
) -> Result<Vec<usize>, DataErrors> {
    let rows = invoices.first().map_or(0, |i| i.len());
    let mut errors = Collector::new(file);
    let mut route = Vec::with_capacity(rows);
    let unscoped: Vec<usize> = (0..members.len())
        .filter(|p| members[*p].policy.scope.is_none())
        .collect();
    for row in 0..rows {
        let takers: Vec<usize> = (0..members.len())
            .filter(|p| {
                let scope = members[*p].policy.scope.as_ref();
                let invoice = invoices.get(*p).and_then(|i| i.get(row));
                matches!((scope, invoice), (Some(s), Some(inv)) if s.holds(inv))
            })
            .collect();
        let takers = if takers.is_empty() {
            unscoped.clone()
        } else {
            takers
        };
        let Some(invoice) = invoices.first().and_then(|i| i.get(row)) else {
            continue;
        };
        let place = match format {
            Format::Json | Format::Yaml => Place::Record(invoice.line),
            Format::Csv | Format::Workbook => Place::Line(invoice.line),
            Format::Parquet | Format::Arrow => Place::Row(invoice.line),
        };
        match takers.as_slice() {
            [one] => route.push(*one),
            [] => errors.push(
                place,
                None,
                Problem::Unrouted {
                    invoice: invoice.id.clone(),
                    policies: members
                        .iter()
                        .map(|m| describe(m))
                        .collect::<Vec<_>>()
                        .join("; "),
                },
            ),
            several => errors.push(
                place,
                None,
                Problem::AmbiguousRoute {
                    invoice: invoice.id.clone(),
                    policies: several
                        .iter()
                        .map(|p| describe(&members[*p]))
                        .collect::<Vec<_>>()
                        .join(" and "),
                },
            ),
        }
    }
    errors.finish(route)
}

/// ``strategic.dunning (`scope segment in [strategic, key]`)``, or
/// `standard.dunning (no scope)`.
fn describe(member: &Member<'_>) -> String {
    match &member.policy.scope {
        None => format!("{} (no scope)", member.name),
        Some(scope) => {
            let attribute = member
                .policy
                .attributes
                .get(scope.attribute.get())
                .map_or("?", |a| a.name.as_str());
            let not = if scope.negated { "not " } else { "" };
            format!(
                "{} (`scope {attribute} {not}in [{}]`)",
                member.name,
                scope.values.join(", ")
            )
        }
    }
}

/// The rows of `invoices` (as read for one policy) that `route` sends to
/// policy `p`, in file order.
pub fn routed_to(invoices: Vec<Invoice>, route: &[usize], p: usize) -> Vec<Invoice> {
    invoices
        .into_iter()
        .zip(route)
        .filter(|(_, r)| **r == p)
        .map(|(i, _)| i)
        .collect()
}
