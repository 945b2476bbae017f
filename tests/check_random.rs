//! Random bytes and near-valid policies never make `check` or `fmt` panic.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use proptest::prelude::*;

const POLICY: &str = include_str!("../policies/french_b2b.dunning");

fn run(bytes: &[u8]) {
    if let Ok(text) = std::str::from_utf8(bytes) {
        let checked = dunning::check(&dunning::parse(text));
        if !checked.has_errors() {
            let formatted = dunning::format(&dunning::parse(text)).expect("a valid policy formats");
            assert_eq!(
                dunning::format(&dunning::parse(&formatted)).unwrap(),
                formatted
            );
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn random_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        run(&bytes);
    }

    /// The example policy with a few bytes changed, inserted or removed.
    #[test]
    fn near_valid_policies(edits in proptest::collection::vec((any::<usize>(), any::<u8>(), 0u8..3), 1..6)) {
        let mut bytes = POLICY.as_bytes().to_vec();
        for (at, byte, kind) in edits {
            let at = at % (bytes.len() + 1);
            match kind {
                0 if at < bytes.len() => bytes[at] = byte,
                1 => bytes.insert(at, byte),
                _ if at < bytes.len() => {
                    bytes.remove(at);
                }
                _ => {}
            }
        }
        run(&bytes);
    }
}
