//! What the team sends: letters, e-mails, call scripts and work lists,
//! rendered from the templates a policy names (`template "relance-1"`).
//!
//! Templates are user-editable text, and template engines are where
//! dunning tools get hurt (ERPNext's Jinja dunning letters were a
//! server-side template injection, CVE-2025-66434). So the engine is
//! minijinja in a sandbox: it reads only the files of the templates folder,
//! loaded in memory (`include` cannot reach outside it), calls only its
//! built-in filters, and runs with bounded fuel, recursion and output. The
//! variables are a closed set ([`VARIABLES`]), checked by [`check`] before
//! a letter is due: a misspelt variable is an error, not a blank line in a
//! formal notice.
//!
//! A template named `relance-1` is the file `relance-1.txt` of the folder,
//! or `relance-1.LANG.txt` for customers whose `language` attribute is
//! `LANG` (`relance-1.en.txt`).

mod codes;
mod context;
mod eml;
mod error;
pub(crate) mod format;
mod pdf;
mod templates;
mod worklist;

pub(crate) use codes::CODES;
pub use context::{Variable, CREDITOR_FIELDS, CUSTOMER_FIELDS, VARIABLES};
pub use error::TemplateError;
pub use templates::{check, Company, Document, Templates, FUEL, MAX_OUTPUT_BYTES};

use crate::data::RunData;
use crate::policy::{ActionKind, Policy};
use crate::Plan;

/// A file to write in the render folder: its name and its bytes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OutFile {
    /// The file's name, without folder.
    pub name: String,
    /// Its content.
    pub bytes: Vec<u8>,
}

/// A day's documents: the files to write, and what the team should know
/// about them (warnings such as [`TemplateError::NoRecipient`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rendered {
    /// The files, in the order written.
    pub files: Vec<OutFile>,
    /// Warnings about them.
    pub warnings: Vec<TemplateError>,
}

/// How letters are written (`plan --render --letters`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Letters {
    /// A PDF (A4) and the same text as a `.txt` file.
    #[default]
    Both,
    /// A PDF only.
    Pdf,
    /// A text file only.
    Txt,
}

/// How a day's documents are written.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RenderOptions {
    /// Letters (`letter`, `registered_letter`, `formal_notice`) as PDF, text
    /// or both.
    pub letters: Letters,
}

/// Every file of a day's documents: per action with a template, an e-mail
/// (`.eml`), a letter (`.pdf` and, or, `.txt`: `options`) or a text
/// document (call scripts, hand-overs); then
/// `index.csv` (what was written), `call-list.csv` (the day's calls) and
/// `agency.csv` (the invoices handed to the collection agency, with the
/// dates of every reminder sent). The same inputs give the same bytes.
pub fn render_plan(
    policy: &Policy,
    data: &RunData<'_, '_>,
    plan: &Plan<'_>,
    templates: &Templates,
    company: &Company,
    options: RenderOptions,
) -> Result<Rendered, TemplateError> {
    let mut files = Vec::new();
    let mut index = worklist::Index::default();
    let mut unaddressed: Vec<&str> = Vec::new();
    let mut unencodable: Vec<(&str, Vec<char>)> = Vec::new();
    for (n, action) in plan.actions.iter().enumerate() {
        let Some(doc) = templates::render(policy, data, templates, company, action)? else {
            continue;
        };
        let stem = format!(
            "{:03}-{}-{}",
            n + 1,
            worklist::file_safe(action.customer_id),
            worklist::file_safe(action.template.unwrap_or(action.action.as_str()))
        );
        if action.action == ActionKind::Email && doc.to.is_none() {
            unaddressed.push(action.customer_id);
        }
        let letter = matches!(
            action.action,
            ActionKind::Letter | ActionKind::RegisteredLetter | ActionKind::FormalNotice
        );
        let mut written = Vec::new();
        if action.action == ActionKind::Email {
            let bytes = eml::message(&doc, action, n + 1).map_err(|e| TemplateError::Render {
                file: doc.template_file.clone(),
                message: format!("cannot build the e-mail: {e}"),
                span: None,
            })?;
            written.push((format!("{stem}.eml"), bytes));
        } else {
            if letter && options.letters != Letters::Txt {
                let title = action.template.unwrap_or(action.action.as_str());
                written.push((format!("{stem}.pdf"), pdf::letter(&doc.text, title)));
                let lost = pdf::unencodable(&doc.text);
                if !lost.is_empty() {
                    unencodable.push((action.customer_id, lost));
                }
            }
            if !letter || options.letters != Letters::Pdf {
                written.push((format!("{stem}.txt"), doc.text.clone().into_bytes()));
            }
        }
        for (name, bytes) in written {
            index.push(&name, action, &doc);
            files.push(OutFile { name, bytes });
        }
    }
    files.push(OutFile {
        name: "index.csv".into(),
        bytes: index.finish(),
    });
    files.push(OutFile {
        name: "call-list.csv".into(),
        bytes: worklist::call_list(policy, data, plan, &index),
    });
    files.push(OutFile {
        name: "agency.csv".into(),
        bytes: worklist::agency(policy, data, plan),
    });
    let mut warnings: Vec<TemplateError> = no_recipient(policy, &unaddressed).into_iter().collect();
    warnings.extend(
        unencodable
            .into_iter()
            .map(|(customer, chars)| self::unencodable(customer, &chars)),
    );
    Ok(Rendered { files, warnings })
}

/// The warning about e-mails without an address, naming their customers.
fn no_recipient(policy: &Policy, customers: &[&str]) -> Option<TemplateError> {
    const SHOWN: usize = 10;
    if customers.is_empty() {
        return None;
    }
    let mut list = customers
        .iter()
        .take(SHOWN)
        .map(|c| format!("`{c}`"))
        .collect::<Vec<_>>()
        .join(", ");
    if customers.len() > SHOWN {
        list.push_str(&format!(" and {} more", customers.len() - SHOWN));
    }
    let declared = policy
        .attributes
        .iter()
        .any(|a| a.declared && a.name == "email");
    let help = if declared {
        "their invoices have an empty `email` cell: fill it; the .eml files are written without `To:` and marked `no-recipient` in index.csv"
    } else {
        "the recipient is the customer's `email` attribute: declare `attribute email: text` in the policy and give the invoice file an `email` column; the .eml files are written without `To:` and marked `no-recipient` in index.csv"
    };
    Some(TemplateError::NoRecipient {
        count: customers.len(),
        customers: list,
        help: help.into(),
    })
}

/// A customer's statement of account (`plan --render DIR --statement
/// CUSTOMER`): `statement`, from [`crate::statement`], rendered with its
/// template as a letter (`statement-CUSTOMER.pdf` and, or, `.txt`).
pub fn render_statement(
    policy: &Policy,
    data: &RunData<'_, '_>,
    statement: &crate::Action<'_>,
    templates: &Templates,
    company: &Company,
    options: RenderOptions,
) -> Result<Rendered, TemplateError> {
    let mut files = Vec::new();
    let mut warnings = Vec::new();
    if let Some(doc) = templates::render(policy, data, templates, company, statement)? {
        let stem = format!("statement-{}", worklist::file_safe(statement.customer_id));
        if options.letters != Letters::Txt {
            let title = statement.template.unwrap_or("statement");
            files.push(OutFile {
                name: format!("{stem}.pdf"),
                bytes: pdf::letter(&doc.text, title),
            });
            let lost = pdf::unencodable(&doc.text);
            if !lost.is_empty() {
                warnings.push(unencodable(statement.customer_id, &lost));
            }
        }
        if options.letters != Letters::Pdf {
            files.push(OutFile {
                name: format!("{stem}.txt"),
                bytes: doc.text.into_bytes(),
            });
        }
    }
    Ok(Rendered { files, warnings })
}

fn unencodable(customer: &str, chars: &[char]) -> TemplateError {
    TemplateError::Unencodable {
        customer: customer.to_string(),
        characters: chars
            .iter()
            .map(|c| format!("`{c}`"))
            .collect::<Vec<_>>()
            .join(", "),
    }
}
