//! `dunning lsp` driven over its stdio with JSON-RPC messages, as an
//! editor does: every answer is snapshotted.

#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

#[path = "lsp_support/mod.rs"]
mod lsp_support;

use lsp_support::{range_json, Client, URI};
use serde_json::{json, Value};

const BINARY: &str = env!("CARGO_BIN_EXE_dunning");

const BROKEN: &str = "\
# Ladder
set coldown = 7d
attribute segment in [key, small]

rule first_reminder: when overdeu >= 1d then email
rule call: when segment = strategic and fired first_reminder then call
rule notice: when overdue >= 30 and fired first_reminder then formal_notice
rule last: when overdue ≥ 60d then legl
";

const GOOD: &str = "\
# Ladder
set cooldown = 7d
attribute segment in [key, small]

rule first_reminder: when overdue >= 1d then email
rule call: when segment = key and fired first_reminder and overdue >= 15d then call
rule notice: when overdue >= 30d and fired first_reminder then formal_notice
";

/// The labels and details of a completion answer.
fn labels(answer: &Value) -> Vec<String> {
    let Some(items) = answer["result"].as_array() else {
        return vec![format!("{}", answer["result"])];
    };
    items
        .iter()
        .map(|i| {
            format!(
                "{} ({})",
                i["label"].as_str().unwrap(),
                i["detail"].as_str().unwrap_or("")
            )
        })
        .collect()
}

/// The document's text after applying the edits of one file.
fn apply(text: &str, edits: &Value) -> String {
    let mut edits: Vec<&Value> = edits.as_array().unwrap().iter().collect();
    // From the end, so earlier offsets hold.
    edits.sort_by_key(|e| {
        let s = &e["range"]["start"];
        std::cmp::Reverse((
            s["line"].as_u64().unwrap(),
            s["character"].as_u64().unwrap(),
        ))
    });
    let mut text = text.to_string();
    for edit in edits {
        let offset = |p: &Value| {
            let line = p["line"].as_u64().unwrap() as usize;
            let start: usize = text.split_inclusive('\n').take(line).map(str::len).sum();
            let mut units = 0;
            let rest = &text[start..];
            for (i, c) in rest.char_indices() {
                if units >= p["character"].as_u64().unwrap() as usize || c == '\n' {
                    return start + i;
                }
                units += c.len_utf16();
            }
            text.len()
        };
        let (a, b) = (
            offset(&edit["range"]["start"]),
            offset(&edit["range"]["end"]),
        );
        text.replace_range(a..b, edit["newText"].as_str().unwrap());
    }
    text
}

#[test]
fn a_session_of_diagnostics_fixes_completion_hover_formatting_and_rename() {
    let (mut client, init) = Client::start(BINARY);
    insta::assert_yaml_snapshot!("initialize", init);

    // Diagnostics on open: what `dunning check` says, with the fixes.
    client.open(BROKEN);
    let diagnostics = client.diagnostics();
    insta::assert_yaml_snapshot!("diagnostics_on_open", diagnostics);

    // Quick fixes: every fix of every diagnostic, applied one by one.
    let actions = client.request(
        "textDocument/codeAction",
        json!({
            "textDocument": { "uri": URI },
            "range": range_json([0, 0, 8, 0]),
            "context": { "diagnostics": diagnostics },
        }),
    );
    insta::assert_yaml_snapshot!("code_actions", actions["result"]);
    let fixed: Vec<String> = actions["result"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            let after = apply(BROKEN, &a["edit"]["changes"][URI]);
            let removed = BROKEN.lines().filter(|l| !after.lines().any(|a| a == *l));
            let added = after.lines().filter(|l| !BROKEN.lines().any(|b| b == *l));
            let changed: Vec<String> = removed
                .map(|l| format!("- {l}"))
                .chain(added.map(|l| format!("+ {l}")))
                .collect();
            format!("{}: {}", a["title"].as_str().unwrap(), changed.join(" / "))
        })
        .collect();
    insta::assert_yaml_snapshot!("code_actions_applied", fixed);

    // Hover on the explained diagnostic (the unknown fact).
    let hover = client.at("textDocument/hover", 4, 27);
    insta::assert_snapshot!(
        "hover_on_a_diagnostic",
        hover["result"]["contents"]["value"].as_str().unwrap()
    );

    // The whole text replaced: only the warnings, if any, stay.
    client.change([0, 0, 8, 0], GOOD);
    let diagnostics = client.diagnostics();
    insta::assert_yaml_snapshot!("diagnostics_after_change", diagnostics);

    // Hover: a fact, an attribute, a value, an action, a setting, a rule named by `fired`.
    let hovers: Vec<String> = [(1, 5), (5, 18), (5, 29), (4, 28), (4, 45), (5, 46), (2, 12)]
        .iter()
        .map(|&(line, character)| {
            let answer = client.at("textDocument/hover", line, character);
            format!(
                "{line}:{character} {}",
                answer["result"]["contents"]["value"]
                    .as_str()
                    .unwrap_or("(nothing)")
            )
        })
        .collect();
    insta::assert_snapshot!("hovers", hovers.join("\n\n======\n\n"));

    // Completion, at the end of a new last line.
    let mut completions = Vec::new();
    let mut last = String::new();
    for line in [
        "",
        "set ",
        "rule x: when ",
        "rule x: when fired ",
        "rule x: when overdue > 40d then ",
        "rule x: when segment = ",
        "rule x: when segment not in [key, ",
        "rule x: when overdue > 40d # ",
    ] {
        let width = last.encode_utf16().count() as u32;
        client.change([7, 0, 7, width], line);
        last = line.to_string();
        let answer = client.at(
            "textDocument/completion",
            7,
            line.encode_utf16().count() as u32,
        );
        completions.push(format!("{line:?}: {}", labels(&answer).join(", ")));
    }
    insta::assert_snapshot!("completions", completions.join("\n"));
    let width = last.encode_utf16().count() as u32;
    client.change([7, 0, 7, width], "");

    // Go to definition and references of a rule name, from a use.
    let definition = client.at("textDocument/definition", 5, 46);
    insta::assert_yaml_snapshot!("definition", definition["result"]);
    let references = client.at("textDocument/references", 5, 46);
    insta::assert_yaml_snapshot!("references", references["result"]);

    // Rename, from the definition: every use follows.
    let prepared = client.at("textDocument/prepareRename", 4, 8);
    insta::assert_yaml_snapshot!("prepare_rename", prepared["result"]);
    let rename = client.request(
        "textDocument/rename",
        json!({
            "textDocument": { "uri": URI },
            "position": { "line": 4, "character": 8 },
            "newName": "relance_1",
        }),
    );
    insta::assert_snapshot!(
        "rename_applied",
        apply(GOOD, &rename["result"]["changes"][URI])
    );
    let taken = client.request(
        "textDocument/rename",
        json!({
            "textDocument": { "uri": URI },
            "position": { "line": 4, "character": 8 },
            "newName": "notice",
        }),
    );
    insta::assert_yaml_snapshot!("rename_to_a_taken_name", taken["error"]);
    let spaced = client.request(
        "textDocument/rename",
        json!({
            "textDocument": { "uri": URI },
            "position": { "line": 4, "character": 8 },
            "newName": "première relance",
        }),
    );
    insta::assert_snapshot!(
        "rename_to_a_quoted_name",
        apply(GOOD, &spaced["result"]["changes"][URI])
    );

    // The outline and the inlay hints.
    let symbols = client.request(
        "textDocument/documentSymbol",
        json!({ "textDocument": { "uri": URI } }),
    );
    insta::assert_yaml_snapshot!("document_symbols", symbols["result"]);
    let hints = client.request(
        "textDocument/inlayHint",
        json!({ "textDocument": { "uri": URI }, "range": range_json([0, 0, 8, 0]) }),
    );
    insta::assert_yaml_snapshot!("inlay_hints", hints["result"]);

    // Formatting: the `fmt` layout as one edit; none once it is canonical.
    client.change(
        [0, 0, 7, 0],
        "set   cooldown=7d\nrule a:when overdue>=1d\n  then email\n",
    );
    let formatting = client.request(
        "textDocument/formatting",
        json!({ "textDocument": { "uri": URI }, "options": { "tabSize": 4, "insertSpaces": true } }),
    );
    insta::assert_yaml_snapshot!("formatting", formatting["result"]);
    let formatted = formatting["result"][0]["newText"]
        .as_str()
        .unwrap()
        .to_string();
    client.change([0, 0, 3, 0], &formatted);
    let again = client.request(
        "textDocument/formatting",
        json!({ "textDocument": { "uri": URI }, "options": { "tabSize": 4, "insertSpaces": true } }),
    );
    assert_eq!(again["result"], json!([]));
    client.change([0, 0, 0, 0], "rule b: when => email\n");
    let refused = client.request(
        "textDocument/formatting",
        json!({ "textDocument": { "uri": URI }, "options": { "tabSize": 4, "insertSpaces": true } }),
    );
    insta::assert_yaml_snapshot!("formatting_refused", refused["error"]);

    let status = client.stop();
    assert_eq!(status.code(), Some(0));
}

/// `since NAME` names a rule as `fired NAME` does: hover shows the rule,
/// completion offers the rule names, references and rename include it.
#[test]
fn since_references_a_rule_like_fired() {
    const SINCE: &str = "\
rule notice: when overdue >= 30d then formal_notice
rule court: when since notice >= 15d and fired notice then legal
";
    let (mut client, _) = Client::start(BINARY);
    client.open(SINCE);
    assert_eq!(client.diagnostics(), json!([]));
    let hover = client.at("textDocument/hover", 1, 25);
    insta::assert_snapshot!(
        "hover_on_since",
        hover["result"]["contents"]["value"].as_str().unwrap()
    );
    let references = client.at("textDocument/references", 1, 25);
    insta::assert_yaml_snapshot!("references_from_since", references["result"]);
    let definition = client.at("textDocument/definition", 1, 25);
    assert_eq!(definition["result"]["range"], range_json([0, 5, 0, 11]));
    let rename = client.request(
        "textDocument/rename",
        json!({
            "textDocument": { "uri": URI },
            "position": { "line": 1, "character": 25 },
            "newName": "mise_en_demeure",
        }),
    );
    insta::assert_snapshot!(
        "rename_from_since",
        apply(SINCE, &rename["result"]["changes"][URI])
    );
    client.change([2, 0, 2, 0], "rule x: when since ");
    let completion = client.at("textDocument/completion", 2, 19);
    assert_eq!(
        labels(&completion),
        ["notice (rule, step 1)", "court (rule, step 2)"],
        "{completion}"
    );
    assert_eq!(client.stop().code(), Some(0));
}

/// A former name (`rule notice (was mise_en_demeure):`) is no reference:
/// hover says whose it was, renaming the rule leaves it, and renaming from
/// it is refused (it names no rule of the policy).
#[test]
fn a_former_name_is_described_and_left_by_a_rename() {
    const WAS: &str = "\
rule notice (was mise_en_demeure): when overdue >= 30d then formal_notice
rule court: when fired notice then legal
";
    let (mut client, _) = Client::start(BINARY);
    client.open(WAS);
    assert_eq!(client.diagnostics(), json!([]));
    let hover = client.at("textDocument/hover", 0, 20);
    assert_eq!(
        hover["result"]["contents"]["value"],
        "`mise_en_demeure`: a former name of rule `notice`: history rows of `mise_en_demeure` count as its steps"
    );
    let rename = client.request(
        "textDocument/rename",
        json!({
            "textDocument": { "uri": URI },
            "position": { "line": 1, "character": 25 },
            "newName": "notice_2",
        }),
    );
    assert_eq!(
        apply(WAS, &rename["result"]["changes"][URI]),
        "\
rule notice_2 (was mise_en_demeure): when overdue >= 30d then formal_notice
rule court: when fired notice_2 then legal
"
    );
    let prepare = client.at("textDocument/prepareRename", 0, 20);
    assert_eq!(prepare["result"], json!(null), "{prepare}");
    assert_eq!(client.stop().code(), Some(0));
}

/// Each formatting reuses the last one's result to check itself: after
/// edits (and a refusal in between), it is still the `fmt` layout of the
/// text as it is now.
#[test]
fn formatting_after_edits_is_the_layout_of_the_current_text() {
    let (mut client, _) = Client::start(BINARY);
    let mut text =
        "set   cooldown=7d\nrule a:when overdue>=1d then email\nwhen overdue>=9d\n  then call\n"
            .to_string();
    client.open(&text);
    let format = |client: &mut Client| {
        client.request(
            "textDocument/formatting",
            json!({ "textDocument": { "uri": URI }, "options": { "tabSize": 4, "insertSpaces": true } }),
        )
    };
    for (range, with) in [
        ([1, 23, 1, 23], "5"),
        ([0, 0, 0, 0], "rule x: when => email\n"),
        ([0, 0, 1, 0], "# head\n"),
        ([4, 0, 4, 0], "  and amount>5 EUR\n"),
    ] {
        client.change(range, with);
        text = apply(
            &text,
            &json!([{ "range": range_json(range), "newText": with }]),
        );
        let answer = format(&mut client);
        match dunning::format(&dunning::parse(&text)) {
            Ok(formatted) => assert_eq!(answer["result"][0]["newText"], json!(formatted), "{text}"),
            Err(_) => assert_eq!(answer["error"]["code"], json!(-32803), "{answer}"),
        }
    }
    assert_eq!(client.stop().code(), Some(0));
}

/// Columns are UTF-16 code units: a name after `é` (one unit, two bytes)
/// and `𝄞` (two units, four bytes) is found where the client says.
#[test]
fn positions_count_utf16_code_units() {
    let (mut client, _) = Client::start(BINARY);
    let text = "rule \"relancé 𝄞\": when overdeu >= 1d then email\n";
    client.open(text);
    let diagnostics = client.diagnostics();
    // `overdeu` starts at character 24: `rule "relancé 𝄞": when ` is 23
    // characters, 24 UTF-16 units (𝄞 takes two), 27 bytes.
    assert_eq!(diagnostics[0]["range"], range_json([0, 24, 0, 31]));
    let fix = &diagnostics[0]["data"]["fixes"][0];
    assert_eq!(fix["range"], range_json([0, 24, 0, 31]));
    assert_eq!(
        apply(text, &json!([fix])),
        "rule \"relancé 𝄞\": when overdue >= 1d then email\n"
    );
    // An edit after the non-ASCII text, in UTF-16 columns: fix the typo.
    client.change([0, 24, 0, 31], "overdue");
    assert_eq!(client.diagnostics(), json!([]));
    let hover = client.at("textDocument/hover", 0, 26);
    let value = hover["result"]["contents"]["value"].as_str().unwrap();
    assert!(
        value.starts_with("`overdue`: built-in fact (days)"),
        "{value}"
    );
    assert_eq!(hover["result"]["range"], range_json([0, 24, 0, 31]));
    // The rule's quoted name, renamed in place.
    let rename = client.request(
        "textDocument/rename",
        json!({
            "textDocument": { "uri": URI },
            "position": { "line": 0, "character": 8 },
            "newName": "ré 2",
        }),
    );
    assert_eq!(
        apply(
            "rule \"relancé 𝄞\": when overdue >= 1d then email\n",
            &rename["result"]["changes"][URI]
        ),
        "rule \"ré 2\": when overdue >= 1d then email\n"
    );
    assert_eq!(client.stop().code(), Some(0));
}

/// A client that leaves without `shutdown` gets exit code 1, as the
/// protocol asks.
#[test]
fn exit_without_shutdown_is_an_error() {
    let (mut client, _) = Client::start(BINARY);
    client.notify("exit", Value::Null);
    let status = client.stop_without_shutdown();
    assert_eq!(status.code(), Some(1));
}

/// VS Code's client starts the server as `dunning lsp --stdio`: the flag
/// is accepted (a client that leaves before `initialize` is an I/O error).
#[test]
fn the_stdio_flag_is_accepted() {
    let output = assert_cmd::Command::new(BINARY)
        .args(["lsp", "--stdio"])
        .write_stdin("")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.starts_with("dunning lsp: "), "{stderr}");
}

/// A diagnostic's code links to its `--explain` text only for a client
/// that asked (`explainLinks`, which the VS Code extension sends, and
/// opens): `dunning-explain:CODE`, a code `dunning check --explain` knows.
/// Other clients get the code alone (and its text on hover), never a link
/// that leads nowhere.
#[test]
fn codes_link_to_their_explanation_only_when_the_client_asks() {
    let (mut client, _) = Client::start_with(BINARY, json!({ "explainLinks": true }));
    client.open(BROKEN);
    let diagnostics = client.diagnostics();
    let diagnostics = diagnostics.as_array().unwrap();
    assert_eq!(diagnostics.len(), 5);
    for diagnostic in diagnostics {
        let code = diagnostic["code"].as_str().unwrap();
        let href = diagnostic["codeDescription"]["href"].as_str().unwrap();
        assert_eq!(href, format!("dunning-explain:{code}"));
        let explained = assert_cmd::Command::new(BINARY)
            .args([
                "check",
                "--explain",
                href.strip_prefix("dunning-explain:").unwrap(),
            ])
            .output()
            .unwrap();
        assert_eq!(explained.status.code(), Some(0), "{href}");
        let text = String::from_utf8(explained.stdout).unwrap();
        assert!(text.starts_with(&format!("{code}: ")), "{text}");
    }
    assert_eq!(client.stop().code(), Some(0));

    for options in [
        Value::Null,
        json!({}),
        json!({ "explainLinks": false }),
        json!({ "explainLinks": "yes" }),
        json!(["explainLinks"]),
    ] {
        let (mut client, _) = Client::start_with(BINARY, options.clone());
        client.open(BROKEN);
        let diagnostics = client.diagnostics();
        let diagnostics = diagnostics.as_array().unwrap();
        assert_eq!(diagnostics.len(), 5, "{options}");
        for diagnostic in diagnostics {
            assert!(diagnostic["code"].is_string(), "{options}: {diagnostic}");
            assert!(
                diagnostic.get("codeDescription").is_none(),
                "{options}: {diagnostic}"
            );
        }
        assert_eq!(client.stop().code(), Some(0));
    }
}

/// Edits sent faster than the checker works (the diagnostics worker still
/// holds the parse of a version the next edit starts from): the
/// diagnostics of the last version are exactly those of its text opened
/// afresh.
#[test]
fn diagnostics_after_fast_edits_are_those_of_the_final_text() {
    let policy: String = lsp_support::big_policy()
        .lines()
        .take(1500)
        .map(|l| format!("{l}\n"))
        .collect();
    let (mut client, _) = Client::start(BINARY);
    client.open(&policy);
    let mut text = policy.clone();
    // `overdue` misspelt (or written again) in 30 rules across the file,
    // one edit after the other, none waiting for diagnostics.
    let rules: Vec<usize> = (0..policy.lines().count())
        .filter(|&i| policy.lines().nth(i).unwrap().contains(" overdue "))
        .collect();
    let lines: Vec<usize> = rules
        .iter()
        .step_by(rules.len() / 30)
        .take(30)
        .copied()
        .collect();
    assert_eq!(lines.len(), 30);
    for (i, &line) in lines.iter().enumerate() {
        let current: Vec<&str> = text.lines().collect();
        let column = current[line].find("overdue").unwrap();
        let with = ["overdeu", "overdue", "ovredue"][i % 3];
        client.change(
            [line as u32, column as u32, line as u32, column as u32 + 7],
            with,
        );
        let start: usize = current[..line].iter().map(|l| l.len() + 1).sum::<usize>() + column;
        text.replace_range(start..start + 7, with);
    }
    let diagnostics = client.diagnostics();
    assert_eq!(client.stop().code(), Some(0));
    assert_ne!(diagnostics, json!([]));

    let (mut fresh, _) = Client::start(BINARY);
    fresh.open(&text);
    assert_eq!(diagnostics, fresh.diagnostics());
    assert_eq!(fresh.stop().code(), Some(0));
}
