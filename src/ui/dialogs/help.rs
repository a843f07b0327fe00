//! 帮助 ▸ 使用说明 (the January workflow, the checks, where files live) and 帮助 ▸ 关于 (version,
//! licences, the data folders with buttons to open them).

use std::any::Any;
use std::path::PathBuf;

use egui::RichText;

use super::{Dialog, modal};
use crate::ui::action::Action;

/// The guide: (heading, paragraphs).
pub const GUIDE: &[(&str, &[&str])] = &[
    (
        "一月份的八个步骤",
        &[
            "1. 打开上年的草稿（或上年已公开的网页、Word、PDF）：“文件”菜单中的“以上年报告为模板新建…”。上年结转、机关名称和正文结构会带入，数字留空。",
            "2. 在“基本信息”页核对机关全称、联系电话、地址和落款。",
            "3. 逐页填写表格：Tab 到下一格，Enter 到下一行；可从Excel/WPS复制一块数字后按 Ctrl+V 粘贴。总计自动计算。",
            "4. 填写六部分正文；“标点规范化”（编辑菜单）可把半角标点改为全角。",
            "5. 看右侧的检查结果：点一条就跳到有问题的单元格。错误必须改正；警告若属实，可写说明。",
            "6. 按 Ctrl+S 保存草稿（.nianbao.ron）。程序每隔一段时间自动写恢复副本，意外关闭也不会丢失。",
            "7. “导出”菜单中的“导出Word文档（送审）”或“导出审核清单”，交分管领导审核；审核后的Word文件可以重新导入。",
            "8. “导出”菜单中的“导出PDF…”（Ctrl+E）打印、签字、盖章；网站发布可用导出网页或复制为网页。",
        ],
    ),
    (
        "检查是怎么回事",
        &[
            "错误：表格之间、行列之间的勾稽关系不成立（例如表三“本年新收+上年结转”不等于“办理结果总计+结转下年度”），或单元格不是有效的数字。有错误时导出的PDF带“草稿”字样，除非选择仍导出为正式版。",
            "警告：数字可能有问题但也可能属实（例如上年结转与上年报告的结转下年度不一致、正文中的数字与表格不同）。属实的请写说明，说明会出现在审核清单中。",
            "提示：值得留意的情况，不影响导出。",
        ],
    ),
    (
        "文件放在哪里",
        &[
            "草稿：您保存的位置（默认“文档”文件夹）；每次保存前的旧版本留作 .bak 备份（最多五份）。",
            "恢复副本、崩溃报告、设置和自己的模板：见“帮助”菜单中的“关于年报”，那里有打开各文件夹的按钮。",
            "政务公开办：“文件”菜单中的“汇总检查多份报告…” 可一次检查一个文件夹中各单位的报告，列出未报送的单位，导出汇总表。",
        ],
    ),
];

#[derive(Default)]
pub struct GuideDialog;

impl Dialog for GuideDialog {
    fn ui(&mut self, ctx: &egui::Context) -> Option<Action> {
        let (closed, dismissed) = modal(ctx, "guide", 720.0, |ui| {
            // 关闭 above the text, where a long guide never pushes it out of reach.
            let close = ui
                .horizontal(|ui| {
                    ui.heading("使用说明");
                    ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| ui.button("关闭").clicked())
                        .inner
                })
                .inner;
            let height = (ctx.content_rect().height() * 0.6).clamp(160.0, 520.0);
            egui::ScrollArea::vertical().max_height(height).auto_shrink([false, true]).show(ui, |ui| {
                for (heading, paragraphs) in GUIDE {
                    ui.add_space(6.0);
                    ui.label(RichText::new(*heading).strong().size(17.0));
                    for p in *paragraphs {
                        ui.add(egui::Label::new(*p).wrap());
                    }
                }
            });
            close.then_some(())
        });
        (closed.is_some() || dismissed).then_some(Action::CloseDialog)
    }

    fn title(&self) -> String {
        "使用说明".into()
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// A folder the About dialog lists.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Folder {
    pub what: &'static str,
    pub path: PathBuf,
}

/// The program's folders on this computer, asked of the code that writes into each, so the
/// dialog cannot name a folder the program does not use.
pub fn folders() -> Vec<Folder> {
    let settings = crate::store::settings::settings_path().and_then(|p| p.parent().map(PathBuf::from));
    [
        ("设置", settings),
        ("自己的模板", crate::store::templates::user_dir()),
        ("恢复副本", crate::store::recovery::RecoveryStore::default_dir()),
        ("崩溃报告", crate::crash::default_dir()),
        ("打印用的PDF", Some(crate::ui::files::print_dir())),
    ]
    .into_iter()
    .filter_map(|(what, path)| path.map(|path| Folder { what, path }))
    .collect()
}

pub const LICENCES: &[&str] = &[
    "年报（nianbao）以 MIT 或 Apache-2.0 许可证发布，可自由使用、复制和分发。",
    "内置字体 Noto Serif SC、Noto Sans SC（Google/Adobe）和霞鹜文楷（LXGW WenKai，此处名为“年报楷体”）以 SIL Open Font License 1.1 发布；许可证全文随程序附带（fonts/OFL.txt）。",
    "安装了方正小标宋简体、仿宋_GB2312、黑体、楷体_GB2312 等字体时，导出PDF会使用这些字体；它们的版权归各自的所有者。",
];

pub struct AboutDialog {
    pub folders: Vec<Folder>,
}

impl Default for AboutDialog {
    fn default() -> Self {
        AboutDialog { folders: folders() }
    }
}

impl Dialog for AboutDialog {
    fn ui(&mut self, ctx: &egui::Context) -> Option<Action> {
        let mut open = None;
        let (closed, dismissed) = modal(ctx, "about", 680.0, |ui| {
            ui.heading("关于年报");
            ui.label(format!("版本 {}", env!("CARGO_PKG_VERSION")));
            ui.label(
                "政府信息公开工作年度报告的填报、核对、打印与汇总检查（国办公开办函〔2021〕30号、〔2019〕60号格式）。",
            );
            ui.add_space(6.0);
            ui.label(RichText::new("许可证").strong());
            for l in LICENCES {
                ui.add(egui::Label::new(*l).wrap());
            }
            ui.add_space(6.0);
            ui.label(RichText::new("文件夹").strong());
            // Each path whole, wrapped, with a copy button: a long path (a user name, a roaming
            // profile) must not be cut to “/tm…”.
            for f in &self.folders {
                let path = f.path.display().to_string();
                ui.horizontal(|ui| {
                    ui.label(RichText::new(f.what).strong());
                    if ui.small_button(format!("打开{}文件夹", f.what)).clicked() {
                        open = Some(f.path.clone());
                    }
                    if ui.small_button("复制路径").accessible_name(format!("复制{}文件夹的路径", f.what)).clicked()
                    {
                        ui.ctx().copy_text(path.clone());
                    }
                });
                ui.add(egui::Label::new(RichText::new(&path).monospace()).wrap().selectable(true));
                ui.add_space(2.0);
            }
            ui.add_space(4.0);
            ui.button("关闭").clicked().then_some(())
        });
        if let Some(path) = open {
            return Some(Action::OpenFolder(path));
        }
        (closed.is_some() || dismissed).then_some(Action::CloseDialog)
    }

    fn title(&self) -> String {
        "关于年报".into()
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}

#[cfg(test)]
mod tests {
    use egui_kittest::kittest::Queryable;

    use super::*;
    use crate::ui::dialogs::testing::harness;

    #[test]
    fn the_guide_has_the_eight_steps() {
        let mut h = harness(GuideDialog);
        h.run();
        for n in 1..=8 {
            assert!(h.query_by_label_contains(&format!("{n}. ")).is_some(), "step {n}");
        }
        assert!(h.query_by_label_contains("错误：").is_some(), "the checks explained");
        h.get_by_label("关闭").click();
        h.run();
        assert_eq!(h.state().actions.first(), Some(&Action::CloseDialog));
    }

    #[test]
    fn about_shows_the_version_licences_and_opens_each_folder() {
        let folders = vec![Folder { what: "恢复副本", path: PathBuf::from("/tmp/x/recovery") }];
        let mut h = harness(AboutDialog { folders });
        h.run();
        assert!(h.query_by_label_contains(env!("CARGO_PKG_VERSION")).is_some());
        assert!(h.query_by_label_contains("SIL Open Font License").is_some());
        h.get_by_label("打开恢复副本文件夹").click();
        h.run();
        assert_eq!(h.state().actions.first(), Some(&Action::OpenFolder(PathBuf::from("/tmp/x/recovery"))));
    }

    // regression: 关于年报 cut the data folders' paths to “/tm…”.
    #[test]
    fn about_shows_each_folders_whole_path_wrapped_with_a_copy_button() {
        let long =
            PathBuf::from(format!("/tmp/{}/.local/share/nianbao/recovery", "某某县人民政府办公室信息公开科".repeat(4)));
        let folders = vec![Folder { what: "恢复副本", path: long.clone() }];
        let mut h = harness(AboutDialog { folders });
        h.run();
        let shown = h.get_by_label(&long.display().to_string()).rect();
        assert!(shown.width() <= 690.0 && shown.height() > 30.0, "whole and wrapped: {shown:?}");
        h.get_by_label("复制恢复副本文件夹的路径").click();
        // The copy is in the output of the frame that saw the click.
        let mut copied = false;
        for _ in 0..6 {
            h.step();
            copied |= h
                .output()
                .platform_output
                .commands
                .iter()
                .any(|c| matches!(c, egui::OutputCommand::CopyText(t) if *t == long.display().to_string()));
        }
        assert!(copied, "the path is on the clipboard");
        assert!(h.state().actions.is_empty(), "copying leaves the dialog open");
    }
}
