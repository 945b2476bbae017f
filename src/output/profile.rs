//! An inspected profile as YAML ready to save: the keys that differ from
//! the product's own CSV, what to check as comments, and the first rows as
//! the product reads them with the profile (comments too, so the text stays
//! a valid profile).

use std::fmt::Write;

use crate::data::{Format, Inspection, PREVIEW_COLUMNS};

/// The YAML text of the profile `inspect` guessed for `file`.
pub fn profile_yaml(file: &str, inspection: &Inspection) -> String {
    let p = &inspection.profile;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "# Import profile guessed by `dunning inspect` from {file}.\n\
         # Check it, save it, and pass it with --profile."
    );
    if inspection.format == Format::Csv {
        let _ = writeln!(
            out,
            "delimiter: {}",
            quoted(&char::from(p.delimiter).to_string())
        );
        let _ = writeln!(out, "encoding: {}", p.encoding.as_str());
    }
    if p.decimal != '.' {
        let _ = writeln!(out, "decimal: {}", quoted(&p.decimal.to_string()));
    }
    if let Some(t) = p.thousands {
        let _ = writeln!(out, "thousands: {}", quoted(&t.to_string()));
    }
    match p.date_formats.as_slice() {
        [] => {}
        [one] => {
            let _ = writeln!(out, "date_format: {}", quoted(one));
        }
        many => {
            let list: Vec<String> = many.iter().map(|f| quoted(f)).collect();
            let _ = writeln!(out, "date_format: [{}]", list.join(", "));
        }
    }
    for (key, words) in [("true", &p.true_words), ("false", &p.false_words)] {
        if !words.is_empty() {
            let list: Vec<String> = words.iter().map(|w| quoted(w)).collect();
            let _ = writeln!(out, "{key}: [{}]", list.join(", "));
        }
    }
    if let Some(c) = p.currency {
        let _ = writeln!(out, "currency: {c}");
    }
    if let Some(sheet) = &p.sheet {
        let _ = writeln!(out, "sheet: {}", quoted(sheet));
    }
    if p.skip_rows > 0 {
        let _ = writeln!(out, "skip_rows: {}", p.skip_rows);
    }
    if !p.columns.is_empty() {
        let _ = writeln!(out, "columns:");
        // In the order of the product's columns.
        let order = PREVIEW_COLUMNS
            .iter()
            .chain(["document_type", "date"].iter());
        for product in order {
            if let Some(header) = p.columns.get(*product) {
                let _ = writeln!(out, "  {product}: {}", quoted(header));
            }
        }
    }
    if !inspection.column_types.is_empty() {
        let _ = writeln!(out, "\n# The file's columns and their types:");
        for (name, ty) in &inspection.column_types {
            let _ = writeln!(out, "# - {name}: {ty}");
        }
    }
    if !inspection.notes.is_empty() {
        let _ = writeln!(out, "\n# To check:");
        for note in &inspection.notes {
            let _ = writeln!(out, "# - {note}");
        }
    }
    let _ = writeln!(
        out,
        "\n# The first rows as dunning reads them with this profile (`?`: cannot be read):"
    );
    let mut widths: Vec<usize> = PREVIEW_COLUMNS.iter().map(|c| c.chars().count()).collect();
    for row in &inspection.preview {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let line = |cells: &mut dyn Iterator<Item = &str>| {
        let padded: Vec<String> = cells
            .zip(&widths)
            .map(|(c, w)| format!("{c}{}", " ".repeat(w.saturating_sub(c.chars().count()))))
            .collect();
        format!("# {}", padded.join(" | ").trim_end())
    };
    let _ = writeln!(out, "{}", line(&mut PREVIEW_COLUMNS.iter().copied()));
    for row in &inspection.preview {
        let _ = writeln!(out, "{}", line(&mut row.iter().map(String::as_str)));
    }
    out
}

/// A YAML double-quoted scalar.
fn quoted(text: &str) -> String {
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\t' => out.push_str("\\t"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}
