//! Results as programs (and people) read them, from the library.
//!
//! - [`json`]: a plan, a simulation, a diff, an explanation, as the JSON the
//!   command line prints (SPEC section 7);
//! - [`csv`]: actions as the history CSV, which `plan --history` reads back;
//! - [`report`]: a simulation or a diff as one self-contained HTML page;
//! - [`profile`]: the import profile `dunning inspect` guessed, as YAML;
//! - [`diagnostics`]: a diagnostic located in its file ([`Flat`]), and, with
//!   the `fancy` feature, miette's graphical report of it;
//! - `Display` of [`Explanation`](crate::Explanation): the text of
//!   `dunning explain` (in `text`).
//!
//! The formats made for one tool of the command line's world (terminal
//! tables, Markdown for a pull request, GitHub annotations, SARIF, JUnit)
//! are the command line's, in `src/cli/render/`.
//!
//! [`Flat`]: diagnostics::Flat

pub mod csv;
pub mod diagnostics;
pub mod json;
pub mod profile;
pub mod report;
mod text;

/// Text for a terminal: control characters (ESC, BEL; not line breaks or
/// tabs) and invisible ones (zero-width, bidirectional overrides) written
/// as escapes (`\u{1b}`), so that a test case's name cannot change the
/// terminal's title, clear the screen or reorder what follows.
pub fn terminal_safe(text: &str) -> std::borrow::Cow<'_, str> {
    let unsafe_char =
        |c: char| (c.is_control() && !matches!(c, '\n' | '\t')) || crate::words::is_invisible(c);
    if !text.chars().any(unsafe_char) {
        return text.into();
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        if unsafe_char(c) {
            crate::words::push_escaped(&mut out, c);
        } else {
            out.push(c);
        }
    }
    out.into()
}
