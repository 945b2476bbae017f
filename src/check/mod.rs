//! AST to checked policy: resolves every name, types every comparison,
//! and reports every problem of the file in one pass. When the policy has
//! no errors, the analysis (`analysis/`) looks for rules that cannot work
//! as the author meant and reports them as warnings.

mod analysis;
pub mod codes;
mod error;
pub(crate) mod names;
mod resolve;

use std::collections::HashMap;

pub use error::CheckError;

use crate::policy::{self, Policy};
use crate::syntax::ast;

/// The outcome of checking: the policy when it has no errors, and every
/// diagnostic (errors and warnings) in file order.
#[derive(Debug, Clone)]
pub struct Checked {
    pub policy: Option<Policy>,
    pub diagnostics: Vec<CheckError>,
}

impl Checked {
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(|d| !d.is_warning())
    }
}

/// Checks a parsed policy. `source` is the file's text (for line numbers).
/// With `complete == false` (some statements did not parse), only errors
/// are reported: warnings about a partial ladder would be guesses.
pub fn check(policy: &ast::Policy, source: &str, complete: bool) -> Checked {
    let mut resolver = resolve::Resolver::new(source);
    resolver.incomplete = !complete;
    resolver.declare(policy);
    let resolved = resolver.resolve(policy);
    let mut diagnostics = resolver.errors;
    let policy = match resolved {
        Some(p) if diagnostics.is_empty() => {
            if complete {
                diagnostics.extend(analysis::analyze(&p, &resolver.rule_spans, policy));
            }
            Some(p)
        }
        _ => None,
    };
    diagnostics.sort_by_key(|d| primary_offset(d).unwrap_or(usize::MAX));
    Checked {
        policy,
        diagnostics,
    }
}

/// Where a diagnostic is about: its primary label, else its first.
fn primary_offset(d: &CheckError) -> Option<usize> {
    use miette::Diagnostic;
    let labels: Vec<_> = d.labels()?.collect();
    labels
        .iter()
        .find(|l| l.primary())
        .or(labels.first())
        .map(|l| l.offset())
}

/// Where each rule of the checked policy was written.
#[derive(Debug, Clone, Default)]
pub(crate) struct RuleSpans {
    pub rule: Vec<ast::Span>,
    pub condition: Vec<ast::Span>,
    pub action: Vec<ast::Span>,
    /// Where `repeat every N` was written, for rules that repeat.
    pub repeat: Vec<Option<ast::Span>>,
    /// Whether the author named the rule (`rule NAME:`), or it is `rule-N`.
    pub named: Vec<bool>,
    /// Rule name to index, for analysis messages.
    pub by_name: HashMap<String, usize>,
}

impl RuleSpans {
    /// How messages name the `index`-th rule: "rule `first_reminder`", or
    /// "the rule on line 12" for a rule without a name.
    pub(crate) fn describe(&self, policy: &Policy, index: usize) -> String {
        let rule = &policy.rules[index];
        if self.named.get(index).copied().unwrap_or(true) {
            format!("rule `{}`", rule.name)
        } else {
            format!("the rule on line {}", rule.line)
        }
    }

    fn push(&mut self, rule: &ast::RuleStmt, checked: &policy::Rule, index: usize) {
        self.rule.push(rule.span);
        self.condition.push(rule.condition.span);
        self.action.push(rule.action.span);
        self.named.push(rule.name.is_some());
        self.repeat.push(rule.repeat.as_ref().map(|r| r.span));
        self.by_name.insert(checked.name.clone(), index);
    }
}
