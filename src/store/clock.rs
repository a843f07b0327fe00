//! Times of the disk layer: now as seconds since 1970, and a time as people read it. Shared by
//! the draft lock (who holds it since when) and the recovery copies (when one was saved).

use std::time::{SystemTime, UNIX_EPOCH};

pub fn now_secs() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0)
}

/// `2026-01-19 10:32` in China Standard Time (UTC+8), for the restore question.
pub fn format_time(secs: u64) -> String {
    let local = secs as i64 + 8 * 3600;
    let d = crate::model::Date::from_days(local.div_euclid(86_400));
    let s = local.rem_euclid(86_400);
    format!("{} {:02}:{:02}", d, s / 3600, (s % 3600) / 60)
}
