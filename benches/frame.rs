//! One full frame of the window with the largest page (表三, 175 cells, findings panel) on a
//! 1400×900 window, on the CPU through the kittest harness (layout, widgets, tessellation-free).

// A bench's or example's unwrap stops it with the reason (Cargo.toml's lints deny them in the program).
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "../tests/util/fixtures.rs"]
mod fixtures;

use criterion::{Criterion, criterion_group, criterion_main};
use egui_kittest::Harness;
use nianbao::ui::action::Page;
use nianbao::ui::doc::{Document, Field};
use nianbao::ui::{AppConfig, NianbaoApp, fonts};

fn app_on(page: Page) -> NianbaoApp {
    let report = fixtures::report("hangzhou-2021.csv");
    let mut app = NianbaoApp::new(AppConfig::default());
    match Document::new(report, None) {
        Ok(doc) => app.set_document(doc),
        Err(e) => panic!("{e}"),
    }
    app.view.page = page;
    app
}

fn harness(app: NianbaoApp) -> Harness<'static, NianbaoApp> {
    let mut h = Harness::builder()
        .with_size(egui::vec2(1400.0, 900.0))
        .with_context_setup(|ctx| {
            fonts::install(ctx);
            fonts::install_style(ctx);
        })
        .build_eframe(move |_cc| app);
    h.run();
    h
}

fn frame(c: &mut Criterion) {
    let mut h = harness(app_on(Page::Section(2)));
    c.bench_function("frame: 表三 page, idle", |b| b.iter(|| h.step()));

    let mut h = harness(app_on(Page::Section(2)));
    let mut flip = false;
    c.bench_function("frame: 表三 page, after an edit (recheck + redraw)", |b| {
        b.iter(|| {
            flip = !flip;
            if let Some(doc) = h.state_mut().doc.as_mut() {
                doc.set(Field::Cell("t3.new.np".into()), if flip { "13613".into() } else { "13612".into() });
            }
            h.step();
        })
    });

    let mut h = harness(app_on(Page::Unit));
    c.bench_function("frame: 基本信息 page, idle", |b| b.iter(|| h.step()));
}

criterion_group!(benches, frame);
criterion_main!(benches);
