//! What the user chooses for each preparation step, and the check that rejects impossible
//! choices before any data is touched.

use serde::{Deserialize, Serialize};

use crate::core::prep::PrepError;

/// The whole recipe: one block per step, applied in the order of the fields.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PrepParams {
    pub impute: ImputeParams,
    pub outliers: OutlierParams,
    pub log: LogParams,
    pub scale: ScaleParams,
    pub one_hot: OneHotParams,
}

/// Defaults keep natural units, so the Explore charts and segment profiles read in dollars and
/// days: fill missing values (median / mode), everything else off.
impl Default for PrepParams {
    fn default() -> Self {
        PrepParams {
            impute: ImputeParams {
                enabled: true,
                numeric: NumericImpute::Median,
                categorical: CategoricalImpute::Mode,
            },
            outliers: OutlierParams {
                enabled: false,
                method: OutlierMethod::Iqr { k: 1.5 },
                action: OutlierAction::Flag,
            },
            log: LogParams {
                enabled: false,
                columns: Vec::new(),
            },
            scale: ScaleParams {
                enabled: false,
                method: ScaleMethod::Standard,
            },
            one_hot: OneHotParams {
                enabled: false,
                max_levels: 10,
            },
        }
    }
}

/// Fill missing values.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ImputeParams {
    pub enabled: bool,
    pub numeric: NumericImpute,
    pub categorical: CategoricalImpute,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NumericImpute {
    Median,
    Mean,
    Constant(f64),
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CategoricalImpute {
    /// The most frequent level (the first in table order on a tie).
    Mode,
    /// A fixed label, e.g. "unknown"; added as a level when the column lacks it.
    Constant(String),
}

/// Find values far from the bulk of a numeric column and flag, cap or remove them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OutlierParams {
    pub enabled: bool,
    pub method: OutlierMethod,
    pub action: OutlierAction,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OutlierMethod {
    /// Outside `[Q1 − k·IQR, Q3 + k·IQR]` (Tukey; `k` = 1.5 usually).
    Iqr { k: f64 },
    /// Outside `mean ± z·sd` (population sd; `z` = 3 usually).
    ZScore { z: f64 },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OutlierAction {
    /// Add a 0/1 column `<name>_outlier` after each column that had outliers when fitted.
    Flag,
    /// Clamp values to the bounds (winsorize).
    Cap,
    /// Drop every customer with an outlier in any checked column.
    Remove,
}

/// `log(1 + x)` of skewed, non-negative columns.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LogParams {
    pub enabled: bool,
    /// Columns to transform; empty = automatic: numeric columns (not 0/1) whose skewness is
    /// above 1 and whose smallest value is ≥ 0.
    pub columns: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScaleParams {
    pub enabled: bool,
    pub method: ScaleMethod,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ScaleMethod {
    /// `(x − mean) / sd`, population sd.
    Standard,
    /// `(x − min) / (max − min)`, so the fitted data lies in 0…1.
    MinMax,
    /// `(x − median) / IQR`.
    Robust,
}

/// Categorical columns → one 0/1 column per level.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OneHotParams {
    pub enabled: bool,
    /// Most columns per categorical column: the `max_levels − 1` most frequent levels get their
    /// own column and the rest share `<name>_other` (no `other` column when the levels fit).
    pub max_levels: usize,
}

impl PrepParams {
    /// Reject choices that cannot work, whatever the data. Switched-off steps are not checked,
    /// so a half-typed value in a step that is off does not block the others.
    pub fn check(&self) -> Result<(), PrepError> {
        if self.impute.enabled {
            if let NumericImpute::Constant(c) = self.impute.numeric {
                if !c.is_finite() {
                    return Err(PrepError::ImputeConstant(c));
                }
            }
            if let CategoricalImpute::Constant(label) = &self.impute.categorical {
                if label.trim().is_empty() {
                    return Err(PrepError::EmptyImputeLabel);
                }
            }
        }
        if self.outliers.enabled {
            match self.outliers.method {
                OutlierMethod::Iqr { k } if !(k.is_finite() && k > 0.0) => {
                    return Err(PrepError::IqrFactor(k))
                }
                OutlierMethod::ZScore { z } if !(z.is_finite() && z > 0.0) => {
                    return Err(PrepError::ZThreshold(z))
                }
                _ => {}
            }
        }
        if self.one_hot.enabled && self.one_hot.max_levels < 2 {
            return Err(PrepError::MaxLevels(self.one_hot.max_levels));
        }
        Ok(())
    }
}
