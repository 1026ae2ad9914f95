//! Imbalance handling for a training set: none, SMOTE, or class weights.
//!
//! Applied to training data only — a cross-validation training fold or the whole training
//! part — never to validation or test rows, so every score is measured on real customers in
//! their real proportions. Class weights are "balanced" (scikit-learn's): each class weighs
//! `n / (2 · n_class)` per row, so both classes carry the same total weight. Pure Rust.

use ndarray::{Array2, ArrayView2};
use serde::{Deserialize, Serialize};

use crate::core::predict::smote::{SmoteError, SmoteParams};

/// How the training data is balanced before a model sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Balance {
    None,
    Smote,
    Weights,
}

impl Balance {
    pub const ALL: [Balance; 3] = [Balance::None, Balance::Smote, Balance::Weights];

    pub fn label(self) -> &'static str {
        match self {
            Balance::None => "no balancing",
            Balance::Smote => "SMOTE",
            Balance::Weights => "class weights",
        }
    }

    /// The CLI's name (`none`, `smote`, `weights`).
    pub fn key(self) -> &'static str {
        match self {
            Balance::None => "none",
            Balance::Smote => "smote",
            Balance::Weights => "weights",
        }
    }

    pub fn from_key(key: &str) -> Option<Balance> {
        Balance::ALL.into_iter().find(|b| b.key() == key.trim())
    }
}

/// What a model is fitted on: rows, outcomes, optional sample weights.
pub type FitData<'a> = (ArrayView2<'a, f64>, &'a [bool], Option<&'a [f64]>);

/// What balancing did to a training set (which is kept as is beside it: no copy for
/// `Unchanged` and `Weighted`).
#[derive(Debug, Clone, PartialEq)]
pub enum Balanced {
    Unchanged,
    Weighted(Vec<f64>),
    /// The original rows followed by SMOTE's synthetic ones.
    Resampled {
        x: Array2<f64>,
        y: Vec<bool>,
        n_synthetic: usize,
    },
}

impl Balanced {
    /// The data a model is fitted on: rows, outcomes, optional sample weights.
    pub fn data<'a>(&'a self, x: &'a Array2<f64>, y: &'a [bool]) -> FitData<'a> {
        match self {
            Balanced::Unchanged => (x.view(), y, None),
            Balanced::Weighted(w) => (x.view(), y, Some(w)),
            Balanced::Resampled { x, y, .. } => (x.view(), y, None),
        }
    }

    pub fn n_synthetic(&self) -> usize {
        match self {
            Balanced::Resampled { n_synthetic, .. } => *n_synthetic,
            _ => 0,
        }
    }
}

/// "Balanced" class weights: `n / (2 · n_class)` for each row's class.
pub fn class_weights(y: &[bool]) -> Vec<f64> {
    let n = y.len() as f64;
    let positives = y.iter().filter(|&&b| b).count() as f64;
    let negatives = n - positives;
    let weight = |count: f64| if count > 0.0 { n / (2.0 * count) } else { 0.0 };
    let (wp, wn) = (weight(positives), weight(negatives));
    y.iter().map(|&b| if b { wp } else { wn }).collect()
}

/// Balance one training set.
pub fn balance(
    how: Balance,
    x: ArrayView2<'_, f64>,
    y: &[bool],
    smote: &SmoteParams,
) -> Result<Balanced, SmoteError> {
    match how {
        Balance::None => Ok(Balanced::Unchanged),
        Balance::Weights => Ok(Balanced::Weighted(class_weights(y))),
        Balance::Smote => {
            let resampled = smote.fit_resample(x, y)?;
            Ok(Balanced::Resampled {
                x: resampled.x,
                y: resampled.y,
                n_synthetic: resampled.n_synthetic,
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn class_weights_give_both_classes_the_same_total() {
        let y = [true, false, false, false];
        let w = class_weights(&y);
        assert_eq!(w, vec![2.0, 2.0 / 3.0, 2.0 / 3.0, 2.0 / 3.0]);
        let positive: f64 = w.iter().zip(&y).filter(|(_, &b)| b).map(|(w, _)| w).sum();
        let negative: f64 = w.iter().zip(&y).filter(|(_, &b)| !b).map(|(w, _)| w).sum();
        assert!((positive - negative).abs() < 1e-12);
    }
}
