//! An open document's text, and the conversion between the byte offsets of
//! spans and the protocol's positions: a line and a column counted in
//! UTF-16 code units (the encoding every client supports).

use lsp_types::{Position, Range, TextDocumentContentChangeEvent};

/// A document's text with the offsets its lines start at.
#[derive(Clone, Debug, Default)]
pub(super) struct Text {
    text: String,
    starts: Vec<usize>,
}

impl Text {
    pub(super) fn new(text: String) -> Text {
        // A line ends at `\n`, `\r\n` or a lone `\r`, for the protocol as
        // for the grammar.
        let bytes = text.as_bytes();
        let starts = std::iter::once(0)
            .chain(bytes.iter().enumerate().filter_map(|(i, &b)| {
                let ends = b == b'\n' || (b == b'\r' && bytes.get(i + 1) != Some(&b'\n'));
                ends.then_some(i + 1)
            }))
            .collect();
        Text { text, starts }
    }

    pub(super) fn as_str(&self) -> &str {
        &self.text
    }

    /// The byte offset of a position. A column past the end of its line
    /// is the line's end, a line past the last is the text's end, and a
    /// column inside a character (between the halves of a surrogate pair)
    /// is that character's start: a client's stale position never fails.
    pub(super) fn offset(&self, at: Position) -> usize {
        let Some(&start) = self.starts.get(at.line as usize) else {
            return self.text.len();
        };
        let end = self
            .starts
            .get(at.line as usize + 1)
            .map_or(self.text.len(), |&next| next);
        let line = self.text[start..end].trim_end_matches(['\n', '\r']);
        let end = start + line.len();
        let mut units = 0u32;
        for (i, c) in line.char_indices() {
            let next = units + c.len_utf16() as u32;
            if next > at.character {
                return start + i;
            }
            units = next;
        }
        end
    }

    /// The position of a byte offset (clamped to the text, and to the
    /// character boundary at or before it).
    pub(super) fn position(&self, offset: usize) -> Position {
        let mut offset = offset.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.starts.partition_point(|&s| s <= offset) - 1;
        let start = self.starts[line];
        let character: usize = self.text[start..offset].chars().map(char::len_utf16).sum();
        Position::new(line as u32, character as u32)
    }

    pub(super) fn range(&self, span: dunning::Span) -> Range {
        Range::new(self.position(span.start), self.position(span.end))
    }

    /// The byte range of a protocol range (ends before starts are swapped).
    pub(super) fn span(&self, range: Range) -> dunning::Span {
        let (a, b) = (self.offset(range.start), self.offset(range.end));
        dunning::Span::new(a.min(b), a.max(b))
    }

    /// The range of the whole text.
    pub(super) fn whole(&self) -> Range {
        Range::new(Position::new(0, 0), self.position(self.text.len()))
    }

    /// Applies a client's changes, in order: a change with a range
    /// replaces it, one without replaces the whole text.
    pub(super) fn apply(&mut self, changes: Vec<TextDocumentContentChangeEvent>) {
        for change in changes {
            match change.range {
                Some(range) => {
                    let span = self.span(range);
                    let mut text = std::mem::take(&mut self.text);
                    text.replace_range(span.start..span.end, &change.text);
                    *self = Text::new(text);
                }
                None => *self = Text::new(change.text),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_count_utf16_code_units() {
        // `é` is one unit in two bytes, `𝄞` two units in four bytes.
        let text = Text::new("ab\né𝄞x\r\nlast".to_string());
        assert_eq!(text.position(0), Position::new(0, 0));
        assert_eq!(text.position(3), Position::new(1, 0));
        assert_eq!(text.position(5), Position::new(1, 1));
        assert_eq!(text.position(9), Position::new(1, 3));
        assert_eq!(text.offset(Position::new(1, 3)), 9);
        // Inside the surrogate pair: the character's start.
        assert_eq!(text.offset(Position::new(1, 2)), 5);
        // Past the line's end: before its `\r\n`.
        assert_eq!(text.offset(Position::new(1, 99)), 10);
        assert_eq!(text.offset(Position::new(9, 0)), 16);
        assert_eq!(text.position(99), Position::new(2, 4));
    }

    #[test]
    fn a_lone_carriage_return_ends_a_line() {
        let text = Text::new("a\rbc\r\nd\r".to_string());
        assert_eq!(text.position(2), Position::new(1, 0));
        assert_eq!(text.position(6), Position::new(2, 0));
        assert_eq!(text.position(8), Position::new(3, 0));
        assert_eq!(text.offset(Position::new(0, 9)), 1);
        assert_eq!(text.offset(Position::new(1, 9)), 4);
        assert_eq!(text.offset(Position::new(2, 9)), 7);
    }

    #[test]
    fn edits_apply_in_order() {
        let mut text = Text::new("when overdue > 1d then email\n".to_string());
        let change = |l0, c0, l1, c1, with: &str| TextDocumentContentChangeEvent {
            range: Some(Range::new(Position::new(l0, c0), Position::new(l1, c1))),
            range_length: None,
            text: with.to_string(),
        };
        text.apply(vec![
            change(0, 15, 0, 17, "15d"),
            change(0, 24, 0, 29, "cal"),
        ]);
        assert_eq!(text.as_str(), "when overdue > 15d then cal\n");
        text.apply(vec![change(0, 27, 0, 27, "l é")]);
        assert_eq!(text.as_str(), "when overdue > 15d then call é\n");
    }
}
