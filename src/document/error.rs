//! What can be wrong with templates, each with a stable code documented in
//! `codes.rs` (`dunning check --explain dunning::template::missing`).

use miette::{Diagnostic, SourceSpan};
use thiserror::Error;

/// A problem of a templates folder, of one template, or of a policy's
/// reference to a template.
#[derive(Debug, Error, Diagnostic, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum TemplateError {
    /// The policy names a template the folder does not have.
    #[error("no template `{name}` in `{folder}`")]
    #[diagnostic(code("dunning::template::missing"))]
    Missing {
        /// The template's name, as the policy writes it.
        name: String,
        /// The templates folder.
        folder: String,
        /// Where the policy names it.
        #[label("no file `{name}.txt` in the templates folder")]
        span: SourceSpan,
        /// How to fix it.
        #[help]
        help: String,
    },

    /// A template that does not parse.
    #[error("template `{file}` does not parse: {message}")]
    #[diagnostic(code("dunning::template::syntax"))]
    Syntax {
        /// The template's file name.
        file: String,
        /// What the engine says.
        message: String,
        /// Where, in the template.
        #[label("here")]
        span: SourceSpan,
    },

    /// A template uses a variable (or a field of one) that is not offered.
    #[error("unknown variable `{name}` in template `{file}`")]
    #[diagnostic(code("dunning::template::unknown-variable"))]
    UnknownVariable {
        /// The template's file name.
        file: String,
        /// The variable, as written (`customer.nme`).
        name: String,
        /// Where, in the template.
        #[label("not a variable of templates")]
        span: SourceSpan,
        /// How to fix it.
        #[help]
        help: String,
    },

    /// A template that fails when rendered: an unknown field inside a
    /// loop, a function that is not offered, a loop without end (its fuel
    /// runs out), an output too large.
    #[error("template `{file}` fails: {message}")]
    #[diagnostic(code("dunning::template::render"))]
    Render {
        /// The template's file name.
        file: String,
        /// What went wrong.
        message: String,
        /// Where, in the template, when known.
        #[label("here")]
        span: Option<SourceSpan>,
    },

    /// The templates folder or one of its files cannot be read.
    #[error("cannot read the template `{path}`: {message}")]
    #[diagnostic(code("dunning::template::unreadable"))]
    Unreadable {
        /// The file or folder.
        path: String,
        /// Why.
        message: String,
    },

    /// E-mails of the day whose customer has no address: their `.eml`
    /// files have no `To:` header (`index.csv` marks them `no-recipient`).
    #[error("{count} e-mail{} of the day ha{} no recipient: {customers}", if *count == 1 { "" } else { "s" }, if *count == 1 { "s" } else { "ve" })]
    #[diagnostic(code("dunning::template::no-recipient"), severity(Warning))]
    NoRecipient {
        /// How many e-mails.
        count: usize,
        /// Their customers, quoted (the first ten, then how many more).
        customers: String,
        /// How to fix it.
        #[help]
        help: String,
    },

    /// A PDF letter holds characters its font cannot write: they are `?`.
    #[error("the PDF letter to `{customer}` cannot write {characters}: they are `?` in it")]
    #[diagnostic(
        code("dunning::template::unencodable"),
        severity(Warning),
        help("PDF letters use Courier in the Windows-1252 encoding (every letter of French and of Western European languages); send this one from its .txt (`--letters both`, the default)")
    )]
    Unencodable {
        /// The customer.
        customer: String,
        /// The characters, once each, quoted.
        characters: String,
    },

    /// The company file (the creditor's details) is wrong.
    #[error("company file `{path}`: {message}")]
    #[diagnostic(
        code("dunning::template::company"),
        help("the company file is YAML with the keys name, address, postcode, city, country, siret, vat, iban, bic, email, phone, website")
    )]
    Company {
        /// The file.
        path: String,
        /// What is wrong.
        message: String,
    },
}

impl TemplateError {
    /// The template file its span points into; `None` when it points into
    /// the policy ([`TemplateError::Missing`]) or nowhere.
    pub fn template_file(&self) -> Option<&str> {
        match self {
            TemplateError::Syntax { file, .. } | TemplateError::UnknownVariable { file, .. } => {
                Some(file)
            }
            TemplateError::Render { file, span, .. } => span.map(|_| file.as_str()),
            TemplateError::Missing { .. }
            | TemplateError::Unreadable { .. }
            | TemplateError::NoRecipient { .. }
            | TemplateError::Unencodable { .. }
            | TemplateError::Company { .. } => None,
        }
    }
}
