//! AST to checked policy: resolves every name, types every comparison,
//! and reports every problem of the file in one pass. When the policy has
//! no errors, the analysis (`analysis/`) looks for rules that cannot work
//! as the author meant and reports them as warnings.

mod analysis;
pub(crate) mod codes;
mod error;
mod fixes;
pub(crate) mod names;
mod reported;
mod resolve;

use miette::Diagnostic;
use thiserror::Error;

pub use error::CheckError;
pub use fixes::Fix;
pub use resolve::SettingDoc;

/// Every setting, in the README's order.
pub(crate) fn setting_docs() -> impl Iterator<Item = SettingDoc> {
    resolve::SettingName::ALL
        .into_iter()
        .map(resolve::SettingName::doc)
}

use crate::policy::Policy;
use crate::syntax::{ast, Parsed, SyntaxError};

/// Any problem found in a policy file: a statement that does not parse, or
/// one that does not check.
#[derive(Debug, Error, Diagnostic, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum PolicyError {
    /// A statement that does not parse.
    #[error(transparent)]
    #[diagnostic(transparent)]
    Syntax(#[from] SyntaxError),
    /// A statement that parses but does not check (or, for a warning, that will not do what was meant).
    #[error(transparent)]
    #[diagnostic(transparent)]
    Check(#[from] CheckError),
}

impl PolicyError {
    /// Whether it is a warning: the policy is still made.
    pub fn is_warning(&self) -> bool {
        matches!(self, PolicyError::Check(c) if c.is_warning())
    }
}

/// The outcome of checking: the policy when it has no errors, and every
/// diagnostic: syntax errors first, then the others in file order.
#[derive(Debug, Clone)]
pub struct Checked {
    /// The policy, when there is no error.
    pub policy: Option<Policy>,
    /// Every diagnostic: syntax errors first, then the others in file order.
    pub diagnostics: Vec<PolicyError>,
}

impl Checked {
    /// Whether any diagnostic is an error.
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(|d| !d.is_warning())
    }
}

/// Checks a parsed policy. The policy is made only when every statement
/// parsed and checked; each statement that did not is a diagnostic. When
/// some statements did not parse, only errors are reported: warnings about
/// a partial ladder would be guesses.
pub fn check(parsed: &Parsed) -> Checked {
    check_with_rates(parsed, crate::penalty::Rates::builtin())
}

/// [`check`], holding a fixed interest rate to the legal rates of `rates`
/// (a newer legal rate file, `check --legal-rates`) rather than the built-in
/// table.
pub fn check_with_rates(parsed: &Parsed, rates: &crate::penalty::Rates) -> Checked {
    let mut resolver = resolve::Resolver::new(parsed);
    resolver.rates = rates;
    resolver.declare(&parsed.ast);
    let resolved = resolver.resolve(&parsed.ast);
    let mut found = resolver.diagnostics.into_vec();
    let policy = match resolved {
        Ok(policy) if parsed.is_ok() => {
            if policy.rules.is_empty() {
                found.push(no_rules(&parsed.ast));
            } else {
                found.extend(analysis::analyze(&policy));
            }
            Some(policy)
        }
        // The statements that did not parse are not in it: their syntax
        // errors are the diagnostics.
        Ok(_) => None,
        // Each statement that failed reported why.
        Err(_reported) => None,
    };
    let mut allowed = allowances(&parsed.ast);
    allowed.sort_by_key(|(span, _)| span.start);
    found.retain(|d| !d.is_warning() || !is_allowed(d, &allowed));
    // The key (a list of labels) is made once per diagnostic, not once per comparison.
    found.sort_by_cached_key(|d| primary_offset(d).unwrap_or(usize::MAX));
    let mut diagnostics: Vec<PolicyError> = parsed
        .errors
        .iter()
        .cloned()
        .map(PolicyError::from)
        .collect();
    diagnostics.extend(found.into_iter().map(PolicyError::from));
    Checked {
        policy,
        diagnostics,
    }
}

/// The warning for a file without rules, on its last line: a rule would go
/// after it.
fn no_rules(policy: &ast::Policy) -> CheckError {
    let last = policy.items.last().map(|item| match &item.kind {
        ast::ItemKind::Statement(s) => s.span,
        ast::ItemKind::Comment(c) => c.span,
    });
    CheckError::NoRules {
        label: if last.is_some() {
            "no rule in this file".into()
        } else {
            "the file is empty".into()
        },
        span: last.unwrap_or_default().into(),
    }
}

/// The warnings each statement allows: `# dunning: allow within-cooldown`
/// at the end of the statement, or on a comment line just above it (no
/// blank line between). Codes are written in full
/// (`dunning::check::within-cooldown`) or by their last part, separated by
/// commas or spaces.
fn allowances(policy: &ast::Policy) -> Vec<(ast::Span, Vec<String>)> {
    let codes = |comment: &ast::Comment| -> Vec<String> {
        let text = comment.text.trim();
        let Some(rest) = text.strip_prefix("dunning:") else {
            return Vec::new();
        };
        let Some(list) = rest.trim_start().strip_prefix("allow") else {
            return Vec::new();
        };
        list.split([',', ' ', '\t'])
            .filter(|c| !c.is_empty())
            .map(|c| c.rsplit("::").next().unwrap_or(c).to_string())
            .collect()
    };
    let mut out = Vec::new();
    let mut above: Vec<String> = Vec::new();
    for item in &policy.items {
        if item.blank_line_before {
            above.clear();
        }
        match &item.kind {
            ast::ItemKind::Comment(c) => above.extend(codes(c)),
            ast::ItemKind::Statement(s) => {
                let mut allowed = std::mem::take(&mut above);
                if let Some(c) = &s.trailing_comment {
                    allowed.extend(codes(c));
                }
                if !allowed.is_empty() {
                    out.push((s.span, allowed));
                }
            }
        }
    }
    out
}

/// Whether a statement allows the warning `d` where it points. `allowed`
/// is sorted by where the statements start, and statements do not
/// overlap: the one that holds the spot is the last that starts at or
/// before it (found in O(log n), so that 100,000 allowed warnings are not
/// 10 billion comparisons).
fn is_allowed(d: &CheckError, allowed: &[(ast::Span, Vec<String>)]) -> bool {
    let (Some(offset), Some(code)) = (primary_offset(d), d.code()) else {
        return false;
    };
    let code = code.to_string();
    let short = code.rsplit("::").next().unwrap_or(&code);
    let from = allowed.partition_point(|(span, _)| span.start <= offset);
    allowed[from.saturating_sub(1)..from]
        .iter()
        .any(|(span, codes)| {
            (span.start..span.end.max(span.start + 1)).contains(&offset)
                && codes.iter().any(|c| c == short)
        })
}

/// Where a diagnostic is about: its primary label, else its first.
fn primary_offset(d: &CheckError) -> Option<usize> {
    let labels: Vec<_> = d.labels()?.collect();
    labels
        .iter()
        .find(|l| l.primary())
        .or(labels.first())
        .map(|l| l.offset())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::parse;

    fn codes(checked: &Checked) -> Vec<String> {
        checked
            .diagnostics
            .iter()
            .map(|d| d.code().map(|c| c.to_string()).unwrap_or_default())
            .collect()
    }

    /// A statement dropped by the parser is never silently missing from the
    /// policy: its syntax error is a diagnostic and no policy is made.
    #[test]
    fn a_rule_that_does_not_parse_leaves_no_policy_and_a_diagnostic() {
        let text = "rule first: when overdue > 1d => email\n\
                    rule second: when fired first and overdue > 10d then call\n";
        let checked = check(&parse(text));
        assert!(checked.policy.is_none());
        assert_eq!(codes(&checked), ["dunning::syntax::unexpected"]);
    }

    #[test]
    fn names_of_broken_statements_are_not_unknown_but_others_are() {
        let text = "attribute risk in [low, high\n\
                    attribute segment in [a, b]\n\
                    rule first: when overdue > 1d => email\n\
                    rule second: when fired first and risk = high then call\n\
                    rule third: when fired frist and segmnt = a then call\n";
        let parsed = parse(text);
        assert_eq!(parsed.broken.rules, ["first"]);
        assert_eq!(parsed.broken.attributes, ["risk"]);
        let checked = check(&parsed);
        assert!(checked.policy.is_none());
        assert_eq!(
            codes(&checked),
            [
                "dunning::syntax::unexpected",
                "dunning::syntax::unexpected",
                "dunning::check::unknown-step",
                "dunning::check::unknown-attribute",
            ]
        );
    }

    #[test]
    fn a_comment_allows_a_warning_on_its_statement_only() {
        let base = "set cooldown = 7d\nwhen overdue > 1d then email\n";
        let warned = check(&parse(&format!("{base}when overdue > 4d then call\n")));
        assert_eq!(codes(&warned), ["dunning::check::within-cooldown"]);
        for allowed in [
            "when overdue > 4d then call # dunning: allow within-cooldown\n",
            "# dunning: allow long-wait, within-cooldown\nwhen overdue > 4d then call\n",
            "when overdue > 4d then call # dunning: allow dunning::check::within-cooldown\n",
        ] {
            let checked = check(&parse(&format!("{base}{allowed}")));
            assert_eq!(codes(&checked), Vec::<String>::new(), "{allowed}");
        }
        for not_allowed in [
            "when overdue > 4d then call # dunning: allow long-wait\n",
            "# dunning: allow within-cooldown\n\nwhen overdue > 4d then call\n",
            "when overdue > 4d then call # allow within-cooldown\n",
        ] {
            let checked = check(&parse(&format!("{base}{not_allowed}")));
            assert_eq!(
                codes(&checked),
                ["dunning::check::within-cooldown"],
                "{not_allowed}"
            );
        }
    }

    #[test]
    fn a_policy_that_checks_has_no_error() {
        let checked = check(&parse("rule first: when overdue > 1d then email\n"));
        assert!(checked.policy.is_some());
        assert!(!checked.has_errors());
    }
}
