//! Build script: on Windows, embeds the icon and the version information in nianbao.exe (what
//! Explorer's 属性 ▸ 详细信息 and the taskbar show). Elsewhere it does nothing.

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-changed=assets/icons/nianbao.ico");
    #[cfg(windows)]
    windows_resources();
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
