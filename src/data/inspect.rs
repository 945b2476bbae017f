//! `dunning inspect`: guesses the import profile of an export from its
//! first rows: encoding, delimiter, title rows, the column mapping (from
//! header synonyms in English, French and German), decimal mark, thousands
//! separator, date layout and yes/no words. What it cannot tell (dates
//! whose every number is at most 12, a missing currency) it says, and
//! does not guess.

use std::collections::BTreeSet;

use super::error::{Collector, DataErrors, Problem};
use super::fields;
use super::profile::{Profile, TextEncoding};
use super::table::{self, Cells, Format, Header, Sink};

/// How many rows are looked at.
const SAMPLE: usize = 200;
/// How many rows the preview shows.
const PREVIEW: usize = 5;

/// What `inspect` found in a file.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct Inspection {
    /// The profile guessed.
    pub profile: Profile,
    /// The format of the file.
    pub format: Format,
    /// What could not be guessed, or was guessed with a doubt, in words.
    pub notes: Vec<String>,
    /// The product's columns found (in the order of `PREVIEW_COLUMNS`), and
    /// the first rows as the product reads them with the profile.
    pub preview: Vec<Vec<String>>,
    /// A Parquet or Arrow file's columns and their types (`Date32`,
    /// `Decimal128(18, 2)`…), in file order; empty for other formats.
    pub column_types: Vec<(String, String)>,
}

/// The columns the preview shows.
pub const PREVIEW_COLUMNS: [&str; 8] = [
    "invoice_id",
    "customer_id",
    "issue_date",
    "due_date",
    "amount",
    "currency",
    "paid_date",
    "disputed",
];

/// Header synonyms, normalized (lower case, no accent, letters and digits
/// only), for each product column.
const SYNONYMS: [(&str, &[&str]); 10] = [
    (
        "invoice_id",
        &[
            "invoiceid",
            "invoicenumber",
            "invoiceno",
            "invoicenr",
            "invoice",
            "invoicenum",
            "documentnumber",
            "docnumber",
            "documentno",
            "nfacture",
            "nofacture",
            "numfacture",
            "numerofacture",
            "numerodefacture",
            "facture",
            "reffacture",
            "rechnungsnummer",
            "rechnungsnr",
            "rechnungnr",
            "rechnung",
            "belegnummer",
            "belegnr",
        ],
    ),
    (
        "customer_id",
        &[
            "customerid",
            "customer",
            "customername",
            "customernumber",
            "customerno",
            "accountid",
            "account",
            "client",
            "clientid",
            "codeclient",
            "nomclient",
            "numeroclient",
            "nclient",
            "raisonsociale",
            "kunde",
            "kundennummer",
            "kundennr",
            "kundenname",
            "debitor",
            "debitorennummer",
        ],
    ),
    (
        "issue_date",
        &[
            "issuedate",
            "invoicedate",
            "documentdate",
            "docdate",
            "datefacture",
            "datedefacture",
            "dateemission",
            "datedemission",
            "rechnungsdatum",
            "belegdatum",
        ],
    ),
    (
        "due_date",
        &[
            "duedate",
            "due",
            "paymentduedate",
            "dateecheance",
            "echeance",
            "datedecheance",
            "faelligkeit",
            "falligkeit",
            "faelligkeitsdatum",
            "falligkeitsdatum",
            "faelligam",
            "falligam",
        ],
    ),
    (
        "amount",
        &[
            "amount",
            "totalamount",
            "total",
            "amountdue",
            "invoiceamount",
            "grossamount",
            "totalttc",
            "montant",
            "montantttc",
            "montantdu",
            "montantfacture",
            "betrag",
            "bruttobetrag",
            "rechnungsbetrag",
            "gesamtbetrag",
        ],
    ),
    (
        "currency",
        &[
            "currency",
            "currencycode",
            "devise",
            "monnaie",
            "waehrung",
            "wahrung",
        ],
    ),
    (
        "paid_date",
        &[
            "paiddate",
            "paymentdate",
            "datepaid",
            "paidon",
            "datereglement",
            "datepaiement",
            "datedereglement",
            "datedepaiement",
            "zahlungsdatum",
            "bezahltam",
            "zahldatum",
        ],
    ),
    (
        "disputed",
        &[
            "disputed",
            "dispute",
            "indispute",
            "isdisputed",
            "litige",
            "enlitige",
            "litigieux",
            "strittig",
            "bestritten",
            "reklamation",
        ],
    ),
    (
        "document_type",
        &[
            "documenttype",
            "doctype",
            "type",
            "typedocument",
            "typedepiece",
            "typepiece",
            "belegart",
            "dokumenttyp",
            "dokumentart",
        ],
    ),
    (
        "date",
        &[
            "date",
            "datum",
            "paymentdate",
            "datereglement",
            "zahlungsdatum",
        ],
    ),
];

const TRUE_WORDS: [&str; 10] = ["true", "yes", "y", "1", "oui", "o", "vrai", "ja", "j", "x"];
const FALSE_WORDS: [&str; 8] = ["false", "no", "n", "0", "non", "faux", "nein", "-"];

/// Guesses the profile of a file (`name` for messages).
pub fn inspect(name: &str, bytes: &[u8], format: Format) -> Result<Inspection, DataErrors> {
    let mut notes = Vec::new();
    let mut profile = Profile::default();
    #[cfg_attr(not(feature = "columnar"), allow(unused_mut))]
    let mut column_types = Vec::new();
    // Each row with its line (its row number in a sheet).
    let rows: Vec<(usize, Vec<String>)> = match format {
        Format::Workbook => {
            let (sheet, rows) =
                table::sheet_rows(bytes, SAMPLE).map_err(|p| DataErrors::file(name, p))?;
            profile.sheet = Some(sheet);
            profile.workbook = true;
            rows.into_iter()
                .enumerate()
                .map(|(i, r)| (i + 1, r))
                .collect()
        }
        Format::Csv => {
            let text = decode(bytes, &mut profile);
            let (delimiter, rows) = sniff_delimiter(&text);
            profile.delimiter = delimiter;
            rows
        }
        #[cfg(feature = "columnar")]
        Format::Parquet | Format::Arrow => {
            let (rows, types) = table::columnar_rows(bytes, format, SAMPLE)
                .map_err(|p| DataErrors::file(name, p))?;
            let names = rows.first().cloned().unwrap_or_default();
            column_types = names.into_iter().zip(types).collect();
            rows.into_iter()
                .enumerate()
                .map(|(i, r)| (i + 1, r))
                .collect()
        }
        #[cfg(not(feature = "columnar"))]
        Format::Parquet | Format::Arrow => {
            return Err(DataErrors::file(name, table::columnar_disabled()))
        }
        Format::Json | Format::Yaml => {
            return Err(DataErrors::file(
                name,
                Problem::BadProfile {
                    message: format!(
                        "{format} files have the product's own layout: they need no profile"
                    ),
                    help: None,
                },
            ))
        }
    };
    // The header: the first row with at least two named cells, most of them named.
    let header_at = rows.iter().position(|(_, r)| {
        let named = r.iter().filter(|c| !c.trim().is_empty()).count();
        named >= 2 && named * 2 >= r.len()
    });
    let Some(header_at) = header_at else {
        return Err(DataErrors::file(
            name,
            Problem::EmptyFile {
                help: "no row looks like a header (two named columns or more)".into(),
            },
        ));
    };
    profile.skip_rows = rows[header_at].0 - 1;
    let header: Vec<String> = rows[header_at]
        .1
        .iter()
        .map(|c| c.trim().to_string())
        .collect();
    let data: Vec<&Vec<String>> = rows[header_at + 1..]
        .iter()
        .map(|(_, r)| r)
        .filter(|r| r.iter().any(|c| !c.trim().is_empty()))
        .collect();
    let mut found: Vec<(&str, usize)> = Vec::new();
    for (column, synonyms) in SYNONYMS {
        if column == "date" {
            continue;
        }
        let at = header.iter().position(|h| *h == column).or_else(|| {
            header
                .iter()
                .position(|h| synonyms.contains(&normalize(h).as_str()))
        });
        if let Some(i) = at {
            if found.iter().any(|(_, j)| *j == i) {
                continue;
            }
            if header[i] != column {
                profile
                    .columns
                    .insert(column.to_string(), header[i].clone());
            }
            found.push((column, i));
        } else if !matches!(column, "paid_date" | "disputed" | "document_type") {
            notes.push(format!(
                "no column looks like `{column}`: map it under `columns:` (`{column}: \"the header\"`)"
            ));
        }
    }
    let values = |column: &str| -> Vec<&str> {
        found
            .iter()
            .find(|(c, _)| *c == column)
            .map(|(_, i)| {
                data.iter()
                    .filter_map(|r| r.get(*i).map(|s| s.trim()))
                    .filter(|s| !s.is_empty())
                    .collect()
            })
            .unwrap_or_default()
    };
    // Numbers.
    let amounts = values("amount");
    let (decimal, thousands) = number_marks(&amounts);
    profile.decimal = decimal;
    profile.thousands = thousands;
    // Dates.
    let mut dates: Vec<&str> = Vec::new();
    for c in ["issue_date", "due_date", "paid_date"] {
        dates.extend(values(c));
    }
    match date_layout(&dates, profile.workbook) {
        DateLayout::Iso => {}
        DateLayout::Format(f) => profile.date_formats = vec![f],
        DateLayout::Ambiguous(day_first, month_first) => notes.push(format!(
            "the dates are ambiguous: every number is at most 12, so day and month cannot be told apart; set `date_format` to \"{day_first}\" (day first) or \"{month_first}\" (month first)"
        )),
        DateLayout::Unknown(example) => notes.push(format!(
            "the dates (such as `{example}`) have no layout inspect knows: set `date_format` (strftime)"
        )),
    }
    // Yes/no words.
    let flags: BTreeSet<String> = values("disputed").iter().map(|s| s.to_string()).collect();
    let defaults = ["true", "false", "yes", "no", "1", "0"];
    if flags
        .iter()
        .any(|f| !defaults.contains(&f.to_lowercase().as_str()))
    {
        for f in &flags {
            let l = f.to_lowercase();
            if TRUE_WORDS.contains(&l.as_str()) {
                profile.true_words.push(f.clone());
            } else if FALSE_WORDS.contains(&l.as_str()) {
                profile.false_words.push(f.clone());
            } else {
                notes.push(format!(
                    "`{f}` in the dispute column is neither yes nor no: add it to `true` or `false`"
                ));
            }
        }
    }
    if !found.iter().any(|(c, _)| *c == "currency") {
        notes.retain(|n| !n.contains("`currency`"));
        notes.push(
            "the file has no currency column: set `currency` (such as `currency: EUR`)".into(),
        );
    }
    let preview = preview(name, bytes, format, &profile);
    Ok(Inspection {
        profile,
        format,
        notes,
        preview,
        column_types,
    })
}

/// The text, in the encoding it seems to be in (noted in the profile).
fn decode(bytes: &[u8], profile: &mut Profile) -> String {
    if bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"\xFE\xFF") {
        profile.encoding = TextEncoding::Utf16;
    } else if std::str::from_utf8(bytes).is_err() {
        profile.encoding = TextEncoding::Windows1252;
    }
    let text = profile.encoding.decode(bytes).unwrap_or_default();
    text.strip_prefix('\u{feff}').unwrap_or(&text).to_string()
}

/// The delimiter that splits the first lines most evenly into the most
/// cells, and the first rows split with it, with their lines.
fn sniff_delimiter(text: &str) -> (u8, Vec<(usize, Vec<String>)>) {
    let mut best = (b',', Vec::new(), 0usize);
    for d in [b',', b';', b'\t', b'|'] {
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .delimiter(d)
            .from_reader(text.as_bytes());
        let rows: Vec<(usize, Vec<String>)> = reader
            .records()
            .take(SAMPLE)
            .filter_map(Result::ok)
            .map(|r| {
                let at = r.position().map_or(0, |p| p.byte() as usize);
                (line_at(text, at), r.iter().map(str::to_string).collect())
            })
            .collect();
        // The widest width that most rows share.
        let mut widths: Vec<usize> = rows
            .iter()
            .map(|(_, r)| r.len())
            .filter(|&w| w > 1)
            .collect();
        widths.sort_unstable();
        let mode = widths
            .chunk_by(|a, b| a == b)
            .max_by_key(|c| (c.len(), c[0]))
            .map_or(0, |c| c.len() * c[0]);
        if mode > best.2 {
            best = (d, rows, mode);
        }
    }
    if best.1.is_empty() {
        let rows = text
            .lines()
            .take(SAMPLE)
            .enumerate()
            .map(|(i, l)| (i + 1, vec![l.to_string()]))
            .collect();
        return (b',', rows);
    }
    (best.0, best.1)
}

/// The line of the first character at or after `offset` that is not a line break.
fn line_at(text: &str, offset: usize) -> usize {
    let bytes = text.as_bytes();
    let mut offset = offset.min(bytes.len());
    while offset < bytes.len() && matches!(bytes[offset], b'\r' | b'\n') {
        offset += 1;
    }
    1 + bytes[..offset].iter().filter(|&&b| b == b'\n').count()
}

/// Lower case, accents folded, letters and digits only: `N° facture` is
/// `nfacture`, `Échéance` is `echeance`, `Fälligkeit` is `falligkeit`.
fn normalize(header: &str) -> String {
    header
        .to_lowercase()
        .chars()
        .filter_map(|c| {
            let folded = match c {
                'à' | 'â' | 'ä' | 'á' => 'a',
                'é' | 'è' | 'ê' | 'ë' => 'e',
                'î' | 'ï' | 'í' => 'i',
                'ô' | 'ö' | 'ó' => 'o',
                'ù' | 'û' | 'ü' | 'ú' => 'u',
                'ç' => 'c',
                'ß' => 's',
                c => c,
            };
            folded.is_ascii_alphanumeric().then_some(folded)
        })
        .collect()
}

/// The decimal mark and thousands separator the amounts are written with.
fn number_marks(amounts: &[&str]) -> (char, Option<char>) {
    let mut decimal = '.';
    let mut thousands = None;
    for a in amounts {
        let a = a.trim_start_matches('-');
        // The last mark followed by one or two digits, or by three when
        // another mark comes before it, is the decimal mark.
        let marks: Vec<(usize, char)> = a
            .char_indices()
            .filter(|(_, c)| !c.is_ascii_digit())
            .collect();
        let Some(&(at, last)) = marks.last() else {
            continue;
        };
        let after = a[at + last.len_utf8()..].len();
        let decimal_mark =
            matches!(last, '.' | ',') && (after != 3 || marks.len() > 1 && marks[0].1 != last);
        if decimal_mark {
            decimal = last;
            if let Some(&(_, t)) = marks.iter().rev().nth(1) {
                thousands = Some(t);
            }
        } else if after == 3 {
            thousands = Some(last);
        }
    }
    if thousands == Some(decimal) {
        thousands = None;
    }
    let thousands = thousands.map(|t| {
        if matches!(t, '\u{a0}' | '\u{202f}') {
            ' '
        } else {
            t
        }
    });
    (decimal, thousands)
}

enum DateLayout {
    Iso,
    Format(String),
    Ambiguous(String, String),
    Unknown(String),
}

/// The layout of the dates: `YYYY-MM-DD`, day or month first with its
/// separator, or ambiguous.
fn date_layout(dates: &[&str], workbook: bool) -> DateLayout {
    let Some(first) = dates.iter().find(|d| fields::date(d).is_err()) else {
        return DateLayout::Iso;
    };
    if workbook
        && dates
            .iter()
            .all(|d| fields::date(d).is_ok() || d.parse::<u32>().is_ok())
    {
        return DateLayout::Iso;
    }
    let sep = first.chars().find(|c| !c.is_ascii_digit()).unwrap_or('/');
    let parts: Vec<Vec<&str>> = dates.iter().map(|d| d.split(sep).collect()).collect();
    let numeric = |p: &Vec<&str>| {
        p.len() == 3
            && p.iter()
                .all(|s| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()))
    };
    if !parts.iter().all(numeric) {
        return DateLayout::Unknown(first.to_string());
    }
    if parts.iter().all(|p| p[0].len() == 4) {
        return DateLayout::Format(format!("%Y{sep}%m{sep}%d"));
    }
    let year = if parts.iter().all(|p| p[2].len() == 4) {
        "%Y"
    } else if parts.iter().all(|p| p[2].len() == 2) {
        "%y"
    } else {
        return DateLayout::Unknown(first.to_string());
    };
    let over_12 = |i: usize| {
        parts
            .iter()
            .any(|p| p[i].parse::<u32>().is_ok_and(|n| n > 12))
    };
    let day_first = format!("%d{sep}%m{sep}{year}");
    let month_first = format!("%m{sep}%d{sep}{year}");
    match (over_12(0), over_12(1)) {
        (true, false) => DateLayout::Format(day_first),
        (false, true) => DateLayout::Format(month_first),
        (false, false) => DateLayout::Ambiguous(day_first, month_first),
        (true, true) => DateLayout::Unknown(first.to_string()),
    }
}

/// The first rows as the product reads them with the profile: each cell
/// converted, or `?` and the text when it cannot be.
fn preview(name: &str, bytes: &[u8], format: Format, profile: &Profile) -> Vec<Vec<String>> {
    struct Preview {
        columns: Vec<Option<usize>>,
        rows: Vec<Vec<String>>,
    }
    impl Sink for Preview {
        fn header(&mut self, header: &Header, _: &mut Collector) {
            self.columns = PREVIEW_COLUMNS.iter().map(|c| header.find(c)).collect();
        }
        fn row(&mut self, cells: &Cells<'_>, _: &mut Collector) {
            if self.rows.len() > PREVIEW {
                return;
            }
            let p = cells.profile;
            let row = PREVIEW_COLUMNS
                .iter()
                .zip(&self.columns)
                .map(|(column, at)| {
                    let text = at.and_then(|i| cells.row.get(i).ok()).unwrap_or("");
                    if text.is_empty() {
                        return match (*column, p.currency) {
                            ("currency", Some(c)) => c.to_string(),
                            _ => String::new(),
                        };
                    }
                    let read = match *column {
                        "issue_date" | "due_date" | "paid_date" => {
                            p.date(text).map(|d| d.to_string())
                        }
                        "amount" => p
                            .decimal(text, fields::signed_amount)
                            .map(|d| d.to_string()),
                        "currency" => fields::currency(text).map(|c| c.to_string()),
                        "disputed" => p.boolean(text).map(|b| b.to_string()),
                        _ => fields::text(text).map(str::to_string),
                    };
                    read.unwrap_or_else(|_| format!("? {text}"))
                })
                .collect();
            self.rows.push(row);
        }
    }
    let mut sink = Preview {
        columns: Vec::new(),
        rows: Vec::new(),
    };
    let mut errors = Collector::new(name);
    table::read(bytes, format, profile, &mut sink, &mut errors);
    sink.rows.truncate(PREVIEW);
    sink.rows
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalizes_headers() {
        assert_eq!(normalize("N° facture"), "nfacture");
        assert_eq!(normalize("Échéance"), "echeance");
        assert_eq!(normalize("Fälligkeit"), "falligkeit");
        assert_eq!(normalize("invoiceNumber"), "invoicenumber");
    }

    #[test]
    fn tells_the_number_marks() {
        assert_eq!(number_marks(&["1 234,56", "12,00"]), (',', Some(' ')));
        assert_eq!(number_marks(&["1\u{a0}234,56"]), (',', Some(' ')));
        assert_eq!(number_marks(&["1,234.56", "980.40"]), ('.', Some(',')));
        assert_eq!(number_marks(&["1.234,56"]), (',', Some('.')));
        assert_eq!(number_marks(&["1234.56", "12"]), ('.', None));
        assert_eq!(number_marks(&["25,000", "1,234.5"]), ('.', Some(',')));
    }

    #[test]
    fn tells_the_date_layout_or_says_it_cannot() {
        let f = |d: &[&str]| match date_layout(d, false) {
            DateLayout::Iso => "iso".to_string(),
            DateLayout::Format(f) => f,
            DateLayout::Ambiguous(a, b) => format!("{a} or {b}"),
            DateLayout::Unknown(e) => format!("? {e}"),
        };
        assert_eq!(f(&["2025-01-06"]), "iso");
        assert_eq!(f(&["06/01/2025", "14/02/2025"]), "%d/%m/%Y");
        assert_eq!(f(&["1/6/2025", "2/14/2025"]), "%m/%d/%Y");
        assert_eq!(f(&["7/3/2013", "1/2/2013"]), "%d/%m/%Y or %m/%d/%Y");
        assert_eq!(f(&["06.01.25", "14.02.25"]), "%d.%m.%y");
        assert_eq!(f(&["Jan 6, 2025"]), "? Jan 6, 2025");
    }
}
