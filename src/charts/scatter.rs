//! Scatter plot of point groups (segments): one colour per group, translucent dots drawn in one
//! batch per group, a legend with group sizes.

use super::axes::{self, LegendItem, Mark, ValueSpec, XSpec};
use super::format;
use super::paint::{Painter, Rect};
use super::scale::{finite_extent, widen, Linear};
use super::theme::ThemeMode;
use super::{ChartError, Highlight, Tooltip};
use crate::core::eda::{ChartKind, ScatterGroup, ValueFormat};

/// Beyond this many points, every k-th is drawn (the worker sends far fewer).
const MAX_DRAWN: usize = 50_000;
/// Hover reach, css px.
const HIT_RADIUS: f64 = 8.0;

#[derive(Debug, Clone)]
pub struct Layout {
    plot: Rect,
    x: Linear,
    y: Linear,
    radius: f64,
    colours: Vec<String>,
    stride: usize,
    /// Axis names and formats for the tooltip.
    x_name: String,
    y_name: String,
    x_format: ValueFormat,
    y_format: ValueFormat,
}

impl Layout {
    pub fn plot(&self) -> Rect {
        self.plot
    }

    pub fn hit(&self, groups: &[ScatterGroup], px: f64, py: f64) -> Option<Tooltip> {
        if !self.plot.contains(px, py) {
            return None;
        }
        // Nearest drawn point; later groups are drawn on top, so they win ties.
        let mut best: Option<(f64, usize, (f64, f64))> = None;
        for (g, group) in groups.iter().enumerate() {
            for &(vx, vy) in group.points.iter().step_by(self.stride) {
                if !(vx.is_finite() && vy.is_finite()) {
                    continue;
                }
                let (sx, sy) = (self.x.map(vx), self.y.map(vy));
                let d = (sx - px).powi(2) + (sy - py).powi(2);
                if d <= HIT_RADIUS * HIT_RADIUS && best.is_none_or(|(bd, _, _)| d <= bd) {
                    best = Some((d, g, (vx, vy)));
                }
            }
        }
        let (_, g, (vx, vy)) = best?;
        let group = groups.get(g)?;
        let lines = vec![
            format!("{}: {}", self.x_name, format::value(vx, self.x_format)),
            format!("{}: {}", self.y_name, format::value(vy, self.y_format)),
        ];
        let title = if group.name.is_empty() {
            "Point".to_string()
        } else {
            group.name.clone()
        };
        let mut tip = Tooltip::new(
            title,
            lines,
            Some(Highlight::Point {
                x: self.x.map(vx),
                y: self.y.map(vy),
                r: self.radius + 3.0,
            }),
        );
        if groups.len() > 1 {
            tip.swatch = self.colours.get(g).cloned();
        }
        Some(tip)
    }
}

/// `label`, or `fallback` when it is empty.
fn name_or(label: &str, fallback: &str) -> String {
    if label.is_empty() {
        fallback.to_string()
    } else {
        label.to_string()
    }
}

/// Pads `lo…hi` by 4 % each side so that edge points are not cut by the frame.
fn padded(lo: f64, hi: f64) -> (f64, f64) {
    let (lo, hi) = widen(lo, hi);
    let pad = (hi - lo) * 0.04;
    (lo - pad, hi + pad)
}

pub fn draw(p: &mut Painter, frame: Rect, kind: &ChartKind) -> Result<Option<Layout>, ChartError> {
    let ChartKind::Scatter {
        x_label,
        y_label,
        x_format,
        y_format,
        groups,
    } = kind
    else {
        return Ok(None);
    };
    let all = || groups.iter().flat_map(|g| g.points.iter().copied());
    let finite = || all().filter(|(x, y)| x.is_finite() && y.is_finite());
    let (Some((xlo, xhi)), Some((ylo, yhi))) = (
        finite_extent(finite().map(|(x, _)| x)),
        finite_extent(finite().map(|(_, y)| y)),
    ) else {
        return Ok(None);
    };
    let total = all().count();
    let stride = total.div_ceil(MAX_DRAWN).max(1);
    let theme = p.theme.clone();
    let colours: Vec<_> = (0..groups.len()).map(|k| theme.series(k)).collect();
    let items = groups
        .iter()
        .zip(&colours)
        .map(|(g, c)| LegendItem {
            label: format!("{} ({})", g.name, format::fixed(g.points.len() as f64, 0)),
            color: *c,
            mark: Mark::Dot,
        })
        .collect();
    let legend = axes::Legend::of_series(p, items, frame.w);
    let (xlo, xhi) = padded(xlo, xhi);
    let (ylo, yhi) = padded(ylo, yhi);
    let mut axes = axes::layout(
        p,
        legend.below(frame),
        &XSpec::Value(ValueSpec {
            title: x_label,
            format: *x_format,
            lo: xlo,
            hi: xhi,
            integer: false,
            extend: false,
        }),
        &ValueSpec {
            title: y_label,
            format: *y_format,
            lo: ylo,
            hi: yhi,
            integer: false,
            extend: false,
        },
    );
    axes.x_grid = true;
    axes::draw(p, &axes)?;
    legend.draw(p, axes.plot.x, frame.y)?;
    let plot = axes.plot;
    let xs = axes.x_scale((xlo, xhi));
    let ys = axes.y.scale;
    let drawn = total / stride;
    let (radius, alpha) = if drawn > 8000 {
        (1.6, 0.45)
    } else if drawn > 2000 {
        (2.0, 0.55)
    } else if drawn > 300 {
        (2.6, 0.7)
    } else {
        (3.5, 0.85)
    };
    // Dots on a dark background need more ink to read as well.
    let alpha = if theme.mode == ThemeMode::Dark {
        (alpha + 0.15f64).min(0.95)
    } else {
        alpha
    };
    for (group, colour) in groups.iter().zip(&colours) {
        let points = group
            .points
            .iter()
            .step_by(stride)
            .map(|&(x, y)| (xs.map(x), ys.map(y)));
        p.dots(points, radius, colour.alpha(alpha))?;
    }
    let axis = theme.axis;
    p.hline(plot.x, plot.right(), plot.bottom(), 1.0, axis)?;
    Ok(Some(Layout {
        plot,
        x: xs,
        y: ys,
        radius,
        colours: colours.iter().map(|c| c.css()).collect(),
        stride,
        x_name: name_or(x_label, "x"),
        y_name: name_or(y_label, "y"),
        x_format: *x_format,
        y_format: *y_format,
    }))
}
