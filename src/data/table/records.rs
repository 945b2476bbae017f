//! JSON and YAML: a list of objects, read whole; their fields become
//! columns.

use std::collections::HashMap;
use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, Deserialize, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

use super::{not_utf8, Cell, Cells, Format, Header, Row, Sink};
use crate::data::error::{shown, Collector, Place, Problem};
use crate::data::profile::Profile;

/// The whole document: a list of records, or something else.
enum Document {
    Records(Vec<Record>),
    NotAList(&'static str),
}

enum Record {
    Fields(Vec<(String, Cell)>),
    NotAnObject(&'static str),
}

/// Drains a map or sequence so the parser can go on.
fn drain_map<'de, A: MapAccess<'de>>(mut map: A) -> Result<(), A::Error> {
    while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
    Ok(())
}

fn drain_seq<'de, A: SeqAccess<'de>>(mut seq: A) -> Result<(), A::Error> {
    while seq.next_element::<IgnoredAny>()?.is_some() {}
    Ok(())
}

/// What a scalar is called in messages.
macro_rules! scalar_kind {
    ($result:expr, $( $method:ident: $ty:ty => $kind:expr ),* ) => {
        $( fn $method<E: de::Error>(self, _v: $ty) -> Result<Self::Value, E> { Ok($result($kind)) } )*
    };
}

/// A document whose values are read as `C`: `Cell` (YAML), `JsonCell`.
struct DocumentOf<C>(Document, PhantomData<C>);

/// A record whose values are read as `C`.
struct RecordOf<C>(Record, PhantomData<C>);

impl<'de, C: Deserialize<'de> + Into<Cell>> Deserialize<'de> for DocumentOf<C> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<C>(PhantomData<C>);
        impl<'de, C: Deserialize<'de> + Into<Cell>> Visitor<'de> for V<C> {
            type Value = Document;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a list of records")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Document, A::Error> {
                let mut records = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(1 << 20));
                while let Some(r) = seq.next_element::<RecordOf<C>>()? {
                    records.push(r.0);
                }
                Ok(Document::Records(records))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Document, A::Error> {
                drain_map(map)?;
                Ok(Document::NotAList("an object"))
            }
            fn visit_unit<E: de::Error>(self) -> Result<Document, E> {
                Ok(Document::NotAList("null"))
            }
            fn visit_none<E: de::Error>(self) -> Result<Document, E> {
                Ok(Document::NotAList("null"))
            }
            scalar_kind!(Document::NotAList,
                visit_bool: bool => "true or false",
                visit_i64: i64 => "a number",
                visit_u64: u64 => "a number",
                visit_f64: f64 => "a number",
                visit_str: &str => "a text"
            );
        }
        d.deserialize_any(V::<C>(PhantomData))
            .map(|doc| DocumentOf(doc, PhantomData))
    }
}

impl<'de, C: Deserialize<'de> + Into<Cell>> Deserialize<'de> for RecordOf<C> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<C>(PhantomData<C>);
        impl<'de, C: Deserialize<'de> + Into<Cell>> Visitor<'de> for V<C> {
            type Value = Record;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a record")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Record, A::Error> {
                let mut fields = Vec::with_capacity(map.size_hint().unwrap_or(8).min(64));
                while let Some((k, v)) = map.next_entry::<Key, C>()? {
                    fields.push((k.0, v.into()));
                }
                Ok(Record::Fields(fields))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Record, A::Error> {
                drain_seq(seq)?;
                Ok(Record::NotAnObject("a list"))
            }
            fn visit_unit<E: de::Error>(self) -> Result<Record, E> {
                Ok(Record::NotAnObject("null"))
            }
            fn visit_none<E: de::Error>(self) -> Result<Record, E> {
                Ok(Record::NotAnObject("null"))
            }
            scalar_kind!(Record::NotAnObject,
                visit_bool: bool => "true or false",
                visit_i64: i64 => "a number",
                visit_u64: u64 => "a number",
                visit_f64: f64 => "a number",
                visit_str: &str => "a text"
            );
        }
        d.deserialize_any(V::<C>(PhantomData))
            .map(|r| RecordOf(r, PhantomData))
    }
}

/// A JSON value read from its text: a number stays as written (`89.90`,
/// not the double 89.9; `1e3` is refused as a CSV cell would be), instead
/// of going through a float.
struct JsonCell(Cell);

impl From<JsonCell> for Cell {
    fn from(c: JsonCell) -> Cell {
        c.0
    }
}

impl<'de> Deserialize<'de> for JsonCell {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = Box::<serde_json::value::RawValue>::deserialize(d)?;
        let text = raw.get();
        Ok(JsonCell(match text.as_bytes().first() {
            Some(b'"') => Cell::Text(serde_json::from_str(text).map_err(de::Error::custom)?),
            Some(b'n') => Cell::Empty,
            Some(b'{') => Cell::Nested("an object"),
            Some(b'[') => Cell::Nested("a list"),
            _ => Cell::Text(text.to_string()),
        }))
    }
}

/// A field name: a string, or a scalar written as one (`2025: …` in YAML).
struct Key(String);

impl<'de> Deserialize<'de> for Key {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Key;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a field name")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Key, E> {
                Ok(Key(v.to_string()))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Key, E> {
                Ok(Key(v))
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<Key, E> {
                Ok(Key(v.to_string()))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Key, E> {
                Ok(Key(v.to_string()))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Key, E> {
                Ok(Key(v.to_string()))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Key, E> {
                Ok(Key(v.to_string()))
            }
        }
        d.deserialize_any(V)
    }
}

/// Significant digits of a float's shortest decimal form (`0.0125` → 3).
fn significant_digits(text: &str) -> usize {
    let digits: String = text.chars().filter(char::is_ascii_digit).collect();
    digits.trim_start_matches('0').trim_end_matches('0').len()
}

impl<'de> Deserialize<'de> for Cell {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Cell;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a value")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Cell, E> {
                Ok(Cell::Text(v.to_string()))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Cell, E> {
                Ok(Cell::Text(v))
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<Cell, E> {
                Ok(Cell::Text(v.to_string()))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Cell, E> {
                Ok(Cell::Text(v.to_string()))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Cell, E> {
                Ok(Cell::Text(v.to_string()))
            }
            fn visit_i128<E: de::Error>(self, v: i128) -> Result<Cell, E> {
                Ok(Cell::Text(v.to_string()))
            }
            fn visit_u128<E: de::Error>(self, v: u128) -> Result<Cell, E> {
                Ok(Cell::Text(v.to_string()))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Cell, E> {
                // A double holds 15 significant decimal digits exactly; beyond,
                // the number read may not be the number written.
                let text = v.to_string();
                if v.is_finite() && significant_digits(&text) > 15 {
                    Ok(Cell::Imprecise(text))
                } else {
                    Ok(Cell::Text(text))
                }
            }
            fn visit_unit<E: de::Error>(self) -> Result<Cell, E> {
                Ok(Cell::Empty)
            }
            fn visit_none<E: de::Error>(self) -> Result<Cell, E> {
                Ok(Cell::Empty)
            }
            fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Cell, D::Error> {
                Cell::deserialize(d)
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Cell, A::Error> {
                drain_map(map)?;
                Ok(Cell::Nested("an object"))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Cell, A::Error> {
                drain_seq(seq)?;
                Ok(Cell::Nested("a list"))
            }
        }
        d.deserialize_any(V)
    }
}

/// The first plain value a YAML reader would turn into something else than
/// its text, which a CSV file of the same cells would not: `0x10` (read as
/// 16), `0o17` (15), `0b11` (3), and a `!!binary` value (its bytes, not
/// its text). Its line, the message and the help. A scan of each line's
/// value after `key: ` or `- `; quoted values are text already.
fn yaml_changed_value(text: &str) -> Option<(usize, String, String)> {
    for (n, line) in text.lines().enumerate() {
        let mut rest = line.trim_start();
        while let Some(r) = rest.strip_prefix("- ") {
            rest = r.trim_start();
        }
        let value = match rest.find(": ") {
            Some(at) if !rest.starts_with(['"', '\'']) => &rest[at + 2..],
            _ => rest,
        };
        let value = value.split(" #").next().unwrap_or("").trim();
        if value.starts_with("!!binary") {
            return Some((
                n + 1,
                format!("`{}`: a `!!binary` value is bytes, not text", shown(value)),
                "write the value as plain text".into(),
            ));
        }
        let digits = value.strip_prefix(['-', '+']).unwrap_or(value);
        let base = match digits.get(..2) {
            Some("0x") => Some(("hexadecimal", 16)),
            Some("0o") => Some(("octal", 8)),
            Some("0b") => Some(("binary", 2)),
            _ => None,
        };
        if let Some((name, radix)) = base {
            let body = &digits[2..];
            if !body.is_empty() && body.chars().all(|c| c.is_digit(radix)) {
                return Some((
                    n + 1,
                    format!("`{}` is a {name} number in YAML, read as another number", shown(value)),
                    format!("quote it (\"{value}\") to keep it as written; a number is written in decimal"),
                ));
            }
        }
    }
    None
}

/// `message at line 3 column 5, more` → `message, more (column 5)`: the
/// line is given by the place.
fn split_location(message: &str, line: usize, column: usize) -> String {
    let location = format!(" at line {line} column {column}");
    if message.contains(&location) {
        format!("{} (column {column})", message.replacen(&location, "", 1))
    } else {
        message.to_string()
    }
}

pub(super) fn read_records(
    bytes: &[u8],
    format: Format,
    profile: &Profile,
    sink: &mut impl Sink,
    errors: &mut Collector,
) {
    let text = match std::str::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            let at = e.valid_up_to();
            let line = bytes[..at].iter().filter(|&&b| b == b'\n').count() + 1;
            errors.push(Place::Line(line), None, not_utf8(bytes, at));
            return;
        }
    };
    if format == Format::Yaml {
        if let Some((line, column)) = crate::data::too_deep_yaml(text) {
            let message = format!(
                "nested more than {} levels deep (column {column})",
                crate::data::MAX_YAML_NESTING
            );
            errors.push(
                Place::Line(line),
                None,
                Problem::BadYaml {
                    message,
                    help: Some("a data file is a list of flat records".into()),
                },
            );
            return;
        }
    }
    if format == Format::Yaml {
        if let Some((line, message, help)) = yaml_changed_value(text) {
            errors.push(
                Place::Line(line),
                None,
                Problem::BadYaml {
                    message,
                    help: Some(help),
                },
            );
            return;
        }
    }
    let document = match format {
        Format::Json => serde_json::from_str::<DocumentOf<JsonCell>>(text)
            .map(|d| d.0)
            .map_err(|e| {
                let message = split_location(&e.to_string(), e.line(), e.column());
                (e.line(), Problem::BadJson { message })
            }),
        _ => serde_yaml::from_str::<DocumentOf<Cell>>(text)
            .map(|d| d.0)
            .map_err(|e| {
                let (line, column) = e.location().map_or((0, 0), |l| (l.line(), l.column()));
                let message = split_location(&e.to_string(), line, column);
                (
                    line,
                    Problem::BadYaml {
                        message,
                        help: None,
                    },
                )
            }),
    };
    let records = match document {
        Ok(Document::Records(r)) => r,
        Ok(Document::NotAList(found)) => {
            errors.push(
                Place::File,
                None,
                Problem::NotATable {
                    expected: "a list of records",
                    found,
                },
            );
            return;
        }
        Err((line, problem)) => {
            let place = if line == 0 {
                Place::File
            } else {
                Place::Line(line)
            };
            errors.push(place, None, problem);
            return;
        }
    };
    if records.is_empty() {
        return;
    }
    // The columns: every field name, in order of first appearance.
    let mut index: HashMap<String, usize> = HashMap::new();
    let mut names = Vec::new();
    for record in &records {
        if let Record::Fields(fields) = record {
            for (key, _) in fields {
                let key = key.trim();
                if !index.contains_key(key) {
                    index.insert(key.to_string(), names.len());
                    names.push(key.to_string());
                }
            }
        }
    }
    let header = Header::new(names, "field", profile);
    let any_object = records.iter().any(|r| matches!(r, Record::Fields(_)));
    if any_object {
        // (With no object at all, each record is reported as not one, and
        // "missing column" errors would only repeat it.)
        sink.header(&header, errors);
    }
    let mut cells = vec![Cell::Empty; header.names.len()];
    for (i, record) in records.into_iter().enumerate() {
        let place = Place::Record(i + 1);
        let fields = match record {
            Record::Fields(f) => f,
            Record::NotAnObject(found) => {
                errors.push(
                    place,
                    None,
                    Problem::NotATable {
                        expected: "an object with one field per column",
                        found,
                    },
                );
                continue;
            }
        };
        cells.iter_mut().for_each(|c| *c = Cell::Empty);
        let mut seen = vec![false; cells.len()];
        let mut bad = false;
        for (key, value) in fields {
            let key = key.trim();
            if format == Format::Yaml && key == "<<" {
                errors.push(
                    place,
                    None,
                    Problem::BadYaml {
                        message: "merge keys (`<<`) are not supported".into(),
                        help: Some("write every field of the record out in full".into()),
                    },
                );
                bad = true;
                continue;
            }
            let Some(&column) = index.get(key) else {
                continue;
            };
            if seen[column] {
                errors.push(
                    place,
                    None,
                    Problem::DuplicateColumn {
                        column: shown(key),
                        detail: "in the record".into(),
                    },
                );
                bad = true;
            }
            seen[column] = true;
            cells[column] = value;
        }
        if bad {
            continue;
        }
        let view = Cells {
            row: Row::Record(&cells),
            place,
            header: &header,
            profile,
        };
        sink.row(&view, errors);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_yaml_values_read_as_other_values() {
        let line = |t: &str| yaml_changed_value(t).map(|(l, ..)| l);
        assert_eq!(line("- invoice_id: 0o17\n"), Some(1));
        assert_eq!(line("- a: b\n  customer_id: 0x10 # hex\n"), Some(2));
        assert_eq!(line("- a: b\n  c: !!binary aGVsbG8=\n"), Some(2));
        assert_eq!(line("- - 0b11\n"), Some(1));
        assert_eq!(line("- invoice_id: \"0x10\"\n  id2: '0o17'\n"), None);
        assert_eq!(line("- invoice_id: 0x1G\n  n: 017\n  m: 0xcafe-1\n"), None);
    }

    #[test]
    fn counts_significant_digits() {
        assert_eq!(significant_digits("12.5"), 3);
        assert_eq!(significant_digits("0.0125"), 3);
        assert_eq!(significant_digits("1000"), 1);
        assert_eq!(significant_digits("0.30000000000000004"), 17);
    }
}
