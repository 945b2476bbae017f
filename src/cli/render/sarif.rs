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
                        "artifactLocation": { "uri": f.file },
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
                "informationUri": "https://example.invalid/dunning",
                "rules": rules,
            }},
            "results": results,
        }]
    })
}
