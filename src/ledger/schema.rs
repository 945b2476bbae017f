//! The ledger's tables, versioned: `PRAGMA user_version` is the number of
//! migrations applied, `PRAGMA application_id` marks the file as a dunning
//! ledger. Migrations only ever append: a ledger written by any earlier
//! version opens, and is brought up to date in one transaction.

/// `PRAGMA application_id` of a dunning ledger: "DUNN" in ASCII.
pub(crate) const APPLICATION_ID: i64 = 0x4455_4E4E;

/// Each migration, in order: the schema of version `n` is the first `n`.
pub(crate) const MIGRATIONS: &[&str] = &[
    // 1: runs, and the actions each recorded (the history CSV's columns).
    "CREATE TABLE runs (
        id INTEGER PRIMARY KEY,
        kind TEXT NOT NULL CHECK (kind IN ('run', 'import')),
        status TEXT NOT NULL CHECK (status IN ('recorded', 'failed')),
        date TEXT,
        started_at TEXT NOT NULL,
        tool_version TEXT NOT NULL,
        policy_file TEXT NOT NULL DEFAULT '',
        policy_hash TEXT NOT NULL DEFAULT '',
        inputs TEXT NOT NULL DEFAULT '',
        start TEXT NOT NULL DEFAULT '',
        actions INTEGER NOT NULL DEFAULT 0,
        error TEXT
    );
    CREATE UNIQUE INDEX one_recorded_run_a_day ON runs (date)
        WHERE kind = 'run' AND status = 'recorded';
    CREATE TABLE actions (
        id INTEGER PRIMARY KEY,
        run_id INTEGER NOT NULL REFERENCES runs (id),
        date TEXT NOT NULL,
        customer_id TEXT NOT NULL,
        invoice_id TEXT NOT NULL,
        rule TEXT NOT NULL,
        action TEXT NOT NULL,
        template TEXT NOT NULL,
        open_amount TEXT NOT NULL,
        currency TEXT NOT NULL,
        days_overdue TEXT NOT NULL,
        interest TEXT NOT NULL,
        indemnity TEXT NOT NULL,
        reason TEXT NOT NULL
    );
    CREATE INDEX actions_by_invoice ON actions (invoice_id, date);",
    // 2: rule renames (`dunning ledger rename OLD NEW`).
    "CREATE TABLE renames (
        old TEXT PRIMARY KEY,
        new TEXT NOT NULL,
        declared_at TEXT NOT NULL
    );",
    // 3: the hash chain (`dunning ledger verify`): each action's hash
    // covers the previous one's, its run's provenance and its cells. Rows
    // of earlier versions are chained when migrated (`Ledger::migrate`).
    "ALTER TABLE actions ADD COLUMN hash TEXT NOT NULL DEFAULT '';",
    // 4: what the mailing or letter service reported of each action
    // (`dunning ledger mark`); the last mark of an action is its state.
    "CREATE TABLE marks (
        id INTEGER PRIMARY KEY,
        action_id INTEGER NOT NULL REFERENCES actions (id),
        status TEXT NOT NULL CHECK (status IN ('sent', 'delivered', 'failed', 'returned')),
        reference TEXT NOT NULL,
        status_date TEXT NOT NULL,
        marked_at TEXT NOT NULL
    );
    CREATE INDEX marks_by_action ON marks (action_id);",
    // 5: the policy's attribute columns of each action's history row
    // (`ledger export` writes them after the others, as `plan --format csv`
    // does): a JSON array of `[column, value]`; empty for rows before.
    "ALTER TABLE actions ADD COLUMN attributes TEXT NOT NULL DEFAULT '';",
    // 6: marks in the hash chain (`dunning ledger verify`): each mark's
    // hash covers the previous mark's, its action's hash and its cells.
    // Marks of earlier versions are chained when migrated.
    "ALTER TABLE marks ADD COLUMN hash TEXT NOT NULL DEFAULT '';",
    // 7: the attribute columns of each run's history (a JSON array of
    // names, empty without): `ledger export` writes them in its header even
    // when no recorded row carries them (days without actions), as
    // `plan --format csv` and `simulate --actions-out` do.
    "ALTER TABLE runs ADD COLUMN attribute_columns TEXT NOT NULL DEFAULT '';",
];

/// The version this build writes.
pub(crate) const VERSION: i64 = MIGRATIONS.len() as i64;
