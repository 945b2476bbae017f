//! Any bytes as an account events file (each format) and as a column
//! profile: loading never panics.
#![no_main]

use std::sync::LazyLock;

use dunning::data::{read_events, read_invoices, Format, Profile};
use libfuzzer_sys::fuzz_target;

static INVOICES: LazyLock<Vec<dunning::data::Invoice>> = LazyLock::new(|| {
    let policy = dunning::check(&dunning::parse("when overdue > 15d then call\n"))
        .policy
        .expect("the fuzz policy is valid");
    let csv = "invoice_id,customer_id,issue_date,due_date,amount,currency\n\
               I1,C1,2025-01-15,2025-02-14,100.00,EUR\nI2,C2,2025-01-15,2025-02-14,5,EUR\n";
    read_invoices("fuzz", csv.as_bytes(), Format::Csv, &policy).expect("the fuzz invoices are valid")
});

fuzz_target!(|data: &[u8]| {
    for format in [Format::Csv, Format::Json, Format::Yaml] {
        let _ = read_events("fuzz", data, format, &INVOICES);
    }
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = Profile::from_yaml("fuzz", text);
    }
});
