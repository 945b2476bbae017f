//! Any bytes as a policy file: decoding, parsing, checking, formatting never panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = dunning::syntax::decode(data) {
        let checked = dunning::check_source(text);
        if !checked.has_errors() {
            // A valid policy formats, and formatting is idempotent.
            if let Ok(formatted) = dunning::format_source(text) {
                assert_eq!(dunning::format_source(&formatted).ok().as_deref(), Some(formatted.as_str()));
            }
        }
    }
});
