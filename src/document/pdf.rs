//! A letter as PDF: A4, the text of the template as written (a letter is
//! laid out by its template, line by line), long lines wrapped at a word.
//!
//! The font is Courier, one of the fourteen fonts every PDF reader has, in
//! WinAnsi encoding (Windows-1252): every letter of French (`é`, `ç`,
//! `œ`, `«»`, `€`, the no-break space of `1 234,56 €`) without a font file
//! to ship or embed. A character outside it (a customer name in Polish or
//! Greek) is written `?`: [`unencodable`] lists them so the caller can
//! say so. No creation date, no random file id: the same letter gives the
//! same bytes.

use pdf_writer::{Content, Name, Pdf, Rect, Ref, Str};

/// A4, in points.
const WIDTH: f32 = 595.28;
const HEIGHT: f32 = 841.89;
/// 2 cm.
const MARGIN: f32 = 56.7;
const FONT_SIZE: f32 = 10.0;
const LEADING: f32 = 13.0;
/// Courier's glyphs are all 600/1000 of the size wide: 80 characters fit
/// between the margins.
const COLUMNS: usize = ((WIDTH - 2.0 * MARGIN) / (FONT_SIZE * 0.6)) as usize;
const LINES: usize = ((HEIGHT - 2.0 * MARGIN) / LEADING) as usize;

/// The characters of `text` that the letter's font cannot write.
pub(crate) fn unencodable(text: &str) -> Vec<char> {
    let mut out: Vec<char> = text
        .chars()
        .filter(|c| *c != '\n' && encode(*c).is_none())
        .collect();
    out.sort_unstable();
    out.dedup();
    out
}

/// `c` in Windows-1252, `None` when it has no code there.
fn encode(c: char) -> Option<u8> {
    if c == '\t' {
        return Some(b' ');
    }
    let mut buf = [0u8; 4];
    let (bytes, _, unmappable) = encoding_rs::WINDOWS_1252.encode(c.encode_utf8(&mut buf));
    match (unmappable, bytes.as_ref()) {
        (false, [b]) if *b >= 0x20 && *b != 0x7f => Some(*b),
        _ => None,
    }
}

/// A line cut into lines of at most [`COLUMNS`] characters, at spaces
/// when it can, continuation lines indented as the line was.
fn wrap(line: &str) -> Vec<String> {
    let chars: Vec<char> = line.trim_end().chars().collect();
    if chars.len() <= COLUMNS {
        return vec![chars.into_iter().collect()];
    }
    let indent = chars
        .iter()
        .take_while(|c| **c == ' ')
        .count()
        .min(COLUMNS / 2);
    let mut out = Vec::new();
    let mut rest: &[char] = &chars;
    let mut first = true;
    while !rest.is_empty() {
        let room = if first { COLUMNS } else { COLUMNS - indent };
        let (piece, next) = if rest.len() <= room {
            (rest, &rest[rest.len()..])
        } else {
            // The last space within the room (a break at an indentation's
            // spaces would leave an empty line).
            match rest[..=room].iter().rposition(|c| *c == ' ') {
                Some(at) if at > 0 => (&rest[..at], &rest[at + 1..]),
                _ => (&rest[..room], &rest[room..]),
            }
        };
        let mut text: String = if first {
            String::new()
        } else {
            " ".repeat(indent)
        };
        text.extend(piece.iter());
        out.push(text.trim_end().to_string());
        rest = next;
        while rest.first() == Some(&' ') && !first {
            rest = &rest[1..];
        }
        first = false;
    }
    out
}

/// The PDF of a letter's text; `title` is the document's title (the
/// template's name).
pub(crate) fn letter(text: &str, title: &str) -> Vec<u8> {
    let lines: Vec<String> = text.lines().flat_map(wrap).collect();
    let pages: Vec<&[String]> = if lines.is_empty() {
        vec![&[]]
    } else {
        lines.chunks(LINES).collect()
    };
    let catalog = Ref::new(1);
    let tree = Ref::new(2);
    let font = Ref::new(3);
    let info = Ref::new(4);
    let first_page = 5;
    let page_ref = |n: usize| Ref::new(first_page + 2 * n as i32);
    let content_ref = |n: usize| Ref::new(first_page + 2 * n as i32 + 1);
    let font_name = Name(b"F1");

    let mut pdf = Pdf::new();
    pdf.catalog(catalog).pages(tree);
    pdf.pages(tree)
        .kids((0..pages.len()).map(page_ref))
        .count(pages.len() as i32);
    pdf.type1_font(font)
        .base_font(Name(b"Courier"))
        .encoding_predefined(Name(b"WinAnsiEncoding"));
    let title: Vec<u8> = title.chars().map(|c| encode(c).unwrap_or(b'?')).collect();
    pdf.document_info(info)
        .title(pdf_writer::TextStr(&String::from_utf8_lossy(&title)))
        .producer(pdf_writer::TextStr("dunning"));
    for (n, page_lines) in pages.iter().enumerate() {
        let mut page = pdf.page(page_ref(n));
        page.media_box(Rect::new(0.0, 0.0, WIDTH, HEIGHT))
            .parent(tree)
            .contents(content_ref(n));
        page.resources().fonts().pair(font_name, font);
        drop(page);
        let mut content = Content::new();
        content.begin_text();
        content.set_font(font_name, FONT_SIZE);
        content.set_leading(LEADING);
        content.next_line(MARGIN, HEIGHT - MARGIN - FONT_SIZE);
        for (i, line) in page_lines.iter().enumerate() {
            if i > 0 {
                content.next_line_using_leading();
            }
            let bytes: Vec<u8> = line.chars().map(|c| encode(c).unwrap_or(b'?')).collect();
            content.show(Str(&bytes));
        }
        content.end_text();
        pdf.stream(content_ref(n), &content.finish());
    }
    pdf.finish()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn long_lines_wrap_at_a_word_and_keep_their_indent() {
        let line = format!("  - {}", "mot ".repeat(40));
        let wrapped = wrap(&line);
        assert!(wrapped.len() > 1);
        assert!(wrapped.iter().all(|l| l.chars().count() <= COLUMNS));
        assert!(wrapped[1].starts_with("  mot"), "{wrapped:?}");
        let words: Vec<&str> = wrapped.iter().flat_map(|l| l.split_whitespace()).collect();
        assert_eq!(words, line.split_whitespace().collect::<Vec<_>>());
    }

    #[test]
    fn french_is_encoded_and_other_scripts_are_named() {
        assert_eq!(
            unencodable("Échéance : 1 234,56 € « œuvre »"),
            Vec::<char>::new()
        );
        assert_eq!(unencodable("Łódź"), vec!['Ł', 'ź']);
        assert_eq!(encode('€'), Some(0x80));
        assert_eq!(encode('\u{a0}'), Some(0xa0));
    }

    #[test]
    fn the_same_letter_gives_the_same_bytes() {
        let text = "Madame, Monsieur,\n\nLigne ".repeat(100);
        assert_eq!(letter(&text, "t"), letter(&text, "t"));
        assert!(letter(&text, "t").starts_with(b"%PDF-"));
    }
}
