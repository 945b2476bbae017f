//! Cuts a file into statements without parsing it, so that a broken
//! statement does not hide the ones after it.
//!
//! The cut follows the grammar's layout rule: a statement starts on a line
//! that is not indented, and continues on the indented lines after it. A
//! comment line or a blank line ends it.

use std::ops::Range;

use super::{SyntaxError, MAX_NESTING};

/// Byte ranges of the statements (and comment lines) of `text`.
pub(crate) fn statements(text: &str) -> Vec<Range<usize>> {
    let mut chunks: Vec<Range<usize>> = Vec::new();
    let mut current: Option<Range<usize>> = None;
    let mut start = 0;
    for line in text.split_inclusive('\n') {
        let end = start + line.len();
        let content = line.trim_end_matches(['\n', '\r']);
        let trimmed = content.trim_start_matches([' ', '\t', '\u{FEFF}']);
        let indented = content.starts_with([' ', '\t']);
        let body = start..start + content.len();
        if trimmed.is_empty() {
            chunks.extend(current.take());
        } else if indented && !trimmed.starts_with('#') && current.is_some() {
            if let Some(c) = current.as_mut() {
                c.end = body.end;
            }
        } else {
            chunks.extend(current.take());
            current = Some(body);
        }
        start = end;
    }
    chunks.extend(current);
    chunks
}

/// The error for a statement whose parentheses or `not`s nest deeper than
/// [`MAX_NESTING`], found by counting, outside quoted text.
pub(crate) fn nesting_error(chunk: &str, offset: usize) -> Option<SyntaxError> {
    let bytes = chunk.as_bytes();
    let mut depth = 0usize;
    let mut nots = 0usize;
    let mut in_string = false;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if in_string {
            match b {
                b'\\' => i += 1,
                b'"' => in_string = false,
                _ => {}
            }
        } else {
            match b {
                b'"' => in_string = true,
                b'#' => break,
                b'(' => depth += 1,
                b')' => depth = depth.saturating_sub(1),
                b'n' if is_word_at(bytes, i, b"not") => nots += 1,
                _ => {}
            }
            if depth + nots > MAX_NESTING {
                return Some(SyntaxError::TooDeep {
                    depth: depth + nots,
                    max: MAX_NESTING,
                    span: (offset + i, 1).into(),
                });
            }
        }
        i += 1;
    }
    None
}

fn is_word_at(bytes: &[u8], i: usize, word: &[u8]) -> bool {
    let is_ident = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
    bytes.get(i..i + word.len()) == Some(word)
        && (i == 0 || !is_ident(bytes[i - 1]))
        && bytes.get(i + word.len()).is_none_or(|b| !is_ident(*b))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cut(text: &str) -> Vec<&str> {
        statements(text).into_iter().map(|r| &text[r]).collect()
    }

    #[test]
    fn indented_lines_continue_a_statement() {
        let text = "when a\n  and b then call\nwhen c then email\n";
        assert_eq!(
            cut(text),
            ["when a\n  and b then call", "when c then email"]
        );
    }

    #[test]
    fn comments_and_blank_lines_end_a_statement() {
        let text = "# head\nwhen a then call\n  # note\n\n  when b then email";
        assert_eq!(
            cut(text),
            [
                "# head",
                "when a then call",
                "  # note",
                "  when b then email"
            ]
        );
    }

    #[test]
    fn crlf_is_a_line_break() {
        assert_eq!(
            cut("when a then call\r\nwhen b then sms\r\n"),
            ["when a then call", "when b then sms"]
        );
    }

    #[test]
    fn nesting_counts_parentheses_and_nots_outside_strings() {
        let deep = format!("when {}a{} then call", "(".repeat(70), ")".repeat(70));
        assert!(nesting_error(&deep, 0).is_some());
        let quoted = format!("when a then email \"{}\"", "(".repeat(70));
        assert!(nesting_error(&quoted, 0).is_none());
        let nots = format!("when {}a then call", "not ".repeat(65));
        assert!(nesting_error(&nots, 0).is_some());
        assert!(nesting_error("when nothing_else and knot then call", 0).is_none());
    }
}
