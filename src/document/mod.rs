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

/// Every file of a day's documents: per action with a template, an e-mail
/// (`.eml`) or a text document (letters, call scripts, hand-overs); then
/// `index.csv` (what was written), `call-list.csv` (the day's calls) and
/// `agency.csv` (the invoices handed to the collection agency, with the
/// dates of every reminder sent). The same inputs give the same bytes.
pub fn render_plan(
    policy: &Policy,
    data: &RunData<'_, '_>,
    plan: &Plan<'_>,
    templates: &Templates,
    company: &Company,
) -> Result<Vec<OutFile>, TemplateError> {
    let mut files = Vec::new();
    let mut index = worklist::Index::default();
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
        let (name, bytes) = if action.action == ActionKind::Email {
            let bytes = eml::message(&doc, action, n + 1).map_err(|e| TemplateError::Render {
                file: doc.template_file.clone(),
                message: format!("cannot build the e-mail: {e}"),
                span: None,
            })?;
            (format!("{stem}.eml"), bytes)
        } else {
            (format!("{stem}.txt"), doc.text.clone().into_bytes())
        };
        index.push(&name, action, &doc);
        files.push(OutFile { name, bytes });
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
        bytes: worklist::agency(data, plan),
    });
    Ok(files)
}
