//! Any text in any kind of cell: parsing never panics, and a valid value's printed form parses
//! back to the same number.
#![no_main]

use libfuzzer_sys::fuzz_target;
use nianbao::model::value::{CellKind, CellValue, canonical_text, parse_cell};

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else { return };
    let Ok(text) = std::str::from_utf8(rest) else { return };
    let kind = match selector % 4 {
        0 => CellKind::Count,
        1 => CellKind::Signed,
        2 => CellKind::Money { unit: Some("万元".into()) },
        _ => CellKind::Money { unit: None },
    };
    let allow_na = selector & 4 != 0;
    let value = parse_cell(text, &kind, allow_na);
    if let CellValue::Num(n) = value {
        let printed = canonical_text(text, &kind, allow_na).expect("a valid value prints");
        assert_eq!(parse_cell(&printed, &kind, allow_na), CellValue::Num(n), "{text:?} printed as {printed:?}");
    }
});
