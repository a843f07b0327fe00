//! Everything that touches the disk: drafts (RON), CSV import/export, atomic saves.

pub mod atomic;
pub mod clock;
pub mod csv;
pub mod draft;
mod file_kind;
pub mod lock;
pub mod output;
pub mod read;
pub mod recovery;
pub mod rulepacks;
pub mod settings;
mod shape;
pub mod templates;

pub use draft::{DraftError, Expect, load, save, save_checked};
pub use read::{ReadError, read_limited};

/// What a draft file held when it was read or saved: the length and an FNV-1a hash of its
/// bytes. Whole-second modification times cannot tell two saves in one second apart; this can.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ContentHash {
    len: u64,
    fnv: u64,
}

impl ContentHash {
    pub fn of(bytes: &[u8]) -> ContentHash {
        ContentHash { len: bytes.len() as u64, fnv: bytes_hash(bytes) }
    }
}

pub fn bytes_hash(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        h = (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}
