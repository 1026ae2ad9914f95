//! Ward hierarchical, DBSCAN and Gaussian mixture segmentation on standardized features: the
//! Ward quality bar against scikit-learn on Mall_Customers, sampling above the exact limit,
//! determinism, DBSCAN on planted blobs with noise (`tests/fixtures/segment_blobs_noise.csv`),
//! the k-distance curve and the all-noise message, and GMM soft memberships.

mod common;

use custos::core::customer_table::{CustomerTable, FeatureValues};
use custos::core::segment::dbscan::{k_distance, DbscanError, DbscanParams};
use custos::core::segment::gmm::{GmmError, GmmParams};
use custos::core::segment::hierarchical::{SampleInfo, WardParams};
use custos::core::segment::SegmentData;
use ndarray::Array2;
use rand::{Rng, SeedableRng};
use rand_xoshiro::Xoshiro256Plus;

use common::{fixture, ingest_path, load_data};

fn customers(table: custos::core::table::Table) -> CustomerTable {
    CustomerTable::from_table(&table).unwrap().0
}

fn segment_data(customers: &CustomerTable, features: &[&str]) -> SegmentData {
    let names: Vec<String> = features.iter().map(|s| s.to_string()).collect();
    SegmentData::from_table(customers, &names).unwrap()
}

fn mall_income_score() -> SegmentData {
    let table = customers(load_data("Mall_Customers.csv").table);
    segment_data(&table, &["Annual Income (k$)", "Spending Score (1-100)"])
}

/// The planted blobs fixture: the data and the planted group of each row ("blob0"… or "noise").
fn blobs_noise() -> (SegmentData, Vec<String>) {
    let table = customers(ingest_path(&fixture("segment_blobs_noise.csv")).table);
    let planted = match &table.feature("planted").unwrap().values {
        FeatureValues::Categorical { codes, levels } => {
            codes.iter().map(|c| levels[*c as usize].clone()).collect()
        }
        other => panic!("planted is not categorical: {other:?}"),
    };
    (segment_data(&table, &["x", "y"]), planted)
}

/// Mean silhouette (Euclidean), the same definition as scikit-learn's `silhouette_score`.
fn silhouette(matrix: &Array2<f64>, labels: &[usize]) -> f64 {
    let n = matrix.nrows();
    let k = labels.iter().max().unwrap() + 1;
    let mut sizes = vec![0usize; k];
    for &l in labels {
        sizes[l] += 1;
    }
    let mut total = 0.0;
    for i in 0..n {
        let mut sums = vec![0.0; k];
        for j in 0..n {
            if i != j {
                let d: f64 = matrix
                    .row(i)
                    .iter()
                    .zip(matrix.row(j).iter())
                    .map(|(a, b)| (a - b) * (a - b))
                    .sum::<f64>()
                    .sqrt();
                sums[labels[j]] += d;
            }
        }
        let own = labels[i];
        if sizes[own] == 1 {
            continue; // silhouette 0
        }
        let a = sums[own] / (sizes[own] - 1) as f64;
        let b = (0..k)
            .filter(|&c| c != own && sizes[c] > 0)
            .map(|c| sums[c] / sizes[c] as f64)
            .fold(f64::INFINITY, f64::min);
        total += (b - a) / a.max(b);
    }
    total / n as f64
}

#[test]
fn ward_on_mall_income_score_matches_scikit_learn() {
    let data = mall_income_score();
    let model = WardParams::default().fit(&data).unwrap();
    assert_eq!(model.sampled(), None);
    let cut = model.cut(5).unwrap();
    let score = silhouette(&data.matrix, &cut.labels);
    // scikit-learn AgglomerativeClustering(n_clusters=5, linkage="ward"): 0.554.
    assert!(score >= 0.554 - 0.005, "Ward silhouette {score:.4}");
    assert_eq!(cut.centroids.dim(), (5, 2));
    assert_eq!(cut.assign(data.matrix.view()).unwrap().len(), 200);
}

#[test]
fn ward_dendrogram_is_truncated_with_leaf_counts() {
    let data = mall_income_score();
    let model = WardParams::default().fit(&data).unwrap();
    let dendrogram = model.dendrogram(50);
    assert_eq!(dendrogram.merges.len(), 50);
    assert_eq!(dendrogram.leaf_sizes.len(), 51);
    assert_eq!(dendrogram.leaf_sizes.iter().sum::<usize>(), 200);
    let last = dendrogram.merges.last().unwrap();
    assert_eq!(last.size, 200);
    assert!(dendrogram
        .merges
        .windows(2)
        .all(|w| w[0].height <= w[1].height));
    // Every merge refers to leaves or earlier merges.
    for (i, m) in dendrogram.merges.iter().enumerate() {
        assert!(m.left < 51 + i && m.right < 51 + i);
    }
}

fn random_matrix(rows: usize, cols: usize, seed: u64) -> Array2<f64> {
    let mut rng = Xoshiro256Plus::seed_from_u64(seed);
    Array2::from_shape_fn((rows, cols), |(i, _)| {
        // Four shifted groups so the cut means something.
        (i % 4) as f64 * 3.0 + rng.gen_range(-1.0..1.0)
    })
}

#[test]
fn ward_above_the_exact_limit_clusters_a_seeded_sample() {
    let data = SegmentData::from_standardized(random_matrix(20_000, 3, 1));
    let params = WardParams {
        max_exact_rows: 2_000,
        seed: 7,
    };
    let model = params.fit(&data).unwrap();
    assert_eq!(
        model.sampled(),
        Some(SampleInfo {
            used: 2_000,
            total: 20_000
        })
    );
    assert_eq!(model.n_clustered(), 2_000);
    let labels = model.cut(4).unwrap().labels;
    assert_eq!(labels.len(), 20_000);
    // The four planted groups are found: rows i and i + 4 share a segment.
    assert!((0..19_996).all(|i| labels[i] == labels[i + 4]));
    // Same seed, same labels.
    let again = params.fit(&data).unwrap().cut(4).unwrap().labels;
    assert_eq!(labels, again);
}

#[test]
fn ward_rejects_a_bad_k_and_bad_params() {
    let data = mall_income_score();
    let model = WardParams::default().fit(&data).unwrap();
    let message = model.cut(0).unwrap_err().to_string();
    assert_eq!(message, "Choose between 1 and 200 segments (asked for 0).");
    let huge = WardParams {
        max_exact_rows: 200_000,
        ..WardParams::default()
    };
    assert!(huge.fit(&data).is_err());
}

#[test]
fn dbscan_finds_planted_blobs_and_reports_noise() {
    let (data, planted) = blobs_noise();
    let curve = k_distance(&data, 4);
    let eps = curve.suggested_eps.unwrap();
    let model = DbscanParams { eps, min_points: 5 }.fit(&data).unwrap();
    assert_eq!(model.n_clusters, 3, "eps {eps}");
    assert_eq!(model.cluster_sizes.iter().sum::<usize>(), 180);
    let planted_noise = planted.iter().filter(|p| *p == "noise").count();
    assert_eq!(planted_noise, 16);
    assert!((model.noise_share - 16.0 / 196.0).abs() < 1e-12);
    // Each planted blob is exactly one segment; planted noise is noise.
    for (label, group) in model.labels.iter().zip(&planted) {
        if group == "noise" {
            assert_eq!(*label, None);
        } else {
            let first = planted.iter().position(|p| p == group).unwrap();
            assert_eq!(*label, model.labels[first]);
            assert!(label.is_some());
        }
    }
}

#[test]
fn k_distance_is_sorted_descending_with_a_knee() {
    let (data, _) = blobs_noise();
    let curve = k_distance(&data, 4);
    assert_eq!(curve.k, 4);
    assert_eq!(curve.distances.len(), 196);
    assert_eq!(curve.sampled, None);
    assert!(curve.distances.windows(2).all(|w| w[0] >= w[1]));
    let eps = curve.suggested_eps.unwrap();
    assert!(eps > curve.distances[195] && eps < curve.distances[0]);
}

#[test]
fn k_distance_of_large_data_uses_a_seeded_sample_of_query_rows() {
    let data = SegmentData::from_standardized(random_matrix(5_100, 2, 3));
    let curve = k_distance(&data, 3);
    assert_eq!(
        curve.sampled,
        Some(SampleInfo {
            used: 5_000,
            total: 5_100
        })
    );
    assert_eq!(curve.distances.len(), 5_000);
    assert!(curve.distances.windows(2).all(|w| w[0] >= w[1]));
    assert!(curve.suggested_eps.is_some());
}

#[test]
fn dbscan_all_noise_says_how_to_fix_it() {
    let (data, _) = blobs_noise();
    let err = DbscanParams {
        eps: 0.001,
        min_points: 5,
    }
    .fit(&data)
    .unwrap_err();
    let DbscanError::AllNoise { suggested_eps, .. } = &err else {
        panic!("{err:?}");
    };
    let suggested = suggested_eps.unwrap();
    let message = err.to_string();
    assert!(
        message.starts_with(
            "Every customer is noise at eps = 1.00e-3: raise eps (the k-distance plot suggests ≈ "
        ),
        "{message}"
    );
    assert!(
        message.ends_with("or lower min points (now 5)."),
        "{message}"
    );
    assert!(suggested > 0.01, "{message}");
}

#[test]
fn gmm_memberships_sum_to_one_and_labels_are_their_argmax() {
    let (data, _) = blobs_noise();
    let model = GmmParams::new(3).fit(&data).unwrap();
    assert_eq!(model.memberships.dim(), (196, 3));
    for (row, &label) in model.memberships.rows().into_iter().zip(&model.labels) {
        assert!((row.sum() - 1.0).abs() < 1e-9);
        assert!(row.iter().all(|&p| (0.0..=1.0 + 1e-12).contains(&p)));
        assert!(row.iter().all(|&p| p <= row[label]));
    }
    assert!((model.weights().sum() - 1.0).abs() < 1e-9);
    assert_eq!(model.predict(data.matrix.view()).unwrap(), model.labels);
}

#[test]
fn gmm_same_seed_same_labels() {
    let data = mall_income_score();
    let params = GmmParams {
        seed: 11,
        ..GmmParams::new(5)
    };
    let a = params.fit(&data).unwrap();
    let b = params.fit(&data).unwrap();
    assert_eq!(a.labels, b.labels);
    assert_eq!(a.memberships, b.memberships);
}

#[test]
fn gmm_too_many_components_is_a_clear_error() {
    let data = SegmentData::from_standardized(ndarray::array![[0.0, 1.0], [1.0, 0.0], [2.0, 2.0]]);
    let err = GmmParams::new(4).fit(&data).unwrap_err();
    assert!(matches!(err, GmmError::TooManyComponents { .. }));
    assert!(err.to_string().contains("choose fewer components"), "{err}");
}

#[test]
fn gmm_on_identical_customers_fails_with_advice() {
    // Two distinct points repeated: a third component has nothing to describe.
    let matrix = Array2::from_shape_fn((40, 2), |(i, j)| ((i % 2) as f64) * (j as f64 + 1.0));
    let err = GmmParams {
        reg_covariance: 0.0,
        ..GmmParams::new(3)
    }
    .fit(&SegmentData::from_standardized(matrix))
    .unwrap_err();
    assert!(err.to_string().contains("fewer components"), "{err}");
}
