//! Segment profiles, personas and the PCA scatter on a customer table with planted segments.

mod common;

use std::fmt::Write;

use custos::core::customer_table::{CustomerTable, Feature, FeatureValues};
use custos::core::eda::ChartKind;
use custos::core::segment::pca::{scatter_chart, PcaParams};
use custos::core::segment::personas::{name_personas, Persona};
use custos::core::segment::profile::{profile_chart, profile_segments, SegmentProfiles};
use custos::core::segment::SegmentData;
use ndarray::Array2;
use rand::{Rng, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;

const PLANTED: [&str; 4] = ["loyal", "one-time", "lapsed", "new"];
const SIZES: [usize; 4] = [60, 90, 40, 30];
const RFM: [&str; 4] = ["recency_days", "frequency", "monetary", "lifetime_days"];

fn numeric(name: &str, values: Vec<f64>) -> Feature {
    Feature {
        name: name.to_string(),
        description: String::new(),
        values: FeatureValues::Numeric(values),
        meta: Default::default(),
    }
}

/// A transaction-style customer table with four planted groups, in this order: loyal big
/// spenders, one-time buyers, lapsed high-value customers, new customers. Returns the table
/// and each row's planted group.
fn planted_table() -> (CustomerTable, Vec<usize>) {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(7);
    let mut cols: [Vec<f64>; 7] = Default::default();
    let mut groups = Vec::new();
    for (g, &size) in SIZES.iter().enumerate() {
        for _ in 0..size {
            let (recency, frequency, aov, lifetime) = match g {
                0 => {
                    let r = rng.gen_range(1.0..30.0_f64).round();
                    let f = rng.gen_range(10..=25) as f64;
                    (
                        r,
                        f,
                        rng.gen_range(150.0..250.0),
                        rng.gen_range(500.0..700.0_f64),
                    )
                }
                1 => {
                    let r = rng.gen_range(150.0..350.0_f64).round();
                    (r, 1.0, rng.gen_range(20.0..80.0), r)
                }
                2 => {
                    let r = rng.gen_range(250.0..400.0_f64).round();
                    let f = rng.gen_range(6..=14) as f64;
                    (
                        r,
                        f,
                        rng.gen_range(150.0..250.0),
                        rng.gen_range(600.0..720.0_f64),
                    )
                }
                _ => {
                    let r = rng.gen_range(1.0..20.0_f64).round();
                    let f = rng.gen_range(1..=2) as f64;
                    (
                        r,
                        f,
                        rng.gen_range(30.0..120.0),
                        r + rng.gen_range(0.0..10.0_f64),
                    )
                }
            };
            let lifetime = lifetime.round();
            let monetary = (frequency * aov * 100.0).round() / 100.0;
            let tenure = lifetime - recency;
            cols[0].push(recency);
            cols[1].push(frequency);
            cols[2].push(monetary);
            cols[3].push(lifetime);
            cols[4].push(tenure);
            cols[5].push((monetary / frequency * 100.0).round() / 100.0);
            cols[6].push(if frequency > 1.0 {
                tenure / (frequency - 1.0)
            } else {
                f64::NAN
            });
            groups.push(g);
        }
    }
    let names = [
        "recency_days",
        "frequency",
        "monetary",
        "lifetime_days",
        "tenure_days",
        "avg_order_value",
        "avg_days_between_orders",
    ];
    let mut features: Vec<Feature> = names.iter().zip(cols).map(|(n, c)| numeric(n, c)).collect();
    features.push(Feature {
        name: "rfm_segment".to_string(),
        description: String::new(),
        values: FeatureValues::Categorical {
            levels: vec!["Champions".to_string()],
            codes: vec![0; groups.len()],
        },
        meta: Default::default(),
    });
    let table = CustomerTable {
        id_name: "CustomerID".to_string(),
        ids: (1..=groups.len()).map(|i| i.to_string()).collect(),
        features,
    };
    (table, groups)
}

fn planted() -> (CustomerTable, SegmentData, Vec<Option<usize>>) {
    let (table, groups) = planted_table();
    let features: Vec<String> = RFM.iter().map(|s| s.to_string()).collect();
    let data = SegmentData::from_table(&table, &features).unwrap();
    let labels = data.rows.iter().map(|&r| Some(groups[r])).collect();
    (table, data, labels)
}

fn names(personas: &[Persona]) -> Vec<&str> {
    personas.iter().map(|p| p.name.as_str()).collect()
}

#[test]
fn planted_segments_get_the_right_personas() {
    let (table, data, labels) = planted();
    let profiles = profile_segments(&table, &data.rows, &labels, 4);
    let personas = name_personas(&profiles, &data.names);
    assert_eq!(
        names(&personas),
        vec![
            "High-Value Loyalists",
            "One-Time Buyers",
            "At Risk",
            "New Customers"
        ],
        "{personas:#?}"
    );
    for p in &personas {
        assert_eq!(p.label, p.name);
        assert!(!p.rule.is_empty() && !p.action.is_empty());
    }
    // Rules in natural units against all customers, as the profile table shows them.
    assert!(
        personas[0]
            .rule
            .starts_with("mean monetary 3,408.4 = 2.58 × all customers' 1,319.8 (≥ 1.25 ×); "),
        "{}",
        personas[0].rule
    );
    assert!(
        personas[0]
            .rule
            .ends_with("mean recency_days 12.97 = 0.08 × all customers' 166.72 (≤ 0.8 ×)"),
        "{}",
        personas[0].rule
    );
}

#[test]
fn profiles_cover_every_numeric_feature() {
    let (table, data, labels) = planted();
    let profiles = profile_segments(&table, &data.rows, &labels, 4);
    assert_eq!(
        profiles.features,
        vec![
            "recency_days",
            "frequency",
            "monetary",
            "lifetime_days",
            "tenure_days",
            "avg_order_value",
            "avg_days_between_orders"
        ]
    );
    let sizes: Vec<usize> = profiles.segments.iter().map(|s| s.size).collect();
    assert_eq!(sizes, SIZES.to_vec());
    let share: f64 = profiles.segments.iter().map(|s| s.share).sum();
    assert!((share - 1.0).abs() < 1e-12);
    let revenue: f64 = profiles
        .segments
        .iter()
        .map(|s| s.revenue_share.unwrap())
        .sum();
    assert!((revenue - 1.0).abs() < 1e-12);
    // One-time buyers have no time between orders: no mean, not NaN.
    assert_eq!(profiles.segments[1].means[6], None);
    // Size-weighted standardized means average to 0 where every customer has a value.
    for j in 0..6 {
        let weighted: f64 = profiles
            .segments
            .iter()
            .map(|s| s.share * s.standardized_means[j].unwrap())
            .sum();
        assert!(weighted.abs() < 1e-9, "feature {j}: {weighted}");
    }
}

#[test]
fn profile_chart_draws_one_line_per_segment() {
    let (table, data, labels) = planted();
    let profiles = profile_segments(&table, &data.rows, &labels, 4);
    let personas = name_personas(&profiles, &data.names);
    let labels: Vec<String> = personas.iter().map(|p| p.label.clone()).collect();
    let chart = profile_chart(&profiles, &labels, &data.names);
    let ChartKind::Line { x, series, .. } = &chart.kind else {
        panic!("{chart:?}");
    };
    assert_eq!(x, &data.names);
    assert_eq!(series.len(), 4);
    assert_eq!(series[0].name, "High-Value Loyalists");
    assert!(series.iter().all(|s| s.values.len() == 4));
}

/// Two standardized features with sample correlation r: the correlation matrix
/// [[1, r], [r, 1]] has eigenvalues 1 + r and 1 − r with eigenvectors (1, 1)/√2 and
/// (1, −1)/√2, so PC1 explains (1 + r)/2 of the variance.
#[test]
fn pca_of_two_correlated_features_matches_the_closed_form() {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(11);
    let n = 500;
    let x: Vec<f64> = (0..n).map(|_| rng.gen_range(-1.0..1.0)).collect();
    let y: Vec<f64> = x
        .iter()
        .map(|&v| 3.0 * v + 100.0 + rng.gen_range(-1.0..1.0))
        .collect();
    let table = CustomerTable {
        id_name: "id".to_string(),
        ids: (0..n).map(|i| i.to_string()).collect(),
        features: vec![numeric("x", x), numeric("y", y)],
    };
    let data = SegmentData::from_table(&table, &["x".to_string(), "y".to_string()]).unwrap();
    let m = &data.matrix;
    let r = m.column(0).dot(&m.column(1)) / n as f64;
    assert!(r > 0.9, "{r}");
    let model = PcaParams { n_components: 2 }.fit(&data).unwrap();
    let ratio = &model.explained_variance_ratio;
    assert!(
        (ratio[0] - (1.0 + r) / 2.0).abs() < 1e-12,
        "{ratio:?} r={r}"
    );
    assert!((ratio[1] - (1.0 - r) / 2.0).abs() < 1e-12);
    // Covariance with divisor n − 1 (scikit-learn's explained_variance_).
    let scale = n as f64 / (n as f64 - 1.0);
    assert!((model.explained_variance[0] - (1.0 + r) * scale).abs() < 1e-12);
    let h = std::f64::consts::FRAC_1_SQRT_2;
    let c = &model.components;
    assert!((c[[0, 0]] - h).abs() < 1e-12 && (c[[0, 1]] - h).abs() < 1e-12);
    assert!((c[[1, 0]] - h).abs() < 1e-12 && (c[[1, 1]] + h).abs() < 1e-12);
}

#[test]
fn pca_variance_adds_up_and_projections_carry_it() {
    let (_, data, _) = planted();
    let d = data.names.len();
    let full = PcaParams { n_components: d }.fit(&data).unwrap();
    let total: f64 = full.explained_variance_ratio.iter().sum();
    assert!((total - 1.0).abs() < 1e-12, "{total}");
    // Standardized features: total variance = d · n/(n − 1).
    let n = data.n_rows() as f64;
    let variance: f64 = full.explained_variance.iter().sum();
    assert!((variance - d as f64 * n / (n - 1.0)).abs() < 1e-9);
    assert!(full
        .explained_variance_ratio
        .windows(2)
        .all(|w| w[0] >= w[1]));
    // Orthonormal components.
    let gram = full.components.dot(&full.components.t());
    for i in 0..d {
        for j in 0..d {
            let expected = if i == j { 1.0 } else { 0.0 };
            assert!((gram[[i, j]] - expected).abs() < 1e-10);
        }
    }
    let two = PcaParams::default().fit(&data).unwrap();
    assert!(two.explained_variance_ratio.iter().sum::<f64>() <= 1.0);
    assert_eq!(
        two.explained_variance_ratio[..],
        full.explained_variance_ratio[..2]
    );
    // The projected scores have the explained variance as their variance.
    let projected = two.transform(&data.matrix);
    assert_eq!(projected.dim(), (data.n_rows(), 2));
    for c in 0..2 {
        let col = projected.column(c);
        let mean = col.sum() / n;
        let var = col.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1.0);
        assert!(mean.abs() < 1e-9);
        assert!((var - two.explained_variance[c]).abs() < 1e-9);
    }
    // A matrix with other columns projects to NaN instead of panicking.
    assert!(two
        .transform(&Array2::zeros((3, 5)))
        .iter()
        .all(|v| v.is_nan()));
}

#[test]
fn scatter_sample_keeps_the_cap_and_every_segment() {
    let (_, data, mut labels) = planted();
    labels[5] = None;
    labels[100] = None;
    let model = PcaParams::default().fit(&data).unwrap();
    let projected = model.transform(&data.matrix);
    let names = vec!["Loyal".to_string(), "One-time".to_string()];
    let chart = scatter_chart(&model, &projected, &labels, &names, 50, 3);
    let ChartKind::Scatter {
        groups, x_label, ..
    } = &chart.kind
    else {
        panic!("{chart:?}");
    };
    let group_names: Vec<&str> = groups.iter().map(|g| g.name.as_str()).collect();
    assert_eq!(
        group_names,
        vec!["Loyal", "One-time", "Segment 3", "Segment 4", "Noise"]
    );
    let shown: usize = groups.iter().map(|g| g.points.len()).sum();
    assert_eq!(shown, 50);
    assert!(groups.iter().all(|g| !g.points.is_empty()));
    let pc = |c: usize| (model.explained_variance_ratio[c] * 100.0).round();
    assert_eq!(
        chart.subtitle,
        format!(
            "50 of 220 customers shown · PC1 {} %, PC2 {} % of variance",
            pc(0),
            pc(1)
        )
    );
    assert_eq!(x_label, &format!("PC1 ({} %)", pc(0)));
    // Same seed, same picture; all points when they fit.
    assert_eq!(
        chart,
        scatter_chart(&model, &projected, &labels, &names, 50, 3)
    );
    let all = scatter_chart(&model, &projected, &labels, &names, 5_000, 3);
    assert!(all.subtitle.starts_with("220 customers · PC1"));
}

#[test]
fn scatter_of_a_large_table_says_how_many_are_shown() {
    let n = 45_211;
    let projected = Array2::from_shape_fn((n, 2), |(i, j)| (i * (j + 1) % 97) as f64);
    let labels: Vec<Option<usize>> = (0..n).map(|i| Some(usize::from(i % 10 == 0))).collect();
    let data = SegmentData {
        names: vec!["a".to_string(), "b".to_string()],
        matrix: projected.clone(),
        rows: (0..n).collect(),
        means: vec![0.0; 2],
        sds: vec![1.0; 2],
    };
    let model = PcaParams::default().fit(&data).unwrap();
    let chart = scatter_chart(&model, &projected, &labels, &[], 5_000, 1);
    assert!(
        chart
            .subtitle
            .starts_with("5,000 of 45,211 customers shown · PC1 "),
        "{}",
        chart.subtitle
    );
    let ChartKind::Scatter { groups, .. } = &chart.kind else {
        panic!("{chart:?}");
    };
    // Stratified: each segment's share of the points is its share of the customers (±1).
    let sizes = [n - n.div_ceil(10), n.div_ceil(10)];
    for (group, size) in groups.iter().zip(sizes) {
        let expected = 5_000.0 * size as f64 / n as f64;
        assert!((group.points.len() as f64 - expected).abs() <= 1.0);
    }
    assert_eq!(groups.iter().map(|g| g.points.len()).sum::<usize>(), 5_000);
}

#[test]
fn odd_input_never_panics() {
    let (table, data, labels) = planted();
    // An empty fifth segment, labels longer than rows, rows outside the table.
    let mut rows = data.rows.clone();
    rows.push(10_000);
    let mut long_labels = labels.clone();
    long_labels.push(Some(1));
    long_labels.push(Some(2));
    let profiles = profile_segments(&table, &rows, &long_labels, 5);
    assert_eq!(profiles.segments.len(), 5);
    assert_eq!(profiles.segments[4].size, 0);
    let personas = name_personas(&profiles, &data.names);
    assert_eq!(personas[4].name, "Empty Segment");
    let chart = profile_chart(&profiles, &[], &["no such feature".to_string()]);
    assert!(matches!(chart.kind, ChartKind::Line { ref x, .. } if x.is_empty()));

    // A single all-NaN feature, everyone noise.
    let nan_table = CustomerTable {
        id_name: "id".to_string(),
        ids: vec!["a".to_string(), "b".to_string()],
        features: vec![numeric("score", vec![f64::NAN, f64::NAN])],
    };
    let profiles = profile_segments(&nan_table, &[0, 1], &[None, None], 0);
    assert_eq!(profiles.n_noise, 2);
    assert!(name_personas(&profiles, &[]).is_empty());
    let profiles = profile_segments(&nan_table, &[0, 1], &[Some(0), Some(0)], 1);
    assert_eq!(profiles.segments[0].means, vec![None]);
    assert_eq!(name_personas(&profiles, &[])[0].name, "Average Customers");

    // No customers at all.
    let empty = profile_segments(&CustomerTable::default(), &[], &[], 2);
    assert_eq!(empty.segments.len(), 2);
    assert_eq!(name_personas(&empty, &[])[1].name, "Empty Segment (2)");

    // Scatter with no rows, a NaN point, and more labels than points.
    let model = PcaParams::default().fit(&data).unwrap();
    let mut projected = model.transform(&data.matrix);
    projected[[0, 0]] = f64::NAN;
    let chart = scatter_chart(&model, &projected, &long_labels, &[], 0, 1);
    let ChartKind::Scatter { groups, .. } = &chart.kind else {
        panic!("{chart:?}");
    };
    assert_eq!(groups.iter().map(|g| g.points.len()).sum::<usize>(), 0);
    let chart = scatter_chart(&model, &Array2::zeros((0, 2)), &[], &[], 10, 1);
    assert!(chart.subtitle.starts_with("0 customers"));
}

fn golden_text(profiles: &SegmentProfiles, personas: &[Persona]) -> String {
    let mut out = String::new();
    let opt = |v: Option<f64>| v.map_or("-".to_string(), |v| format!("{v:.4}"));
    writeln!(
        out,
        "customers {} · noise {}",
        profiles.n_customers, profiles.n_noise
    )
    .unwrap();
    for (j, f) in profiles.features.iter().enumerate() {
        writeln!(
            out,
            "all {f}: mean {} median {} sd {} · read by its {}",
            opt(profiles.overall_means[j]),
            opt(profiles.overall_medians[j]),
            opt(profiles.overall_sds[j]),
            profiles.statistic(j).label()
        )
        .unwrap();
    }
    for (s, p) in profiles.segments.iter().zip(personas) {
        writeln!(
            out,
            "\nsegment {} ({}) · {}: size {} · share {:.4} · revenue share {}",
            s.segment,
            PLANTED[s.segment],
            p.name,
            s.size,
            s.share,
            opt(s.revenue_share)
        )
        .unwrap();
        for (j, f) in profiles.features.iter().enumerate() {
            writeln!(
                out,
                "  {f}: mean {} median {} z {}",
                opt(s.means[j]),
                opt(s.medians[j]),
                opt(s.standardized_means[j])
            )
            .unwrap();
        }
        writeln!(out, "  rule: {}", p.rule).unwrap();
        writeln!(out, "  action: {}", p.action).unwrap();
    }
    out
}

#[test]
fn golden_profiles_and_personas() {
    let (table, data, labels) = planted();
    let profiles = profile_segments(&table, &data.rows, &labels, 4);
    let personas = name_personas(&profiles, &data.names);
    common::check_golden(
        "segment_personas.planted.txt",
        &golden_text(&profiles, &personas),
    );
}

/// Mall_Customers, income + score: the two features are nearly uncorrelated (r = 0.0099, the
/// figure every Mall notebook prints), so PC1 explains (1 + r)/2 ≈ 50.5 % of the variance. The
/// five well-known groups, cut by hand on income and score, are named from their distinctive
/// features, since the file has no RFM columns.
#[test]
fn mall_customers_get_names_from_their_distinctive_features() {
    let table = common::load_data("Mall_Customers.csv").table;
    let (customers, _) = CustomerTable::from_table(&table).unwrap();
    let features = vec![
        "Annual Income (k$)".to_string(),
        "Spending Score (1-100)".to_string(),
    ];
    let data = SegmentData::from_table(&customers, &features).unwrap();
    let model = PcaParams::default().fit(&data).unwrap();
    let ratio = &model.explained_variance_ratio;
    assert!((ratio[0] - 0.50495).abs() < 1e-4, "{ratio:?}");
    assert!((ratio[0] + ratio[1] - 1.0).abs() < 1e-12);

    let labels: Vec<Option<usize>> = (0..data.n_rows())
        .map(|i| {
            let (income, score) = (
                data.matrix[[i, 0]] * data.sds[0] + data.means[0],
                data.matrix[[i, 1]] * data.sds[1] + data.means[1],
            );
            Some(match (income, score) {
                (i, s) if i >= 70.0 && s < 40.0 => 0,
                (i, s) if i >= 70.0 && s >= 60.0 => 1,
                (i, s) if i < 40.0 && s < 40.0 => 2,
                (i, s) if i < 40.0 && s >= 60.0 => 3,
                _ => 4,
            })
        })
        .collect();
    let profiles = profile_segments(&customers, &data.rows, &labels, 5);
    assert_eq!(
        profiles.features,
        ["Age", "Annual Income (k$)", "Spending Score (1-100)"]
    );
    assert!(profiles.segments.iter().all(|s| s.revenue_share.is_none()));
    let personas = name_personas(&profiles, &features);
    assert_eq!(
        names(&personas),
        [
            "High Annual Income, Low Spending Score",
            "High Annual Income, High Spending Score",
            "Low Annual Income, Low Spending Score",
            "Low Annual Income, High Spending Score",
            "Average Customers",
        ],
        "{personas:#?}"
    );
    assert!(
        personas[0]
            .rule
            .starts_with("mean Annual Income (k$) 87.30 vs all customers' 60.56 (+1.0 sd,"),
        "{}",
        personas[0].rule
    );
}
