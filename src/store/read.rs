//! Bounded reading of files a user or a settings file names: never more than a limit, never a
//! device, pipe or folder (`/dev/zero` as a font path must not eat the memory, a FIFO must not
//! hang the app).

use std::fs::File;
use std::io::{self, Read};
use std::path::Path;

// Callers outside the store name it here, where it is used most.
pub(crate) use super::file_kind::kind_name;

/// Why a file was not read.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error("{}", super::atomic::describe_io(.0))]
    Io(#[from] io::Error),
    /// Larger than the limit (`size` is what the file system reports, at least `limit + 1`).
    #[error("文件太大（{size}字节，上限{}）", human_size(*.limit))]
    TooLarge { size: u64, limit: u64 },
    /// A folder, device, pipe or socket: not a file with content of its own.
    #[error("这不是普通文件（{0}），无法作为文件读取")]
    NotRegular(&'static str),
}

/// `5 MB`, `64 KB`, `100 字节`: limits as people say them.
pub fn human_size(n: u64) -> String {
    if n >= 1024 * 1024 && n.is_multiple_of(1024 * 1024) {
        format!("{}MB", n / (1024 * 1024))
    } else if n >= 1024 && n.is_multiple_of(1024) {
        format!("{}KB", n / 1024)
    } else {
        format!("{n}字节")
    }
}

/// Opens a regular file for reading; a folder, device or pipe is refused before it is opened
/// (opening a FIFO would block until someone writes to it), and, should the path be swapped for
/// one between the look and the opening, the open does not wait (Unix: `O_NONBLOCK`) and the
/// handle is looked at again.
pub fn open_regular(path: &Path) -> Result<File, ReadError> {
    let meta = std::fs::metadata(path)?;
    if let Some(kind) = kind_name(&meta) {
        return Err(ReadError::NotRegular(kind));
    }
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK);
    }
    let file = options.open(path)?;
    let meta = file.metadata()?;
    if let Some(kind) = kind_name(&meta) {
        return Err(ReadError::NotRegular(kind));
    }
    Ok(file)
}

/// Reads a whole regular file of at most `limit` bytes. A longer file is an error, not a
/// truncation; a folder, device or pipe is refused (see [`open_regular`]).
pub fn read_limited(path: &Path, limit: u64) -> Result<Vec<u8>, ReadError> {
    let file = open_regular(path)?;
    let meta = file.metadata()?;
    if meta.len() > limit {
        return Err(ReadError::TooLarge { size: meta.len(), limit });
    }
    let mut buf = Vec::with_capacity(meta.len() as usize);
    file.take(limit + 1).read_to_end(&mut buf)?;
    if buf.len() as u64 > limit {
        // The file grew while it was read.
        return Err(ReadError::TooLarge { size: buf.len() as u64, limit });
    }
    Ok(buf)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn dev_zero_as_a_font_path_is_refused_not_read_without_limit() {
        let err = read_limited(Path::new("/dev/zero"), 1024).unwrap_err();
        assert!(matches!(err, ReadError::NotRegular("设备")), "{err}");
        assert!(err.to_string().contains("不是普通文件"), "{err}");
    }

    #[test]
    fn a_file_over_the_limit_names_its_real_size() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("big.ttf");
        std::fs::write(&p, vec![0u8; 2048]).unwrap();
        let err = read_limited(&p, 1024).unwrap_err();
        assert!(matches!(err, ReadError::TooLarge { size: 2048, limit: 1024 }), "{err}");
        assert_eq!(err.to_string(), "文件太大（2048字节，上限1KB）");
        assert_eq!(read_limited(&p, 2048).unwrap().len(), 2048);
    }

    #[test]
    fn a_folder_is_not_read_as_a_file() {
        let dir = tempfile::tempdir().unwrap();
        assert!(matches!(read_limited(dir.path(), 10), Err(ReadError::NotRegular("文件夹"))));
    }
}
