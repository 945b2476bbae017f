//! Properties of `dunning fmt`, on random policies built as syntax trees:
//! the formatted text parses without error back to the same tree (spans
//! aside, which the tree's equality ignores), and formatting it again
//! changes nothing.
//!
//! The generator builds trees in the form the parser produces: an `and`
//! never directly holds another `and` (the parser flattens chains), and the
//! first item never follows a blank line.

// Test helpers stop the test on a broken setup: that is their job.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

use dunning::ast::*;
use dunning::parse;
use proptest::prelude::*;

const KEYWORDS: &[&str] = &[
    "when",
    "then",
    "rule",
    "set",
    "attribute",
    "pause",
    "template",
    "with",
    "repeat",
    "every",
    "in",
    "fired",
    "since",
    "today",
    "true",
    "false",
    "yes",
    "no",
    "and",
    "or",
    "not",
];

fn ident() -> impl Strategy<Value = String> {
    "[a-z_][a-z0-9_]{0,8}".prop_filter("not a keyword", |s| !KEYWORDS.contains(&s.as_str()))
}

fn id(name: String) -> Ident {
    Ident {
        name,
        span: Span::default(),
    }
}

/// Any text on one line: quotes, backslashes, accents, tabs, NUL.
fn text() -> impl Strategy<Value = String> {
    "[a-zA-Z0-9 \"\\\\#é€\t\0_-]{0,12}"
}

fn lit(kind: LiteralKind) -> Literal {
    Literal {
        kind,
        span: Span::default(),
    }
}

fn literal() -> impl Strategy<Value = Literal> {
    let number = "[0-9]{1,5}(\\.[0-9]{1,3})?";
    prop_oneof![
        ident().prop_map(|s| lit(LiteralKind::Ident(s))),
        number.prop_map(|s| lit(LiteralKind::Number(s))),
        (
            "[0-9]{1,4}",
            prop_oneof![Just(DurationUnit::Days), Just(DurationUnit::Weeks)]
        )
            .prop_map(|(count, unit)| lit(LiteralKind::Duration { count, unit })),
        ("[0-9]{1,5}(\\.[0-9]{1,2})?[kKM]?", "[A-Z]{3}")
            .prop_map(|(amount, currency)| lit(LiteralKind::Money { amount, currency })),
        number.prop_map(|s| lit(LiteralKind::Percent(s))),
        "[0-9]{4}-[0-9]{2}-[0-9]{2}".prop_map(|s| lit(LiteralKind::Date(s))),
        text().prop_map(|s| lit(LiteralKind::String(s))),
        any::<bool>().prop_map(|b| lit(LiteralKind::Bool(b))),
        Just(lit(LiteralKind::Today)),
    ]
}

fn list(min: usize) -> impl Strategy<Value = List> {
    prop::collection::vec(literal(), min..4).prop_map(|items| List {
        items,
        span: Span::default(),
    })
}

/// A rule or pause name: a word, or any text (then quoted).
fn name() -> impl Strategy<Value = Ident> {
    prop_oneof![
        ident(),
        text(),
        prop::sample::select(KEYWORDS).prop_map(String::from)
    ]
    .prop_map(id)
}

fn cond(kind: ConditionKind) -> Condition {
    Condition {
        kind,
        span: Span::default(),
    }
}

fn op() -> impl Strategy<Value = CmpOp> {
    prop::sample::select(vec![
        CmpOp::Eq,
        CmpOp::Ne,
        CmpOp::Lt,
        CmpOp::Le,
        CmpOp::Gt,
        CmpOp::Ge,
    ])
}

fn leaf() -> impl Strategy<Value = Condition> {
    prop_oneof![
        (literal(), op(), literal()).prop_map(|(lhs, op, rhs)| cond(ConditionKind::Compare(
            Comparison {
                lhs,
                op,
                op_span: Span::default(),
                rhs,
            }
        ))),
        (ident(), any::<bool>(), list(0)).prop_map(|(subject, negated, list)| cond(
            ConditionKind::Member(Membership {
                subject: id(subject),
                negated,
                list,
            })
        )),
        name().prop_map(|n| cond(ConditionKind::Fired(n))),
        (name(), op(), literal()).prop_map(|(step, op, value)| cond(ConditionKind::Since(Since {
            step,
            op,
            op_span: Span::default(),
            value,
        }))),
        ident().prop_map(|n| cond(ConditionKind::Flag(id(n)))),
    ]
}

fn is_and(c: &Condition) -> bool {
    matches!(c.kind, ConditionKind::And(_))
}

fn is_or(c: &Condition) -> bool {
    matches!(c.kind, ConditionKind::Or(_))
}

fn condition() -> impl Strategy<Value = Condition> {
    leaf().prop_recursive(4, 24, 4, |inner| {
        prop_oneof![
            inner
                .clone()
                .prop_map(|c| cond(ConditionKind::Not(Box::new(c)))),
            prop::collection::vec(inner.clone().prop_filter("flat", |c| !is_and(c)), 2..4)
                .prop_map(|items| cond(ConditionKind::And(items))),
            prop::collection::vec(inner.prop_filter("flat", |c| !is_or(c)), 2..4)
                .prop_map(|items| cond(ConditionKind::Or(items))),
        ]
    })
}

fn action() -> impl Strategy<Value = Action> {
    (
        ident(),
        prop::option::of(text()),
        prop::collection::vec((ident(), literal()), 0..3),
    )
        .prop_map(|(name, template, params)| Action {
            name: id(name),
            template: template.map(id),
            params: params
                .into_iter()
                .map(|(n, value)| Param {
                    name: id(n),
                    value,
                    span: Span::default(),
                })
                .collect(),
            span: Span::default(),
        })
}

fn statement_kind() -> impl Strategy<Value = StatementKind> {
    let duration = (
        "[0-9]{1,3}",
        prop_oneof![Just(DurationUnit::Days), Just(DurationUnit::Weeks)],
    )
        .prop_map(|(count, unit)| lit(LiteralKind::Duration { count, unit }));
    prop_oneof![
        4 => (
            (prop::option::of(name()), prop::collection::vec(name(), 0..3)),
            condition(),
            action(),
            prop::option::of(duration),
        ).prop_map(
            |((name, was), condition, action, repeat)| StatementKind::Rule(RuleStmt {
                // Former names come only after a name: `rule b (was a):`.
                was: if name.is_some() { was } else { Vec::new() },
                name,
                condition,
                action,
                repeat,
                span: Span::default(),
            })
        ),
        1 => (ident(), prop_oneof![
            literal().prop_map(SettingValue::One),
            list(0).prop_map(SettingValue::List),
            (
                prop_oneof![Just(RateBase::EcbPlus), Just(RateBase::LegalTimes)],
                "[0-9]{1,2}(\\.[0-9]{1,2})?",
            )
                .prop_map(|(base, number)| SettingValue::Rate(RateFormula {
                    base,
                    number,
                    span: Span::default(),
                })),
        ])
            .prop_map(|(name, value)| StatementKind::Setting(Setting {
                name: id(name),
                value,
                span: Span::default(),
            })),
        1 => (ident(), prop_oneof![
            list(1).prop_map(AttributeTypeExpr::OneOf),
            ident().prop_map(|t| AttributeTypeExpr::Named(id(t))),
        ])
            .prop_map(|(name, ty)| StatementKind::Attribute(AttributeDecl {
                name: id(name),
                ty,
                span: Span::default(),
            })),
        1 => (prop::option::of(name()), condition()).prop_map(|(name, condition)| {
            StatementKind::Pause(PauseDecl {
                name,
                condition,
                span: Span::default(),
            })
        }),
        1 => (ident(), any::<bool>(), list(1)).prop_map(|(subject, negated, list)| {
            StatementKind::Scope(ScopeDecl {
                test: Membership { subject: id(subject), negated, list },
                span: Span::default(),
            })
        }),
    ]
}

/// A comment's text: what follows `#`, with no trailing blanks (the parser
/// trims them).
fn comment() -> impl Strategy<Value = Comment> {
    "[ a-zA-Z0-9#\"é()]{0,20}".prop_map(|t| Comment {
        text: t.trim_end().to_string(),
        span: Span::default(),
    })
}

fn item() -> impl Strategy<Value = Item> {
    prop_oneof![
        3 => (statement_kind(), prop::option::of(comment())).prop_map(|(kind, trailing)| {
            ItemKind::Statement(Box::new(Statement {
                kind,
                trailing_comment: trailing,
                span: Span::default(),
            }))
        }),
        1 => comment().prop_map(ItemKind::Comment),
    ]
    .prop_flat_map(|kind| {
        any::<bool>().prop_map(move |blank| Item {
            kind: kind.clone(),
            blank_line_before: blank,
            span: Span::default(),
        })
    })
}

fn policy() -> impl Strategy<Value = Policy> {
    prop::collection::vec(item(), 0..8).prop_map(|mut items| {
        if let Some(first) = items.first_mut() {
            first.blank_line_before = false;
        }
        Policy { items }
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn formatted_text_parses_back_to_the_same_policy(policy in policy()) {
        let text = policy.to_string();
        let parsed = parse(&text);
        prop_assert!(parsed.errors.is_empty(), "{text}\n{:?}", parsed.errors);
        prop_assert_eq!(&parsed.ast, &policy, "{}", text);
    }

    #[test]
    fn formatting_is_idempotent(policy in policy()) {
        let once = policy.to_string();
        let twice = dunning::format(&dunning::parse(&once));
        prop_assert!(twice.is_ok(), "{once}\n{twice:?}");
        prop_assert_eq!(twice.unwrap(), once);
    }
}

/// The same properties on real text: every policy and fixture file that
/// parses formats to a fixed point that reads back as the same policy.
#[test]
fn every_fixture_formats_to_a_fixed_point() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    for dir in [
        "policies",
        "tests/fixtures/check/ok",
        "tests/fixtures/check/err",
        "tests/fixtures/fmt",
    ] {
        for entry in std::fs::read_dir(root.join(dir)).unwrap() {
            let path = entry.unwrap().path();
            if path.is_file() {
                files.push(path);
            }
        }
    }
    for path in files {
        let bytes = std::fs::read(&path).unwrap();
        let Ok(text) = std::str::from_utf8(&bytes) else {
            continue;
        };
        let Ok(once) = dunning::format(&dunning::parse(text)) else {
            continue;
        };
        assert_eq!(parse(&once).ast, parse(text).ast, "{}", path.display());
        assert_eq!(
            dunning::format(&dunning::parse(&once)).unwrap(),
            once,
            "{}",
            path.display()
        );
    }
}

#[test]
#[ignore = "prints sample policies from the generator"]
fn print_samples() {
    use proptest::strategy::ValueTree;
    let mut runner = proptest::test_runner::TestRunner::deterministic();
    for _ in 0..6 {
        let p = policy().new_tree(&mut runner).unwrap().current();
        println!("-----\n{p}");
    }
}
