//! Documents: the shipped templates rendered for fixture customers in both
//! languages, e-mails parsed back, template checks and their diagnostics,
//! hostile templates, determinism.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::Path;

use dunning::data::{read_history, read_invoices, Format, Invoice};
use dunning::document::{self, Company, OutFile, TemplateError, Templates};
use dunning::output::diagnostics::render_human;
use dunning::{Policy, RunData, SourceFile};

const DAY: &str = "2025-06-04";

fn day() -> chrono::NaiveDate {
    DAY.parse().unwrap()
}

/// `french_b2b.dunning` with the contact attributes the templates read.
fn french_b2b() -> (String, Policy) {
    let text = std::fs::read_to_string("policies/french_b2b.dunning").unwrap()
        + "\nattribute name: text\nattribute address: text\nattribute postcode: text\n\
           attribute city: text\nattribute email: text\nattribute language: text\n";
    let checked = dunning::check(&dunning::parse(&text));
    assert!(!checked.has_errors(), "{:?}", checked.diagnostics);
    (text, checked.policy.unwrap())
}

/// One customer per step of `french_b2b`, in French and in English, on
/// 2025-06-04; the agency and court steps after a formal notice.
fn fixture(policy: &Policy) -> (Vec<Invoice>, Vec<dunning::data::HistoryEntry>) {
    let steps = [
        ("COURTESY", "2025-04-08", "2025-06-07", "800.00"),
        ("FIRST", "2025-04-03", "2025-06-02", "1234.56"),
        ("CALL", "2025-04-25", "2025-05-25", "450.00"),
        ("LETTER", "2025-04-15", "2025-05-15", "980.40"),
        ("NOTICE", "2025-03-31", "2025-04-30", "2500.00"),
        ("AGENCY", "2025-03-06", "2025-04-05", "310.00"),
        ("COURT", "2025-02-04", "2025-03-06", "12000.00"),
    ];
    let mut csv = String::from(
        "invoice_id,customer_id,issue_date,due_date,amount,currency,name,address,postcode,city,email,language\n",
    );
    let mut history = String::from("date,customer_id,invoice_id,rule,action,template\n");
    for (lang, name) in [("fr", "Dupont & Fils SARL"), ("en", "Smith <Trading> Ltd")] {
        for (step, issued, due, amount) in steps {
            let customer = format!("{step}-{lang}");
            let invoice = format!("F-{step}-{lang}");
            csv.push_str(&format!(
                "{invoice},{customer},{issued},{due},{amount},EUR,\"{name}\",8 rue Haute,69002,Lyon,compta@{}.example,{lang}\n",
                step.to_lowercase()
            ));
            if matches!(step, "AGENCY" | "COURT") {
                history.push_str(&format!(
                    "2025-05-12,{customer},{invoice},formal_notice,formal_notice,mise-en-demeure\n"
                ));
            }
        }
    }
    let invoices = read_invoices("invoices.csv", csv.as_bytes(), Format::Csv, policy).unwrap();
    let history = read_history("history.csv", history.as_bytes(), Format::Csv, &invoices).unwrap();
    (invoices, history)
}

fn shipped() -> (Templates, Company) {
    let templates = Templates::load(Path::new("policies/templates")).unwrap();
    let company = Company::read(Path::new("policies/templates/company.yaml")).unwrap();
    (templates, company)
}

fn render_fixture() -> Vec<OutFile> {
    let (_, policy) = french_b2b();
    let (invoices, history) = fixture(&policy);
    let (templates, company) = shipped();
    let data = RunData::new(&invoices).with_history(&history);
    let plan = dunning::plan(&policy, data, day());
    document::render_plan(&policy, &data, &plan, &templates, &company).unwrap()
}

/// A document as a person reads it: an e-mail parsed back (subject, then
/// its plain text), a text document as it is.
fn readable(file: &OutFile) -> String {
    if file.name.ends_with(".eml") {
        let message = mail_parser::MessageParser::default()
            .parse(&file.bytes)
            .expect("the .eml parses back");
        let html = message.body_html(0).expect("an HTML part").into_owned();
        let text = message.body_text(0).expect("a text part").into_owned();
        assert!(!html.contains("<Trading>"), "the HTML part is escaped");
        format!(
            "To: {}\nFrom: {}\nSubject: {}\n\n{text}",
            message
                .to()
                .and_then(|a| a.first())
                .and_then(|a| a.address())
                .unwrap_or(""),
            message
                .from()
                .and_then(|a| a.first())
                .and_then(|a| a.address())
                .unwrap_or(""),
            message.subject().unwrap_or(""),
        )
    } else {
        String::from_utf8(file.bytes.clone()).unwrap()
    }
}

#[test]
fn every_step_of_french_b2b_renders_in_french_and_in_english() {
    let files = render_fixture();
    let names: Vec<&str> = files.iter().map(|f| f.name.as_str()).collect();
    // Seven steps, two languages, and the three work lists.
    assert_eq!(files.len(), 7 * 2 + 3, "{names:?}");
    for file in &files {
        insta::assert_snapshot!(file.name.clone(), readable(file));
    }
}

#[test]
fn the_formal_notice_states_the_legal_mentions() {
    let files = render_fixture();
    let notice = files
        .iter()
        .find(|f| f.name.contains("NOTICE-fr"))
        .map(readable)
        .unwrap();
    for needed in [
        "MISE EN DEMEURE",
        "F-NOTICE-fr",
        "2\u{a0}500,00\u{a0}€",
        "L441-10",
        "D441-5",
        "13,15\u{a0}%",
        "40,00\u{a0}€",
        "12/06/2025",
        "injonction de payer",
        "1344 du Code civil",
        "SIRET 123 456 789 00012",
    ] {
        assert!(notice.contains(needed), "missing {needed:?} in\n{notice}");
    }
}

#[test]
fn rendering_is_deterministic() {
    assert_eq!(render_fixture(), render_fixture());
}

#[test]
fn work_lists_name_the_calls_and_the_reminders_handed_over() {
    let files = render_fixture();
    let get = |n: &str| {
        let f = files.iter().find(|f| f.name == n).unwrap();
        String::from_utf8(f.bytes.clone()).unwrap()
    };
    let calls = get("call-list.csv");
    assert!(calls.contains("CALL-fr,F-CALL-fr,450.00,EUR,10,phone_reminder"));
    let agency = get("agency.csv");
    assert!(
        agency.contains("2025-05-12 formal_notice mise-en-demeure"),
        "{agency}"
    );
}

fn policy(text: &str) -> Policy {
    let checked = dunning::check(&dunning::parse(text));
    checked.policy.unwrap()
}

const ONE_RULE: &str =
    "attribute name: text\nrule first: when overdue >= 2d then email template \"relance\"\n";

fn check_one(text: &str, template: &str) -> Vec<TemplateError> {
    let templates = Templates::from_files(
        "templates",
        [("relance.txt".to_string(), template.to_string())],
    );
    document::check(&policy(text), text, &templates)
}

/// A template error rendered in the file its span points into.
fn shown(errors: &[TemplateError], policy_text: &str, template: &str) -> String {
    errors
        .iter()
        .map(|e| {
            let file = match e.template_file() {
                Some(name) => SourceFile::new(format!("templates/{name}"), template),
                None => SourceFile::new("policy.dunning", policy_text),
            };
            render_human(e, &file, false)
        })
        .collect()
}

#[test]
fn template_diagnostics_render_as_snapshots() {
    let cases = [
        (
            "unknown-variable",
            ONE_RULE,
            "Bonjour {{ customer.nme }}, {{ dedline }}",
        ),
        ("syntax", ONE_RULE, "{% for f in invoices %}{{ f.id }}"),
        (
            "render",
            ONE_RULE,
            "{% for f in invoices %}{{ f.amout }}{% endfor %}",
        ),
        (
            "missing",
            "rule first: when overdue >= 2d then email template \"relanse\"\n",
            "x",
        ),
    ];
    for (name, policy_text, template) in cases {
        let errors = check_one(policy_text, template);
        assert!(!errors.is_empty(), "{name}");
        let code = format!("dunning::template::{name}");
        assert!(
            errors
                .iter()
                .all(|e| miette::Diagnostic::code(e).unwrap().to_string() == code),
            "{name}: {errors:?}"
        );
        insta::assert_snapshot!(
            format!("template-{name}"),
            shown(&errors, policy_text, template)
        );
    }
}

#[test]
fn a_clean_template_has_no_diagnostic() {
    let template = "{% set subject = 'x' %}{{ customer.name }} {{ customer.email }}\
        {% for f in invoices %}{{ f.id }} {{ f.total }}{% endfor %}{{ creditor.iban }} {{ penalty.rate }}";
    assert_eq!(check_one(ONE_RULE, template), vec![]);
}

#[test]
fn hostile_templates_fail_cleanly_within_bounds() {
    let hostile = [
        // A loop that would run for ever: the fuel runs out.
        "{% for i in range(100000) %}{% for j in range(100000) %}{{ i }}{% endfor %}{% endfor %}",
        // Output far beyond the bound.
        "{% for i in range(90000) %}{{ 'x' * 100 }}{% endfor %}",
        // Files outside the folder, absolute or relative.
        "{% include '/etc/passwd' %}",
        "{% include '../../Cargo.toml' %}",
        // Functions and attributes that are not offered.
        "{{ open('/etc/passwd') }}",
        "{{ cycler.__init__.__globals__ }}",
        "{{ self.__class__ }}",
        // Recursion without end.
        "{% macro m() %}{{ m() }}{% endmacro %}{{ m() }}",
    ];
    for template in hostile {
        let errors = check_one(ONE_RULE, template);
        assert!(!errors.is_empty(), "accepted: {template}");
    }
}

#[test]
fn a_template_cannot_include_a_file_outside_its_folder() {
    let dir = tempfile::tempdir().unwrap();
    let templates = dir.path().join("templates");
    std::fs::create_dir(&templates).unwrap();
    std::fs::write(dir.path().join("secret.txt"), "SECRET").unwrap();
    std::fs::write(
        templates.join("relance.txt"),
        "{% include '../secret.txt' %}",
    )
    .unwrap();
    let loaded = Templates::load(&templates).unwrap();
    let errors = document::check(&policy(ONE_RULE), ONE_RULE, &loaded);
    let shown = format!("{errors:?}");
    assert!(!errors.is_empty());
    assert!(!shown.contains("SECRET"));
}

#[test]
fn the_shipped_policies_templates_are_clean() {
    let (templates, _) = shipped();
    for name in ["french_b2b", "small_invoices", "strategic_accounts"] {
        let path = format!("policies/{name}.dunning");
        let text = std::fs::read_to_string(&path).unwrap();
        let errors = document::check(&policy(&text), &text, &templates);
        assert_eq!(errors, vec![], "{name}");
    }
}

#[test]
fn every_template_code_is_explained_and_in_the_readme() {
    let readme = std::fs::read_to_string("README.md").unwrap();
    for doc in dunning::codes::TEMPLATE {
        assert!(readme.contains(&format!("`{}`", doc.code)), "{}", doc.code);
        assert_eq!(dunning::codes::find(doc.code).unwrap().code, doc.code);
    }
    for var in document::VARIABLES {
        assert!(
            readme.contains(&format!("| `{}` |", var.name)),
            "{}",
            var.name
        );
    }
}
