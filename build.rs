//! Build script: unpacks the PDF-only faces (stored LZ4 in `fonts/`) into the build folder, so
//! the program embeds them ready to use; on Windows, embeds the icon and the version information
//! in nianbao.exe (what Explorer's 属性 ▸ 详细信息 and the taskbar show).

// A build script that cannot do its work stops the build with the reason: that is what a panic
// here does (Cargo.toml's lints deny unwrap/expect in the program, not here).
#![allow(clippy::expect_used, clippy::unwrap_used)]

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-changed=assets/icons/nianbao.ico");
    if std::env::var_os("CARGO_FEATURE_PDF").is_some() {
        unpack_faces();
    }
    #[cfg(windows)]
    windows_resources();
}

/// The faces only the PDF uses are kept in the repository LZ4-compressed (8.5 MB instead of
/// 12.9 MB), but embedded in the program as plain TrueType: an export then reads them where they
/// lie in the executable's memory map — no unpacking at every command-line export, and only the
/// pages a report touches are ever read in (and they are shared, not the process's own memory).
fn unpack_faces() {
    let out = std::path::PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    for name in ["NotoSerifSC-Regular-subset.ttf", "NotoSerifSC-Bold-subset.ttf", "NianbaoKai-Regular-subset.ttf"] {
        let packed = format!("fonts/{name}.lz4");
        println!("cargo:rerun-if-changed={packed}");
        let bytes = std::fs::read(&packed).unwrap_or_else(|e| panic!("{packed}: {e}"));
        // One LZ4 block after its length (as `fonts/tools/make_subset.py` writes it).
        let raw = lz4_flex::block::decompress_size_prepended(&bytes).unwrap_or_else(|e| panic!("{packed}: {e}"));
        let target = out.join(name);
        if std::fs::read(&target).ok().as_deref() != Some(raw.as_slice()) {
            std::fs::write(&target, raw).unwrap_or_else(|e| panic!("{}: {e}", target.display()));
        }
    }
}

#[cfg(windows)]
fn windows_resources() {
    if std::env::var("CARGO_CFG_TARGET_OS").as_deref() != Ok("windows") {
        return;
    }
    let mut res = winresource::WindowsResource::new();
    res.set_icon("assets/icons/nianbao.ico")
        .set("ProductName", "年报")
        .set("FileDescription", "年报 — 政府信息公开工作年度报告填报、核对与打印")
        .set("CompanyName", "Nianbao")
        .set("LegalCopyright", "MIT OR Apache-2.0")
        .set("OriginalFilename", "nianbao.exe")
        .set_language(0x0804); // zh-CN
    if let Err(e) = res.compile() {
        // A missing resource compiler must not stop the build: the program works without an icon.
        println!("cargo:warning=没有嵌入图标和版本信息：{e}");
    }
}
