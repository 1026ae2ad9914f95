//! Draws a [`Chart`] on a `<canvas>` with plotters + plotters-canvas (wasm32 only).
//!
//! - [`draw`] sizes the canvas backing store to its css size × `devicePixelRatio` (crisp on
//!   HiDPI screens) and draws the chart; the returned [`ChartLayout`] answers hover questions
//!   ([`ChartLayout::hit`] → [`Tooltip`]) without redrawing.
//! - [`download_chart_png`] renders the chart again off-screen, at 2× and with its title and
//!   subtitle, so the PNG explains itself, and downloads it ([`download_png`]).
//!
//! Layout, ticks and labels are computed here (see `axes`), not by plotters' `ChartBuilder`:
//! its text measuring injects inline-styled `<span>`s, which the page's CSP refuses.
//! Drawing never panics on odd data (empty, NaN, equal values, huge numbers, one category):
//! such values are skipped or the axis widened, and an empty chart shows "No data to show".
//!
//! Depends on `core::eda` (the chart data) and web-sys; never on the UI.

mod axes;
mod bar;
mod boxplot;
mod curves;
mod dendrogram;
mod export;
mod format;
mod geometry;
mod heatmap;
mod histogram;
mod labels;
mod line;
mod paint;
mod scale;
mod scatter;
mod silhouette;
mod theme;

use web_sys::HtmlCanvasElement;

use crate::core::eda::{Chart, ChartKind};

pub use export::{download_chart_png, download_png, file_stem, render_png_canvas};
pub use paint::Rect;
pub use theme::{Theme, ThemeMode};

use paint::{Anchor, Font, Painter};

/// Inner margins of the canvas, css px.
const PAD_TOP: f64 = 10.0;
const PAD_RIGHT: f64 = 16.0;
const PAD_BOTTOM: f64 = 4.0;
const PAD_LEFT: f64 = 6.0;
/// Extra margin of exported PNGs.
const EXPORT_MARGIN: f64 = 10.0;
/// Backing stores above this many pixels get a lower pixel ratio (memory, speed).
const MAX_BACKING_PIXELS: f64 = 16.0e6;

/// Why a chart could not be drawn.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ChartError {
    /// The canvas has no size (hidden, or not laid out yet): nothing to draw, nothing wrong.
    #[error("the chart area has no size")]
    NotVisible,
    #[error("this browser gave no 2D drawing context for the chart")]
    NoContext,
    #[error("the chart could not be drawn: {0}")]
    Draw(String),
    #[error("the PNG could not be made: {0}")]
    Export(String),
}

/// Something to show over the chart while hovering, in css px of the canvas.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Highlight {
    /// A band (bar, bin, box): tinted.
    Rect { x: f64, y: f64, w: f64, h: f64 },
    /// A heatmap cell: outlined.
    Cell { x: f64, y: f64, w: f64, h: f64 },
    /// A ring around a point.
    Point { x: f64, y: f64, r: f64 },
    /// A vertical guide line.
    Guide { x: f64, y: f64, h: f64 },
}

/// A data point to ring while hovering (line charts: every series at the hovered month).
#[derive(Debug, Clone, PartialEq)]
pub struct Marker {
    pub x: f64,
    pub y: f64,
    /// CSS colour.
    pub color: String,
}

/// What the pointer is over.
#[derive(Debug, Clone, PartialEq)]
pub struct Tooltip {
    pub title: String,
    pub lines: Vec<String>,
    /// A colour swatch (CSS colour) for the title, where it names a group.
    pub swatch: Option<String>,
    /// A colour swatch per line, where the line names a series.
    pub swatches: Vec<Option<String>>,
    pub highlight: Option<Highlight>,
    pub markers: Vec<Marker>,
}

impl Tooltip {
    fn new(title: impl Into<String>, lines: Vec<String>, highlight: Option<Highlight>) -> Self {
        let swatches = vec![None; lines.len()];
        Self {
            title: title.into(),
            lines,
            swatch: None,
            swatches,
            highlight,
            markers: Vec::new(),
        }
    }
}

/// Per-kind geometry kept for hit-testing.
#[derive(Debug, Clone)]
enum Detail {
    Empty,
    Histogram(histogram::Layout),
    BoxPlot(boxplot::Layout),
    Bar(bar::Layout),
    Heatmap(heatmap::Layout),
    Line(line::Layout),
    Scatter(scatter::Layout),
    Silhouette(silhouette::Layout),
    Dendrogram(dendrogram::Layout),
    Curves(curves::Layout),
}

/// Where things were drawn (css px), to map the pointer back to data.
#[derive(Debug, Clone)]
pub struct ChartLayout {
    /// Css size the chart was drawn at.
    pub width: f64,
    pub height: f64,
    /// The plot area (inside the axes).
    pub plot: Rect,
    detail: Detail,
}

impl ChartLayout {
    /// The tooltip for the pointer at (`css_x`, `css_y`) relative to the canvas, if it is over
    /// data. `chart` must be the chart that was drawn (a different one gives `None`).
    pub fn hit(&self, chart: &Chart, css_x: f64, css_y: f64) -> Option<Tooltip> {
        if !(css_x.is_finite() && css_y.is_finite()) {
            return None;
        }
        match (&self.detail, &chart.kind) {
            (Detail::Histogram(l), ChartKind::Histogram { bins, x_format, .. }) => {
                l.hit(bins, *x_format, css_x, css_y)
            }
            (
                Detail::BoxPlot(l),
                ChartKind::BoxPlot {
                    y_format, boxes, ..
                },
            ) => l.hit(boxes, *y_format, css_x, css_y),
            (Detail::Bar(l), ChartKind::Bar { bars, y_format, .. }) => {
                l.hit(bars, *y_format, css_x, css_y)
            }
            (Detail::Heatmap(l), kind @ ChartKind::Heatmap { .. }) => {
                l.hit(&heatmap::Grid::of(kind)?, css_x, css_y)
            }
            (
                Detail::Line(l),
                ChartKind::Line {
                    x,
                    series,
                    y_format,
                    x_notes,
                    ..
                },
            ) => l.hit((x, x_notes.as_deref()), series, *y_format, css_x, css_y),
            (Detail::Scatter(l), ChartKind::Scatter { groups, .. }) => l.hit(groups, css_x, css_y),
            (Detail::Silhouette(l), ChartKind::Silhouette { segments, .. }) => {
                l.hit(segments, css_x, css_y)
            }
            (
                Detail::Dendrogram(l),
                ChartKind::Dendrogram {
                    leaf_sizes, merges, ..
                },
            ) => l.hit(leaf_sizes, merges, css_x, css_y),
            (Detail::Curves(l), ChartKind::Curves { series, marker, .. }) => {
                l.hit(series, marker.as_ref(), css_x, css_y)
            }
            _ => None,
        }
    }
}

/// How to draw; [`draw`] uses the defaults.
#[derive(Debug, Clone, Default)]
pub struct DrawOptions {
    /// Css size; default: the canvas's laid-out size.
    pub size: Option<(f64, f64)>,
    /// Default: `window.devicePixelRatio`.
    pub pixel_ratio: Option<f64>,
    /// Default: the page's light or dark scheme.
    pub theme: Option<Theme>,
    /// Draw the title and subtitle at the top (for PNGs; on screen the card shows them).
    pub with_title: bool,
}

/// Draws `chart` filling `canvas` (its css size), crisp at the screen's pixel ratio.
pub fn draw(canvas: &HtmlCanvasElement, chart: &Chart) -> Result<ChartLayout, ChartError> {
    draw_with(canvas, chart, &DrawOptions::default())
}

fn device_pixel_ratio() -> f64 {
    web_sys::window().map_or(1.0, |w| w.device_pixel_ratio())
}

/// [`draw`] with explicit size, pixel ratio, theme and title.
pub fn draw_with(
    canvas: &HtmlCanvasElement,
    chart: &Chart,
    options: &DrawOptions,
) -> Result<ChartLayout, ChartError> {
    let (width, height) = options.size.unwrap_or_else(|| {
        let r = canvas.get_bounding_client_rect();
        (r.width(), r.height())
    });
    if !(width >= 40.0 && height >= 40.0 && width.is_finite() && height.is_finite()) {
        return Err(ChartError::NotVisible);
    }
    let mut dpr = options.pixel_ratio.unwrap_or_else(device_pixel_ratio);
    if !dpr.is_finite() {
        dpr = 1.0;
    }
    dpr = dpr.clamp(1.0, 4.0);
    let area = width * height * dpr * dpr;
    if area > MAX_BACKING_PIXELS {
        dpr = (dpr * (MAX_BACKING_PIXELS / area).sqrt()).max(0.25);
    }
    // Setting the size also clears the canvas and resets the context state.
    canvas.set_width((width * dpr).round() as u32);
    canvas.set_height((height * dpr).round() as u32);

    let theme = options.theme.clone().unwrap_or_else(Theme::current);
    let mut p = Painter::new(canvas, dpr, theme)?;
    p.clear(width, height)?;

    // A PNG has no card around it: a title on top and a margin all round.
    let (top, margin) = if options.with_title {
        (draw_title(&mut p, chart, width)?, EXPORT_MARGIN)
    } else {
        (0.0, 0.0)
    };
    let frame = Rect::new(
        PAD_LEFT + margin,
        top + PAD_TOP,
        width - PAD_LEFT - PAD_RIGHT - 2.0 * margin,
        height - top - PAD_TOP - PAD_BOTTOM - margin,
    );

    let detail = match &chart.kind {
        ChartKind::Histogram {
            x_label,
            x_format,
            bins,
            x_scale,
        } => histogram::draw(&mut p, frame, x_label, *x_format, bins, *x_scale)?
            .map(Detail::Histogram),
        ChartKind::BoxPlot {
            y_label,
            y_format,
            boxes,
        } => boxplot::draw(&mut p, frame, y_label, *y_format, boxes)?.map(Detail::BoxPlot),
        ChartKind::Bar {
            x_label,
            y_label,
            y_format,
            bars,
            horizontal,
        } => {
            let spec = bar::Spec {
                x_label,
                y_label,
                y_format: *y_format,
                horizontal: *horizontal,
            };
            bar::draw(&mut p, frame, &spec, bars)?.map(Detail::Bar)
        }
        ChartKind::Heatmap { .. } => match heatmap::Grid::of(&chart.kind) {
            Some(grid) => heatmap::draw(&mut p, frame, &grid)?.map(Detail::Heatmap),
            None => None,
        },
        ChartKind::Line {
            x_label,
            y_label,
            y_format,
            x,
            series,
            x_notes: _,
            x_marker,
        } => {
            let spec = line::Spec {
                x_label,
                y_label,
                y_format: *y_format,
                x_marker: x_marker.as_ref(),
            };
            line::draw(&mut p, frame, &spec, x, series)?.map(Detail::Line)
        }
        ChartKind::Scatter { .. } => {
            scatter::draw(&mut p, frame, &chart.kind)?.map(Detail::Scatter)
        }
        ChartKind::Silhouette {
            x_label,
            segments,
            mean,
        } => silhouette::draw(&mut p, frame, x_label, segments, *mean)?.map(Detail::Silhouette),
        ChartKind::Dendrogram {
            y_label,
            leaf_sizes,
            merges,
            cut_height,
        } => dendrogram::draw(&mut p, frame, y_label, leaf_sizes, merges, *cut_height)?
            .map(Detail::Dendrogram),
        ChartKind::Curves { .. } => curves::draw(&mut p, frame, &chart.kind)?.map(Detail::Curves),
    };
    let detail = match detail {
        Some(d) => d,
        None => {
            axes::message(&mut p, frame, "No data to show")?;
            Detail::Empty
        }
    };
    let plot = match &detail {
        Detail::Empty => frame,
        Detail::Histogram(l) => l.plot(),
        Detail::BoxPlot(l) => l.plot(),
        Detail::Bar(l) => l.plot(),
        Detail::Heatmap(l) => l.plot(),
        Detail::Line(l) => l.plot(),
        Detail::Scatter(l) => l.plot(),
        Detail::Silhouette(l) => l.plot(),
        Detail::Dendrogram(l) => l.plot(),
        Detail::Curves(l) => l.plot(),
    };
    Ok(ChartLayout {
        width,
        height,
        plot,
        detail,
    })
}

const TITLE_FONT: Font = Font::bold(15.0);
const SUBTITLE_FONT: Font = Font::regular(12.5);
const TITLE_TOP: f64 = 14.0;
const TITLE_LEFT: f64 = 16.0;

/// Height of the title block [`draw_with`] adds with `with_title`.
pub fn title_height(chart: &Chart) -> f64 {
    let mut h = TITLE_TOP + TITLE_FONT.line();
    if !chart.subtitle.is_empty() {
        h += 2.0 + SUBTITLE_FONT.line();
    }
    h + 8.0
}

fn draw_title(p: &mut Painter, chart: &Chart, width: f64) -> Result<f64, ChartError> {
    let room = width - 2.0 * TITLE_LEFT;
    let (text, muted) = (p.theme.text, p.theme.muted);
    let title = p.fit(&chart.title, TITLE_FONT, room);
    let mut y = TITLE_TOP;
    p.text(&title, TITLE_LEFT, y, TITLE_FONT, text, Anchor::TOP_LEFT)?;
    y += TITLE_FONT.line();
    if !chart.subtitle.is_empty() {
        y += 2.0;
        let subtitle = p.fit(&chart.subtitle, SUBTITLE_FONT, room);
        p.text(
            &subtitle,
            TITLE_LEFT,
            y,
            SUBTITLE_FONT,
            muted,
            Anchor::TOP_LEFT,
        )?;
    }
    Ok(title_height(chart))
}

/// A good css height for `chart` drawn `css_width` wide (0 = not known yet): taller for many
/// bars; a matrix as tall as the width lets its square grow, plus room for its labels.
/// Narrowest css width at which the chart labels everything it draws, for a chart that then
/// scrolls sideways inside its card (a heatmap of many columns on a phone); `None`: any width.
pub fn min_width(chart: &Chart) -> Option<u32> {
    match &chart.kind {
        ChartKind::Heatmap {
            column_labels: Some(_),
            ..
        } => {
            let columns = heatmap::Grid::of(&chart.kind).map_or(0, |g| heatmap::column_count(&g));
            let frame = heatmap::min_grid_width(columns.min(100));
            Some((frame + PAD_LEFT + PAD_RIGHT).ceil() as u32)
        }
        ChartKind::Heatmap {
            labels, x_label, ..
        } => {
            let mut frame = heatmap::min_frame_width(labels.len().min(100));
            if !x_label.is_empty() {
                frame = frame.max(heatmap::min_named_frame_width(labels));
            }
            Some((frame + PAD_LEFT + PAD_RIGHT).ceil() as u32)
        }
        _ => None,
    }
}

pub fn preferred_height(chart: &Chart, css_width: f64) -> u32 {
    match &chart.kind {
        // Rows of about 24 px, plus the column labels and the axis title.
        ChartKind::Heatmap {
            labels,
            column_labels: Some(_),
            ..
        } => (labels.len().min(100) as u32 * 24 + 110).clamp(240, 620),
        ChartKind::Heatmap { labels, .. } => {
            let by_count = labels.len().min(100) as f64 * 36.0 + 140.0;
            let by_width = if css_width.is_finite() && css_width > 0.0 {
                css_width * 0.62 + 110.0
            } else {
                f64::INFINITY
            };
            (by_count.min(by_width).clamp(220.0, 600.0) / 10.0).round() as u32 * 10
        }
        ChartKind::Bar {
            bars,
            horizontal: true,
            ..
        } => (bars.len().min(100) as u32 * 24 + 72).clamp(180, 620),
        ChartKind::Bar { bars, .. } if bars.len() > 10 => 300,
        ChartKind::Silhouette { segments, .. } => {
            (segments.len().min(100) as u32 * 56 + 110).clamp(280, 560)
        }
        ChartKind::Dendrogram { .. } | ChartKind::Curves { .. } => 320,
        _ => 280,
    }
}
