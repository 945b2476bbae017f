//! The formats of the command line's world, on top of the library's
//! results: terminal tables (`plan`, `simulate`, `diff`), Markdown for a
//! pull request (`diff`), GitHub annotations and SARIF (`check`, `test`),
//! JUnit (`test`). JSON, the history CSV and the human report of a
//! diagnostic are the library's (`dunning::output`).

pub(crate) mod diff;
pub(crate) mod github;
pub(crate) mod junit;
pub(crate) mod plan;
pub(crate) mod sarif;
pub(crate) mod simulate;

use comfy_table::{presets, ContentArrangement, Table};

/// A plain table: same bytes on every terminal and in a pipe.
pub(crate) fn table(header: &[&str]) -> Table {
    let mut t = Table::new();
    t.load_style(presets::UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Disabled)
        .set_header(header.iter().copied());
    t
}
