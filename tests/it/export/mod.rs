//! The Word, web page and Excel exports and the 审核清单, each read back: the same cells, the
//! same section texts, merged ranges and formulas where the official tables have them.

mod cli;
mod excel;
mod review;
mod roundtrip;
mod support;
mod web;
mod word;

/// `NB_SAMPLES=dir cargo test --test it export::samples -- --ignored` writes every output of the
/// sample reports, for looking at them (LibreOffice, a browser, Excel).
#[test]
#[ignore = "writes files for a person to look at"]
fn samples_for_looking_at() {
    let Some(dir) = std::env::var_os("NB_SAMPLES") else { return };
    let dir = std::path::PathBuf::from(dir);
    std::fs::create_dir_all(&dir).unwrap();
    for name in ["seed-2019.csv", "hangzhou-2021.csv", "shanghai-2019.csv"] {
        let mut report = support::fixture(name);
        report.options.landscape_table4 = name.starts_with("hangzhou");
        let form = report.form().unwrap();
        let stem = name.trim_end_matches(".csv");
        for format in nianbao::export::Format::ALL {
            let out = nianbao::export::export(format, &report, &form, &Default::default()).unwrap();
            std::fs::write(dir.join(format!("{stem}.{}", format.extension())), &out.bytes).unwrap();
        }
        let (_, findings) = nianbao::model::check_report(&form, &report, &Default::default());
        let list =
            nianbao::export::review::ReviewList::new(&report, &form, &findings, nianbao::model::Date::new(2026, 1, 19));
        std::fs::write(dir.join(format!("{stem}-审核清单.xlsx")), list.to_xlsx().unwrap()).unwrap();
        std::fs::write(dir.join(format!("{stem}-审核清单.html")), list.to_html()).unwrap();
        std::fs::write(dir.join(format!("{stem}-审核清单.pdf")), list.to_pdf(&Default::default()).unwrap().bytes)
            .unwrap();
    }
}
