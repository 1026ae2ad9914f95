//! Segment profiles: size, share, the mean and median of every numeric feature, how far each
//! mean lies from all customers' (in standard deviations), and the share of revenue.
//!
//! Profiles cover every numeric feature of the customer table, not only the ones the segments
//! were built on, so a marketer sees e.g. the tenure of a segment clustered on spend alone.
//! "All customers" are the customers that were segmented (noise included): the rows of the
//! [`SegmentData`](crate::core::segment::SegmentData) behind the labels. Missing values are left
//! out feature by feature. A mean or median with no value behind it (an empty segment, a feature
//! missing for every member) is `None`.
//!
//! # Median or mean: the [`Statistic`] each feature is read by
//! Spend, order counts and days since the last purchase are heavily right-skewed: a few big
//! customers pull the mean far above what the typical customer does (Online Retail: monetary
//! mean 2,048, median 669). A segment whose typical customer spends twice the typical customer
//! can then sit below all customers' *mean* and read "Low Monetary". So a feature that is
//! right-skewed over all segmented customers — skewness > [`AUTO_SKEWNESS`], the test by which
//! Segment log-transforms a feature, and not a 0/1 indicator — is read by its **median** (the
//! typical customer); any other feature (age, income, a score) by its **mean**. The profile
//! table shows that statistic first, and the persona rules compare it with all customers' same
//! statistic.
//!
//! The profile chart is a line chart ("snake plot"): one line per segment over the features,
//! y = standardized mean. The `Heatmap` chart kind only draws square (correlation) matrices, and
//! one line per segment reads well for up to ten segments. Pure Rust: no web-sys.

use serde::{Deserialize, Serialize};

use crate::core::customer_table::{CustomerTable, FeatureValues};
use crate::core::eda::{Chart, ChartKind, LineSeries, ValueFormat};
use crate::core::format;
use crate::core::prep::stats;
use crate::core::prep::transform::AUTO_SKEWNESS;

/// The feature whose per-segment sum is the segment's revenue.
pub const REVENUE_FEATURE: &str = "monetary";

/// The statistic a feature is read by: the profile table shows it first and the persona rules
/// compare it (see the module doc).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Statistic {
    #[default]
    Mean,
    /// For right-skewed features: the typical customer.
    Median,
}

impl Statistic {
    /// "mean" / "median", as headers and rule texts print it.
    pub fn label(self) -> &'static str {
        match self {
            Statistic::Mean => "mean",
            Statistic::Median => "median",
        }
    }

    /// The statistic for a feature with these values over all segmented customers.
    pub fn for_values(values: &[f64]) -> Statistic {
        let skewed = stats::skewness(values).is_some_and(|s| s > AUTO_SKEWNESS);
        if skewed && !stats::is_indicator(values) {
            Statistic::Median
        } else {
            Statistic::Mean
        }
    }
}

/// One segment's profile.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SegmentProfile {
    /// Segment index (the label value).
    pub segment: usize,
    /// Customers in the segment.
    pub size: usize,
    /// `size` / all segmented customers (noise included), 0…1.
    pub share: f64,
    /// Mean of each feature of [`SegmentProfiles::features`], in its own units.
    pub means: Vec<Option<f64>>,
    /// Median of each feature, in its own units.
    #[serde(default)]
    pub medians: Vec<Option<f64>>,
    /// (segment mean − mean of all customers) / sd of all customers (population sd); 0 for a
    /// feature that is constant over all customers.
    pub standardized_means: Vec<Option<f64>>,
    /// The segment's share of total `monetary`, when that feature exists and the total is > 0.
    pub revenue_share: Option<f64>,
}

/// Profiles of all segments, with the reference they are measured against.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SegmentProfiles {
    /// Every numeric feature of the customer table, in table order.
    pub features: Vec<String>,
    /// Mean and population sd of each feature over all segmented customers.
    pub overall_means: Vec<Option<f64>>,
    pub overall_sds: Vec<Option<f64>>,
    /// Median of each feature over all segmented customers.
    #[serde(default)]
    pub overall_medians: Vec<Option<f64>>,
    /// The statistic each feature is read by (median for right-skewed features, else mean).
    #[serde(default)]
    pub statistics: Vec<Statistic>,
    /// All segmented customers (noise included).
    pub n_customers: usize,
    /// Customers in no segment (DBSCAN noise).
    pub n_noise: usize,
    /// Features whose standardized means are measured on a log(1 + x) scale (the scale the
    /// segments were built on); their `means` stay in natural units.
    #[serde(default)]
    pub log_scale: Vec<String>,
    /// One profile per segment, in segment order (empty segments included, with size 0).
    pub segments: Vec<SegmentProfile>,
}

impl SegmentProfiles {
    /// Column of `name` in [`SegmentProfiles::features`].
    pub fn feature_index(&self, name: &str) -> Option<usize> {
        self.features.iter().position(|f| f == name)
    }

    /// The statistic feature `j` is read by (the mean past the end).
    pub fn statistic(&self, j: usize) -> Statistic {
        self.statistics.get(j).copied().unwrap_or_default()
    }

    /// Segment `p`'s value of feature `j` in its statistic: the profile table's cell.
    pub fn typical(&self, p: &SegmentProfile, j: usize) -> Option<f64> {
        let values = match self.statistic(j) {
            Statistic::Mean => &p.means,
            Statistic::Median => &p.medians,
        };
        values.get(j).copied().flatten()
    }

    /// All customers' value of feature `j` in its statistic: the "All customers" row.
    pub fn overall_typical(&self, j: usize) -> Option<f64> {
        let values = match self.statistic(j) {
            Statistic::Mean => &self.overall_means,
            Statistic::Median => &self.overall_medians,
        };
        values.get(j).copied().flatten()
    }
}

/// Running sums of one feature over one group.
#[derive(Debug, Clone, Copy, Default)]
struct Moments {
    n: usize,
    sum: f64,
}

impl Moments {
    fn mean(&self) -> Option<f64> {
        (self.n > 0).then(|| self.sum / self.n as f64)
    }
}

/// Profile the segments: `rows[i]` is the customer-table row of the customer with label
/// `labels[i]` (`None` = noise). `n_segments` fixes the number of segments (empty ones get a
/// profile of size 0); labels beyond it extend it. Rows outside the table are skipped.
pub fn profile_segments(
    table: &CustomerTable,
    rows: &[usize],
    labels: &[Option<usize>],
    n_segments: usize,
) -> SegmentProfiles {
    let pairs: Vec<(usize, Option<usize>)> = rows
        .iter()
        .zip(labels)
        .filter(|(&r, _)| r < table.n_rows())
        .map(|(&r, &l)| (r, l))
        .collect();
    let n_segments = pairs
        .iter()
        .filter_map(|&(_, l)| l)
        .map(|l| l + 1)
        .max()
        .unwrap_or(0)
        .max(n_segments);
    let numeric: Vec<(&str, &[f64])> = table
        .features
        .iter()
        .filter_map(|f| match &f.values {
            FeatureValues::Numeric(v) => Some((f.name.as_str(), v.as_slice())),
            FeatureValues::Categorical { .. } => None,
        })
        .collect();
    let n_customers = pairs.len();
    let mut sizes = vec![0usize; n_segments];
    let mut n_noise = 0;
    for &(_, l) in &pairs {
        match l {
            Some(s) => sizes[s] += 1,
            None => n_noise += 1,
        }
    }
    let d = numeric.len();
    let mut overall_means = Vec::with_capacity(d);
    let mut overall_sds = Vec::with_capacity(d);
    let mut overall_medians = Vec::with_capacity(d);
    let mut statistics = Vec::with_capacity(d);
    let mut seg_means = vec![Vec::with_capacity(d); n_segments];
    let mut seg_medians = vec![Vec::with_capacity(d); n_segments];
    for &(_, values) in &numeric {
        let value = |r: usize| values.get(r).copied().filter(|x| x.is_finite());
        let mut all = Moments::default();
        let mut per = vec![Moments::default(); n_segments];
        let mut all_values = Vec::with_capacity(pairs.len());
        let mut per_values = vec![Vec::new(); n_segments];
        for &(r, l) in &pairs {
            if let Some(x) = value(r) {
                all.n += 1;
                all.sum += x;
                all_values.push(x);
                if let Some(s) = l {
                    per[s].n += 1;
                    per[s].sum += x;
                    per_values[s].push(x);
                }
            }
        }
        statistics.push(Statistic::for_values(&all_values));
        overall_medians.push(stats::median(&all_values));
        for (s, v) in per_values.iter().enumerate() {
            seg_medians[s].push(stats::median(v));
        }
        let mean = all.mean();
        let sd = mean.map(|m| {
            let ss: f64 = pairs
                .iter()
                .filter_map(|&(r, _)| value(r))
                .map(|x| (x - m).powi(2))
                .sum();
            (ss / all.n as f64).sqrt()
        });
        overall_means.push(mean);
        overall_sds.push(sd);
        for (s, m) in per.iter().enumerate() {
            seg_means[s].push(m.mean());
        }
    }
    let revenue: Option<(Vec<f64>, f64)> = numeric
        .iter()
        .find(|(name, _)| *name == REVENUE_FEATURE)
        .map(|&(_, values)| {
            let mut per = vec![0.0; n_segments];
            let mut total = 0.0;
            for &(r, l) in &pairs {
                if let Some(x) = values.get(r).copied().filter(|x| x.is_finite()) {
                    total += x;
                    if let Some(s) = l {
                        per[s] += x;
                    }
                }
            }
            (per, total)
        });
    let segments = (0..n_segments)
        .map(|s| {
            let means = seg_means[s].clone();
            let medians = seg_medians[s].clone();
            let standardized_means = means
                .iter()
                .enumerate()
                .map(|(j, m)| {
                    let (m, all, sd) = ((*m)?, overall_means[j]?, overall_sds[j]?);
                    Some(if sd > 1e-12 * all.abs().max(1.0) {
                        (m - all) / sd
                    } else {
                        0.0
                    })
                })
                .collect();
            SegmentProfile {
                segment: s,
                size: sizes[s],
                share: if n_customers > 0 {
                    sizes[s] as f64 / n_customers as f64
                } else {
                    0.0
                },
                means,
                medians,
                standardized_means,
                revenue_share: revenue
                    .as_ref()
                    .filter(|(_, total)| *total > 0.0)
                    .map(|(per, total)| per[s] / total),
            }
        })
        .collect();
    SegmentProfiles {
        features: numeric.iter().map(|(n, _)| n.to_string()).collect(),
        overall_means,
        overall_sds,
        overall_medians,
        statistics,
        n_customers,
        n_noise,
        log_scale: Vec::new(),
        segments,
    }
}

/// The profile chart: one line per segment (named by `segment_names`, "Segment k" beyond them)
/// over the features, at its standardized means. `features` picks and orders the features
/// drawn (unknown names are skipped); empty = all profiled features.
pub fn profile_chart(
    profiles: &SegmentProfiles,
    segment_names: &[String],
    features: &[String],
) -> Chart {
    let columns: Vec<usize> = if features.is_empty() {
        (0..profiles.features.len()).collect()
    } else {
        features
            .iter()
            .filter_map(|f| profiles.feature_index(f))
            .collect()
    };
    let series = profiles
        .segments
        .iter()
        .map(|p| LineSeries {
            name: segment_names
                .get(p.segment)
                .cloned()
                .unwrap_or_else(|| format!("Segment {}", p.segment + 1)),
            values: columns
                .iter()
                .map(|&j| p.standardized_means.get(j).copied().flatten())
                .collect(),
            dashed: false,
        })
        .collect();
    let n = profiles.n_customers;
    Chart {
        id: "segment:profile".to_string(),
        title: "Segment profiles: feature means in standard deviations from all customers"
            .to_string(),
        subtitle: format!(
            "{} segments · {} {} · 0 = the average customer",
            profiles.segments.len(),
            format::thousands(n as u64),
            if n == 1 { "customer" } else { "customers" }
        ),
        kind: ChartKind::Line {
            x_label: "Feature".to_string(),
            y_label: "Standardized mean (sd)".to_string(),
            y_format: ValueFormat::Number,
            x: columns
                .iter()
                .map(|&j| profiles.features[j].clone())
                .collect(),
            series,
            x_notes: None,
            x_marker: None,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::customer_table::Feature;

    fn numeric(name: &str, values: &[f64]) -> Feature {
        Feature {
            name: name.to_string(),
            description: String::new(),
            values: FeatureValues::Numeric(values.to_vec()),
            meta: Default::default(),
        }
    }

    fn table() -> CustomerTable {
        CustomerTable {
            id_name: "id".to_string(),
            ids: (1..=4).map(|i| i.to_string()).collect(),
            features: vec![
                numeric("monetary", &[10.0, 30.0, 100.0, 60.0]),
                numeric("age", &[20.0, f64::NAN, 40.0, 40.0]),
                Feature {
                    name: "plan".to_string(),
                    description: String::new(),
                    values: FeatureValues::Categorical {
                        levels: vec!["a".to_string()],
                        codes: vec![0; 4],
                    },
                    meta: Default::default(),
                },
            ],
        }
    }

    #[test]
    fn means_shares_and_revenue() {
        let p = profile_segments(
            &table(),
            &[0, 1, 2, 3],
            &[Some(0), Some(0), Some(1), None],
            3,
        );
        assert_eq!(p.features, vec!["monetary", "age"]);
        assert_eq!(p.n_noise, 1);
        assert_eq!(p.segments.len(), 3);
        let s0 = &p.segments[0];
        assert_eq!(s0.size, 2);
        assert_eq!(s0.share, 0.5);
        assert_eq!(s0.means, vec![Some(20.0), Some(20.0)]);
        assert_eq!(s0.revenue_share, Some(0.2));
        // Overall monetary mean 50, population sd √1150.
        let z = (20.0 - 50.0) / 1150f64.sqrt();
        assert!((s0.standardized_means[0].unwrap() - z).abs() < 1e-12);
        let empty = &p.segments[2];
        assert_eq!(empty.size, 0);
        assert_eq!(empty.means, vec![None, None]);
        assert_eq!(empty.revenue_share, Some(0.0));
    }

    /// A right-skewed feature is read by its median, others by their mean; medians per segment
    /// and for all customers, missing values left out.
    #[test]
    fn medians_and_the_statistic_each_feature_is_read_by() {
        let mut t = table();
        // One big spender: skewness 1.15 > 1.
        t.features[0] = numeric("monetary", &[10.0, 30.0, 20.0, 400.0]);
        let p = profile_segments(&t, &[0, 1, 2, 3], &[Some(0), Some(0), Some(1), Some(1)], 2);
        assert_eq!(p.statistics, vec![Statistic::Median, Statistic::Mean]);
        assert_eq!(p.overall_medians, vec![Some(25.0), Some(40.0)]);
        assert_eq!(p.overall_means[0], Some(115.0));
        assert_eq!(p.segments[0].medians, vec![Some(20.0), Some(20.0)]);
        assert_eq!(p.segments[1].medians, vec![Some(210.0), Some(40.0)]);
        assert_eq!(p.typical(&p.segments[1], 0), Some(210.0));
        assert_eq!(p.overall_typical(0), Some(25.0));
        assert_eq!(p.typical(&p.segments[1], 1), Some(40.0));
        // 0/1 values are never read by their median, however skewed.
        assert_eq!(
            Statistic::for_values(&[0.0, 0.0, 0.0, 0.0, 0.0, 1.0]),
            Statistic::Mean
        );
        assert_eq!(
            Statistic::for_values(&[1.0, 1.0, 1.0, 1.0, 1.0, 9.0]),
            Statistic::Median
        );
    }

    #[test]
    fn chart_has_one_line_per_segment() {
        let p = profile_segments(
            &table(),
            &[0, 1, 2, 3],
            &[Some(0), Some(1), Some(1), None],
            2,
        );
        let chart = profile_chart(&p, &["Loyal".to_string()], &[]);
        let ChartKind::Line { x, series, .. } = chart.kind else {
            panic!("not a line chart");
        };
        assert_eq!(x, vec!["monetary", "age"]);
        assert_eq!(series[0].name, "Loyal");
        assert_eq!(series[1].name, "Segment 2");
    }
}
