//! Diagnostics as people and machines read them: miette's graphical
//! report, JSON, GitHub workflow annotations, and SARIF.

use std::fmt;

use miette::{Diagnostic, GraphicalReportHandler, GraphicalTheme, Severity};
use serde::Serialize;

use crate::span::{ceil_char_boundary, floor_char_boundary, LineIndex};

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

    /// 1-based line and column (in characters) of a byte offset. Scans the
    /// file: to locate many offsets, use a [`Renderer`].
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        LineIndex::new(&self.text).line_col(&self.text, offset)
    }
}

/// Lines longer than this many bytes are shown as an excerpt around the
/// spot, and underlines longer than this are cut: a 5 MB line must not
/// become a 5 MB error message.
const LONG: usize = 160;

/// The file as miette reads it: the lines around a span, found through the
/// line index rather than by scanning the file, and cut to an excerpt when
/// they are too long to print.
struct Window<'a> {
    name: &'a str,
    text: &'a str,
    index: &'a LineIndex,
}

impl miette::SourceCode for Window<'_> {
    fn read_span<'b>(
        &'b self,
        span: &miette::SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn miette::SpanContents<'b> + 'b>, miette::MietteError> {
        let text = self.text;
        let (start, end) = (span.offset(), span.offset() + span.len());
        if end > text.len() {
            return Err(miette::MietteError::OutOfBounds);
        }
        let first = self.index.line(start);
        let last = self.index.line(end.saturating_sub(1).max(start));
        let (line_start, _) = self.index.bounds(text, first);
        let (_, column) = self.index.line_col(text, start);
        let long = (first..=last).any(|l| {
            let (s, e) = self.index.bounds(text, l);
            e - s > LONG
        });
        let (from, to, data_start, data_end) = if long {
            // An excerpt of the span's own lines, around the span.
            if end - start > 4 * LONG {
                // Two labels far apart on a long line: miette shows them
                // separately when their union cannot be read.
                return Err(miette::MietteError::OutOfBounds);
            }
            let (_, last_end) = self.index.bounds(text, last);
            let from = floor_char_boundary(text, start.saturating_sub(LONG / 2).max(line_start));
            let to = ceil_char_boundary(text, (end + LONG / 2).min(last_end));
            (first, last, from, to)
        } else {
            let from = first.saturating_sub(context_lines_before);
            let to = (last + context_lines_after).min(self.index.lines() - 1);
            let (data_start, _) = self.index.bounds(text, from);
            let (_, data_end) = self.index.bounds(text, to);
            (from, to, data_start, data_end)
        };
        // miette numbers the lines of the excerpt from `line`, and reads
        // the column only when there is no context before.
        let column = if from == first { column - 1 } else { 0 };
        Ok(Box::new(miette::MietteSpanContents::new_named(
            self.name.to_string(),
            &text.as_bytes()[data_start..data_end],
            (data_start, data_end - data_start).into(),
            from,
            column,
            to - from,
        )))
    }
}

/// A diagnostic together with the file it is about, so miette can show the text.
pub struct Located<'a> {
    pub diagnostic: &'a dyn Diagnostic,
    source: Window<'a>,
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
        let text = self.source.text;
        let labels = self.diagnostic.labels()?.map(move |label| {
            // Underline at most a screenful of a very long span.
            let start = floor_char_boundary(text, label.offset().min(text.len()));
            let end = (start + label.len()).min(text.len());
            let end = if end - start > LONG {
                floor_char_boundary(text, start + LONG)
            } else {
                end
            };
            let span = miette::SourceSpan::from((start, end - start));
            if label.primary() {
                miette::LabeledSpan::new_primary_with_span(label.label().map(String::from), span)
            } else {
                miette::LabeledSpan::new_with_span(label.label().map(String::from), span)
            }
        });
        Some(Box::new(labels))
    }
    fn related<'b>(&'b self) -> Option<Box<dyn Iterator<Item = &'b dyn Diagnostic> + 'b>> {
        self.diagnostic.related()
    }
}

/// Renders and flattens the diagnostics of one file, indexing its lines once.
pub struct Renderer<'f> {
    file: &'f SourceFile,
    index: LineIndex,
    handler: GraphicalReportHandler,
}

impl<'f> Renderer<'f> {
    pub fn new(file: &'f SourceFile, color: bool) -> Self {
        let theme = if color {
            GraphicalTheme::unicode()
        } else {
            GraphicalTheme::unicode_nocolor()
        };
        let handler = GraphicalReportHandler::new_themed(theme)
            .with_width(100)
            // Wrap help text between words only: never `rule-` / `2`.
            .with_word_splitter(textwrap::WordSplitter::NoHyphenation)
            .with_break_words(false);
        Renderer {
            file,
            index: LineIndex::new(&file.text),
            handler,
        }
    }

    /// miette's graphical report of one diagnostic.
    pub fn render(&self, diagnostic: &dyn Diagnostic) -> String {
        let located = Located {
            diagnostic,
            source: Window {
                name: &self.file.name,
                text: &self.file.text,
                index: &self.index,
            },
        };
        let mut out = String::new();
        if self.handler.render_report(&mut out, &located).is_err() {
            out = format!("{diagnostic}\n");
        }
        out
    }

    /// One diagnostic flattened for machines (`--format json`).
    pub fn flatten(&self, diagnostic: &dyn Diagnostic) -> Flat {
        let text = &self.file.text;
        // The primary label if there is one (a duplicate, not its first
        // occurrence), else the first.
        let span = diagnostic
            .labels()
            .and_then(|labels| {
                let labels: Vec<_> = labels.collect();
                labels
                    .iter()
                    .find(|l| l.primary())
                    .or(labels.first())
                    .cloned()
            })
            .map(|l| (l.offset(), l.len()));
        let (start, len) = span.unwrap_or((0, 0));
        let (line, column) = self.index.line_col(text, start);
        let (end_line, end_column) = self.index.line_col(text, start + len);
        Flat {
            file: self.file.name.clone(),
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
}

/// Renders one diagnostic as miette's graphical report.
pub fn render_human(diagnostic: &dyn Diagnostic, file: &SourceFile, color: bool) -> String {
    Renderer::new(file, color).render(diagnostic)
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

/// One diagnostic flattened for machines; to flatten many, use a [`Renderer`].
pub fn flatten(diagnostic: &dyn Diagnostic, file: &SourceFile) -> Flat {
    Renderer::new(file, false).flatten(diagnostic)
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
            let summary = crate::code_doc(id).map_or("", |d| d.summary);
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
