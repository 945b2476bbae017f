//! A policy file: its name for messages and its text. The one path from a
//! file to its diagnostics: [`SourceFile::read`], [`SourceFile::check`],
//! then `output::diagnostics::Renderer` (for people) or `flatten` (for
//! programs).

use std::path::Path;

use crate::check::{check, Checked};
use crate::syntax::{parse, Parsed, SyntaxError};

/// A policy file's name (as messages call it) and its text. Bytes that are
/// not UTF-8 are kept as a lossy text, to show, with the error that says
/// so: such a file parses to nothing but that error.
#[derive(Clone, Debug)]
pub struct SourceFile {
    name: String,
    text: String,
    not_utf8: Option<SyntaxError>,
}

impl SourceFile {
    /// A file of text.
    pub fn new(name: impl Into<String>, text: impl Into<String>) -> Self {
        SourceFile {
            name: name.into(),
            text: text.into(),
            not_utf8: None,
        }
    }

    /// A file's bytes, read as UTF-8 text.
    pub fn from_bytes(name: impl Into<String>, bytes: &[u8]) -> Self {
        let (text, not_utf8) = match std::str::from_utf8(bytes) {
            Ok(text) => (text.to_string(), None),
            Err(e) => {
                let offset = e.valid_up_to();
                let error = SyntaxError::NotUtf8 {
                    offset,
                    // Shown in the lossy text, where the bad byte became
                    // U+FFFD (3 bytes).
                    span: (offset, 3).into(),
                };
                (String::from_utf8_lossy(bytes).into_owned(), Some(error))
            }
        };
        SourceFile {
            name: name.into(),
            text,
            not_utf8,
        }
    }

    /// Reads a file, named in messages as the path is written.
    pub fn read(path: &Path) -> std::io::Result<Self> {
        let bytes = std::fs::read(path)?;
        Ok(SourceFile::from_bytes(path.display().to_string(), &bytes))
    }

    /// The name messages call the file by.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The text (lossy when the bytes are not UTF-8).
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The error of bytes that are not UTF-8 text, if they are not.
    pub fn not_utf8(&self) -> Option<&SyntaxError> {
        self.not_utf8.as_ref()
    }

    /// The file parsed; a file that is not UTF-8 text parses to its error alone.
    pub fn parse(&self) -> Parsed {
        match &self.not_utf8 {
            Some(error) => Parsed::unreadable(self.text.clone(), error.clone()),
            None => parse(&self.text),
        }
    }

    /// The file parsed and checked.
    pub fn check(&self) -> Checked {
        check(&self.parse())
    }
}
