//! Diagnostics as people and machines read them: miette's graphical
//! report, JSON, GitHub workflow annotations, and SARIF.

use std::fmt;

use miette::{Diagnostic, GraphicalReportHandler, GraphicalTheme, NamedSource, Severity};
use serde::Serialize;

/// A file's name and text, for pointing into it.
#[derive(Clone, Debug)]
pub struct SourceFile {
    pub name: String,
    pub text: String,
}

impl SourceFile {
    pub fn new(name: impl Into<String>, text: impl Into<String>) -> Self {
        SourceFile {
            name: name.into(),
            text: text.into(),
        }
    }

    /// 1-based line and column (in characters) of a byte offset.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let mut line = 1;
        let mut line_start = 0;
        for (i, b) in self.text.as_bytes()[..offset].iter().enumerate() {
            if *b == b'\n' {
                line += 1;
                line_start = i + 1;
            }
        }
        let col = self
            .text
            .get(line_start..offset)
            .map_or(offset - line_start, |s| s.chars().count())
            + 1;
        (line, col)
    }
}

/// A diagnostic together with the file it is about, so miette can show the text.
pub struct Located<'a> {
    pub diagnostic: &'a dyn Diagnostic,
    pub source: NamedSource<String>,
}

impl fmt::Debug for Located<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.diagnostic, f)
    }
}

impl fmt::Display for Located<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self.diagnostic, f)
    }
}

impl std::error::Error for Located<'_> {}

impl Diagnostic for Located<'_> {
    fn code<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        self.diagnostic.code()
    }
    fn severity(&self) -> Option<Severity> {
        self.diagnostic.severity()
    }
    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        self.diagnostic.help()
    }
    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        Some(&self.source)
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = miette::LabeledSpan> + '_>> {
        self.diagnostic.labels()
    }
    fn related<'b>(&'b self) -> Option<Box<dyn Iterator<Item = &'b dyn Diagnostic> + 'b>> {
        self.diagnostic.related()
    }
}

/// Renders one diagnostic as miette's graphical report.
pub fn render_human(diagnostic: &dyn Diagnostic, file: &SourceFile, color: bool) -> String {
    let located = Located {
        diagnostic,
        source: NamedSource::new(&file.name, file.text.clone()),
    };
    let theme = if color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme).with_width(100);
    let mut out = String::new();
    if handler.render_report(&mut out, &located).is_err() {
        out = format!("{diagnostic}\n");
    }
    out
}

/// One diagnostic, flattened for machines (`--format json`).
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Flat {
    pub file: String,
    pub severity: &'static str,
    pub code: String,
    pub message: String,
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
    pub help: Option<String>,
}

pub fn flatten(diagnostic: &dyn Diagnostic, file: &SourceFile) -> Flat {
    let span = diagnostic
        .labels()
        .and_then(|mut l| l.next())
        .map(|l| (l.offset(), l.len()));
    let (start, len) = span.unwrap_or((0, 0));
    let (line, column) = file.line_col(start);
    let (end_line, end_column) = file.line_col(start + len);
    Flat {
        file: file.name.clone(),
        severity: match diagnostic.severity() {
            Some(Severity::Warning) => "warning",
            Some(Severity::Advice) => "note",
            _ => "error",
        },
        code: diagnostic.code().map(|c| c.to_string()).unwrap_or_default(),
        message: diagnostic.to_string(),
        line,
        column,
        end_line,
        end_column,
        help: diagnostic.help().map(|h| h.to_string()),
    }
}

/// `::error file=…,line=…,col=…::message`, as GitHub Actions reads it.
pub fn github_annotation(flat: &Flat) -> String {
    let level = if flat.severity == "warning" {
        "warning"
    } else {
        "error"
    };
    let mut message = flat.message.clone();
    if let Some(help) = &flat.help {
        message.push_str("\nhelp: ");
        message.push_str(help);
    }
    format!(
        "::{level} file={},line={},col={},endLine={},endColumn={},title={}::{}",
        escape_property(&flat.file),
        flat.line,
        flat.column,
        flat.end_line,
        flat.end_column,
        escape_property(&flat.code),
        escape_data(&message)
    )
}

fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

/// A SARIF 2.1.0 log of the diagnostics, for code-scanning dashboards.
pub fn sarif(flats: &[Flat]) -> serde_json::Value {
    use serde_json::json;
    let mut rule_ids: Vec<&str> = flats.iter().map(|f| f.code.as_str()).collect();
    rule_ids.sort_unstable();
    rule_ids.dedup();
    let rules: Vec<_> = rule_ids
        .iter()
        .map(|id| {
            let summary = crate::check::codes::find(id).map_or("", |d| d.summary);
            json!({
                "id": id,
                "shortDescription": { "text": summary },
                "help": { "text": format!("run `dunning check --explain {id}`") },
            })
        })
        .collect();
    let results: Vec<_> = flats
        .iter()
        .map(|f| {
            let mut text = f.message.clone();
            if let Some(help) = &f.help {
                text.push_str("\nhelp: ");
                text.push_str(help);
            }
            json!({
                "ruleId": f.code,
                "level": if f.severity == "warning" { "warning" } else { "error" },
                "message": { "text": text },
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": { "uri": f.file },
                        "region": {
                            "startLine": f.line,
                            "startColumn": f.column,
                            "endLine": f.end_line,
                            "endColumn": f.end_column,
                        }
                    }
                }]
            })
        })
        .collect();
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "dunning",
                "version": env!("CARGO_PKG_VERSION"),
                "informationUri": "https://example.invalid/dunning",
                "rules": rules,
            }},
            "results": results,
        }]
    })
}
