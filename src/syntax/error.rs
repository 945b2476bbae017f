//! Syntax errors, worded for people: pest reports which grammar rules it
//! tried; `describe` turns each into the words a policy author knows.

use miette::{Diagnostic, SourceSpan};
use pest::error::{ErrorVariant, InputLocation};
use thiserror::Error;

use super::parser::Rule;

#[derive(Debug, Error, Diagnostic, Clone, PartialEq, Eq)]
pub enum SyntaxError {
    #[error("expected {expected}, found {found}")]
    #[diagnostic(code("dunning::syntax::unexpected"))]
    Unexpected {
        expected: String,
        found: String,
        #[label("{label}")]
        span: SourceSpan,
        label: String,
        #[help]
        help: Option<String>,
    },

    #[error("this condition is nested too deeply ({depth} levels, at most {max})")]
    #[diagnostic(
        code("dunning::syntax::too-deep"),
        help("split it into several rules, or remove parentheses and `not`s that cancel out")
    )]
    TooDeep {
        depth: usize,
        max: usize,
        #[label("nested too deeply from here")]
        span: SourceSpan,
    },

    #[error("the file is not UTF-8 text: byte {offset} cannot be read")]
    #[diagnostic(
        code("dunning::syntax::not-utf8"),
        help("save the file as UTF-8 (most editors offer it under \"Save as\" or \"Encoding\")")
    )]
    NotUtf8 {
        offset: usize,
        #[label("not UTF-8")]
        span: SourceSpan,
    },

    #[error("internal error: {0}")]
    #[diagnostic(code("dunning::internal"))]
    Internal(String),
}

impl SyntaxError {
    pub(crate) fn internal(message: String) -> Self {
        SyntaxError::Internal(message)
    }
}

/// Builds our diagnostic from pest's error, with spans as file offsets.
pub(crate) fn from_pest(err: pest::error::Error<Rule>, text: &str, offset: usize) -> SyntaxError {
    let pos = match err.location {
        InputLocation::Pos(p) => p,
        InputLocation::Span((s, _)) => s,
    };
    let positives = match &err.variant {
        ErrorVariant::ParsingError { positives, .. } => positives.clone(),
        ErrorVariant::CustomError { message } => {
            return SyntaxError::Internal(message.clone());
        }
    };
    let (found, found_len) = found_at(text, pos);
    let expected = expected_words(&positives);
    let help = hint(text, pos, &found, &positives);
    let label = if expected == "something else" {
        "unexpected here".to_string()
    } else {
        format!("expected {expected}")
    };
    SyntaxError::Unexpected {
        expected,
        found,
        span: (offset + pos, found_len).into(),
        label,
        help,
    }
}

/// What stands at `pos`, in words, and how many bytes to underline.
fn found_at(text: &str, pos: usize) -> (String, usize) {
    let rest = text.get(pos..).unwrap_or("");
    let Some(c) = rest.chars().next() else {
        return ("the end of the line".to_string(), 0);
    };
    if c == '\n' || c == '\r' {
        return ("the end of the line".to_string(), 0);
    }
    if c == '\0' {
        return ("a NUL byte".to_string(), 1);
    }
    if c == '\u{FEFF}' {
        return ("a byte-order mark".to_string(), c.len_utf8());
    }
    if c.is_alphanumeric() || c == '_' {
        let word: String = rest
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == '.')
            .take(40)
            .collect();
        let len = word.len();
        return (format!("`{word}`"), len);
    }
    if "=<>!&|".contains(c) {
        let op: String = rest
            .chars()
            .take_while(|c| "=<>!&|".contains(*c))
            .take(2)
            .collect();
        let len = op.len();
        return (format!("`{op}`"), len);
    }
    if c.is_control() || c.is_whitespace() {
        return (format!("the character U+{:04X}", c as u32), c.len_utf8());
    }
    (format!("`{c}`"), c.len_utf8())
}

/// The alternatives pest tried, in words, deduplicated, joined with "or".
fn expected_words(positives: &[Rule]) -> String {
    let mut words: Vec<&'static str> = Vec::new();
    let value_rules = [
        Rule::money,
        Rule::duration,
        Rule::number,
        Rule::string,
        Rule::ident,
    ];
    let is_value = value_rules.iter().all(|r| positives.contains(r));
    let statement_rules = [Rule::kw_when, Rule::kw_set, Rule::kw_rule];
    let is_statement = statement_rules.iter().all(|r| positives.contains(r));
    if is_statement {
        words.push("a statement (`when`, `rule`, `set`, `attribute` or `pause`)");
    }
    if is_value {
        words.push(
            "a value (a word, a number, a duration such as `15d` or an amount such as `500 EUR`)",
        );
    }
    for rule in positives {
        if is_value
            && matches!(
                rule,
                Rule::money
                    | Rule::duration
                    | Rule::percent
                    | Rule::date
                    | Rule::number
                    | Rule::string
                    | Rule::kw_today
                    | Rule::boolean
                    | Rule::ident
                    | Rule::flag
                    | Rule::comparison
                    | Rule::membership
            )
        {
            continue;
        }
        if is_statement
            && matches!(
                rule,
                Rule::kw_when
                    | Rule::kw_set
                    | Rule::kw_rule
                    | Rule::kw_attribute
                    | Rule::kw_pause
                    | Rule::rule_head
                    | Rule::comment
                    | Rule::EOI
            )
        {
            continue;
        }
        if let Some(w) = describe(rule) {
            if !words.contains(&w) {
                words.push(w);
            }
        }
    }
    match words.len() {
        0 => "something else".to_string(),
        1 => words[0].to_string(),
        n if n > 10 => "a different word or symbol".to_string(),
        n => format!("{} or {}", words[..n - 1].join(", "), words[n - 1]),
    }
}

/// Every grammar rule in the words of a policy author; `None` for rules a
/// user never needs to hear about.
pub(crate) fn describe(rule: &Rule) -> Option<&'static str> {
    Some(match rule {
        Rule::EOI => "the end of the line",
        Rule::WHITESPACE | Rule::continuation => return None,
        Rule::policy | Rule::single_statement => return None,
        Rule::bom | Rule::line | Rule::statement => return None,
        Rule::comment => "a comment",
        Rule::rule_stmt => "a rule",
        Rule::rule_head => "`rule`",
        Rule::setting => "a setting",
        Rule::attribute_decl => "an attribute declaration",
        Rule::type_name => "a type (`text`, `number`, `money`, `date` or `bool`)",
        Rule::pause_decl => "a pause",
        Rule::name => "a name",
        Rule::action => "an action (`email`, `call`, `letter`…)",
        Rule::template => "a template name in quotes",
        Rule::params => "`with`",
        Rule::param => "a parameter (`name = value`)",
        Rule::repeat => "`repeat every`",
        Rule::condition => "a condition",
        Rule::infix => "`and` or `or`",
        Rule::prefix => "`not`",
        Rule::primary | Rule::group => "a condition",
        Rule::comparison => "a comparison",
        Rule::cmp_op => "a comparison (`=`, `!=`, `<`, `<=`, `>`, `>=`)",
        Rule::membership => "`in`",
        Rule::fired => "`fired`",
        Rule::flag => "a fact",
        Rule::list => "a list such as `[a, b]`",
        Rule::value => "a value",
        Rule::money => "an amount with a currency such as `500 EUR`",
        Rule::amount => "an amount",
        Rule::magnitude => "`k` or `M`",
        Rule::currency => "a currency code such as `EUR`",
        Rule::duration => "a duration such as `15d` or `2w`",
        Rule::unit => "`d` (days) or `w` (weeks)",
        Rule::percent => "a percentage such as `10.5%`",
        Rule::date => "a date such as `2025-06-30`",
        Rule::number => "a number",
        Rule::digits => "a digit",
        Rule::string => "a text in double quotes",
        Rule::string_text => "text",
        Rule::boolean => "`yes` or `no`",
        Rule::ident => "a name",
        Rule::ident_char => "a letter, digit or `_`",
        Rule::keyword => "a keyword",
        Rule::kw_when => "`when`",
        Rule::kw_then => "`then`",
        Rule::kw_rule => "`rule`",
        Rule::kw_set => "`set`",
        Rule::kw_attribute => "`attribute`",
        Rule::kw_pause => "`pause`",
        Rule::kw_template => "`template`",
        Rule::kw_with => "`with`",
        Rule::kw_repeat => "`repeat`",
        Rule::kw_every => "`every`",
        Rule::kw_in => "`in`",
        Rule::kw_fired => "`fired`",
        Rule::kw_today => "`today`",
        Rule::kw_true => "`yes`",
        Rule::kw_false => "`no`",
        Rule::op_and => "`and`",
        Rule::op_or => "`or`",
        Rule::op_not => "`not`",
        Rule::op_eq => "`=`",
        Rule::op_ne => "`!=`",
        Rule::op_lt => "`<`",
        Rule::op_le => "`<=`",
        Rule::op_gt => "`>`",
        Rule::op_ge => "`>=`",
        Rule::colon => "`:`",
        Rule::comma => "`,`",
        Rule::lparen => "`(`",
        Rule::rparen => "`)`",
        Rule::lbracket => "`[`",
        Rule::rbracket => "`]`",
    })
}

/// A fix for the mistakes people actually make, where we can tell.
fn hint(text: &str, pos: usize, found: &str, positives: &[Rule]) -> Option<String> {
    let rest = text.get(pos..).unwrap_or("");
    let before = text.get(..pos).unwrap_or("").trim_end();
    let wants = |r: Rule| positives.contains(&r);
    if rest.starts_with("=>") || rest.starts_with("->") {
        return Some("write `then` between the condition and the action".into());
    }
    if rest.starts_with("==") {
        return Some("compare with a single `=`".into());
    }
    if rest.starts_with("&&") {
        return Some("write `and` instead of `&&`".into());
    }
    if rest.starts_with("||") {
        return Some("write `or` instead of `||`".into());
    }
    if rest.starts_with('-') && (wants(Rule::duration) || wants(Rule::number)) {
        return Some(
            "values cannot be negative; for days before the due date, use `due_in` (`due_in <= 3d`)"
                .into(),
        );
    }
    if rest.starts_with(',') && before.ends_with(|c: char| c.is_ascii_digit()) {
        return Some("write decimals with a dot: `1.5k EUR`, not `1,5k EUR`".into());
    }
    if let Some(code) = rest.get(..3) {
        if before.ends_with(|c: char| c.is_ascii_digit())
            && code.chars().all(|c| c.is_ascii_alphabetic())
            && code.chars().any(|c| c.is_ascii_lowercase())
            && wants(Rule::currency)
        {
            return Some(format!(
                "currency codes are written in capitals: `{}`",
                code.to_ascii_uppercase()
            ));
        }
    }
    if wants(Rule::kw_then) && found.starts_with('`') {
        return Some("a rule reads `when CONDITION then ACTION`".into());
    }
    if wants(Rule::unit) {
        return Some("durations are a number of days or weeks: `15d`, `2w`".into());
    }
    None
}
