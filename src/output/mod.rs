//! Results as people and programs read them: tables for a terminal, JSON,
//! the history CSV, and Markdown for a pull-request comment.

pub mod csv;
pub mod diff;
pub mod plan;
pub mod simulate;

use comfy_table::{presets, ContentArrangement, Table};

/// A plain table: same bytes on every terminal and in a pipe.
pub(crate) fn table(header: &[&str]) -> Table {
    let mut t = Table::new();
    t.load_style(presets::UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Disabled)
        .set_header(header.iter().copied());
    t
}
