//! Shared chart furniture: value and category axes with their layout, legends, messages.
//!
//! Layout is measured, not guessed: the plot area leaves exactly the room the tick labels and
//! axis titles need; category labels are drawn flat when they fit, thinned (months), cut with
//! an ellipsis, or slanted at 45° when there are many.

use std::f64::consts::FRAC_1_SQRT_2;

use super::format;
use super::paint::{Anchor, Drawn, Font, Painter, Rect};
use super::scale::{
    inner_ticks, log1p_signed, log1p_ticks, nice_domain, spaced_out, tick_target, widen, Band,
    Linear, Mapping, Ticks,
};
use super::theme::Rgba;
use crate::core::eda::ValueFormat;

pub const TICK_FONT: Font = Font::regular(11.5);
pub const TITLE_FONT: Font = Font::regular(12.0);
pub const LEGEND_FONT: Font = Font::regular(12.0);
/// Between an axis and its tick labels.
pub const TICK_GAP: f64 = 7.0;
/// Between tick labels and the axis title.
const TITLE_GAP: f64 = 6.0;
/// Longest slanted category label, css px.
const MAX_SLANTED: f64 = 100.0;
/// Vertical px per y tick, horizontal px per x tick (before measuring labels).
const Y_TICK_SPACING: f64 = 46.0;
const X_TICK_SPACING: f64 = 80.0;
/// Share of those spacings a log1p axis asks for (its crowded ticks are dropped afterwards).
const LOG1P_SPACING: f64 = 0.6;

/// What a value axis shows.
#[derive(Debug, Clone, Copy)]
pub struct ValueSpec<'a> {
    pub title: &'a str,
    pub format: ValueFormat,
    pub lo: f64,
    pub hi: f64,
    /// Whole-number ticks (counts).
    pub integer: bool,
    /// Extend the domain to round ticks (value axes); else keep `lo…hi` (histogram bins).
    pub extend: bool,
    /// A log1p axis (see `scale::log1p_signed`): `lo…hi` kept, ticks at 0 and powers of ten.
    pub log1p: bool,
}

impl<'a> ValueSpec<'a> {
    /// A value axis over `lo…hi` extended to round ticks, whole-number ticks for counts.
    pub fn extended(title: &'a str, format: ValueFormat, lo: f64, hi: f64) -> Self {
        Self {
            title,
            format,
            lo,
            hi,
            integer: format == ValueFormat::Count,
            extend: true,
            log1p: false,
        }
    }

    fn ticks(&self, length: f64, spacing: f64) -> (f64, f64, Ticks) {
        let target = tick_target(length, spacing);
        if self.log1p {
            // Uneven ticks: ask for more, and let `keep_spaced` drop those that collide.
            let target = tick_target(length, spacing * LOG1P_SPACING);
            let (lo, hi) = widen(self.lo, self.hi);
            (lo, hi, log1p_ticks(lo, hi, target))
        } else if self.extend {
            nice_domain(self.lo, self.hi, target, self.integer)
        } else {
            let (lo, hi) = widen(self.lo, self.hi);
            (lo, hi, inner_ticks(lo, hi, target, self.integer))
        }
    }

    /// The tick labels of `ticks`.
    fn labels(&self, ticks: &Ticks) -> Vec<String> {
        if self.log1p {
            format::log1p_tick_labels(&ticks.values, ticks.step, self.format)
        } else {
            format::tick_labels(&ticks.values, ticks.step, self.format)
        }
    }

    /// The scale from data `lo…hi` to the pixel `range` (log1p-transformed when `log1p`).
    fn scale(&self, (lo, hi): (f64, f64), range: (f64, f64)) -> Linear {
        if self.log1p {
            Linear::new((log1p_signed(lo), log1p_signed(hi)), range)
        } else {
            Linear::new((lo, hi), range)
        }
    }
}

/// A laid-out value axis.
#[derive(Debug, Clone)]
pub struct ValueAxis {
    /// In transformed units on a log1p axis: map data with [`ValueAxis::map`].
    pub scale: Linear,
    /// Tick positions in data units.
    pub ticks: Vec<f64>,
    pub labels: Vec<String>,
    pub log1p: bool,
}

impl ValueAxis {
    /// Data → css px.
    pub fn mapping(&self) -> Mapping {
        Mapping {
            linear: self.scale,
            log1p: self.log1p,
        }
    }

    pub fn map(&self, v: f64) -> f64 {
        self.mapping().map(v)
    }
}

/// The horizontal axis: values, or categories in bands.
pub enum XSpec<'a> {
    Value(ValueSpec<'a>),
    Categories {
        title: &'a str,
        labels: &'a [String],
        /// Ordered labels (months) may be thinned out; others are cut or slanted instead.
        thin: bool,
    },
}

#[derive(Debug, Clone)]
pub enum XAxis {
    Value(ValueAxis),
    Categories {
        band: Band,
        /// Label per band as drawn; empty = not drawn (thinned).
        labels: Vec<String>,
        slanted: bool,
    },
}

/// Plot area and both axes of a cartesian chart.
#[derive(Debug, Clone)]
pub struct Axes {
    pub frame: Rect,
    pub plot: Rect,
    pub y: ValueAxis,
    pub x: XAxis,
    pub x_title: String,
    pub y_title: String,
    /// Vertical grid lines at x ticks (scatter).
    pub x_grid: bool,
}

impl Axes {
    /// The category bands along the bottom (`n` bands over the plot width for a value axis).
    pub fn band(&self, n: usize) -> Band {
        match &self.x {
            XAxis::Categories { band, .. } => *band,
            XAxis::Value(_) => Band::new(self.plot.x, self.plot.w, n),
        }
    }

    /// The scale of a value axis along the bottom (`domain` over the plot width for categories).
    pub fn x_scale(&self, domain: (f64, f64)) -> Linear {
        match &self.x {
            XAxis::Value(axis) => axis.scale,
            XAxis::Categories { .. } => Linear::new(domain, (self.plot.x, self.plot.right())),
        }
    }

    /// Data → css px along the bottom (a linear `domain` over the plot width for categories).
    pub fn x_mapping(&self, domain: (f64, f64)) -> Mapping {
        match &self.x {
            XAxis::Value(axis) => axis.mapping(),
            XAxis::Categories { .. } => Mapping::linear(self.x_scale(domain)),
        }
    }
}

fn title_height(title: &str) -> f64 {
    if title.is_empty() {
        0.0
    } else {
        TITLE_FONT.line() + TITLE_GAP
    }
}

/// Lays out a chart with a vertical value axis on the left and `x` along the bottom.
pub fn layout(p: &Painter, frame: Rect, x: &XSpec, y: &ValueSpec) -> Axes {
    let x_title = match x {
        XSpec::Value(spec) => spec.title,
        XSpec::Categories { title, .. } => title,
    };
    let tick_h = TICK_FONT.line() + TICK_GAP;
    let y_title_w = if y.title.is_empty() {
        0.0
    } else {
        TITLE_FONT.line() + TITLE_GAP
    };
    let mut bottom = tick_h + title_height(x_title);
    let mut min_left = 0.0;
    let mut slanted_fixed = None;
    let mut result = None;
    for _pass in 0..3 {
        let plot_h = (frame.h - bottom).max(1.0);
        let (ylo, yhi, yticks) = y.ticks(plot_h, Y_TICK_SPACING);
        let yticks = if y.log1p {
            let scale = y.scale((ylo, yhi), (plot_h, 0.0));
            let extent = TICK_FONT.line() / 2.0;
            keep_spaced(yticks, scale, |_| extent, 2.0)
        } else {
            yticks
        };
        let ylabels = y.labels(&yticks);
        let ylab_w = p.measure_max(ylabels.iter().map(String::as_str), TICK_FONT);
        let left = (y_title_w + ylab_w + TICK_GAP).max(min_left);
        let plot = Rect::new(frame.x + left, frame.y, frame.w - left, plot_h);
        let y_axis = ValueAxis {
            scale: y.scale((ylo, yhi), (plot.bottom(), plot.y)),
            ticks: yticks.values,
            labels: ylabels,
            log1p: y.log1p,
        };
        let x_axis = match x {
            XSpec::Value(spec) => XAxis::Value(value_axis_x(p, plot, spec)),
            XSpec::Categories { labels, thin, .. } => {
                let (axis, need_bottom, need_left) =
                    category_axis_x(p, plot, labels, *thin, slanted_fixed);
                if let XAxis::Categories { slanted, .. } = &axis {
                    slanted_fixed = Some(*slanted);
                }
                let need_bottom = need_bottom + title_height(x_title);
                if need_bottom > bottom + 0.5 || need_left > min_left + 0.5 {
                    bottom = bottom.max(need_bottom);
                    min_left = min_left.max(need_left);
                    result = Some((plot, y_axis, axis));
                    continue;
                }
                axis
            }
        };
        result = Some((plot, y_axis, x_axis));
        break;
    }
    let (plot, y_axis, x_axis) = result.unwrap_or_else(|| {
        let plot = frame;
        (
            plot,
            ValueAxis {
                scale: Linear::new((0.0, 1.0), (plot.bottom(), plot.y)),
                ticks: Vec::new(),
                labels: Vec::new(),
                log1p: false,
            },
            XAxis::Value(ValueAxis {
                scale: Linear::new((0.0, 1.0), (plot.x, plot.right())),
                ticks: Vec::new(),
                labels: Vec::new(),
                log1p: false,
            }),
        )
    });
    Axes {
        frame,
        plot,
        y: y_axis,
        x: x_axis,
        x_title: x_title.to_string(),
        y_title: y.title.to_string(),
        x_grid: false,
    }
}

/// `ticks` of a log1p axis (data units, mapped by `scale` after the transform) without those
/// whose labels (reaching `extent(i)` either side) would collide: see `scale::spaced_out`.
fn keep_spaced(ticks: Ticks, scale: Linear, extent: impl Fn(usize) -> f64, gap: f64) -> Ticks {
    let positions: Vec<f64> = ticks
        .values
        .iter()
        .map(|&v| scale.map(log1p_signed(v)))
        .collect();
    let extents: Vec<f64> = (0..ticks.values.len()).map(extent).collect();
    let kept = spaced_out(&ticks.values, &positions, &extents, gap);
    Ticks {
        values: kept
            .iter()
            .filter_map(|&i| ticks.values.get(i).copied())
            .collect(),
        step: ticks.step,
    }
}

/// A horizontal value axis along `plot`, with as many ticks as their labels allow.
pub fn value_axis_x(p: &Painter, plot: Rect, spec: &ValueSpec) -> ValueAxis {
    if spec.log1p {
        let (lo, hi, ticks) = spec.ticks(plot.w, X_TICK_SPACING);
        let scale = spec.scale((lo, hi), (plot.x, plot.right()));
        let widths: Vec<f64> = spec
            .labels(&ticks)
            .iter()
            .map(|l| p.measure(l, TICK_FONT))
            .collect();
        let extent = |i: usize| widths.get(i).copied().unwrap_or(0.0) / 2.0;
        let ticks = keep_spaced(ticks, scale, extent, 10.0);
        return ValueAxis {
            scale,
            labels: spec.labels(&ticks),
            ticks: ticks.values,
            log1p: true,
        };
    }
    let mut spacing = X_TICK_SPACING;
    let mut last = None;
    for _ in 0..4 {
        let (lo, hi, ticks) = spec.ticks(plot.w, spacing);
        let labels = spec.labels(&ticks);
        let widest = p.measure_max(labels.iter().map(String::as_str), TICK_FONT);
        let per_tick = plot.w / ticks.values.len().max(1) as f64;
        let axis = ValueAxis {
            scale: spec.scale((lo, hi), (plot.x, plot.right())),
            ticks: ticks.values,
            labels,
            log1p: spec.log1p,
        };
        if widest + 14.0 <= per_tick || spacing > plot.w {
            return axis;
        }
        spacing = (widest + 24.0).max(spacing * 1.5);
        last = Some(axis);
    }
    last.unwrap_or(ValueAxis {
        scale: spec.scale(widen(spec.lo, spec.hi), (plot.x, plot.right())),
        ticks: Vec::new(),
        labels: Vec::new(),
        log1p: spec.log1p,
    })
}

/// Category labels under bands: flat, thinned, cut or slanted. Returns the axis and the room
/// it needs below the plot and left of it (slanted labels reach left).
fn category_axis_x(
    p: &Painter,
    plot: Rect,
    labels: &[String],
    thin: bool,
    slanted_fixed: Option<bool>,
) -> (XAxis, f64, f64) {
    let n = labels.len();
    let band = Band::new(plot.x, plot.w, n.max(1));
    let flat_h = TICK_FONT.line() + TICK_GAP;
    let widths: Vec<f64> = labels.iter().map(|l| p.measure(l, TICK_FONT)).collect();
    let widest = widths.iter().copied().fold(0.0, f64::max);
    let flat = |labels: Vec<String>| {
        (
            XAxis::Categories {
                band,
                labels,
                slanted: false,
            },
            flat_h,
            0.0,
        )
    };
    if slanted_fixed != Some(true) {
        if widest + 8.0 <= band.step {
            return flat(labels.to_vec());
        }
        if thin {
            let need = (widest + 14.0) / band.step.max(0.1);
            let every = [1usize, 2, 3, 4, 6, 12, 24, 36, 48, 60, 120, 240]
                .into_iter()
                .find(|&k| k as f64 >= need)
                .unwrap_or_else(|| need.ceil().min(1e6) as usize)
                .max(1);
            let shown = labels
                .iter()
                .enumerate()
                .map(|(i, l)| {
                    if i % every == 0 {
                        l.clone()
                    } else {
                        String::new()
                    }
                })
                .collect();
            return flat(shown);
        }
        if band.step >= 52.0 || slanted_fixed == Some(false) {
            let room = band.step - 6.0;
            return flat(labels.iter().map(|l| p.fit(l, TICK_FONT, room)).collect());
        }
    }
    // Slanted at 45°: neighbours are band.step × sin 45° apart.
    let length = widest.min(MAX_SLANTED);
    let every = ((TICK_FONT.line() + 1.0) / (band.step * FRAC_1_SQRT_2).max(0.1))
        .ceil()
        .clamp(1.0, 1e6) as usize;
    let shown: Vec<String> = labels
        .iter()
        .enumerate()
        .map(|(i, l)| {
            if i % every == 0 {
                p.fit(l, TICK_FONT, length)
            } else {
                String::new()
            }
        })
        .collect();
    let first_w = shown
        .first()
        .map_or(0.0, |l| p.measure(l, TICK_FONT) * FRAC_1_SQRT_2);
    // The first label reaches left of its band by first_w − half a band.
    let need_left = (first_w - band.step / 2.0 - 3.0).max(0.0);
    let need_bottom = (length + TICK_FONT.size) * FRAC_1_SQRT_2 + TICK_GAP + 2.0;
    (
        XAxis::Categories {
            band,
            labels: shown,
            slanted: true,
        },
        need_bottom,
        need_left,
    )
}

/// Grid, tick labels and axis titles (drawn before the data).
pub fn draw(p: &mut Painter, axes: &Axes) -> Drawn {
    let plot = axes.plot;
    let (grid, muted) = (p.theme.grid, p.theme.muted);
    for (t, label) in axes.y.ticks.iter().zip(&axes.y.labels) {
        let y = axes.y.map(*t);
        p.hline(plot.x, plot.right(), y, 1.0, grid)?;
        p.text(label, plot.x - TICK_GAP, y, TICK_FONT, muted, Anchor::RIGHT)?;
    }
    draw_side_title(p, &axes.y_title, axes.frame, plot)?;
    let label_y = plot.bottom() + TICK_GAP;
    match &axes.x {
        XAxis::Value(axis) => draw_value_ticks_x(p, axis, plot, axes.x_grid)?,
        XAxis::Categories {
            band,
            labels,
            slanted,
        } => {
            for (i, label) in labels.iter().enumerate() {
                let x = band.center(i);
                if *slanted {
                    p.text_slanted(
                        label,
                        x + 3.0,
                        label_y + 2.0,
                        -std::f64::consts::FRAC_PI_4,
                        TICK_FONT,
                        muted,
                    )?;
                } else {
                    p.text(label, x, label_y, TICK_FONT, muted, Anchor::TOP)?;
                }
            }
        }
    }
    draw_bottom_title(p, &axes.x_title, axes.frame, plot)
}

/// Tick labels of a value axis under `plot`, with vertical grid lines when `grid`.
pub fn draw_value_ticks_x(p: &mut Painter, axis: &ValueAxis, plot: Rect, grid: bool) -> Drawn {
    let (grid_colour, muted) = (p.theme.grid, p.theme.muted);
    for (t, label) in axis.ticks.iter().zip(&axis.labels) {
        let x = axis.map(*t);
        if grid {
            p.vline(x, plot.y, plot.bottom(), 1.0, grid_colour)?;
        }
        p.text(
            label,
            x,
            plot.bottom() + TICK_GAP,
            TICK_FONT,
            muted,
            Anchor::TOP,
        )?;
    }
    Ok(())
}

/// The title of the axis along the bottom, centred under `plot` at the bottom of `frame`.
pub fn draw_bottom_title(p: &mut Painter, title: &str, frame: Rect, plot: Rect) -> Drawn {
    if title.is_empty() {
        return Ok(());
    }
    let colour = p.theme.text_2;
    let title = p.fit(title, TITLE_FONT, frame.w);
    p.text(
        &title,
        plot.x + plot.w / 2.0,
        frame.bottom(),
        TITLE_FONT,
        colour,
        Anchor::BOTTOM,
    )
}

/// The title of the axis on the left, turned, at the left edge of `frame`.
pub fn draw_side_title(p: &mut Painter, title: &str, frame: Rect, plot: Rect) -> Drawn {
    if title.is_empty() {
        return Ok(());
    }
    let colour = p.theme.text_2;
    let title = p.fit(title, TITLE_FONT, plot.h + 20.0);
    p.text_vertical(
        &title,
        frame.x + TITLE_FONT.line() / 2.0,
        plot.y + plot.h / 2.0,
        TITLE_FONT,
        colour,
    )
}

/// The x axis line at the bottom of the plot, or at y = 0 when 0 is inside the domain.
pub fn draw_baseline(p: &mut Painter, axes: &Axes) -> Drawn {
    let s = axes.y.scale;
    let (lo, hi) = (s.d0.min(s.d1), s.d0.max(s.d1));
    let y = if lo < 0.0 && hi > 0.0 {
        s.map(0.0)
    } else {
        axes.plot.bottom()
    };
    let colour = p.theme.axis;
    p.hline(axes.plot.x, axes.plot.right(), y, 1.0, colour)
}

/// How a legend entry is marked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mark {
    Line,
    /// A dashed series (a model's expectation).
    Dashed,
    Dot,
    Diamond,
    Ring,
}

#[derive(Debug, Clone)]
pub struct LegendItem {
    pub label: String,
    pub color: Rgba,
    pub mark: Mark,
}

/// Legend entries placed in rows.
#[derive(Debug, Clone, Default)]
pub struct Legend {
    entries: Vec<(LegendItem, f64, usize)>,
    rows: usize,
}

const LEGEND_MARK: f64 = 14.0;
const LEGEND_ROW: f64 = 20.0;
const MAX_LEGEND_ROWS: usize = 8;

impl Legend {
    /// The legend of several series or groups; none for a single one.
    pub fn of_series(p: &Painter, items: Vec<LegendItem>, width: f64) -> Self {
        if items.len() > 1 {
            Self::layout(p, items, width)
        } else {
            Self::default()
        }
    }

    /// Lays out `items` left to right within `width`, wrapping to at most eight rows (enough
    /// for 15 segments with long names).
    pub fn layout(p: &Painter, items: Vec<LegendItem>, width: f64) -> Self {
        let mut entries = Vec::with_capacity(items.len());
        let (mut x, mut row) = (0.0, 0usize);
        let max_label = (width - LEGEND_MARK - 6.0).clamp(20.0, 320.0);
        for mut item in items {
            item.label = p.fit(&item.label, LEGEND_FONT, max_label);
            let w = LEGEND_MARK + 6.0 + p.measure(&item.label, LEGEND_FONT);
            if x > 0.0 && x + w > width {
                row += 1;
                x = 0.0;
            }
            if row >= MAX_LEGEND_ROWS {
                break;
            }
            entries.push((item, x, row));
            x += w + 18.0;
        }
        let rows = entries.last().map_or(0, |e| e.2 + 1);
        Self { entries, rows }
    }

    /// Height including the gap below it; 0 for no legend.
    pub fn height(&self) -> f64 {
        if self.rows == 0 {
            0.0
        } else {
            self.rows as f64 * LEGEND_ROW + 6.0
        }
    }

    /// What is left of `frame` below the legend drawn at its top.
    pub fn below(&self, frame: Rect) -> Rect {
        let h = self.height();
        Rect::new(frame.x, frame.y + h, frame.w, frame.h - h)
    }

    pub fn draw(&self, p: &mut Painter, x: f64, y: f64) -> Drawn {
        let (text, bg) = (p.theme.text_2, p.theme.background);
        for (item, dx, row) in &self.entries {
            let cx = x + dx + LEGEND_MARK / 2.0;
            let cy = y + *row as f64 * LEGEND_ROW + LEGEND_ROW / 2.0;
            let c = item.color;
            match item.mark {
                Mark::Line => {
                    p.hline(cx - 7.0, cx + 7.0, cy, 2.0, c)?;
                    p.circle(cx, cy, 3.0, Some(c), Some((bg, 1.0)))?;
                }
                // Three dashes, no dot: told apart from a solid line with its dot at a glance.
                Mark::Dashed => {
                    for x in [cx - 9.0, cx - 2.0, cx + 5.0] {
                        p.hline(x, x + 4.0, cy, 2.0, c)?;
                    }
                }
                Mark::Dot => p.circle(cx, cy, 4.0, Some(c), None)?,
                Mark::Ring => p.circle(cx, cy, 3.5, None, Some((c, 1.25)))?,
                Mark::Diamond => diamond(p, cx, cy, 5.0, bg, c)?,
            }
            p.text(
                &item.label,
                x + dx + LEGEND_MARK + 6.0,
                cy,
                LEGEND_FONT,
                text,
                Anchor::LEFT,
            )?;
        }
        Ok(())
    }
}

/// A diamond marker of half-size `r`: `fill` inside a `stroke` outline.
pub fn diamond(p: &mut Painter, x: f64, y: f64, r: f64, fill: Rgba, stroke: Rgba) -> Drawn {
    p.polygon(&[(x, y - r), (x + r, y), (x, y + r), (x - r, y)], stroke)?;
    let inner = r - 1.8;
    p.polygon(
        &[
            (x, y - inner),
            (x + inner, y),
            (x, y + inner),
            (x - inner, y),
        ],
        fill,
    )
}

/// A centred note in place of a chart (no data).
pub fn message(p: &mut Painter, frame: Rect, text: &str) -> Drawn {
    let muted = p.theme.muted;
    p.text(
        text,
        frame.x + frame.w / 2.0,
        frame.y + frame.h / 2.0,
        Font::regular(13.0),
        muted,
        Anchor::CENTER,
    )
}
