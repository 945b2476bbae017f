//! Expected actions against actual ones: matched as sets (the most
//! specific expectations first), and a diff when they differ.

use std::collections::BTreeSet;

use chrono::NaiveDate;

use super::runner::Status;
use super::spec::Expected;

pub(crate) fn split_rules(rule: &str) -> BTreeSet<String> {
    rule.split(',')
        .map(|r| r.trim().to_string())
        .filter(|r| !r.is_empty())
        .collect()
}

/// An action the policy produced, in the terms compared.
#[derive(Debug, Clone)]
pub(crate) struct Actual {
    pub(crate) date: NaiveDate,
    pub(crate) customer_id: String,
    pub(crate) action: String,
    pub(crate) rules: BTreeSet<String>,
    pub(crate) invoices: BTreeSet<String>,
    pub(crate) template: Option<String>,
    pub(crate) open_amount: rust_decimal::Decimal,
    pub(crate) interest: Option<rust_decimal::Decimal>,
    pub(crate) indemnity: Option<rust_decimal::Decimal>,
}

fn matches(e: &Expected, a: &Actual) -> bool {
    e.customer_id == a.customer_id
        && e.action == a.action
        && split_rules(&e.rule) == a.rules
        && e.invoices.iter().cloned().collect::<BTreeSet<_>>() == a.invoices
        && e.date.is_none_or(|d| d == a.date)
        && (e.template.is_none() || e.template == a.template)
        && e.open_amount.is_none_or(|x| x == a.open_amount)
        && (e.interest.is_none() || e.interest == a.interest)
        && (e.indemnity.is_none() || e.indemnity == a.indemnity)
}

/// The amounts shown on a line: (name, value) for those compared.
type Amounts = Vec<(&'static str, Option<rust_decimal::Decimal>)>;

fn expected_amounts(e: &Expected) -> Amounts {
    let mut v = Vec::new();
    if e.open_amount.is_some() {
        v.push(("open_amount", e.open_amount));
    }
    if e.interest.is_some() {
        v.push(("interest", e.interest));
    }
    if e.indemnity.is_some() {
        v.push(("indemnity", e.indemnity));
    }
    v
}

fn line(
    date: Option<NaiveDate>,
    customer: &str,
    action: &str,
    rules: &BTreeSet<String>,
    invoices: &BTreeSet<String>,
    template: Option<&str>,
    amounts: &Amounts,
) -> String {
    let mut s = String::new();
    if let Some(d) = date {
        s.push_str(&format!("{d}  "));
    }
    s.push_str(&format!(
        "{customer}  {action}  rule={}  invoices=[{}]",
        rules.iter().cloned().collect::<Vec<_>>().join(","),
        invoices.iter().cloned().collect::<Vec<_>>().join(", ")
    ));
    if let Some(t) = template {
        s.push_str(&format!("  template={t}"));
    }
    for (name, value) in amounts {
        match value {
            Some(v) => s.push_str(&format!("  {name}={v}")),
            None => s.push_str(&format!("  {name}=none")),
        }
    }
    s.push('\n');
    s
}

fn expected_line(e: &Expected) -> String {
    line(
        e.date,
        &e.customer_id,
        &e.action,
        &split_rules(&e.rule),
        &e.invoices.iter().cloned().collect(),
        e.template.as_deref(),
        &expected_amounts(e),
    )
}

/// Matches expected actions to actual ones (the most specific expectations
/// first) and, when they differ, renders a diff.
pub(crate) fn compare(expect: &[Expected], actual: &[Actual], several_days: bool) -> Status {
    let mut order: Vec<usize> = (0..expect.len()).collect();
    order.sort_by_key(|&i| {
        let e = &expect[i];
        std::cmp::Reverse(usize::from(e.date.is_some()) + usize::from(e.template.is_some()))
    });
    let mut taken = vec![false; actual.len()];
    let mut matched = vec![None; expect.len()];
    for i in order {
        if let Some(j) = (0..actual.len()).find(|&j| !taken[j] && matches(&expect[i], &actual[j])) {
            taken[j] = true;
            matched[i] = Some(j);
        }
    }
    if matched.iter().all(Option::is_some) && taken.iter().all(|t| *t) {
        return Status::Passed;
    }
    let show_dates = several_days || expect.iter().any(|e| e.date.is_some());
    let show_templates = expect.iter().any(|e| e.template.is_some());
    let show_open = expect.iter().any(|e| e.open_amount.is_some());
    let show_interest = expect.iter().any(|e| e.interest.is_some());
    let show_indemnity = expect.iter().any(|e| e.indemnity.is_some());
    // A matched expectation is shown as it was written, with the day it
    // matched when days are shown, on both sides.
    let shown_expected = |i: usize| -> String {
        let e = &expect[i];
        match matched[i] {
            Some(j) if show_dates && e.date.is_none() => {
                let dated = Expected {
                    date: Some(actual[j].date),
                    ..e.clone()
                };
                expected_line(&dated)
            }
            _ => expected_line(e),
        }
    };
    let mut want: Vec<String> = (0..expect.len()).map(shown_expected).collect();
    let mut got: Vec<String> = Vec::new();
    for (i, m) in matched.iter().enumerate() {
        if m.is_some() {
            got.push(shown_expected(i));
        }
    }
    for (j, a) in actual.iter().enumerate() {
        if !taken[j] {
            let mut amounts: Amounts = Vec::new();
            if show_open {
                amounts.push(("open_amount", Some(a.open_amount)));
            }
            if show_interest {
                amounts.push(("interest", a.interest));
            }
            if show_indemnity {
                amounts.push(("indemnity", a.indemnity));
            }
            got.push(line(
                show_dates.then_some(a.date),
                &a.customer_id,
                &a.action,
                &a.rules,
                &a.invoices,
                if show_templates {
                    a.template.as_deref()
                } else {
                    None
                },
                &amounts,
            ));
        }
    }
    want.sort();
    got.sort();
    let want = if want.is_empty() {
        vec!["(no action)\n".to_string()]
    } else {
        want
    };
    let got = if got.is_empty() {
        vec!["(no action)\n".to_string()]
    } else {
        got
    };
    let (want, got) = (want.concat(), got.concat());
    let mut diff = String::from("--- expected\n+++ actual\n");
    for change in similar::TextDiff::from_lines(&want, &got).iter_all_changes() {
        let sign = match change.tag() {
            similar::ChangeTag::Delete => '-',
            similar::ChangeTag::Insert => '+',
            similar::ChangeTag::Equal => ' ',
        };
        diff.push(sign);
        diff.push(' ');
        diff.push_str(change.value());
        if !change.value().ends_with('\n') {
            diff.push('\n');
        }
    }
    Status::Failed { diff }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn expected(
        date: Option<&str>,
        rule: &str,
        invoices: &[&str],
        template: Option<&str>,
    ) -> Expected {
        Expected {
            date: date.map(|d| d.parse().unwrap()),
            customer_id: "C1".into(),
            action: "email".into(),
            rule: rule.into(),
            invoices: invoices.iter().map(|s| s.to_string()).collect(),
            template: template.map(str::to_string),
            open_amount: None,
            interest: None,
            indemnity: None,
        }
    }

    fn actual(date: &str, rule: &str, invoices: &[&str], template: Option<&str>) -> Actual {
        Actual {
            date: date.parse().unwrap(),
            customer_id: "C1".into(),
            action: "email".into(),
            rules: split_rules(rule),
            invoices: invoices.iter().map(|s| s.to_string()).collect(),
            template: template.map(str::to_string),
            open_amount: rust_decimal::Decimal::ONE_HUNDRED,
            interest: None,
            indemnity: None,
        }
    }

    #[test]
    fn rules_and_invoices_compare_as_sets_date_and_template_only_when_given() {
        let a = [actual("2025-02-02", "b, a", &["I2", "I1"], Some("t"))];
        assert_eq!(
            compare(&[expected(None, "a,b", &["I1", "I2"], None)], &a, false),
            Status::Passed
        );
        assert_eq!(
            compare(
                &[expected(
                    Some("2025-02-02"),
                    "a,b",
                    &["I1", "I2"],
                    Some("t")
                )],
                &a,
                false
            ),
            Status::Passed
        );
        assert!(matches!(
            compare(
                &[expected(Some("2025-02-03"), "a,b", &["I1", "I2"], None)],
                &a,
                false
            ),
            Status::Failed { .. }
        ));
        assert!(matches!(
            compare(
                &[expected(None, "a,b", &["I1", "I2"], Some("u"))],
                &a,
                false
            ),
            Status::Failed { .. }
        ));
    }

    #[test]
    fn an_extra_or_missing_action_fails_with_a_diff() {
        let a = [
            actual("2025-02-02", "a", &["I1"], None),
            actual("2025-02-09", "a", &["I1"], None),
        ];
        let Status::Failed { diff } = compare(&[expected(None, "a", &["I1"], None)], &a, true)
        else {
            panic!("should fail")
        };
        assert_eq!(
            diff,
            "--- expected\n+++ actual\n  2025-02-02  C1  email  rule=a  invoices=[I1]\n+ 2025-02-09  C1  email  rule=a  invoices=[I1]\n"
        );
        let Status::Failed { diff } = compare(&[expected(None, "a", &["I1"], None)], &[], false)
        else {
            panic!("should fail")
        };
        assert!(
            diff.contains("- C1  email  rule=a  invoices=[I1]\n+ (no action)\n"),
            "{diff}"
        );
    }

    #[test]
    fn specific_expectations_are_matched_first() {
        let a = [
            actual("2025-02-02", "a", &["I1"], None),
            actual("2025-02-09", "a", &["I1"], None),
        ];
        let e = [
            expected(None, "a", &["I1"], None),
            expected(Some("2025-02-02"), "a", &["I1"], None),
        ];
        assert_eq!(compare(&e, &a, true), Status::Passed);
    }
}
