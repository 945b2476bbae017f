//! Parsing an edited text again, statement by statement, reusing the
//! statements whose text did not change: an editor's language server
//! re-parses on every keystroke, and a 5,000-rule file takes the grammar
//! far longer than the one statement the keystroke changed.
//!
//! The file is cut into statements as [`parse`](super::parse) cuts it after
//! a syntax error (`split::statements`); a statement whose text is in the
//! previous parse gets that parse's items (or error), moved to where it now
//! is; any other is parsed. Every statement parsed on its own gives what
//! the whole file's parse gives (the test below holds them equal, spans
//! included, over random edits).

use std::collections::HashMap;
use std::ops::Range;

use miette::SourceSpan;

use super::ast::{
    Action, AttributeTypeExpr, Comment, Condition, ConditionKind, Ident, Item, ItemKind, List,
    Literal, SettingValue, Statement, StatementKind,
};
use super::parser::{self, Rule};
use super::{error_offset, finish, split, Broken, Parsed, SyntaxError};
use crate::span::Span;

/// What one statement of the previous text parsed to.
enum Done<'a> {
    /// These items of the previous parse.
    Items(Range<usize>),
    Error(&'a SyntaxError),
}

/// Parses `text`, the text of `previous` edited, reusing what did not
/// change; the same as `parse(text)`.
pub fn reparse(previous: &Parsed, text: &str) -> Parsed {
    let starts: Vec<usize> = previous.ast.items.iter().map(|i| i.span.start).collect();
    reparse_with(
        previous.source(),
        &starts,
        &previous.errors,
        text,
        |range| Some(previous.ast.items[range].to_vec()),
    )
}

/// [`reparse`], taking the previous parse: the statements it reuses are
/// moved, not copied (a language server no longer needs the parse of the
/// text before the edit; on a large file, copying its tree and freeing the
/// old one took as long as the rest).
pub fn reparse_owned(previous: Parsed, text: &str) -> Parsed {
    let Parsed {
        source,
        ast,
        errors,
        ..
    } = previous;
    let starts: Vec<usize> = ast.items.iter().map(|i| i.span.start).collect();
    let mut slots: Vec<Option<Item>> = ast.items.into_iter().map(Some).collect();
    // A statement written twice takes its items once; the second is parsed.
    reparse_with(&source, &starts, &errors, text, |range| {
        slots[range].iter_mut().map(Option::take).collect()
    })
}

/// The reparse of `text` from the previous text `old`, whose items start at
/// `starts` and whose errors are `old_errors`; `take` gives the items of a
/// range of the previous ones, or `None` when it cannot (they are parsed).
fn reparse_with(
    old: &str,
    starts: &[usize],
    old_errors: &[SyntaxError],
    text: &str,
    mut take: impl FnMut(Range<usize>) -> Option<Vec<Item>>,
) -> Parsed {
    let chunks = split::statements(text);
    let old_chunks = split::statements(old);
    // The previous statements by their text: where each started, and what it gave.
    let mut done: HashMap<&str, (usize, Done<'_>)> = HashMap::with_capacity(old_chunks.len());
    let (mut next, mut errors) = (0, old_errors.iter().peekable());
    for chunk in &old_chunks {
        let first = next;
        while next < starts.len() && starts[next] < chunk.end {
            next += 1;
        }
        let error = errors.next_if(|e| {
            let at = error_offset(e);
            chunk.start <= at && at <= chunk.end
        });
        let result = match error {
            Some(e) => Done::Error(e),
            None => Done::Items(first..next),
        };
        done.insert(&old[chunk.clone()], (chunk.start, result));
    }

    // A statement nested too deep makes `parse` parse statement by
    // statement, its error aside: `parse` does that. Counting the nesting
    // of a statement already parsed is not needed, its error says it.
    let too_deep = |piece: &str, start: usize| match done.get(piece) {
        Some((_, Done::Error(e))) => matches!(e, SyntaxError::TooDeep { .. }),
        Some((_, Done::Items(_))) => false,
        None => split::nesting_error(piece, start).is_some(),
    };
    if chunks.iter().any(|c| too_deep(&text[c.clone()], c.start)) {
        return super::parse(text);
    }

    let mut items = Vec::with_capacity(starts.len() + 1);
    let mut errors = Vec::new();
    let mut broken = Broken::default();
    for chunk in &chunks {
        let piece = &text[chunk.clone()];
        let reused = match done.get(piece) {
            Some((start, Done::Items(range))) => take(range.clone()).map(|found| {
                let by = chunk.start as isize - *start as isize;
                items.extend(found.into_iter().map(|mut item| {
                    item.shift(by);
                    item
                }));
            }),
            Some((start, Done::Error(e))) => {
                errors.push(shifted_error(
                    (*e).clone(),
                    chunk.start as isize - *start as isize,
                ));
                broken.add(piece);
                Some(())
            }
            None => None,
        };
        if reused.is_none() {
            match parser::parse_items(piece, Rule::single_statement, chunk.start, text) {
                Ok(found) => items.extend(found),
                Err(e) => {
                    errors.push(e);
                    broken.add(piece);
                }
            }
        }
    }
    for item in &mut items {
        item.blank_line_before = false;
    }
    finish(items, text, errors, broken)
}

fn moved(span: &mut Span, by: isize) {
    span.start = span.start.saturating_add_signed(by);
    span.end = span.end.saturating_add_signed(by);
}

fn moved_source(span: SourceSpan, by: isize) -> SourceSpan {
    (span.offset().saturating_add_signed(by), span.len()).into()
}

fn shifted_error(error: SyntaxError, by: isize) -> SyntaxError {
    match error {
        SyntaxError::Unexpected {
            expected,
            found,
            span,
            label,
            help,
        } => SyntaxError::Unexpected {
            expected,
            found,
            span: moved_source(span, by),
            label,
            help,
        },
        SyntaxError::TooDeep { depth, max, span } => SyntaxError::TooDeep {
            depth,
            max,
            span: moved_source(span, by),
        },
        SyntaxError::NotUtf8 { offset, span } => SyntaxError::NotUtf8 {
            offset,
            span: moved_source(span, by),
        },
        SyntaxError::Internal(message) => SyntaxError::Internal(message),
    }
}

/// Moves every span of a node by `by` bytes.
trait Shift {
    fn shift(&mut self, by: isize);
}

impl Shift for Item {
    fn shift(&mut self, by: isize) {
        moved(&mut self.span, by);
        match &mut self.kind {
            ItemKind::Statement(s) => s.shift(by),
            ItemKind::Comment(c) => c.shift(by),
        }
    }
}

impl Shift for Comment {
    fn shift(&mut self, by: isize) {
        moved(&mut self.span, by);
    }
}

impl Shift for Ident {
    fn shift(&mut self, by: isize) {
        moved(&mut self.span, by);
    }
}

impl Shift for Literal {
    fn shift(&mut self, by: isize) {
        moved(&mut self.span, by);
    }
}

impl Shift for List {
    fn shift(&mut self, by: isize) {
        moved(&mut self.span, by);
        for item in &mut self.items {
            item.shift(by);
        }
    }
}

impl<T: Shift> Shift for Option<T> {
    fn shift(&mut self, by: isize) {
        if let Some(t) = self {
            t.shift(by);
        }
    }
}

impl Shift for Statement {
    fn shift(&mut self, by: isize) {
        moved(&mut self.span, by);
        self.trailing_comment.shift(by);
        match &mut self.kind {
            StatementKind::Rule(rule) => {
                moved(&mut rule.span, by);
                rule.name.shift(by);
                for old in &mut rule.was {
                    old.shift(by);
                }
                rule.condition.shift(by);
                rule.action.shift(by);
                rule.repeat.shift(by);
            }
            StatementKind::Setting(setting) => {
                moved(&mut setting.span, by);
                setting.name.shift(by);
                match &mut setting.value {
                    SettingValue::One(l) => l.shift(by),
                    SettingValue::List(l) => l.shift(by),
                    SettingValue::Rate(r) => moved(&mut r.span, by),
                }
            }
            StatementKind::Attribute(decl) => {
                moved(&mut decl.span, by);
                decl.name.shift(by);
                match &mut decl.ty {
                    AttributeTypeExpr::OneOf(l) => l.shift(by),
                    AttributeTypeExpr::Named(i) => i.shift(by),
                }
            }
            StatementKind::Pause(pause) => {
                moved(&mut pause.span, by);
                pause.name.shift(by);
                pause.condition.shift(by);
            }
            StatementKind::Scope(scope) => {
                moved(&mut scope.span, by);
                scope.test.subject.shift(by);
                scope.test.list.shift(by);
            }
        }
    }
}

impl Shift for Action {
    fn shift(&mut self, by: isize) {
        moved(&mut self.span, by);
        self.name.shift(by);
        self.template.shift(by);
        for param in &mut self.params {
            moved(&mut param.span, by);
            param.name.shift(by);
            param.value.shift(by);
        }
    }
}

/// The parser bounds nesting (`MAX_NESTING`), so this recursion is too.
impl Shift for Condition {
    fn shift(&mut self, by: isize) {
        moved(&mut self.span, by);
        match &mut self.kind {
            ConditionKind::And(all) | ConditionKind::Or(all) => {
                for c in all {
                    c.shift(by);
                }
            }
            ConditionKind::Not(inner) => inner.shift(by),
            ConditionKind::Compare(cmp) => {
                cmp.lhs.shift(by);
                moved(&mut cmp.op_span, by);
                cmp.rhs.shift(by);
            }
            ConditionKind::Member(member) => {
                member.subject.shift(by);
                member.list.shift(by);
            }
            ConditionKind::Since(since) => {
                since.step.shift(by);
                moved(&mut since.op_span, by);
                since.value.shift(by);
            }
            ConditionKind::Fired(name) | ConditionKind::Flag(name) => name.shift(by),
        }
    }
}

#[cfg(test)]
mod tests {
    use rand::{Rng, SeedableRng};
    use rand_chacha::ChaCha8Rng;

    use super::*;

    const PIECES: &[&str] = &[
        "rule a: when overdue > 1d then email\n",
        "  and amount > 5 EUR",
        "\n",
        "\n\n",
        "# note\n",
        " # trailing",
        "rule c: when overdue > 9d # why\n    then sms\n",
        "set cooldown = 7d\n",
        "attribute s in [a, b]\n",
        "pause p when disputed\n",
        "scope s in [a]\n",
        "rule b: when fired a then call template \"x\" with copy = \"é\"\n",
        "when ",
        "≥",
        "(",
        ")",
        "\"",
        "𝄞",
        "then",
        " ",
        "\t",
        "\r\n",
        "\r",
        "not (not (overdue > 3d))",
        // Deeper than `MAX_NESTING`: `parse` then parses statement by statement.
        "((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((",
    ];

    /// Every node's span is in the `Debug` text: equal texts, equal parses.
    fn same(a: &Parsed, b: &Parsed) -> bool {
        format!("{:?}{:?}", a.ast, a.errors) == format!("{:?}{:?}", b.ast, b.errors)
            && a.broken.rules == b.broken.rules
            && a.broken.attributes == b.broken.attributes
    }

    /// A lone `\r` ends a line for the grammar; the statements reparsed
    /// one by one must be cut, and their trailing comments attached, at
    /// the same line breaks (they were not: regression).
    #[test]
    fn a_lone_carriage_return_breaks_lines_as_in_the_whole_parse() {
        for (before, after) in [
            ("# note\n", "\r# note\n"),
            ("pause p when disputed\r", "pause p when disputed\r#"),
            (
                "when a then call",
                "when a then call\rset cooldown = 7d\r\r# c",
            ),
            ("when a\r  and b then sms", "when a\r  and b then sms # x\r"),
        ] {
            let again = reparse(&super::super::parse(before), after);
            let fresh = super::super::parse(after);
            assert!(fresh.errors.is_empty(), "{after:?}: {:?}", fresh.errors);
            assert!(same(&again, &fresh), "{after:?}\n{again:#?}\n{fresh:#?}");
        }
    }

    /// A comment ending a line that the next, indented line continues
    /// (issue 11): reparsed statement by statement as in the whole parse.
    #[test]
    fn a_comment_before_a_continuation_line_reparses_as_in_the_whole_parse() {
        for (before, after) in [
            (
                "when overdue > 1d then sms\n",
                "when overdue > 1d # a\n  then sms\n",
            ),
            (
                "when overdue > 1d # a\n  then sms\n",
                "when overdue > 1d # a\n  and amount > 5 EUR # b\n  then sms # c\n",
            ),
            (
                "set cooldown = 7d\n\nwhen overdue > 1d # a\n  then sms\n",
                "set cooldown = 7d\n\nwhen overdue > 2d # a\n  then sms\n# d\n",
            ),
        ] {
            let again = reparse(&super::super::parse(before), after);
            let fresh = super::super::parse(after);
            assert!(fresh.errors.is_empty(), "{after:?}: {:?}", fresh.errors);
            assert!(same(&again, &fresh), "{after:?}\n{again:#?}\n{fresh:#?}");
        }
    }

    #[test]
    fn reparsing_an_edit_gives_the_parse_of_the_text() {
        let mut rng = ChaCha8Rng::seed_from_u64(7);
        for _ in 0..40 {
            let mut text = String::new();
            let mut parsed = super::super::parse(&text);
            for _ in 0..60 {
                let mut at = rng.random_range(0..=text.len());
                while !text.is_char_boundary(at) {
                    at -= 1;
                }
                let mut end = (at + rng.random_range(0..8)).min(text.len());
                while !text.is_char_boundary(end) {
                    end += 1;
                }
                let with = if rng.random_bool(0.7) {
                    PIECES[rng.random_range(0..PIECES.len())]
                } else {
                    ""
                };
                text.replace_range(at..end, with);
                let again = reparse(&parsed, &text);
                let fresh = super::super::parse(&text);
                assert!(same(&again, &fresh), "{text:?}\n{again:#?}\n{fresh:#?}");
                let owned = reparse_owned(parsed, &text);
                assert!(same(&owned, &fresh), "{text:?}\n{owned:#?}\n{fresh:#?}");
                parsed = if rng.random_bool(0.5) { again } else { owned };
            }
        }
    }
}
