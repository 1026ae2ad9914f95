//! Charts of the Segment step that are built from segmentation results: the per-customer
//! silhouette plot, the Ward dendrogram and DBSCAN's k-distance curve.
//!
//! Each builder turns a result of this module's algorithms into a [`Chart`] small enough to
//! send to the UI (at most a couple of thousand numbers): long sorted curves are thinned to
//! evenly spaced order statistics, which keeps their shape, while sizes and means stay exact.
//! Builders never panic: empty input gives a chart with no data (the UI says so), NaN values
//! are left out, and labels or names beyond the given ones are filled in.
//!
//! Pure Rust: depends on `core::eda` (the chart model) and the segment results, never on
//! web-sys or the charts drawing code.

use super::dbscan::KDistance;
use super::hierarchical::{Dendrogram, SampleInfo};
use super::metrics::SilhouetteSamples;
use crate::core::eda::{
    Chart, ChartKind, DendrogramLink, LineSeries, SilhouetteGroup, ValueFormat,
};
use crate::core::format;

/// About this many silhouette values in all are kept, shared between segments by size.
pub const SILHOUETTE_MAX_VALUES: usize = 1_500;
/// Fewest values kept for a segment (when it has that many), however small it is.
pub const SILHOUETTE_MIN_VALUES: usize = 30;
/// Most points of the k-distance curve.
pub const K_DISTANCE_MAX_POINTS: usize = 200;

/// `sorted` thinned to at most `cap` evenly spaced order statistics (the first and last always
/// kept, the order unchanged); `sorted` itself when it is short enough.
fn order_statistics(sorted: &[f64], cap: usize) -> Vec<f64> {
    let n = sorted.len();
    if n <= cap {
        return sorted.to_vec();
    }
    if cap < 2 {
        return sorted.iter().take(cap).copied().collect();
    }
    (0..cap)
        .filter_map(|i| {
            let at = (i as f64 * (n - 1) as f64 / (cap - 1) as f64).round() as usize;
            sorted.get(at.min(n - 1)).copied()
        })
        .collect()
}

/// The 1-based ranks at which a curve of `n` sorted values is drawn with at most `cap` points
/// (`cap` ≥ 3): rank 1, every `s`-th rank and rank `n`, for the smallest round step `s` (1, 2,
/// 4, 5, 10, 20, 25, 50, 100, …) that fits. Round steps keep the axis labels round once the
/// chart thins them; no step is more than twice the one before, so above `cap` values there
/// are always more than `cap / 2` points.
fn round_ranks(n: usize, cap: usize) -> Vec<usize> {
    let cap = cap.max(3);
    if n <= cap {
        return (1..=n).collect();
    }
    let steps =
        [1, 2, 4, 5]
            .into_iter()
            .chain((1..19).map(|e| 10usize.saturating_pow(e)).flat_map(|m| {
                [
                    m,
                    m.saturating_mul(2),
                    (m / 2).saturating_mul(5),
                    m.saturating_mul(5),
                ]
            }));
    let step = steps
        .filter(|&s| s > 0)
        .find(|&s| n / s + 2 <= cap)
        .unwrap_or(n);
    let mut ranks = vec![1];
    ranks.extend((1..=n / step).map(|j| j * step).filter(|&r| r > 1));
    if ranks.last() != Some(&n) {
        ranks.push(n);
    }
    ranks
}

fn mean(values: &[f64]) -> f64 {
    if values.is_empty() {
        0.0
    } else {
        values.iter().sum::<f64>() / values.len() as f64
    }
}

fn customers(n: usize) -> String {
    format!(
        "{} {}",
        format::thousands(n as u64),
        if n == 1 { "customer" } else { "customers" }
    )
}

/// A silhouette or distance for a subtitle: two decimals, at least two significant digits.
fn short(x: f64) -> String {
    if x != 0.0 && x.abs() < 0.01 {
        format!("{x:.1e}")
    } else {
        format!("{x:.2}")
    }
}

/// The silhouette plot: each segment's silhouette values sorted descending, one block per
/// segment, id `segment:silhouette`.
///
/// `samples` comes from [`super::metrics::silhouette_samples`]; its `rows` index `labels`
/// (one segment per data row), and `names[s]` names segment `s` ("Segment s+1" for segments
/// beyond `names`). Each segment keeps about [`SILHOUETTE_MAX_VALUES`] × its share of values
/// (at least [`SILHOUETTE_MIN_VALUES`]) as evenly spaced order statistics; its size and mean
/// are exact. Rows without a label and NaN values are left out.
pub fn silhouette_chart(samples: &SilhouetteSamples, labels: &[usize], names: &[String]) -> Chart {
    let mut by_segment: Vec<Vec<f64>> = vec![Vec::new(); names.len()];
    for (&row, &value) in samples.rows.iter().zip(&samples.values) {
        let Some(&segment) = labels.get(row) else {
            continue;
        };
        if !value.is_finite() {
            continue;
        }
        // Labels far beyond the names would be a caller bug: cap the groups created for them.
        if segment >= by_segment.len() {
            if segment > names.len() + 1_000 {
                continue;
            }
            by_segment.resize_with(segment + 1, Vec::new);
        }
        if let Some(values) = by_segment.get_mut(segment) {
            values.push(value);
        }
    }
    let total: usize = by_segment.iter().map(Vec::len).sum();
    let overall = if total == 0 {
        0.0
    } else {
        by_segment.iter().flatten().sum::<f64>() / total as f64
    };
    let segments: Vec<SilhouetteGroup> = by_segment
        .into_iter()
        .enumerate()
        .map(|(s, mut values)| {
            values.sort_unstable_by(|a, b| b.total_cmp(a));
            let size = values.len();
            let share = SILHOUETTE_MAX_VALUES as f64 * size as f64 / total.max(1) as f64;
            let cap = (share.round() as usize).max(SILHOUETTE_MIN_VALUES);
            SilhouetteGroup {
                name: names
                    .get(s)
                    .cloned()
                    .unwrap_or_else(|| format!("Segment {}", s + 1)),
                size,
                mean: mean(&values),
                values: order_statistics(&values, cap),
            }
        })
        .collect();
    let measured = match samples.sample_size {
        Some(n) => format!(
            "silhouette on a random sample of {} (of {})",
            customers(n),
            format::thousands(labels.len() as u64)
        ),
        None => format!("{} measured", customers(total)),
    };
    Chart {
        id: "segment:silhouette".to_string(),
        title: "Silhouette: how well each customer fits its segment".to_string(),
        subtitle: format!(
            "{measured} · mean {} · near 1 = well inside its segment, below 0 = closer to another",
            short(overall)
        ),
        kind: ChartKind::Silhouette {
            x_label: "Silhouette coefficient".to_string(),
            segments,
            mean: overall,
        },
    }
}

/// The height of a cut into `k` segments: midway between the last merge performed (index
/// `len − k`) and the first one not performed (`len − k + 1`); `None` unless `2 ≤ k ≤ len`
/// and both heights are finite.
fn cut_height(merges: &[DendrogramLink], k: usize) -> Option<f64> {
    let len = merges.len();
    if k < 2 || k > len {
        return None;
    }
    let below = merges.get(len - k)?.height;
    let above = merges.get(len - k + 1)?.height;
    let mid = (below + above) / 2.0;
    mid.is_finite().then_some(mid)
}

/// The dendrogram of a Ward hierarchy (see [`super::hierarchical::WardModel::dendrogram`]),
/// cut into `k` segments when `k` is given, id `segment:dendrogram`. `sampled` is the model's
/// sample, for the subtitle.
pub fn dendrogram_chart(d: &Dendrogram, k: Option<usize>, sampled: Option<SampleInfo>) -> Chart {
    let merges: Vec<DendrogramLink> = d
        .merges
        .iter()
        .map(|m| DendrogramLink {
            left: m.left,
            right: m.right,
            height: m.height,
            size: m.size,
        })
        .collect();
    let cut = k.and_then(|k| cut_height(&merges, k));
    let clustered: usize = d.leaf_sizes.iter().sum();
    let on = match sampled {
        Some(s) => format!(
            "Ward linkage on a random sample of {} of {}",
            format::thousands(s.used as u64),
            customers(s.total)
        ),
        None => format!("Ward linkage on {}", customers(clustered)),
    };
    let top = if d.leaf_sizes.iter().any(|&s| s > 1) {
        format!(
            " · top {} merges, (n) = customers under a branch",
            format::thousands(merges.len() as u64)
        )
    } else {
        String::new()
    };
    let cut_note = match (k, cut) {
        (Some(k), Some(_)) => format!(" · cut into {k} segments"),
        _ => String::new(),
    };
    Chart {
        id: "segment:dendrogram".to_string(),
        title: "Dendrogram: how customers merge into segments".to_string(),
        subtitle: format!("{on}{top}{cut_note}"),
        kind: ChartKind::Dendrogram {
            y_label: "Ward merge height".to_string(),
            leaf_sizes: d.leaf_sizes.clone(),
            merges,
            cut_height: cut,
        },
    }
}

/// DBSCAN's k-distance curve as a line chart, id `segment:k_distance`: each customer's
/// distance to its k-th nearest neighbour, customers sorted by it (largest first), thinned to
/// at most [`K_DISTANCE_MAX_POINTS`] points at round ranks (x = the ranks: 1, 10, 20, …), with
/// `eps` (the chosen one) and the suggested eps as flat lines.
pub fn k_distance_chart(kd: &KDistance, eps: Option<f64>) -> Chart {
    let mut distances: Vec<f64> = kd
        .distances
        .iter()
        .copied()
        .filter(|d| d.is_finite())
        .collect();
    // Already descending; sorting again costs little and makes it a guarantee.
    distances.sort_unstable_by(|a, b| b.total_cmp(a));
    let ranks = round_ranks(distances.len(), K_DISTANCE_MAX_POINTS);
    let values: Vec<Option<f64>> = ranks
        .iter()
        .map(|&r| distances.get(r - 1).copied())
        .collect();
    let x: Vec<String> = ranks.iter().map(|&r| format::thousands(r as u64)).collect();
    let eps = eps.filter(|e| e.is_finite());
    let suggested = kd.suggested_eps.filter(|e| e.is_finite());
    let level = |v: f64| vec![Some(v); x.len()];
    let mut series = vec![LineSeries {
        name: format!("Distance to {}", neighbour(kd.k)),
        values,
        dashed: false,
    }];
    if let Some(e) = eps {
        series.push(LineSeries {
            name: format!("eps = {} (chosen)", short(e)),
            values: level(e),
            dashed: false,
        });
    }
    if let Some(s) = suggested {
        let same = eps.is_some_and(|e| (e - s).abs() <= 1e-9 * s.abs().max(1.0));
        if !same {
            series.push(LineSeries {
                name: format!("Suggested eps ≈ {} (the knee)", short(s)),
                values: level(s),
                dashed: false,
            });
        }
    }
    let on = match kd.sampled {
        Some(s) => format!(
            "a random sample of {} of {}",
            format::thousands(s.used as u64),
            customers(s.total)
        ),
        None => customers(distances.len()),
    };
    let hint = match suggested {
        Some(s) => format!(" · suggested eps ≈ {} where the curve bends", short(s)),
        None => String::new(),
    };
    Chart {
        id: "segment:k_distance".to_string(),
        title: format!(
            "k-distance: distance to each customer's {}",
            neighbour(kd.k)
        ),
        subtitle: format!("k = {} · {on}{hint}", kd.k),
        kind: ChartKind::Line {
            x_label: "Customers, sorted by k-distance (largest first)".to_string(),
            y_label: "k-distance".to_string(),
            y_format: ValueFormat::Number,
            x,
            series,
            x_notes: None,
            x_marker: None,
        },
    }
}

/// "4th nearest neighbour".
fn neighbour(k: usize) -> String {
    let suffix = match (k % 10, k % 100) {
        (1, n) if n != 11 => "st",
        (2, n) if n != 12 => "nd",
        (3, n) if n != 13 => "rd",
        _ => "th",
    };
    format!("{k}{suffix} nearest neighbour")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::segment::hierarchical::DendrogramMerge;

    fn names(n: usize) -> Vec<String> {
        (0..n).map(|i| format!("S{i}")).collect()
    }

    fn silhouette_groups(chart: &Chart) -> (&[SilhouetteGroup], f64) {
        match &chart.kind {
            ChartKind::Silhouette { segments, mean, .. } => (segments, *mean),
            _ => panic!("not a silhouette chart"),
        }
    }

    #[test]
    fn silhouette_groups_sorts_and_keeps_exact_sizes_and_means() {
        // 4,000 rows: segment 0 gets every 4th row, segment 1 the rest.
        let n = 4_000;
        let labels: Vec<usize> = (0..n).map(|i| usize::from(i % 4 != 0)).collect();
        let values: Vec<f64> = (0..n)
            .map(|i| ((i * 37) % 201) as f64 / 100.0 - 1.0)
            .collect();
        let samples = SilhouetteSamples {
            rows: (0..n).collect(),
            values: values.clone(),
            sample_size: None,
        };
        let chart = silhouette_chart(&samples, &labels, &names(2));
        assert_eq!(chart.id, "segment:silhouette");
        assert!(chart.subtitle.starts_with("4,000 customers measured"));
        let (segments, overall) = silhouette_groups(&chart);
        assert_eq!(segments.len(), 2);
        assert_eq!((segments[0].size, segments[1].size), (1_000, 3_000));
        assert_eq!(segments[0].values.len(), 375);
        assert_eq!(segments[1].values.len(), 1_125);
        for (s, group) in segments.iter().enumerate() {
            let own: Vec<f64> = (0..n)
                .filter(|&i| labels[i] == s)
                .map(|i| values[i])
                .collect();
            assert!((group.mean - mean(&own)).abs() < 1e-12);
            assert!(group.values.windows(2).all(|w| w[0] >= w[1]));
            let max = own.iter().copied().fold(f64::MIN, f64::max);
            let min = own.iter().copied().fold(f64::MAX, f64::min);
            assert_eq!(group.values.first(), Some(&max));
            assert_eq!(group.values.last(), Some(&min));
        }
        assert!((overall - mean(&values)).abs() < 1e-12);
    }

    #[test]
    fn small_segments_keep_at_least_thirty_values() {
        let n = 3_000;
        let labels: Vec<usize> = (0..n).map(|i| usize::from(i < 40)).collect();
        let samples = SilhouetteSamples {
            rows: (0..n).collect(),
            values: (0..n).map(|i| i as f64 / n as f64).collect(),
            sample_size: None,
        };
        let chart = silhouette_chart(&samples, &labels, &names(2));
        let (segments, _) = silhouette_groups(&chart);
        assert_eq!(segments[1].size, 40);
        assert_eq!(segments[1].values.len(), 30);
    }

    #[test]
    fn silhouette_on_a_sample_says_so_and_follows_rows() {
        let labels = vec![0, 1, 1, 0, 1, 0];
        let samples = SilhouetteSamples {
            rows: vec![1, 3, 5],
            values: vec![0.5, 0.25, f64::NAN],
            sample_size: Some(3),
        };
        let chart = silhouette_chart(&samples, &labels, &names(2));
        assert!(chart
            .subtitle
            .contains("silhouette on a random sample of 3 customers (of 6)"));
        let (segments, overall) = silhouette_groups(&chart);
        // Row 5's NaN is left out.
        assert_eq!(segments[0].values, vec![0.25]);
        assert_eq!(segments[1].values, vec![0.5]);
        assert!((overall - 0.375).abs() < 1e-12);
    }

    #[test]
    fn silhouette_odd_inputs_do_not_panic() {
        let empty = SilhouetteSamples {
            rows: Vec::new(),
            values: Vec::new(),
            sample_size: None,
        };
        let chart = silhouette_chart(&empty, &[], &names(3));
        let (segments, overall) = silhouette_groups(&chart);
        assert_eq!(segments.len(), 3);
        assert!(segments.iter().all(|s| s.size == 0 && s.mean == 0.0));
        assert_eq!(overall, 0.0);
        // One segment, labels beyond the names, rows beyond the labels, all NaN.
        let odd = SilhouetteSamples {
            rows: vec![0, 1, 9],
            values: vec![0.1, 0.2, 0.3],
            sample_size: None,
        };
        let chart = silhouette_chart(&odd, &[0, 2], &names(1));
        let (segments, _) = silhouette_groups(&chart);
        assert_eq!(segments.len(), 3);
        assert_eq!(segments[2].name, "Segment 3");
        assert_eq!(segments[2].values, vec![0.2]);
        let nan = SilhouetteSamples {
            rows: vec![0],
            values: vec![f64::NAN],
            sample_size: None,
        };
        let chart = silhouette_chart(&nan, &[0], &names(1));
        assert_eq!(silhouette_groups(&chart).0[0].size, 0);
    }

    fn merge(left: usize, right: usize, height: f64, size: usize) -> DendrogramMerge {
        DendrogramMerge {
            left,
            right,
            height,
            size,
        }
    }

    /// Five single customers merged at heights 1, 2, 4, 8.
    fn five() -> Dendrogram {
        Dendrogram {
            leaf_sizes: vec![1; 5],
            merges: vec![
                merge(0, 1, 1.0, 2),
                merge(2, 3, 2.0, 2),
                merge(5, 6, 4.0, 4),
                merge(4, 7, 8.0, 5),
            ],
        }
    }

    fn cut_of(chart: &Chart) -> Option<f64> {
        match &chart.kind {
            ChartKind::Dendrogram { cut_height, .. } => *cut_height,
            _ => panic!("not a dendrogram"),
        }
    }

    #[test]
    fn cut_height_lies_between_the_right_merges() {
        // k = 2: merges at 1, 2, 4 performed, 8 not → 6.
        assert_eq!(cut_of(&dendrogram_chart(&five(), Some(2), None)), Some(6.0));
        assert_eq!(cut_of(&dendrogram_chart(&five(), Some(3), None)), Some(3.0));
        assert_eq!(cut_of(&dendrogram_chart(&five(), Some(4), None)), Some(1.5));
        for k in [None, Some(0), Some(1), Some(5), Some(99)] {
            assert_eq!(cut_of(&dendrogram_chart(&five(), k, None)), None);
        }
    }

    #[test]
    fn dendrogram_copies_links_and_says_what_it_shows() {
        let chart = dendrogram_chart(&five(), Some(2), None);
        assert_eq!(chart.id, "segment:dendrogram");
        assert!(chart.subtitle.starts_with("Ward linkage on 5 customers"));
        let ChartKind::Dendrogram {
            leaf_sizes, merges, ..
        } = &chart.kind
        else {
            panic!("not a dendrogram");
        };
        assert_eq!(leaf_sizes, &vec![1; 5]);
        assert_eq!(
            merges[3],
            DendrogramLink {
                left: 4,
                right: 7,
                height: 8.0,
                size: 5
            }
        );
        let sampled = SampleInfo {
            used: 5,
            total: 12_000,
        };
        let chart = dendrogram_chart(&five(), None, Some(sampled));
        assert!(chart
            .subtitle
            .starts_with("Ward linkage on a random sample of 5 of 12,000 customers"));
    }

    #[test]
    fn dendrogram_odd_inputs_do_not_panic() {
        let single = Dendrogram {
            leaf_sizes: vec![3],
            merges: Vec::new(),
        };
        assert_eq!(cut_of(&dendrogram_chart(&single, Some(2), None)), None);
        let nan = Dendrogram {
            leaf_sizes: vec![1, 1, 1],
            merges: vec![merge(0, 1, f64::NAN, 2), merge(2, 3, 0.0, 3)],
        };
        assert_eq!(cut_of(&dendrogram_chart(&nan, Some(2), None)), None);
    }

    fn curve(chart: &Chart) -> (&[String], &[LineSeries]) {
        match &chart.kind {
            ChartKind::Line { x, series, .. } => (x, series),
            _ => panic!("not a line chart"),
        }
    }

    #[test]
    fn k_distance_is_thinned_in_order_with_eps_levels() {
        let distances: Vec<f64> = (0..1_000).rev().map(|i| i as f64 / 100.0).collect();
        let kd = KDistance {
            k: 4,
            distances,
            suggested_eps: Some(0.5),
            sampled: None,
        };
        let chart = k_distance_chart(&kd, Some(0.8));
        assert_eq!(chart.id, "segment:k_distance");
        let (x, series) = curve(&chart);
        // Every 10th customer: 1, 10, 20, …, 1,000.
        assert_eq!(x.len(), 101);
        assert_eq!(&x[..3], ["1", "10", "20"]);
        assert_eq!(x.last().map(String::as_str), Some("1,000"));
        assert_eq!(series.len(), 3);
        let values: Vec<f64> = series[0].values.iter().flatten().copied().collect();
        assert_eq!(values.len(), 101);
        assert!(values.windows(2).all(|w| w[0] >= w[1]));
        assert_eq!((values[0], values[1], values[100]), (9.99, 9.9, 0.0));
        assert!(series[1].values.iter().all(|v| *v == Some(0.8)));
        assert!(series[2].values.iter().all(|v| *v == Some(0.5)));
        assert!(series[1].name.contains("0.80"));
        // The chosen eps equal to the suggestion is drawn once.
        let same = k_distance_chart(&kd, Some(0.5));
        let (_, series) = curve(&same);
        assert_eq!(series.len(), 2);
    }

    #[test]
    fn k_distance_odd_inputs_do_not_panic() {
        let kd = KDistance {
            k: 1,
            distances: Vec::new(),
            suggested_eps: None,
            sampled: None,
        };
        let chart = k_distance_chart(&kd, Some(f64::NAN));
        let (x, series) = curve(&chart);
        assert!(x.is_empty());
        assert_eq!(series.len(), 1);
        let kd = KDistance {
            k: 2,
            distances: vec![f64::NAN, 3.0, f64::INFINITY, 1.0],
            suggested_eps: Some(f64::NAN),
            sampled: Some(SampleInfo { used: 2, total: 9 }),
        };
        let chart = k_distance_chart(&kd, None);
        assert!(chart
            .subtitle
            .contains("a random sample of 2 of 9 customers"));
        let (x, series) = curve(&chart);
        assert_eq!(x, ["1", "2"]);
        assert_eq!(series[0].values, vec![Some(3.0), Some(1.0)]);
    }

    #[test]
    fn round_ranks_fit_the_cap_and_keep_both_ends() {
        assert_eq!(round_ranks(5, 200), vec![1, 2, 3, 4, 5]);
        assert_eq!(round_ranks(0, 200), Vec::<usize>::new());
        for n in [201, 399, 1_000, 4_338, 45_211, 10_000_000] {
            let ranks = round_ranks(n, 200);
            assert!(
                ranks.len() <= 200 && ranks.len() > 60,
                "{n}: {}",
                ranks.len()
            );
            assert_eq!((ranks[0], ranks.last().copied()), (1, Some(n)));
            assert!(ranks.windows(2).all(|w| w[0] < w[1]));
        }
        let ranks = round_ranks(4_338, 200);
        assert_eq!(&ranks[..3], [1, 25, 50]);
        assert_eq!(&ranks[ranks.len() - 2..], [4_325, 4_338]);
    }

    #[test]
    fn order_statistics_keep_ends() {
        let sorted: Vec<f64> = (0..10).rev().map(f64::from).collect();
        assert_eq!(order_statistics(&sorted, 4), vec![9.0, 6.0, 3.0, 0.0]);
        assert_eq!(order_statistics(&sorted, 20), sorted);
        assert!(order_statistics(&sorted, 0).is_empty());
        assert_eq!(neighbour(1), "1st nearest neighbour");
        assert_eq!(neighbour(12), "12th nearest neighbour");
    }
}
