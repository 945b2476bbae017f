//! An open document: its text and version, and its syntax tree and index
//! of names, made when a request first needs them after a change.

use lsp_types::TextDocumentContentChangeEvent;

use super::index::Index;
use super::text::Text;

pub(super) struct Document {
    pub version: i32,
    pub text: Text,
    syntax: Option<Syntax>,
    /// The last parse, of an older text: the next parse takes its
    /// statements that the edits left alone (`dunning::reparse_owned`).
    stale: Option<dunning::Parsed>,
    /// The parse of the text last formatted in the canonical layout: the
    /// next formatting checks its result reusing its statements
    /// (`dunning::format_reusing`).
    pub canonical: Option<dunning::Parsed>,
}

/// The document parsed, and its names.
pub(super) struct Syntax {
    pub parsed: dunning::Parsed,
    pub index: Index,
}

impl Document {
    pub(super) fn new(version: i32, text: String) -> Document {
        Document {
            version,
            text: Text::new(text),
            syntax: None,
            stale: None,
            canonical: None,
        }
    }

    pub(super) fn change(&mut self, version: i32, changes: Vec<TextDocumentContentChangeEvent>) {
        self.version = version;
        self.text.apply(changes);
        if let Some(syntax) = self.syntax.take() {
            self.stale = Some(syntax.parsed);
        }
    }

    /// The text, and its syntax tree (parsed now if the text changed since).
    pub(super) fn syntax(&mut self) -> (&Text, &Syntax) {
        let stale = &mut self.stale;
        let syntax = self.syntax.get_or_insert_with(|| {
            let parsed = match stale.take() {
                Some(previous) => dunning::reparse_owned(previous, self.text.as_str()),
                None => dunning::parse(self.text.as_str()),
            };
            let index = Index::new(&parsed.ast);
            Syntax { parsed, index }
        });
        (&self.text, syntax)
    }
}
