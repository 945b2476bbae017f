//! How messages name things: lists of quoted names, and the "did you mean"
//! that finds the name a typo was aiming at. Shared by the checker and the
//! data loader, so that both speak alike.

/// The closest candidate to `name`, if close enough to be a likely typo.
pub(crate) fn closest<'a>(
    name: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let mut best: Option<(f64, &str)> = None;
    for candidate in candidates {
        let score = strsim::jaro_winkler(name, candidate);
        let distance = strsim::damerau_levenshtein(name, candidate);
        let close = distance <= 2.max(name.len() / 4) || score >= 0.9;
        if close && best.is_none_or(|(b, _)| score > b) {
            best = Some((score, candidate));
        }
    }
    best.map(|(_, c)| c)
}

/// `a`, `b` and `c`, quoted: for "the actions are …".
pub(crate) fn quoted_and<'a>(items: impl IntoIterator<Item = &'a str>) -> String {
    let items: Vec<String> = items.into_iter().map(|s| format!("`{s}`")).collect();
    match items.len() {
        0 => String::new(),
        1 => items[0].clone(),
        n => format!("{} and {}", items[..n - 1].join(", "), items[n - 1]),
    }
}

/// a, b and c, as they are.
pub(crate) fn and_list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// `a`, `b` or `c`, quoted.
pub(crate) fn quoted_list<'a>(items: impl IntoIterator<Item = &'a str>) -> String {
    let items: Vec<String> = items.into_iter().map(|s| format!("`{s}`")).collect();
    match items.len() {
        0 => String::new(),
        1 => items[0].clone(),
        n => format!("{} or {}", items[..n - 1].join(", "), items[n - 1]),
    }
}

/// A character that takes no room on screen or reorders what follows:
/// zero-width spaces and joiners, bidirectional overrides and isolates,
/// the soft hyphen, the byte-order mark, variation selectors and fillers.
/// Two names that differ only by one look the same.
pub(crate) fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}'
            | '\u{034F}'
            | '\u{061C}'
            | '\u{115F}'
            | '\u{1160}'
            | '\u{17B4}'
            | '\u{17B5}'
            | '\u{180B}'..='\u{180E}'
            | '\u{200B}'..='\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{2064}'
            | '\u{2066}'..='\u{206F}'
            | '\u{3164}'
            | '\u{FE00}'..='\u{FE0F}'
            | '\u{FEFF}'
            | '\u{FFA0}'
            | '\u{FFF9}'..='\u{FFFB}'
    )
}

/// Text as a message quotes it: control and invisible characters written as
/// escapes (`\t`, `\u{1b}`, `\u{200b}`), so that they show and cannot
/// command the terminal.
pub(crate) fn escaped(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        push_escaped(&mut out, c);
    }
    out
}

/// One character of [`escaped`].
pub(crate) fn push_escaped(out: &mut String, c: char) {
    match c {
        '\0' => out.push_str("\\0"),
        '\t' => out.push_str("\\t"),
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        c if c.is_control() || is_invisible(c) => out.extend(c.escape_unicode()),
        c => out.push(c),
    }
}

/// How a message names a character: `U+001B`, `a tab`.
pub(crate) fn character_name(c: char) -> String {
    match c {
        '\0' => "NUL".into(),
        '\t' => "a tab".into(),
        '\n' | '\r' => "a line break".into(),
        c => format!("U+{:04X}", u32::from(c)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_what_does_not_show() {
        assert_eq!(escaped("a\u{1b}[2Jb"), "a\\u{1b}[2Jb");
        assert_eq!(escaped("x\u{200b}y\u{202e}z"), "x\\u{200b}y\\u{202e}z");
        assert_eq!(escaped("relance-1 été"), "relance-1 été");
        assert_eq!(escaped("a\tb"), "a\\tb");
    }
}
