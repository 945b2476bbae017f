//! Any bytes as an invoice file, in each format: loading never panics.
#![no_main]

use std::sync::LazyLock;

use dunning::data::{read_invoices, Format};
use libfuzzer_sys::fuzz_target;

static POLICY: LazyLock<dunning::Policy> = LazyLock::new(|| {
    let text = "attribute segment in [strategic, small]\nattribute reviewed_on: date\n\
                attribute limit: money\nwhen segment = strategic and overdue > 15d then call\n";
    dunning::check(&dunning::parse(text)).policy.expect("the fuzz policy is valid")
});

fuzz_target!(|data: &[u8]| {
    for format in [Format::Csv, Format::Json, Format::Yaml] {
        let _ = read_invoices("fuzz", data, format, &POLICY);
    }
});
