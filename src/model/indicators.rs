//! Rates the 政务公开办 compares across its units: 公开率 ((予以公开+部分公开)/办结) and 纠错率
//! (复议和诉讼的结果纠正/总计). Which cells make them is data in the template (`indicators`);
//! a rule pack may set the thresholds at which the county view flags them.

use serde::Serialize;

use super::form::{CellIx, Form};
pub use super::form::{Indicator, IndicatorError};
use super::report::Values;

/// An indicator's value for one report.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IndicatorValue {
    pub id: String,
    pub name: String,
    /// Percent; `None` when the denominator is 0 or a cell is invalid (nothing to divide).
    pub percent: Option<f64>,
    /// Over `flag_above` or under `flag_below`.
    pub flagged: bool,
    /// The threshold crossed, in words (`超过0%`), when flagged.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub limit: Option<String>,
}

impl IndicatorValue {
    /// `83.3%`, or `—`.
    pub fn label(&self) -> String {
        match self.percent {
            Some(p) => format!("{}%", trim(p)),
            None => "—".into(),
        }
    }
}

fn trim(p: f64) -> String {
    let s = format!("{p:.1}");
    s.strip_suffix(".0").map(str::to_string).unwrap_or(s)
}

/// Every indicator of the form for these values.
pub fn compute(form: &Form, values: &Values) -> Vec<IndicatorValue> {
    let sum = |cells: &[CellIx]| -> Option<f64> {
        cells.iter().try_fold(0f64, |acc, &c| values.num_or_zero(c).map(|n| acc + n.raw() as f64))
    };
    form.indicators
        .iter()
        .map(|ind| {
            let percent = match (sum(&ind.numerator), sum(&ind.denominator)) {
                (Some(n), Some(d)) if d > 0.0 => Some(n * 100.0 / d),
                _ => None,
            };
            let limit = match percent {
                Some(p) if ind.flag_above.is_some_and(|a| p > f64::from(a)) => {
                    ind.flag_above.map(|a| format!("超过{a}%"))
                }
                Some(p) if ind.flag_below.is_some_and(|b| p < f64::from(b)) => {
                    ind.flag_below.map(|b| format!("低于{b}%"))
                }
                _ => None,
            };
            IndicatorValue { id: ind.id.clone(), name: ind.name.clone(), percent, flagged: limit.is_some(), limit }
        })
        .collect()
}
