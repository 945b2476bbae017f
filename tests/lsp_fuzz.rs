//! Random edits to a policy open in `dunning lsp`, each followed by a
//! random request, from a fixed seed: the server never crashes, never
//! hangs (every answer comes within the client's deadline), never fails
//! other than as documented, and its text stays the client's. How fast it
//! answers on a 5,000-rule policy is measured by `cargo bench --bench lsp`.

#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

#[path = "lsp_support/mod.rs"]
mod lsp_support;

use lsp_support::{range_json, Client, URI};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde_json::{json, Value};

const BINARY: &str = env!("CARGO_BIN_EXE_dunning");

/// Pieces of policies, broken ones and non-ASCII ones included.
const SNIPPETS: &[&str] = &[
    "overdue",
    " >= ",
    "15d",
    " and ",
    " or ",
    "not ",
    "fired l3_2",
    " then ",
    "email",
    "é",
    "𝄞",
    "\n",
    "\r\n",
    "\r",
    "rule x: when ",
    "rule x: when overdue > 1d then call\n",
    "[",
    "]",
    "(",
    ")",
    "\"",
    "# note ",
    "==",
    "≥",
    "15",
    "d",
    " ",
    "\t",
    "set ",
    "set cooldown = 3d\n",
    "attribute a in [x, y]\n",
    "band = 7",
    "segment",
    "=>",
    "-",
    "1.5k EUR",
    "eur",
    "  ",
    "pause p when disputed\n",
    "repeat every 7d",
    "template \"r\"",
    "with copy = \"a@b.fr\"",
];

const METHODS: &[&str] = &[
    "textDocument/hover",
    "textDocument/completion",
    "textDocument/codeAction",
    "textDocument/formatting",
    "textDocument/documentSymbol",
    "textDocument/inlayHint",
    "textDocument/definition",
    "textDocument/references",
    "textDocument/prepareRename",
    "textDocument/rename",
];

/// The protocol position of a byte offset: line, and UTF-16 column. Lines
/// end at `\n`, `\r\n` or a lone `\r`.
fn position(text: &str, offset: usize) -> (u32, u32) {
    let before = &text[..offset];
    let breaks = before
        .char_indices()
        .filter(|&(i, c)| c == '\n' || (c == '\r' && !text[i + 1..].starts_with('\n')));
    let (line, start) = breaks.fold((0, 0), |(n, _), (i, _)| (n + 1, i + 1));
    (line as u32, before[start..].encode_utf16().count() as u32)
}

/// Whether a protocol position can name byte offset `at`: a char boundary,
/// not between the `\r` and `\n` of a line break.
fn nameable(text: &str, at: usize) -> bool {
    text.is_char_boundary(at) && !(text[..at].ends_with('\r') && text[at..].starts_with('\n'))
}

/// A char boundary of `text`, at random.
fn boundary(rng: &mut ChaCha8Rng, text: &str) -> usize {
    let mut at = rng.random_range(0..=text.len());
    while !nameable(text, at) {
        at -= 1;
    }
    at
}

fn fuzz(seed: u64, policy: &str, edits: usize) {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let (mut client, _) = Client::start(BINARY);
    let mut text = policy.to_string();
    client.open(&text);
    client.diagnostics();
    for step in 0..edits {
        // An edit: delete, insert or replace a short range.
        let start = boundary(&mut rng, &text);
        let mut end = start;
        if rng.random_bool(0.5) {
            end = (start + rng.random_range(0..24)).min(text.len());
            while !nameable(&text, end) {
                end += 1;
            }
        }
        let insert = if end == start || rng.random_bool(0.5) {
            SNIPPETS[rng.random_range(0..SNIPPETS.len())]
        } else {
            ""
        };
        let (l0, c0) = position(&text, start);
        let (l1, c1) = position(&text, end);
        client.change([l0, c0, l1, c1], insert);
        text.replace_range(start..end, insert);

        // A request somewhere, now and then past the end of the text.
        let method = METHODS[rng.random_range(0..METHODS.len())];
        let (line, character) = if rng.random_bool(0.05) {
            (rng.random_range(0..100_000), rng.random_range(0..1000))
        } else {
            position(&text, boundary(&mut rng, &text))
        };
        let at = json!({ "line": line, "character": character });
        let new_name = ["relance", "r 2", "when", "é"][rng.random_range(0..4)];
        let params = json!({
            "textDocument": { "uri": URI },
            "position": at,
            "range": { "start": at, "end": at },
            "context": { "diagnostics": [], "includeDeclaration": true, "triggerKind": 1 },
            "options": { "tabSize": 4, "insertSpaces": true },
            "newName": new_name,
        });
        let answer = client.request(method, params);
        if let Some(error) = answer.get("error") {
            // Refusals the server documents: formatting a file with syntax
            // errors, a rename to a name taken or impossible.
            let allowed = matches!(method, "textDocument/formatting" | "textDocument/rename")
                && error["code"] == json!(-32803);
            assert!(
                allowed,
                "step {step}: {method} failed: {answer}\ntext:\n{text}"
            );
        }
    }
    // The server's text is the client's: same statements, same diagnostics
    // as `dunning check` gives the client's text.
    let diagnostics = client.diagnostics();
    let checked = dunning::check(&dunning::parse(&text));
    assert_eq!(
        diagnostics.as_array().unwrap().len(),
        checked.diagnostics.len(),
        "{diagnostics}"
    );
    let symbols = client.request(
        "textDocument/documentSymbol",
        json!({ "textDocument": { "uri": URI } }),
    );
    assert_eq!(
        symbols["result"].as_array().map(Vec::len),
        Some(dunning::parse(&text).ast.statements().count())
    );
    let _: Value = client.request(
        "textDocument/inlayHint",
        json!({ "textDocument": { "uri": URI }, "range": range_json([0, 0, 99_999, 0]) }),
    );
    assert_eq!(client.stop().code(), Some(0));
}

#[test]
fn random_edits_to_a_small_policy() {
    let policy = lsp_support::big_policy()
        .lines()
        .take(60)
        .collect::<Vec<_>>()
        .join("\n");
    fuzz(2025, &policy, 600);
}

#[test]
fn random_edits_to_a_5000_rule_policy() {
    fuzz(18, &lsp_support::big_policy(), 40);
}
