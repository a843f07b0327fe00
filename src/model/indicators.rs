//! Rates the 政务公开办 compares across its units: 公开率 ((予以公开+部分公开)/办结) and 纠错率
//! (复议和诉讼的结果纠正/总计). Which cells make them is data in the template (`indicators`);
//! a rule pack may set the thresholds at which the county view flags them.

use serde::Serialize;

use super::form::{CellIx, Form};
use super::report::Values;

/// An indicator of a compiled form.
#[derive(Debug, Clone)]
pub struct Indicator {
    pub id: String,
    pub name: String,
    numerator: Vec<CellIx>,
    denominator: Vec<CellIx>,
    pub flag_above: Option<u32>,
    pub flag_below: Option<u32>,
}

/// Why a template's indicator cannot be computed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IndicatorError {
    #[error("指标“{name}”引用了不存在的单元格 {cell}")]
    UnknownCell { name: String, cell: String },
}

/// Resolves the template's indicators; an unknown cell is a template error.
pub fn compile(form: &Form) -> Result<Vec<Indicator>, IndicatorError> {
    let cells = |ids: &[String], name: &str| {
        ids.iter()
            .map(|id| {
                form.index
                    .get(id)
                    .copied()
                    .ok_or_else(|| IndicatorError::UnknownCell { name: name.to_string(), cell: id.clone() })
            })
            .collect::<Result<Vec<_>, IndicatorError>>()
    };
    form.template
        .indicators
        .iter()
        .map(|d| {
            Ok(Indicator {
                id: d.id.clone(),
                name: d.name.clone(),
                numerator: cells(&d.numerator, &d.name)?,
                denominator: cells(&d.denominator, &d.name)?,
                flag_above: d.flag_above,
                flag_below: d.flag_below,
            })
        })
        .collect()
}

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
