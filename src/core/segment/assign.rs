//! Placing customers in the segments of a finished segmentation: the segment each customer of
//! another table with the same features (the customers as of an earlier date, say) would join.
//!
//! The rule is the nearest segment centre in the space the segments were found in: the same
//! log transforms, the same means and standard deviations, each centre the mean of its
//! segment's customers there. That is K-means' own assignment; for Ward's tree and a Gaussian
//! mixture it is the usual approximation (a mixture also weighs its components' spreads).
//! DBSCAN's segments are shapes of density without a centre, so they are not assigned.
//!
//! Pure Rust: no web-sys.

use crate::core::customer_table::{CustomerTable, FeatureValues};
use crate::core::segment::run::{Algorithm, Segmentation};

/// The customers cannot be placed in the segments; the message says why.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum AssignError {
    #[error(
        "{0} segments have no centre to place other customers by (they follow the density of \
         the data): segment with K-means, Ward or a Gaussian mixture to use the segment there"
    )]
    NoCentres(&'static str),
    #[error(
        "the customers to place have no numeric feature '{0}', which the segments were found on"
    )]
    MissingFeature(String),
}

/// The segment (index into the segmentation's segments) of every row of `table`, a table with
/// the features the segmentation was found on, in the same units as the table it segmented;
/// `None` for a row missing one of them.
pub fn assign(
    segmentation: &Segmentation,
    table: &CustomerTable,
) -> Result<Vec<Option<usize>>, AssignError> {
    if segmentation.params.algorithm == Algorithm::Dbscan {
        return Err(AssignError::NoCentres(Algorithm::Dbscan.label()));
    }
    let data = &segmentation.data;
    let mut columns: Vec<&[f64]> = Vec::with_capacity(data.names.len());
    for name in &data.names {
        match table.feature(name).map(|f| &f.values) {
            Some(FeatureValues::Numeric(values)) => columns.push(values),
            _ => return Err(AssignError::MissingFeature(name.clone())),
        }
    }
    let centres = centres(segmentation);
    let logged: Vec<bool> = data
        .names
        .iter()
        .map(|name| segmentation.log_features.contains(name))
        .collect();
    let mut point = vec![0.0; columns.len()];
    Ok((0..table.n_rows())
        .map(|row| {
            for (j, column) in columns.iter().enumerate() {
                let raw = column.get(row).copied().unwrap_or(f64::NAN);
                let x = if logged[j] { raw.ln_1p() } else { raw };
                let (mean, sd) = (data.means[j], data.sds[j]);
                point[j] = (x - mean) / sd;
            }
            if !point.iter().all(|x| x.is_finite()) {
                return None;
            }
            nearest(&centres, &point)
        })
        .collect())
}

/// Mean of each segment's rows in the standardized space (an empty segment has no centre).
fn centres(segmentation: &Segmentation) -> Vec<Option<Vec<f64>>> {
    let data = &segmentation.data;
    let d = data.names.len();
    let mut sums = vec![vec![0.0; d]; segmentation.k];
    let mut counts = vec![0usize; segmentation.k];
    for (row, label) in data.matrix.rows().into_iter().zip(&segmentation.labels) {
        let Some(s) = *label else { continue };
        let (Some(sum), Some(count)) = (sums.get_mut(s), counts.get_mut(s)) else {
            continue;
        };
        for (acc, x) in sum.iter_mut().zip(row) {
            *acc += x;
        }
        *count += 1;
    }
    sums.into_iter()
        .zip(counts)
        .map(|(sum, n)| (n > 0).then(|| sum.iter().map(|s| s / n as f64).collect()))
        .collect()
}

/// The segment whose centre is nearest (squared Euclidean distance; ties: the lower segment).
fn nearest(centres: &[Option<Vec<f64>>], point: &[f64]) -> Option<usize> {
    let mut best: Option<(usize, f64)> = None;
    for (s, centre) in centres.iter().enumerate() {
        let Some(centre) = centre else { continue };
        let d2: f64 = centre
            .iter()
            .zip(point)
            .map(|(c, x)| (c - x) * (c - x))
            .sum();
        if best.is_none_or(|(_, b)| d2 < b) {
            best = Some((s, d2));
        }
    }
    best.map(|(s, _)| s)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::customer_table::Feature;
    use crate::core::segment::run::{segment, SegmentParams};

    fn table(rows: &[(f64, f64)]) -> CustomerTable {
        let column = |name: &str, pick: fn(&(f64, f64)) -> f64| Feature {
            name: name.to_string(),
            description: String::new(),
            values: FeatureValues::Numeric(rows.iter().map(pick).collect()),
            meta: Default::default(),
        };
        CustomerTable {
            id_name: "id".to_string(),
            ids: (0..rows.len()).map(|i| format!("c{i}")).collect(),
            features: vec![column("spend", |r| r.0), column("visits", |r| r.1)],
        }
    }

    fn two_groups() -> CustomerTable {
        let rows: Vec<(f64, f64)> = (0..40)
            .map(|i| {
                let wiggle = (i % 5) as f64;
                if i < 25 {
                    (10.0 + wiggle, 1.0 + wiggle / 10.0)
                } else {
                    (500.0 + wiggle, 9.0 + wiggle / 10.0)
                }
            })
            .collect();
        table(&rows)
    }

    fn params(algorithm: Algorithm) -> SegmentParams {
        SegmentParams {
            features: vec!["spend".to_string(), "visits".to_string()],
            log_skewed: false,
            algorithm,
            k: Some(2),
            k_min: 2,
            k_max: 3,
            ..SegmentParams::default()
        }
    }

    #[test]
    fn new_customers_join_the_segment_whose_centre_is_nearest() {
        let fitted = segment(&two_groups(), params(Algorithm::KMeans), &mut |_, _| {}).unwrap();
        // Segment 0 is the larger (the 25 low spenders).
        assert_eq!(fitted.labels[0], Some(0));
        let new = table(&[(12.0, 1.5), (480.0, 8.0), (200.0, 4.0), (f64::NAN, 3.0)]);
        // 200 / 4 standardizes nearer the low spenders' centre.
        assert_eq!(
            assign(&fitted, &new).unwrap(),
            vec![Some(0), Some(1), Some(0), None]
        );
        let mut other = new.clone();
        other.features.truncate(1);
        assert_eq!(
            assign(&fitted, &other).unwrap_err(),
            AssignError::MissingFeature("visits".to_string())
        );
    }

    #[test]
    fn density_segments_have_no_centre() {
        let dbscan = SegmentParams {
            eps: Some(1.0),
            min_points: 3,
            ..params(Algorithm::Dbscan)
        };
        let fitted = segment(&two_groups(), dbscan, &mut |_, _| {}).unwrap();
        let err = assign(&fitted, &two_groups()).unwrap_err();
        assert_eq!(err, AssignError::NoCentres("DBSCAN"));
        assert!(err.to_string().contains("K-means"));
    }
}
