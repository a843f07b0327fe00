//! What a path that is not a regular file is, in Chinese: shared by the bounded reader and the
//! atomic writer, which both refuse such paths.

/// What kind of non-regular file this is, in Chinese.
pub(crate) fn kind_name(meta: &std::fs::Metadata) -> Option<&'static str> {
    let t = meta.file_type();
    if t.is_file() {
        return None;
    }
    if t.is_dir() {
        return Some("文件夹");
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_char_device() || t.is_block_device() {
            return Some("设备");
        }
        if t.is_fifo() {
            return Some("管道");
        }
        if t.is_socket() {
            return Some("套接字");
        }
    }
    Some("特殊文件")
}
