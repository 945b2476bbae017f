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
    document::render_plan(
        &policy,
        &data,
        &plan,
        &templates,
        &company,
        Default::default(),
    )
    .unwrap()
    .files
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
    // Seven steps, two languages, a PDF beside the letter and the formal
    // notice, and the three work lists.
    assert_eq!(files.len(), 7 * 2 + 2 * 2 + 3, "{names:?}");
    for file in files.iter().filter(|f| !f.name.ends_with(".pdf")) {
        insta::assert_snapshot!(file.name.clone(), readable(file));
    }
}

#[test]
fn the_formal_notice_states_the_legal_mentions() {
    let files = render_fixture();
    let notice = files
        .iter()
        .find(|f| f.name.contains("NOTICE-fr") && f.name.ends_with(".txt"))
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

#[test]
fn template_params_are_checked_against_the_rules_naming_the_template() {
    let text =
        "rule first: when overdue >= 2d then email template \"relance\" with receipt = yes\n\
                rule other: when overdue >= 9d then call with script = long\n";
    let template = "{{ params.reciept }}";
    let errors = check_one(text, template);
    assert_eq!(errors.len(), 1, "{errors:?}");
    insta::assert_snapshot!("template-unknown-param", shown(&errors, text, template));
    // A parameter of another rule is not one of this template's.
    assert_eq!(check_one(text, "{{ params.script }}").len(), 1);
    assert_eq!(check_one(text, "{{ params.receipt }}"), vec![]);
    // No rule naming the template has parameters.
    let errors = check_one(ONE_RULE, "{{ params.receipt }}");
    insta::assert_snapshot!(
        "template-unknown-param-none",
        shown(&errors, ONE_RULE, "{{ params.receipt }}")
    );
}

#[test]
fn hand_over_files_state_the_indemnity_each_invoice_owes() {
    // The first reminder claimed the indemnity of the agency's invoice
    // (the plan carries 0 on later steps): the hand-over states the 40 EUR
    // it still owes.
    let files = render_fixture();
    let get = |n: &str| {
        let f = files.iter().find(|f| f.name.ends_with(n)).unwrap();
        String::from_utf8(f.bytes.clone()).unwrap()
    };
    let agency = get("agency.csv");
    assert!(agency.contains(",6.70,40,EUR,2025-05-12"), "{agency}");
    let letter = get("AGENCY-fr-transfert-recouvrement.txt");
    assert!(
        letter.contains("indemnité forfaitaire 40,00\u{a0}€"),
        "{letter}"
    );
}

#[test]
fn an_indemnity_is_in_its_own_currency_and_none_for_consumers() {
    let text = "set interest_rate = 12%\nset indemnity = 40 EUR\n\
                attribute customer_type in [business, consumer]\n\
                rule notice: when overdue >= 30d then formal_notice template \"relance\"\n";
    let policy = policy(text);
    let csv = "invoice_id,customer_id,issue_date,due_date,amount,currency,customer_type\n\
               U-1,USD-CO,2025-01-01,2025-02-01,1000.00,USD,business\n\
               C-1,CONSUMER,2025-01-01,2025-02-01,1000.00,EUR,consumer\n";
    let invoices = read_invoices("i.csv", csv.as_bytes(), Format::Csv, &policy).unwrap();
    let templates = Templates::from_files(
        "t",
        [(
            "relance.txt".to_string(),
            "{% for i in invoices %}{{ i.id }}: {{ i.indemnity }} / {{ i.total }}\n{% endfor %}\
             {% for t in totals %}{{ t.currency }} {{ t.indemnity }} {{ t.total }}\n{% endfor %}"
                .to_string(),
        )],
    );
    let data = RunData::new(&invoices);
    let plan = dunning::plan(&policy, data, "2025-04-01".parse().unwrap());
    let rendered = document::render_plan(
        &policy,
        &data,
        &plan,
        &templates,
        &Company::default(),
        Default::default(),
    )
    .unwrap();
    let texts: Vec<String> = rendered
        .files
        .iter()
        .filter(|f| f.name.ends_with(".txt"))
        .map(|f| String::from_utf8(f.bytes.clone()).unwrap())
        .collect();
    insta::assert_snapshot!("indemnity-currency-consumer", texts.join("---\n"));
}

#[test]
fn e_mails_without_an_address_are_named_and_marked() {
    // The shipped policy as it is: it declares no `email` attribute.
    let text = std::fs::read_to_string("policies/french_b2b.dunning").unwrap();
    let policy = policy(&text);
    let (invoices, history) = fixture(&policy);
    let (templates, company) = shipped();
    let data = RunData::new(&invoices).with_history(&history);
    let plan = dunning::plan(&policy, data, day());
    let rendered = document::render_plan(
        &policy,
        &data,
        &plan,
        &templates,
        &company,
        Default::default(),
    )
    .unwrap();
    let file = SourceFile::new("policies/french_b2b.dunning", text.as_str());
    let warnings: String = rendered
        .warnings
        .iter()
        .map(|w| render_human(w, &file, false))
        .collect();
    insta::assert_snapshot!("template-no-recipient", warnings);
    let index = &rendered
        .files
        .iter()
        .find(|f| f.name == "index.csv")
        .unwrap();
    let index = String::from_utf8(index.bytes.clone()).unwrap();
    assert!(
        index.contains("relance-1.txt,fr,EUR,1234.56,F-FIRST-fr,no-recipient"),
        "{index}"
    );
    assert!(index.contains(",F-CALL-fr,ready"), "{index}");
    // With the attribute, nothing to say.
    let (_, with_email) = french_b2b();
    let (invoices, history) = fixture(&with_email);
    let data = RunData::new(&invoices).with_history(&history);
    let plan = dunning::plan(&with_email, data, day());
    let rendered = document::render_plan(
        &with_email,
        &data,
        &plan,
        &templates,
        &company,
        Default::default(),
    )
    .unwrap();
    assert_eq!(rendered.warnings, vec![]);
}

/// The text of a PDF as poppler's `pdftotext` reads it; `None` (and a
/// line saying so) when the tool is not installed.
fn pdftotext(bytes: &[u8]) -> Option<String> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("letter.pdf");
    std::fs::write(&path, bytes).unwrap();
    match std::process::Command::new("pdftotext")
        .args(["-enc", "UTF-8"])
        .arg(&path)
        .arg("-")
        .output()
    {
        Ok(out) => {
            assert!(out.status.success(), "{out:?}");
            Some(String::from_utf8(out.stdout).unwrap())
        }
        Err(e) => {
            eprintln!(
                "skipped: the PDF text check needs poppler's `pdftotext` ({e}); \
                 install it with `apt-get install -y poppler-utils` (.ci/run does)"
            );
            None
        }
    }
}

#[test]
fn pdf_letters_hold_the_text_of_the_letter() {
    let files = render_fixture();
    let pdfs: Vec<&OutFile> = files.iter().filter(|f| f.name.ends_with(".pdf")).collect();
    assert_eq!(
        pdfs.len(),
        4,
        "the letters and formal notices, in two languages"
    );
    for pdf in pdfs {
        assert!(pdf.bytes.starts_with(b"%PDF-"));
        let Some(text) = pdftotext(&pdf.bytes) else {
            return;
        };
        let txt_name = pdf.name.replace(".pdf", ".txt");
        let txt = files.iter().find(|f| f.name == txt_name).unwrap();
        let txt = String::from_utf8(txt.bytes.clone()).unwrap();
        let words = |t: &str| t.split_whitespace().map(str::to_string).collect::<Vec<_>>();
        assert_eq!(words(&text), words(&txt), "{}", pdf.name);
        if pdf.name.contains("NOTICE-fr") {
            // pdftotext gives the no-break spaces as spaces.
            let text = text.replace('\u{a0}', " ");
            for needle in ["F-NOTICE-fr", "2 500,00 €", "L441-10", "D441-5", "13,15 %"] {
                assert!(text.contains(needle), "{needle} in {text}");
            }
        }
    }
}

#[test]
fn a_pdf_letter_names_the_characters_its_font_cannot_write() {
    let text = "attribute name: text\n\
                rule notice: when overdue >= 30d then formal_notice template \"relance\"\n";
    let policy = policy(text);
    let csv = "invoice_id,customer_id,issue_date,due_date,amount,currency,name\n\
               F-1,PL-1,2025-01-01,2025-02-01,1000.00,EUR,Łukasz Żółw\n";
    let invoices = read_invoices("i.csv", csv.as_bytes(), Format::Csv, &policy).unwrap();
    let templates = Templates::from_files(
        "t",
        [(
            "relance.txt".to_string(),
            "Cher {{ customer.name }}, échéance dépassée.".to_string(),
        )],
    );
    let data = RunData::new(&invoices);
    let plan = dunning::plan(&policy, data, "2025-04-01".parse().unwrap());
    let rendered = document::render_plan(
        &policy,
        &data,
        &plan,
        &templates,
        &Company::default(),
        Default::default(),
    )
    .unwrap();
    let file = SourceFile::new("policy.dunning", text);
    let warnings: String = rendered
        .warnings
        .iter()
        .map(|w| render_human(w, &file, false))
        .collect();
    insta::assert_snapshot!("template-unencodable", warnings);
    let pdf = rendered
        .files
        .iter()
        .find(|f| f.name.ends_with(".pdf"))
        .unwrap();
    if let Some(text) = pdftotext(&pdf.bytes) {
        assert!(
            text.contains("Cher ?ukasz ?ó?w, échéance dépassée."),
            "{text}"
        );
    }
}

#[test]
fn letters_are_written_as_pdf_text_or_both() {
    let (_, policy) = french_b2b();
    let (invoices, history) = fixture(&policy);
    let (templates, company) = shipped();
    let data = RunData::new(&invoices).with_history(&history);
    let plan = dunning::plan(&policy, data, day());
    let names = |letters| {
        let options = document::RenderOptions { letters };
        document::render_plan(&policy, &data, &plan, &templates, &company, options)
            .unwrap()
            .files
            .into_iter()
            .map(|f| f.name)
            .filter(|n| n.contains("NOTICE-fr") || n.contains("CALL-fr"))
            .collect::<Vec<_>>()
    };
    use document::Letters;
    assert_eq!(
        names(Letters::Pdf),
        [
            "004-CALL-fr-relance-telephonique.txt",
            "014-NOTICE-fr-mise-en-demeure.pdf"
        ]
    );
    assert_eq!(
        names(Letters::Txt),
        [
            "004-CALL-fr-relance-telephonique.txt",
            "014-NOTICE-fr-mise-en-demeure.txt"
        ]
    );
    assert_eq!(names(Letters::Both).len(), 3);
}

/// The shipped statement of account, in French and in English: each open
/// invoice, then each currency's balance with its ageing.
#[test]
fn the_shipped_statement_of_account_renders_in_both_languages() {
    let (_, policy) = french_b2b();
    let (invoices, history) = fixture(&policy);
    let (templates, company) = shipped();
    let data = RunData::new(&invoices).with_history(&history);
    for customer in ["COURT-fr", "NOTICE-en"] {
        let statement = dunning::statement(
            &policy,
            data,
            customer,
            day(),
            dunning::policy::ActionKind::Letter,
            "releve-de-compte",
        )
        .unwrap();
        let options = document::RenderOptions {
            letters: document::Letters::Txt,
        };
        let rendered =
            document::render_statement(&policy, &data, &statement, &templates, &company, options)
                .unwrap();
        let [file] = rendered.files.as_slice() else {
            panic!("one text file: {:?}", rendered.files.len());
        };
        insta::assert_snapshot!(format!("statement-{customer}"), readable(file));
    }
}
