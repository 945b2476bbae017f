//! An open document: its text and version, and its syntax tree and index
//! of names, made when a request first needs them after a change.

use lsp_types::TextDocumentContentChangeEvent;

use super::index::Index;
use super::text::Text;

pub(super) struct Document {
    pub version: i32,
    pub text: Text,
    syntax: Option<Syntax>,
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
        }
    }

    pub(super) fn change(&mut self, version: i32, changes: Vec<TextDocumentContentChangeEvent>) {
        self.version = version;
        self.text.apply(changes);
        self.syntax = None;
    }

    /// The text, and its syntax tree (parsed now if the text changed since).
    pub(super) fn syntax(&mut self) -> (&Text, &Syntax) {
        let syntax = self.syntax.get_or_insert_with(|| {
            let parsed = dunning::parse(self.text.as_str());
            let index = Index::new(&parsed.ast);
            Syntax { parsed, index }
        });
        (&self.text, syntax)
    }
}
