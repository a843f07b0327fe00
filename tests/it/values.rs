//! What a staffer may type into a cell, and what the app makes of it.

use nianbao::model::value::{CellKind, CellValue, Num, Reason, canonical_text, parse_cell};

fn count(s: &str) -> CellValue {
    parse_cell(s, &CellKind::Count, false)
}
fn signed(s: &str) -> CellValue {
    parse_cell(s, &CellKind::Signed, false)
}
fn money(s: &str) -> CellValue {
    parse_cell(s, &CellKind::Money { unit: Some("万元".into()) }, false)
}
fn int(n: i64) -> CellValue {
    CellValue::Num(Num::from_int(n).unwrap())
}
fn message(v: CellValue) -> String {
    match v {
        CellValue::Invalid(e) => e.to_string(),
        other => panic!("expected an error, got {other:?}"),
    }
}
fn reason(v: CellValue) -> Reason {
    match v {
        CellValue::Invalid(e) => e.reason,
        other => panic!("expected an error, got {other:?}"),
    }
}

#[test]
fn blank_is_blank_not_zero() {
    assert_eq!(count(""), CellValue::Blank);
    assert_eq!(count("   "), CellValue::Blank);
    assert_eq!(count("\u{3000}"), CellValue::Blank, "an ideographic space typed by an IME");
    assert_eq!(count("0"), int(0));
    assert_ne!(count(""), count("0"));
}

#[test]
fn ascii_and_fullwidth_digits_with_spaces() {
    assert_eq!(count("123"), int(123));
    assert_eq!(count("１２３"), int(123));
    assert_eq!(count("  45 "), int(45));
    assert_eq!(count("\u{3000}７\u{3000}"), int(7));
    assert_eq!(count("007"), int(7));
}

#[test]
fn signed_cells_take_explicit_signs_in_every_common_form() {
    assert_eq!(signed("+14"), int(14));
    assert_eq!(signed("-27"), int(-27));
    assert_eq!(signed("－27"), int(-27), "full-width minus");
    assert_eq!(signed("−8"), int(-8), "U+2212 minus sign");
    assert_eq!(signed("＋1"), int(1));
    assert_eq!(signed("0"), int(0));
    assert_eq!(signed("14"), int(14));
}

#[test]
fn counts_refuse_negatives_and_fractions() {
    assert_eq!(message(count("-3")), "“-3”是负数，此处只能填不小于0的数");
    assert_eq!(message(count("2.5")), "“2.5”带小数，此处只能填整数");
    assert_eq!(count("12.0"), int(12), "a whole number written with .0 is still whole");
}

#[test]
fn garbage_stays_as_typed_and_becomes_an_error_that_says_what_is_wrong() {
    assert_eq!(message(count("12a")), "“12a”不是有效的整数");
    assert_eq!(message(count("十二")), "“十二”不是有效的整数");
    assert_eq!(message(money("abc")), "“abc”不是有效的数字");
    assert_eq!(reason(count("/")), Reason::Placeholder);
    assert_eq!(message(count("—")), "“—”不是数字：没有数据请填0");
    assert_eq!(reason(count("1 2")), Reason::NotInteger);
    assert_eq!(reason(signed("+-3")), Reason::NotInteger);
}

#[test]
fn money_takes_decimals_to_the_fen_and_its_own_unit() {
    assert_eq!(money("0.3"), CellValue::Num(Num::from_raw(300000)));
    assert_eq!(money("316441"), int(316_441));
    assert_eq!(money("0.0001"), CellValue::Num(Num::from_raw(100)));
    assert_eq!(money("１２．５"), CellValue::Num(Num::from_raw(12500000)));
    assert_eq!(money("0.3万元"), CellValue::Num(Num::from_raw(300000)));
    assert_eq!(reason(money("251000元")), Reason::WrongUnit);
    assert_eq!(money("0.000001"), CellValue::Num(Num::from_raw(1)), "0.000001万元 is one fen");
    assert_eq!(reason(money("0.0000001")), Reason::TooManyDecimals);
    assert_eq!(message(money("0.0000001")), "“0.0000001”超过6位小数（最小单位为0.000001万元，即1分）");
    assert_eq!(money("0.12340"), CellValue::Num(Num::from_raw(123400)), "trailing zeros are not extra precision");
    assert_eq!(reason(money("-1")), Reason::Negative);
    let either = CellKind::Money { unit: None };
    assert_eq!(parse_cell("251000元", &either, false), int(251_000));
}

#[test]
fn thousands_separators_are_accepted_only_when_grouped_by_three() {
    assert_eq!(count("14,069"), int(14_069));
    assert_eq!(count("316，441"), int(316_441), "full-width comma from an IME");
    assert_eq!(money("1,234.5"), CellValue::Num(Num::from_raw(1234500000)));
    assert_eq!(reason(count("12,34")), Reason::BadGrouping);
    assert_eq!(reason(count("1,2345")), Reason::BadGrouping);
    assert_eq!(reason(count("1,,234")), Reason::BadGrouping);
}

#[test]
fn huge_numbers_are_errors_not_overflows() {
    assert_eq!(count("1000000000000"), int(1_000_000_000_000));
    assert_eq!(reason(count("1000000000001")), Reason::TooLarge);
    assert_eq!(reason(count("99999999999999999999999999999")), Reason::TooLarge);
    assert_eq!(reason(signed("-99999999999999999999")), Reason::TooLarge);
}

#[test]
fn not_applicable_only_where_allowed() {
    assert_eq!(parse_cell("不适用", &CellKind::Count, true), CellValue::NotApplicable);
    assert_eq!(reason(parse_cell("不适用", &CellKind::Count, false)), Reason::NotInteger);
}

#[test]
fn canonical_text_is_what_gets_printed() {
    assert_eq!(canonical_text(" １４ ", &CellKind::Count, false).as_deref(), Some("14"));
    assert_eq!(canonical_text("14", &CellKind::Signed, false).as_deref(), Some("+14"));
    assert_eq!(canonical_text("－27", &CellKind::Signed, false).as_deref(), Some("-27"));
    assert_eq!(canonical_text("0", &CellKind::Signed, false).as_deref(), Some("0"));
    assert_eq!(canonical_text("14,069", &CellKind::Count, false).as_deref(), Some("14069"));
    assert_eq!(canonical_text("12a", &CellKind::Count, false), None);
    assert_eq!(canonical_text("", &CellKind::Count, false), None);
}

// regression: real published reports give 收费金额 to the fen in 万元 (6 decimals) and GB2019
// 采购总金额 in 元 with 2 decimals; more than 4 decimals used to be an error, so a real report
// failed `check`.
#[test]
fn published_amounts_to_the_fen_are_exact_in_wan_yuan_and_in_yuan() {
    assert_eq!(money("3851.204617").num().map(|n| n.to_string()).as_deref(), Some("3851.204617"));
    let yuan = CellKind::Money { unit: Some("元".into()) };
    assert_eq!(parse_cell("6203418.75", &yuan, false).num().map(|n| n.to_string()).as_deref(), Some("6203418.75"));
    let too_fine = parse_cell("6203418.755", &yuan, false);
    assert!(matches!(&too_fine, CellValue::Invalid(e) if e.reason == Reason::TooManyDecimalsYuan), "{too_fine:?}");
    assert_eq!(message(too_fine), "“6203418.755”超过2位小数（最小单位为0.01元，即1分）");
    // A report that says its open-unit cell is in 元 gets the 元 rule.
    let either = CellKind::Money { unit: None };
    assert!(matches!(parse_cell("1.005元", &either, false), CellValue::Invalid(_)));
    // Sums are exact: no binary fraction creeps in.
    let parts = ["0.000001", "3851.204617", "0.1", "0.2"].map(|t| money(t).num().unwrap());
    let sum = parts.iter().try_fold(Num::ZERO, |a, b| a.checked_add(*b)).unwrap();
    assert_eq!(sum.to_string(), "3851.504618");
}

#[test]
fn a_report_that_chose_yuan_for_an_open_unit_cell_checks_it_in_yuan() {
    let mut r = nianbao::model::Report::new("gb2019", 2020, "某局");
    let form = r.form().unwrap();
    let id = form
        .cells
        .iter()
        .find(|c| matches!(c.kind, CellKind::Money { unit: None }))
        .map(|c| c.id.clone())
        .expect("GB2019 has a money cell with an open unit");
    r.set_cell(&id, "251000.125");
    let v = nianbao::model::Values::compute(&form, &r);
    assert!(v.get(form.index[&id]).num().is_some(), "万元 or unknown: up to 6 decimals");
    r.options.money_units.insert(id.clone(), "元".into());
    let v = nianbao::model::Values::compute(&form, &r);
    assert!(matches!(v.get(form.index[&id]), CellValue::Invalid(e) if e.reason == Reason::TooManyDecimalsYuan));
}
