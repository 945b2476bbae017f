//! The long description of every data diagnostic code, for
//! `dunning check --explain CODE`. Same shape as the policy codes
//! (`crate::check::codes`); the examples are excerpts of data files.

use crate::check::codes::CodeDoc;

const HEADER: &str = "invoice_id,customer_id,issue_date,due_date,amount,currency";

/// Finds a code, written `dunning::data::bad-date`, `data::bad-date` or `bad-date`.
pub(crate) fn find(code: &str) -> Option<&'static CodeDoc> {
    let short = code.strip_prefix("dunning::").unwrap_or(code);
    let short = short.strip_prefix("data::").unwrap_or(short);
    CODES
        .iter()
        .find(|c| c.code.strip_prefix("dunning::data::") == Some(short))
}

/// The codes of data files.
pub(crate) const CODES: &[CodeDoc] = &[
    CodeDoc {
        code: "dunning::data::io",
        summary: "a data file cannot be read",
        explanation: "The file does not exist, is a folder, or cannot be opened. The message gives the \
reason the system reported. This is a usage error (exit code 2), not a problem in the data.",
        example: "dunning plan policy.dunning --invoices invoices.cvs --date 2025-03-01",
        fix: "dunning plan policy.dunning --invoices invoices.csv --date 2025-03-01",
    },
    CodeDoc {
        code: "dunning::data::unknown-format",
        summary: "a data file's extension is not .csv, .json, .yaml, .yml, a workbook's, .parquet, .arrow or .feather",
        explanation: "The format of a data file is chosen by its extension: `.csv` for comma-separated \
values, `.json` for a JSON list of objects, `.yaml` or `.yml` for a YAML list of mappings, `.xlsx`, \
`.xlsm`, `.xls` or `.ods` for a spreadsheet workbook, `.parquet` for Parquet, `.arrow`, `.arrows`, \
`.feather` or `.ipc` for Arrow IPC (file or stream format). This is a usage error (exit code 2).",
        example: "dunning plan policy.dunning --invoices invoices.txt --date 2025-03-01",
        fix: "mv invoices.txt invoices.csv",
    },
    CodeDoc {
        code: "dunning::data::not-utf8",
        summary: "a data file is not UTF-8 text",
        explanation: "Data files are read as UTF-8. The line named contains a byte that is not UTF-8, \
usually because the file was saved in Latin-1 or Windows-1252 (a customer name with an accent), or in \
UTF-16 (\"Unicode text\" in some spreadsheets). Rows that are not UTF-8 are reported one by one. An \
import profile (`--profile`) with `encoding: windows-1252` (or `iso-8859-1`, `utf-16`) reads the file \
as it is.",
        example: "INV-7,Société Générale,…   (saved as Windows-1252: `é` is the byte 0xE9)",
        fix: "the same file saved as UTF-8 (in a spreadsheet: \"CSV UTF-8\")",
    },
    CodeDoc {
        code: "dunning::data::bad-csv",
        summary: "the CSV text cannot be split into cells",
        explanation: "A cell that starts with a quote `\"` ends at the next lone quote; commas and line \
breaks in between belong to the cell. When that quote never comes, the rest of the file is swallowed \
into one cell. The message names the line where the quote opens. To write a quote inside a quoted cell, \
double it. The same code reports a file separated by semicolons (as some spreadsheets export in \
France) without a profile saying so: an import profile (`--profile`, `delimiter: \";\"`) reads it as \
it is.",
        example: "invoice_id,customer_id,…\nINV-1,\"Dupont,2025-01-15,…\nINV-2,Martin,2025-01-16,…",
        fix: "invoice_id,customer_id,…\nINV-1,\"Dupont\",2025-01-15,…\nINV-2,Martin,2025-01-16,…",
    },
    CodeDoc {
        code: "dunning::data::bad-profile",
        summary: "an import profile cannot be read",
        explanation: "An import profile (`--profile FILE`, YAML) says how an export is written. Every key \
is optional: `delimiter`, `encoding` (utf-8, windows-1252, iso-8859-1, utf-16), `decimal`, \
`thousands`, `date_format` (strftime, or a list), `true` and `false` (lists of words), `currency`, \
`sheet`, `skip_rows` and `columns` (the product's column names to the file's headers). A key that is not \
one of these, or a value it cannot take, is refused with what it takes. `dunning inspect FILE` prints \
a profile guessed from a file.",
        example: "delimeter: \";\"\ndate_format: \"%d/%m/%y%\"",
        fix: "delimiter: \";\"\ndate_format: \"%d/%m/%Y\"",
    },
    CodeDoc {
        code: "dunning::data::bad-workbook",
        summary: "a workbook (.xlsx, .xls, .ods) cannot be read, or has no such sheet",
        explanation: "Workbooks are read directly: the profile's `sheet` (by default the first), its \
first row after `skip_rows` being the header. The file must be a real workbook (not a CSV renamed \
.xlsx), and the sheet named must exist: the message lists the sheets.",
        example: "sheet: Invoices   (the workbook's sheets are `Factures` and `Clients`)",
        fix: "sheet: Factures",
    },
    CodeDoc {
        code: "dunning::data::bad-columnar",
        summary: "a Parquet or Arrow IPC file cannot be read",
        explanation: "`.parquet` files and Arrow IPC files (`.arrow`, `.feather`: the file format; the \
stream format too) are read column by column. The file must be whole: one cut short (a copy that \
stopped), damaged, or of another format renamed is refused with what the reader found. Parquet pages \
may be uncompressed or in Snappy, Zstandard or LZ4; Arrow buffers uncompressed, LZ4 or Zstandard. \
Feather version 1 (before Arrow IPC) is not read. A build of dunning without the `columnar` feature \
reads no such file and says so.",
        example: "dunning plan policy.dunning --invoices invoices.parquet   (a copy cut short: no footer)",
        fix: "copy the file again, or export it again from its source",
    },
    CodeDoc {
        code: "dunning::data::bad-json",
        summary: "the file is not valid JSON",
        explanation: "A `.json` data file must be valid JSON: the message gives the line and column \
where reading stopped and what was expected there. Common causes: a trailing comma, single quotes, a \
comment.",
        example: "[\n  {\"invoice_id\": \"INV-1\", \"amount\": \"12.50\",},\n]",
        fix: "[\n  {\"invoice_id\": \"INV-1\", \"amount\": \"12.50\"}\n]",
    },
    CodeDoc {
        code: "dunning::data::bad-yaml",
        summary: "the file is not valid YAML, or uses a YAML feature dunning does not read",
        explanation: "A `.yaml` or `.yml` data file must be valid YAML with a single document. Merge \
keys (`<<: *defaults`) are refused rather than half-read: write each record's fields out in full.",
        example: "- invoice_id: INV-1\n  amount: 12.50\n - invoice_id: INV-2",
        fix: "- invoice_id: INV-1\n  amount: 12.50\n- invoice_id: INV-2",
    },
    CodeDoc {
        code: "dunning::data::not-a-table",
        summary: "a JSON or YAML file is not a list of records",
        explanation: "A JSON or YAML data file holds a list with one object per row, whose keys are the \
CSV's column names. The message says what was found instead: an object where the list belongs, or a \
record that is a text, a number or a list rather than an object.",
        example: "{\"invoices\": [{\"invoice_id\": \"INV-1\", …}]}",
        fix: "[{\"invoice_id\": \"INV-1\", …}]",
    },
    CodeDoc {
        code: "dunning::data::empty-file",
        summary: "a data file is empty",
        explanation: "The file has no text at all (or only spaces). A CSV file needs at least its header \
line, even with no row; a JSON or YAML file with no record is written `[]`.",
        example: "(an empty invoices.csv)",
        fix: HEADER,
    },
    CodeDoc {
        code: "dunning::data::empty-header",
        summary: "a column of the CSV header has no name",
        explanation: "Every column of the header needs a name. An empty name usually comes from a comma \
at the end of the header line, or two commas in a row.",
        example: "invoice_id,customer_id,,issue_date,due_date,amount,currency",
        fix: HEADER,
    },
    CodeDoc {
        code: "dunning::data::duplicate-column",
        summary: "a column appears twice",
        explanation: "A column name may appear once in the CSV header, and a field once in a JSON or YAML \
record: otherwise it is unclear which value counts.",
        example: "invoice_id,customer_id,amount,issue_date,due_date,amount,currency",
        fix: HEADER,
    },
    CodeDoc {
        code: "dunning::data::missing-column",
        summary: "a required column, or one the policy uses, is not in the file",
        explanation: "An invoice file has the columns `invoice_id`, `customer_id`, `issue_date`, \
`due_date`, `amount` and `currency` (and may have `paid_date` and `disputed`). Every attribute the policy \
uses or declares must be a column too. A payment file has `invoice_id,date,amount`; a history file \
`date,customer_id,invoice_id,rule,action`. Column names are compared exactly, case included.",
        example: "attribute segment in [strategic, small]\n\ninvoice_id,customer_id,issue_date,due_date,amount,currency,Segment",
        fix: "attribute segment in [strategic, small]\n\ninvoice_id,customer_id,issue_date,due_date,amount,currency,segment",
    },
    CodeDoc {
        code: "dunning::data::bad-row-length",
        summary: "a CSV row has more or fewer cells than the header",
        explanation: "Every row has one cell per column of the header. A longer row usually holds a value \
with a comma that is not quoted (`Dupont, Lyon`); a shorter one a missing value or a line cut short. \
The row is not read further, since its cells cannot be matched with their columns.",
        example: "invoice_id,customer_id,issue_date,due_date,amount,currency\nINV-1,Dupont, Lyon,2025-01-15,2025-02-14,12.50,EUR",
        fix: "invoice_id,customer_id,issue_date,due_date,amount,currency\nINV-1,\"Dupont, Lyon\",2025-01-15,2025-02-14,12.50,EUR",
    },
    CodeDoc {
        code: "dunning::data::missing-value",
        summary: "a required cell is empty",
        explanation: "Required columns need a value in every row: an invoice without an id, customer, \
dates, amount or currency cannot be dunned. (Empty optional cells are fine: an empty `paid_date` means \
unpaid, an empty `disputed` means not disputed, an empty attribute is missing.)",
        example: "INV-1,,2025-01-15,2025-02-14,12.50,EUR",
        fix: "INV-1,C-042,2025-01-15,2025-02-14,12.50,EUR",
    },
    CodeDoc {
        code: "dunning::data::wrong-type",
        summary: "a JSON or YAML field holds an object or a list, or a Parquet or Arrow column has a type that cannot be read",
        explanation: "Each field of a record holds one value: a text, a number, true or false, or null \
for an empty cell. An object or a list cannot be read as a date, an amount or an id. In a Parquet or \
Arrow IPC file, each column that is read must have a type its values are read from exactly: text \
(Utf8, LargeUtf8, Utf8View, or a dictionary of them), Date32, Date64 or a timestamp (its date; in UTC \
or a fixed offset), Decimal128 or Decimal256, an integer, or Boolean. A binary float (Float16, \
Float32, Float64) is refused wherever it is read: 0.1 is stored as 0.1000000000000000055…, and money \
is exact in dunning. Bytes, lists, structs and times of day are refused too. The message names the \
column and its type; a column the policy does not read may have any type.",
        example: "{\"invoice_id\": \"INV-1\", \"due_date\": {\"year\": 2025, \"month\": 2, \"day\": 14}, …}",
        fix: "{\"invoice_id\": \"INV-1\", \"due_date\": \"2025-02-14\", …}",
    },
    CodeDoc {
        code: "dunning::data::imprecise-number",
        summary: "a YAML number has too many digits to be read exactly",
        explanation: "Numbers in YAML are read as binary floating point, which holds 15 significant \
decimal digits exactly. Money is exact in dunning, so a number with more digits is refused rather than \
rounded. Write such a value as a string: it is then read digit for digit. (A JSON number is read from \
its text, digit for digit.)",
        example: "amount: 1234567890123.4567",
        fix: "amount: \"1234567890123.4567\"",
    },
    CodeDoc {
        code: "dunning::data::bad-text",
        summary: "an id or a text value contains a control character",
        explanation: "Ids, customer ids, rule names and text attributes may hold any character except \
control characters (NUL, line breaks, tabs and the like). These come from binary files, broken exports or \
copies from other programs, and would make two ids look equal when they are not.",
        example: "INV\\0001,C-042,…   (a NUL byte inside the id)",
        fix: "INV-0001,C-042,…",
    },
    CodeDoc {
        code: "dunning::data::bad-date",
        summary: "a value is not a date written YYYY-MM-DD",
        explanation: "Dates are written year-month-day with dashes and leading zeros: `2025-01-05`. The \
date must exist: there is no month 13 and no 30 February. A date with a time, or written day first as \
in France (`15/01/2025`), is refused with the date to write instead (when both numbers could be the \
month, as in `7/3/2013`, both readings are given). An export that writes dates its own way is read \
through an import profile (`--profile`, `date_format: \"%d/%m/%Y\"`); the message then gives the \
profile's layouts.",
        example: "INV-1,C-042,15/01/2025,2025-02-30,12.50,EUR",
        fix: "INV-1,C-042,2025-01-15,2025-02-28,12.50,EUR",
    },
    CodeDoc {
        code: "dunning::data::bad-amount",
        summary: "a value is not an amount written as a decimal with a dot",
        explanation: "Amounts are plain decimals: digits, a dot and up to 9 decimals, with no sign, no \
thousands separator, no currency symbol and no exponent (`1250.00`). A decimal comma (`12,50`) is refused \
rather than guessed, since `1,250` could be either. `NaN` and `inf` are not amounts. An export with a \
decimal comma or a thousands separator is read through an import profile (`decimal: \",\"`, \
`thousands: \" \"`); the message then says how the profile expects numbers.",
        example: "INV-1,C-042,2025-01-15,2025-02-14,\"1 250,00\",EUR",
        fix: "INV-1,C-042,2025-01-15,2025-02-14,1250.00,EUR",
    },
    CodeDoc {
        code: "dunning::data::amount-not-positive",
        summary: "an invoice or payment amount is zero or negative",
        explanation: "An invoice to chase and a payment received have positive amounts. A zero \
invoice or a negative payment is an error. A negative invoice amount is a credit note, and so is a \
row whose `document_type` column (usually mapped by an import profile) says so (`Avoir`, \
`Gutschrift`, `credit note`, `CN`…; its amount is then taken as negative): the commands \
(`plan`, `simulate`…) accept credit notes as documents of the customer, never dunned, with one \
warning counting them and naming the first rows; with `--strict` (and in policy test files) each is \
an error.",
        example: "AV-3,C-042,2025-01-15,2025-02-14,-120.00,EUR",
        fix: "(remove the credit note's row)",
    },
    CodeDoc {
        code: "dunning::data::amount-too-large",
        summary: "an amount or number is above 10^18, or the amounts of a file total more than 10^24",
        explanation: "Amounts and numbers are limited to 10^18, far above any real invoice and far below \
where exact decimal arithmetic could overflow. A value this large is almost always a misplaced column \
(an IBAN, a phone number) or a lost decimal point. The amounts of one file may add up to at most 10^24, \
so that every sum of money (balances, totals per currency, interest over the years) stays exact.",
        example: "INV-1,C-042,2025-01-15,2025-02-14,76300060190000000000001,EUR",
        fix: "INV-1,C-042,2025-01-15,2025-02-14,1250.00,EUR",
    },
    CodeDoc {
        code: "dunning::data::bad-currency",
        summary: "a value is not an ISO 4217 currency code",
        explanation: "Currencies are three capital letters from the ISO 4217 list: `EUR`, `USD`, `GBP`, \
`CHF`… Symbols (`€`), names (`euro`) and lower case are refused, with the code to write when it is clear.",
        example: "INV-1,C-042,2025-01-15,2025-02-14,12.50,€",
        fix: "INV-1,C-042,2025-01-15,2025-02-14,12.50,EUR",
    },
    CodeDoc {
        code: "dunning::data::bad-bool",
        summary: "a value is not true or false",
        explanation: "Yes/no columns (`disputed`, and `bool` attributes) accept `true`/`false`, \
`yes`/`no` and `1`/`0`, in any case. An empty `disputed` cell means false; an empty `bool` attribute is \
missing.",
        example: "invoice_id,…,disputed\nINV-1,…,maybe",
        fix: "invoice_id,…,disputed\nINV-1,…,false",
    },
    CodeDoc {
        code: "dunning::data::bad-number",
        summary: "an attribute declared `number` holds something else",
        explanation: "Number attributes are decimals with a dot and an optional minus sign: `3`, \
`-2.5`. The same rules as amounts apply otherwise (no thousands separator, no exponent).",
        example: "attribute risk_score: number\n\ninvoice_id,…,risk_score\nINV-1,…,high",
        fix: "attribute risk_score: number\n\ninvoice_id,…,risk_score\nINV-1,…,8",
    },
    CodeDoc {
        code: "dunning::data::undeclared-value",
        summary: "an attribute's value is not among those the policy declares",
        explanation: "When the policy declares an attribute's values (`attribute segment in [strategic, \
small]`), each row must hold one of them, spelled exactly, or nothing. A value the declaration does not \
know would silently match no rule; either correct the data or add the value to the declaration.",
        example: "attribute segment in [strategic, small]\n\ninvoice_id,…,segment\nINV-1,…,Strategic",
        fix: "attribute segment in [strategic, small]\n\ninvoice_id,…,segment\nINV-1,…,strategic",
    },
    CodeDoc {
        code: "dunning::data::duplicate-id",
        summary: "two rows have the same invoice id",
        explanation: "An invoice snapshot has one row per invoice. A repeated id would make the same \
invoice dunned twice, or make payments and history ambiguous. The message names both lines.",
        example: "INV-1,C-042,2025-01-15,2025-02-14,12.50,EUR\nINV-1,C-042,2025-01-15,2025-02-14,12.50,EUR",
        fix: "INV-1,C-042,2025-01-15,2025-02-14,12.50,EUR",
    },
    CodeDoc {
        code: "dunning::data::due-before-issue",
        summary: "an invoice's due date is before its issue date",
        explanation: "An invoice falls due on or after the day it is issued. A due date before it usually \
means swapped columns or a typo in the year.",
        example: "INV-1,C-042,2025-02-14,2025-01-15,12.50,EUR",
        fix: "INV-1,C-042,2025-01-15,2025-02-14,12.50,EUR",
    },
    CodeDoc {
        code: "dunning::data::paid-before-issue",
        summary: "a paid date or a payment is dated before the invoice's issue date",
        explanation: "A payment is dated on or after its invoice's issue date. An invoice's `paid_date` \
before its issue date is a prepayment, which real ledgers hold: the commands accept it (the invoice is \
never open) with one warning counting them and naming the first rows; with `--strict` (and in policy \
test files) each is an error.",
        example: "invoice_id,…,issue_date,due_date,…,paid_date\nINV-1,…,2025-01-15,2025-02-14,…,2024-01-20",
        fix: "invoice_id,…,issue_date,due_date,…,paid_date\nINV-1,…,2025-01-15,2025-02-14,…,2025-01-20",
    },
    CodeDoc {
        code: "dunning::data::unknown-invoice",
        summary: "a payment or history row names an invoice the invoice file does not have",
        explanation: "Payments and history rows are checked against the invoice snapshot: each names an \
invoice of it. An unknown id in a payment is a typo, or files from different exports: an error. A \
history row of an invoice absent from the snapshot is what an open-items export gives once the invoice \
is paid and dropped: the commands keep it as history, treat the invoice as closed, and give one \
warning counting such rows; with `--strict` (and in policy test files) each is an error.",
        example: "invoice_id,date,amount\nINV-404,2025-03-01,100.00",
        fix: "invoice_id,date,amount\nINV-4,2025-03-01,100.00",
    },
    CodeDoc {
        code: "dunning::data::bad-document-type",
        summary: "a document type is neither an invoice's nor a credit note's",
        explanation: "The `document_type` column (usually mapped by an import profile to the export's \
own column) tells invoices from credit notes. Invoices are `invoice`, `inv`, `in`, `facture`, `fa`, \
`fac`, `rechnung`, `re` or `bill`; credit notes `credit note`, `credit`, `cn`, `cm`, `avoir`, `av`, \
`gutschrift` or `gs` (any case). Any other value is refused rather than guessed.",
        example: "invoice_id,…,document_type\nINV-1,…,Proforma",
        fix: "(leave pro-forma documents out of the file)",
    },
    CodeDoc {
        code: "dunning::data::long-terms",
        summary: "an invoice is due more than 60 days after its issue date",
        explanation: "French law (Code de commerce L441-10) caps payment terms at 60 days from the \
invoice date. Longer terms are accepted with one warning counting them and naming the first rows; with \
`--strict` (and in policy test files) each is an error.",
        example: "INV-1,C-042,2025-01-15,2025-04-15,12.50,EUR",
        fix: "INV-1,C-042,2025-01-15,2025-03-16,12.50,EUR",
    },
    CodeDoc {
        code: "dunning::data::currency-mismatch",
        summary: "a payment's currency is not its invoice's",
        explanation: "A payment file may have a `currency` column. A payment settles its invoice in the \
invoice's currency: a payment in another currency would lower the open amount by a number of other units \
(100 USD settling 100 EUR). Record the amount the accounts credited to the invoice, in its currency.",
        example: "invoice_id,date,amount,currency\nINV-1,2025-03-01,100.00,USD",
        fix: "invoice_id,date,amount,currency\nINV-1,2025-03-01,92.40,EUR",
    },
    CodeDoc {
        code: "dunning::data::customer-mismatch",
        summary: "a history row gives an invoice another customer than the invoice file",
        explanation: "Each history row repeats the invoice's customer, as the plan wrote it. When it \
differs from the customer of the invoice in the snapshot, the files do not go together, and the cooldown \
between contacts would be counted for the wrong customer.",
        example: "date,customer_id,invoice_id,rule,action\n2025-03-01,C-999,INV-1,first_reminder,email",
        fix: "date,customer_id,invoice_id,rule,action\n2025-03-01,C-042,INV-1,first_reminder,email",
    },
    CodeDoc {
        code: "dunning::data::unknown-action",
        summary: "a history row's action is not a known action",
        explanation: "The `action` column of the history holds one of the built-in actions: `email`, \
`sms`, `call`, `letter`, `registered_letter`, `formal_notice`, `collection_agency`, `legal`.",
        example: "date,customer_id,invoice_id,rule,action\n2025-03-01,C-042,INV-1,first_reminder,mail",
        fix: "date,customer_id,invoice_id,rule,action\n2025-03-01,C-042,INV-1,first_reminder,email",
    },
    CodeDoc {
        code: "dunning::data::bad-rates",
        summary: "a line of an ECB or legal interest rate file cannot be read",
        explanation: "`--ecb-rates` and `--legal-rates` replace the rate tables compiled in \
(data/rates/). The ECB file is `effective_date,rate_percent`, one row per change of the rate; the \
legal rate file is `period_start,individual_percent,other_percent`, one row per half-year \
(`YYYY-01-01` or `YYYY-07-01`). Dates are YYYY-MM-DD in ascending order, rates are percents with \
a dot, no `%` sign.",
        example: "effective_date,rate_percent\n2025-06-11,2,15%",
        fix: "effective_date,rate_percent\n2025-06-11,2.15",
    },
    CodeDoc {
        code: "dunning::data::unknown-event",
        summary: "an events row's event is not a known account event",
        explanation: "The `event` column of the events file (`--events`) holds one of `dispute_opened`, \
`dispute_closed`, `promise`, `plan_started`, `plan_ended`, `insolvency_opened`, `insolvency_closed`, \
`block`, `unblock`, `contact`, written in lower case.",
        example: "date,invoice_id,customer_id,event,until,note\n2025-03-01,INV-1,,disputed,,",
        fix: "date,invoice_id,customer_id,event,until,note\n2025-03-01,INV-1,,dispute_opened,,",
    },
    CodeDoc {
        code: "dunning::data::unknown-customer",
        summary: "an events row names a customer that has no invoice in the invoices",
        explanation: "A customer's event applies to all its invoices, so the customer must have at \
least one invoice in the invoice file. A customer id that is not there is a typo, or an events file \
from another export.",
        example: "date,invoice_id,customer_id,event,until,note\n2025-03-01,,C-42,insolvency_opened,,",
        fix: "date,invoice_id,customer_id,event,until,note\n2025-03-01,,C-042,insolvency_opened,,",
    },
    CodeDoc {
        code: "dunning::data::bad-event",
        summary: "an events row is not a whole event",
        explanation: "Each row of the events file is about an invoice (`invoice_id`) or a whole \
customer (`customer_id`, when `invoice_id` is empty), so at least one of the two is given. A `promise` \
needs the date it runs until in `until`; a `block` may have one; other events take none. `until` is \
not before the event's date.",
        example: "date,invoice_id,customer_id,event,until,note\n2025-03-01,INV-1,,promise,,",
        fix: "date,invoice_id,customer_id,event,until,note\n2025-03-01,INV-1,,promise,2025-03-31,",
    },
    CodeDoc {
        code: "dunning::data::unrouted",
        summary: "no policy of a book takes an invoice",
        explanation: "Given several policies (a folder, or several files), `plan` and `simulate` send each invoice to the one policy whose `scope` holds for it; a policy without `scope` takes the invoices that no scope holds for. When every policy has a scope and none holds for an invoice, nobody would chase it: the run stops, naming each such invoice (file and line), rather than drop it silently.",
        example: "# strategic.dunning\nattribute segment in [strategic, key, standard]\nscope segment in [strategic, key]\n\n# invoices.csv: a `standard` invoice, and no policy without scope\ninvoice_id,customer_id,issue_date,due_date,amount,currency,segment\nINV-1,C-1,2025-01-02,2025-02-01,100.00,EUR,standard",
        fix: "# standard.dunning: a policy without `scope` takes the rest\nrule reminder: when overdue >= 5d then email",
    },
    CodeDoc {
        code: "dunning::data::ambiguous-route",
        summary: "several policies of a book take an invoice",
        explanation: "An invoice goes to exactly one policy of a book: the one whose `scope` holds for it, or else the one policy without `scope`. Two scopes that hold for the same invoice, or two policies without `scope` when no scope holds, would chase it twice: the run stops, naming each such invoice (file and line) and the policies that take it.",
        example: "# strategic.dunning\nscope segment in [strategic, key]\n# key.dunning\nscope segment in [key]",
        fix: "# strategic.dunning\nscope segment in [strategic]\n# key.dunning\nscope segment in [key]",
    },
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::{Place, Problem};

    #[test]
    fn codes_are_unique_and_prefixed() {
        let mut seen = std::collections::HashSet::new();
        for c in CODES {
            assert!(c.code.starts_with("dunning::data::"), "{}", c.code);
            assert!(seen.insert(c.code), "{} twice", c.code);
            assert!(!c.summary.is_empty() && !c.explanation.is_empty());
        }
    }

    /// One problem of each kind. The match below has no `_` arm: a new
    /// variant does not compile until it is added here, and so documented.
    fn one_of_each() -> Vec<Problem> {
        let s = String::new;
        let all = vec![
            Problem::Io { message: s() },
            Problem::UnknownFormat,
            Problem::NotUtf8 {
                byte: s(),
                help: s(),
            },
            Problem::UnclosedQuote,
            Problem::TextAfterQuote { value: s() },
            Problem::Semicolons,
            Problem::BadCsv { message: s() },
            Problem::BadJson { message: s() },
            Problem::BadColumnar {
                message: s(),
                help: None,
            },
            Problem::ColumnType {
                found: s(),
                why: "",
                help: s(),
            },
            Problem::BadYaml {
                message: s(),
                help: None,
            },
            Problem::NotATable {
                expected: "",
                found: "",
            },
            Problem::EmptyFile { help: s() },
            Problem::EmptyHeader { position: 1 },
            Problem::DuplicateColumn {
                column: s(),
                detail: s(),
            },
            Problem::MissingColumn {
                column: s(),
                word: "",
                why: s(),
                help: s(),
            },
            Problem::BadRowLength {
                found: 1,
                expected: 2,
                help: "",
            },
            Problem::MissingValue {
                word: "",
                help: s(),
            },
            Problem::WrongType {
                expected: "",
                found: "",
            },
            Problem::ImpreciseNumber { value: s() },
            Problem::BadText {
                value: s(),
                character: s(),
            },
            Problem::BadDate {
                value: s(),
                reason: s(),
                expected: s(),
                help: None,
            },
            Problem::BadAmount {
                value: s(),
                expected: s(),
                help: None,
            },
            Problem::AmountNotPositive {
                value: s(),
                help: "",
            },
            Problem::AmountTooLarge { value: s() },
            Problem::TotalTooLarge,
            Problem::BadCurrency {
                value: s(),
                help: s(),
            },
            Problem::BadBool {
                value: s(),
                help: s(),
            },
            Problem::BadProfile {
                message: s(),
                help: None,
            },
            Problem::BadWorkbook {
                message: s(),
                help: None,
            },
            Problem::LongTerms {
                due: s(),
                issue: s(),
                days: 0,
            },
            Problem::CreditNoteType { kind: s() },
            Problem::BadDocumentType {
                value: s(),
                help: s(),
            },
            Problem::Prepayments {
                count: 1,
                rows: s(),
            },
            Problem::CreditNotes {
                count: 1,
                rows: s(),
            },
            Problem::ClosedInvoiceHistory {
                count: 1,
                rows: s(),
            },
            Problem::LongTermsFound {
                count: 1,
                rows: s(),
            },
            Problem::BadNumber {
                value: s(),
                help: None,
            },
            Problem::UndeclaredValue {
                value: s(),
                attribute: s(),
                expected: s(),
                help: s(),
            },
            Problem::DuplicateId {
                id: s(),
                first: Place::File,
                second: Place::File,
            },
            Problem::DueBeforeIssue {
                due: s(),
                issue: s(),
            },
            Problem::PaidBeforeIssue {
                what: "",
                paid: s(),
                issue: s(),
            },
            Problem::UnknownInvoice { id: s(), help: "" },
            Problem::CurrencyMismatch {
                invoice: s(),
                expected: s(),
                found: s(),
            },
            Problem::CustomerMismatch {
                invoice: s(),
                expected: s(),
                found: s(),
            },
            Problem::UnknownAction {
                value: s(),
                help: s(),
            },
            Problem::BadRates {
                message: s(),
                header: "",
            },
            Problem::UnknownEvent {
                value: s(),
                help: s(),
            },
            Problem::UnknownCustomer { id: s() },
            Problem::BadEvent {
                message: s(),
                help: s(),
            },
            Problem::Unrouted {
                invoice: s(),
                policies: s(),
            },
            Problem::AmbiguousRoute {
                invoice: s(),
                policies: s(),
            },
        ];
        for p in &all {
            match p {
                Problem::Io { .. }
                | Problem::UnknownFormat
                | Problem::NotUtf8 { .. }
                | Problem::UnclosedQuote
                | Problem::TextAfterQuote { .. }
                | Problem::Semicolons
                | Problem::BadCsv { .. }
                | Problem::BadJson { .. }
                | Problem::BadColumnar { .. }
                | Problem::ColumnType { .. }
                | Problem::BadYaml { .. }
                | Problem::NotATable { .. }
                | Problem::EmptyFile { .. }
                | Problem::EmptyHeader { .. }
                | Problem::DuplicateColumn { .. }
                | Problem::MissingColumn { .. }
                | Problem::BadRowLength { .. }
                | Problem::MissingValue { .. }
                | Problem::WrongType { .. }
                | Problem::ImpreciseNumber { .. }
                | Problem::BadText { .. }
                | Problem::BadDate { .. }
                | Problem::BadAmount { .. }
                | Problem::AmountNotPositive { .. }
                | Problem::AmountTooLarge { .. }
                | Problem::TotalTooLarge
                | Problem::BadCurrency { .. }
                | Problem::BadBool { .. }
                | Problem::BadNumber { .. }
                | Problem::UndeclaredValue { .. }
                | Problem::DuplicateId { .. }
                | Problem::DueBeforeIssue { .. }
                | Problem::PaidBeforeIssue { .. }
                | Problem::UnknownInvoice { .. }
                | Problem::CustomerMismatch { .. }
                | Problem::CurrencyMismatch { .. }
                | Problem::UnknownAction { .. }
                | Problem::BadProfile { .. }
                | Problem::BadWorkbook { .. }
                | Problem::LongTerms { .. }
                | Problem::CreditNoteType { .. }
                | Problem::BadDocumentType { .. }
                | Problem::Prepayments { .. }
                | Problem::CreditNotes { .. }
                | Problem::ClosedInvoiceHistory { .. }
                | Problem::LongTermsFound { .. }
                | Problem::BadRates { .. }
                | Problem::UnknownEvent { .. }
                | Problem::UnknownCustomer { .. }
                | Problem::BadEvent { .. }
                | Problem::Unrouted { .. }
                | Problem::AmbiguousRoute { .. } => {}
            }
        }
        all
    }

    #[test]
    fn every_problem_is_documented_and_every_doc_is_a_problem() {
        let problems = one_of_each();
        for p in &problems {
            assert!(find(p.code()).is_some(), "{} is not documented", p.code());
            let derived = miette::Diagnostic::code(p).map(|c| c.to_string());
            assert_eq!(
                derived.as_deref(),
                Some(p.code()),
                "code() and the derive disagree"
            );
        }
        for doc in CODES {
            assert!(
                problems.iter().any(|p| p.code() == doc.code),
                "{} is documented but never emitted",
                doc.code
            );
        }
    }

    #[test]
    fn finds_with_or_without_prefix() {
        for name in ["dunning::data::bad-date", "data::bad-date", "bad-date"] {
            assert_eq!(find(name).map(|c| c.code), Some("dunning::data::bad-date"));
        }
        assert!(find("dunning::check::unknown-fact").is_none());
        assert!(find("nope").is_none());
    }
}
