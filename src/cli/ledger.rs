//! `dunning ledger`: what the daily run's ledger holds (its runs, an
//! invoice's story, the history CSV), and taking a history into it.

use std::io::Write;
use std::path::PathBuf;

use dunning::ledger::{self, Provenance};

use super::run::{failed, LedgerArgs};
use super::Outcome;

#[derive(clap::Args, Debug)]
pub(crate) struct Args {
    #[command(subcommand)]
    command: Command,
}

#[derive(clap::Subcommand, Debug)]
enum Command {
    /// List the runs: date, status, actions, policy and input hashes.
    Log {
        #[command(flatten)]
        ledger: LedgerArgs,
    },
    /// An invoice's whole story: each action recorded, with its run.
    Show {
        /// The invoice id.
        invoice: String,
        #[command(flatten)]
        ledger: LedgerArgs,
    },
    /// Write the history CSV (the plan's format) of every recorded action.
    Export {
        /// The file to write (`-`: standard output).
        #[arg(long, short, value_name = "FILE", default_value = "-")]
        out: PathBuf,
        #[command(flatten)]
        ledger: LedgerArgs,
    },
    /// Take an existing history CSV into a new ledger: the first run continues it.
    Import {
        /// The history CSV (the plan's format).
        file: PathBuf,
        #[command(flatten)]
        ledger: LedgerArgs,
    },
    /// Record what the mailing or letter service reported (CSV:
    /// `date,invoice_id,rule,status[,reference,status_date]`); a failed or returned action is
    /// planned again by the next run.
    Mark {
        /// The report CSV.
        file: PathBuf,
        #[command(flatten)]
        ledger: LedgerArgs,
    },
    /// Check the hash chain of every recorded action (tamper evidence).
    Verify {
        #[command(flatten)]
        ledger: LedgerArgs,
    },
    /// Declare that a rule was renamed: its history counts as the new name's.
    Rename {
        /// The name in the ledger.
        old: String,
        /// The name in the policy.
        new: String,
        #[command(flatten)]
        ledger: LedgerArgs,
    },
}

pub(crate) fn run(args: Args) -> Outcome {
    match command(args.command) {
        Ok(()) => Outcome::Ok,
        Err(o) => o,
    }
}

fn command(command: Command) -> Result<(), Outcome> {
    match command {
        Command::Log { ledger } => {
            let runs = ledger.open()?.runs().map_err(|e| failed(&e))?;
            for run in runs {
                let date = run.date.as_deref().unwrap_or("-");
                let start = if run.start.is_empty() {
                    String::new()
                } else {
                    format!(" ({})", run.start)
                };
                let policy = if run.policy_file.is_empty() {
                    String::new()
                } else {
                    format!(", policy {}", run.policy_file)
                };
                outln!(
                    "#{} {date} {} {}{start}: {} actions{policy}, at {} by dunning {}",
                    run.id,
                    run.kind,
                    run.status,
                    run.actions,
                    run.started_at,
                    run.tool_version
                );
                if !run.policy_hash.is_empty() {
                    outln!("    policy sha256:{}", run.policy_hash);
                }
                for line in run.inputs.lines() {
                    outln!("    {line}");
                }
                if let Some(error) = run.error {
                    outln!("    failed: {error}");
                }
            }
            Ok(())
        }
        Command::Show { invoice, ledger } => {
            let rows = ledger.open()?.invoice(&invoice).map_err(|e| failed(&e))?;
            if rows.is_empty() {
                eprintln!("the ledger has no action for invoice `{invoice}`");
                return Err(Outcome::Found);
            }
            for story in rows {
                let cell = |i: usize| story.cells.get(i).map_or("", String::as_str);
                outln!(
                    "{} {} {} (rule {}, run #{}): {} {} open, {} days overdue; {}",
                    cell(0),
                    cell(4),
                    cell(5),
                    cell(3),
                    story.run,
                    cell(6),
                    cell(7),
                    cell(8),
                    cell(11)
                );
                for (status, reference, date) in &story.marks {
                    if reference.is_empty() {
                        outln!("    {status} on {date}");
                    } else {
                        outln!("    {status} on {date}, reference {reference}");
                    }
                }
            }
            Ok(())
        }
        Command::Export { out, ledger } => {
            super::output::refuse_overwriting(&[("--out", &out)], &[("--ledger", &ledger.ledger)])?;
            let ledger = ledger.open()?;
            let mut sink = super::output::Sink::create(&out).map_err(|e| {
                eprintln!("error: {e}");
                Outcome::Failed
            })?;
            ledger.export(&mut sink).map_err(|e| failed(&e))?;
            sink.flush().map_err(|e| {
                eprintln!("error: cannot write {}: {e}", out.display());
                Outcome::Failed
            })?;
            sink.commit().map_err(|e| {
                eprintln!("error: {e}");
                Outcome::Failed
            })
        }
        Command::Import { file, ledger } => {
            super::output::refuse_overwriting(
                &[("--ledger", &ledger.ledger)],
                &[("the history", &file)],
            )?;
            let bytes = dunning::read_input(&file).map_err(|e| {
                eprintln!("error: cannot read {}: {e}", file.display());
                Outcome::Failed
            })?;
            let name = dunning::input_name(&file);
            let provenance = Provenance {
                inputs: vec![("history".into(), name.clone(), Some(ledger::sha256(&bytes)))],
                ..Provenance::default()
            };
            let n = ledger
                .open()?
                .import(&name, &bytes, &provenance)
                .map_err(|e| failed(&e))?;
            eprintln!("imported {n} history rows into {}", ledger.ledger.display());
            Ok(())
        }
        Command::Mark { file, ledger } => {
            super::output::refuse_overwriting(
                &[("--ledger", &ledger.ledger)],
                &[("the report", &file)],
            )?;
            let bytes = dunning::read_input(&file).map_err(|e| {
                eprintln!("error: cannot read {}: {e}", file.display());
                Outcome::Failed
            })?;
            let n = ledger
                .open()?
                .mark(&dunning::input_name(&file), &bytes)
                .map_err(|e| failed(&e))?;
            eprintln!("marked {n} actions in {}", ledger.ledger.display());
            Ok(())
        }
        Command::Verify { ledger } => {
            let v = ledger.open()?.verify().map_err(|e| failed(&e))?;
            if v.marks == 0 {
                outln!("ok: {} actions, chain head sha256:{}", v.actions, v.head);
            } else {
                outln!(
                    "ok: {} actions, chain head sha256:{}; {} marks, marks head sha256:{}",
                    v.actions,
                    v.head,
                    v.marks,
                    v.marks_head
                );
            }
            Ok(())
        }
        Command::Rename { old, new, ledger } => {
            ledger.open()?.rename(&old, &new).map_err(|e| failed(&e))?;
            eprintln!("renamed `{old}` to `{new}` in {}", ledger.ledger.display());
            Ok(())
        }
    }
}
