//! Principal component analysis of the standardized segment matrix, for the 2-D scatter of
//! customers coloured by segment.
//!
//! PCA here is the eigen-decomposition of the d × d sample covariance matrix (divisor n − 1,
//! like scikit-learn) of [`SegmentData::matrix`], computed with cyclic Jacobi rotations: exact
//! to machine precision for the few dozen features a customer table has, and pure Rust (no
//! LAPACK), so it runs in the browser worker. Because the matrix is standardized, the
//! covariance is the correlation matrix of the chosen features.
//!
//! Sign convention: each component is flipped so that its largest-magnitude loading is positive
//! (the first such loading on a tie), so the same data always gives the same picture.
//!
//! The scatter ([`scatter_chart`]) carries at most `max_points` points: beyond that it keeps a
//! seeded random sample stratified by segment (every segment keeps a share proportional to its
//! size, at least one point), and says so in the subtitle. Pure Rust: no web-sys.

use ndarray::{Array1, Array2, Axis};
use rand::seq::index;
use rand::SeedableRng;
use rand_xoshiro::Xoshiro256PlusPlus;

use crate::core::eda::{AxisScale, Chart, ChartKind, ScatterGroup, ValueFormat};
use crate::core::format;
use crate::core::segment::SegmentData;

/// Most Jacobi sweeps; a symmetric matrix of a few dozen rows converges in under ten.
const MAX_SWEEPS: usize = 100;

/// How many principal components to keep.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PcaParams {
    pub n_components: usize,
}

impl Default for PcaParams {
    /// Two components: the scatter's axes.
    fn default() -> Self {
        PcaParams { n_components: 2 }
    }
}

/// PCA could not be computed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PcaError {
    #[error("Ask for at least one principal component.")]
    NoComponents,
    #[error(
        "{requested} principal components were asked for, but there are only {features} features."
    )]
    TooManyComponents { requested: usize, features: usize },
    #[error("At least 2 customers are needed for principal components (found {rows}).")]
    TooFewRows { rows: usize },
    #[error("The feature matrix holds a missing or infinite value; PCA needs complete rows.")]
    NotFinite,
}

/// A fitted PCA: the directions of largest variance of the standardized features.
#[derive(Debug, Clone, PartialEq)]
pub struct PcaModel {
    /// `n_components × d`: row `c` holds the loadings of component `c` (unit length).
    pub components: Array2<f64>,
    /// Variance along each component (eigenvalues of the covariance, divisor n − 1).
    pub explained_variance: Vec<f64>,
    /// Share of the total variance along each component; sums to ≤ 1.
    pub explained_variance_ratio: Vec<f64>,
    /// Column means of the fitted matrix (≈ 0 for standardized data), subtracted by `transform`.
    pub mean: Vec<f64>,
    /// Feature names, one per loading.
    pub names: Vec<String>,
}

impl PcaParams {
    /// Fit PCA on `data.matrix`.
    pub fn fit(&self, data: &SegmentData) -> Result<PcaModel, PcaError> {
        let x = &data.matrix;
        let (n, d) = x.dim();
        if self.n_components == 0 {
            return Err(PcaError::NoComponents);
        }
        if self.n_components > d {
            return Err(PcaError::TooManyComponents {
                requested: self.n_components,
                features: d,
            });
        }
        if n < 2 {
            return Err(PcaError::TooFewRows { rows: n });
        }
        if x.iter().any(|v| !v.is_finite()) {
            return Err(PcaError::NotFinite);
        }
        let mean: Array1<f64> = x.mean_axis(Axis(0)).unwrap_or_else(|| Array1::zeros(d));
        let centered = x - &mean;
        let covariance = centered.t().dot(&centered) / (n as f64 - 1.0);
        let (values, vectors) = symmetric_eigen(&covariance);
        let total: f64 = values.iter().map(|v| v.max(0.0)).sum();
        let mut components = Array2::zeros((self.n_components, d));
        let mut explained_variance = Vec::with_capacity(self.n_components);
        let mut explained_variance_ratio = Vec::with_capacity(self.n_components);
        for (c, &value) in values.iter().enumerate().take(self.n_components) {
            let mut loading = vectors.column(c).to_owned();
            // Largest |loading| positive (first one on a tie, within rounding).
            let biggest = loading.iter().fold(0.0_f64, |m, v| m.max(v.abs()));
            if let Some(pivot) = loading
                .iter()
                .find(|v| v.abs() >= biggest * (1.0 - 1e-9))
                .copied()
            {
                if pivot < 0.0 {
                    loading.mapv_inplace(|v| -v);
                }
            }
            components.row_mut(c).assign(&loading);
            let variance = value.max(0.0);
            explained_variance.push(variance);
            explained_variance_ratio.push(if total > 0.0 { variance / total } else { 0.0 });
        }
        Ok(PcaModel {
            components,
            explained_variance,
            explained_variance_ratio,
            mean: mean.to_vec(),
            names: data.names.clone(),
        })
    }
}

impl PcaModel {
    /// Project rows of a matrix with the fitted features as columns: `n × n_components`.
    /// A matrix with a different number of columns gives an `n × n_components` matrix of NaN.
    pub fn transform(&self, x: &Array2<f64>) -> Array2<f64> {
        let k = self.components.nrows();
        if x.ncols() != self.components.ncols() {
            return Array2::from_elem((x.nrows(), k), f64::NAN);
        }
        let mean = Array1::from(self.mean.clone());
        (x - &mean).dot(&self.components.t())
    }
}

/// Eigenvalues (descending) and unit eigenvectors (columns, same order) of a symmetric matrix,
/// by cyclic Jacobi rotations.
pub fn symmetric_eigen(matrix: &Array2<f64>) -> (Vec<f64>, Array2<f64>) {
    let d = matrix.nrows().min(matrix.ncols());
    let mut a = matrix.slice(ndarray::s![..d, ..d]).to_owned();
    let mut v = Array2::<f64>::eye(d);
    let scale: f64 = a.iter().map(|x| x * x).sum::<f64>().sqrt();
    for _ in 0..MAX_SWEEPS {
        let off: f64 = (0..d)
            .flat_map(|p| (0..d).filter(move |&q| q != p).map(move |q| (p, q)))
            .map(|(p, q)| a[[p, q]] * a[[p, q]])
            .sum::<f64>()
            .sqrt();
        if off.is_nan() || off <= 1e-15 * scale {
            break;
        }
        for p in 0..d {
            for q in p + 1..d {
                let apq = a[[p, q]];
                if apq == 0.0 {
                    continue;
                }
                // Rotation angle that zeroes a[p][q] (Numerical Recipes, §11.1).
                let theta = (a[[q, q]] - a[[p, p]]) / (2.0 * apq);
                let t = theta.signum() / (theta.abs() + (theta * theta + 1.0).sqrt());
                let t = if theta == 0.0 { 1.0 } else { t };
                let c = 1.0 / (t * t + 1.0).sqrt();
                let s = t * c;
                for k in 0..d {
                    let akp = a[[k, p]];
                    let akq = a[[k, q]];
                    a[[k, p]] = c * akp - s * akq;
                    a[[k, q]] = s * akp + c * akq;
                }
                for k in 0..d {
                    let apk = a[[p, k]];
                    let aqk = a[[q, k]];
                    a[[p, k]] = c * apk - s * aqk;
                    a[[q, k]] = s * apk + c * aqk;
                }
                for k in 0..d {
                    let vkp = v[[k, p]];
                    let vkq = v[[k, q]];
                    v[[k, p]] = c * vkp - s * vkq;
                    v[[k, q]] = s * vkp + c * vkq;
                }
            }
        }
    }
    let mut order: Vec<usize> = (0..d).collect();
    order.sort_by(|&i, &j| a[[j, j]].total_cmp(&a[[i, i]]).then(i.cmp(&j)));
    let values = order.iter().map(|&i| a[[i, i]]).collect();
    let vectors = Array2::from_shape_fn((d, d), |(r, c)| v[[r, order[c]]]);
    (values, vectors)
}

/// Name of the noise group in the scatter (DBSCAN's unassigned customers).
pub const NOISE_GROUP: &str = "Noise";

/// The 2-D PCA scatter: one group per segment (named by `segment_names`, "Segment k" beyond
/// them), then "Noise" when some customers have no segment.
///
/// `projected` is [`PcaModel::transform`] of the segment matrix (its first two columns are
/// drawn; one column is drawn against 0), `labels` the segment of each of its rows. Above
/// `max_points` customers a stratified sample seeded by `seed` is drawn. Rows with a
/// non-finite coordinate are left out.
pub fn scatter_chart(
    model: &PcaModel,
    projected: &Array2<f64>,
    labels: &[Option<usize>],
    segment_names: &[String],
    max_points: usize,
    seed: u64,
) -> Chart {
    let n_segments = labels
        .iter()
        .flatten()
        .map(|&s| s + 1)
        .max()
        .unwrap_or(0)
        .max(segment_names.len());
    // Row indices per group; the last group is noise.
    let mut members: Vec<Vec<usize>> = vec![Vec::new(); n_segments + 1];
    let point = |r: usize| -> Option<(f64, f64)> {
        let x = *projected.get((r, 0))?;
        let y = if projected.ncols() > 1 {
            projected[[r, 1]]
        } else {
            0.0
        };
        (x.is_finite() && y.is_finite()).then_some((x, y))
    };
    for (r, label) in labels.iter().enumerate().take(projected.nrows()) {
        if point(r).is_some() {
            members[label.unwrap_or(n_segments)].push(r);
        }
    }
    let total: usize = members.iter().map(Vec::len).sum();
    let quotas = stratified_quotas(
        &members.iter().map(Vec::len).collect::<Vec<_>>(),
        max_points,
    );
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
    let mut groups = Vec::with_capacity(members.len());
    for (g, rows) in members.iter().enumerate() {
        let is_noise = g == n_segments;
        if is_noise && rows.is_empty() {
            continue;
        }
        let mut picked: Vec<usize> = if quotas[g] >= rows.len() {
            rows.clone()
        } else {
            let mut chosen: Vec<usize> = index::sample(&mut rng, rows.len(), quotas[g])
                .into_iter()
                .map(|i| rows[i])
                .collect();
            chosen.sort_unstable();
            chosen
        };
        picked.truncate(quotas[g]);
        let name = if is_noise {
            NOISE_GROUP.to_string()
        } else {
            segment_names
                .get(g)
                .cloned()
                .unwrap_or_else(|| format!("Segment {}", g + 1))
        };
        groups.push(ScatterGroup {
            name,
            points: picked.into_iter().filter_map(point).collect(),
            labels: None,
        });
    }
    let shown: usize = groups.iter().map(|g| g.points.len()).sum();
    let ratio = |c: usize| model.explained_variance_ratio.get(c).copied();
    let variance = match (ratio(0), ratio(1)) {
        (Some(a), Some(b)) => format!("PC1 {}, PC2 {} of variance", percent(a), percent(b)),
        (Some(a), None) => format!("PC1 {} of variance", percent(a)),
        _ => String::new(),
    };
    let count = if shown < total {
        format!(
            "{} of {} customers shown",
            format::thousands(shown as u64),
            format::thousands(total as u64)
        )
    } else {
        format!(
            "{} {}",
            format::thousands(total as u64),
            if total == 1 { "customer" } else { "customers" }
        )
    };
    let subtitle = if variance.is_empty() {
        count
    } else {
        format!("{count} · {variance}")
    };
    let axis = |c: usize| match ratio(c) {
        Some(r) => format!("PC{} ({})", c + 1, percent(r)),
        None => format!("PC{}", c + 1),
    };
    Chart {
        id: "segment:pca".to_string(),
        title: "Segments on the first two principal components".to_string(),
        subtitle,
        kind: ChartKind::Scatter {
            x_label: axis(0),
            y_label: axis(1),
            x_format: ValueFormat::Number,
            y_format: ValueFormat::Number,
            groups,
            x_scale: AxisScale::Linear,
            y_scale: AxisScale::Linear,
            reference: None,
        },
    }
}

/// "41 %": a share in 0…1 as a whole percentage ("0.4 %" below 1 %).
fn percent(share: f64) -> String {
    let p = share * 100.0;
    if p > 0.0 && p < 1.0 {
        format!("{p:.1} %")
    } else {
        format!("{p:.0} %")
    }
}

/// Points to keep per group so that the total is at most `max_points`: all of them when they
/// fit, else shares proportional to the group sizes (largest remainders), each non-empty group
/// at least one point while there is room (the largest groups first).
pub fn stratified_quotas(sizes: &[usize], max_points: usize) -> Vec<usize> {
    let total: usize = sizes.iter().sum();
    if total <= max_points {
        return sizes.to_vec();
    }
    let mut quotas = vec![0usize; sizes.len()];
    let mut by_size: Vec<usize> = (0..sizes.len()).filter(|&g| sizes[g] > 0).collect();
    by_size.sort_by(|&a, &b| sizes[b].cmp(&sizes[a]).then(a.cmp(&b)));
    // One point per non-empty group first, so every segment shows.
    let mut left = max_points;
    for &g in &by_size {
        if left == 0 {
            break;
        }
        quotas[g] = 1;
        left -= 1;
    }
    // The rest in proportion to what each group has beyond its first point.
    let rest_total: usize = (0..sizes.len()).map(|g| sizes[g] - quotas[g]).sum();
    if left > 0 && rest_total > 0 {
        let mut remainders = Vec::with_capacity(sizes.len());
        let mut given = 0;
        for g in 0..sizes.len() {
            let exact = (sizes[g] - quotas[g]) as f64 * left as f64 / rest_total as f64;
            let whole = exact.floor() as usize;
            quotas[g] += whole;
            given += whole;
            remainders.push((exact - whole as f64, g));
        }
        remainders.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        for &(_, g) in remainders.iter().take(left.saturating_sub(given)) {
            if quotas[g] < sizes[g] {
                quotas[g] += 1;
            }
        }
    }
    quotas
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    fn data(matrix: Array2<f64>) -> SegmentData {
        SegmentData::from_standardized(matrix)
    }

    #[test]
    fn jacobi_diagonalises_a_known_matrix() {
        // Eigenvalues of [[2,1],[1,2]] are 3 and 1, eigenvectors (1,1)/√2 and (1,−1)/√2.
        let (values, vectors) = symmetric_eigen(&array![[2.0, 1.0], [1.0, 2.0]]);
        assert!((values[0] - 3.0).abs() < 1e-12);
        assert!((values[1] - 1.0).abs() < 1e-12);
        let h = std::f64::consts::FRAC_1_SQRT_2;
        assert!((vectors[[0, 0]].abs() - h).abs() < 1e-12);
        assert!((vectors[[0, 0]] - vectors[[1, 0]]).abs() < 1e-12);
    }

    #[test]
    fn jacobi_reconstructs_a_symmetric_matrix() {
        let m = array![
            [4.0, 1.0, -2.0, 0.5],
            [1.0, 3.0, 0.0, 1.5],
            [-2.0, 0.0, 5.0, -1.0],
            [0.5, 1.5, -1.0, 2.0]
        ];
        let (values, vectors) = symmetric_eigen(&m);
        let lambda = Array2::from_diag(&Array1::from(values.clone()));
        let back = vectors.dot(&lambda).dot(&vectors.t());
        for (a, b) in back.iter().zip(m.iter()) {
            assert!((a - b).abs() < 1e-10);
        }
        assert!(values.windows(2).all(|w| w[0] >= w[1]));
        // Trace is preserved.
        assert!((values.iter().sum::<f64>() - 14.0).abs() < 1e-10);
    }

    #[test]
    fn bad_parameters_fail_before_fitting() {
        let d = data(array![[1.0, -1.0], [-1.0, 1.0], [0.0, 0.0]]);
        assert_eq!(
            PcaParams { n_components: 3 }.fit(&d),
            Err(PcaError::TooManyComponents {
                requested: 3,
                features: 2
            })
        );
        assert_eq!(
            PcaParams { n_components: 0 }.fit(&d),
            Err(PcaError::NoComponents)
        );
        let nan = data(array![[1.0, f64::NAN], [-1.0, 1.0], [0.0, 0.0]]);
        assert_eq!(PcaParams::default().fit(&nan), Err(PcaError::NotFinite));
    }

    #[test]
    fn sign_puts_the_largest_loading_positive() {
        let d = data(array![[-2.0, -1.0], [2.0, 1.0], [-1.0, 0.0], [1.0, 0.0]]);
        let model = PcaParams::default().fit(&d).unwrap();
        for row in model.components.rows() {
            let big = row.iter().copied().fold(0.0, |m: f64, v| m.max(v.abs()));
            assert!(row.iter().any(|&v| (v - big).abs() < 1e-12));
        }
    }

    #[test]
    fn quotas_keep_every_group_and_the_cap() {
        assert_eq!(stratified_quotas(&[3, 2], 10), vec![3, 2]);
        let q = stratified_quotas(&[9000, 900, 90, 9, 1], 1000);
        assert_eq!(q.iter().sum::<usize>(), 1000);
        assert!(q.iter().all(|&x| x >= 1));
        assert!(q[0] > q[1] && q[1] > q[2]);
        let q = stratified_quotas(&[5, 5, 5], 2);
        assert_eq!(q.iter().sum::<usize>(), 2);
        assert_eq!(stratified_quotas(&[5, 0], 0), vec![0, 0]);
    }
}
