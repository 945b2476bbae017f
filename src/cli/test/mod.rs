//! `dunning test`: run policy test cases written in YAML.
//!
//! Human output (the default) prints one line per case, a diff for each
//! failure, the coverage report with `--coverage`, and always ends with the
//! line `N passed, N failed`. With `--format junit`, `sarif` or `json`, stdout is only the
//! report and the rest (summary, coverage) goes to stderr.
//!
//! Exit codes: 0 every case passed (and coverage is at least
//! `--min-coverage`); 1 a case failed, a test file is invalid (bad YAML,
//! a policy with errors, bad invoice rows), or coverage is too low; 2 a
//! file (test file, policy or data file) cannot be read.

use std::path::PathBuf;

mod compare;
mod coverage;
pub(crate) mod runner;
mod spec;

use dunning::output::diagnostics::Flat;

use self::runner::{Run, Status};
use super::{render, Outcome};

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum TestFormat {
    Human,
    Junit,
    /// SARIF 2.1.0: each failed case as a result on its test file, at the case's line.
    Sarif,
    /// JSON: every file and case with its status, and the counts.
    Json,
}

const AFTER_HELP: &str = "\
A test file:

  policy: ../french_b2b.dunning        # relative to the test file; a list: a book
  cases:
    - name: first reminder two days after the due date
      invoices:                        # or invoices_file: data.csv
        - {invoice_id: I1, customer_id: C1, issue_date: 2025-01-01,
           due_date: 2025-01-31, amount: \"1200.00\", currency: EUR}
      payments: []                     # optional (or payments_file)
      events: []                       # optional (or events_file)
      history: []                      # optional (or history_file)
      date: 2025-02-02                 # or dates: [..], or from: .. to: ..
      expect:                          # [] for no action
        - {customer_id: C1, action: email, rule: first_reminder, invoices: [I1]}

Each expected action may also give date, template, open_amount, interest
and indemnity, compared when given. With several days, each day's actions
join the history before the next day. Quote ids that look like numbers.

Exit codes: 0 all passed; 1 a case failed, a test file is invalid, or the
coverage is below --min-coverage; 2 a file cannot be read. The last line of
the output is always `N passed, N failed` (on stderr with --format junit, sarif or json,
whose stdout is only the report).";

#[derive(clap::Args, Debug)]
#[command(after_help = AFTER_HELP)]
pub(crate) struct Args {
    /// Output format.
    #[arg(long, value_enum, default_value_t = TestFormat::Human)]
    format: TestFormat,
    /// After the run, list the rules no test case ever fired, per policy.
    #[arg(long)]
    coverage: bool,
    /// Exit with code 1 when less than P percent of the rules fired (implies --coverage).
    #[arg(long, value_name = "P")]
    min_coverage: Option<f64>,
    /// Run only the cases whose name contains this text.
    #[arg(long, value_name = "TEXT")]
    filter: Option<String>,
    /// Read each case's history from this ledger first (read only), then the case's own.
    #[arg(long, value_name = "PATH")]
    ledger: Option<PathBuf>,
    /// Test files (`.yaml`, `.yml`), or folders to search for them.
    #[arg(required = true)]
    paths: Vec<PathBuf>,
}

pub(crate) fn run(args: Args) -> Outcome {
    if let Some(p) = args.min_coverage {
        if !(0.0..=100.0).contains(&p) {
            eprintln!("error: --min-coverage must be a percentage between 0 and 100, not {p}");
            return Outcome::Failed;
        }
    }
    let files = match runner::collect(&args.paths) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("error: {e}");
            if args.format == TestFormat::Junit {
                out!("{}", render::junit::render(&Run::default()));
                eprintln!("0 passed, 1 failed");
            } else if args.format == TestFormat::Sarif {
                out!("{}", sarif(&Run::default()));
                eprintln!("0 passed, 1 failed");
            } else if args.format == TestFormat::Json {
                out!("{}", json(&Run::default()));
                eprintln!("0 passed, 1 failed");
            } else {
                outln!("0 passed, 1 failed");
            }
            return Outcome::Failed;
        }
    };
    if files.is_empty() {
        eprintln!("warning: no test files (.yaml, .yml) found");
    }
    let ledger = match &args.ledger {
        None => None,
        Some(path) => {
            match dunning::ledger::Ledger::open_read_only(path, std::time::Duration::from_secs(5)) {
                Ok(l) => Some(l),
                Err(e) => return super::run::failed(&e),
            }
        }
    };
    let run = runner::run(&files, args.filter.as_deref(), ledger.as_ref());
    let machine = args.format != TestFormat::Human;
    let mut report = String::new();
    for f in &run.files {
        match &f.outcome {
            Err(e) => {
                eprintln!(
                    "error: {}",
                    dunning::output::terminal_safe(e.message.trim_end())
                );
            }
            Ok(cases) => {
                for c in cases {
                    let path = f.path.display();
                    match &c.status {
                        Status::Passed => report.push_str(&format!("ok    {path}: {}\n", c.name)),
                        Status::Failed { diff } => {
                            report.push_str(&format!("FAIL  {path}: {}\n{}", c.name, indent(diff)))
                        }
                        Status::Error { message } => report.push_str(&format!(
                            "ERROR {path}: {}\n{}",
                            c.name,
                            indent(message)
                        )),
                    }
                }
            }
        }
    }
    let mut outcome = match run.exit_code() {
        0 => Outcome::Ok,
        1 => Outcome::Found,
        _ => Outcome::Failed,
    };
    if args.coverage || args.min_coverage.is_some() {
        report.push_str(&run.coverage.render());
        if let Some(min) = args.min_coverage {
            let pct = run.coverage.percent();
            if pct + 1e-9 < min {
                report.push_str(&format!(
                    "coverage {pct:.1}% is below the minimum of {min}%\n"
                ));
                outcome = outcome.max(Outcome::Found);
            }
        }
    }
    let (passed, failed) = run.counts();
    report.push_str(&format!("{passed} passed, {failed} failed\n"));
    match args.format {
        TestFormat::Junit => out!("{}", render::junit::render(&run)),
        TestFormat::Sarif => out!("{}", sarif(&run)),
        TestFormat::Json => out!("{}", json(&run)),
        TestFormat::Human => {}
    }
    let report = dunning::output::terminal_safe(&report);
    if machine {
        eprint!("{report}");
    } else {
        out!("{report}");
    }
    outcome
}

/// The failed cases and unreadable test files as a SARIF log, for
/// code-scanning dashboards (same shape as `dunning check --format sarif`).
fn sarif(run: &Run) -> String {
    let flat = |file: &std::path::Path,
                line: Option<usize>,
                code: &str,
                message: String,
                help: Option<String>| Flat {
        file: file.display().to_string(),
        severity: "error",
        code: code.to_string(),
        message,
        line: line.unwrap_or(1),
        column: 1,
        end_line: line.unwrap_or(1),
        end_column: 1,
        help,
    };
    let mut flats = Vec::new();
    for f in &run.files {
        match &f.outcome {
            Err(e) => flats.push(flat(
                &f.path,
                None,
                "dunning::test::invalid-file",
                e.message.trim_end().to_string(),
                None,
            )),
            Ok(cases) => {
                for c in cases {
                    match &c.status {
                        Status::Passed => {}
                        Status::Failed { diff } => flats.push(flat(
                            &f.path,
                            c.line,
                            "dunning::test::failed",
                            format!(
                                "test case `{}` failed: the actions differ (- expected, + actual)",
                                c.name
                            ),
                            Some(diff.trim_end().to_string()),
                        )),
                        Status::Error { message } => flats.push(flat(
                            &f.path,
                            c.line,
                            "dunning::test::error",
                            format!("test case `{}` could not run", c.name),
                            Some(message.trim_end().to_string()),
                        )),
                    }
                }
            }
        }
    }
    serde_json::to_string_pretty(&render::sarif::log(&flats)).unwrap_or_default() + "\n"
}

/// The run as JSON: each file with its cases (name, line, status, and the
/// diff or message), or the error that kept it from running; the counts.
fn json(run: &Run) -> String {
    use serde_json::json;
    let files: Vec<_> = run
        .files
        .iter()
        .map(|f| match &f.outcome {
            Err(e) => json!({
                "file": f.path.display().to_string(),
                "error": e.message.trim_end(),
            }),
            Ok(cases) => json!({
                "file": f.path.display().to_string(),
                "cases": cases.iter().map(|c| {
                    let (status, detail) = match &c.status {
                        Status::Passed => ("passed", None),
                        Status::Failed { diff } => ("failed", Some(diff.trim_end())),
                        Status::Error { message } => ("error", Some(message.trim_end())),
                    };
                    json!({
                        "name": c.name,
                        "line": c.line,
                        "status": status,
                        "detail": detail,
                    })
                }).collect::<Vec<_>>(),
            }),
        })
        .collect();
    let (passed, failed) = run.counts();
    let doc = json!({ "files": files, "passed": passed, "failed": failed });
    serde_json::to_string_pretty(&doc).unwrap_or_default() + "\n"
}

fn indent(text: &str) -> String {
    let mut out = String::new();
    for line in text.lines() {
        out.push_str("    ");
        out.push_str(line);
        out.push('\n');
    }
    out
}
