//! Syntax errors, worded for people: pest reports which grammar rules it
//! tried; `describe` turns each into the words a policy author knows.

use miette::{Diagnostic, SourceSpan};
use pest::error::{ErrorVariant, InputLocation};
use thiserror::Error;

use super::parser::Rule;

/// A statement that does not parse, or a file that cannot be read as text.
#[derive(Debug, Error, Diagnostic, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum SyntaxError {
    /// The text does not follow the policy language.
    #[error("expected {expected}, found {found}")]
    #[diagnostic(code("dunning::syntax::unexpected"))]
    Unexpected {
        /// What was expected.
        expected: String,
        /// What was found instead.
        found: String,
        /// Where it is written.
        #[label("{label}")]
        span: SourceSpan,
        /// The words under the text.
        label: String,
        /// How to fix it.
        #[help]
        help: Option<String>,
    },

    /// A condition is nested too deeply.
    #[error("this condition is nested too deeply ({depth} levels, at most {max})")]
    #[diagnostic(
        code("dunning::syntax::too-deep"),
        help("split it into several rules, or remove parentheses and `not`s that cancel out")
    )]
    TooDeep {
        /// How deep it nests.
        depth: usize,
        /// The most allowed.
        max: usize,
        /// Where it is written.
        #[label("nested too deeply from here")]
        span: SourceSpan,
    },

    /// The file is not UTF-8 text.
    #[error("the file is not UTF-8 text: byte {offset} cannot be read")]
    #[diagnostic(
        code("dunning::syntax::not-utf8"),
        help("save the file as UTF-8 (most editors offer it under \"Save as\" or \"Encoding\")")
    )]
    NotUtf8 {
        /// The byte where the text stops being UTF-8.
        offset: usize,
        /// Where it is written.
        #[label("not UTF-8")]
        span: SourceSpan,
    },

    /// Internal
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
    // `==`: pest took the first `=` as the operator; show both.
    let pos = if pos > 0 && text[..pos].ends_with('=') && text[pos..].starts_with('=') {
        pos - 1
    } else {
        pos
    };
    let (found, found_len) = found_at(text, pos);
    let expected = Expected::from_rules(&positives);
    let help = hint(text, pos, &found, &positives);
    SyntaxError::Unexpected {
        expected: expected.long(),
        found,
        span: (offset + pos, found_len).into(),
        label: expected.label(),
        help,
    }
}

/// The longest word quoted back in a message.
const FOUND_CHARS: usize = 40;

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
    let quote = |s: &str| -> (String, usize) {
        let shown: String = s.chars().take(FOUND_CHARS).collect();
        let more = if shown.len() < s.len() { "…" } else { "" };
        (format!("`{shown}{more}`"), shown.len())
    };
    if c.is_alphanumeric() || c == '_' {
        let end = rest
            .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == '.'))
            .unwrap_or(rest.len());
        return quote(&rest[..end]);
    }
    if c == '"' {
        let line = &rest[..rest.find(['\n', '\r']).unwrap_or(rest.len())];
        let end = line[1..].find('"').map_or(line.len(), |i| i + 2);
        return quote(&line[..end]);
    }
    if "=<>!&|-".contains(c) {
        let end = rest
            .find(|c: char| !"=<>!&|-".contains(c))
            .unwrap_or(rest.len())
            .min(2);
        return quote(&rest[..end]);
    }
    if c.is_control() || c.is_whitespace() || crate::words::is_invisible(c) {
        return (
            format!("the invisible character U+{:04X}", c as u32),
            c.len_utf8(),
        );
    }
    (format!("`{c}`"), c.len_utf8())
}

/// The alternatives pest tried, as the words a policy author knows: related
/// rules are grouped ("a value", "a condition"), duplicates removed.
struct Expected {
    /// (long, short) phrases, in order.
    items: Vec<(&'static str, &'static str)>,
}

/// Rules that can start a statement.
const STATEMENT_RULES: &[Rule] = &[
    Rule::rule_stmt,
    Rule::rule_head,
    Rule::kw_rule,
    Rule::kw_when,
    Rule::setting,
    Rule::kw_set,
    Rule::attribute_decl,
    Rule::kw_attribute,
    Rule::pause_decl,
    Rule::kw_pause,
    Rule::scope_decl,
    Rule::kw_scope,
];

/// Rules that can start a condition.
const CONDITION_RULES: &[Rule] = &[
    Rule::condition,
    Rule::comparison,
    Rule::membership,
    Rule::flag,
    Rule::fired,
    Rule::kw_fired,
    Rule::since,
    Rule::kw_since,
    Rule::op_not,
    Rule::lparen,
];

/// Rules that can start a value.
const VALUE_RULES: &[Rule] = &[
    Rule::money,
    Rule::amount,
    Rule::duration,
    Rule::percent,
    Rule::date,
    Rule::number,
    Rule::string,
    Rule::kw_today,
    Rule::boolean,
    Rule::kw_true,
    Rule::kw_false,
    Rule::ident,
];

const OPERATOR_RULES: &[Rule] = &[
    Rule::op_eq,
    Rule::op_ne,
    Rule::op_lt,
    Rule::op_le,
    Rule::op_gt,
    Rule::op_ge,
];

impl Expected {
    fn from_rules(positives: &[Rule]) -> Expected {
        let count = |group: &[Rule]| positives.iter().filter(|r| group.contains(r)).count();
        let statement = count(STATEMENT_RULES) >= 3;
        let condition = count(CONDITION_RULES) >= 2;
        let value = count(VALUE_RULES) >= 4;
        let operator = count(OPERATOR_RULES) >= 2;
        let mut items: Vec<(&'static str, &'static str)> = Vec::new();
        let mut push = |item: (&'static str, &'static str)| {
            if !items.contains(&item) {
                items.push(item);
            }
        };
        // After a rule's name, `(` only opens the optional `(was …)`:
        // "expected `:`" is what the author needs to hear.
        let after_rule_name = positives.contains(&Rule::colon);
        for rule in positives {
            if after_rule_name && *rule == Rule::lparen {
                continue;
            }
            // A statement could not even start.
            let at_start = matches!(rule, Rule::policy | Rule::single_statement);
            let item = if at_start
                || statement && (STATEMENT_RULES.contains(rule) || *rule == Rule::EOI)
            {
                Some((
                    "a statement (`when …`, `rule NAME: when …`, `set …`, `attribute …` or `pause …`)",
                    "a statement",
                ))
            } else if statement && *rule == Rule::comment {
                None
            } else if condition && CONDITION_RULES.contains(rule) {
                Some(("a condition such as `overdue > 15d`", "a condition"))
            } else if condition && *rule == Rule::ident {
                // The subject of a comparison: part of "a condition".
                None
            } else if value && VALUE_RULES.contains(rule) {
                Some((
                    "a value (such as `15d`, `500 EUR`, `3`, `strategic` or `\"text\"`)",
                    "a value",
                ))
            } else if operator && OPERATOR_RULES.contains(rule) {
                Some((
                    "a comparison (`=`, `!=`, `<`, `<=`, `>` or `>=`)",
                    "a comparison",
                ))
            } else {
                describe(rule).map(|d| (d, short(rule).unwrap_or(d)))
            };
            if let Some(item) = item {
                push(item);
            }
        }
        Expected { items }
    }

    fn join(words: Vec<&str>) -> String {
        match words.len() {
            0 => "something else".to_string(),
            1 => words[0].to_string(),
            n => format!("{} or {}", words[..n - 1].join(", "), words[n - 1]),
        }
    }

    fn long(&self) -> String {
        Self::join(self.items.iter().map(|(long, _)| *long).collect())
    }

    /// The label under the offending text: short enough for one line.
    fn label(&self) -> String {
        if self.items.is_empty() {
            return "unexpected here".to_string();
        }
        format!(
            "expected {}",
            Self::join(self.items.iter().map(|(_, short)| *short).collect())
        )
    }
}

/// The short form of a rule's description, for labels, where it differs.
fn short(rule: &Rule) -> Option<&'static str> {
    Some(match rule {
        Rule::action | Rule::action_name => "an action",
        Rule::type_name => "a type",
        Rule::money => "an amount",
        Rule::currency => "a currency",
        Rule::duration => "a duration",
        Rule::percent => "a percentage",
        Rule::date => "a date",
        Rule::list | Rule::value_list => "a list",
        Rule::rule_name | Rule::step_name | Rule::old_name => "a rule name",
        Rule::setting_name => "a setting",
        Rule::template => "a template name",
        Rule::cmp_op => "a comparison",
        _ => return None,
    })
}

/// Every grammar rule in the words of a policy author; `None` for rules a
/// user never needs to hear about.
pub(crate) fn describe(rule: &Rule) -> Option<&'static str> {
    Some(match rule {
        Rule::EOI => "the end of the line",
        Rule::WHITESPACE | Rule::continuation | Rule::inner_comment | Rule::indent => return None,
        Rule::policy | Rule::single_statement => return None,
        Rule::bom | Rule::line | Rule::statement => return None,
        Rule::comment => "a comment",
        Rule::rule_stmt => "a rule",
        Rule::rule_head => "`rule`",
        // Optional after a rule's name: "expected `:`" says enough there.
        Rule::renamed => return None,
        Rule::old_name => "the rule's former name (a word, or a text in quotes)",
        Rule::attribute_head => "`attribute`",
        Rule::rule_name => "a rule name (a word, or a text in quotes)",
        Rule::pause_name => "a pause name",
        Rule::step_name => "the name of a rule",
        Rule::setting => "a setting",
        Rule::setting_name => "a setting such as `cooldown`",
        // Only `interest_rate` takes one: naming it after every `=` would
        // mislead more than help.
        Rule::rate_formula | Rule::rate_ecb | Rule::rate_legal => return None,
        Rule::kw_ecb => "`ecb`",
        Rule::kw_legal => "`legal`",
        Rule::kw_was => "`was`",
        Rule::op_plus => "`+`",
        Rule::op_times => "`x`",
        Rule::attribute_decl => "an attribute declaration",
        Rule::attribute_name => "an attribute name",
        Rule::type_name => "a type (`text`, `number`, `money`, `date` or `bool`)",
        Rule::value_list => "a list of values such as `[strategic, key]`",
        Rule::pause_decl => "a pause",
        Rule::scope_decl => "a scope (`scope segment in [strategic, key]`)",
        Rule::action => "an action (`email`, `sms`, `call`, `letter`…)",
        Rule::action_name => "an action (`email`, `sms`, `call`, `letter`…)",
        Rule::template => "a template name in quotes",
        Rule::params => "`with`",
        Rule::param => "a parameter (`name = value`)",
        Rule::param_name => "a parameter name",
        Rule::repeat => "`repeat every`",
        Rule::condition => "a condition",
        Rule::infix => "`and` or `or`",
        Rule::prefix => "`not`",
        Rule::primary | Rule::group => "a condition",
        Rule::comparison => "a comparison",
        Rule::cmp_op => "a comparison (`=`, `!=`, `<`, `<=`, `>` or `>=`)",
        Rule::membership => "`in`",
        Rule::fired => "`fired`",
        Rule::since => "`since`",
        Rule::flag => "a fact",
        Rule::list => "a list such as `[a, b]`",
        Rule::value => "a value",
        Rule::money => "an amount with a currency such as `500 EUR`",
        Rule::amount => "an amount such as `500 EUR`",
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
        Rule::ident | Rule::word => "a name",
        Rule::ident_char => "a letter, digit or `_`",
        Rule::keyword => "a keyword",
        Rule::kw_when => "`when`",
        Rule::kw_then => "`then`",
        Rule::kw_rule => "`rule`",
        Rule::kw_set => "`set`",
        Rule::kw_attribute => "`attribute`",
        Rule::kw_pause => "`pause`",
        Rule::kw_scope => "`scope`",
        Rule::kw_template => "`template`",
        Rule::kw_with => "`with`",
        Rule::kw_repeat => "`repeat`",
        Rule::kw_every => "`every`",
        Rule::kw_in => "`in`",
        Rule::kw_fired => "`fired`",
        Rule::kw_since => "`since`",
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
/// The Latin letter a Cyrillic or Greek letter is drawn like, if any.
fn lookalike(c: char) -> Option<char> {
    const PAIRS: [(char, char); 30] = [
        ('а', 'a'),
        ('е', 'e'),
        ('о', 'o'),
        ('р', 'p'),
        ('с', 'c'),
        ('у', 'y'),
        ('х', 'x'),
        ('і', 'i'),
        ('ј', 'j'),
        ('ѕ', 's'),
        ('ԁ', 'd'),
        ('ӏ', 'l'),
        ('А', 'A'),
        ('В', 'B'),
        ('Е', 'E'),
        ('К', 'K'),
        ('М', 'M'),
        ('Н', 'H'),
        ('О', 'O'),
        ('Р', 'P'),
        ('С', 'C'),
        ('Т', 'T'),
        ('Х', 'X'),
        ('ο', 'o'),
        ('α', 'a'),
        ('ν', 'v'),
        ('ι', 'i'),
        ('κ', 'k'),
        ('Ο', 'O'),
        ('Α', 'A'),
    ];
    PAIRS.iter().find(|(from, _)| *from == c).map(|(_, to)| *to)
}

fn hint(text: &str, pos: usize, found: &str, positives: &[Rule]) -> Option<String> {
    let rest = text.get(pos..).unwrap_or("");
    let before = text.get(..pos).unwrap_or("");
    let before_trim = before.trim_end();
    let line_start = before.rfind(['\n', '\r']).map_or(0, |i| i + 1);
    let line_before = &before[line_start..];
    let wants = |r: Rule| positives.contains(&r);
    let word: &str = {
        let end = rest
            .find(|c: char| !(c.is_alphanumeric() || c == '_'))
            .unwrap_or(rest.len());
        &rest[..end]
    };
    let after_number = before_trim.ends_with(|c: char| c.is_ascii_digit());
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
    for (symbol, ascii) in [("≥", ">="), ("≤", "<="), ("≠", "!="), ("=<", "<=")] {
        if rest.starts_with(symbol) {
            return Some(format!("write `{ascii}` instead of `{symbol}`"));
        }
    }
    if let Some(c) = word.chars().find(|c| !c.is_ascii()) {
        return Some(format!(
            "`{c}` (U+{:04X}) is not an ASCII letter: names are written with ASCII letters, digits \
             and `_`{}",
            c as u32,
            match lookalike(c) {
                Some(latin) => format!("; it looks like the Latin `{latin}`, retype it"),
                None => String::new(),
            }
        ));
    }
    if rest.starts_with('-') && before.ends_with(|c: char| c.is_ascii_alphanumeric() || c == '_') {
        let name_start = before
            .rfind(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .map_or(0, |i| i + 1);
        let tail_end = rest[1..]
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-'))
            .map_or(rest.len(), |i| i + 1);
        let name = format!("{}{}", &before[name_start..], &rest[..tail_end]);
        return Some(format!(
            "names cannot contain `-`: write `{}`, or quote the name: `\"{name}\"`",
            name.replace('-', "_")
        ));
    }
    if rest.starts_with('-') {
        return Some(
            "values cannot be negative; for the days before the due date, use `due_in` (`due_in <= 3d`)"
                .into(),
        );
    }
    if rest.starts_with(',') && after_number && before.ends_with(|c: char| c.is_ascii_digit()) {
        return Some(
            "write decimals with a dot (`1.5k EUR`); durations are whole days (`15d`)".into(),
        );
    }
    if rest.starts_with('\'') {
        return Some("write texts in double quotes: `\"reminder-1\"`".into());
    }
    if rest.starts_with('"') && found.ends_with("…`")
        || (rest.starts_with('"') && {
            let line = &rest[..rest.find(['\n', '\r']).unwrap_or(rest.len())];
            !line[1..].contains('"')
        })
    {
        return Some("close the text with a `\"` on the same line".into());
    }
    if after_number && !word.is_empty() {
        let glued = before.ends_with(|c: char| c.is_ascii_digit());
        let unit_word = matches!(
            word.to_ascii_lowercase().as_str(),
            "d" | "w" | "day" | "days" | "week" | "weeks" | "j" | "jours" | "semaines"
        );
        if unit_word {
            return Some(
                "write a duration as a number and a unit with no space: `15d` (days) or `2w` (weeks)"
                    .into(),
            );
        }
        let upper = word.to_ascii_uppercase();
        let is_currency = word.len() == 3 && crate::money::Currency::parse(&upper).is_some();
        if glued && is_currency {
            return Some(format!(
                "put a space between the amount and its currency: `{} {upper}`",
                before_trim
                    .rsplit(|c: char| !(c.is_ascii_digit() || c == '.'))
                    .next()
                    .unwrap_or("500")
            ));
        }
        if is_currency && word != upper {
            return Some(format!("currency codes are written in capitals: `{upper}`"));
        }
    }
    if wants(Rule::unit) {
        return Some("durations are a number of days or weeks: `15d`, `2w`".into());
    }
    if rest.starts_with(')') && !wants(Rule::rparen) {
        return Some("this `)` closes no `(`; remove it".into());
    }
    if wants(Rule::rparen) {
        return Some("a `(` before is not closed: add `)` where the group ends".into());
    }
    if wants(Rule::kw_in) && wants(Rule::colon) {
        return Some(
            "declare the allowed values (`attribute segment in [strategic, key]`) or a type (`attribute segment: text`)"
                .into(),
        );
    }
    if wants(Rule::kw_when) && rest.starts_with(':') && before_trim.starts_with("pause") {
        return Some("a pause reads `pause NAME when CONDITION`, with no `:`".into());
    }
    if wants(Rule::rule_name) && rest.starts_with(':') {
        return Some("name the rule (`rule first_reminder: when …`), or remove `rule:`".into());
    }
    if positives == [Rule::lbracket] {
        return Some("write the values in brackets: `segment in [strategic, key]`".into());
    }
    if rest.starts_with(']') && before_trim.ends_with('[') {
        return Some("a list needs at least one value: `[strategic, key]`".into());
    }
    if wants(Rule::rbracket) {
        return Some("close the list with `]`".into());
    }
    let statement_word = matches!(word, "when" | "rule" | "set" | "attribute" | "pause");
    if statement_word && line_before.starts_with([' ', '\t']) && !wants(Rule::kw_when) {
        return Some(
            "an indented line continues the statement above it; start a new statement at the beginning of a line"
                .into(),
        );
    }
    if wants(Rule::kw_then) && ["=", "!", "<", ">"].iter().any(|op| rest.starts_with(op)) {
        return Some("comparisons do not chain: write `a < b and b < c`".into());
    }
    if wants(Rule::colon) && before_trim.split_whitespace().next() == Some("rule") {
        return Some("a named rule reads `rule NAME: when CONDITION then ACTION`".into());
    }
    if wants(Rule::rule_name) && word.starts_with(|c: char| c.is_ascii_digit()) {
        return Some(format!(
            "a name starts with a letter; quote it for anything else: `rule \"{word}\": …`"
        ));
    }
    let statement_start = STATEMENT_RULES.iter().filter(|r| wants(**r)).count() >= 3
        || wants(Rule::single_statement)
        || wants(Rule::policy);
    if statement_start && !word.is_empty() {
        return Some(
            "a rule reads `when CONDITION then ACTION`; a setting reads `set NAME = VALUE`".into(),
        );
    }
    if wants(Rule::kw_then) && found.starts_with('`') {
        return Some("a rule reads `when CONDITION then ACTION`".into());
    }
    None
}

#[cfg(test)]
mod tests {
    use pest::Parser as _;

    use super::*;
    use crate::syntax::parser::PolicyParser;

    /// The raw alternatives pest reports, to keep `Expected` honest.
    #[test]
    #[ignore = "prints pest's alternatives for a list of broken lines"]
    fn print_positives() {
        for line in include_str!("../../tests/fixtures/check/broken_lines.txt").lines() {
            if let Err(e) = PolicyParser::parse(Rule::single_statement, line) {
                if let ErrorVariant::ParsingError { positives, .. } = &e.variant {
                    println!("{line}\n    {positives:?}");
                    println!("    {}", from_pest(e.clone(), line, 0));
                }
            }
        }
    }
}
