//! Properties that must hold for every input, checked on many random ones (proptest).

use std::collections::BTreeMap;
use std::path::Path;

use nianbao::model::form::Formula;
use nianbao::model::report::{Reference, ReportOptions, TitlePattern};
use nianbao::model::{CellValue, Date, Num, Report, Values};
use nianbao::store::{csv, draft};
use proptest::prelude::*;

/// What a person might type into a cell: numbers in every accepted spelling, blanks, junk.
fn cell_text() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => (0u64..2_000_000).prop_map(|n| n.to_string()),
        1 => (0u64..10_000).prop_map(|n| n.to_string().chars().map(|c| char::from_u32(c as u32 + 0xFEE0).unwrap()).collect()),
        1 => (-500i64..500).prop_map(|n| format!("{n:+}")),
        1 => Just(String::new()),
        1 => "[0-9a-z,. /—-]{1,8}",
        1 => (0u64..100_000_000, 0u32..10_000).prop_map(|(a, b)| format!("{a}.{b:04}")),
    ]
}

/// Text without control characters (the loader drops those by design), lines allowed.
fn text() -> impl Strategy<Value = String> {
    prop::collection::vec("[^\\p{Cc}]{0,40}", 0..4).prop_map(|lines| lines.join("\n"))
}

fn report_strategy() -> impl Strategy<Value = Report> {
    let form = Report::new("gb2021", 2025, "").form().unwrap();
    let ids: Vec<String> = form.input_cells().map(|(_, c)| c.id.clone()).collect();
    let sections = form.section_keys();
    (
        prop::collection::btree_map(prop::sample::select(ids), cell_text(), 0..60),
        prop::collection::btree_map(prop::sample::select(sections), text(), 0..5),
        (text(), text(), "[0-9-]{0,13}"),
        prop::option::of((2019i32..2030, 1u32..13, 1u32..29)),
        prop::collection::btree_map("[A-Z0-9@.-]{1,12}", text(), 0..3),
        any::<(bool, bool, bool)>(),
        prop::option::of(prop::collection::btree_map(
            "t3\\.carry_out\\.(np|le_biz|total)",
            (0u32..9999).prop_map(|n| n.to_string()),
            0..3,
        )),
    )
        .prop_map(|(cells, sections, (name, address, phone), date, explanations, flags, reference)| {
            let mut r = Report::new("gb2021", 2025, &name);
            for (k, v) in cells {
                r.set_cell(&k, &v);
            }
            r.sections.extend(sections);
            r.unit.address = address;
            r.unit.phone = phone;
            r.signed_on = date.and_then(|(y, m, d)| Date::new(y, m, d));
            r.explanations = explanations;
            r.options = ReportOptions {
                landscape_table4: flags.0,
                blank_as_zero: flags.1,
                signature_block: flags.2,
                title_pattern: if flags.0 { TitlePattern::YearUnit } else { TitlePattern::UnitYear },
                ..ReportOptions::default()
            };
            r.reference = reference.map(|cells| Reference {
                year: 2024,
                template: "gb2021".into(),
                cells,
                sections: BTreeMap::new(),
            });
            r
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn computed_totals_always_equal_the_sum_of_their_parts(
        cells in prop::collection::vec(cell_text(), 300)
    ) {
        let mut r = Report::new("gb2021", 2025, "某局");
        let form = r.form().unwrap();
        let ids: Vec<String> = form.input_cells().map(|(_, c)| c.id.clone()).collect();
        for (id, v) in ids.iter().zip(cells) {
            r.set_cell(id, &v);
        }
        let values = Values::compute(&form, &r);
        for (ix, c) in form.cells.iter().enumerate() {
            let Some(Formula::Sum(parts)) = &c.formula else { continue };
            let part_values: Vec<&CellValue> = parts.iter().map(|&p| values.get(p)).collect();
            if part_values.iter().any(|v| matches!(v, CellValue::Invalid(_))) {
                prop_assert!(matches!(values.get(ix), CellValue::Invalid(_)), "{}: unknown when a part is invalid", c.id);
            } else if part_values.iter().all(|v| matches!(v, CellValue::Blank)) {
                prop_assert_eq!(values.get(ix), &CellValue::Blank);
            } else {
                let sum = part_values.iter().filter_map(|v| v.num()).fold(Num::ZERO, |a, b| a.checked_add(b).unwrap());
                prop_assert_eq!(values.get(ix), &CellValue::Num(sum), "{}", c.id);
            }
        }
        // Whatever is typed, checking never panics.
        let _ = nianbao::model::check_report(&form, &r, &Default::default());
    }

    #[test]
    fn save_then_load_is_the_identity(r in report_strategy()) {
        let text = draft::to_ron(&r).unwrap();
        let back = draft::from_ron(&text, Path::new("p.ron")).unwrap();
        prop_assert_eq!(&back, &r);
        let form = r.form().unwrap();
        let csv_text = csv::export(&r, &form);
        let data = csv::parse(csv_text.as_bytes(), &csv::ImportOptions::default()).unwrap();
        prop_assert!(data.issues.is_empty(), "{:?}", data.issues);
        prop_assert_eq!(&data.report, &r);
    }

    #[test]
    fn rolling_over_a_consistent_report_carries_out_into_in(
        columns in prop::collection::vec((0u32..500, 0u32..500, prop::collection::vec(0u32..300, 4)), 6)
    ) {
        // Per applicant column: carry-in, carry-out and a few outcomes; 新收 makes it balance.
        let mut r = Report::new("gb2021", 2024, "某局");
        let cols = ["np", "le_biz", "le_sci", "le_ngo", "le_law", "le_oth"];
        let outcome_rows = ["r_open", "r_partial", "r_unable_1", "r_reject_2"];
        for (col, (carry_in, carry_out, outcomes)) in cols.iter().zip(&columns) {
            let results: u32 = outcomes.iter().sum();
            let new = (results + carry_out).saturating_sub(*carry_in);
            let carry_in = results + carry_out - new;
            r.set_cell(&format!("t3.new.{col}"), &new.to_string());
            r.set_cell(&format!("t3.carry_in.{col}"), &carry_in.to_string());
            r.set_cell(&format!("t3.carry_out.{col}"), &carry_out.to_string());
            for (row, v) in outcome_rows.iter().zip(outcomes) {
                r.set_cell(&format!("t3.{row}.{col}"), &v.to_string());
            }
        }
        let form = r.form().unwrap();
        let (_, findings) = nianbao::model::check_report(&form, &r, &Default::default());
        prop_assert!(!findings.iter().any(|f| f.rule == "T3-01"), "the generated year balances");
        let next = nianbao::model::rollover::roll_over(&r, 2025, "gb2021").unwrap();
        for col in cols {
            prop_assert_eq!(next.cell_text(&format!("t3.carry_in.{col}")), r.cell_text(&format!("t3.carry_out.{col}")));
        }
        let (_, next_findings) = nianbao::model::check_report(&next.form().unwrap(), &next, &Default::default());
        prop_assert!(!next_findings.iter().any(|f| f.rule == "T3-06"));
    }
}
