//! The long description of every diagnostic code, for
//! `dunning check --explain CODE`, in the spirit of `rustc --explain`.
//! A test checks that every code the program can emit is listed here and in
//! the README.

/// One code's documentation: what it means, a mistake, and its fix.
#[derive(Debug)]
pub struct CodeDoc {
    /// The code, in full: `dunning::check::unknown-fact`.
    pub code: &'static str,
    /// What it means, in one line (the README's tables).
    pub summary: &'static str,
    /// The long explanation, with the lists of names it quotes left as
    /// `{facts}`, `{actions}` and `{settings}`; see [`CodeDoc::explanation`].
    pub(crate) explanation: &'static str,
    /// A policy (or data) excerpt that triggers the diagnostic.
    pub example: &'static str,
    /// The same excerpt, fixed.
    pub fix: &'static str,
}

impl CodeDoc {
    /// The text printed by `--explain`.
    pub fn render(&self) -> String {
        format!(
            "{code}: {summary}\n\n{explanation}\n\nExample of the mistake:\n\n{example}\n\nFixed:\n\n{fix}\n",
            code = self.code,
            summary = self.summary,
            explanation = self.explanation(),
            example = indent(self.example),
            fix = indent(self.fix),
        )
    }
}

impl CodeDoc {
    /// The anchor of the code's row in the README's tables:
    /// `dunning::check::shadowed` is `dunning-check-shadowed`.
    pub fn anchor(&self) -> String {
        self.code.replace("::", "-")
    }

    /// The long explanation, with the lists of names it quotes (`{facts}`,
    /// `{actions}`, `{settings}`) taken from the tables that define them.
    pub fn explanation(&self) -> String {
        use super::names;
        let facts: Vec<String> = names::fact_names().map(|n| format!("`{n}`")).collect();
        self.explanation
            .trim()
            .replace("{facts}", &facts.join(", "))
            .replace("{actions}", &names::quoted_and(names::action_names()))
            .replace(
                "{settings}",
                &names::quoted_and(super::resolve::SettingName::names()),
            )
    }
}

fn indent(text: &str) -> String {
    text.trim_end()
        .lines()
        .map(|l| format!("    {l}"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Finds a code written in full (`dunning::check::shadowed`), without the
/// `dunning::` prefix (`check::shadowed`) or by its last part (`shadowed`).
pub(crate) fn find(code: &str) -> Option<&'static CodeDoc> {
    let code = code.trim();
    let full = if code.starts_with("dunning::") {
        code.to_string()
    } else {
        format!("dunning::{code}")
    };
    CODES.iter().find(|c| c.code == full).or_else(|| {
        CODES
            .iter()
            .find(|c| c.code.rsplit("::").next() == Some(code))
    })
}

/// The codes of policy files.
pub(crate) const CODES: &[CodeDoc] = &[
    CodeDoc {
        code: "dunning::syntax::unexpected",
        summary: "the text does not follow the policy language",
        explanation: "A statement could not be read. The message says what the reader expected at that \
point and what it found instead. Every statement is read on its own, so one broken rule does not hide \
the errors of the others.",
        example: "when overdue > 15d => call",
        fix: "when overdue > 15d then call",
    },
    CodeDoc {
        code: "dunning::syntax::too-deep",
        summary: "a condition is nested too deeply",
        explanation: "Parentheses and `not`s may nest 64 levels at most. No real policy comes close; \
such input is refused before it is read so that it cannot exhaust the program's memory.",
        example: "when not not not (… 70 levels …) then call",
        fix: "when overdue > 15d then call",
    },
    CodeDoc {
        code: "dunning::syntax::not-utf8",
        summary: "the file is not UTF-8 text",
        explanation: "Policy files are UTF-8 text. The file contains bytes that are not, often because \
it was saved in Latin-1 or Windows-1252 by an older editor.",
        example: "rule relance_1: when overdue > 1d then email   (saved as Latin-1 with an accent in a comment)",
        fix: "the same text, saved as UTF-8",
    },
    CodeDoc {
        code: "dunning::check::unknown-fact",
        summary: "a name is neither a built-in fact nor an attribute",
        explanation: "Conditions talk about facts ({facts}) and about attributes, \
the extra columns of the invoice file. A name that looks like a misspelt fact, or that is compared with \
a duration (only facts count days), is reported.",
        example: "when overdeu > 15d then call",
        fix: "when overdue > 15d then call",
    },
    CodeDoc {
        code: "dunning::check::unknown-attribute",
        summary: "a name is not a fact and not a declared attribute",
        explanation: "Once a policy declares attributes with `attribute`, every name it uses must be a \
built-in fact or a declared attribute. This catches typos in column names before they silently match \
nothing.",
        example: "attribute segment in [strategic, standard]\nwhen segmnt = strategic then call",
        fix: "attribute segment in [strategic, standard]\nwhen segment = strategic then call",
    },
    CodeDoc {
        code: "dunning::check::unknown-action",
        summary: "the action after `then` does not exist",
        explanation: "The actions are {actions}. The template and parameters carry the details.",
        example: "when overdue > 1d then emial",
        fix: "when overdue > 1d then email template \"reminder-1\"",
    },
    CodeDoc {
        code: "dunning::check::unknown-setting",
        summary: "`set` names a setting that does not exist",
        explanation: "The settings are {settings}.",
        example: "set cooldwn = 7d",
        fix: "set cooldown = 7d",
    },
    CodeDoc {
        code: "dunning::check::unknown-step",
        summary: "`fired` or `since` names a rule that does not exist",
        explanation: "`fired NAME` holds when the rule called NAME has already fired for the invoice; \
`since NAME` counts the days since it last did. Name rules with `rule NAME:` to refer to them.",
        example: "rule first: when overdue > 1d then email\nwhen fired frist and overdue > 10d then call",
        fix: "rule first: when overdue > 1d then email\nwhen fired first and overdue > 10d then call",
    },
    CodeDoc {
        code: "dunning::check::unknown-type",
        summary: "an attribute is declared with a type that does not exist",
        explanation: "Attribute types are `text`, `number`, `money`, `date` and `bool`, or a list of \
allowed values: `attribute segment in [strategic, key, standard]`.",
        example: "attribute reviewed_on: datetime",
        fix: "attribute reviewed_on: date",
    },
    CodeDoc {
        code: "dunning::check::reserved-name",
        summary: "an attribute declaration reuses the name of a built-in fact",
        explanation: "Built-in facts (`amount`, `overdue`…) and the columns dunning reads itself \
(`issue_date`, `due_date`, `paid_date`) cannot be declared as attributes; they are always there.",
        example: "attribute amount: money",
        fix: "(remove the declaration; `amount` is always available)",
    },
    CodeDoc {
        code: "dunning::check::type-mismatch",
        summary: "a fact is compared with a value of another kind",
        explanation: "Days are compared with durations (`15d`, `2w`), amounts with money (`500 EUR`), \
counts with numbers, dates with dates or `today`, and words only with `=`, `!=` or `in`.",
        example: "when overdue > 500 EUR then call\nwhen amount > 15d then call\nwhen segment > 3 then call",
        fix: "when overdue > 15d and amount > 500 EUR then call\nwhen segment = strategic then call",
    },
    CodeDoc {
        code: "dunning::check::undeclared-value",
        summary: "a value is not in the attribute's declared list",
        explanation: "When an attribute is declared with a list of values, a condition may only \
compare it with those values. The invoice loader applies the same list to the data.",
        example: "attribute segment in [strategic, standard]\nwhen segment = stratgic then call",
        fix: "attribute segment in [strategic, standard]\nwhen segment = strategic then call",
    },
    CodeDoc {
        code: "dunning::check::invalid-comparison",
        summary: "a comparison has no fact, or two facts",
        explanation: "A comparison puts a fact or attribute on one side and a value on the other.",
        example: "when 3 > 2 then call\nwhen overdue > due_in then call",
        fix: "when overdue > 15d then call",
    },
    CodeDoc {
        code: "dunning::check::unknown-currency",
        summary: "a currency is not an ISO 4217 code",
        explanation: "Amounts carry a three-letter ISO 4217 currency code in capitals: `EUR`, `USD`, \
`GBP`, `CHF`…",
        example: "when amount > 500 EUX then call",
        fix: "when amount > 500 EUR then call",
    },
    CodeDoc {
        code: "dunning::check::out-of-range",
        summary: "a number, duration or amount is too large (or too small)",
        explanation: "Durations go up to 10 years (`3650d`), amounts and numbers up to \
1,000,000,000,000, interest rates up to 100%, the cooldown up to 365 days; a repeat interval is at \
least one day.",
        example: "when overdue > 99999d then legal",
        fix: "when overdue > 120d then legal",
    },
    CodeDoc {
        code: "dunning::check::invalid-date",
        summary: "a date does not exist",
        explanation: "Dates are written YYYY-MM-DD and must exist in the calendar.",
        example: "when promised_until >= 2025-02-30 then call",
        fix: "when promised_until >= 2025-02-28 then call",
    },
    CodeDoc {
        code: "dunning::check::invalid-setting",
        summary: "a setting has a value of the wrong kind",
        explanation: "`cooldown` takes a duration, `calendar` takes `france` or `none`, \
`minimum_amount` and `indemnity` take an amount, `interest_rate` a percentage, `pause_disputed` \
`yes` or `no`.",
        example: "set calendar = mars\nset cooldown = 7",
        fix: "set calendar = france\nset cooldown = 7d",
    },
    CodeDoc {
        code: "dunning::check::duplicate-rule",
        summary: "two rules have the same name",
        explanation: "Rule names identify steps in the history file and in `fired` conditions, so each \
must be unique.",
        example: "rule reminder: when overdue > 1d then email\nrule reminder: when overdue > 10d then call",
        fix: "rule reminder: when overdue > 1d then email\nrule call: when overdue > 10d then call",
    },
    CodeDoc {
        code: "dunning::check::renamed-rule-exists",
        summary: "a rule's former name (`was`) is the name of a rule of the policy",
        explanation: "`rule relance_2 (was second_reminder): …` says that the history rows of \
`second_reminder` are steps of `relance_2`, so a renamed rule is not sent again under its new name. \
The former name must be one the policy no longer has: a rule still named so would share its history \
with the rule that took it over. Two rules cannot swap names, nor a rule name itself.",
        example: "rule reminder: when overdue > 1d then email\nrule relance (was reminder): when overdue > 10d then email",
        fix: "rule relance (was reminder): when overdue > 1d then email\nrule relance_2: when overdue > 10d then email",
    },
    CodeDoc {
        code: "dunning::check::duplicate-rename",
        summary: "two rules (or one, twice) declare the same former name",
        explanation: "The history rows of a former name count as the steps of one rule only: declare \
each `was` name once.",
        example: "rule relance_1 (was reminder): when overdue > 1d then email\nrule relance_2 (was reminder): when overdue > 10d then email",
        fix: "rule relance_1 (was reminder): when overdue > 1d then email\nrule relance_2: when overdue > 10d then email",
    },
    CodeDoc {
        code: "dunning::check::duplicate-setting",
        summary: "a setting is set twice",
        explanation: "Each setting is set once; a second value would silently win otherwise.",
        example: "set cooldown = 7d\nset cooldown = 10d",
        fix: "set cooldown = 10d",
    },
    CodeDoc {
        code: "dunning::check::duplicate-attribute",
        summary: "an attribute is declared twice",
        explanation: "Declare each attribute once, with all its values.",
        example: "attribute segment in [strategic]\nattribute segment in [standard]",
        fix: "attribute segment in [strategic, standard]",
    },
    CodeDoc {
        code: "dunning::check::penalty-parameter",
        summary: "an action parameter names a penalty (`indemnity`, `interest`, `interest_rate`, `penalties`)",
        explanation: "Parameters after `with` are carried along with the action for your tools; \
they do not change what dunning computes. The late interest and the flat indemnity each action \
carries come from `set interest_rate` and `set indemnity` (and an invoice whose `customer_type` \
is `consumer` gets neither), so a parameter of that name would be silently ignored: it is refused.",
        example: "rule letter: when overdue >= 20d then letter with indemnity = 0 EUR",
        fix: "rule letter: when overdue >= 20d then letter",
    },
    CodeDoc {
        code: "dunning::check::rate-below-floor",
        summary: "a fixed interest rate is below three times the legal interest rate in a half-year the rate data cover (warning)",
        explanation: "Code de commerce L441-10 II: between professionals, the late-payment rate is \
the ECB main refinancing rate plus 10 points unless the parties agree on another, and an agreed \
rate may not be lower than three times the legal interest rate (taux de l'intérêt légal, business \
creditor) of the half-year. The check compares a fixed rate with that floor in every half-year of \
the built-in legal rate table (data/rates/taux-interet-legal.csv), or of a newer file given with \
`dunning check --legal-rates FILE`, and names those it is below. \
`ecb + 10` is the statutory rate and is never warned about.",
        example: "set interest_rate = 12%",
        fix: "set interest_rate = ecb + 10",
    },
    CodeDoc {
        code: "dunning::check::control-character",
        summary: "a rule name, template or parameter holds a control character",
        explanation: "Names, templates and parameters end up in the plan's CSV, in JSON, in \
Markdown and on the terminal. A control character (a tab, ESC, BEL, U+0001) there would command the \
terminal, and the history loader, which refuses control characters in text cells, could not read \
back the plan that wrote them. Delete the character.",
        example: "rule \"first\treminder\": when overdue > 1d then email",
        fix: "rule \"first reminder\": when overdue > 1d then email",
    },
    CodeDoc {
        code: "dunning::check::surrounding-space",
        summary: "a rule name or template is blank, or starts or ends with a space",
        explanation: "The plan's CSV is read back as the history of the next morning, and data \
files are read with the spaces around every cell removed. A rule named `\" first\"` would be read \
back as `first`, which names no rule: the step would be sent again every morning. Names and \
templates must not start or end with a space (or any other Unicode space), and must not be blank.",
        example: "rule \" first\": when overdue > 1d then email",
        fix: "rule \"first\": when overdue > 1d then email",
    },
    CodeDoc {
        code: "dunning::check::invisible-character",
        summary: "a rule name, template or parameter holds an invisible character (warning)",
        explanation: "Zero-width spaces and joiners, the soft hyphen and the byte-order mark take \
no room on screen: two rule names that look the same differ, and `fired first` does not find \
a rule named `first` and a U+200B. Bidirectional overrides and isolates (U+202A to U+202E, U+2066 to U+2069) show text \
in another order than it is stored. The policy still runs; delete the character.",
        example: "rule \"first\u{200b}\": when overdue > 1d then email",
        fix: "rule \"first\": when overdue > 1d then email",
    },
    CodeDoc {
        code: "dunning::check::duplicate-scope",
        summary: "a policy declares its scope twice",
        explanation: "A policy has one scope: the invoices it handles when several policies run \
together. List every value in one `scope` line.",
        example: "attribute segment in [strategic, key]\nscope segment in [strategic]\nscope segment in [key]\nwhen overdue >= 3d then call",
        fix: "attribute segment in [strategic, key]\nscope segment in [strategic, key]\nwhen overdue >= 3d then call",
    },
    CodeDoc {
        code: "dunning::check::invalid-scope",
        summary: "a scope tests something else than an attribute with a list of values",
        explanation: "Given several policies (a folder, or several files), `plan` and `simulate` run \
them as one book: each invoice goes to the one policy whose scope holds, and a policy without `scope` \
takes the invoices no scope holds for; an invoice that none or several policies take is an error \
(`unrouted`, `ambiguous-route`). The route is taken from the invoice's row, once for the whole run: a \
scope tests an attribute declared with a list of values (`attribute segment in [...]`, every value of \
the data listed, since each policy of a book reads every row), never a fact such as `overdue` that \
changes from day to day. A policy given alone runs on every invoice, its scope aside.",
        example: "scope overdue in [30d]\nwhen overdue >= 3d then call",
        fix: "attribute segment in [strategic, key]\nscope segment in [strategic, key]\nwhen overdue >= 3d then call",
    },
    CodeDoc {
        code: "dunning::check::no-rules",
        summary: "the policy has no rules (warning)",
        explanation: "A policy without rules never does anything. This is usually an empty or \
truncated file.",
        example: "set cooldown = 7d",
        fix: "set cooldown = 7d\nwhen overdue >= 1d then email",
    },
    CodeDoc {
        code: "dunning::check::never-fires",
        summary: "a rule's condition can never be true (warning)",
        explanation: "The comparisons of the condition contradict each other, so the rule never fires. \
A rule that needs a later step of the ladder (or itself) to have fired never fires either: once a step \
has fired for an invoice, no earlier step fires for it. And while disputed invoices are paused (the \
default), a rule for disputed invoices only never fires.",
        example: "when overdue > 30d and overdue < 10d then call",
        fix: "when overdue > 10d and overdue < 30d then call",
    },
    CodeDoc {
        code: "dunning::check::shadowed",
        summary: "a rule is never chosen because a later rule always holds with it (warning)",
        explanation: "When several steps hold for an invoice on the same day, only the most advanced \
one fires (the one lowest in the file), and once a step has fired no earlier step ever fires. A rule \
whose condition implies the condition of a later rule can therefore never fire.",
        example: "when overdue > 30d then letter\nwhen overdue > 10d then email",
        fix: "when overdue > 10d then email\nwhen overdue > 30d then letter",
    },
    CodeDoc {
        code: "dunning::check::firmer-first",
        summary: "a firmer action comes at a lower threshold than a milder one (warning)",
        explanation: "Reminders (e-mail, text, call) come before letters, letters before registered \
letters, then the formal notice, then a collection agency or legal action. A firmer step at fewer days \
overdue than a milder one for the same invoices is usually a swapped threshold.",
        example: "when overdue > 10d then registered_letter\nwhen overdue > 20d then email",
        fix: "when overdue > 10d then email\nwhen overdue > 20d then registered_letter",
    },
    CodeDoc {
        code: "dunning::check::no-formal-notice",
        summary: "legal action or a collection agency without a formal notice before it (warning)",
        explanation: "In French practice, a formal notice (mise en demeure) by registered letter is the \
required step before legal action or handing the claim to an agency.",
        example: "when overdue > 30d then letter\nwhen overdue > 60d then legal",
        fix: "when overdue > 30d then letter\nwhen overdue > 45d then formal_notice\nwhen overdue > 60d then legal",
    },
    CodeDoc {
        code: "dunning::check::within-cooldown",
        summary: "two steps are closer together than the cooldown (warning)",
        explanation: "With `set cooldown`, a customer is not contacted twice within that many days; a \
step that falls inside the cooldown is deferred. Two steps closer than the cooldown, or a step that \
repeats more often than the cooldown allows, therefore never happen at their stated times.",
        example: "set cooldown = 7d\nwhen overdue > 1d then email\nwhen overdue > 4d then call",
        fix: "set cooldown = 7d\nwhen overdue > 1d then email\nwhen overdue > 8d then call",
    },
    CodeDoc {
        code: "dunning::check::expires-in-cooldown",
        summary: "a contact step holds on fewer overdue days than the cooldown lasts (warning)",
        explanation: "The cooldown defers a contact step due less than `cooldown` days after the \
customer's last contact. A step whose window (the overdue days on which its condition holds) is \
shorter than the cooldown can be deferred past its last day, by a contact about another invoice of \
the same customer just before: it is then lost. `simulate` counts such steps (\"expired while \
deferred\") and `explain` names them. Preventive steps (before the due date) are never deferred.",
        example: "set cooldown = 7d\nwhen overdue >= 1d and overdue <= 3d then email",
        fix: "set cooldown = 7d\nwhen overdue >= 1d and overdue <= 7d then email",
    },
    CodeDoc {
        code: "dunning::check::coverage-gap",
        summary: "some overdue invoices get no step at all (warning)",
        explanation: "For each value of the declared `segment` attribute (or for all invoices), the \
checker looks for days overdue where no rule can hold: an invoice first seen then, or back from a pause \
then, gets no action; and for segments that no overdue step applies to at all.",
        example: "attribute segment in [strategic, small]\nwhen segment = strategic and overdue > 15d then call",
        fix: "attribute segment in [strategic, small]\nwhen overdue > 5d then email\nwhen segment = strategic and overdue > 15d then call",
    },
    CodeDoc {
        code: "dunning::check::long-wait",
        summary: "more than 30 days pass between two steps (warning)",
        explanation: "A ladder that leaves an invoice more than 30 days without a step loses the \
debtor's attention. The check runs per segment when `segment` is declared.",
        example: "when overdue > 15d then email\nwhen overdue > 60d then formal_notice",
        fix: "when overdue > 15d then email\nwhen overdue > 35d then registered_letter\nwhen overdue > 60d then formal_notice",
    },
];
