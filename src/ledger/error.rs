//! What can go wrong with a ledger or a daily run, each with its stable
//! code (`dunning::ledger::…`, documented in `codes.rs`).

use chrono::NaiveDate;

/// A ledger that cannot be used, or a run it refuses.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, miette::Diagnostic)]
#[non_exhaustive]
pub enum LedgerError {
    /// The file cannot be opened or created.
    #[error("cannot open the ledger `{path}`: {reason}")]
    #[diagnostic(code("dunning::ledger::io"))]
    Io {
        /// The ledger's path.
        path: String,
        /// What the system said.
        reason: String,
    },
    /// The file is not a dunning ledger: another program's database, or not
    /// a database at all (a CSV given as the ledger, a damaged file).
    #[error("`{path}` is not a dunning ledger: {reason}")]
    #[diagnostic(
        code("dunning::ledger::foreign"),
        help("give the ledger's path with --ledger, or a new file name to start one")
    )]
    Foreign {
        /// The file's path.
        path: String,
        /// Why it is not one.
        reason: String,
    },
    /// The ledger was written by a newer dunning.
    #[error(
        "the ledger `{path}` has schema version {found}; this dunning knows versions up to {known}"
    )]
    #[diagnostic(
        code("dunning::ledger::too-new"),
        help("run the newer dunning that wrote it; this one would misread it")
    )]
    TooNew {
        /// The ledger's path.
        path: String,
        /// Its version.
        found: i64,
        /// The newest this build knows.
        known: i64,
    },
    /// Another run holds the ledger.
    #[error("the ledger `{path}` is in use by another run; gave up after {waited}")]
    #[diagnostic(
        code("dunning::ledger::busy"),
        help("wait for the other run to finish, then run again (it records nothing twice)")
    )]
    Busy {
        /// The ledger's path.
        path: String,
        /// How long the run waited: `5 s`, `200 ms`.
        waited: String,
    },
    /// The day is before the last day recorded.
    #[error("cannot run {date}: the ledger's last run is {last}")]
    #[diagnostic(
        code("dunning::ledger::before-last-run"),
        help("run {last} or a later day; --force runs an earlier day anyway")
    )]
    BeforeLastRun {
        /// The day asked.
        date: NaiveDate,
        /// The last day recorded.
        last: NaiveDate,
    },
    /// The first run would send steps beyond the ladder's first.
    #[error(
        "first run: {beyond} of {total} invoices would get a step beyond the first, `{first}` \
         ({counts}); nothing was recorded"
    )]
    #[diagnostic(
        code("dunning::ledger::first-run"),
        help(
            "say how to start: --start-at-first-step (every invoice begins at the first step \
             that holds), --catch-up (each gets the most advanced step that holds), or \
             `dunning ledger import` the history you have"
        )
    )]
    FirstRun {
        /// The ladder's first step.
        first: String,
        /// Invoices of the plan.
        total: usize,
        /// Those at a later step.
        beyond: usize,
        /// Invoices per step: `first_reminder: 12, formal_notice: 52`.
        counts: String,
    },
    /// The ledger names rules the policy no longer has, for invoices
    /// still in the export.
    #[error("the ledger's history names rules the policy does not have: {names}")]
    #[diagnostic(
        code("dunning::ledger::unknown-rule"),
        help(
            "if a rule was renamed, declare it in the policy: `rule NEW (was OLD): …`; \
             otherwise its step would be sent again under its new name"
        )
    )]
    UnknownRule {
        /// The names, quoted and comma-separated.
        names: String,
    },
    /// The policy declares former names (`was`) that the ledger never
    /// recorded (`dunning check --ledger`).
    #[error("the policy's former names are not in the ledger `{path}`: {names}")]
    #[diagnostic(
        code("dunning::ledger::unknown-former-name"),
        help("`was` names a rule as the ledger recorded it (`dunning ledger export` lists them); check the spelling, or remove the name")
    )]
    UnknownFormerName {
        /// The ledger's path.
        path: String,
        /// The names, each with its rule: `` `second` (rule `relance_2`) ``.
        names: String,
    },
    /// `ledger import` into a ledger that already has runs.
    #[error("the ledger `{path}` already has {runs} runs; import takes a history into a new ledger only")]
    #[diagnostic(
        code("dunning::ledger::not-empty"),
        help("import into a new ledger (--ledger new.db)")
    )]
    NotEmpty {
        /// The ledger's path.
        path: String,
        /// Its runs.
        runs: i64,
    },
    /// A history file given to `ledger import`, or the ledger's own
    /// history read back for the invoices of the day, is wrong.
    #[error("{file}:{line}: {message}")]
    #[diagnostic(code("dunning::ledger::bad-history"))]
    BadHistory {
        /// The file (or `ledger` for its own rows).
        file: String,
        /// The line (1 is the header).
        line: usize,
        /// What is wrong.
        message: String,
    },
    /// A row of `ledger mark`'s file is wrong, or names no recorded action.
    #[error("{file}:{line}: {message}")]
    #[diagnostic(
        code("dunning::ledger::bad-mark"),
        help("a row is `date,invoice_id,rule,status[,reference,status_date]`: the date, invoice and rule of a recorded action, and sent, delivered, failed or returned")
    )]
    BadMark {
        /// The file.
        file: String,
        /// The line (1 is the header).
        line: usize,
        /// What is wrong.
        message: String,
    },
    /// `ledger rename` with names that say nothing.
    #[error("cannot rename `{old}` to `{new}`: {reason}")]
    #[diagnostic(code("dunning::ledger::bad-rename"))]
    BadRename {
        /// The old name.
        old: String,
        /// The new name.
        new: String,
        /// Why.
        reason: String,
    },
    /// An action's hash does not follow from the one before: the ledger
    /// was edited outside dunning.
    #[error("the ledger `{path}` was altered: action #{id} ({date}, invoice `{invoice}`) does not match its hash")]
    #[diagnostic(
        code("dunning::ledger::tampered"),
        help("restore the ledger from a backup; every action from #{id} on is unproven")
    )]
    Tampered {
        /// The ledger's path.
        path: String,
        /// The first action whose hash is wrong.
        id: i64,
        /// Its date.
        date: String,
        /// Its invoice.
        invoice: String,
    },
    /// A mark's hash does not follow from the one before, or from its
    /// action's: the ledger was edited outside dunning.
    #[error("the ledger `{path}` was altered: mark #{id} (of action #{action}, invoice `{invoice}`) does not match its hash")]
    #[diagnostic(
        code("dunning::ledger::tampered"),
        help("restore the ledger from a backup; every mark from #{id} on is unproven")
    )]
    TamperedMark {
        /// The ledger's path.
        path: String,
        /// The first mark whose hash is wrong.
        id: i64,
        /// The action it marks.
        action: i64,
        /// Its invoice.
        invoice: String,
    },
    /// SQLite failed in another way (a full disk, a read-only file).
    #[error("the ledger `{path}`: {reason}")]
    #[diagnostic(
        code("dunning::ledger::database"),
        help("SQLite writes a journal beside the ledger (`{path}-journal`): check that the folder is writable, has room, and holds no folder of that name; nothing was recorded")
    )]
    Database {
        /// The ledger's path.
        path: String,
        /// What SQLite said.
        reason: String,
    },
}

impl LedgerError {
    /// The stable code: `dunning::ledger::busy`.
    pub fn code(&self) -> &'static str {
        match self {
            LedgerError::Io { .. } => "dunning::ledger::io",
            LedgerError::Foreign { .. } => "dunning::ledger::foreign",
            LedgerError::TooNew { .. } => "dunning::ledger::too-new",
            LedgerError::Busy { .. } => "dunning::ledger::busy",
            LedgerError::BeforeLastRun { .. } => "dunning::ledger::before-last-run",
            LedgerError::FirstRun { .. } => "dunning::ledger::first-run",
            LedgerError::UnknownRule { .. } => "dunning::ledger::unknown-rule",
            LedgerError::UnknownFormerName { .. } => "dunning::ledger::unknown-former-name",
            LedgerError::NotEmpty { .. } => "dunning::ledger::not-empty",
            LedgerError::BadHistory { .. } => "dunning::ledger::bad-history",
            LedgerError::BadRename { .. } => "dunning::ledger::bad-rename",
            LedgerError::BadMark { .. } => "dunning::ledger::bad-mark",
            LedgerError::Tampered { .. } | LedgerError::TamperedMark { .. } => {
                "dunning::ledger::tampered"
            }
            LedgerError::Database { .. } => "dunning::ledger::database",
        }
    }

    /// Exit code 1 when the inputs were read and found wrong (a refused
    /// run), 2 when the ledger could not be used at all.
    pub fn exit_code(&self) -> u8 {
        match self {
            LedgerError::BeforeLastRun { .. }
            | LedgerError::FirstRun { .. }
            | LedgerError::UnknownRule { .. }
            | LedgerError::UnknownFormerName { .. }
            | LedgerError::NotEmpty { .. }
            | LedgerError::BadHistory { .. }
            | LedgerError::BadRename { .. }
            | LedgerError::Tampered { .. }
            | LedgerError::TamperedMark { .. }
            | LedgerError::BadMark { .. } => 1,
            _ => 2,
        }
    }
}

impl LedgerError {
    /// The error as plain text, as the data errors are written: a line
    /// with its code, then its help.
    pub fn render(&self) -> String {
        let mut out = format!("error[{}]: {self}\n", self.code());
        if let Some(help) = miette::Diagnostic::help(self) {
            out.push_str(&format!("  help: {help}\n"));
        }
        out
    }
}
