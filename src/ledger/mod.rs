//! The daily run's ledger: an embedded SQLite database that holds every
//! run and every action recorded, so that a morning's plan reads what was
//! done from it, records its own actions in the same transaction, and a
//! second run of the same day records nothing.
//!
//! [`Ledger::open`] opens (or creates) one; [`run_day`] plans a day from
//! its history and records it; [`Ledger::export`] writes the history CSV
//! (`plan --history` reads it); [`Ledger::import`] takes an existing one.
//! Locking is SQLite's: a run takes the write lock first (`BEGIN
//! IMMEDIATE`), waits for another run to finish up to a timeout, and fails
//! with [`LedgerError::Busy`] after it. A run killed at any point leaves the
//! ledger as it was before the run or after it (SQLite's journal).

mod codes;
mod error;
mod schema;

pub(crate) use codes::{find, CODES};
pub use error::LedgerError;

use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::NaiveDate;
use rusqlite::{params, Connection, OpenFlags, TransactionBehavior};

use crate::data::{Format, HistoryEntry, Import, Invoice};
use crate::{Plan, Policy, RunData};

/// How a ledger's first run (no run and no history recorded) starts.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Start {
    /// Refuse a plan with any step beyond the ladder's first.
    #[default]
    Refuse,
    /// The SPEC's behaviour: each invoice gets the most advanced step that
    /// holds (`--catch-up`).
    CatchUp,
    /// Each invoice begins at the first step that holds; firmer steps
    /// follow on later days by the ladder (`--start-at-first-step`).
    FirstStep,
}

impl Start {
    /// The name recorded with the run.
    pub fn as_str(self) -> &'static str {
        match self {
            Start::Refuse => "",
            Start::CatchUp => "catch-up",
            Start::FirstStep => "start-at-first-step",
        }
    }
}

/// What produced a run: recorded with it, shown by `ledger log`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Provenance {
    /// The policy file, as given.
    pub policy_file: String,
    /// The SHA-256 of its text.
    pub policy_hash: String,
    /// Each input: its option, its file, and the SHA-256 of its content
    /// (`None` for standard input, read once).
    pub inputs: Vec<(String, String, Option<String>)>,
}

impl Provenance {
    /// The inputs as one text: `--invoices open.csv sha256:…`, a line each.
    fn inputs_text(&self) -> String {
        self.inputs
            .iter()
            .map(|(option, file, hash)| match hash {
                Some(h) => format!("{option} {file} sha256:{h}"),
                None => format!("{option} {file}"),
            })
            .collect::<Vec<_>>()
            .join("\n")
    }
}

/// The SHA-256 of some bytes, in lowercase hexadecimal.
pub fn sha256(bytes: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// What a daily run is asked to do.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Options {
    /// The day.
    pub date: NaiveDate,
    /// Compute and show, record nothing.
    pub dry_run: bool,
    /// Run a day before the last one recorded.
    pub force: bool,
    /// How a first run starts.
    pub start: Start,
}

/// One run, as `ledger log` lists it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RunRecord {
    /// Its number, from 1.
    pub id: i64,
    /// `run` or `import`.
    pub kind: String,
    /// `recorded` or `failed`.
    pub status: String,
    /// The day it ran for (none for an import).
    pub date: Option<String>,
    /// When it ran (UTC, RFC 3339).
    pub started_at: String,
    /// The dunning that ran it.
    pub tool_version: String,
    /// The policy file and the SHA-256 of its text.
    pub policy_file: String,
    /// See `policy_file`.
    pub policy_hash: String,
    /// The inputs, a line each (see [`Provenance`]).
    pub inputs: String,
    /// `catch-up`, `start-at-first-step`, or empty.
    pub start: String,
    /// How many history rows it recorded.
    pub actions: i64,
    /// Why it failed.
    pub error: Option<String>,
}

/// An action of an invoice's story ([`Ledger::invoice`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Story {
    /// The run that recorded it.
    pub run: i64,
    /// Its history row (the cells of [`crate::output::csv::HEADER`] the ledger stores).
    pub cells: Vec<String>,
    /// What the mailing service reported, oldest first: `(status,
    /// reference, date)`.
    pub marks: Vec<(String, String, String)>,
}

/// What [`Ledger::verify`] found: both chains whole.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Verified {
    /// The actions chained.
    pub actions: usize,
    /// The last action's hash (the chain's head, to note elsewhere).
    pub head: String,
    /// The marks chained.
    pub marks: usize,
    /// The last mark's hash (empty without marks).
    pub marks_head: String,
}

/// What [`run_day`] did.
#[derive(Debug)]
pub enum Recorded {
    /// The plan was recorded as this run.
    Now(i64),
    /// The day was already recorded by this run: nothing was recorded; the
    /// plan shown is the day's, computed from the history before it.
    Already(Box<RunRecord>),
    /// `--dry-run`: nothing was recorded.
    DryRun,
}

/// A day's plan and what became of it.
#[derive(Debug)]
pub struct Day<'a> {
    /// The plan (for an already recorded day, as computed from the history
    /// before it: what was recorded if the inputs are the same).
    pub plan: Plan<'a>,
    /// Recorded, already recorded, or not (dry run).
    pub recorded: Recorded,
    /// On a first run, the plan's invoices per step, in ladder order.
    pub first_run: Option<Vec<(String, usize)>>,
}

/// An open ledger.
pub struct Ledger {
    conn: Connection,
    path: PathBuf,
    wait: Duration,
}

impl std::fmt::Debug for Ledger {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Ledger").field("path", &self.path).finish()
    }
}

impl Ledger {
    /// Opens the ledger at `path`, creating it if there is no file there,
    /// and brings its schema up to date. `wait` is how long to wait for a
    /// run holding it.
    pub fn open(path: &Path, wait: Duration) -> Result<Ledger, LedgerError> {
        if path.is_dir() {
            return Err(LedgerError::Io {
                path: path.display().to_string(),
                reason: "it is a folder".into(),
            });
        }
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_CREATE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = Connection::open_with_flags(path, flags).map_err(|e| LedgerError::Io {
            path: path.display().to_string(),
            reason: e.to_string(),
        })?;
        let mut ledger = Ledger {
            conn,
            path: path.to_path_buf(),
            wait,
        };
        ledger.prepare()?;
        ledger.migrate()?;
        Ok(ledger)
    }

    /// Opens an existing ledger to read its history only (`plan --ledger`).
    pub fn open_read_only(path: &Path, wait: Duration) -> Result<Ledger, LedgerError> {
        if !path.is_file() {
            return Err(LedgerError::Io {
                path: path.display().to_string(),
                reason: "no such ledger file".into(),
            });
        }
        let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = Connection::open_with_flags(path, flags).map_err(|e| LedgerError::Io {
            path: path.display().to_string(),
            reason: e.to_string(),
        })?;
        let ledger = Ledger {
            conn,
            path: path.to_path_buf(),
            wait,
        };
        ledger.prepare()?;
        let (_, version) = ledger.identity()?;
        if version == 0 {
            return Err(ledger.foreign("it has no dunning tables"));
        }
        Ok(ledger)
    }

    /// The path it was opened at.
    pub fn path(&self) -> &Path {
        &self.path
    }

    fn name(&self) -> String {
        self.path.display().to_string()
    }

    fn foreign(&self, reason: &str) -> LedgerError {
        LedgerError::Foreign {
            path: self.name(),
            reason: reason.into(),
        }
    }

    /// Turns an SQLite error into the ledger's: a locked file is
    /// [`LedgerError::Busy`], a file that is not a database
    /// [`LedgerError::Foreign`].
    fn error(&self, e: rusqlite::Error) -> LedgerError {
        use rusqlite::ErrorCode;
        match e.sqlite_error_code() {
            Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked) => LedgerError::Busy {
                path: self.name(),
                waited: waited(self.wait),
            },
            Some(ErrorCode::NotADatabase) => self.foreign("the file is not an SQLite database"),
            Some(ErrorCode::DatabaseCorrupt) => self.foreign("the database is damaged"),
            _ => LedgerError::Database {
                path: self.name(),
                reason: e.to_string(),
            },
        }
    }

    fn prepare(&self) -> Result<(), LedgerError> {
        self.conn
            .busy_timeout(self.wait)
            .map_err(|e| self.error(e))?;
        Ok(())
    }

    /// `(application_id, user_version)`, read in one statement (one
    /// snapshot: another process may be creating the ledger).
    fn identity(&self) -> Result<(i64, i64), LedgerError> {
        let (id, version) = read_identity(&self.conn).map_err(|e| self.error(e))?;
        self.check_identity(id, version)?;
        Ok((id, version))
    }

    fn check_identity(&self, id: i64, version: i64) -> Result<(), LedgerError> {
        if id != schema::APPLICATION_ID && !(id == 0 && version == 0) {
            return Err(self.foreign("another program's database"));
        }
        if version > schema::VERSION {
            return Err(LedgerError::TooNew {
                path: self.name(),
                found: version,
                known: schema::VERSION,
            });
        }
        Ok(())
    }

    /// Applies the migrations the file lacks, in one transaction that
    /// holds the write lock (two runs creating the ledger at once: the
    /// second finds it made).
    fn migrate(&mut self) -> Result<(), LedgerError> {
        let (_, version) = self.identity()?;
        if version == schema::VERSION {
            return Ok(());
        }
        let (path, wait) = (self.path.clone(), self.wait);
        let err = |e| error_of(&path, wait, e);
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(err)?;
        let (id, now) = read_identity(&tx).map_err(err)?;
        let foreign = || LedgerError::Foreign {
            path: path.display().to_string(),
            reason: "another program's database".into(),
        };
        if id != schema::APPLICATION_ID && !(id == 0 && now == 0) {
            return Err(foreign());
        }
        if now == 0 {
            let tables: i64 = tx
                .query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get(0))
                .map_err(err)?;
            if tables > 0 {
                return Err(foreign());
            }
        }
        for (n, sql) in schema::MIGRATIONS.iter().enumerate().skip(now as usize) {
            tx.execute_batch(sql)
                .and_then(|()| tx.pragma_update(None, "user_version", n as i64 + 1))
                .map_err(err)?;
        }
        tx.pragma_update(None, "application_id", schema::APPLICATION_ID)
            .and_then(|()| chain(&tx, true).map(|_| ()))
            .and_then(|()| mark_chain(&tx, true).map(|_| ()))
            .and_then(|()| tx.commit())
            .map_err(err)
    }

    /// Every run, oldest first.
    pub fn runs(&self) -> Result<Vec<RunRecord>, LedgerError> {
        runs(&self.conn, "1 = 1", []).map_err(|e| self.error(e))
    }

    /// Writes the history CSV of every recorded action (the plan's
    /// format: [`crate::output::csv::HEADER`]), by date then as recorded.
    pub fn export(&self, out: impl std::io::Write) -> Result<(), LedgerError> {
        let (rows, known) = rows(&self.conn, None, None)
            .and_then(|rows| Ok((rows, run_columns(&self.conn)?)))
            .map_err(|e| self.error(e))?;
        write_rows(&known, &rows, out).map_err(|e| LedgerError::Database {
            path: self.name(),
            reason: format!("cannot write the history: {e}"),
        })
    }

    /// The history of the invoices given, for a plan (`plan --ledger`):
    /// renamed rules under their new names.
    pub fn history(&self, invoices: &[Invoice]) -> Result<Vec<HistoryEntry>, LedgerError> {
        history(&self.conn, invoices, None).map_err(|e| self.unwrap_history(e))
    }

    /// Every action recorded for one invoice (failed sends too), with its
    /// run and marks, oldest first.
    pub fn invoice(&self, invoice_id: &str) -> Result<Vec<Story>, LedgerError> {
        story(&self.conn, invoice_id).map_err(|e| self.error(e))
    }

    /// Records what the mailing or letter service reported of actions (a
    /// CSV: `date,invoice_id,rule,status[,reference,status_date]`), all rows
    /// or none. Gives the number of rows recorded.
    pub fn mark(&mut self, file: &str, bytes: &[u8]) -> Result<usize, LedgerError> {
        let bad = |line: usize, message: String| LedgerError::BadMark {
            file: file.into(),
            line,
            message,
        };
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .from_reader(bytes);
        let mut records = reader.records();
        let header: Vec<String> = match records.next() {
            None => return Ok(0),
            Some(r) => r
                .map_err(|e| bad(1, e.to_string()))?
                .iter()
                .map(|h| h.trim().trim_start_matches('\u{feff}').to_string())
                .collect(),
        };
        let column = |name: &str| header.iter().position(|h| h == name);
        let required = ["date", "invoice_id", "rule", "status"];
        let mut at = Vec::new();
        for name in required {
            at.push(
                column(name).ok_or_else(|| bad(1, format!("the header has no `{name}` column")))?,
            );
        }
        let (reference, status_date) = (column("reference"), column("status_date"));
        let (path, wait) = (self.path.clone(), self.wait);
        let err = |e| error_of(&path, wait, e);
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(err)?;
        let mut n = 0;
        for (i, record) in records.enumerate() {
            let line = i + 2;
            let record = record.map_err(|e| bad(line, e.to_string()))?;
            let cell = |p: usize| record.get(p).unwrap_or("").trim();
            let date = crate::data::parse_date(cell(at[0]))
                .map_err(|e| bad(line, format!("`date`: {e}")))?;
            let status = cell(at[3]);
            if !["sent", "delivered", "failed", "returned"].contains(&status) {
                return Err(bad(line, format!("unknown status `{status}`")));
            }
            let status_date = match status_date.map(cell).filter(|c| !c.is_empty()) {
                Some(d) => crate::data::parse_date(d)
                    .map_err(|e| bad(line, format!("`status_date`: {e}")))?
                    .to_string(),
                None => date.to_string(),
            };
            let action: Option<i64> = tx
                .query_row(
                    "SELECT id FROM actions WHERE date = ?1 AND invoice_id = ?2 AND rule = ?3 \
                     ORDER BY id DESC LIMIT 1",
                    params![date.to_string(), cell(at[1]), cell(at[2])],
                    |r| r.get(0),
                )
                .or_else(|e| match e {
                    rusqlite::Error::QueryReturnedNoRows => Ok(None),
                    e => Err(e),
                })
                .map_err(err)?;
            let Some(action) = action else {
                return Err(bad(
                    line,
                    format!(
                        "no action of rule `{}` for invoice `{}` on {date} in the ledger",
                        cell(at[2]),
                        cell(at[1])
                    ),
                ));
            };
            let cells = [
                status.to_string(),
                reference.map_or("", cell).to_string(),
                status_date,
                now(),
            ];
            let hash = next_mark_hash(&tx, action, &cells).map_err(err)?;
            tx.execute(
                "INSERT INTO marks (action_id, status, reference, status_date, marked_at, hash) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![action, cells[0], cells[1], cells[2], cells[3], hash],
            )
            .map_err(err)?;
            n += 1;
        }
        tx.commit().map_err(err)?;
        Ok(n)
    }

    /// Takes an existing history CSV into a ledger without runs: the first
    /// run then continues it. Gives the number of rows taken.
    pub fn import(
        &mut self,
        file: &str,
        bytes: &[u8],
        provenance: &Provenance,
    ) -> Result<usize, LedgerError> {
        let (parsed, columns) = parse_history(file, bytes)?;
        let (path, wait) = (self.path.clone(), self.wait);
        let err = |e| error_of(&path, wait, e);
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(err)?;
        let runs: i64 = tx
            .query_row("SELECT count(*) FROM runs", [], |r| r.get(0))
            .map_err(err)?;
        if runs > 0 {
            return Err(LedgerError::NotEmpty {
                path: path.display().to_string(),
                runs,
            });
        }
        let id = insert_run(
            &tx,
            "import",
            "recorded",
            None,
            provenance,
            "",
            parsed.len(),
            None,
            &columns.iter().map(String::as_str).collect::<Vec<_>>(),
        )
        .map_err(err)?;
        insert_rows(&tx, id, &parsed).map_err(err)?;
        tx.commit().map_err(err)?;
        Ok(parsed.len())
    }

    /// Declares that rule `old` is now named `new`: its history counts as
    /// `new`'s (the step is not sent again).
    pub fn rename(&mut self, old: &str, new: &str) -> Result<(), LedgerError> {
        let bad = |reason: &str| LedgerError::BadRename {
            old: old.into(),
            new: new.into(),
            reason: reason.into(),
        };
        if old == new || old.is_empty() || new.is_empty() {
            return Err(bad("the names must differ and not be empty"));
        }
        let (path, wait) = (self.path.clone(), self.wait);
        let err = |e| error_of(&path, wait, e);
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(err)?;
        let used: i64 = tx
            .query_row("SELECT count(*) FROM actions WHERE rule = ?1", [old], |r| {
                r.get(0)
            })
            .map_err(err)?;
        if used == 0 {
            return Err(bad("the ledger has no action of a rule so named"));
        }
        tx.execute(
            "INSERT OR REPLACE INTO renames (old, new, declared_at) VALUES (?1, ?2, ?3)",
            params![old, new, now()],
        )
        .and_then(|_| tx.commit())
        .map_err(err)
    }

    /// The former names (`was`) of the policy's rules that name no rule
    /// the ledger recorded (its own renames applied):
    /// [`LedgerError::UnknownFormerName`] lists them.
    pub fn check_former_names(&self, policy: &Policy) -> Result<(), LedgerError> {
        let recorded = recorded_rules(&self.conn).map_err(|e| self.error(e))?;
        let unknown: Vec<String> = policy
            .rules
            .iter()
            .flat_map(|r| r.was.iter().map(move |w| (w, &r.name)))
            .filter(|(w, _)| !recorded.contains(w.as_str()))
            .map(|(w, rule)| format!("`{w}` (rule `{rule}`)"))
            .collect();
        if unknown.is_empty() {
            return Ok(());
        }
        Err(LedgerError::UnknownFormerName {
            path: self.name(),
            names: unknown.join(", "),
        })
    }

    /// Checks the hash chains of every action and every mark: how many
    /// each holds and its head, or [`LedgerError::Tampered`] at the first
    /// action that does not match ([`LedgerError::TamperedMark`], mark).
    pub fn verify(&self) -> Result<Verified, LedgerError> {
        let (actions, head) = match chain(&self.conn, false).map_err(|e| self.error(e))? {
            Ok(head) => head,
            Err(id) => {
                let (date, invoice) = self
                    .conn
                    .query_row(
                        "SELECT date, invoice_id FROM actions WHERE id = ?1",
                        [id],
                        |r| Ok((r.get(0)?, r.get(1)?)),
                    )
                    .map_err(|e| self.error(e))?;
                return Err(LedgerError::Tampered {
                    path: self.name(),
                    id,
                    date,
                    invoice,
                });
            }
        };
        let (marks, marks_head) = match mark_chain(&self.conn, false).map_err(|e| self.error(e))? {
            Ok(head) => head,
            Err(id) => {
                let (action, invoice) = self
                    .conn
                    .query_row(
                        "SELECT m.action_id, coalesce(a.invoice_id, '') FROM marks m \
                         LEFT JOIN actions a ON a.id = m.action_id WHERE m.id = ?1",
                        [id],
                        |r| Ok((r.get(0)?, r.get(1)?)),
                    )
                    .map_err(|e| self.error(e))?;
                return Err(LedgerError::TamperedMark {
                    path: self.name(),
                    id,
                    action,
                    invoice,
                });
            }
        };
        Ok(Verified {
            actions,
            head,
            marks,
            marks_head,
        })
    }

    /// Records a run that failed before it could plan (its inputs could not
    /// be read, it was refused): `ledger log` shows it.
    pub fn record_failure(
        &mut self,
        date: NaiveDate,
        provenance: &Provenance,
        error: &str,
    ) -> Result<i64, LedgerError> {
        let (path, wait) = (self.path.clone(), self.wait);
        let err = |e| error_of(&path, wait, e);
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(err)?;
        let id = insert_run(
            &tx,
            "run",
            "failed",
            Some(date),
            provenance,
            "",
            0,
            Some(error),
            &[],
        )
        .map_err(err)?;
        tx.commit().map_err(err)?;
        Ok(id)
    }

    fn unwrap_history(&self, e: HistoryError) -> LedgerError {
        match e {
            HistoryError::Sql(e) => self.error(e),
            HistoryError::Ledger(e) => e,
        }
    }
}

/// A wait in words: `5 s`, `200 ms`.
fn waited(wait: Duration) -> String {
    if wait.subsec_millis() == 0 {
        format!("{} s", wait.as_secs())
    } else {
        format!("{} ms", wait.as_millis())
    }
}

fn read_identity(conn: &Connection) -> rusqlite::Result<(i64, i64)> {
    conn.query_row(
        "SELECT (SELECT application_id FROM pragma_application_id), \
         (SELECT user_version FROM pragma_user_version)",
        [],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )
}

fn error_of(path: &Path, wait: Duration, e: rusqlite::Error) -> LedgerError {
    let ledger_path = path.display().to_string();
    use rusqlite::ErrorCode;
    match e.sqlite_error_code() {
        Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked) => LedgerError::Busy {
            path: ledger_path,
            waited: waited(wait),
        },
        Some(ErrorCode::NotADatabase | ErrorCode::DatabaseCorrupt) => LedgerError::Foreign {
            path: ledger_path,
            reason: "the file is not an SQLite database, or is damaged".into(),
        },
        _ => LedgerError::Database {
            path: ledger_path,
            reason: e.to_string(),
        },
    }
}

/// Plans `options.date` from the ledger's history and records it, in one
/// transaction holding the ledger's write lock; see the README's "Every
/// morning" for the rules (same day twice, an earlier day, first run).
pub fn run_day<'a>(
    ledger: &mut Ledger,
    policy: &'a Policy,
    data: RunData<'a, '_>,
    options: Options,
    provenance: &Provenance,
) -> Result<Day<'a>, LedgerError> {
    let (path, wait) = (ledger.path.clone(), ledger.wait);
    let err = |e| error_of(&path, wait, e);
    let from_history = |e: HistoryError| match e {
        HistoryError::Sql(e) => error_of(&path, wait, e),
        HistoryError::Ledger(e) => e,
    };
    let date = options.date;
    let tx = ledger
        .conn
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .map_err(err)?;
    let day = date.to_string();
    let done = runs(
        &tx,
        "kind = 'run' AND status = 'recorded' AND date = ?1",
        [day.as_str()],
    )
    .map_err(err)?;
    if let Some(run) = done.into_iter().next() {
        let history = history(&tx, data.invoices, Some(date)).map_err(from_history)?;
        let first_step = run.start == Start::FirstStep.as_str();
        let plan = plan_with(policy, data, &history, date, first_step);
        return Ok(Day {
            plan,
            recorded: Recorded::Already(Box::new(run)),
            first_run: None,
        });
    }
    let last: Option<String> = tx
        .query_row(
            "SELECT max(date) FROM runs WHERE kind = 'run' AND status = 'recorded'",
            [],
            |r| r.get(0),
        )
        .map_err(err)?;
    if let Some(last) = last.and_then(|d| d.parse::<NaiveDate>().ok()) {
        if date < last && !options.force {
            return Err(LedgerError::BeforeLastRun { date, last });
        }
    }
    let history = history(&tx, data.invoices, None).map_err(from_history)?;
    unknown_rules(policy, &history, data.invoices)?;
    let recorded: i64 = tx
        .query_row(
            "SELECT count(*) FROM runs WHERE status = 'recorded'",
            [],
            |r| r.get(0),
        )
        .map_err(err)?;
    let first = recorded == 0;
    let first_step = first && options.start == Start::FirstStep;
    let plan = plan_with(policy, data, &history, date, first_step);
    let first_run = first.then(|| steps(policy, &plan));
    if let (true, Start::Refuse, Some(counts)) = (first, options.start, &first_run) {
        refuse_beyond_first(policy, counts)?;
    }
    if options.dry_run {
        return Ok(Day {
            plan,
            recorded: Recorded::DryRun,
            first_run,
        });
    }
    let rows = plan_rows(policy, &plan);
    let id = insert_run(
        &tx,
        "run",
        "recorded",
        Some(date),
        provenance,
        if first { options.start.as_str() } else { "" },
        rows.len(),
        None,
        &crate::output::csv::attribute_columns(policy),
    )
    .and_then(|id| insert_rows(&tx, id, &rows).map(|()| id))
    .and_then(|id| tx.commit().map(|()| id))
    .map_err(err)?;
    Ok(Day {
        plan,
        recorded: Recorded::Now(id),
        first_run,
    })
}

/// The day's plan (SPEC section 4), or with invoices never reminded
/// starting at the first step that holds.
fn plan_with<'a>(
    policy: &'a Policy,
    data: RunData<'a, '_>,
    history: &[HistoryEntry],
    date: NaiveDate,
    first_step: bool,
) -> Plan<'a> {
    let mut run = crate::eval::Run::new(policy, data);
    run.start_at_first_step = first_step;
    let state = crate::eval::State::from_history(&run, history, date);
    crate::eval::plan::plan_day(&run, &state, date)
}

/// The plan's invoices per step, in ladder order.
fn steps(policy: &Policy, plan: &Plan<'_>) -> Vec<(String, usize)> {
    policy
        .rules
        .iter()
        .map(|rule| {
            let n = plan
                .actions
                .iter()
                .flat_map(|a| &a.invoices)
                .filter(|l| l.rule == rule.name)
                .count();
            (rule.name.clone(), n)
        })
        .filter(|(_, n)| *n > 0)
        .collect()
}

/// A first run without a choice: only the first step of each ladder (the
/// open invoices', the claim rules') may fire.
fn refuse_beyond_first(policy: &Policy, counts: &[(String, usize)]) -> Result<(), LedgerError> {
    let first_open = policy.rules.iter().find(|r| !r.is_claim());
    let first_claim = policy.rules.iter().find(|r| r.is_claim());
    let is_first = |name: &str| {
        first_open.is_some_and(|r| r.name == name) || first_claim.is_some_and(|r| r.name == name)
    };
    let total: usize = counts.iter().map(|(_, n)| n).sum();
    let beyond: usize = counts
        .iter()
        .filter(|(name, _)| !is_first(name))
        .map(|(_, n)| n)
        .sum();
    if beyond == 0 {
        return Ok(());
    }
    Err(LedgerError::FirstRun {
        first: first_open.map_or_else(String::new, |r| r.name.clone()),
        total,
        beyond,
        counts: counts
            .iter()
            .map(|(name, n)| format!("{name}: {n}"))
            .collect::<Vec<_>>()
            .join(", "),
    })
}

/// Rules the history names for invoices of the export that the policy
/// does not have, under their names or as former names (`was`; the
/// ledger's own renames are already applied).
fn unknown_rules(
    policy: &Policy,
    history: &[HistoryEntry],
    invoices: &[Invoice],
) -> Result<(), LedgerError> {
    let open: std::collections::HashSet<&str> = invoices.iter().map(|i| i.id.as_str()).collect();
    let mut names: Vec<&str> = history
        .iter()
        .filter(|e| open.contains(e.invoice_id.as_str()))
        .map(|e| e.rule.as_str())
        .filter(|name| policy.rule_index(name).is_none())
        .collect();
    names.sort_unstable();
    names.dedup();
    if names.is_empty() {
        return Ok(());
    }
    Err(LedgerError::UnknownRule {
        names: names
            .iter()
            .map(|n| format!("`{n}`"))
            .collect::<Vec<_>>()
            .join(", "),
    })
}

/// How many of the history CSV's columns (`output::csv::HEADER`, from its
/// first) the ledger stores: those of its schema. Later columns
/// (`indemnity_currency`) are not recorded, nor hashed; the attribute
/// columns are, as one last cell ([`attributes_cell`]).
const STORED: usize = 12;

/// The plan as history rows: the ledger's [`STORED`] cells of what
/// `plan --format csv` writes, then the attribute columns' as one cell.
fn plan_rows(policy: &Policy, plan: &Plan<'_>) -> Vec<Vec<String>> {
    let columns = crate::output::csv::attribute_columns(policy);
    let mut buf = Vec::new();
    if crate::output::csv::write_for(&columns, &plan.actions, &mut buf).is_err() {
        return Vec::new();
    }
    let fixed = crate::output::csv::HEADER.len();
    let mut reader = csv::Reader::from_reader(buf.as_slice());
    reader
        .records()
        .filter_map(Result::ok)
        .map(|r| {
            let mut row: Vec<String> = r.iter().take(STORED).map(str::to_string).collect();
            let values = r.iter().skip(fixed);
            row.push(attributes_cell(columns.iter().copied().zip(values)));
            row
        })
        .collect()
}

/// The attribute columns of a row as stored: a JSON array of `[column,
/// value]` (empty without attributes).
fn attributes_cell<'a>(pairs: impl Iterator<Item = (&'a str, &'a str)>) -> String {
    let pairs: Vec<(&str, &str)> = pairs.collect();
    if pairs.is_empty() {
        return String::new();
    }
    serde_json::to_string(&pairs).unwrap_or_default()
}

/// The pairs of an [`attributes_cell`].
fn attribute_pairs(cell: &str) -> Vec<(String, String)> {
    if cell.is_empty() {
        return Vec::new();
    }
    serde_json::from_str(cell).unwrap_or_default()
}

fn now() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    chrono::DateTime::from_timestamp(secs as i64, 0)
        .map_or_else(String::new, |t| t.format("%Y-%m-%dT%H:%M:%SZ").to_string())
}

#[allow(clippy::too_many_arguments)]
fn insert_run(
    conn: &Connection,
    kind: &str,
    status: &str,
    date: Option<NaiveDate>,
    provenance: &Provenance,
    start: &str,
    actions: usize,
    error: Option<&str>,
    columns: &[&str],
) -> rusqlite::Result<i64> {
    let columns = if columns.is_empty() {
        String::new()
    } else {
        serde_json::to_string(columns).unwrap_or_default()
    };
    conn.execute(
        "INSERT INTO runs (kind, status, date, started_at, tool_version, policy_file, \
         policy_hash, inputs, start, actions, error, attribute_columns) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
        params![
            kind,
            status,
            date.map(|d| d.to_string()),
            now(),
            env!("CARGO_PKG_VERSION"),
            provenance.policy_file,
            provenance.policy_hash,
            provenance.inputs_text(),
            start,
            actions as i64,
            error,
            columns,
        ],
    )?;
    Ok(conn.last_insert_rowid())
}

const COLUMNS: &str = "date, customer_id, invoice_id, rule, action, template, open_amount, \
                       currency, days_overdue, interest, indemnity, reason";

fn insert_rows(conn: &Connection, run: i64, rows: &[Vec<String>]) -> rusqlite::Result<()> {
    let mut previous: String = conn
        .query_row(
            "SELECT hash FROM actions ORDER BY id DESC LIMIT 1",
            [],
            |r| r.get(0),
        )
        .or_else(|e| match e {
            rusqlite::Error::QueryReturnedNoRows => Ok(String::new()),
            e => Err(e),
        })?;
    let provenance = run_provenance(conn, run)?;
    let mut insert = conn.prepare(&format!(
        "INSERT INTO actions (run_id, {COLUMNS}, attributes, hash) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)"
    ))?;
    for row in rows {
        let cell = |i: usize| row.get(i).map_or("", String::as_str);
        let hash = link(&previous, run, &provenance, row);
        insert.execute(params![
            run,
            cell(0),
            cell(1),
            cell(2),
            cell(3),
            cell(4),
            cell(5),
            cell(6),
            cell(7),
            cell(8),
            cell(9),
            cell(10),
            cell(11),
            cell(12),
            hash,
        ])?;
        previous = hash;
    }
    Ok(())
}

/// What of a run its actions' hashes cover: when it ran and what produced
/// it.
fn run_provenance(conn: &Connection, run: i64) -> rusqlite::Result<String> {
    conn.query_row(
        "SELECT kind, started_at, tool_version, policy_file, policy_hash, inputs, start \
         FROM runs WHERE id = ?1",
        [run],
        |r| {
            let mut fields = Vec::with_capacity(7);
            for i in 0..7 {
                fields.push(r.get::<_, String>(i)?);
            }
            Ok(fields.join("\u{1f}"))
        },
    )
}

/// One link of the chain: the SHA-256 of the previous hash, the run, its
/// provenance and the action's cells (the history's twelve, then the
/// attributes' cell when it is not empty: rows before schema version 5
/// keep their hashes), separated by a unit separator.
fn link(previous: &str, run: i64, provenance: &str, cells: &[String]) -> String {
    let mut text = format!("{previous}\u{1e}{run}\u{1e}{provenance}\u{1e}");
    let fixed = STORED;
    let end = match cells.get(fixed) {
        Some(attributes) if !attributes.is_empty() => fixed + 1,
        _ => fixed.min(cells.len()),
    };
    text.push_str(&cells[..end].join("\u{1f}"));
    sha256(text.as_bytes())
}

/// The attributes column in a SELECT: `''` in a ledger before version 5
/// (a read-only one is not migrated).
fn attributes_column(conn: &Connection) -> rusqlite::Result<&'static str> {
    let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    Ok(if version >= 5 { "attributes" } else { "''" })
}

/// Walks the chain in the order of recording. With `fill`, actions without
/// a hash (recorded before schema version 3) get theirs; otherwise the
/// first action whose hash is wrong is returned. Gives the number of
/// actions and the last hash, or the id of the first wrong one.
fn chain(conn: &Connection, fill: bool) -> rusqlite::Result<Result<(usize, String), i64>> {
    let attributes = attributes_column(conn)?;
    let mut select = conn.prepare(&format!(
        "SELECT id, run_id, {COLUMNS}, {attributes}, hash FROM actions ORDER BY id"
    ))?;
    let rows: Vec<(i64, i64, Vec<String>, String)> = select
        .query_map([], |r| {
            let mut cells = Vec::with_capacity(13);
            for i in 2..=14 {
                cells.push(r.get::<_, String>(i)?);
            }
            Ok((r.get(0)?, r.get(1)?, cells, r.get(15)?))
        })?
        .collect::<rusqlite::Result<_>>()?;
    let mut previous = String::new();
    let mut provenances: std::collections::HashMap<i64, String> = Default::default();
    for (id, run, cells, hash) in &rows {
        let provenance = match provenances.get(run) {
            Some(p) => p.clone(),
            None => {
                let p = run_provenance(conn, *run).unwrap_or_default();
                provenances.insert(*run, p.clone());
                p
            }
        };
        let expected = link(&previous, *run, &provenance, cells);
        if fill && hash.is_empty() {
            conn.execute(
                "UPDATE actions SET hash = ?1 WHERE id = ?2",
                params![expected, id],
            )?;
        } else if *hash != expected {
            return Ok(Err(*id));
        }
        previous = expected;
    }
    Ok(Ok((rows.len(), previous)))
}

/// The hash of a mark of `action` with `cells` (status, reference, status
/// date, time marked) recorded after the last mark.
fn next_mark_hash(conn: &Connection, action: i64, cells: &[String]) -> rusqlite::Result<String> {
    let previous: String = conn
        .query_row("SELECT hash FROM marks ORDER BY id DESC LIMIT 1", [], |r| {
            r.get(0)
        })
        .or_else(|e| match e {
            rusqlite::Error::QueryReturnedNoRows => Ok(String::new()),
            e => Err(e),
        })?;
    let action_hash: String =
        conn.query_row("SELECT hash FROM actions WHERE id = ?1", [action], |r| {
            r.get(0)
        })?;
    Ok(mark_link(&previous, action, &action_hash, cells))
}

/// One link of the marks' chain: the SHA-256 of the previous mark's hash,
/// the action marked and its hash (a mark moved to another action, or an
/// action rewritten, breaks it), and the mark's cells.
fn mark_link(previous: &str, action: i64, action_hash: &str, cells: &[String]) -> String {
    let text = format!(
        "{previous}\u{1e}mark\u{1e}{action}\u{1e}{action_hash}\u{1e}{}",
        cells.join("\u{1f}")
    );
    sha256(text.as_bytes())
}

/// Walks the marks' chain in the order of recording, as [`chain`] walks
/// the actions'. A ledger before version 6 has no marks' chain: nothing
/// to check.
fn mark_chain(conn: &Connection, fill: bool) -> rusqlite::Result<Result<(usize, String), i64>> {
    let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    if version < 6 {
        return Ok(Ok((0, String::new())));
    }
    let mut select = conn.prepare(
        "SELECT m.id, m.action_id, coalesce(a.hash, ''), m.status, m.reference, \
         m.status_date, m.marked_at, m.hash FROM marks m \
         LEFT JOIN actions a ON a.id = m.action_id ORDER BY m.id",
    )?;
    type Row = (i64, i64, String, Vec<String>, String);
    let rows: Vec<Row> = select
        .query_map([], |r| {
            let mut cells = Vec::with_capacity(4);
            for i in 3..=6 {
                cells.push(r.get::<_, String>(i)?);
            }
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, cells, r.get(7)?))
        })?
        .collect::<rusqlite::Result<_>>()?;
    let mut previous = String::new();
    for (id, action, action_hash, cells, hash) in &rows {
        let expected = mark_link(&previous, *action, action_hash, cells);
        if fill && hash.is_empty() {
            conn.execute(
                "UPDATE marks SET hash = ?1 WHERE id = ?2",
                params![expected, id],
            )?;
        } else if *hash != expected {
            return Ok(Err(*id));
        }
        previous = expected;
    }
    Ok(Ok((rows.len(), previous)))
}

/// The recorded rows (dated before `before`, of one invoice), by date then
/// as recorded: `(run, cells)`.
fn rows(
    conn: &Connection,
    before: Option<NaiveDate>,
    invoice: Option<&str>,
) -> rusqlite::Result<Vec<(i64, Vec<String>)>> {
    let before = before.map_or_else(|| "9999-99-99".to_string(), |d| d.to_string());
    let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    // An action whose last mark says it failed or came back is not done:
    // the history leaves it out, so the next run plans its step again.
    let done = if version >= 4 {
        "AND coalesce((SELECT status FROM marks m WHERE m.action_id = actions.id \
         ORDER BY m.id DESC LIMIT 1), '') NOT IN ('failed', 'returned')"
    } else {
        ""
    };
    let attributes = attributes_column(conn)?;
    let mut select = conn.prepare(&format!(
        "SELECT run_id, {COLUMNS}, {attributes} FROM actions \
         WHERE date < ?1 AND (?2 IS NULL OR invoice_id = ?2) {done} ORDER BY date, id"
    ))?;
    let rows = select.query_map(params![before, invoice], |r| {
        let mut cells = Vec::with_capacity(13);
        for i in 1..=13 {
            cells.push(r.get::<_, String>(i)?);
        }
        Ok((r.get::<_, i64>(0)?, cells))
    })?;
    rows.collect()
}

/// The attribute columns the runs recorded (schema version 7), each once,
/// oldest run first.
fn run_columns(conn: &Connection) -> rusqlite::Result<Vec<String>> {
    let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    if version < 7 {
        return Ok(Vec::new());
    }
    let mut select = conn
        .prepare("SELECT attribute_columns FROM runs WHERE attribute_columns != '' ORDER BY id")?;
    let cells = select.query_map([], |r| r.get::<_, String>(0))?;
    let mut columns: Vec<String> = Vec::new();
    for cell in cells {
        let names: Vec<String> = serde_json::from_str(&cell?).unwrap_or_default();
        for name in names {
            if !columns.contains(&name) {
                columns.push(name);
            }
        }
    }
    Ok(columns)
}

/// Every action of an invoice, done or not, with its marks.
fn story(conn: &Connection, invoice: &str) -> rusqlite::Result<Vec<Story>> {
    let mut select = conn.prepare(&format!(
        "SELECT id, run_id, {COLUMNS} FROM actions WHERE invoice_id = ?1 ORDER BY date, id"
    ))?;
    let actions: Vec<(i64, i64, Vec<String>)> = select
        .query_map([invoice], |r| {
            let mut cells = Vec::with_capacity(12);
            for i in 2..=13 {
                cells.push(r.get::<_, String>(i)?);
            }
            Ok((r.get(0)?, r.get(1)?, cells))
        })?
        .collect::<rusqlite::Result<_>>()?;
    let mut marks = conn.prepare(
        "SELECT status, reference, status_date FROM marks WHERE action_id = ?1 ORDER BY id",
    )?;
    let mut out = Vec::new();
    for (id, run, cells) in actions {
        let marked = marks
            .query_map([id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
            .collect::<rusqlite::Result<_>>()?;
        out.push(Story {
            run,
            cells,
            marks: marked,
        });
    }
    Ok(out)
}

/// The history CSV of the rows: the header's twelve columns, then the
/// attribute columns of the runs (`known`, oldest run first) and those
/// the rows carry, in the order they first come (a ledger of one policy:
/// its attribute columns, as `plan --format csv` writes them, rows or
/// not); a row without one has it empty.
fn write_rows(
    known: &[String],
    rows: &[(i64, Vec<String>)],
    out: impl std::io::Write,
) -> csv::Result<()> {
    let fixed = STORED;
    let parsed: Vec<Vec<(String, String)>> = rows
        .iter()
        .map(|(_, cells)| attribute_pairs(cells.get(fixed).map_or("", String::as_str)))
        .collect();
    let mut columns: Vec<&str> = Vec::new();
    for name in known
        .iter()
        .chain(parsed.iter().flatten().map(|(name, _)| name))
    {
        if !columns.contains(&name.as_str()) {
            columns.push(name);
        }
    }
    let mut w = csv::Writer::from_writer(out);
    w.write_record(crate::output::csv::HEADER[..STORED].iter().chain(&columns))?;
    for ((_, cells), pairs) in rows.iter().zip(&parsed) {
        let values = columns.iter().map(|c| {
            pairs
                .iter()
                .find(|(name, _)| name == c)
                .map_or("", |(_, v)| v.as_str())
        });
        w.write_record(cells.iter().take(STORED).map(String::as_str).chain(values))?;
    }
    w.flush()?;
    Ok(())
}

enum HistoryError {
    Sql(rusqlite::Error),
    Ledger(LedgerError),
}

impl From<rusqlite::Error> for HistoryError {
    fn from(e: rusqlite::Error) -> Self {
        HistoryError::Sql(e)
    }
}

/// The recorded history (before `before`), read as `plan --history` reads
/// a file, renamed rules under their new names.
fn history(
    conn: &Connection,
    invoices: &[Invoice],
    before: Option<NaiveDate>,
) -> Result<Vec<HistoryEntry>, HistoryError> {
    let rows = rows(conn, before, None)?;
    let mut bytes = Vec::new();
    write_rows(&[], &rows, &mut bytes).map_err(|e| {
        HistoryError::Ledger(LedgerError::BadHistory {
            file: "ledger".into(),
            line: 0,
            message: e.to_string(),
        })
    })?;
    let import = Import::default();
    let mut entries =
        crate::data::read_history_with("ledger", &bytes, Format::Csv, invoices, &import)
            .map(|loaded| loaded.value)
            .map_err(|e| {
                HistoryError::Ledger(LedgerError::BadHistory {
                    file: "ledger".into(),
                    line: 0,
                    message: e.render(5).trim_end().to_string(),
                })
            })?;
    let has_renames: bool = conn
        .query_row("PRAGMA user_version", [], |r| r.get::<_, i64>(0))
        .map(|v| v >= 2)?;
    if has_renames {
        let mut select = conn.prepare("SELECT old, new FROM renames")?;
        let renames: Vec<(String, String)> = select
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        for entry in &mut entries {
            // A chain of renames (a to b, then b to c) ends at its last name;
            // a cycle stops after as many steps as there are renames.
            for _ in 0..renames.len() {
                match renames.iter().find(|(old, _)| *old == entry.rule) {
                    Some((_, new)) => entry.rule = new.clone(),
                    None => break,
                }
            }
        }
    }
    Ok(entries)
}

/// The rule names the ledger's actions carry, and the names its renames
/// give them.
fn recorded_rules(conn: &Connection) -> rusqlite::Result<std::collections::BTreeSet<String>> {
    let mut names = std::collections::BTreeSet::new();
    let mut select = conn.prepare("SELECT DISTINCT rule FROM actions")?;
    for name in select.query_map([], |r| r.get::<_, String>(0))? {
        names.insert(crate::output::csv::unneutralize(&name?).to_string());
    }
    let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    if version >= 2 {
        let mut select = conn.prepare("SELECT new FROM renames")?;
        for name in select.query_map([], |r| r.get::<_, String>(0))? {
            names.insert(name?);
        }
    }
    Ok(names)
}

fn runs<P: rusqlite::Params>(
    conn: &Connection,
    filter: &str,
    params: P,
) -> rusqlite::Result<Vec<RunRecord>> {
    let mut select = conn.prepare(&format!(
        "SELECT id, kind, status, date, started_at, tool_version, policy_file, policy_hash, \
         inputs, start, actions, error FROM runs WHERE {filter} ORDER BY id"
    ))?;
    let rows = select.query_map(params, |r| {
        Ok(RunRecord {
            id: r.get(0)?,
            kind: r.get(1)?,
            status: r.get(2)?,
            date: r.get(3)?,
            started_at: r.get(4)?,
            tool_version: r.get(5)?,
            policy_file: r.get(6)?,
            policy_hash: r.get(7)?,
            inputs: r.get(8)?,
            start: r.get(9)?,
            actions: r.get(10)?,
            error: r.get(11)?,
        })
    })?;
    rows.collect()
}

/// A history CSV for `ledger import`: the header names at least `date`,
/// `customer_id`, `invoice_id`, `rule` and `action`; each row has a valid
/// date and a known action. Rows come out in the HEADER's columns, then
/// the other columns (the attributes) as one cell; the names of those
/// other columns come second.
fn parse_history(file: &str, bytes: &[u8]) -> Result<(Vec<Vec<String>>, Vec<String>), LedgerError> {
    let bad = |line: usize, message: String| LedgerError::BadHistory {
        file: file.into(),
        line,
        message,
    };
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(bytes);
    let mut records = reader.records();
    let header = match records.next() {
        None => return Ok((Vec::new(), Vec::new())),
        Some(r) => r.map_err(|e| bad(1, e.to_string()))?,
    };
    let header: Vec<String> = header
        .iter()
        .map(|h| h.trim().trim_start_matches('\u{feff}').to_string())
        .collect();
    let position: Vec<Option<usize>> = crate::output::csv::HEADER[..STORED]
        .iter()
        .map(|c| header.iter().position(|h| h == c))
        .collect();
    for (i, required) in crate::output::csv::HEADER.iter().enumerate().take(5) {
        if position[i].is_none() {
            return Err(bad(1, format!("the header has no `{required}` column")));
        }
    }
    let mut rows = Vec::new();
    for (n, record) in records.enumerate() {
        let line = n + 2;
        let record = record.map_err(|e| bad(line, e.to_string()))?;
        if record.iter().zip(&header).all(|(a, b)| a.trim() == b) {
            continue;
        }
        if record.len() != header.len() {
            return Err(bad(
                line,
                format!("{} cells for {} columns", record.len(), header.len()),
            ));
        }
        let mut row: Vec<String> = position
            .iter()
            .map(|p| p.and_then(|p| record.get(p)).unwrap_or("").to_string())
            .collect();
        // The columns after the history's own: the policy's attributes
        // (`plan --format csv` writes them), kept for `ledger export`.
        let extra = header
            .iter()
            .zip(record.iter())
            .filter(|(h, _)| !crate::output::csv::HEADER.contains(&h.as_str()));
        row.push(attributes_cell(extra.map(|(h, v)| (h.as_str(), v))));
        crate::data::parse_date(&row[0]).map_err(|e| bad(line, format!("`date`: {e}")))?;
        for (i, column) in ["customer_id", "invoice_id", "rule"].iter().enumerate() {
            if row[i + 1].trim().is_empty() {
                return Err(bad(line, format!("`{column}` is empty")));
            }
        }
        let action = crate::output::csv::unneutralize(&row[4]);
        if crate::policy::ActionKind::parse(action).is_none() {
            return Err(bad(line, format!("unknown action `{action}`")));
        }
        rows.push(row);
    }
    let columns = header
        .into_iter()
        .filter(|h| !crate::output::csv::HEADER.contains(&h.as_str()))
        .collect();
    Ok((rows, columns))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;

    /// A ledger of the first schema version, with a recorded action, is
    /// brought up to date when opened: its history is kept, and what the
    /// later versions add (renames) works on it.
    #[test]
    fn a_ledger_of_the_first_version_is_migrated() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("v1.db");
        let conn = Connection::open(&path).unwrap();
        conn.execute_batch(schema::MIGRATIONS[0]).unwrap();
        conn.pragma_update(None, "user_version", 1).unwrap();
        conn.pragma_update(None, "application_id", schema::APPLICATION_ID)
            .unwrap();
        conn.execute_batch(
            "INSERT INTO runs (kind, status, date, started_at, tool_version, actions) \
             VALUES ('run', 'recorded', '2025-03-03', '2025-03-03T06:00:00Z', '0.1.0', 1);
             INSERT INTO actions (run_id, date, customer_id, invoice_id, rule, action, template, \
             open_amount, currency, days_overdue, interest, indemnity, reason) \
             VALUES (1, '2025-03-03', 'C-1', 'A', 'second', 'letter', '', '100', 'EUR', '31', \
             '', '', 'overdue 31 days >= 15 days');",
        )
        .unwrap();
        drop(conn);
        let mut ledger = Ledger::open(&path, Duration::from_secs(1)).unwrap();
        assert_eq!(
            ledger.identity().unwrap(),
            (schema::APPLICATION_ID, schema::VERSION)
        );
        assert_eq!(ledger.runs().unwrap().len(), 1);
        // The action recorded before the chain existed is chained.
        assert_eq!(ledger.verify().unwrap().actions, 1);
        ledger.rename("second", "relance_2").unwrap();
        let mut out = Vec::new();
        ledger.export(&mut out).unwrap();
        assert!(String::from_utf8(out)
            .unwrap()
            .contains("2025-03-03,C-1,A,second,letter"));
        // Opening again migrates nothing more.
        drop(ledger);
        let ledger = Ledger::open(&path, Duration::from_secs(1)).unwrap();
        assert_eq!(ledger.identity().unwrap().1, schema::VERSION);
    }

    /// A ledger of each earlier version holding a run, an action and (from
    /// version 4, which has marks) a mark, is migrated: both chains are
    /// filled and verify, and a mark edited afterwards breaks its chain.
    #[test]
    fn a_ledger_of_every_version_is_migrated_with_its_marks_chained() {
        for version in 1..schema::MIGRATIONS.len() {
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join("ledger.db");
            let conn = Connection::open(&path).unwrap();
            for sql in &schema::MIGRATIONS[..version] {
                conn.execute_batch(sql).unwrap();
            }
            conn.pragma_update(None, "user_version", version as i64)
                .unwrap();
            conn.pragma_update(None, "application_id", schema::APPLICATION_ID)
                .unwrap();
            conn.execute_batch(
                "INSERT INTO runs (kind, status, date, started_at, tool_version, actions) \
                 VALUES ('run', 'recorded', '2025-03-03', '2025-03-03T06:00:00Z', '0.1.0', 1);
                 INSERT INTO actions (run_id, date, customer_id, invoice_id, rule, action, \
                 template, open_amount, currency, days_overdue, interest, indemnity, reason) \
                 VALUES (1, '2025-03-03', 'C-1', 'A', 'first', 'email', '', '100', 'EUR', '31', \
                 '', '', 'overdue 31 days >= 1 day');",
            )
            .unwrap();
            let marked = version >= 4;
            if marked {
                conn.execute_batch(
                    "INSERT INTO marks (action_id, status, reference, status_date, marked_at) \
                     VALUES (1, 'failed', 'R-1', '2025-03-04', '2025-03-04T08:00:00Z');",
                )
                .unwrap();
            }
            drop(conn);
            let ledger = Ledger::open(&path, Duration::from_secs(1)).unwrap();
            assert_eq!(ledger.identity().unwrap().1, schema::VERSION, "v{version}");
            let verified = ledger.verify().unwrap();
            assert_eq!(verified.actions, 1, "v{version}");
            assert_eq!(verified.marks, usize::from(marked), "v{version}");
            // The mark still counts: the failed action is not in the history.
            let mut out = Vec::new();
            ledger.export(&mut out).unwrap();
            assert_eq!(
                String::from_utf8(out).unwrap().lines().count(),
                if marked { 1 } else { 2 },
                "v{version}"
            );
            if marked {
                ledger
                    .conn
                    .execute("UPDATE marks SET status = 'delivered'", [])
                    .unwrap();
                assert!(matches!(
                    ledger.verify(),
                    Err(LedgerError::TamperedMark { id: 1, .. })
                ));
            }
        }
    }

    /// Every migration applies to the schema before it (each version from
    /// the first is reachable).
    #[test]
    fn each_migration_applies_in_turn() {
        for version in 0..schema::MIGRATIONS.len() {
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join("ledger.db");
            let conn = Connection::open(&path).unwrap();
            for sql in &schema::MIGRATIONS[..version] {
                conn.execute_batch(sql).unwrap();
            }
            conn.pragma_update(None, "user_version", version as i64)
                .unwrap();
            if version > 0 {
                conn.pragma_update(None, "application_id", schema::APPLICATION_ID)
                    .unwrap();
            }
            drop(conn);
            let ledger = Ledger::open(&path, Duration::from_secs(1)).unwrap();
            assert_eq!(ledger.identity().unwrap().1, schema::VERSION);
        }
    }
}
