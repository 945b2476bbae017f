//! Diagnostics as GitHub Actions workflow annotations
//! (`::error file=…,line=…::message`), shown on the lines of a pull request.

use dunning::output::diagnostics::Flat;

/// `::error file=…,line=…,col=…::message`, as GitHub Actions reads it.
pub(crate) fn annotation(flat: &Flat) -> String {
    let level = if flat.severity == "warning" {
        "warning"
    } else {
        "error"
    };
    let mut message = flat.message.clone();
    if let Some(help) = &flat.help {
        message.push_str("\nhelp: ");
        message.push_str(help);
    }
    format!(
        "::{level} file={},line={},col={},endLine={},endColumn={},title={}::{}",
        escape_property(&flat.file),
        flat.line,
        flat.column,
        flat.end_line,
        flat.end_column,
        escape_property(&flat.code),
        escape_data(&message)
    )
}

fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}
