//! The long description of every template code, for `dunning check
//! --explain`.

use crate::check::codes::CodeDoc;

/// The codes of templates and of the company file.
pub(crate) const CODES: &[CodeDoc] = &[
    CodeDoc {
        code: "dunning::template::missing",
        summary: "the policy names a template the templates folder does not have",
        explanation: "A rule's `template \"NAME\"` is the file `NAME.txt` of the templates folder \
(`--templates DIR`, or the folder `templates/` beside the policy), or `NAME.LANG.txt` for customers \
whose `language` attribute is `LANG`. `dunning check` checks the templates of a policy when such a \
folder exists, and `plan --render` needs one file for each template named.",
        example: "# templates/ holds relance-1.txt\nrule first: when overdue >= 2d then email template \"relance-un\"",
        fix: "rule first: when overdue >= 2d then email template \"relance-1\"",
    },
    CodeDoc {
        code: "dunning::template::syntax",
        summary: "a template does not parse",
        explanation: "Templates are written in minijinja's language (Jinja2): `{{ variable }}`, \
`{% for invoice in invoices %}…{% endfor %}`, `{% if … %}…{% endif %}`. A tag left open or \
misspelt is reported at its place in the template.",
        example: "{% for invoice in invoices %}{{ invoice.id }}",
        fix: "{% for invoice in invoices %}{{ invoice.id }}{% endfor %}",
    },
    CodeDoc {
        code: "dunning::template::unknown-variable",
        summary: "a template uses a variable that templates are not given",
        explanation: "The variables of templates are a closed set (the README's table): `customer` \
(its `id` and the attributes the policy declares), `invoices`, `totals`, `step`, `date`, `deadline`, \
`deadline_days`, `creditor`, `penalty`, `language` and `params`. Anything else would print nothing \
in a letter, or stop it on the day it is due: `dunning check` finds it first, with the closest name.",
        example: "Dear {{ customer.nme }},",
        fix: "attribute name: text\n\nDear {{ customer.name }},",
    },
    CodeDoc {
        code: "dunning::template::render",
        summary: "a template fails when rendered: an unknown field, a function that is not offered, a loop without end, an output too large",
        explanation: "`dunning check` renders every template a policy names with sample values of \
each variable. Rendering is sandboxed: an invoice's field must exist (`invoice.amout` is an error), \
only minijinja's built-in filters and functions exist (no file access, nothing from the system), a \
rendering runs on bounded fuel (a loop without end stops) and writes at most 1 MiB.",
        example: "{% for invoice in invoices %}{{ invoice.amout }}{% endfor %}",
        fix: "{% for invoice in invoices %}{{ invoice.amount }}{% endfor %}",
    },
    CodeDoc {
        code: "dunning::template::unreadable",
        summary: "the templates folder or one of its files cannot be read",
        explanation: "Every `.txt` file of the templates folder is read (at most 256 KiB each, UTF-8 \
text); subfolders are not. A file that cannot be read is reported with the system's reason.",
        example: "dunning check --templates missing-folder/ policy.dunning",
        fix: "dunning check --templates templates/ policy.dunning",
    },
    CodeDoc {
        code: "dunning::template::no-recipient",
        summary: "e-mails of the day whose customer has no e-mail address (warning)",
        explanation: "The `To:` of an e-mail is the customer's `email` attribute (its invoice's \
`email` cell). `plan --render` still writes the message, without `To:`, marks it `no-recipient` in \
`index.csv` and names the customers, so that nobody believes it sent: declare `attribute email: \
text` in the policy and give the invoice file an `email` column, filled for every customer reached \
by e-mail. The checker cannot see it: an address is data, and a policy may read an undeclared \
column.",
        example: "rule first: when overdue >= 2d then email template \"relance-1\"",
        fix: "attribute email: text\nrule first: when overdue >= 2d then email template \"relance-1\"",
    },
    CodeDoc {
        code: "dunning::template::unencodable",
        summary: "a PDF letter holds characters its font cannot write (warning)",
        explanation: "PDF letters are written in Courier, one of the fonts every PDF reader has, \
in the Windows-1252 encoding: French and the other Western European languages, `€`, `«»`, the \
no-break space. A character outside it (a customer's name in Polish, Greek or Cyrillic) is written \
`?` in the PDF; `plan --render` names the customer and the characters. The `.txt` letter, written \
beside the PDF by default (`--letters both`), holds the text as it is.",
        example: "Dear {{ customer.name }},    # customer.name = Łukasz",
        fix: "dunning plan … --render out/ --letters txt",
    },
    CodeDoc {
        code: "dunning::template::company",
        summary: "the company file (the creditor's details) is not valid",
        explanation: "The company file (`company.yaml` in the templates folder, or `--company FILE`) \
is YAML with any of the keys name, address, postcode, city, country, siret, vat, iban, bic, email, \
phone and website, each a text: the `creditor` of templates.",
        example: "name: ACME SAS\nsirett: 123 456 789 00012",
        fix: "name: ACME SAS\nsiret: 123 456 789 00012",
    },
];
