//! Text from the data made safe for the page: every invoice id, customer
//! and template name is untrusted (an export may hold `<script>`).

use std::fmt;
use std::io::{self, Write};

/// Text escaped for HTML (element content and quoted attribute values),
/// control and invisible characters shown as escapes (`\u{202e}`), as in
/// a terminal, so that a name cannot reorder what follows it.
pub(super) struct Esc<'a>(pub &'a str);

impl fmt::Display for Esc<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = super::super::terminal_safe(self.0);
        let mut rest: &str = &text;
        while let Some(at) = rest.find(['&', '<', '>', '"', '\'']) {
            f.write_str(&rest[..at])?;
            let c = rest.as_bytes()[at];
            f.write_str(match c {
                b'&' => "&amp;",
                b'<' => "&lt;",
                b'>' => "&gt;",
                b'"' => "&quot;",
                _ => "&#39;",
            })?;
            rest = &rest[at + 1..];
        }
        f.write_str(rest)
    }
}

/// Writes `text` as a JSON string that is also safe inside a `<script>`
/// element: `<`, `>` and `&` as `\u003c`-style escapes (no `</script>` or
/// `<!--` can appear), and the two line separators JavaScript once
/// refused in strings.
pub(super) fn json_str(out: &mut impl Write, text: &str) -> io::Result<()> {
    out.write_all(b"\"")?;
    let bytes = text.as_bytes();
    let mut start = 0;
    for (i, c) in text.char_indices() {
        let escape: Option<&[u8]> = match c {
            '"' => Some(b"\\\""),
            '\\' => Some(b"\\\\"),
            '\n' => Some(b"\\n"),
            '\r' => Some(b"\\r"),
            '\t' => Some(b"\\t"),
            '<' => Some(b"\\u003c"),
            '>' => Some(b"\\u003e"),
            '&' => Some(b"\\u0026"),
            '\u{2028}' => Some(b"\\u2028"),
            '\u{2029}' => Some(b"\\u2029"),
            c if (c as u32) < 0x20 || c == '\u{7f}' => None,
            _ => continue,
        };
        out.write_all(&bytes[start..i])?;
        match escape {
            Some(e) => out.write_all(e)?,
            None => write!(out, "\\u{:04x}", c as u32)?,
        }
        start = i + c.len_utf8();
    }
    out.write_all(&bytes[start..])?;
    out.write_all(b"\"")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_escapes_markup_and_controls() {
        let s = Esc("<script>alert('x')</script> & \"q\" \u{1b}").to_string();
        assert_eq!(
            s,
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot; \\u{1b}"
        );
    }

    #[test]
    fn json_strings_cannot_close_the_script() {
        let mut out = Vec::new();
        json_str(&mut out, "</script><!-- \"a\\b\"\n\u{2028}\u{1}é").unwrap();
        let s = String::from_utf8(out).unwrap();
        assert_eq!(
            s,
            "\"\\u003c/script\\u003e\\u003c!-- \\\"a\\\\b\\\"\\n\\u2028\\u0001é\""
        );
        let back: String = serde_json::from_str(&s).unwrap();
        assert_eq!(back, "</script><!-- \"a\\b\"\n\u{2028}\u{1}é");
    }
}
