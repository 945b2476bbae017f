//! Where things are written: byte spans into a policy's text, and the index
//! that turns them into lines and columns.
//!
//! Spans never take part in equality or hashing: two policies are equal
//! when they say the same thing, wherever it was written. The formatter
//! relies on this to prove that formatting changed nothing but layout.

use std::fmt;
use std::hash::{Hash, Hasher};

use serde::Serialize;

/// A byte range in a policy's text. Equality and hashing ignore it (see the
/// module's documentation).
#[derive(Clone, Copy, Default, Serialize)]
pub struct Span {
    /// The first byte.
    pub start: usize,
    /// The byte after the last.
    pub end: usize,
}

impl Span {
    /// The bytes from `start` up to, not including, `end`.
    pub fn new(start: usize, end: usize) -> Self {
        Span { start, end }
    }

    /// How many bytes it covers.
    pub fn len(&self) -> usize {
        self.end.saturating_sub(self.start)
    }

    /// Whether it covers no byte.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The smallest span covering both.
    pub fn to(self, other: Span) -> Span {
        Span::new(self.start.min(other.start), self.end.max(other.end))
    }
}

impl PartialEq for Span {
    fn eq(&self, _: &Span) -> bool {
        true
    }
}

impl Eq for Span {}

impl Hash for Span {
    fn hash<H: Hasher>(&self, _: &mut H) {}
}

impl fmt::Debug for Span {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}..{}", self.start, self.end)
    }
}

impl From<Span> for miette::SourceSpan {
    fn from(s: Span) -> Self {
        (s.start, s.len()).into()
    }
}

/// Makes a struct of spans take no part in equality and hashing, as a
/// [`Span`] does: `Option<Span>` fields (a name or not) would otherwise
/// compare.
macro_rules! ignored_in_equality {
    ($($name:ident),*) => {$(
        impl PartialEq for $name {
            fn eq(&self, _: &$name) -> bool {
                true
            }
        }
        impl Eq for $name {}
        impl std::hash::Hash for $name {
            fn hash<H: std::hash::Hasher>(&self, _: &mut H) {}
        }
    )*};
}

pub(crate) use ignored_in_equality;

/// Where the lines of a text start, to turn byte offsets into lines and
/// columns in O(log n). A line ends at `\n` (so `\r\n` too). Like a span,
/// it takes no part in equality: it is where a policy was written, not what
/// it says.
#[derive(Clone, Debug, Default)]
pub struct LineIndex {
    starts: Vec<usize>,
}

impl PartialEq for LineIndex {
    fn eq(&self, _: &LineIndex) -> bool {
        true
    }
}

impl Eq for LineIndex {}

impl LineIndex {
    /// Indexes the lines of `text`.
    pub fn new(text: &str) -> Self {
        let starts = std::iter::once(0)
            .chain(
                text.bytes()
                    .enumerate()
                    .filter(|(_, b)| *b == b'\n')
                    .map(|(i, _)| i + 1),
            )
            .collect();
        LineIndex { starts }
    }

    /// The 1-based line of a byte offset.
    pub fn line_of(&self, offset: usize) -> usize {
        self.line(offset) + 1
    }

    /// The 0-based line of a byte offset.
    pub(crate) fn line(&self, offset: usize) -> usize {
        self.starts
            .partition_point(|&s| s <= offset)
            .saturating_sub(1)
    }

    /// How many lines the text has (at least one).
    #[cfg(feature = "fancy")]
    pub(crate) fn lines(&self) -> usize {
        self.starts.len()
    }

    /// Where a 0-based line starts and ends (before its `\r\n` or `\n`).
    #[cfg(feature = "fancy")]
    pub(crate) fn bounds(&self, text: &str, line: usize) -> (usize, usize) {
        let start = self.starts.get(line).copied().unwrap_or(text.len());
        let mut end = self
            .starts
            .get(line + 1)
            .map_or(text.len(), |next| next - 1);
        if end > start && text.as_bytes().get(end - 1) == Some(&b'\r') {
            end -= 1;
        }
        (start, end.max(start))
    }

    /// The 1-based line and column (in characters; a byte-order mark does
    /// not count) of a byte offset into `text`, the text indexed.
    pub fn line_col(&self, text: &str, offset: usize) -> (usize, usize) {
        let offset = floor_char_boundary(text, offset.min(text.len()));
        let line = self.line(offset);
        let start = self.starts.get(line).copied().unwrap_or(0);
        let before = text.get(start..offset).unwrap_or("");
        let before = if line == 0 {
            before.strip_prefix('\u{FEFF}').unwrap_or(before)
        } else {
            before
        };
        (line + 1, before.chars().count() + 1)
    }
}

/// The largest char boundary of `text` at or before `i`.
pub(crate) fn floor_char_boundary(text: &str, mut i: usize) -> usize {
    while i > 0 && !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// The smallest char boundary of `text` at or after `i`.
#[cfg(feature = "fancy")]
pub(crate) fn ceil_char_boundary(text: &str, mut i: usize) -> usize {
    while i < text.len() && !text.is_char_boundary(i) {
        i += 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_and_columns_count_from_one_in_characters() {
        let text = "\u{FEFF}ab\r\né x\nlast";
        let index = LineIndex::new(text);
        assert_eq!(index.line_col(text, 3), (1, 1));
        assert_eq!(index.line_col(text, 10), (2, 3));
        assert_eq!(index.line_of(12), 3);
        #[cfg(feature = "fancy")]
        {
            assert_eq!(index.bounds(text, 0), (0, 5));
            assert_eq!(index.lines(), 3);
        }
    }
}
