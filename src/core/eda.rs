//! Exploratory charts as data: what to draw, already binned and sampled to what a screen shows.
//!
//! The worker computes a [`Chart`] from the customer table (or the transactions) and sends it
//! to the UI, whose `charts` module draws it on a canvas. No drawing here, no web-sys.
//! A chart never carries more than a few thousand numbers, whatever the table size.

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
    /// Square matrix; `cells[row][col]`, `None` where undefined (constant column).
    Heatmap {
        labels: Vec<String>,
        cells: Vec<Vec<Option<f64>>>,
        min: f64,
        max: f64,
        value_format: ValueFormat,
    },
    /// Series over categorical x positions (e.g. months "2011-01").
    Line {
        x_label: String,
        y_label: String,
        y_format: ValueFormat,
        x: Vec<String>,
        series: Vec<LineSeries>,
    },
    Scatter {
        x_label: String,
        y_label: String,
        x_format: ValueFormat,
        y_format: ValueFormat,
        groups: Vec<ScatterGroup>,
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
    /// Values beyond the whiskers, at most [`MAX_OUTLIER_POINTS`] (evenly sampled).
    pub outliers: Vec<f64>,
    /// How many values lie beyond the whiskers in all.
    pub n_outliers: u64,
}

/// Most outlier points a box plot carries.
pub const MAX_OUTLIER_POINTS: usize = 200;

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
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScatterGroup {
    pub name: String,
    pub points: Vec<(f64, f64)>,
}
