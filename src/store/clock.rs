//! Times of the disk layer: now as seconds since 1970, and a time as people read it. Shared by
//! the draft lock (who holds it since when) and the recovery copies (when one was saved).

use std::time::{SystemTime, UNIX_EPOCH};

/// Today in local civil time as far as the standard library allows (UTC+8, the time zone of
/// every user of this app). The clock is read here, at the edge: the front ends pass the day
/// into `model` (a 落款 in the future, the 汇总表's date), which never reads it.
pub fn today() -> crate::model::Date {
    crate::model::Date::from_days((now_secs() as i64 + 8 * 3600).div_euclid(86_400))
}

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
