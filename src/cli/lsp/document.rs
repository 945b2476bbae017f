//! An open document: its text and version, its syntax tree (parsed on
//! each change, and shared with the diagnostics worker, which checks that
//! very parse), and its index of names, made when a request first needs it.

use std::sync::Arc;

use lsp_types::TextDocumentContentChangeEvent;

use super::index::Index;
use super::text::Text;

pub(super) struct Document {
    pub version: i32,
    pub text: Text,
    /// The parse of `text`. The diagnostics worker holds a clone of the
    /// `Arc` while it checks it; the next change takes it back to reparse
    /// (`dunning::reparse_owned`) when the worker is done with it.
    parsed: Arc<dunning::Parsed>,
    index: Option<Index>,
    /// The parse of the text last formatted in the canonical layout: the
    /// next formatting checks its result reusing its statements
    /// (`dunning::format_reusing`).
    pub canonical: Option<dunning::Parsed>,
}

/// The document parsed, and its names.
pub(super) struct Syntax<'a> {
    pub parsed: &'a dunning::Parsed,
    pub index: &'a Index,
}

impl Document {
    pub(super) fn new(version: i32, text: String) -> Document {
        let parsed = Arc::new(dunning::parse(&text));
        Document {
            version,
            text: Text::new(text),
            parsed,
            index: None,
            canonical: None,
        }
    }

    /// Applies the client's changes and parses the new text again, reusing
    /// the statements the edits left alone. The previous parse is moved
    /// into the new one when nothing else holds it; while the diagnostics
    /// worker still checks it, its statements are copied instead (the edit
    /// never waits for the checker).
    pub(super) fn change(&mut self, version: i32, changes: Vec<TextDocumentContentChangeEvent>) {
        self.version = version;
        self.text.apply(changes);
        self.index = None;
        let parsed = match Arc::try_unwrap(std::mem::take(&mut self.parsed)) {
            Ok(previous) => dunning::reparse_owned(previous, self.text.as_str()),
            Err(shared) => dunning::reparse(&shared, self.text.as_str()),
        };
        self.parsed = Arc::new(parsed);
    }

    /// The parse of the current text, for the diagnostics worker.
    pub(super) fn parsed(&self) -> Arc<dunning::Parsed> {
        Arc::clone(&self.parsed)
    }

    /// The text, and its syntax tree and names.
    pub(super) fn syntax(&mut self) -> (&Text, Syntax<'_>) {
        let index = self
            .index
            .get_or_insert_with(|| Index::new(&self.parsed.ast));
        (
            &self.text,
            Syntax {
                parsed: &self.parsed,
                index,
            },
        )
    }
}
