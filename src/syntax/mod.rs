//! Source text to AST: the pest grammar in `grammar/dunning.pest`, error
//! recovery so that one run reports every broken statement, and the
//! formatter that prints an AST back in the canonical layout.

pub mod ast;
mod error;
mod format;
mod parser;
mod reparse;
mod split;

pub use error::SyntaxError;
pub use format::{format, format_reusing, FormatError};
pub use reparse::{reparse, reparse_owned};

use ast::{Item, Policy};
use parser::Rule;

/// Parentheses and `not`s one condition may nest. Deeper input is refused
/// before pest sees it, because every later stage walks conditions
/// recursively and must not run out of stack on hostile input.
pub const MAX_NESTING: usize = 64;

/// What parsing a file gives: its text, the statements that parsed, and an
/// error for each that did not. With errors, `ast` holds only the good
/// statements.
#[derive(Debug, Clone, Default)]
pub struct Parsed {
    /// The text parsed.
    source: String,
    /// The statements that parsed.
    pub ast: Policy,
    /// One error for each statement that did not parse, in file order.
    pub errors: Vec<SyntaxError>,
    /// The names that the statements which did not parse declare.
    pub(crate) broken: Broken,
}

impl Parsed {
    /// Whether every statement parsed.
    pub fn is_ok(&self) -> bool {
        self.errors.is_empty()
    }

    /// The text parsed.
    pub fn source(&self) -> &str {
        &self.source
    }

    /// What a file that cannot be read as text parses to: no statement, and
    /// that one error.
    pub(crate) fn unreadable(source: String, error: SyntaxError) -> Parsed {
        Parsed {
            source,
            ast: Policy::default(),
            errors: vec![error],
            broken: Broken::default(),
        }
    }
}

/// The names declared by statements that did not parse (`rule NAME: …`,
/// `attribute NAME …`): other statements may use them, and their syntax
/// error is all there is to say about it.
#[derive(Debug, Clone, Default)]
pub(crate) struct Broken {
    pub rules: Vec<String>,
    pub attributes: Vec<String>,
}

impl Broken {
    /// Notes the name a statement that did not parse declares, if its head
    /// (`rule NAME:`, `attribute NAME`) can be read.
    fn add(&mut self, chunk: &str) {
        if let Some(name) = parser::rule_head_name(chunk) {
            self.rules.push(name);
        } else if let Some(name) = parser::attribute_head_name(chunk) {
            self.attributes.push(name);
        }
    }
}

/// Parses a whole policy file, reporting every statement that fails.
pub fn parse(text: &str) -> Parsed {
    let chunks = split::statements(text);
    let mut errors = Vec::new();
    let mut broken = Broken::default();
    for chunk in &chunks {
        if let Some(err) = split::nesting_error(&text[chunk.clone()], chunk.start) {
            errors.push(err);
            broken.add(&text[chunk.clone()]);
        }
    }
    if errors.is_empty() {
        match parser::parse_items(text, Rule::policy, 0, text) {
            Ok(items) => return finish(items, text, errors, broken),
            Err(whole_file_error) => {
                let (items, chunk_errors) = parse_chunks(text, &chunks, &mut broken);
                if chunk_errors.is_empty() {
                    // The splitter and the grammar disagree; trust the grammar.
                    errors.push(whole_file_error);
                } else {
                    errors.extend(chunk_errors);
                }
                return finish(items, text, errors, broken);
            }
        }
    }
    let deep: Vec<_> = chunks
        .iter()
        .filter(|c| split::nesting_error(&text[(*c).clone()], c.start).is_none())
        .cloned()
        .collect();
    let (items, chunk_errors) = parse_chunks(text, &deep, &mut broken);
    errors.extend(chunk_errors);
    errors.sort_by_key(error_offset);
    finish(items, text, errors, broken)
}

fn parse_chunks(
    text: &str,
    chunks: &[std::ops::Range<usize>],
    broken: &mut Broken,
) -> (Vec<Item>, Vec<SyntaxError>) {
    let mut items = Vec::new();
    let mut errors = Vec::new();
    for chunk in chunks {
        match parser::parse_items(
            &text[chunk.clone()],
            Rule::single_statement,
            chunk.start,
            text,
        ) {
            Ok(found) => items.extend(found),
            Err(e) => {
                errors.push(e);
                broken.add(&text[chunk.clone()]);
            }
        }
    }
    (items, errors)
}

fn error_offset(e: &SyntaxError) -> usize {
    match e {
        SyntaxError::Unexpected { span, .. }
        | SyntaxError::TooDeep { span, .. }
        | SyntaxError::NotUtf8 { span, .. } => span.offset(),
        SyntaxError::Internal(_) => 0,
    }
}

/// Marks the items that follow a blank line, so the formatter keeps paragraphs.
fn finish(mut items: Vec<Item>, text: &str, errors: Vec<SyntaxError>, broken: Broken) -> Parsed {
    let mut previous_end: Option<usize> = None;
    for item in &mut items {
        if let Some(end) = previous_end {
            let between = text.get(end..item.span.start).unwrap_or("");
            item.blank_line_before = split::line_breaks(between) >= 2;
        }
        previous_end = Some(item.span.end);
    }
    Parsed {
        source: text.to_string(),
        ast: Policy { items },
        errors,
        broken,
    }
}
