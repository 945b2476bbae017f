//! Diagnostics and failed test cases as a SARIF 2.1.0 log, for
//! code-scanning dashboards.

use dunning::output::diagnostics::Flat;

/// A SARIF 2.1.0 log of the diagnostics, for code-scanning dashboards.
pub(crate) fn log(flats: &[Flat]) -> serde_json::Value {
    use serde_json::json;
    let mut rule_ids: Vec<&str> = flats.iter().map(|f| f.code.as_str()).collect();
    rule_ids.sort_unstable();
    rule_ids.dedup();
    let rules: Vec<_> = rule_ids
        .iter()
        .map(|id| {
            let summary = dunning::codes::find(id).map_or("", |d| d.summary);
            json!({
                "id": id,
                "shortDescription": { "text": summary },
                "help": { "text": format!("run `dunning check --explain {id}`") },
            })
        })
        .collect();
    let results: Vec<_> = flats
        .iter()
        .map(|f| {
            let mut text = f.message.clone();
            if let Some(help) = &f.help {
                text.push_str("\nhelp: ");
                text.push_str(help);
            }
            json!({
                "ruleId": f.code,
                "level": if f.severity == "warning" { "warning" } else { "error" },
                "message": { "text": text },
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": { "uri": uri(&f.file) },
                        "region": {
                            "startLine": f.line,
                            "startColumn": f.column,
                            "endLine": f.end_line,
                            "endColumn": f.end_column,
                        }
                    }
                }]
            })
        })
        .collect();
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "dunning",
                "version": env!("CARGO_PKG_VERSION"),
                "rules": rules,
            }},
            // Columns count characters, not SARIF's default UTF-16 units.
            "columnKind": "unicodeCodePoints",
            "results": results,
        }]
    })
}

/// A path as a SARIF `uri` (RFC 3986): each byte outside the unreserved
/// characters and `/` percent-encoded; an absolute path as a `file://` URI,
/// a relative one as a relative reference (to the folder the tool ran in).
fn uri(path: &str) -> String {
    let mut out = String::with_capacity(path.len() + 8);
    if path.starts_with('/') {
        out.push_str("file://");
    }
    for b in path.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => {
                out.push(char::from(b))
            }
            b => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::uri;

    #[test]
    fn paths_become_uris() {
        assert_eq!(uri("policies/a.dunning"), "policies/a.dunning");
        assert_eq!(
            uri("my policies/#1 é.dunning"),
            "my%20policies/%231%20%C3%A9.dunning"
        );
        assert_eq!(uri("/tmp/a b.dunning"), "file:///tmp/a%20b.dunning");
    }
}
