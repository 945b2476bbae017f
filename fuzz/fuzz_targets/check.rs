//! Any bytes as a policy file: decoding, parsing, checking, formatting never panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let parsed = dunning::SourceFile::from_bytes("fuzz", data).parse();
    let checked = dunning::check(&parsed);
    if !checked.has_errors() {
        // A valid policy formats, and formatting is idempotent.
        if let Ok(formatted) = dunning::format(&parsed) {
            assert_eq!(dunning::format(&dunning::parse(&formatted)).ok().as_deref(), Some(formatted.as_str()));
        }
    }
});
