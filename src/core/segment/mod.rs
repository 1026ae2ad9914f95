//! Customer segmentation: K-means, Ward hierarchical, DBSCAN and Gaussian mixtures on
//! standardized customer features, the k sweep with its quality metrics, PCA for the scatter,
//! and segment profiles named as personas.
//!
//! Every algorithm follows `Params → fit → model → assign` with a fixed, shown seed. Input is
//! always a [`SegmentData`]: the chosen numeric features of a [`CustomerTable`], complete rows
//! only, standardized (population standard deviation, like scikit-learn's `StandardScaler`).
//! Pure Rust: no web-sys.

pub mod assign;
pub mod charts;
pub mod data;
pub mod dbscan;
pub mod gmm;
pub mod hierarchical;
pub mod kmeans;
pub mod metrics;
pub mod pca;
pub mod personas;
pub mod profile;
pub mod run;
pub mod sweep;

pub use data::{SegmentData, SegmentDataError};
