//! Proof that a problem was reported.
//!
//! The resolver gives up on a statement by returning `Err(Reported)`. A
//! [`Reported`] can only be made here: by [`Diagnostics::report`], which
//! records a diagnostic, or by [`Diagnostics::declared_by_broken`], when the
//! name is declared by a statement that did not parse (its syntax error is
//! the report). So a statement can never be dropped without a diagnostic
//! saying why, and the checked policy exists only when nothing was.

use super::CheckError;
use crate::syntax::Broken;

/// A problem was reported: the value a resolver that gives up returns.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[must_use]
pub(crate) struct Reported(());

/// The diagnostics of one check, in the order found.
pub(crate) struct Diagnostics<'p> {
    errors: Vec<CheckError>,
    broken: &'p Broken,
    /// The first problem reported, for statements that must fail with it.
    first: Option<Reported>,
}

impl<'p> Diagnostics<'p> {
    /// `broken`: the names that statements which did not parse declare.
    pub(crate) fn new(broken: &'p Broken) -> Self {
        Diagnostics {
            errors: Vec::new(),
            broken,
            first: None,
        }
    }

    /// Records a diagnostic.
    pub(crate) fn report(&mut self, error: CheckError) -> Reported {
        let is_error = !error.is_warning();
        self.errors.push(error);
        let reported = Reported(());
        if is_error {
            self.first.get_or_insert(reported);
        }
        reported
    }

    /// `Err` when a statement that did not parse declares `name` (with
    /// `keyword`: a `rule` or an `attribute`): its syntax error was
    /// reported, and says enough.
    pub(crate) fn declared_by_broken(&self, keyword: Keyword, name: &str) -> Result<(), Reported> {
        let names = match keyword {
            Keyword::Rule => &self.broken.rules,
            Keyword::Attribute => &self.broken.attributes,
        };
        if names.iter().any(|n| n == name) {
            Err(Reported(()))
        } else {
            Ok(())
        }
    }

    /// `Err` when an error was reported: nothing checked can be trusted
    /// whole.
    pub(crate) fn failed(&self) -> Result<(), Reported> {
        match self.first {
            Some(reported) => Err(reported),
            None => Ok(()),
        }
    }

    /// The diagnostics, in the order found.
    pub(crate) fn into_vec(self) -> Vec<CheckError> {
        self.errors
    }
}

/// The statements whose names the resolver looks up.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Keyword {
    Rule,
    Attribute,
}
