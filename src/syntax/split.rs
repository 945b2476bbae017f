//! Cuts a file into statements without parsing it, so that a broken
//! statement does not hide the ones after it.
//!
//! The cut follows the grammar's layout rule: a statement starts on a line
//! that is not indented, and continues on the indented lines after it. A
//! comment line or a blank line ends it; an indented line after one (or
//! at the top of the file) starts a statement, as nothing is left to
//! continue. A line ends where the grammar's `NEWLINE` ends one: at `\n`,
//! `\r\n`, or a `\r` on its own.

use std::ops::Range;

use super::{SyntaxError, MAX_NESTING};

/// Byte ranges of the statements (and comment lines) of `text`.
pub(crate) fn statements(text: &str) -> Vec<Range<usize>> {
    let mut chunks: Vec<Range<usize>> = Vec::new();
    let mut current: Option<Range<usize>> = None;
    // Whether `current` is a comment line, which no line continues.
    let mut comment = false;
    let mut start = 0;
    for line in lines(text) {
        let end = start + line.len();
        let content = line.trim_end_matches(['\n', '\r']);
        let trimmed = content.trim_start_matches([' ', '\t', '\u{FEFF}']);
        let indented = content.starts_with([' ', '\t']);
        let body = start..start + content.len();
        if trimmed.is_empty() {
            chunks.extend(current.take());
        } else if indented && !trimmed.starts_with('#') && current.is_some() && !comment {
            if let Some(c) = current.as_mut() {
                c.end = body.end;
            }
        } else {
            chunks.extend(current.take());
            current = Some(body);
            comment = trimmed.starts_with('#');
        }
        start = end;
    }
    chunks.extend(current);
    chunks
}

/// The lines of `text`, each with its line break: a lone `\r` breaks a line
/// for the grammar (pest's `NEWLINE`), so it must here too, or a statement
/// cut out here would not parse as it does in the whole file.
fn lines(text: &str) -> impl Iterator<Item = &str> {
    let bytes = text.as_bytes();
    let mut start = 0;
    std::iter::from_fn(move || {
        if start >= bytes.len() {
            return None;
        }
        let end = match bytes[start..]
            .iter()
            .position(|&b| b == b'\n' || b == b'\r')
        {
            None => bytes.len(),
            Some(i) if bytes[start + i] == b'\r' && bytes.get(start + i + 1) == Some(&b'\n') => {
                start + i + 2
            }
            Some(i) => start + i + 1,
        };
        let line = &text[start..end];
        start = end;
        Some(line)
    })
}

/// How many line breaks `text` holds, counted as the grammar counts them.
pub(crate) fn line_breaks(text: &str) -> usize {
    lines(text)
        .filter(|line| line.ends_with(['\n', '\r']))
        .count()
}

/// The error for a statement whose parentheses or `not`s nest deeper than
/// [`MAX_NESTING`], found by counting, outside quoted text.
///
/// The depth at a point is the number of open parentheses plus the number
/// of `not`s whose operand is still open: a `not` binds tighter than `and`
/// and `or`, so an `and` or `or` closes the `not`s before it at its level,
/// and a `)` closes those inside it. `x not in [..]` is a membership test,
/// not a nesting `not`. So `not a and not b and …` stays shallow however
/// long it is, while `not not not …` and `((( …` do not.
pub(crate) fn nesting_error(chunk: &str, offset: usize) -> Option<SyntaxError> {
    let bytes = chunk.as_bytes();
    // Open `not`s at each parenthesis level; the last is the current level.
    let mut levels: Vec<usize> = vec![0];
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
            i += 1;
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'#' => break,
            b'(' => levels.push(0),
            b')' if levels.len() > 1 => nots -= levels.pop().unwrap_or(0),
            b'n' if is_word_at(bytes, i, b"not") && !followed_by_in(bytes, i + 3) => {
                nots += 1;
                if let Some(top) = levels.last_mut() {
                    *top += 1;
                }
            }
            b'a' | b'o' if is_word_at(bytes, i, b"and") || is_word_at(bytes, i, b"or") => {
                if let Some(top) = levels.last_mut() {
                    nots -= *top;
                    *top = 0;
                }
            }
            _ => {}
        }
        let depth = levels.len() - 1 + nots;
        if depth > MAX_NESTING {
            return Some(SyntaxError::TooDeep {
                depth,
                max: MAX_NESTING,
                span: (offset + i, 1).into(),
            });
        }
        i += 1;
    }
    None
}

/// Whether the next word after `i` (past blanks) is `in`.
fn followed_by_in(bytes: &[u8], mut i: usize) -> bool {
    while bytes.get(i).is_some_and(|b| b.is_ascii_whitespace()) {
        i += 1;
    }
    is_word_at(bytes, i, b"in")
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
    fn an_indented_line_after_a_comment_starts_a_statement() {
        // As on the first line of the file (issue 11, item 18).
        let text = "# head\n  when a then call\n    and b\n# two\n\twhen c then sms\n";
        assert_eq!(
            cut(text),
            [
                "# head",
                "  when a then call\n    and b",
                "# two",
                "\twhen c then sms"
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
    fn a_lone_carriage_return_is_a_line_break() {
        assert_eq!(
            cut("\r# note\rwhen a then call\r  and b then sms\r\n\rset c = 1d"),
            ["# note", "when a then call\r  and b then sms", "set c = 1d"]
        );
        assert_eq!(
            lines("a\rb\r\nc\n\r").collect::<Vec<_>>(),
            ["a\r", "b\r\n", "c\n", "\r"]
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

    #[test]
    fn long_flat_conditions_are_not_deep() {
        let ands = format!("when {}a then call", "not a and ".repeat(500));
        assert!(nesting_error(&ands, 0).is_none());
        let ors = format!("when {}a then call", "(not a) or ".repeat(500));
        assert!(nesting_error(&ors, 0).is_none());
        let members = format!("when {}a then call", "x not in [y] and ".repeat(500));
        assert!(nesting_error(&members, 0).is_none());
        let nested = format!("when {}a{} then call", "not (".repeat(40), ")".repeat(40));
        assert!(nesting_error(&nested, 0).is_some());
    }
}
