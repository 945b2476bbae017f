//! `dunning --version` names the commit it was built from and its date,
//! when built from a git checkout (`0.1.0 (a9b9713 2026-11-30)`); a build
//! from a source archive says the version alone.

use std::process::Command;

fn main() {
    println!("cargo:rerun-if-changed=.git/HEAD");
    println!("cargo:rerun-if-changed=.git/refs");
    let git = |args: &[&str]| {
        Command::new("git")
            .args(args)
            .output()
            .ok()
            .filter(|o| o.status.success())
            .and_then(|o| String::from_utf8(o.stdout).ok())
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
    };
    if let Some(info) = git(&["log", "-1", "--format=%h %cs"]) {
        let version = std::env::var("CARGO_PKG_VERSION").unwrap_or_default();
        println!("cargo:rustc-env=DUNNING_COMMIT={version} ({info})");
    }
}
