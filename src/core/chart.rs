//! The chart model every step draws with: what to draw, already binned and sampled to what a
//! screen shows, and small constructors for the common shapes.
//!
//! Steps compute [`Chart`]s in the core (the worker) and send them to the UI, whose `charts`
//! module draws them on a canvas; the CLI never draws. No drawing here, no web-sys. A chart never
//! carries more than a few thousand numbers, whatever the table size.
//!
//! Fields added after a kind was first used are optional with serde defaults, and are left out
//! of the JSON while at their default, so older charts serialise exactly as before.

use serde::{Deserialize, Serialize};

/// How values on the value axis (and in tooltips) are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum ValueFormat {
    #[default]
    Number,
    /// Whole counts with thousands separators.
    Count,
    /// Money amounts (no currency symbol: the file does not say which).
    Money,
    /// Percentages, values already ×100.
    Percent,
    /// Correlation coefficients in −1…1.
    Correlation,
}

/// How an axis places values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum AxisScale {
    #[default]
    Linear,
    /// `sign(v) · ln(1 + |v|)` ("symlog"): linear near zero, logarithmic beyond, so that the
    /// many zeros of spend (customers who bought nothing) and the 10,000s share one axis; ticks
    /// at 0, 1, 10, 100, 1k … written in natural units. Negative values mirror positive ones.
    Log1p,
}

impl AxisScale {
    pub fn is_linear(&self) -> bool {
        *self == AxisScale::Linear
    }
}

/// How a heatmap colours its cells.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum ColorScale {
    /// Diverging around 0 for correlations and for values of both signs, else sequential.
    #[default]
    Auto,
    /// Low to high over `min…max` (a probability 0…100 %): viridis, colour-blind safe, the same
    /// in light and dark mode.
    Sequential,
    /// Blue–red around 0 over ±max(|min|, |max|).
    Diverging,
}

impl ColorScale {
    pub fn is_auto(&self) -> bool {
        *self == ColorScale::Auto
    }
}

fn is_false(b: &bool) -> bool {
    !*b
}

/// A drawable chart with its titles.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Chart {
    /// Stable key, unique within a gallery, e.g. `hist:recency_days`; also the PNG file name.
    pub id: String,
    pub title: String,
    /// One line under the title, e.g. "4,338 customers · 0 missing".
    pub subtitle: String,
    pub kind: ChartKind,
}

/// The chart types the app draws. Later steps (segment, predict) reuse these.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ChartKind {
    Histogram {
        x_label: String,
        x_format: ValueFormat,
        bins: Vec<HistogramBin>,
        /// [`AxisScale::Log1p`] for bins spaced evenly in log1p (skewed money: see
        /// [`log1p_histogram`]): each bin then keeps its width on screen.
        #[serde(default, skip_serializing_if = "AxisScale::is_linear")]
        x_scale: AxisScale,
    },
    /// One or several boxes side by side (Tukey whiskers at 1.5 × IQR).
    BoxPlot {
        y_label: String,
        y_format: ValueFormat,
        boxes: Vec<BoxStats>,
    },
    Bar {
        x_label: String,
        y_label: String,
        y_format: ValueFormat,
        bars: Vec<BarValue>,
        /// Draw bars horizontally (long labels, e.g. missing share per column).
        horizontal: bool,
    },
    /// A matrix of coloured cells, `cells[row][col]`, `None` where undefined (a constant
    /// column, a combination no customer has). Square with `labels` naming both rows and columns
    /// (correlations), or rows × columns with `column_labels` (e.g. P(alive) over frequency ×
    /// recency, see [`probability_matrix`]).
    Heatmap {
        /// Row labels (top to bottom); also the column labels when `column_labels` is `None`.
        labels: Vec<String>,
        cells: Vec<Vec<Option<f64>>>,
        min: f64,
        max: f64,
        value_format: ValueFormat,
        /// Column labels (left to right) of a rows × columns matrix.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        column_labels: Option<Vec<String>>,
        /// Axis titles: along the bottom (columns) and up the side (rows).
        #[serde(default, skip_serializing_if = "String::is_empty")]
        x_label: String,
        #[serde(default, skip_serializing_if = "String::is_empty")]
        y_label: String,
        /// What the cells hold, for the tooltip and the colour legend, e.g. "P(alive)".
        #[serde(default, skip_serializing_if = "String::is_empty")]
        value_label: String,
        #[serde(default, skip_serializing_if = "ColorScale::is_auto")]
        color_scale: ColorScale,
        /// A line per cell for its tooltip (`[row][col]`), e.g. "132 customers".
        #[serde(default, skip_serializing_if = "Option::is_none")]
        cell_notes: Option<Vec<Vec<String>>>,
    },
    /// Series over categorical x positions (e.g. months "2011-01"), optionally with a note per
    /// position and a dashed vertical marker (a cutoff date).
    Line {
        x_label: String,
        y_label: String,
        y_format: ValueFormat,
        x: Vec<String>,
        series: Vec<LineSeries>,
        /// One line per x position for its tooltip, e.g. "412 customers" (`""`: none).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        x_notes: Option<Vec<String>>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        x_marker: Option<XMarker>,
    },
    /// Points on two value axes, one colour per group; optionally log1p axes, a dashed
    /// reference line (y = x, y = 0) and a label per point for the tooltip.
    Scatter {
        x_label: String,
        y_label: String,
        x_format: ValueFormat,
        y_format: ValueFormat,
        groups: Vec<ScatterGroup>,
        #[serde(default, skip_serializing_if = "AxisScale::is_linear")]
        x_scale: AxisScale,
        #[serde(default, skip_serializing_if = "AxisScale::is_linear")]
        y_scale: AxisScale,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        reference: Option<ReferenceLine>,
    },
    /// Per-customer silhouette: one block per segment (segment 0 on top), each a horizontal
    /// "knife" of its values sorted descending, and the overall mean marked.
    Silhouette {
        x_label: String,
        segments: Vec<SilhouetteGroup>,
        /// Mean silhouette over every measured customer.
        mean: f64,
    },
    /// Ward hierarchy as U-shaped links over leaves, optionally cut at a height.
    Dendrogram {
        y_label: String,
        /// Customers under each leaf (a leaf may be a cluster formed below a truncation).
        leaf_sizes: Vec<usize>,
        /// Merges bottom-up, numbered like SciPy: leaves are `0..n_leaves`, merge `i` creates
        /// node `n_leaves + i`.
        merges: Vec<DendrogramLink>,
        /// Height of the cut into segments, drawn as a dashed line.
        cut_height: Option<f64>,
    },
    /// Curves through (x, y) points on two value axes, several series overlaid: model
    /// evaluation curves (ROC, precision–recall, cumulative gain, lift), with an optional dashed
    /// reference line and an optional highlighted point (e.g. the chosen threshold).
    ///
    /// Rates are fractions here: an axis with [`ValueFormat::Percent`] writes 0.25 as "25%"
    /// (unlike the other kinds, whose percentages are already ×100), so that curves, reference
    /// and marker carry the rates as computed. An axis whose values (points, marker, horizontal
    /// reference) all lie in 0…1 spans exactly 0…1; otherwise it follows the data.
    Curves {
        x_label: String,
        y_label: String,
        x_format: ValueFormat,
        y_format: ValueFormat,
        series: Vec<CurveSeries>,
        reference: Option<ReferenceLine>,
        marker: Option<CurveMarker>,
    },
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HistogramBin {
    pub lo: f64,
    pub hi: f64,
    pub count: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BoxStats {
    pub label: String,
    pub n: u64,
    pub min: f64,
    pub q1: f64,
    pub median: f64,
    pub q3: f64,
    pub max: f64,
    pub mean: f64,
    /// Ends of the whiskers: the most extreme values within 1.5 × IQR of the box.
    pub lower_whisker: f64,
    pub upper_whisker: f64,
    /// Values beyond the whiskers, at most [`crate::core::eda::MAX_OUTLIER_POINTS`] (evenly sampled).
    pub outliers: Vec<f64>,
    /// How many values lie beyond the whiskers in all.
    pub n_outliers: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BarValue {
    pub label: String,
    pub value: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LineSeries {
    pub name: String,
    /// One value per x position; `None` = no data there.
    pub values: Vec<Option<f64>>,
    /// Drawn dashed (a model's expectation against the solid actual values).
    #[serde(default, skip_serializing_if = "is_false")]
    pub dashed: bool,
}

/// A dashed vertical line across a [`ChartKind::Line`] chart with its label at the top, e.g.
/// "cutoff 2011-09-10".
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct XMarker {
    /// In x positions: 3.0 is at `x[3]`, 3.5 half-way between `x[3]` and `x[4]`.
    pub position: f64,
    pub label: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScatterGroup {
    pub name: String,
    pub points: Vec<(f64, f64)>,
    /// One per point, the tooltip's title (e.g. the customer id); shorter lists label the
    /// first points only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub labels: Option<Vec<String>>,
}

/// One segment of a silhouette chart.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SilhouetteGroup {
    pub name: String,
    /// Customers measured in the segment (before downsampling `values`).
    pub size: usize,
    /// Silhouette values sorted descending, downsampled to evenly spaced order statistics.
    pub values: Vec<f64>,
    /// Mean silhouette of the segment (over all `size` customers).
    pub mean: f64,
}

/// One curve of a [`ChartKind::Curves`] chart, e.g. one model's ROC curve.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CurveSeries {
    pub name: String,
    /// `[x, y]` points, joined in the order given (non-finite points break the line).
    pub points: Vec<[f64; 2]>,
}

/// The dashed grey line a [`ChartKind::Curves`] or [`ChartKind::Scatter`] chart is read
/// against.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ReferenceLine {
    /// y = x (chance on a ROC curve, random targeting on a gain curve, a perfect prediction).
    Diagonal { label: String },
    /// y = constant (the base rate on a precision–recall curve, zero residual).
    Horizontal { y: f64, label: String },
}

/// A highlighted point on a [`ChartKind::Curves`] chart (e.g. the current threshold), drawn in
/// the colour of series `series`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CurveMarker {
    pub series: usize,
    pub x: f64,
    pub y: f64,
    pub label: String,
}

/// One merge of a dendrogram chart: nodes `left` and `right` joined at `height`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DendrogramLink {
    pub left: usize,
    pub right: usize,
    /// Ward merge height (SciPy's linkage distance).
    pub height: f64,
    /// Customers in the merged cluster.
    pub size: usize,
}

// ---------------------------------------------------------------------------------------------
// Constructors for the common shapes (the Value step's views)
// ---------------------------------------------------------------------------------------------

/// Most points [`actual_vs_predicted`] and [`residuals`] keep: beyond it every k-th (by index),
/// and the subtitle says how many are shown. A few thousand dots still hover quickly.
pub const MAX_SCATTER_POINTS: usize = 5_000;

/// A chart's identity and titles, and the titles of its two axes.
#[derive(Debug, Clone, PartialEq)]
pub struct ChartText<'a> {
    pub id: &'a str,
    pub title: &'a str,
    pub subtitle: String,
    pub x_label: &'a str,
    pub y_label: &'a str,
}

/// Per item (customer) its label (id), actual and predicted value, in parallel.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Predictions<'a> {
    pub labels: &'a [String],
    pub actual: &'a [f64],
    pub predicted: &'a [f64],
}

impl Predictions<'_> {
    /// (label, predicted, actual) of the items whose values are both finite, evenly thinned to
    /// at most [`MAX_SCATTER_POINTS`], and how many there were before thinning.
    fn sampled(&self) -> (Vec<(String, f64, f64)>, usize) {
        let n = self.actual.len().min(self.predicted.len());
        let finite: Vec<usize> = (0..n)
            .filter(|&i| self.actual[i].is_finite() && self.predicted[i].is_finite())
            .collect();
        let total = finite.len();
        let keep = sample_indices(total, MAX_SCATTER_POINTS);
        let rows = keep
            .into_iter()
            .filter_map(|k| finite.get(k).copied())
            .map(|i| {
                let label = self.labels.get(i).cloned().unwrap_or_default();
                (label, self.predicted[i], self.actual[i])
            })
            .collect();
        (rows, total)
    }
}

/// `limit` indices of `0..n` evenly spread over it, first and last included (all of them when
/// `n <= limit`).
pub fn sample_indices(n: usize, limit: usize) -> Vec<usize> {
    if n <= limit {
        return (0..n).collect();
    }
    if limit <= 1 {
        return (0..limit).collect();
    }
    // In u64: k · (n − 1) overflows a 32-bit usize (wasm32) beyond ~860k items.
    let (last, steps) = ((n - 1) as u64, (limit - 1) as u64);
    (0..limit as u64)
        .map(|k| (k * last / steps) as usize)
        .collect()
}

/// " · 5,000 of 23,114 shown" when thinned, else nothing.
fn shown_note(shown: usize, total: usize) -> String {
    if shown < total {
        format!(
            " · {} of {} shown",
            crate::core::format::thousands(shown as u64),
            crate::core::format::thousands(total as u64)
        )
    } else {
        String::new()
    }
}

fn scale_of(log_axes: bool) -> AxisScale {
    if log_axes {
        AxisScale::Log1p
    } else {
        AxisScale::Linear
    }
}

/// The label of the reference line of [`actual_vs_predicted`] and [`residuals`].
pub const PERFECT_PREDICTION: &str = "actual = predicted";

/// Actual (y) against predicted (x) per item, the y = x diagonal dashed (points on it are
/// predicted exactly; above it, under-predicted), each point labelled for its tooltip.
/// `log_axes`: log1p axes on both sides (spend with many zeros and a long tail).
pub fn actual_vs_predicted(
    text: ChartText,
    format: ValueFormat,
    data: Predictions,
    log_axes: bool,
) -> Chart {
    let (rows, total) = data.sampled();
    let subtitle = format!("{}{}", text.subtitle, shown_note(rows.len(), total));
    let (labels, points) = rows
        .into_iter()
        .map(|(label, predicted, actual)| (label, (predicted, actual)))
        .unzip();
    scatter_with_reference(
        ChartText { subtitle, ..text },
        (format, format),
        (points, labels),
        ReferenceLine::Diagonal {
            label: PERFECT_PREDICTION.to_string(),
        },
        log_axes,
    )
}

/// Residuals: actual − predicted (y) against predicted (x) per item, the zero line dashed
/// (above it, under-predicted). `log_axes`: log1p axes (the residual axis mirrored around 0).
pub fn residuals(text: ChartText, format: ValueFormat, data: Predictions, log_axes: bool) -> Chart {
    let (rows, total) = data.sampled();
    let subtitle = format!("{}{}", text.subtitle, shown_note(rows.len(), total));
    let (labels, points) = rows
        .into_iter()
        .map(|(label, predicted, actual)| (label, (predicted, actual - predicted)))
        .unzip();
    scatter_with_reference(
        ChartText { subtitle, ..text },
        (format, format),
        (points, labels),
        ReferenceLine::Horizontal {
            y: 0.0,
            label: PERFECT_PREDICTION.to_string(),
        },
        log_axes,
    )
}

fn scatter_with_reference(
    text: ChartText,
    (x_format, y_format): (ValueFormat, ValueFormat),
    (points, labels): (Vec<(f64, f64)>, Vec<String>),
    reference: ReferenceLine,
    log_axes: bool,
) -> Chart {
    let labelled = labels.iter().any(|l| !l.is_empty());
    Chart {
        id: text.id.to_string(),
        title: text.title.to_string(),
        subtitle: text.subtitle,
        kind: ChartKind::Scatter {
            x_label: text.x_label.to_string(),
            y_label: text.y_label.to_string(),
            x_format,
            y_format,
            groups: vec![ScatterGroup {
                name: String::new(),
                points,
                labels: labelled.then_some(labels),
            }],
            x_scale: scale_of(log_axes),
            y_scale: scale_of(log_axes),
            reference: Some(reference),
        },
    }
}

/// Two series over categorical x positions: the actual values solid, the model's dashed.
/// Non-finite values leave a gap. Add notes and a marker with [`Chart::with_x_notes`] and
/// [`Chart::with_x_marker`].
pub fn actual_and_model_lines(
    text: ChartText,
    y_format: ValueFormat,
    x: Vec<String>,
    actual: (&str, &[f64]),
    model: (&str, &[f64]),
) -> Chart {
    let series = |(name, values): (&str, &[f64]), dashed| LineSeries {
        name: name.to_string(),
        values: values.iter().map(|v| v.is_finite().then_some(*v)).collect(),
        dashed,
    };
    Chart {
        id: text.id.to_string(),
        title: text.title.to_string(),
        subtitle: text.subtitle,
        kind: ChartKind::Line {
            x_label: text.x_label.to_string(),
            y_label: text.y_label.to_string(),
            y_format,
            x,
            series: vec![series(actual, false), series(model, true)],
            x_notes: None,
            x_marker: None,
        },
    }
}

/// A probability per (row, column) cell, 0…1 (`None`: no value there), as a rows × columns
/// heat map on the sequential 0–100 % scale. `labels`: the x (columns) and y (rows) axis
/// titles are in `text`; `value_label` names the probability ("P(alive)"); `notes`, if any, one
/// tooltip line per cell (e.g. "132 customers").
pub fn probability_matrix(
    text: ChartText,
    value_label: &str,
    (rows, columns): (Vec<String>, Vec<String>),
    probabilities: &[Vec<Option<f64>>],
    notes: Option<Vec<Vec<String>>>,
) -> Chart {
    let cells = probabilities
        .iter()
        .map(|row| {
            row.iter()
                .map(|p| p.filter(|p| p.is_finite()).map(|p| p * 100.0))
                .collect()
        })
        .collect();
    Chart {
        id: text.id.to_string(),
        title: text.title.to_string(),
        subtitle: text.subtitle,
        kind: ChartKind::Heatmap {
            labels: rows,
            cells,
            min: 0.0,
            max: 100.0,
            value_format: ValueFormat::Percent,
            column_labels: Some(columns),
            x_label: text.x_label.to_string(),
            y_label: text.y_label.to_string(),
            value_label: value_label.to_string(),
            color_scale: ColorScale::Sequential,
            cell_notes: notes,
        },
    }
}

/// Bin edges 0, 1, 2, 5, 10, 20, 50 … (and −1, −2, −5 … below zero) covering `lo…hi`: about
/// three bins a decade, evenly spread on a log1p axis, each edge a round number.
pub fn log1p_bin_edges(lo: f64, hi: f64) -> Vec<f64> {
    let (lo, hi) = if lo.is_finite() && hi.is_finite() && lo <= hi {
        (lo.max(-1e300), hi.min(1e300))
    } else {
        (0.0, 0.0)
    };
    // Round magnitudes from 1 up to the first at or beyond `reach`.
    let magnitudes = |reach: f64| {
        let mut out = Vec::new();
        'decades: for k in 0..=300 {
            for m in [1.0, 2.0, 5.0] {
                let v = m * 10f64.powi(k);
                out.push(v);
                if v >= reach {
                    break 'decades;
                }
            }
        }
        out
    };
    let mut edges: Vec<f64> = Vec::new();
    if lo < 0.0 {
        edges.extend(magnitudes(-lo).into_iter().rev().map(|m| -m));
    }
    edges.push(0.0);
    if hi > 0.0 || lo >= 0.0 {
        edges.extend(magnitudes(hi));
    }
    edges
}

/// A histogram of `values` (non-finite ones skipped) over [`log1p_bin_edges`] on a log1p axis:
/// skewed money (many zeros, a long tail) in readable bins ("100 – 200"). Bins hold
/// `lo ≤ v < hi`, the last one also its upper edge. `None` without a finite value.
pub fn log1p_histogram(
    id: &str,
    (title, subtitle): (&str, String),
    x_label: &str,
    x_format: ValueFormat,
    values: &[f64],
) -> Option<Chart> {
    let finite = || values.iter().copied().filter(|v| v.is_finite());
    let lo = finite().fold(f64::INFINITY, f64::min);
    let hi = finite().fold(f64::NEG_INFINITY, f64::max);
    if !(lo.is_finite() && hi.is_finite()) {
        return None;
    }
    let edges = log1p_bin_edges(lo, hi);
    let bins_n = edges.len().saturating_sub(1);
    let mut counts = vec![0u64; bins_n];
    for v in finite() {
        // The last edge ≤ v; the top edge belongs to the last bin.
        let i = edges.partition_point(|&e| e <= v).saturating_sub(1);
        if let Some(c) = counts.get_mut(i.min(bins_n.saturating_sub(1))) {
            *c += 1;
        }
    }
    let bins = edges
        .windows(2)
        .zip(counts)
        .map(|(e, count)| HistogramBin {
            lo: e[0],
            hi: e[1],
            count,
        })
        .collect();
    Some(Chart {
        id: id.to_string(),
        title: title.to_string(),
        subtitle,
        kind: ChartKind::Histogram {
            x_label: x_label.to_string(),
            x_format,
            bins,
            x_scale: AxisScale::Log1p,
        },
    })
}

impl Chart {
    /// The chart with a note per x position in its tooltips (line charts; others unchanged).
    pub fn with_x_notes(mut self, notes: Vec<String>) -> Self {
        if let ChartKind::Line { x_notes, .. } = &mut self.kind {
            *x_notes = Some(notes);
        }
        self
    }

    /// The chart with a dashed vertical marker at x position `position` (3.5: between the 4th
    /// and 5th), labelled `label` (line charts; others unchanged).
    pub fn with_x_marker(mut self, position: f64, label: &str) -> Self {
        if let ChartKind::Line { x_marker, .. } = &mut self.kind {
            *x_marker = Some(XMarker {
                position,
                label: label.to_string(),
            });
        }
        self
    }

    /// Whether the chart's value axes are log1p: `Some` for charts that can switch (scatter
    /// plots: both axes; histograms over log1p bins cannot switch back and answer `None`).
    pub fn log_axes(&self) -> Option<bool> {
        match &self.kind {
            ChartKind::Scatter {
                x_scale, y_scale, ..
            } => Some(!x_scale.is_linear() || !y_scale.is_linear()),
            _ => None,
        }
    }

    /// The same chart with log1p (`true`) or linear axes: the UI's toggle, same data, redrawn
    /// (scatter plots; other charts unchanged).
    pub fn with_log_axes(mut self, on: bool) -> Self {
        if let ChartKind::Scatter {
            x_scale, y_scale, ..
        } = &mut self.kind
        {
            *x_scale = scale_of(on);
            *y_scale = scale_of(on);
        }
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(id: &str) -> ChartText<'_> {
        ChartText {
            id,
            title: "Title",
            subtitle: "Test part: 3 customers".to_string(),
            x_label: "Predicted spend",
            y_label: "Actual spend",
        }
    }

    fn ids(n: usize) -> Vec<String> {
        (0..n).map(|i| format!("C{i}")).collect()
    }

    #[test]
    fn older_charts_serialise_exactly_as_before() {
        // A line chart of today, without any of the new optional fields.
        let json = r#"{"id":"m","title":"t","subtitle":"s","kind":{"type":"line","x_label":"Month","y_label":"Revenue","y_format":"money","x":["2011-01"],"series":[{"name":"Revenue","values":[1.0]}]}}"#;
        let chart: Chart = serde_json::from_str(json).unwrap();
        let ChartKind::Line {
            x_notes,
            x_marker,
            series,
            ..
        } = &chart.kind
        else {
            panic!("{chart:?}")
        };
        assert!(x_notes.is_none() && x_marker.is_none() && !series[0].dashed);
        assert_eq!(serde_json::to_string(&chart).unwrap(), json);
        let heatmap = r#"{"type":"heatmap","labels":["a","b"],"cells":[[1.0,null],[null,1.0]],"min":-1.0,"max":1.0,"value_format":"correlation"}"#;
        let kind: ChartKind = serde_json::from_str(heatmap).unwrap();
        assert!(matches!(
            &kind,
            ChartKind::Heatmap {
                column_labels: None,
                color_scale: ColorScale::Auto,
                ..
            }
        ));
        assert_eq!(serde_json::to_string(&kind).unwrap(), heatmap);
        for old in [
            r#"{"type":"histogram","x_label":"spend","x_format":"money","bins":[{"lo":0.0,"hi":1.0,"count":2}]}"#,
            r#"{"type":"scatter","x_label":"PC1","y_label":"PC2","x_format":"number","y_format":"number","groups":[{"name":"A","points":[[1.0,2.0]]}]}"#,
        ] {
            let kind: ChartKind = serde_json::from_str(old).unwrap();
            assert_eq!(serde_json::to_string(&kind).unwrap(), old);
        }
    }

    #[test]
    fn actual_vs_predicted_has_the_diagonal_labels_and_log_axes() {
        let actual = [0.0, 120.0, 5_000.0];
        let predicted = [10.0, 100.0, f64::NAN];
        let data = Predictions {
            labels: &ids(3),
            actual: &actual,
            predicted: &predicted,
        };
        let chart = actual_vs_predicted(text("value-avp"), ValueFormat::Money, data, true);
        assert_eq!(chart.subtitle, "Test part: 3 customers");
        let ChartKind::Scatter {
            groups,
            x_scale,
            y_scale,
            reference,
            x_label,
            ..
        } = &chart.kind
        else {
            panic!("{chart:?}")
        };
        assert_eq!(x_label, "Predicted spend");
        assert_eq!((*x_scale, *y_scale), (AxisScale::Log1p, AxisScale::Log1p));
        assert!(matches!(reference, Some(ReferenceLine::Diagonal { .. })));
        // x = predicted, y = actual; the NaN prediction left out.
        assert_eq!(groups[0].points, vec![(10.0, 0.0), (100.0, 120.0)]);
        assert_eq!(groups[0].labels, Some(vec!["C0".into(), "C1".into()]));
        assert_eq!(chart.log_axes(), Some(true));
        let linear = chart.with_log_axes(false);
        assert_eq!(linear.log_axes(), Some(false));
        let json = serde_json::to_string(&linear).unwrap();
        assert!(!json.contains("log1p"), "{json}");
        assert!(json.contains(r#""reference":{"type":"diagonal""#), "{json}");
    }

    #[test]
    fn residuals_are_actual_minus_predicted_around_a_zero_line() {
        let data = Predictions {
            labels: &ids(2),
            actual: &[0.0, 300.0],
            predicted: &[40.0, 100.0],
        };
        let chart = residuals(text("value-res"), ValueFormat::Money, data, false);
        let ChartKind::Scatter {
            groups, reference, ..
        } = &chart.kind
        else {
            panic!("{chart:?}")
        };
        assert_eq!(groups[0].points, vec![(40.0, -40.0), (100.0, 200.0)]);
        assert!(matches!(reference, Some(ReferenceLine::Horizontal { y, .. }) if *y == 0.0));
    }

    #[test]
    fn big_scatters_are_thinned_evenly_and_say_so() {
        let n = 12_001;
        let actual: Vec<f64> = (0..n).map(|i| i as f64).collect();
        let data = Predictions {
            labels: &ids(n),
            actual: &actual,
            predicted: &actual,
        };
        let chart = actual_vs_predicted(text("value-avp"), ValueFormat::Money, data, false);
        assert_eq!(
            chart.subtitle,
            "Test part: 3 customers · 5,000 of 12,001 shown"
        );
        let ChartKind::Scatter { groups, .. } = &chart.kind else {
            panic!()
        };
        let points = &groups[0].points;
        assert_eq!(points.len(), MAX_SCATTER_POINTS);
        // First and last kept, and each label still names its own point.
        assert_eq!(points[0], (0.0, 0.0));
        assert_eq!(points[points.len() - 1], (12_000.0, 12_000.0));
        let labels = groups[0].labels.as_ref().unwrap();
        assert_eq!(labels[1], format!("C{}", points[1].0));
        assert_eq!(sample_indices(3, 5), vec![0, 1, 2]);
        assert_eq!(sample_indices(10, 3), vec![0, 4, 9]);
        assert!(sample_indices(10, 0).is_empty());
        let big = sample_indices(3_000_000, 5_000);
        assert_eq!((big[0], big[4_999]), (0, 2_999_999));
    }

    #[test]
    fn calibration_and_tracking_lines() {
        let x: Vec<String> = ["0", "1", "2", "7+"].map(String::from).into();
        let chart = actual_and_model_lines(
            text("value-calibration"),
            ValueFormat::Number,
            x,
            ("Actual", &[0.2, 0.5, f64::NAN, 3.1]),
            ("Model", &[0.25, 0.45, 0.9, 2.8]),
        )
        .with_x_notes(vec!["1,414 customers".into(); 4])
        .with_x_marker(2.5, "cutoff 2011-09-10");
        let ChartKind::Line {
            series,
            x_notes,
            x_marker,
            ..
        } = &chart.kind
        else {
            panic!("{chart:?}")
        };
        assert_eq!(series[0].values[2], None);
        assert!(!series[0].dashed && series[1].dashed);
        assert_eq!(x_notes.as_ref().map(Vec::len), Some(4));
        assert_eq!(x_marker.as_ref().map(|m| m.position), Some(2.5));
        let json = serde_json::to_string(&chart).unwrap();
        assert!(json.contains(r#""dashed":true"#), "{json}");
        assert!(json.contains(r#""x_marker":{"position":2.5,"label":"cutoff 2011-09-10"}"#));
        let back: Chart = serde_json::from_str(&json).unwrap();
        assert_eq!(back, chart);
    }

    #[test]
    fn probability_matrix_is_percent_on_a_sequential_scale() {
        let chart = probability_matrix(
            text("value-palive"),
            "P(alive)",
            (vec!["0".into(), "1".into()], vec!["0–30".into()]),
            &[vec![Some(0.123)], vec![None]],
            None,
        );
        let ChartKind::Heatmap {
            cells,
            column_labels,
            color_scale,
            value_format,
            min,
            max,
            ..
        } = &chart.kind
        else {
            panic!("{chart:?}")
        };
        assert_eq!(cells, &vec![vec![Some(12.3)], vec![None]]);
        assert_eq!(column_labels.as_deref(), Some(&["0–30".to_string()][..]));
        assert_eq!(*color_scale, ColorScale::Sequential);
        assert_eq!(
            (*value_format, *min, *max),
            (ValueFormat::Percent, 0.0, 100.0)
        );
        let back: Chart = serde_json::from_str(&serde_json::to_string(&chart).unwrap()).unwrap();
        assert_eq!(back, chart);
    }

    #[test]
    fn log1p_bins_are_round_and_cover_the_values() {
        assert_eq!(
            log1p_bin_edges(0.0, 600.0),
            vec![0.0, 1.0, 2.0, 5.0, 10.0, 20.0, 50.0, 100.0, 200.0, 500.0, 1000.0]
        );
        assert_eq!(log1p_bin_edges(0.0, 0.0), vec![0.0, 1.0]);
        assert_eq!(log1p_bin_edges(-3.0, 1.0), vec![-5.0, -2.0, -1.0, 0.0, 1.0]);
        assert_eq!(log1p_bin_edges(f64::NAN, 1.0), vec![0.0, 1.0]);
        // Zeros, a spread and a top value on an edge: every value counted once.
        let values = [0.0, 0.0, 0.0, 0.5, 1.0, 150.0, 199.99, 200.0, f64::NAN];
        let chart = log1p_histogram(
            "value-clv",
            ("CLV", String::new()),
            "CLV",
            ValueFormat::Money,
            &values,
        )
        .unwrap();
        let ChartKind::Histogram { bins, x_scale, .. } = &chart.kind else {
            panic!()
        };
        assert_eq!(*x_scale, AxisScale::Log1p);
        let count = |lo: f64| bins.iter().find(|b| b.lo == lo).map(|b| b.count);
        assert_eq!(count(0.0), Some(4));
        assert_eq!(count(1.0), Some(1));
        assert_eq!(count(100.0), Some(3));
        assert_eq!(bins.iter().map(|b| b.count).sum::<u64>(), 8);
        assert_eq!(bins.last().map(|b| b.hi), Some(200.0));
        assert!(log1p_histogram("x", ("t", String::new()), "x", ValueFormat::Money, &[]).is_none());
    }
}
