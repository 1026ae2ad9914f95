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
        /// `log1p_histogram`): each bin then keeps its width on screen.
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
    /// recency, see `probability_matrix`).
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
