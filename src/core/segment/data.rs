//! The matrix every segmentation algorithm reads: chosen features, complete rows, standardized.

use ndarray::Array2;

use crate::core::customer_table::{CustomerTable, FeatureValues};

/// Standardized feature matrix of the customers being segmented.
#[derive(Debug, Clone, PartialEq)]
pub struct SegmentData {
    /// Feature names, one per column of `matrix`.
    pub names: Vec<String>,
    /// `rows.len() × names.len()`, each column with mean 0 and (population) sd 1.
    pub matrix: Array2<f64>,
    /// Row of the customer table behind each matrix row (rows with a missing value are left out).
    pub rows: Vec<usize>,
    /// Mean and population standard deviation of each feature before scaling.
    pub means: Vec<f64>,
    pub sds: Vec<f64>,
}

/// The chosen features cannot be segmented.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SegmentDataError {
    #[error("Choose at least 2 numeric features to segment on (chosen: {chosen}).")]
    TooFewFeatures { chosen: usize },
    #[error("There is no feature named '{0}' in the customer table.")]
    NoSuchFeature(String),
    #[error("'{0}' is a category, not a number: one-hot encode it in Explore or leave it out.")]
    NotNumeric(String),
    #[error(
        "'{}' {} the same value for every customer, so {} cannot separate segments: leave {} out.",
        .0.join("', '"),
        if .0.len() == 1 { "has" } else { "have" },
        if .0.len() == 1 { "it" } else { "they" },
        if .0.len() == 1 { "it" } else { "them" }
    )]
    Constant(Vec<String>),
    #[error(
        "Only {complete} customers have a value in every chosen feature; at least 3 are needed. \
         Fill missing values in Explore or choose other features."
    )]
    TooFewRows { complete: usize },
}

impl SegmentData {
    /// The named numeric features of `table`, complete rows only, standardized.
    pub fn from_table(
        table: &CustomerTable,
        features: &[String],
    ) -> Result<SegmentData, SegmentDataError> {
        let mut columns: Vec<&[f64]> = Vec::with_capacity(features.len());
        for name in features {
            let feature = table
                .feature(name)
                .ok_or_else(|| SegmentDataError::NoSuchFeature(name.clone()))?;
            match &feature.values {
                FeatureValues::Numeric(values) => columns.push(values),
                FeatureValues::Categorical { .. } => {
                    return Err(SegmentDataError::NotNumeric(name.clone()))
                }
            }
        }
        if columns.len() < 2 {
            return Err(SegmentDataError::TooFewFeatures {
                chosen: columns.len(),
            });
        }
        let rows: Vec<usize> = (0..table.n_rows())
            .filter(|&r| {
                columns
                    .iter()
                    .all(|c| c.get(r).is_some_and(|x| x.is_finite()))
            })
            .collect();
        if rows.len() < 3 {
            return Err(SegmentDataError::TooFewRows {
                complete: rows.len(),
            });
        }
        let n = rows.len() as f64;
        let mut means = Vec::with_capacity(columns.len());
        let mut sds = Vec::with_capacity(columns.len());
        let mut constant = Vec::new();
        for (name, column) in features.iter().zip(&columns) {
            let mean = rows.iter().map(|&r| column[r]).sum::<f64>() / n;
            let var = rows
                .iter()
                .map(|&r| (column[r] - mean).powi(2))
                .sum::<f64>()
                / n;
            let sd = var.sqrt();
            // Also catches a NaN sd.
            if sd.is_nan() || sd <= 1e-12 * mean.abs().max(1.0) {
                constant.push(name.clone());
            }
            means.push(mean);
            sds.push(sd);
        }
        if !constant.is_empty() {
            return Err(SegmentDataError::Constant(constant));
        }
        let d = columns.len();
        let matrix = Array2::from_shape_fn((rows.len(), d), |(i, j)| {
            (columns[j][rows[i]] - means[j]) / sds[j]
        });
        Ok(SegmentData {
            names: features.to_vec(),
            matrix,
            rows,
            means,
            sds,
        })
    }

    /// A matrix taken as already standardized (means 0, sds 1 recorded), with features named
    /// `f0`, `f1`, … and rows numbered from 0: for fixtures and generated data.
    pub fn from_standardized(matrix: Array2<f64>) -> SegmentData {
        let d = matrix.ncols();
        SegmentData {
            names: (0..d).map(|j| format!("f{j}")).collect(),
            rows: (0..matrix.nrows()).collect(),
            means: vec![0.0; d],
            sds: vec![1.0; d],
            matrix,
        }
    }

    pub fn n_rows(&self) -> usize {
        self.matrix.nrows()
    }
}
