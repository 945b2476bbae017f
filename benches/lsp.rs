//! How fast `dunning lsp` answers on a 5,000-rule policy, against `check`
//! of the same text measured in the same run.
//!
//! `cargo bench --bench lsp` starts the release server, opens the
//! `ladders-5000` policy of `benches/check.rs` (500 ten-step ladders), and 40 times makes an edit
//! (a digit typed into a random rule) followed by each request an editor
//! sends; it prints, per request, the median and the slowest time from the
//! request to its answer (the edit's re-parse included), the time from an
//! edit to its diagnostics, and the same medians as a ratio of an
//! in-process `parse` + `check` of the policy (the baseline), and how many
//! answers took longer than the 100 ms an editor's user can wait (issue
//! 18). The first answer after opening the file (which parses it whole) is
//! timed apart.

// A benchmark stops on a broken setup: that is its job.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

#[path = "../tests/lsp_support/mod.rs"]
mod lsp_support;

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use lsp_support::{Client, URI};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde_json::json;

const ROUNDS: usize = 40;

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times[times.len() / 2]
}

fn main() {
    let text = lsp_support::big_policy();
    let rules = text.lines().filter(|l| l.starts_with("rule ")).count();

    let (mut baseline, mut parse) = (Vec::new(), Vec::new());
    for _ in 0..11 {
        let started = Instant::now();
        let parsed = dunning::parse(&text);
        parse.push(started.elapsed());
        let checked = dunning::check(&parsed);
        baseline.push(started.elapsed());
        assert!(!checked.has_errors());
    }
    let (baseline, parse) = (median(baseline), median(parse));

    let (mut client, _) = Client::start(env!("CARGO_BIN_EXE_dunning"));
    let opened = Instant::now();
    client.open(&text);
    let first = client.request(
        "textDocument/hover",
        json!({ "textDocument": { "uri": URI }, "position": { "line": 0, "character": 0 } }),
    );
    let first_answer = opened.elapsed();
    assert!(first.get("error").is_none(), "{first}");
    client.diagnostics();
    let first_diagnostics = opened.elapsed();
    let lines: Vec<&str> = text.lines().collect();
    let mut rng = ChaCha8Rng::seed_from_u64(18);
    let mut times: BTreeMap<&str, Vec<Duration>> = BTreeMap::new();
    for _ in 0..ROUNDS {
        // A digit typed into the day count of a random rule (`>= 2d` to
        // `>= 72d`, and so on): the policy stays valid and as large.
        let line = loop {
            let l = rng.random_range(0..lines.len());
            if lines[l].starts_with("rule ") {
                break l as u32;
            }
        };
        let column = lines[line as usize].rfind(">= ").unwrap() as u32 + 3;
        let edited = Instant::now();
        client.change([line, column, line, column], "7");
        let at = json!({ "line": line, "character": 10 });
        let on_rule_ref = lines[line as usize]
            .find("fired ")
            .map_or(5, |i| i as u32 + 7);
        let position = |character: u32| {
            json!({
                "textDocument": { "uri": URI },
                "position": { "line": line, "character": character },
                "context": { "includeDeclaration": true, "triggerKind": 1, "diagnostics": [] },
                "range": { "start": at, "end": at },
                "options": { "tabSize": 4, "insertSpaces": true },
                "newName": "renamed",
            })
        };
        for (method, params) in [
            ("textDocument/hover", position(28)),
            ("textDocument/completion", position(column + 5)),
            ("textDocument/codeAction", position(10)),
            ("textDocument/definition", position(on_rule_ref)),
            ("textDocument/references", position(on_rule_ref)),
            ("textDocument/rename", position(on_rule_ref)),
            ("textDocument/documentSymbol", position(0)),
            ("textDocument/inlayHint", position(0)),
            ("textDocument/formatting", position(0)),
        ] {
            let started = Instant::now();
            let answer = client.request(method, params);
            times.entry(method).or_default().push(started.elapsed());
            assert!(answer.get("error").is_none(), "{method}: {answer}");
        }
        client.diagnostics();
        times
            .entry("edit to its diagnostics")
            .or_default()
            .push(edited.elapsed());
    }
    assert_eq!(client.stop().code(), Some(0));

    println!(
        "{rules} rules, {} bytes; baseline (parse + check in process, median of 11): {baseline:?} (parse alone {parse:?})",
        text.len()
    );
    println!(
        "on opening: first answer {first_answer:.1?} (a whole parse), diagnostics {first_diagnostics:.1?}"
    );
    println!(
        "{:<32} {:>10} {:>10} {:>8} {:>12}",
        "after an edit", "median", "slowest", "ratio", "over 100 ms"
    );
    for (what, t) in times {
        let slowest = *t.iter().max().unwrap();
        let over = t
            .iter()
            .filter(|d| **d > Duration::from_millis(100))
            .count();
        let count = t.len();
        let m = median(t);
        println!(
            "{what:<32} {:>10.1?} {:>10.1?} {:>8.2} {:>12}",
            m,
            slowest,
            m.as_secs_f64() / baseline.as_secs_f64(),
            format!("{over}/{count}")
        );
    }
}
