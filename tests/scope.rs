//! The `scope` declaration: parsed, checked, formatted, and tested on invoices.

#![allow(clippy::expect_used)]

use dunning::data::{read_invoices, Format};

const POLICY: &str = "attribute segment in [strategic, key, standard]\n\
                      scope segment in [strategic, key]\n\
                      when overdue >= 3d then call\n";

const INVOICES: &str = "invoice_id,customer_id,issue_date,due_date,amount,currency,segment\n\
                        INV-1,C-1,2025-01-15,2025-02-14,100.00,EUR,strategic\n\
                        INV-2,C-2,2025-01-15,2025-02-14,100.00,EUR,standard\n\
                        INV-3,C-3,2025-01-15,2025-02-14,100.00,EUR,\n";

fn policy(text: &str) -> dunning::Policy {
    let checked = dunning::check(&dunning::parse(text));
    assert!(!checked.has_errors(), "{:?}", checked.diagnostics);
    checked.policy.expect("a policy")
}

fn holds(text: &str) -> Vec<bool> {
    let policy = policy(text);
    let scope = policy.scope.clone().expect("a scope");
    let invoices =
        read_invoices("invoices.csv", INVOICES.as_bytes(), Format::Csv, &policy).expect("invoices");
    invoices.iter().map(|i| scope.holds(i)).collect()
}

#[test]
fn a_scope_holds_for_the_listed_values_only() {
    assert_eq!(holds(POLICY), [true, false, false]);
}

#[test]
fn a_negated_scope_holds_for_the_other_values_and_empty_cells() {
    let text = POLICY.replace(
        "segment in [strategic, key]",
        "segment not in [strategic, key]",
    );
    assert_eq!(holds(&text), [false, true, true]);
}

#[test]
fn a_policy_without_scope_has_none() {
    let text = POLICY.replace("scope segment in [strategic, key]\n", "");
    assert!(policy(&text).scope.is_none());
}

#[test]
fn the_formatter_keeps_the_scope() {
    let parsed = dunning::parse("attribute segment in [strategic,key]\nscope   segment  not in [ key ]\nwhen overdue >= 3d then call\n");
    let text = dunning::format(&parsed).expect("formats");
    assert!(text.contains("\nscope segment not in [key]\n"), "{text}");
    assert_eq!(dunning::parse(&text).ast, parsed.ast);
}

#[test]
fn scope_stays_a_word_outside_a_statement_start() {
    // `scope` is not reserved: an attribute or value may still be called so.
    let text = "attribute scope in [wide, narrow]\nwhen scope = wide and overdue >= 3d then call\n";
    assert!(policy(text).scope.is_none());
}
