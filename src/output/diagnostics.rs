//! Diagnostics as people and programs read them: miette's graphical report
//! (with the `fancy` feature), and [`Flat`]: one diagnostic as a file, a
//! line and a column, the shape of `check --format json` and of every
//! machine format built on it (GitHub annotations, SARIF, an editor).

#[cfg(feature = "fancy")]
use std::fmt;

use miette::{Diagnostic, Severity};
#[cfg(feature = "fancy")]
use miette::{GraphicalReportHandler, GraphicalTheme};
use serde::Serialize;

use crate::source::SourceFile;
use crate::span::LineIndex;
#[cfg(feature = "fancy")]
use crate::span::{ceil_char_boundary, floor_char_boundary};

#[cfg(feature = "fancy")]
/// Lines longer than this many bytes are shown as an excerpt around the
/// spot, and underlines longer than this are cut: a 5 MB line must not
/// become a 5 MB error message.
const LONG: usize = 160;

#[cfg(feature = "fancy")]
/// The file as miette reads it: the lines around a span, found through the
/// line index rather than by scanning the file, and cut to an excerpt when
/// they are too long to print.
struct Window<'a> {
    name: &'a str,
    text: &'a str,
    index: &'a LineIndex,
}

#[cfg(feature = "fancy")]
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
#[cfg(feature = "fancy")]
struct Located<'a> {
    diagnostic: &'a dyn Diagnostic,
    source: Window<'a>,
}

#[cfg(feature = "fancy")]
impl fmt::Debug for Located<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.diagnostic, f)
    }
}

#[cfg(feature = "fancy")]
impl fmt::Display for Located<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self.diagnostic, f)
    }
}

#[cfg(feature = "fancy")]
impl std::error::Error for Located<'_> {}

#[cfg(feature = "fancy")]
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
    /// The text as excerpts show it (see [`safe_excerpt`]).
    #[cfg(feature = "fancy")]
    shown: std::borrow::Cow<'f, str>,
    #[cfg(feature = "fancy")]
    handler: GraphicalReportHandler,
}

impl<'f> Renderer<'f> {
    /// A renderer for the diagnostics of `file`; `color` for a terminal.
    pub fn new(file: &'f SourceFile, color: bool) -> Self {
        #[cfg(not(feature = "fancy"))]
        let _ = color;
        Renderer {
            file,
            index: LineIndex::new(file.text()),
            #[cfg(feature = "fancy")]
            shown: safe_excerpt(file.text()),
            #[cfg(feature = "fancy")]
            handler: handler(color),
        }
    }

    /// miette's graphical report of one diagnostic, as a person reads it.
    #[cfg(feature = "fancy")]
    pub fn render(&self, diagnostic: &dyn Diagnostic) -> String {
        let located = Located {
            diagnostic,
            source: Window {
                name: self.file.name(),
                text: &self.shown,
                index: &self.index,
            },
        };
        let mut out = String::new();
        if self.handler.render_report(&mut out, &located).is_err() {
            out = format!("{diagnostic}\n");
        }
        out
    }

    /// One diagnostic flattened for programs (`--format json`).
    pub fn flatten(&self, diagnostic: &dyn Diagnostic) -> Flat {
        let text = self.file.text();
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
            file: self.file.name().to_string(),
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

/// miette's report handler: 100 columns, help wrapped between words.
#[cfg(feature = "fancy")]
fn handler(color: bool) -> GraphicalReportHandler {
    let theme = if color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    GraphicalReportHandler::new_themed(theme)
        .with_width(100)
        // Wrap help text between words only: never `rule-` / `2`.
        .with_word_splitter(textwrap::WordSplitter::NoHyphenation)
        .with_break_words(false)
}

/// Renders one diagnostic as miette's graphical report; to render many,
/// use a [`Renderer`].
#[cfg(feature = "fancy")]
pub fn render_human(diagnostic: &dyn Diagnostic, file: &SourceFile, color: bool) -> String {
    Renderer::new(file, color).render(diagnostic)
}

/// One diagnostic, flattened for programs: the objects of `check --format
/// json`.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Flat {
    /// The file, as messages name it.
    pub file: String,
    /// `error`, `warning` or `note`.
    pub severity: &'static str,
    /// The stable code (`dunning::check::unknown-fact`).
    pub code: String,
    /// The message, lowercase.
    pub message: String,
    /// Where the text it is about starts: line and column (in characters),
    /// both from 1.
    pub line: usize,
    /// See `line`.
    pub column: usize,
    /// Where it ends: the column just after the text.
    pub end_line: usize,
    /// See `end_line`.
    pub end_column: usize,
    /// How to fix it, when known.
    pub help: Option<String>,
}

/// One diagnostic flattened for programs; to flatten many, use a [`Renderer`].
pub fn flatten(diagnostic: &dyn Diagnostic, file: &SourceFile) -> Flat {
    Renderer::new(file, false).flatten(diagnostic)
}

/// The JSON object of `check --format json`: `{"diagnostics": [...]}`.
pub fn json(flats: &[Flat]) -> String {
    let json = serde_json::json!({ "diagnostics": flats });
    serde_json::to_string_pretty(&json).unwrap_or_default()
}

/// The policy as the excerpts of a report show it: a control character
/// (ESC, BEL, but not a tab or a line break) or an invisible one (a
/// zero-width space, a right-to-left override) becomes as many `?` as it
/// has bytes, so that the terminal never runs it, the reader sees where it
/// is, and every byte offset still points at the same place.
#[cfg(feature = "fancy")]
fn safe_excerpt(text: &str) -> std::borrow::Cow<'_, str> {
    // A byte-order mark that starts the file is where it belongs.
    let unsafe_char = |(i, c): (usize, char)| {
        (c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
            || (crate::words::is_invisible(c) && !(i == 0 && c == '\u{FEFF}'))
    };
    if !text.char_indices().any(unsafe_char) {
        return text.into();
    }
    let mut out = String::with_capacity(text.len());
    for (i, c) in text.char_indices() {
        if unsafe_char((i, c)) {
            out.extend(std::iter::repeat_n('?', c.len_utf8()));
        } else {
            out.push(c);
        }
    }
    out.into()
}
