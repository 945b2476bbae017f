//! AST to checked policy: resolves every name, types every comparison,
//! and reports every problem of the file in one pass. When the policy has
//! no errors, the analysis (`analysis/`) looks for rules that cannot work
//! as the author meant and reports them as warnings.

mod analysis;
pub mod codes;
mod error;
pub(crate) mod names;
mod resolve;

pub use error::CheckError;

use crate::policy::Policy;
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
                if p.rules.is_empty() {
                    diagnostics.push(no_rules(policy));
                } else {
                    diagnostics.extend(analysis::analyze(&p));
                }
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
