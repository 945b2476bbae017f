//! JUnit XML for `dunning test --format junit`: one `testsuite` per test
//! file, one `testcase` per case; a file that could not be loaded is a
//! suite with one errored case named `(load)`.

use std::fmt::Write;

use crate::cli::test::runner::{Run, Status};

/// Escapes text for XML attributes and content, dropping the characters
/// XML 1.0 cannot carry.
pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
    out
}

fn secs(d: std::time::Duration) -> String {
    format!("{:.3}", d.as_secs_f64())
}

/// The whole run as a JUnit XML document.
pub(crate) fn render(run: &Run) -> String {
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let (passed, failed) = run.counts();
    let errors_total: usize = run
        .files
        .iter()
        .map(|f| match &f.outcome {
            Err(_) => 1,
            Ok(cases) => cases
                .iter()
                .filter(|c| matches!(c.status, Status::Error { .. }))
                .count(),
        })
        .sum();
    let failures_total = failed - errors_total;
    let total_time: std::time::Duration = run.files.iter().map(|f| f.time).sum();
    let _ = writeln!(
        out,
        "<testsuites name=\"dunning\" tests=\"{}\" failures=\"{failures_total}\" errors=\"{errors_total}\" time=\"{}\">",
        passed + failed,
        secs(total_time)
    );
    for f in &run.files {
        let name = escape(&f.path.display().to_string());
        match &f.outcome {
            Err(e) => {
                let _ = writeln!(
                    out,
                    "  <testsuite name=\"{name}\" tests=\"1\" failures=\"0\" errors=\"1\" time=\"{}\">",
                    secs(f.time)
                );
                let _ = writeln!(
                    out,
                    "    <testcase name=\"(load)\" classname=\"{name}\" time=\"0.000\">\n      <error message=\"the test file could not be loaded\" type=\"load\">{}</error>\n    </testcase>",
                    escape(&e.message)
                );
            }
            Ok(cases) => {
                let failures = cases
                    .iter()
                    .filter(|c| matches!(c.status, Status::Failed { .. }))
                    .count();
                let errors = cases
                    .iter()
                    .filter(|c| matches!(c.status, Status::Error { .. }))
                    .count();
                let _ = writeln!(
                    out,
                    "  <testsuite name=\"{name}\" tests=\"{}\" failures=\"{failures}\" errors=\"{errors}\" time=\"{}\">",
                    cases.len(),
                    secs(f.time)
                );
                for c in cases {
                    let head = format!(
                        "    <testcase name=\"{}\" classname=\"{name}\" time=\"{}\"",
                        escape(&c.name),
                        secs(c.time)
                    );
                    match &c.status {
                        Status::Passed => {
                            let _ = writeln!(out, "{head}/>");
                        }
                        Status::Failed { diff } => {
                            let _ = writeln!(
                                out,
                                "{head}>\n      <failure message=\"the actions differ from the expected ones\" type=\"mismatch\">{}</failure>\n    </testcase>",
                                escape(diff)
                            );
                        }
                        Status::Error { message } => {
                            let _ = writeln!(
                                out,
                                "{head}>\n      <error message=\"the case could not run\" type=\"error\">{}</error>\n    </testcase>",
                                escape(message)
                            );
                        }
                    }
                }
                out.push_str("  </testsuite>\n");
            }
        }
        if f.outcome.is_err() {
            out.push_str("  </testsuite>\n");
        }
    }
    out.push_str("</testsuites>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::escape;

    #[test]
    fn escapes_markup_and_drops_control_characters() {
        assert_eq!(
            escape("a<b & \"c\" 'd'>\u{1}\n"),
            "a&lt;b &amp; &quot;c&quot; &apos;d&apos;&gt;\n"
        );
    }
}
