//! The long description of every ledger code, for `dunning check
//! --explain CODE`. Same shape as the policy and data codes.

use crate::check::codes::CodeDoc;

/// Finds a code, written `dunning::ledger::busy`, `ledger::busy` or `busy`.
pub(crate) fn find(code: &str) -> Option<&'static CodeDoc> {
    let short = code.strip_prefix("dunning::").unwrap_or(code);
    let short = short.strip_prefix("ledger::").unwrap_or(short);
    CODES
        .iter()
        .find(|c| c.code.strip_prefix("dunning::ledger::") == Some(short))
}

/// The codes of the ledger and of `dunning run`.
pub(crate) const CODES: &[CodeDoc] = &[
    CodeDoc {
        code: "dunning::ledger::io",
        summary: "the ledger file cannot be opened or created",
        explanation: "The path given with --ledger (default `dunning.db`) is a folder, is in a \
folder that does not exist, or cannot be opened. This is a usage error (exit code 2).",
        example: "dunning run policy.dunning --invoices open.csv --date 2025-03-03 --ledger missing/dunning.db",
        fix: "dunning run policy.dunning --invoices open.csv --date 2025-03-03 --ledger dunning.db",
    },
    CodeDoc {
        code: "dunning::ledger::foreign",
        summary: "the file given as ledger is not a dunning ledger",
        explanation: "A ledger is an SQLite database that dunning created (its `application_id` \
is \"DUNN\"). The file given is another program's database, not a database at all (a CSV file, a \
damaged file), and dunning will not write into it. Exit code 2.",
        example: "dunning run policy.dunning --invoices open.csv --date 2025-03-03 --ledger history.csv",
        fix: "dunning run policy.dunning --invoices open.csv --date 2025-03-03 --ledger dunning.db",
    },
    CodeDoc {
        code: "dunning::ledger::too-new",
        summary: "the ledger was written by a newer dunning",
        explanation: "The ledger's schema version (`PRAGMA user_version`) is newer than this \
dunning knows: it would misread the tables. Older ledgers are migrated on opening; newer ones \
need the newer dunning. Exit code 2.",
        example: "dunning run policy.dunning --invoices open.csv --date 2025-03-03  # with dunning 0.1 on a ledger of 0.2",
        fix: "dunning run policy.dunning --invoices open.csv --date 2025-03-03  # with dunning 0.2",
    },
    CodeDoc {
        code: "dunning::ledger::busy",
        summary: "another run holds the ledger",
        explanation: "A run takes the ledger's write lock before it reads the history, and keeps \
it until its actions are recorded, so that two runs at once never both send a step. The second \
waits (--wait, 5 seconds by default) and then fails. Run it again when the first is done: a day \
already recorded is not recorded twice. Exit code 2.",
        example: "dunning run policy.dunning --invoices open.csv --date 2025-03-03 & \
dunning run policy.dunning --invoices open.csv --date 2025-03-03 --wait 0",
        fix: "dunning run policy.dunning --invoices open.csv --date 2025-03-03",
    },
    CodeDoc {
        code: "dunning::ledger::before-last-run",
        summary: "the day is before the ledger's last run",
        explanation: "Running a day before the last recorded one would record actions the later \
run did not know of: it is refused, unless --force says it is meant (a morning forgotten and \
caught up later). The refusal is recorded as a failed run. Exit code 1.",
        example: "dunning run policy.dunning --invoices open.csv --date 2025-03-01  # last run 2025-03-03",
        fix: "dunning run policy.dunning --invoices open.csv --date 2025-03-01 --force",
    },
    CodeDoc {
        code: "dunning::ledger::first-run",
        summary: "a first run would send steps beyond the ladder's first",
        explanation: "With no run and no history in the ledger, every invoice is new to dunning: \
the most advanced step that holds (SPEC rule 5) may be a formal notice or a court action for a \
customer never reminded. The first run therefore refuses a plan with any step beyond the first \
unless told how to start: --start-at-first-step (each invoice begins at the first step that \
holds; later steps follow by the ladder), --catch-up (the most advanced step that holds), or \
`dunning ledger import` of the history already sent. The counts per step are shown either way. \
Exit code 1.",
        example: "dunning run policy.dunning --invoices open.csv --date 2025-03-03",
        fix: "dunning run policy.dunning --invoices open.csv --date 2025-03-03 --start-at-first-step",
    },
    CodeDoc {
        code: "dunning::ledger::unknown-rule",
        summary: "the ledger names rules the policy no longer has",
        explanation: "The history of an invoice still in the export names a rule the policy does \
not have. If the rule was renamed, its step would be sent again under its new name; if it was \
removed, the invoice's ladder would restart. Declare a rename in the policy, `rule relance_2 (was \
second_reminder): …` (the history of `second_reminder` counts as `relance_2`'s; the checker checks \
it), or in the ledger with `dunning ledger rename OLD NEW`. Exit code 1.",
        example: "rule relance_2: when overdue >= 15d then letter  # was `second_reminder`",
        fix: "rule relance_2 (was second_reminder): when overdue >= 15d then letter",
    },
    CodeDoc {
        code: "dunning::ledger::unknown-former-name",
        summary: "the policy declares a former name (`was`) that the ledger never recorded",
        explanation: "`dunning check POLICY --ledger PATH` checks each name after `was` against the \
rules the ledger recorded (with its own renames applied): a name it never recorded renames nothing, \
most often a misspelling, and the run would refuse the real old name or send its step again. Exit \
code 1.",
        example: "rule relance_2 (was second_remider): when overdue >= 15d then letter",
        fix: "rule relance_2 (was second_reminder): when overdue >= 15d then letter",
    },
    CodeDoc {
        code: "dunning::ledger::not-empty",
        summary: "`ledger import` into a ledger that has runs",
        explanation: "An imported history is what was done before dunning kept the ledger: it \
starts a new ledger. Importing into one with runs would mix two histories. Exit code 1.",
        example: "dunning ledger import history.csv --ledger dunning.db  # dunning.db has runs",
        fix: "dunning ledger import history.csv --ledger new.db",
    },
    CodeDoc {
        code: "dunning::ledger::bad-history",
        summary: "a history to import, or the ledger's own, is wrong",
        explanation: "`ledger import` reads the history CSV (the plan's format): the header names \
`date`, `customer_id`, `invoice_id`, `rule` and `action`; each row has a YYYY-MM-DD date, those \
cells filled, and a known action. The message names the line. A run reports its own ledger's rows \
this way when they no longer fit the export (an invoice moved to another customer). Exit code 1.",
        example: "date,customer_id,invoice_id,rule,action\n2025-03-01,C-1,INV-1,first,shout",
        fix: "date,customer_id,invoice_id,rule,action\n2025-03-01,C-1,INV-1,first,email",
    },
    CodeDoc {
        code: "dunning::ledger::bad-mark",
        summary: "a row of `ledger mark` is wrong or names no recorded action",
        explanation: "`dunning ledger mark FILE.csv` records what the mailing or letter service \
reported: the header names `date`, `invoice_id`, `rule` and `status` (and may name `reference` and \
`status_date`); each row names a recorded action by its date, invoice and rule, and a status among \
`sent`, `delivered`, `failed` and `returned`. Nothing of the file is recorded when a row is wrong. \
Exit code 1.",
        example: "date,invoice_id,rule,status,reference\n2025-03-03,INV-1,formal_notice,lost,1A2345",
        fix: "date,invoice_id,rule,status,reference\n2025-03-03,INV-1,formal_notice,returned,1A2345",
    },
    CodeDoc {
        code: "dunning::ledger::bad-rename",
        summary: "`ledger rename` with names that say nothing",
        explanation: "A rename maps a rule name found in the ledger to another name: the two must \
differ, and the old one must be in the ledger. Exit code 1.",
        example: "dunning ledger rename second_reminder second_reminder",
        fix: "dunning ledger rename second_reminder relance_2",
    },
    CodeDoc {
        code: "dunning::ledger::tampered",
        summary: "the ledger's hash chain is broken: it was edited outside dunning",
        explanation: "Each recorded action keeps a SHA-256 hash of the previous action's hash, of \
its run's provenance (time, policy hash, input hashes) and of its own cells. `dunning ledger \
verify` recomputes the chain: an action changed, removed or inserted by another program breaks it \
at that action. The marks (`ledger mark`) have a chain of their own, each mark's hash covering the \
previous mark's, its action and that action's hash, and its cells: a mark changed (a `failed` made \
`delivered`), moved or removed breaks it at that mark. Exit code 1.",
        example: "sqlite3 dunning.db \"UPDATE actions SET action = 'email' WHERE id = 12\"; dunning ledger verify",
        fix: "cp backup/dunning.db dunning.db; dunning ledger verify",
    },
    CodeDoc {
        code: "dunning::ledger::database",
        summary: "SQLite failed (full disk, read-only file)",
        explanation: "The ledger could not be read or written for a reason of the system: the disk \
is full, the file or its folder is read-only, SQLite cannot create its journal beside the ledger \
(`dunning.db-journal`). Nothing was recorded: the transaction was rolled back. Exit code 2.",
        example: "dunning run policy.dunning --invoices open.csv --date 2025-03-03 --ledger /read-only/dunning.db",
        fix: "dunning run policy.dunning --invoices open.csv --date 2025-03-03 --ledger dunning.db",
    },
];
