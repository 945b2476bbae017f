//! Where a command finds a policy's templates and company file, and how it
//! shows their errors (each in the file its span points into).

use std::io::Write;
use std::path::{Path, PathBuf};

use clap::ValueEnum;

use dunning::document::{Company, TemplateError, Templates};
use dunning::output::diagnostics::{Flat, Renderer};
use dunning::SourceFile;

use super::Outcome;

/// `--templates DIR` and `--company FILE`, shared by `check` and `plan`.
#[derive(clap::Args, Debug, Clone, Default)]
pub(crate) struct TemplateArgs {
    /// The templates folder (default: `templates/` beside the policy, when it exists).
    #[arg(long, value_name = "DIR")]
    pub(crate) templates: Option<PathBuf>,
    /// The creditor's details, YAML (default: `company.yaml` in the templates folder).
    #[arg(long, value_name = "FILE")]
    pub(crate) company: Option<PathBuf>,
}

impl TemplateArgs {
    /// The templates folder of `policy`: the one given, else `templates/`
    /// beside the policy when there is one.
    pub(crate) fn folder(&self, policy: &Path) -> Option<PathBuf> {
        if let Some(dir) = &self.templates {
            return Some(dir.clone());
        }
        let beside = policy.parent().unwrap_or(Path::new(".")).join("templates");
        beside.is_dir().then_some(beside)
    }

    /// The templates of `policy`, if it has a folder.
    pub(crate) fn load(&self, policy: &Path) -> Result<Option<Templates>, TemplateError> {
        self.folder(policy)
            .map(|dir| Templates::load(&dir))
            .transpose()
    }

    /// The company file: the one given, else `company.yaml` of the folder,
    /// else no details.
    pub(crate) fn company(&self, policy: &Path) -> Result<Company, TemplateError> {
        if let Some(file) = &self.company {
            return Company::read(file);
        }
        match self.folder(policy).map(|d| d.join("company.yaml")) {
            Some(file) if file.is_file() => Company::read(&file),
            _ => Ok(Company::default()),
        }
    }
}

/// `--render DIR` and how documents are written, shared by `plan` and `run`.
#[derive(clap::Args, Debug, Clone)]
pub(crate) struct RenderArgs {
    /// Also write the day's documents into this folder: an e-mail (`.eml`), a letter (`.pdf`,
    /// `.txt`) or a text document per action with a template, `index.csv`, `call-list.csv` and
    /// `agency.csv`.
    #[arg(long, value_name = "DIR")]
    pub(crate) render: Option<PathBuf>,
    /// Letters, registered letters and formal notices with --render: a PDF (A4), a text file, or both.
    #[arg(long, value_enum, default_value_t = LetterFormat::Both, requires = "render")]
    pub(crate) letters: LetterFormat,
    /// With --render, also write this customer's statement of account (`statement-ID.pdf`,
    /// `.txt`): every open invoice on the day, with days overdue and penalties. Repeatable.
    #[arg(long, value_name = "CUSTOMER", requires = "render")]
    pub(crate) statement: Vec<String>,
    /// The template of statements.
    #[arg(long, value_name = "NAME", default_value = "releve-de-compte")]
    pub(crate) statement_template: String,
    #[command(flatten)]
    pub(crate) templates: TemplateArgs,
}

/// `--letters`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum LetterFormat {
    Both,
    Pdf,
    Txt,
}

impl LetterFormat {
    pub(crate) fn options(self) -> dunning::document::RenderOptions {
        use dunning::document::Letters;
        dunning::document::RenderOptions {
            letters: match self {
                LetterFormat::Both => Letters::Both,
                LetterFormat::Pdf => Letters::Pdf,
                LetterFormat::Txt => Letters::Txt,
            },
        }
    }
}

impl RenderArgs {
    /// Writes the day's documents into `dir` (created if need be).
    pub(crate) fn write(
        &self,
        path: &std::path::Path,
        policy: &dunning::Policy,
        data: &dunning::RunData<'_, '_>,
        plan: &dunning::Plan<'_>,
        dir: &std::path::Path,
    ) -> Result<(), Outcome> {
        let show = |e: &dunning::document::TemplateError,
                    templates: Option<&dunning::document::Templates>| {
            let file = dunning::SourceFile::read(path)
                .unwrap_or_else(|_| dunning::SourceFile::new(path.display().to_string(), ""));
            eprint!("{}", render(e, &file, templates, super::color_stderr()));
            Outcome::Found
        };
        let templates = match self.templates.load(path) {
            Ok(Some(t)) => t,
            Ok(None) => {
                eprintln!(
                "error: no templates folder for {}: give one with --templates DIR, or add `templates/` beside the policy",
                path.display()
            );
                return Err(Outcome::Failed);
            }
            Err(e) => return Err(show(&e, None)),
        };
        let company = self.templates.company(path).map_err(|e| show(&e, None))?;
        let rendered = dunning::document::render_plan(
            policy,
            data,
            plan,
            &templates,
            &company,
            self.letters.options(),
        )
        .map_err(|e| show(&e, Some(&templates)))?;
        let mut files = rendered.files;
        let mut warnings = rendered.warnings;
        for customer in &self.statement {
            let Some(statement) = dunning::statement(
                policy,
                *data,
                customer,
                plan.date,
                dunning::policy::ActionKind::Letter,
                &self.statement_template,
            ) else {
                eprintln!(
                    "error: --statement: no invoice of the customer `{customer}` in the data"
                );
                return Err(Outcome::Failed);
            };
            let rendered = dunning::document::render_statement(
                policy,
                data,
                &statement,
                &templates,
                &company,
                self.letters.options(),
            )
            .map_err(|e| show(&e, Some(&templates)))?;
            files.extend(rendered.files);
            warnings.extend(rendered.warnings);
        }
        for warning in &warnings {
            show(warning, Some(&templates));
        }
        std::fs::create_dir_all(dir).map_err(|e| {
            eprintln!("error: cannot create {}: {e}", dir.display());
            Outcome::Failed
        })?;
        for file in files {
            let path = dir.join(&file.name);
            let mut sink = super::output::Sink::create(&path).map_err(|e| {
                eprintln!("error: {e}");
                Outcome::Failed
            })?;
            sink.write_all(&file.bytes)
                .map_err(|e| format!("cannot write {}: {e}", path.display()))
                .and_then(|()| sink.commit())
                .map_err(|e| {
                    eprintln!("error: {e}");
                    Outcome::Failed
                })?;
        }
        Ok(())
    }
}

/// The file a template error's span points into, to render it with.
fn file_of(
    error: &TemplateError,
    policy: &SourceFile,
    templates: Option<&Templates>,
) -> SourceFile {
    match (error.template_file(), templates) {
        (Some(name), Some(t)) => SourceFile::new(
            Path::new(t.folder()).join(name).display().to_string(),
            t.text(name).unwrap_or_default(),
        ),
        _ => policy.clone(),
    }
}

/// A template error as people read it.
pub(crate) fn render(
    error: &TemplateError,
    policy: &SourceFile,
    templates: Option<&Templates>,
    color: bool,
) -> String {
    let file = file_of(error, policy, templates);
    Renderer::new(&file, color).render(error)
}

/// A template error for programs.
pub(crate) fn flatten(
    error: &TemplateError,
    policy: &SourceFile,
    templates: Option<&Templates>,
) -> Flat {
    let file = file_of(error, policy, templates);
    Renderer::new(&file, false).flatten(error)
}
