//! Running policy tests (`dunning test`): YAML files of cases, each giving a policy
//! some invoices (and payments, history) and one or more dates, and the
//! actions expected; `policies/tests/` has examples.
//!
//! # The format
//!
//! - `policy`: the policy file, relative to the test file, tested alone on
//!   every invoice (its scope aside); or a list of policy files, tested as
//!   one book (each invoice routed by `scope`, the expected actions the
//!   book's, coverage per policy).
//! - `cases`: a list; each case has
//!   - `name` (unique in the file);
//!   - the invoices: `invoices` (inline rows, the columns of the invoice
//!     CSV; the policy's attributes may be left out, as empty cells) or
//!     `invoices_file` (a CSV, JSON or YAML file relative to the test file);
//!     rows are checked exactly as `plan` checks a file;
//!   - optionally `payments` / `payments_file` (`invoice_id, date, amount`),
//!     `events` / `events_file` (account events: `date, invoice_id,
//!     customer_id, event, until, note`) and `history` / `history_file`
//!     (`date, customer_id, invoice_id, rule, action[, template]`);
//!   - the days: `date` (one day), `dates` (a list, increasing) or `from`
//!     and `to` (every day, both included); with several days, each day's
//!     actions are added to the history before the next day is planned, as
//!     a daily run would do;
//!   - `expect`: the actions over all the days (`[]`: none), each with
//!     `customer_id`, `action`, `rule` (comma-separated when one action
//!     consolidates invoices at different steps; compared as a set),
//!     `invoices` (compared as a set), and optionally `date` and
//!     `template`, `open_amount`, `interest` and `indemnity` (numbers or
//!     strings, compared as decimals), compared when given. The order does
//!     not matter.
//! - `invoices`, `invoices_file`, `payments`… may also be given at the top
//!   level, as the default of the cases that do not give their own.
//!
//! A case passes when its expected actions and the actual ones pair up
//! exactly. Coverage counts, per policy, the rules that fired in any case
//! that ran (passed or failed).
//!
//! ```yaml
//! policy: ../french_b2b.dunning       # relative to the test file
//! cases:
//!   - name: first reminder two days after the due date
//!     invoices:
//!       - {invoice_id: I1, customer_id: C1, issue_date: 2025-01-01,
//!          due_date: 2025-01-31, amount: "1200.00", currency: EUR}
//!     date: 2025-02-03
//!     expect:
//!       - {customer_id: C1, action: email, rule: first_reminder, invoices: [I1]}
//! ```

use dunning::ledger::Ledger;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use chrono::NaiveDate;

use dunning::data::{self, AccountEvent, Format, HistoryEntry, Invoice, Payment};
use dunning::output::diagnostics::Renderer;
use dunning::{Policy, SourceFile};

use super::compare::{compare, split_rules, Actual};
use super::coverage::{Coverage, PolicyCoverage};
use super::spec::{CaseSpec, DataSpec, FileSpec};

/// A problem with a test file as a whole: its cases were not run.
#[derive(Debug, Clone)]
pub(crate) struct FileError {
    pub message: String,
    /// The file (or the policy or a data file it names) could not be read:
    /// exit code 2; otherwise the content is wrong: exit code 1.
    pub io: bool,
}

/// What happened to one case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Status {
    Passed,
    /// The actions differ from the expected ones: a diff, `-` expected,
    /// `+` actual.
    Failed {
        diff: String,
    },
    /// The case could not run (bad invoices, no date…).
    Error {
        message: String,
    },
}

#[derive(Debug, Clone)]
pub(crate) struct CaseResult {
    pub name: String,
    /// The line of the test file the case starts on, when known.
    pub line: Option<usize>,
    pub status: Status,
    pub time: Duration,
}

#[derive(Debug, Clone)]
pub(crate) struct FileResult {
    pub path: PathBuf,
    pub outcome: Result<Vec<CaseResult>, FileError>,
    pub time: Duration,
}

/// The test files a list of paths means: a file as it is, a folder every
/// `.yaml`/`.yml` test file under it (walked as every command walks a
/// folder; YAML files that are plainly not test files skipped).
pub(crate) fn collect(paths: &[PathBuf]) -> Result<Vec<PathBuf>, String> {
    let mut files = Vec::new();
    for path in paths {
        let meta =
            std::fs::metadata(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        if meta.is_dir() {
            let mut found = crate::cli::files::walk(path, &["yaml", "yml"])?;
            found.retain(|f| looks_like_a_test_file(f));
            files.extend(found);
        } else {
            files.push(path.clone());
        }
    }
    Ok(files)
}

/// In a folder, YAML files that are plainly something else (a list of
/// invoice rows, a CI workflow: a top level that is not a mapping with
/// `policy` or `cases`) are skipped; a file that does not parse is kept, so
/// that its error is reported.
fn looks_like_a_test_file(path: &Path) -> bool {
    let Some(text) = dunning::read_input(path)
        .ok()
        .and_then(|b| String::from_utf8(b).ok())
    else {
        return true;
    };
    match serde_yaml::from_str::<serde_yaml::Value>(&text) {
        Ok(serde_yaml::Value::Mapping(map)) => {
            map.contains_key("policy") || map.contains_key("cases")
        }
        Ok(_) => false,
        Err(_) => true,
    }
}

/// Runs every case of one test file, recording fired rules in `coverage`.
pub(crate) fn run_file(
    path: &Path,
    coverage: &mut Coverage,
    filter: Option<&str>,
    ledger: Option<&Ledger>,
) -> FileResult {
    let start = Instant::now();
    let outcome = run_file_inner(path, coverage, filter, ledger);
    FileResult {
        path: path.to_path_buf(),
        outcome,
        time: start.elapsed(),
    }
}

fn io_error(message: String) -> FileError {
    FileError { message, io: true }
}

fn content_error(message: String) -> FileError {
    FileError { message, io: false }
}

fn run_file_inner(
    path: &Path,
    coverage: &mut Coverage,
    filter: Option<&str>,
    ledger: Option<&Ledger>,
) -> Result<Vec<CaseResult>, FileError> {
    let shown = path.display().to_string();
    let bytes =
        dunning::read_input(path).map_err(|e| io_error(format!("cannot read {shown}: {e}")))?;
    let text = std::str::from_utf8(&bytes)
        .map_err(|e| content_error(format!("{shown}: not UTF-8 text ({e})")))?;
    if let Some((line, column)) = dunning::data::too_deep_yaml(text) {
        return Err(content_error(format!(
            "{shown}:{line}:{column}: nested more than {} levels deep; a test file is a few levels of lists and mappings",
            dunning::data::MAX_YAML_NESTING
        )));
    }
    let spec: FileSpec = serde_yaml::from_str(text)
        .map_err(|e| content_error(format!("{shown}: not a valid test file: {e}")))?;
    let base = path.parent().unwrap_or(Path::new(""));
    let files = spec.policy.files();
    if files.is_empty() {
        return Err(content_error(format!(
            "{shown}: policy: an empty list; name a policy, or the policies of a book"
        )));
    }
    let mut policies = Vec::with_capacity(files.len());
    let mut names = Vec::with_capacity(files.len());
    let mut keys = Vec::with_capacity(files.len());
    for file in files {
        let policy_file = reference(base, file, &["dunning"])
            .map_err(|e| content_error(format!("{shown}: policy: {e}")))?;
        let policy_path = normalize(&policy_file);
        let policy = load_policy(&policy_file, &policy_path).map_err(|e| FileError {
            message: format!("{shown}: {}", e.message),
            io: e.io,
        })?;
        let key = std::fs::canonicalize(base.join(file)).unwrap_or_else(|_| policy_path.clone());
        if keys.contains(&key) {
            return Err(content_error(format!(
                "{shown}: policy: {file:?} is named twice"
            )));
        }
        coverage
            .policies
            .entry(key.clone())
            .or_insert_with(|| PolicyCoverage {
                shown: policy_path.display().to_string(),
                rules: policy.rules.iter().map(|r| r.name.clone()).collect(),
                fired: BTreeSet::new(),
            });
        keys.push(key);
        names.push(policy_path.display().to_string());
        policies.push(policy);
    }
    let book = Book {
        policies: &policies,
        names: &names,
    };
    let defaults = spec.data();
    let lines = case_lines(text, spec.cases.len());
    let mut results = Vec::new();
    let mut case_names = BTreeSet::new();
    for (i, raw) in spec.cases.iter().enumerate() {
        let start = Instant::now();
        let name = raw
            .get("name")
            .and_then(|n| n.as_str())
            .map_or_else(|| format!("case {}", i + 1), str::to_string);
        if filter.is_some_and(|f| !name.contains(f)) {
            continue;
        }
        let status = match serde_yaml::from_value::<CaseSpec>(raw.clone()) {
            Err(e) => Status::Error {
                message: format!("{shown}: case {name:?} is not a valid test case: {e}"),
            },
            Ok(case) if !case_names.insert(case.name.clone()) => Status::Error {
                message: format!("{shown}: two cases are named {:?}", case.name),
            },
            Ok(case) => {
                let mut fired = vec![BTreeSet::new(); policies.len()];
                let status =
                    match run_case(&shown, base, &book, &case, &defaults, &mut fired, ledger) {
                        Ok(s) => s,
                        Err(message) => Status::Error { message },
                    };
                for (key, fired) in keys.iter().zip(fired) {
                    if let Some(entry) = coverage.policies.get_mut(key) {
                        entry.fired.extend(fired);
                    }
                }
                status
            }
        };
        results.push(CaseResult {
            name,
            line: lines.get(i).copied(),
            status,
            time: start.elapsed(),
        });
    }
    Ok(results)
}

/// The line each case starts on: the lines that open an item of the
/// `cases:` list (`  - name: …`, `  -`). Unknown (empty) when the file
/// writes its cases another way and the count does not match.
fn case_lines(text: &str, cases: usize) -> Vec<usize> {
    let mut in_cases = false;
    let mut found = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let unindented = !line.starts_with([' ', '\t']) && !line.trim().is_empty();
        if unindented && !line.starts_with('#') {
            in_cases = line.trim_end().starts_with("cases:");
            continue;
        }
        let trimmed = line.trim_start();
        let indent = line.len() - trimmed.len();
        if in_cases && (trimmed == "-" || trimmed.starts_with("- ")) {
            // Items of `cases:` share the smallest indentation seen.
            match found.first() {
                Some(&(_, first)) if indent > first => {}
                _ => found.push((n + 1, indent)),
            }
        }
    }
    if found.len() == cases {
        found.into_iter().map(|(n, _)| n).collect()
    } else {
        Vec::new()
    }
}

/// `a/b/../c` as `a/c`, for messages only (lexical: files are opened by the
/// path as written, so symbolic links behave as the system says).
fn normalize(path: &Path) -> PathBuf {
    use std::path::Component;
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir
                if matches!(out.components().next_back(), Some(Component::Normal(_))) =>
            {
                out.pop();
            }
            c => out.push(c),
        }
    }
    if out.as_os_str().is_empty() {
        out.push(".");
    }
    out
}

/// Reads `path`, calling it `shown` in messages.
fn load_policy(path: &Path, shown: &Path) -> Result<Policy, FileError> {
    let name = shown.display().to_string();
    let bytes = dunning::read_input(path)
        .map_err(|e| io_error(format!("cannot read the policy {name}: {e}")))?;
    let file = SourceFile::from_bytes(&name, &bytes);
    let checked = file.check();
    let renderer = Renderer::new(&file, false);
    if let Some(e) = file.not_utf8() {
        return Err(content_error(renderer.render(e)));
    }
    match checked.policy {
        Some(p) => Ok(p),
        None => {
            let mut message = format!("the policy {name} has errors:\n");
            for d in checked.diagnostics.iter().filter(|d| !d.is_warning()) {
                message.push_str(&renderer.render(d));
            }
            Err(content_error(message))
        }
    }
}

/// Inline rows as YAML bytes, for the data readers.
fn rows(value: &serde_yaml::Value) -> Result<Vec<u8>, String> {
    serde_yaml::to_string(value)
        .map(String::into_bytes)
        .map_err(|e| e.to_string())
}

/// Inline invoice rows may leave out the policy's attributes: a missing one
/// is empty, as an empty cell of a CSV file.
fn with_attributes(value: &serde_yaml::Value, policy: &Policy) -> serde_yaml::Value {
    let mut value = value.clone();
    if let serde_yaml::Value::Sequence(rows) = &mut value {
        for row in rows {
            if let serde_yaml::Value::Mapping(map) = row {
                for a in &policy.attributes {
                    let key = serde_yaml::Value::String(a.name.clone());
                    if !map.contains_key(&key) {
                        map.insert(key, serde_yaml::Value::String(String::new()));
                    }
                }
            }
        }
    }
    value
}

/// How a test file's data files are read: through its `profile` (a file
/// relative to it, or written inline), strictly (an anomaly is an error).
fn import(
    base: &Path,
    shown: &str,
    profile: &Option<serde_yaml::Value>,
) -> Result<data::Import, String> {
    let profile = match profile {
        None => Ok(data::Profile::default()),
        Some(serde_yaml::Value::String(file)) => {
            data::Profile::load(&reference(base, file, &["yaml", "yml"])?)
        }
        Some(inline) => {
            let text = serde_yaml::to_string(inline).map_err(|e| e.to_string())?;
            data::Profile::from_yaml(&format!("{shown} (profile)"), &text)
        }
    };
    Ok(data::Import {
        profile: profile.map_err(|e| e.render(20).trim_end().to_string())?,
        strict: true,
    })
}

/// A data file a test file names: see [`reference`].
fn data_file(base: &Path, file: &str) -> Result<PathBuf, String> {
    reference(
        base,
        file,
        &["csv", "json", "yaml", "yml", "xlsx", "xlsm", "xls", "ods"],
    )
}

/// A file a test file names (its policy, its data files), relative to the
/// test file's folder: it must have one of `extensions`, and be a regular
/// file (`dunning::read_input`). A test file from a pull request must not
/// make `dunning test` read `/proc/self/environ` or `../../etc/passwd` and
/// print it in a message or in JUnit.
fn reference(base: &Path, file: &str, extensions: &[&str]) -> Result<PathBuf, String> {
    let path = Path::new(file);
    let extension = path.extension().and_then(|e| e.to_str()).unwrap_or("");
    if !extensions.iter().any(|x| extension.eq_ignore_ascii_case(x)) {
        let list: Vec<String> = extensions.iter().map(|x| format!(".{x}")).collect();
        return Err(format!(
            "{file:?} does not end with {}; test files name policies and data files only",
            list.join(", ")
        ));
    }
    Ok(base.join(path))
}

fn one_source<'a>(
    what: &str,
    inline: &'a Option<serde_yaml::Value>,
    file: &'a Option<String>,
) -> Result<Option<Result<&'a serde_yaml::Value, &'a String>>, String> {
    match (inline, file) {
        (Some(_), Some(_)) => Err(format!("give `{what}` or `{what}_file`, not both")),
        (Some(v), None) => Ok(Some(Ok(v))),
        (None, Some(f)) => Ok(Some(Err(f))),
        (None, None) => Ok(None),
    }
}

fn days(shown: &str, case: &CaseSpec) -> Result<Vec<NaiveDate>, String> {
    let given = [
        case.date.is_some(),
        case.dates.is_some(),
        case.from.is_some() || case.to.is_some(),
    ]
    .iter()
    .filter(|b| **b)
    .count();
    if given != 1 {
        return Err(format!(
            "{shown}: case {:?}: give exactly one of `date`, `dates`, or `from` and `to`",
            case.name
        ));
    }
    if let Some(d) = case.date {
        return Ok(vec![d]);
    }
    if let Some(ds) = &case.dates {
        if ds.is_empty() || ds.windows(2).any(|w| w[0] >= w[1]) {
            return Err(format!(
                "{shown}: case {:?}: `dates` must list at least one date, in increasing order",
                case.name
            ));
        }
        return Ok(ds.clone());
    }
    match (case.from, case.to) {
        (Some(from), Some(to)) if from <= to && (to - from).num_days() <= 3660 => Ok(from
            .iter_days()
            .take_while(|d| *d <= to)
            .collect()),
        _ => Err(format!(
            "{shown}: case {:?}: `from` and `to` must both be given, `from` not after `to`, at most ten years apart",
            case.name
        )),
    }
}

/// The policies a test file runs: one alone (on every invoice, its scope
/// aside, as `plan` runs a policy given alone), or a book.
struct Book<'a> {
    policies: &'a [Policy],
    /// As shown in messages.
    names: &'a [String],
}

/// A case's invoices as read for `policy` (its attributes type the
/// columns; inline rows may leave them out).
fn case_invoices(
    base: &Path,
    data: &DataSpec,
    policy: &Policy,
    import: &data::Import,
    label: &dyn Fn(&str) -> String,
    in_case: &dyn Fn(String) -> String,
) -> Result<Vec<Invoice>, String> {
    match one_source("invoices", &data.invoices, &data.invoices_file).map_err(in_case)? {
        None => {
            return Err(in_case(
                "no invoices: give `invoices` or `invoices_file`".into(),
            ))
        }
        Some(Ok(v)) => data::read_invoices(
            &label("invoices"),
            &rows(&with_attributes(v, policy)).map_err(in_case)?,
            Format::Yaml,
            policy,
        ),
        Some(Err(f)) => {
            data::load_invoices_with(&data_file(base, f).map_err(in_case)?, policy, import)
                .map(|l| l.value.invoices)
        }
    }
    .map_err(|e| e.render(20).trim_end().to_string())
}

/// Runs one case; `fired[p]` gets the rules of `book.policies[p]` that fired.
fn run_case(
    shown: &str,
    base: &Path,
    book: &Book<'_>,
    case: &CaseSpec,
    defaults: &DataSpec,
    fired: &mut [BTreeSet<String>],
    ledger: Option<&Ledger>,
) -> Result<Status, String> {
    let in_case = |e: String| format!("{shown}: case {:?}: {e}", case.name);
    let days = days(shown, case)?;
    let data = case.data(defaults);
    let label = |what: &str| format!("{shown} (case {:?}, {what})", case.name);
    let import = import(base, shown, &data.profile).map_err(in_case)?;

    // Each policy reads the rows with its own attributes; in a book, each
    // row then goes to the policy whose scope holds.
    let mut read = Vec::with_capacity(book.policies.len());
    for policy in book.policies {
        read.push(case_invoices(
            base, &data, policy, &import, &label, &in_case,
        )?);
    }
    let invoices: Vec<Invoice> = read.first().cloned().unwrap_or_default();
    let routed: Vec<Vec<Invoice>> = if let [one] = read.as_slice() {
        vec![one.clone()]
    } else {
        let members: Vec<data::Member<'_>> = book
            .names
            .iter()
            .zip(book.policies)
            .map(|(name, policy)| data::Member { name, policy })
            .collect();
        let slices: Vec<&[Invoice]> = read.iter().map(Vec::as_slice).collect();
        // Rows are named as the reader names them: the data file's line,
        // or the inline row's record.
        let (file, format) = match &data.invoices_file {
            Some(f) => {
                let path = data_file(base, f).map_err(in_case)?;
                let format = Format::from_path(&path).unwrap_or(Format::Csv);
                (path.display().to_string(), format)
            }
            None => (label("invoices"), Format::Yaml),
        };
        let route = data::route(&file, format, &members, &slices)
            .map_err(|e| e.render(20).trim_end().to_string())?;
        read.into_iter()
            .enumerate()
            .map(|(p, invoices)| data::routed_to(invoices, &route, p))
            .collect()
    };
    // The policy each invoice went to, for the coverage.
    let policy_of: std::collections::HashMap<&str, usize> = routed
        .iter()
        .enumerate()
        .flat_map(|(p, invoices)| invoices.iter().map(move |i| (i.id.as_str(), p)))
        .collect();
    let payments: Vec<Payment> =
        match one_source("payments", &data.payments, &data.payments_file).map_err(in_case)? {
            None => Ok(Vec::new()),
            Some(Ok(v)) => data::read_payments(
                &label("payments"),
                &rows(v).map_err(in_case)?,
                Format::Yaml,
                &invoices,
            ),
            Some(Err(f)) => {
                data::load_payments_with(&data_file(base, f).map_err(in_case)?, &invoices, &import)
                    .map(|l| l.value)
            }
        }
        .map_err(|e| e.render(20).trim_end().to_string())?;
    let events: Vec<AccountEvent> =
        match one_source("events", &data.events, &data.events_file).map_err(in_case)? {
            None => Ok(Vec::new()),
            Some(Ok(v)) => data::read_events(
                &label("events"),
                &rows(v).map_err(in_case)?,
                Format::Yaml,
                &invoices,
            ),
            Some(Err(f)) => data::load_events(&data_file(base, f).map_err(in_case)?, &invoices),
        }
        .map_err(|e| e.render(20).trim_end().to_string())?;
    let mut history: Vec<HistoryEntry> =
        match one_source("history", &data.history, &data.history_file).map_err(in_case)? {
            None => Ok(Vec::new()),
            Some(Ok(v)) => data::read_history(
                &label("history"),
                &rows(v).map_err(in_case)?,
                Format::Yaml,
                &invoices,
            ),
            Some(Err(f)) => data::load_history(&data_file(base, f).map_err(in_case)?, &invoices),
        }
        .map_err(|e| e.render(20).trim_end().to_string())?;
    // `--ledger`: what the ledger recorded for the case's invoices comes
    // first, as `plan --ledger` reads it; the case's own history after.
    if let Some(ledger) = ledger {
        let recorded = ledger
            .history(&invoices)
            .map_err(|e| in_case(e.render().trim_end().to_string()))?;
        history.splice(0..0, recorded);
    }

    for e in &case.expect {
        if dunning::policy::ActionKind::parse(&e.action).is_none() {
            return Err(in_case(format!(
                "expected action {:?} is not an action",
                e.action
            )));
        }
    }

    for e in &case.expect {
        for rule in split_rules(&e.rule) {
            if book.policies.iter().all(|p| p.rule_index(&rule).is_none()) {
                let names: Vec<&str> = book
                    .policies
                    .iter()
                    .flat_map(|p| &p.rules)
                    .map(|r| r.name.as_str())
                    .collect();
                let whose = if book.policies.len() == 1 {
                    "the policy"
                } else {
                    "any policy of the book"
                };
                return Err(in_case(format!(
                    "expected rule {rule:?} is not a rule of {whose} (its rules: {})",
                    names.join(", ")
                )));
            }
        }
    }

    let mut actual = Vec::new();
    let policies: Vec<&Policy> = book.policies.iter().collect();
    for day in days {
        let data: Vec<dunning::RunData<'_, '_>> = routed
            .iter()
            .map(|invoices| {
                dunning::RunData::new(invoices)
                    .with_payments(&payments)
                    .with_events(&events)
                    .with_history(&history)
            })
            .collect();
        let plan = dunning::plan_book(&policies, &data, day);
        for action in plan.actions {
            for line in &action.invoices {
                let p = policy_of.get(line.invoice_id).copied().unwrap_or(0);
                if let Some(f) = fired.get_mut(p) {
                    f.insert(line.rule.to_string());
                }
                history.push(HistoryEntry {
                    date: action.date,
                    customer_id: action.customer_id.to_string(),
                    invoice_id: line.invoice_id.to_string(),
                    rule: line.rule.to_string(),
                    action: action.action,
                    template: action.template.map(str::to_string),
                    line: 0,
                });
            }
            actual.push(Actual {
                date: action.date,
                customer_id: action.customer_id.to_string(),
                action: action.action.as_str().to_string(),
                rules: action.invoices.iter().map(|l| l.rule.to_string()).collect(),
                invoices: action.invoice_ids().map(str::to_string).collect(),
                template: action.template.map(str::to_string),
                open_amount: action.open_amount,
                interest: action.interest,
                indemnity: action.indemnity,
            });
        }
    }
    Ok(compare(&case.expect, &actual, case.date.is_none()))
}

/// Results of a whole run.
#[derive(Debug, Clone, Default)]
pub(crate) struct Run {
    pub files: Vec<FileResult>,
    pub coverage: Coverage,
}

impl Run {
    /// (passed, failed): a case that could not run counts as failed, and so
    /// does a test file that could not be loaded (as one case), so that the
    /// summary line alone tells whether the run is clean.
    pub(crate) fn counts(&self) -> (usize, usize) {
        let mut passed = 0;
        let mut failed = 0;
        for f in &self.files {
            match &f.outcome {
                Ok(cases) => {
                    for c in cases {
                        if c.status == Status::Passed {
                            passed += 1;
                        } else {
                            failed += 1;
                        }
                    }
                }
                Err(_) => failed += 1,
            }
        }
        (passed, failed)
    }

    /// The exit code: 2 when a file could not be read, 1 when a case failed
    /// or a file is not a valid test file, 0 otherwise.
    pub(crate) fn exit_code(&self) -> u8 {
        let mut code = 0;
        for f in &self.files {
            match &f.outcome {
                Err(e) if e.io => code = 2,
                Err(_) => code = code.max(1),
                Ok(cases) if cases.iter().any(|c| c.status != Status::Passed) => code = code.max(1),
                Ok(_) => {}
            }
        }
        code
    }
}

/// Runs every test file.
/// Runs every case of `files` (with `filter`, those whose name contains it).
/// With `ledger`, each case's history starts with what it recorded.
pub(crate) fn run(files: &[PathBuf], filter: Option<&str>, ledger: Option<&Ledger>) -> Run {
    let mut run = Run::default();
    for f in files {
        let r = run_file(f, &mut run.coverage, filter, ledger);
        run.files.push(r);
    }
    run
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalize_removes_dot_dot() {
        assert_eq!(
            normalize(Path::new("policies/tests/../a.dunning")),
            PathBuf::from("policies/a.dunning")
        );
        assert_eq!(normalize(Path::new("../a")), PathBuf::from("../a"));
    }
}
