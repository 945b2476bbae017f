//! Where a command finds a policy's templates and company file, and how it
//! shows their errors (each in the file its span points into).

use std::path::{Path, PathBuf};

use dunning::document::{Company, TemplateError, Templates};
use dunning::output::diagnostics::{Flat, Renderer};
use dunning::SourceFile;

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
