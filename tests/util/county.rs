//! A generated county for the 政务公开办 tests and benchmark: its units' reports in folders, as
//! drafts, long CSVs and web pages, with planted errors, units missing from the roster, a
//! duplicate, a broken file and one unit in the other format.

// Each test binary and benchmark uses a different part of it.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use nianbao::model::value::{CellValue, Num, parse_cell};
use nianbao::model::{Report, Severity, check_report};
use nianbao::store::csv::{self, ImportOptions};

const DEPARTMENTS: [&str; 40] = [
    "发展和改革局",
    "教育局",
    "科学技术局",
    "工业和信息化局",
    "民族宗教事务局",
    "公安局",
    "民政局",
    "司法局",
    "财政局",
    "人力资源和社会保障局",
    "自然资源局",
    "生态环境局",
    "住房和城乡建设局",
    "交通运输局",
    "水利局",
    "农业农村局",
    "商务局",
    "文化广电和旅游局",
    "卫生健康局",
    "退役军人事务局",
    "应急管理局",
    "审计局",
    "市场监督管理局",
    "统计局",
    "医疗保障局",
    "林业局",
    "乡村振兴局",
    "信访局",
    "政务服务管理局",
    "人民政府办公室",
    "城市管理局",
    "体育局",
    "人民防空办公室",
    "地方金融监督管理局",
    "粮食和物资储备局",
    "档案馆",
    "机关事务管理局",
    "供销合作社联合社",
    "气象局",
    "住房公积金管理中心",
];
const TOWNS: [&str; 23] = [
    "城关镇",
    "东关镇",
    "西关镇",
    "南湖镇",
    "北山镇",
    "青石镇",
    "白水镇",
    "红岩镇",
    "清河镇",
    "柳林镇",
    "杨柳镇",
    "梨园乡",
    "桃花乡",
    "石门乡",
    "高坪乡",
    "龙泉乡",
    "马场乡",
    "新华街道",
    "人民街道",
    "文昌街道",
    "建设街道",
    "和平街道",
    "长安街道",
];

/// What the generator made, to check the tools against.
pub struct County {
    pub dir: PathBuf,
    pub roster: PathBuf,
    /// Every roster name (63: 40 departments, 23 towns and streets).
    pub names: Vec<String>,
    /// Roster names with no report.
    pub missing: Vec<String>,
    /// Units whose report has a planted error (T3-01).
    pub with_errors: Vec<String>,
    /// The unit reported twice, with both files.
    pub duplicate: (String, [PathBuf; 2]),
    /// The file no program can read.
    pub broken: PathBuf,
    /// The unit that sent its report in the GB2019 format.
    pub other_format: (String, PathBuf),
    /// Each GB2021 unit's file (the first of the duplicate) and its report.
    pub reports: Vec<(PathBuf, Report)>,
}

pub const COUNTY: &str = "某某县";
pub const YEAR: i32 = 2025;

fn base(name: &str) -> Report {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name);
    let data = csv::read(&path, &ImportOptions::default()).unwrap_or_else(|e| panic!("{name}: {e}"));
    data.report
}

/// The Hangzhou figures scaled by `k` (every relation of the form still holds), for `unit`.
fn scaled(hangzhou: &Report, k: i64, unit: &str) -> Report {
    let form = hangzhou.form().expect("form");
    let mut r = Report::new("gb2021", YEAR, unit);
    r.options = hangzhou.options.clone();
    for cell in form.cells.iter().filter(|c| c.is_input()) {
        if let CellValue::Num(n) = parse_cell(hangzhou.cell_text(&cell.id), &hangzhou.kind_of(cell), cell.allow_na) {
            r.set_cell(&cell.id, &Num::from_raw(n.raw() * k).to_string());
        }
    }
    // Every section written, as a finished report has it.
    for s in &form.template.sections {
        for (id, heading) in
            std::iter::once((&s.id, &s.heading)).chain(s.subsections.iter().map(|x| (&x.id, &x.heading)))
        {
            // (not the unit's name: the fixture county's 某某 would be a placeholder left in, WD-03)
            let text = format!("{YEAR}年，本机关{heading}：按照《中华人民共和国政府信息公开条例》要求做好相关工作。");
            r.sections.insert(id.clone(), text);
        }
    }
    r.signed_on = nianbao::model::Date::new(YEAR + 1, 1, 20);
    r
}

/// Writes a county of `units` reports under `dir`: up to 60 with the special cases; more (the
/// benchmark's 500) as drafts and long CSVs only.
pub fn generate(dir: &Path, units: usize) -> County {
    let hangzhou = base("hangzhou-2021.csv");
    let mut names: Vec<String> = DEPARTMENTS.iter().map(|d| format!("{COUNTY}{d}")).collect();
    names.extend(TOWNS.iter().map(|t| format!("{COUNTY}{t}")));
    let roster_names: Vec<String> = names.clone();
    // Beyond the roster (the benchmark's 500): numbered units.
    while names.len() < units + 3 {
        names.push(format!("{COUNTY}第{}单位", names.len() + 1));
    }
    // Three roster units send nothing: 统计局 (its file is the broken one), 气象局, 长安街道.
    let missing: Vec<String> = ["统计局", "气象局", "长安街道"].iter().map(|s| format!("{COUNTY}{s}")).collect();
    let reporting: Vec<&String> = names.iter().filter(|n| !missing.contains(n)).take(units).collect();
    let mut county = County {
        dir: dir.to_path_buf(),
        // Beside the folder: a .txt inside it would be read as a report.
        roster: dir.with_file_name("单位名单.txt"),
        names: roster_names.clone(),
        missing: missing.clone(),
        with_errors: Vec::new(),
        duplicate: (String::new(), [PathBuf::new(), PathBuf::new()]),
        broken: dir.join("县直部门").join(format!("{COUNTY}统计局.ron")),
        other_format: (String::new(), PathBuf::new()),
        reports: Vec::new(),
    };
    for sub in ["县直部门", "乡镇街道", "县直部门/补报"] {
        // (also makes `dir`, so the roster beside it has a parent)
        std::fs::create_dir_all(dir.join(sub)).expect("folder");
    }
    // The roster as an office keeps it: 序号 and name, a comment, GBK would do too.
    let mut roster = String::from("# 2025年度应报送单位\n");
    for (i, n) in roster_names.iter().enumerate() {
        roster.push_str(&format!("{}\t{n}\n", i + 1));
    }
    std::fs::write(&county.roster, roster).expect("roster");
    if units <= 60 {
        std::fs::write(&county.broken, "(format: \"nianbao-draft\", version: 1, template: \"gb2021\", year: 20")
            .expect("broken");
    }

    for (i, unit) in reporting.iter().enumerate() {
        let unit = unit.as_str();
        let folder = if TOWNS.iter().any(|t| unit.ends_with(t)) { "乡镇街道" } else { "县直部门" };
        let stem = unit.trim_start_matches(COUNTY);
        if i == 7 && units <= 60 {
            // One unit still uses the old format (a copy of last year's file, the year changed).
            let mut r = base("seed-2019.csv");
            r.year = YEAR;
            r.unit.name = unit.to_string();
            let path = dir.join(folder).join(format!("{stem}.ron"));
            nianbao::store::save(&path, &r).expect("save");
            county.other_format = (unit.to_string(), path);
            continue;
        }
        let mut r = scaled(&hangzhou, (i % 5 + 1) as i64, unit);
        if i % 6 == 0 {
            // 本年新收 one more than the results account for: T3-01.
            let now = r.cell_text("t3.new.np").parse::<i64>().expect("a count");
            r.set_cell("t3.new.np", &(now + 1).to_string());
            county.with_errors.push(unit.to_string());
        }
        let form = r.form().expect("form");
        let path = match i % 10 {
            1 => {
                let p = dir.join(folder).join(format!("{stem}.csv"));
                std::fs::write(&p, csv::export(&r, &form)).expect("csv");
                p
            }
            #[cfg(feature = "export")]
            2 if units <= 60 => {
                let p = dir.join(folder).join(format!("{stem}2025年政府信息公开工作年度报告.html"));
                let out = nianbao::export::export(nianbao::export::Format::Html, &r, &form, &Default::default())
                    .expect("html");
                std::fs::write(&p, out.bytes).expect("html");
                // A web page carries the printed tables only (not the 信息处理费 helper table).
                for c in form.cells.iter().filter(|c| !form.tables[c.table].def.printed) {
                    r.cells.remove(&c.id);
                }
                p
            }
            _ => {
                let p = dir.join(folder).join(format!("{stem}.ron"));
                nianbao::store::save(&p, &r).expect("save");
                p
            }
        };
        if i == 4 && units <= 60 {
            // Sent twice: the revised copy in 补报.
            let again = dir.join("县直部门/补报").join(format!("{stem}（修改稿）.ron"));
            nianbao::store::save(&again, &r).expect("save");
            county.duplicate = (unit.to_string(), [path.clone(), again]);
        }
        // Backups and lock files beside the drafts are never reports.
        if i == 3 {
            std::fs::write(path.with_extension("ron.bak"), "junk").expect("bak");
        }
        county.reports.push((path, r));
    }
    county
}

/// What the rules say of a report (independently of the batch tools).
pub fn errors_of(r: &Report) -> usize {
    let form = r.form().expect("form");
    check_report(&form, r, &Default::default()).1.iter().filter(|f| f.severity == Severity::E).count()
}

/// The cell-by-cell sum of reports, computed here with plain integers (the fixtures are whole
/// numbers but for money cells, kept in 10⁻⁶ units).
pub fn independent_sum(reports: &[&Report]) -> BTreeMap<String, i128> {
    let mut out: BTreeMap<String, i128> = BTreeMap::new();
    for r in reports {
        let form = r.form().expect("form");
        for cell in form.cells.iter().filter(|c| c.is_input()) {
            if let CellValue::Num(n) = parse_cell(r.cell_text(&cell.id), &r.kind_of(cell), cell.allow_na) {
                *out.entry(cell.id.clone()).or_default() += i128::from(n.raw());
            }
        }
    }
    out
}
