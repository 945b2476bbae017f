//! The templates folder, the sandboxed engine, and the checks `dunning
//! check` runs on every template a policy names.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::path::Path;

use minijinja::{Environment, UndefinedBehavior};
use serde::Deserialize;

use super::context::{self, VARIABLES};
use super::error::TemplateError;
use crate::data::RunData;
use crate::policy::Policy;
use crate::Action;

/// The instructions one rendering may run: a letter takes a few thousand;
/// a loop without end stops here, within a fraction of a second.
pub const FUEL: u64 = 5_000_000;

/// The largest document a template may write: 1 MiB.
pub const MAX_OUTPUT_BYTES: usize = 1 << 20;

/// The largest template file read: 256 KiB.
const MAX_TEMPLATE_BYTES: u64 = 256 * 1024;

/// How deep blocks, includes and macros may nest.
const RECURSION_LIMIT: usize = 32;

/// The creditor's own details, from the company file (`company.yaml` in
/// the templates folder, or `--company FILE`): what a letter's header and
/// a formal notice state.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(missing_docs)]
pub struct Company {
    pub name: Option<String>,
    pub address: Option<String>,
    pub postcode: Option<String>,
    pub city: Option<String>,
    pub country: Option<String>,
    pub siret: Option<String>,
    pub vat: Option<String>,
    pub iban: Option<String>,
    pub bic: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub website: Option<String>,
}

impl Company {
    /// Reads a company file's YAML; `name` names it in messages.
    pub fn parse(name: &str, text: &str) -> Result<Company, TemplateError> {
        if text.trim().is_empty() {
            return Ok(Company::default());
        }
        serde_yaml::from_str(text).map_err(|e| TemplateError::Company {
            path: name.to_string(),
            message: e.to_string(),
        })
    }

    /// Reads a company file.
    pub fn read(path: &Path) -> Result<Company, TemplateError> {
        let name = path.display().to_string();
        let bytes = crate::read_input(path).map_err(|e| TemplateError::Company {
            path: name.clone(),
            message: e.to_string(),
        })?;
        let text = String::from_utf8(bytes).map_err(|_| TemplateError::Company {
            path: name.clone(),
            message: "not UTF-8 text".into(),
        })?;
        Company::parse(&name, &text)
    }

    pub(crate) fn field(&self, name: &str) -> Option<&str> {
        let f = match name {
            "name" => &self.name,
            "address" => &self.address,
            "postcode" => &self.postcode,
            "city" => &self.city,
            "country" => &self.country,
            "siret" => &self.siret,
            "vat" => &self.vat,
            "iban" => &self.iban,
            "bic" => &self.bic,
            "email" => &self.email,
            "phone" => &self.phone,
            "website" => &self.website,
            _ => return None,
        };
        f.as_deref()
    }
}

/// A folder of templates, read in memory and compiled once.
pub struct Templates {
    folder: String,
    files: BTreeMap<String, String>,
    env: Environment<'static>,
    broken: BTreeMap<String, TemplateError>,
}

impl std::fmt::Debug for Templates {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Templates")
            .field("folder", &self.folder)
            .field("files", &self.files.keys())
            .finish()
    }
}

impl Templates {
    /// Reads every `.txt` file of `dir` (not its subfolders): the only
    /// files templates can reach.
    pub fn load(dir: &Path) -> Result<Templates, TemplateError> {
        let folder = dir.display().to_string();
        let unreadable = |path: &Path, e: &dyn std::fmt::Display| TemplateError::Unreadable {
            path: path.display().to_string(),
            message: e.to_string(),
        };
        let entries = std::fs::read_dir(dir).map_err(|e| unreadable(dir, &e))?;
        let mut files = Vec::new();
        for entry in entries {
            let entry = entry.map_err(|e| unreadable(dir, &e))?;
            let path = entry.path();
            let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
                continue;
            };
            if !name.ends_with(".txt") || !path.is_file() {
                continue;
            }
            let size = entry.metadata().map_err(|e| unreadable(&path, &e))?.len();
            if size > MAX_TEMPLATE_BYTES {
                return Err(unreadable(
                    &path,
                    &format!("larger than the limit of {MAX_TEMPLATE_BYTES} bytes"),
                ));
            }
            let bytes = std::fs::read(&path).map_err(|e| unreadable(&path, &e))?;
            let text =
                String::from_utf8(bytes).map_err(|_| unreadable(&path, &"not UTF-8 text"))?;
            files.push((name.to_string(), text));
        }
        Ok(Templates::from_files(folder, files))
    }

    /// Templates from texts, by file name (`relance-1.txt`).
    pub fn from_files(
        folder: impl Into<String>,
        files: impl IntoIterator<Item = (String, String)>,
    ) -> Templates {
        let mut env = Environment::new();
        env.set_undefined_behavior(UndefinedBehavior::Strict);
        env.set_fuel(Some(FUEL));
        env.set_recursion_limit(RECURSION_LIMIT);
        // Text documents: nothing is escaped by the engine; each output
        // format escapes what it writes (HTML part, CSV cells).
        env.set_auto_escape_callback(|_| minijinja::AutoEscape::None);
        let mut broken = BTreeMap::new();
        let files: BTreeMap<String, String> = files.into_iter().collect();
        for (name, text) in &files {
            if let Err(e) = env.add_template_owned(name.clone(), text.clone()) {
                broken.insert(
                    name.clone(),
                    TemplateError::Syntax {
                        file: name.clone(),
                        message: message(&e),
                        span: span_of(&e, text),
                    },
                );
            }
        }
        Templates {
            folder: folder.into(),
            files,
            env,
            broken,
        }
    }

    /// The folder, as messages name it.
    pub fn folder(&self) -> &str {
        &self.folder
    }

    /// The text of a template file (`relance-1.txt`), for messages.
    pub fn text(&self, file: &str) -> Option<&str> {
        self.files.get(file).map(String::as_str)
    }

    /// The files of the template `name`: `name.txt` and its languages.
    fn variants(&self, name: &str) -> Vec<&str> {
        self.files
            .keys()
            .filter(|f| {
                f.strip_prefix(name).is_some_and(|rest| {
                    rest == ".txt"
                        || rest
                            .strip_prefix('.')
                            .and_then(|r| r.strip_suffix(".txt"))
                            .is_some_and(|lang| !lang.is_empty() && !lang.contains('.'))
                })
            })
            .map(String::as_str)
            .collect()
    }

    /// The file a customer of `language` gets: `name.LANG.txt`, else `name.txt`.
    fn file_for(&self, name: &str, language: &str) -> Option<&str> {
        let localized = format!("{name}.{language}.txt");
        let plain = format!("{name}.txt");
        [localized, plain]
            .into_iter()
            .find_map(|f| self.files.get_key_value(&f).map(|(k, _)| k.as_str()))
    }

    /// The names of templates in the folder (file names without language
    /// and `.txt`), for did-you-mean.
    fn names(&self) -> BTreeSet<&str> {
        self.files
            .keys()
            .filter_map(|f| f.strip_suffix(".txt"))
            .map(|f| f.split('.').next().unwrap_or(f))
            .collect()
    }

    /// Renders `file` with `ctx`, bounded in time (fuel) and size.
    fn render_file<S: serde::Serialize>(
        &self,
        file: &str,
        ctx: S,
    ) -> Result<(String, Option<String>), TemplateError> {
        if let Some(e) = self.broken.get(file) {
            return Err(e.clone());
        }
        let text = self.files.get(file).map(String::as_str).unwrap_or_default();
        let fail = |e: minijinja::Error| {
            // An error inside an included template points there, not here.
            let here = e.name().is_none_or(|n| n == file);
            TemplateError::Render {
                file: file.to_string(),
                message: message(&e),
                span: if here { Some(span_of(&e, text)) } else { None },
            }
        };
        let template = self.env.get_template(file).map_err(fail)?;
        let mut out = Capped(Vec::new());
        let captured = template.render_captured_to(ctx, &mut out).map_err(fail)?;
        let subject = captured
            .state()
            .lookup("subject")
            .filter(|v| !v.is_undefined() && !v.is_none())
            .map(|v| v.to_string());
        let text = String::from_utf8(out.0).map_err(|_| TemplateError::Render {
            file: file.to_string(),
            message: "the output is not UTF-8 text".into(),
            span: None,
        })?;
        Ok((text, subject))
    }
}

/// A writer that refuses to grow past [`MAX_OUTPUT_BYTES`].
struct Capped(Vec<u8>);

impl Write for Capped {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if self.0.len().saturating_add(buf.len()) > MAX_OUTPUT_BYTES {
            return Err(std::io::Error::other(format!(
                "the document is larger than the limit of {MAX_OUTPUT_BYTES} bytes"
            )));
        }
        self.0.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// The engine's message, without the template's name and line (the
/// diagnostic's label shows them).
fn message(e: &minijinja::Error) -> String {
    if e.kind() == minijinja::ErrorKind::UndefinedError {
        return "unknown variable or field (templates get a closed set of variables: see the README)".into();
    }
    let mut m = match e.detail() {
        Some(d) => format!("{}: {d}", e.kind()),
        None => e.kind().to_string(),
    };
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        m.push_str(&format!(": {s}"));
        source = s.source();
    }
    m
}

/// Where an error points in `text`: its range, or its line.
fn span_of(e: &minijinja::Error, text: &str) -> miette::SourceSpan {
    if let Some(r) = e.range().filter(|r| r.end <= text.len()) {
        return (r.start, r.end - r.start).into();
    }
    if let Some(line) = e.line() {
        let start: usize = text
            .split_inclusive('\n')
            .take(line.saturating_sub(1))
            .map(str::len)
            .sum();
        let len = text
            .get(start..)
            .and_then(|rest| rest.lines().next())
            .map_or(0, str::len);
        return (start, len).into();
    }
    (0, 0).into()
}

/// A rendered document.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Document {
    /// The template file rendered (`relance-1.en.txt`).
    pub template_file: String,
    /// The language of the document.
    pub language: String,
    /// The subject the template set (`{% set subject = "…" %}`), for e-mails.
    pub subject: Option<String>,
    /// The customer's e-mail address, its `email` attribute.
    pub to: Option<String>,
    /// The creditor's e-mail address and name, from the company file.
    pub from: (Option<String>, Option<String>),
    /// The text.
    pub text: String,
}

/// The document of `action`; `None` when its rule names no template.
pub(crate) fn render(
    policy: &Policy,
    data: &RunData<'_, '_>,
    templates: &Templates,
    company: &Company,
    action: &Action<'_>,
) -> Result<Option<Document>, TemplateError> {
    let Some(name) = action.template else {
        return Ok(None);
    };
    let ctx = context::build(policy, data, company, action);
    let Some(file) = templates.file_for(name, &ctx.language) else {
        return Err(TemplateError::Missing {
            name: name.to_string(),
            folder: templates.folder.clone(),
            span: (0, 0).into(),
            help: missing_help(templates, name),
        });
    };
    let (text, subject) = templates.render_file(file, &ctx)?;
    let to = ctx
        .customer
        .get("email")
        .filter(|e| !e.trim().is_empty())
        .cloned();
    Ok(Some(Document {
        template_file: file.to_string(),
        language: ctx.language.clone(),
        subject,
        to,
        from: (company.email.clone(), company.name.clone()),
        text,
    }))
}

fn missing_help(templates: &Templates, name: &str) -> String {
    match crate::words::closest(name, templates.names()) {
        Some(s) => format!("did you mean `{s}`? or add `{name}.txt` to the folder"),
        None => format!("add `{name}.txt` to `{}`", templates.folder),
    }
}

/// Where `"name"` is written in the rule's action, else the whole action.
fn template_span(policy_text: &str, action: crate::Span, name: &str) -> miette::SourceSpan {
    let (start, end) = (action.start, action.end);
    let quoted = format!("\"{name}\"");
    policy_text
        .get(start..end.min(policy_text.len()))
        .and_then(|t| t.find(&quoted))
        .map_or((start, end.saturating_sub(start)).into(), |at| {
            (start + at, quoted.len()).into()
        })
}

/// Checks every template `policy` names against `templates`: it exists,
/// parses, uses only the variables of [`VARIABLES`] (and the policy's
/// attributes as `customer` fields), and renders with sample values
/// within the bounds. `policy_text` is the policy's source, for spans.
pub fn check(policy: &Policy, policy_text: &str, templates: &Templates) -> Vec<TemplateError> {
    let mut errors = Vec::new();
    let mut named = BTreeSet::new();
    let mut checked = BTreeSet::new();
    for rule in &policy.rules {
        let Some(name) = rule.action.template.as_deref() else {
            continue;
        };
        if !named.insert(name) {
            continue;
        }
        // The parameters a template may read: those written after `with` by
        // the rules naming it.
        let params: BTreeSet<&str> = policy
            .rules
            .iter()
            .filter(|r| r.action.template.as_deref() == Some(name))
            .flat_map(|r| &r.action.params)
            .map(|p| p.name.as_str())
            .collect();
        let variants = templates.variants(name);
        if variants.is_empty() {
            errors.push(TemplateError::Missing {
                name: name.to_string(),
                folder: templates.folder.clone(),
                span: template_span(policy_text, rule.spans.action, name),
                help: missing_help(templates, name),
            });
        }
        for file in variants {
            if checked.insert(file) {
                errors.extend(check_file(policy, templates, file, &params));
            }
        }
    }
    errors
}

/// The problems of one template file: syntax, unknown variables, then a
/// trial rendering.
fn check_file(
    policy: &Policy,
    templates: &Templates,
    file: &str,
    params: &BTreeSet<&str>,
) -> Vec<TemplateError> {
    if let Some(e) = templates.broken.get(file) {
        return vec![e.clone()];
    }
    let text = templates.text(file).unwrap_or_default();
    let Ok(template) = templates.env.get_template(file) else {
        return Vec::new();
    };
    let globals: BTreeSet<&str> = templates.env.globals().map(|(n, _)| n).collect();
    let attributes: Vec<&str> = policy
        .attributes
        .iter()
        .filter(|a| a.declared)
        .map(|a| a.name.as_str())
        .collect();
    let mut used: Vec<String> = template.undeclared_variables(true).into_iter().collect();
    used.sort();
    let mut errors = Vec::new();
    for name in used {
        let (top, field) = match name.split_once('.') {
            Some((t, f)) => (t, Some(f.split('.').next().unwrap_or(f))),
            None => (name.as_str(), None),
        };
        if top == "subject" || globals.contains(top) {
            continue;
        }
        let Some(var) = VARIABLES.iter().find(|v| v.name == top) else {
            let names = VARIABLES.iter().map(|v| v.name);
            errors.push(unknown(file, text, &name, top, names, "the variables here"));
            continue;
        };
        let Some(field) = field else { continue };
        if top == "params" {
            if !params.contains(field) {
                errors.push(unknown_param(file, text, &name, field, params));
            }
            continue;
        }
        if var.fields.is_empty() {
            continue;
        }
        let mut fields: Vec<&str> = var
            .fields
            .iter()
            .flat_map(|f| {
                if *f == "id" && top == "customer" {
                    let mut all = vec!["id"];
                    all.extend(&attributes);
                    all
                } else {
                    vec![*f]
                }
            })
            .collect();
        let mut seen = BTreeSet::new();
        fields.retain(|f| seen.insert(*f));
        if !fields.contains(&field) {
            let full = format!("{top}.{field}");
            errors.push(unknown(
                file,
                text,
                &full,
                field,
                fields.into_iter(),
                "the variables here",
            ));
        }
    }
    if errors.is_empty() {
        let language = file
            .strip_suffix(".txt")
            .and_then(|f| f.rsplit_once('.'))
            .map_or("fr", |(_, lang)| lang);
        if let Err(e) = templates.render_file(file, context::sample(policy, language)) {
            errors.push(e);
        }
    }
    errors
}

/// `params.NAME` that no rule naming the template writes after `with`.
fn unknown_param(
    file: &str,
    text: &str,
    name: &str,
    field: &str,
    params: &BTreeSet<&str>,
) -> TemplateError {
    if params.is_empty() {
        let at = text.find(name).unwrap_or(0);
        return TemplateError::UnknownVariable {
            file: file.to_string(),
            name: name.to_string(),
            span: (at, if text.is_empty() { 0 } else { name.len() }).into(),
            help: format!(
                "no rule naming this template has parameters: write `with {field} = …` after its action"
            ),
        };
    }
    unknown(
        file,
        text,
        name,
        field,
        params.iter().copied(),
        "the parameters its rules write after `with`",
    )
}

fn unknown<'n>(
    file: &str,
    text: &str,
    name: &str,
    last: &str,
    valid: impl Iterator<Item = &'n str> + Clone,
    what: &str,
) -> TemplateError {
    let at = text.find(name).unwrap_or(0);
    let suggestion = crate::words::closest(last, valid.clone());
    let list = valid
        .map(|v| format!("`{v}`"))
        .collect::<Vec<_>>()
        .join(", ");
    let help = match suggestion {
        Some(s) => format!("did you mean `{s}`? ({what}: {list})"),
        None => format!("{what}: {list}"),
    };
    TemplateError::UnknownVariable {
        file: file.to_string(),
        name: name.to_string(),
        span: (at, if text.is_empty() { 0 } else { name.len() }).into(),
        help,
    }
}
