//! Every user command once: its Chinese label, keyboard shortcuts, place in the menus, the file it
//! asks for and when it is enabled. The menus, the keyboard handling, the F1 list and the README's
//! shortcut table are all made from this table, so they cannot drift apart.
//!
//! Adding a command: a variant here with its [`Command::spec`] entry, and its arm in the app's
//! command handler (`NianbaoApp::run_command`).

use egui::{Key, KeyboardShortcut, Modifiers};
use strum::IntoEnumIterator;

use super::files::{self, FilePrompt};

/// Every command, declared in menu order: the list of commands is this enum itself
/// ([`Command::all`] iterates it), so a new variant is in the menus, the help and the README's
/// table without a second list to forget.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, strum::EnumIter)]
pub enum Command {
    NewReport,
    RollOver,
    OpenDraft,
    Save,
    SaveAs,
    ExportPdf,
    /// 导出 ▸ Word文档 / 网页 / Excel表格 (for review and publishing).
    ExportDocx,
    ExportHtml,
    ExportXlsx,
    /// 复制为网页: the whole report on the clipboard as HTML and as plain text (for a CMS editor,
    /// Word or WPS).
    CopyReportHtml,
    /// The tables of the page shown, the same way.
    CopyTablesHtml,
    /// The 审核清单 of the open report (.xlsx, .html or .pdf).
    ExportReview,
    Print,
    PdfFonts,
    ImportReport,
    ImportCsv,
    /// 对照上年报告: last year's report (draft, CSV or published file) whose texts the
    /// repetition checks compare with.
    ComparePrevious,
    /// 汇总检查: a folder of units' reports at once (for the 政务公开办).
    CountyCheck,
    /// Its 汇总表 (.xlsx, .html, .csv).
    ExportCountySummary,
    /// 汇总: the folder's reports added up into one draft for the county (`nianbao sum`).
    SumCounty,
    ExportCsv,
    Quit,
    Undo,
    Redo,
    /// 标点规范化: ASCII punctuation between Chinese characters to full width, in every text.
    NormalizePunctuation,
    ShowPrevious,
    ZoomIn,
    ZoomOut,
    ZoomReset,
    /// One of the zoom levels listed in 视图 (one command per level: [`Command::all`]).
    Zoom(ZoomLevel),
    NextPage,
    PrevPage,
    /// F6: the keyboard to the next area (page list, page, findings), as in Office.
    NextPane,
    /// Every message of this session, in full.
    Messages,
    /// 帮助 ▸ 使用说明, 快捷键 and 关于.
    Guide,
    Shortcuts,
    About,
}

/// The zoom levels 视图 lists; 放大/缩小 step through them, so one is always ticked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, strum::EnumIter)]
pub enum ZoomLevel {
    P80,
    P90,
    #[default]
    P100,
    P110,
    P125,
    P150,
    P175,
    P200,
}

impl ZoomLevel {
    pub fn percent(self) -> u16 {
        match self {
            ZoomLevel::P80 => 80,
            ZoomLevel::P90 => 90,
            ZoomLevel::P100 => 100,
            ZoomLevel::P110 => 110,
            ZoomLevel::P125 => 125,
            ZoomLevel::P150 => 150,
            ZoomLevel::P175 => 175,
            ZoomLevel::P200 => 200,
        }
    }

    pub fn factor(self) -> f32 {
        f32::from(self.percent()) / 100.0
    }
}

/// The menus, in menu-bar order, each with the letter that opens it with Alt (as in WPS and
/// Office: 文件(F)).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, strum::EnumIter)]
pub enum Menu {
    File,
    Export,
    Edit,
    View,
    Help,
}

impl Menu {
    /// The label shown, with its access key.
    pub fn label(self) -> &'static str {
        match self {
            Menu::File => "文件(F)",
            Menu::Export => "导出(X)",
            Menu::Edit => "编辑(E)",
            Menu::View => "视图(V)",
            Menu::Help => "帮助(H)",
        }
    }

    /// Alt and this key open the menu.
    pub fn access_key(self) -> Key {
        match self {
            Menu::File => Key::F,
            Menu::Export => Key::X,
            Menu::Edit => Key::E,
            Menu::View => Key::V,
            Menu::Help => Key::H,
        }
    }

    pub(super) fn by_key(key: Key) -> Option<Menu> {
        Menu::iter().find(|m| m.access_key() == key)
    }

    /// The menu `step` places to the right (negative: left), round the bar.
    pub(super) fn beside(self, step: isize) -> Menu {
        let all: Vec<Menu> = Menu::iter().collect();
        let i = all.iter().position(|&m| m == self).unwrap_or(0) as isize;
        all[(i + step).rem_euclid(all.len() as isize) as usize]
    }
}

/// When a command can run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Needs {
    Nothing,
    /// A report is open.
    Document,
    /// The page shown has a table.
    Table,
    /// 汇总检查 has read a folder.
    County,
    /// There is something to undo / redo.
    Undo,
    Redo,
}

/// What the table says about one command.
#[derive(Debug, Clone)]
pub struct Spec {
    pub label: String,
    /// Menu and group within it (a separator goes between groups).
    pub menu: Option<(Menu, u8)>,
    /// The first is the one shown; all of them work.
    pub shortcuts: Vec<KeyboardShortcut>,
    pub needs: Needs,
    /// The file the command asks for before it runs.
    pub file: Option<FilePrompt>,
    /// The command replaces the open report, so unsaved changes are asked about first.
    pub replaces_document: bool,
    /// Shown with a tick in its menu (its state comes from [`State::ticked`]).
    pub toggle: bool,
}

/// The app's state as far as the table needs it (enabled, ticked).
#[derive(Debug, Clone, Copy, Default)]
pub struct State {
    pub has_document: bool,
    pub page_has_table: bool,
    pub county_ready: bool,
    pub can_undo: bool,
    pub can_redo: bool,
    pub show_previous: bool,
    pub zoom: f32,
}

/// The next zoom level up or down from a zoom factor.
pub fn zoom_step(zoom: f32, up: bool) -> f32 {
    let now = zoom * 100.0;
    let levels: Vec<u16> = ZoomLevel::iter().map(ZoomLevel::percent).collect();
    let next = if up {
        levels.iter().find(|&&p| f32::from(p) > now + 0.5).copied().unwrap_or(levels[levels.len() - 1])
    } else {
        levels.iter().rev().find(|&&p| f32::from(p) < now - 0.5).copied().unwrap_or(levels[0])
    };
    f32::from(next) / 100.0
}

const fn ctrl(key: Key) -> KeyboardShortcut {
    KeyboardShortcut::new(Modifiers::COMMAND, key)
}

const fn plain(key: Key) -> KeyboardShortcut {
    KeyboardShortcut::new(Modifiers::NONE, key)
}

const fn ctrl_shift(key: Key) -> KeyboardShortcut {
    KeyboardShortcut::new(Modifiers::COMMAND.plus(Modifiers::SHIFT), key)
}

impl Command {
    /// Every command, in menu order: the enum's variants, a variant with a value once per value.
    pub fn all() -> Vec<Command> {
        Command::iter()
            .flat_map(|c| match c {
                Command::Zoom(_) => ZoomLevel::iter().map(Command::Zoom).collect(),
                c => vec![c],
            })
            .collect()
    }

    /// The command's entry in the table.
    pub fn spec(self) -> Spec {
        use Command::*;
        use Menu::*;
        let s = |label: &str, menu: Option<(Menu, u8)>, shortcuts: &[KeyboardShortcut], needs: Needs| Spec {
            label: label.to_string(),
            menu,
            shortcuts: shortcuts.to_vec(),
            needs,
            file: None,
            replaces_document: false,
            toggle: false,
        };
        let doc = Needs::Document;
        let none = Needs::Nothing;
        match self {
            NewReport => {
                Spec { replaces_document: true, ..s("新建报告…", Some((File, 0)), &[ctrl(Key::N)], none) }
            }
            RollOver => Spec {
                file: Some(files::LAST_YEAR),
                replaces_document: true,
                ..s("以上年报告为模板新建…", Some((File, 0)), &[], none)
            },
            OpenDraft => Spec {
                file: Some(files::OPEN_DRAFT),
                replaces_document: true,
                ..s("打开草稿…", Some((File, 0)), &[ctrl(Key::O)], none)
            },
            // Asks for a file only when the report has none yet (the handler decides).
            Save => s("保存", Some((File, 1)), &[ctrl(Key::S)], doc),
            SaveAs => {
                Spec { file: Some(files::SAVE_DRAFT), ..s("另存为…", Some((File, 1)), &[ctrl_shift(Key::S)], doc) }
            }
            ExportPdf => s("导出PDF…", Some((Export, 0)), &[ctrl(Key::E)], doc),
            ExportDocx => Spec {
                file: Some(files::EXPORT_DOCX),
                ..s("导出Word文档（送审）…", Some((Export, 0)), &[], doc)
            },
            ExportHtml => Spec {
                file: Some(files::EXPORT_HTML),
                ..s("导出网页（上传网站）…", Some((Export, 0)), &[], doc)
            },
            ExportXlsx => Spec {
                file: Some(files::EXPORT_XLSX),
                ..s("导出Excel表格（报送）…", Some((Export, 0)), &[], doc)
            },
            CopyReportHtml => s("复制整份报告为网页", Some((Export, 1)), &[], doc),
            // No shortcut: every Ctrl+C combination is also a copy event for the grid, whose plain
            // text would replace the HTML on the clipboard.
            CopyTablesHtml => s("复制本页表格为网页", Some((Export, 1)), &[], Needs::Table),
            ExportReview => {
                Spec { file: Some(files::EXPORT_REVIEW), ..s("导出审核清单…", Some((Export, 2)), &[], doc) }
            }
            Print => s("打印…", Some((File, 2)), &[ctrl(Key::P)], doc),
            PdfFonts => s("PDF字体…", Some((File, 2)), &[], none),
            ImportReport => Spec {
                file: Some(files::IMPORT_REPORT),
                replaces_document: true,
                ..s("导入已公开的报告（网页/Word/PDF）…", Some((File, 3)), &[], none)
            },
            ImportCsv => Spec {
                file: Some(files::IMPORT_CSV),
                replaces_document: true,
                ..s("导入CSV…", Some((File, 3)), &[], none)
            },
            ComparePrevious => Spec {
                file: Some(files::LAST_YEAR),
                ..s("对照上年报告（查重复率）…", Some((File, 3)), &[], doc)
            },
            ExportCsv => Spec { file: Some(files::EXPORT_CSV), ..s("导出CSV…", Some((Export, 3)), &[], doc) },
            CountyCheck => s("汇总检查多份报告…", Some((File, 3)), &[], none),
            ExportCountySummary => Spec {
                file: Some(files::EXPORT_SUMMARY),
                ..s("导出汇总表…", Some((Export, 3)), &[], Needs::County)
            },
            SumCounty => Spec {
                file: Some(files::SUM_COUNTY),
                ..s("汇总为一份报告…", Some((Export, 3)), &[], Needs::County)
            },
            Quit => s("退出", Some((File, 4)), &[ctrl(Key::Q)], none),
            Undo => s("撤销", Some((Edit, 0)), &[ctrl(Key::Z)], Needs::Undo),
            Redo => s("重做", Some((Edit, 0)), &[ctrl(Key::Y), ctrl_shift(Key::Z)], Needs::Redo),
            NormalizePunctuation => s("标点规范化", Some((Edit, 1)), &[], doc),
            ShowPrevious => Spec { toggle: true, ..s("在单元格中显示上年数", Some((View, 0)), &[], doc) },
            ZoomIn => s("放大", Some((View, 1)), &[ctrl(Key::Plus), ctrl(Key::Equals)], none),
            ZoomOut => s("缩小", Some((View, 1)), &[ctrl(Key::Minus)], none),
            ZoomReset => s("恢复原始大小", Some((View, 1)), &[ctrl(Key::Num0)], none),
            Zoom(z) => Spec { toggle: true, ..s(&format!("缩放 {}%", z.percent()), Some((View, 2)), &[], none) },
            NextPage => s("下一页", Some((View, 3)), &[ctrl(Key::PageDown)], doc),
            PrevPage => s("上一页", Some((View, 3)), &[ctrl(Key::PageUp)], doc),
            NextPane => s("切换到下一区域（页面列表、本页、检查结果）", Some((View, 3)), &[plain(Key::F6)], doc),
            Messages => s("消息记录…", Some((View, 4)), &[], none),
            Guide => s("使用说明", Some((Help, 0)), &[], none),
            Shortcuts => s("快捷键", Some((Help, 0)), &[plain(Key::F1)], none),
            About => s("关于年报", Some((Help, 1)), &[], none),
        }
    }

    pub fn enabled(self, state: &State) -> bool {
        match self.spec().needs {
            Needs::Nothing => true,
            Needs::Document => state.has_document,
            Needs::Table => state.has_document && state.page_has_table,
            Needs::County => state.county_ready,
            Needs::Undo => state.can_undo,
            Needs::Redo => state.can_redo,
        }
    }

    /// Whether a toggle command is ticked.
    pub fn ticked(self, state: &State) -> bool {
        match self {
            Command::ShowPrevious => state.show_previous,
            Command::Zoom(z) => (state.zoom * 100.0 - f32::from(z.percent())).abs() < 0.5,
            _ => false,
        }
    }

    /// `Ctrl+Y / Ctrl+Shift+Z`: every shortcut, as the help and the README show them.
    pub fn shortcut_text(self) -> Option<String> {
        let keys: Vec<String> = self.spec().shortcuts.iter().map(shortcut_text).collect();
        (!keys.is_empty()).then(|| keys.join(" / "))
    }

    /// The command whose shortcut was pressed this frame (consuming it), if any is enabled.
    /// Longer shortcuts are tried first, so Ctrl+Shift+S is not taken for Ctrl+S.
    pub fn pressed(ctx: &egui::Context, state: &State) -> Option<Command> {
        let mut all: Vec<(KeyboardShortcut, Command)> =
            Command::all().into_iter().flat_map(|c| c.spec().shortcuts.into_iter().map(move |k| (k, c))).collect();
        all.sort_by_key(|(k, _)| std::cmp::Reverse(modifier_count(k.modifiers)));
        ctx.input_mut(|i| all.into_iter().find(|(k, c)| c.enabled(state) && i.consume_shortcut(k)).map(|(_, c)| c))
    }
}

fn modifier_count(m: Modifiers) -> u8 {
    u8::from(m.command || m.ctrl) + u8::from(m.shift) + u8::from(m.alt)
}

/// `Ctrl+Shift+S`, `Ctrl+加号`, `F1`.
pub fn shortcut_text(k: &KeyboardShortcut) -> String {
    let mut s = String::new();
    if k.modifiers.command || k.modifiers.ctrl {
        s.push_str("Ctrl+");
    }
    if k.modifiers.alt {
        s.push_str("Alt+");
    }
    if k.modifiers.shift {
        s.push_str("Shift+");
    }
    s.push_str(match k.logical_key {
        Key::Plus => "加号",
        Key::Minus => "减号",
        Key::Equals => "等号",
        other => other.name(),
    });
    s
}

/// Keys of the grid, the menus and the panes, which are not commands but belong in the help.
pub const EDITING_KEYS: &[(&str, &str)] = &[
    ("Alt / F10", "菜单栏：Alt+字母打开菜单（文件F、导出X、编辑E、视图V、帮助H），方向键选择，Enter执行，Esc关闭"),
    ("Tab / Shift+Tab", "先到本页要填的内容，再到检查结果和页面列表；表格中跳过自动计算的格，最后一格之后转到下方正文"),
    ("Enter / Shift+Enter", "表格中：下移 / 上移"),
    ("方向键", "表格中：在单元格之间移动（编辑时←→移动光标）"),
    ("直接输入", "替换单元格内容，与Excel相同"),
    ("F2 / 双击", "编辑单元格（不替换）"),
    ("Esc", "表格中：取消对单元格的修改或取消选择，光标留在原格"),
    ("Ctrl+V", "在单元格粘贴从Excel/WPS复制的区域：从当前格起填入，无法识别、落在自动计算格或超出表格的值会列出"),
];

/// The help list: every command with a shortcut, then the editing keys.
pub fn help_rows() -> Vec<(String, String)> {
    let mut rows: Vec<(String, String)> = Command::all()
        .into_iter()
        .filter_map(|c| {
            let keys = c.shortcut_text()?;
            let label = c.spec().label;
            Some((keys, label.trim_end_matches('…').to_string()))
        })
        .collect();
    rows.extend(EDITING_KEYS.iter().map(|(k, v)| (k.to_string(), v.to_string())));
    rows
}

/// The help list as the README's Markdown table.
pub fn readme_table() -> String {
    let mut out = String::from("| 按键 | 作用 |\n|---|---|\n");
    for (keys, what) in help_rows() {
        out.push_str(&format!("| {keys} | {what} |\n"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_menu_shows_its_access_key_and_no_two_share_one() {
        let mut keys: Vec<Key> = Menu::iter().map(Menu::access_key).collect();
        for m in Menu::iter() {
            assert!(m.label().ends_with(&format!("({})", m.access_key().name())), "{}", m.label());
        }
        keys.dedup();
        assert_eq!(keys.len(), Menu::iter().count());
    }

    #[test]
    fn the_command_list_is_every_variant_with_every_zoom_level_once() {
        let all = Command::all();
        for z in ZoomLevel::iter() {
            assert_eq!(all.iter().filter(|&&c| c == Command::Zoom(z)).count(), 1, "{z:?}");
        }
        // Each listed once, and each spelled differently in the menus.
        let labels: std::collections::HashSet<String> = all.iter().map(|c| c.spec().label).collect();
        assert_eq!(labels.len(), all.len());
    }

    #[test]
    fn zooming_in_and_out_lands_on_a_listed_level() {
        assert_eq!(zoom_step(1.0, true), 1.1);
        assert_eq!(zoom_step(1.1, true), 1.25);
        assert_eq!(zoom_step(1.3, false), 1.25, "from an old unlisted zoom onto the list");
        assert_eq!(zoom_step(2.0, true), 2.0);
        assert_eq!(zoom_step(0.8, false), 0.8);
    }

    // regression: Ctrl+plus left no zoom option ticked in 视图.
    #[test]
    fn after_zooming_with_the_keys_one_level_is_ticked() {
        let mut zoom = 1.0;
        for up in [true, true, false, true, true, true] {
            zoom = zoom_step(zoom, up);
            let state = State { zoom, ..State::default() };
            let ticked = ZoomLevel::iter().filter(|&z| Command::Zoom(z).ticked(&state)).count();
            assert_eq!(ticked, 1, "at {zoom}");
        }
    }

    #[test]
    fn no_two_commands_share_a_shortcut() {
        let mut seen = std::collections::HashMap::new();
        for c in Command::all() {
            for k in c.spec().shortcuts {
                if let Some(other) = seen.insert(shortcut_text(&k), c) {
                    panic!("{} is both {other:?} and {c:?}", shortcut_text(&k));
                }
            }
        }
    }

    #[test]
    fn every_command_is_in_a_menu_and_labelled() {
        for c in Command::all() {
            let s = c.spec();
            assert!(!s.label.is_empty(), "{c:?}");
            assert!(s.menu.is_some(), "{c:?} is reachable from a menu");
        }
    }

    #[test]
    fn the_readme_shortcut_table_is_the_table_in_code() {
        let readme = include_str!("../../README.md");
        let table = readme_table();
        assert!(
            readme.contains(&table),
            "README.md's keyboard table differs from the command table; it should read:\n{table}"
        );
    }
}
