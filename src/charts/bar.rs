//! Bar charts, vertical (categories along the bottom) or horizontal (long labels on the left,
//! values written at the bar ends).

use super::axes::{self, Axes, ValueAxis, ValueSpec, XSpec, TICK_FONT, TICK_GAP, TITLE_FONT};
use super::format;
use super::paint::{Anchor, Font, Painter, Rect};
use super::scale::{finite_extent, Band, Linear};
use super::{ChartError, Highlight, Tooltip};
use crate::core::eda::{BarValue, ValueFormat};

const VALUE_FONT: Font = Font::regular(11.0);

pub struct Spec<'a> {
    pub x_label: &'a str,
    pub y_label: &'a str,
    pub y_format: ValueFormat,
    pub horizontal: bool,
}

#[derive(Debug, Clone)]
pub struct Layout {
    plot: Rect,
    band: Band,
    horizontal: bool,
    /// Left edge of the hover area: horizontal bars answer over their labels too.
    hover_left: f64,
}

impl Layout {
    pub fn plot(&self) -> Rect {
        self.plot
    }

    pub fn hit(&self, bars: &[BarValue], format: ValueFormat, x: f64, y: f64) -> Option<Tooltip> {
        let p = self.plot;
        let (i, highlight) = if self.horizontal {
            if x < self.hover_left || x > p.right() || y < p.y || y > p.bottom() {
                return None;
            }
            let i = self.band.index_at(y)?;
            let top = self.band.start + i as f64 * self.band.step;
            (
                i,
                Highlight::Rect {
                    x: p.x,
                    y: top,
                    w: p.w,
                    h: self.band.step,
                },
            )
        } else {
            if !p.contains(x, y) {
                return None;
            }
            let i = self.band.index_at(x)?;
            let left = self.band.start + i as f64 * self.band.step;
            (
                i,
                Highlight::Rect {
                    x: left,
                    y: p.y,
                    w: self.band.step,
                    h: p.h,
                },
            )
        };
        let bar = bars.get(i)?;
        Some(Tooltip::new(
            bar.label.clone(),
            vec![format::value(bar.value, format)],
            Some(highlight),
        ))
    }
}

pub fn draw(
    p: &mut Painter,
    frame: Rect,
    spec: &Spec,
    bars: &[BarValue],
) -> Result<Option<Layout>, ChartError> {
    if bars.is_empty() {
        return Ok(None);
    }
    let (lo, hi) = finite_extent(bars.iter().map(|b| b.value)).unwrap_or((0.0, 1.0));
    let (lo, hi) = (lo.min(0.0), hi.max(0.0));
    let value_spec = ValueSpec::extended(spec.y_label, spec.y_format, lo, hi);
    if spec.horizontal {
        horizontal(p, frame, spec, &value_spec, bars).map(Some)
    } else {
        vertical(p, frame, spec, &value_spec, bars).map(Some)
    }
}

fn vertical(
    p: &mut Painter,
    frame: Rect,
    spec: &Spec,
    value_spec: &ValueSpec,
    bars: &[BarValue],
) -> Result<Layout, ChartError> {
    let labels: Vec<String> = bars.iter().map(|b| b.label.clone()).collect();
    let axes: Axes = axes::layout(
        p,
        frame,
        &XSpec::Categories {
            title: spec.x_label,
            labels: &labels,
            thin: false,
        },
        value_spec,
    );
    axes::draw(p, &axes)?;
    let plot = axes.plot;
    let band = axes.band(bars.len());
    let ys = axes.y.scale;
    let fill = p.theme.accent();
    let width = (band.step * 0.72).clamp(1.0, 64.0);
    // Value labels on top when every one fits its band.
    let texts: Vec<String> = bars
        .iter()
        .map(|b| format::short_value(b.value, spec.y_format))
        .collect();
    let widest = p.measure_max(texts.iter().map(String::as_str), VALUE_FONT);
    let show_values = widest + 4.0 <= band.step && bars.len() <= 40;
    let (text_colour, on_bar) = (p.theme.text_2, p.theme.text_on(fill));
    for (i, (bar, text)) in bars.iter().zip(&texts).enumerate() {
        if !bar.value.is_finite() {
            continue;
        }
        let cx = band.center(i);
        let (y0, y1) = (ys.map(0.0), ys.map(bar.value));
        let (top, bottom) = (y0.min(y1), y0.max(y1));
        p.fill_rect(Rect::new(cx - width / 2.0, top, width, bottom - top), fill)?;
        if show_values {
            let above = bar.value >= 0.0;
            let room = if above {
                top - plot.y
            } else {
                plot.bottom() - bottom
            };
            if room >= VALUE_FONT.line() + 2.0 {
                let (y, anchor) = if above {
                    (top - 3.0, Anchor::BOTTOM)
                } else {
                    (bottom + 3.0, Anchor::TOP)
                };
                p.text(text, cx, y, VALUE_FONT, text_colour, anchor)?;
            } else if bottom - top >= VALUE_FONT.line() + 4.0 {
                let (y, anchor) = if above {
                    (top + 3.0, Anchor::TOP)
                } else {
                    (bottom - 3.0, Anchor::BOTTOM)
                };
                p.text(text, cx, y, VALUE_FONT, on_bar, anchor)?;
            }
        }
    }
    axes::draw_baseline(p, &axes)?;
    Ok(Layout {
        plot,
        band,
        horizontal: false,
        hover_left: plot.x,
    })
}

fn horizontal(
    p: &mut Painter,
    frame: Rect,
    spec: &Spec,
    value_spec: &ValueSpec,
    bars: &[BarValue],
) -> Result<Layout, ChartError> {
    let theme = p.theme.clone();
    let n = bars.len();
    // Left: category title (vertical) and labels, at most 40 % of the width.
    let cat_title_w = if spec.x_label.is_empty() {
        0.0
    } else {
        TITLE_FONT.line() + 6.0
    };
    let widest_label = p.measure_max(bars.iter().map(|b| b.label.as_str()), TICK_FONT);
    let label_w = widest_label.min(frame.w * 0.4).max(12.0);
    let left = cat_title_w + label_w + TICK_GAP;
    // Right: room for the value written at the end of the longest bar.
    let texts: Vec<String> = bars
        .iter()
        .map(|b| format::short_value(b.value, value_spec.format))
        .collect();
    let widest_value = p.measure_max(texts.iter().map(String::as_str), VALUE_FONT);
    let bottom = TICK_FONT.line()
        + TICK_GAP
        + if spec.y_label.is_empty() {
            0.0
        } else {
            TITLE_FONT.line() + 6.0
        };
    let plot_h = (frame.h - bottom).max(1.0);
    let band = Band::new(frame.y, plot_h, n);
    let show_values = band.step >= VALUE_FONT.size + 2.0;
    let right = if show_values { widest_value + 8.0 } else { 0.0 };
    let negative_room = if show_values && value_spec.lo < 0.0 {
        widest_value + 8.0
    } else {
        0.0
    };
    let plot = Rect::new(
        frame.x + left + negative_room,
        frame.y,
        frame.w - left - right - negative_room,
        plot_h,
    );
    let value_axis: ValueAxis = axes::value_axis_x(p, plot, value_spec);
    let xs: Linear = value_axis.scale;

    // Grid and value ticks along the bottom; the value title under them, categories' on the left.
    axes::draw_value_ticks_x(p, &value_axis, plot, true)?;
    axes::draw_bottom_title(p, spec.y_label, frame, plot)?;
    axes::draw_side_title(p, spec.x_label, frame, plot)?;

    // Labels: every one when rows are tall enough, else every k-th.
    let every = ((TICK_FONT.line() - 1.0) / band.step.max(0.1))
        .ceil()
        .clamp(1.0, 1e6) as usize;
    let label_x = frame.x + cat_title_w + label_w;
    let thickness = (band.step * 0.72).clamp(1.0, 28.0);
    let zero = xs.map(0.0);
    for (i, (bar, text)) in bars.iter().zip(&texts).enumerate() {
        let cy = band.center(i);
        if i % every == 0 {
            let label = p.fit(&bar.label, TICK_FONT, label_w);
            p.text(&label, label_x, cy, TICK_FONT, theme.text_2, Anchor::RIGHT)?;
        }
        if !bar.value.is_finite() {
            continue;
        }
        let end = xs.map(bar.value);
        let (a, b) = (zero.min(end), zero.max(end));
        p.fill_rect(
            Rect::new(a, cy - thickness / 2.0, b - a, thickness),
            theme.accent(),
        )?;
        if show_values {
            if bar.value >= 0.0 {
                p.text(text, b + 5.0, cy, VALUE_FONT, theme.text_2, Anchor::LEFT)?;
            } else {
                p.text(text, a - 5.0, cy, VALUE_FONT, theme.text_2, Anchor::RIGHT)?;
            }
        }
    }
    // The zero axis.
    p.vline(zero, plot.y, plot.bottom(), 1.0, theme.axis)?;
    Ok(Layout {
        plot,
        band,
        horizontal: true,
        hover_left: frame.x,
    })
}
