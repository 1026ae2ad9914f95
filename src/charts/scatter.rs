//! Scatter plot of point groups (segments, customers): one colour per group, translucent dots
//! drawn in one batch per group, a legend with group sizes. Optionally log1p axes (ticks at 0, 1,
//! 10, 100 … in natural units), a dashed reference line (y = x: a perfect prediction; y = c: zero
//! residual) with its label, and a label per point (the customer id) as the tooltip's title.

use super::axes::{self, LegendItem, Mark, ValueSpec, XSpec};
use super::format;
use super::paint::{Font, Painter, Rect, DASH, DASH_GAP};
use super::scale::{exp_m1_signed, finite_extent, log1p_signed, widen, Mapping};
use super::theme::ThemeMode;
use super::{ChartError, Highlight, Tooltip};
use crate::core::eda::{AxisScale, ChartKind, ReferenceLine, ScatterGroup, ValueFormat};

/// Beyond this many points, every k-th is drawn (the worker sends far fewer).
const MAX_DRAWN: usize = 50_000;
/// Hover reach, css px.
const HIT_RADIUS: f64 = 8.0;
/// Points a reference line is drawn through when the axes differ (y = x is then a curve).
const REFERENCE_STEPS: usize = 240;
const REFERENCE_FONT: Font = Font::regular(11.5);

#[derive(Debug, Clone)]
pub struct Layout {
    plot: Rect,
    x: Mapping,
    y: Mapping,
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
        let mut best: Option<(f64, usize, usize, (f64, f64))> = None;
        for (g, group) in groups.iter().enumerate() {
            for (i, &(vx, vy)) in group.points.iter().enumerate().step_by(self.stride) {
                if !(vx.is_finite() && vy.is_finite()) {
                    continue;
                }
                let (sx, sy) = (self.x.map(vx), self.y.map(vy));
                let d = (sx - px).powi(2) + (sy - py).powi(2);
                if d <= HIT_RADIUS * HIT_RADIUS && best.is_none_or(|(bd, ..)| d <= bd) {
                    best = Some((d, g, i, (vx, vy)));
                }
            }
        }
        let (_, g, i, (vx, vy)) = best?;
        let group = groups.get(g)?;
        let mut lines = vec![
            format!("{}: {}", self.x_name, format::value(vx, self.x_format)),
            format!("{}: {}", self.y_name, format::value(vy, self.y_format)),
        ];
        let label = group
            .labels
            .as_ref()
            .and_then(|l| l.get(i))
            .filter(|l| !l.is_empty());
        let title = match label {
            // The point's own name; its group's under it when there are several.
            Some(label) => {
                if groups.len() > 1 && !group.name.is_empty() {
                    lines.insert(0, group.name.clone());
                }
                label.clone()
            }
            None if group.name.is_empty() => "Point".to_string(),
            None => group.name.clone(),
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

/// Pads `lo…hi` by 4 % each side so that edge points are not cut by the frame (4 % of the
/// log1p span on a log1p axis).
fn padded(lo: f64, hi: f64, scale: AxisScale) -> (f64, f64) {
    match scale {
        AxisScale::Linear => {
            let (lo, hi) = widen(lo, hi);
            let pad = (hi - lo) * 0.04;
            (lo - pad, hi + pad)
        }
        AxisScale::Log1p => {
            let (tlo, thi) = widen(log1p_signed(lo), log1p_signed(hi));
            let pad = (thi - tlo) * 0.04;
            (exp_m1_signed(tlo - pad), exp_m1_signed(thi + pad))
        }
    }
}

/// A value axis over `lo…hi` (already padded), as the scatter plot has always drawn it.
fn axis_spec(
    title: &str,
    format: ValueFormat,
    (lo, hi): (f64, f64),
    scale: AxisScale,
) -> ValueSpec<'_> {
    ValueSpec {
        title,
        format,
        lo,
        hi,
        integer: false,
        extend: false,
        log1p: scale == AxisScale::Log1p,
    }
}

/// A reference line in css px, its label and the label's top-left corner.
type ReferencePath = (Vec<(f64, f64)>, String, (f64, f64));

/// Where `reference` runs inside `plot`, in css px (a straight line when both axes are alike,
/// else a curve through many points), and its label's spot (top-left corner).
fn reference_path(
    p: &Painter,
    plot: Rect,
    (xs, ys): (Mapping, Mapping),
    reference: &ReferenceLine,
) -> Option<ReferencePath> {
    let gap = 4.0;
    match reference {
        ReferenceLine::Diagonal { label } => {
            // y = x over the x domain, kept where y is inside the y domain.
            let inside_y = |py: f64| py >= plot.y - 0.5 && py <= plot.bottom() + 0.5;
            let (t0, t1) = (xs.linear.d0, xs.linear.d1);
            let steps = if xs.log1p == ys.log1p {
                1
            } else {
                REFERENCE_STEPS
            };
            // Straight: clip y = x to both domains in data units first.
            let points: Vec<(f64, f64)> = if steps == 1 {
                let data = |t: f64| if xs.log1p { exp_m1_signed(t) } else { t };
                let ydata = |t: f64| if ys.log1p { exp_m1_signed(t) } else { t };
                let (xlo, xhi) = (data(t0.min(t1)), data(t0.max(t1)));
                let (ylo, yhi) = (
                    ydata(ys.linear.d0.min(ys.linear.d1)),
                    ydata(ys.linear.d0.max(ys.linear.d1)),
                );
                let (a, b) = (xlo.max(ylo), xhi.min(yhi));
                if a.is_nan() || b.is_nan() || a >= b {
                    return None;
                }
                vec![(xs.map(a), ys.map(a)), (xs.map(b), ys.map(b))]
            } else {
                (0..=steps)
                    .map(|i| {
                        let t = t0 + (t1 - t0) * i as f64 / steps as f64;
                        let v = if xs.log1p { exp_m1_signed(t) } else { t };
                        (xs.map(v), ys.map(v))
                    })
                    .filter(|&(_, py)| inside_y(py))
                    .collect()
            };
            let (&first, &last) = (points.first()?, points.last()?);
            if points.len() < 2 {
                return None;
            }
            // Under the line near its upper end.
            let w = p.measure(label, REFERENCE_FONT);
            let x = (first.0 + 0.85 * (last.0 - first.0)).min(plot.right() - w - 2.0 * gap);
            let y = points
                .iter()
                .min_by(|a, b| (a.0 - x).abs().total_cmp(&(b.0 - x).abs()))
                .map_or(last.1, |q| q.1);
            Some((points, label.clone(), (x + 2.0 * gap, y + gap)))
        }
        ReferenceLine::Horizontal { y, label } => {
            if !y.is_finite() {
                return None;
            }
            let py = ys.map(*y);
            if !(py >= plot.y && py <= plot.bottom()) {
                return None;
            }
            let w = p.measure(label, REFERENCE_FONT);
            let h = REFERENCE_FONT.line();
            let ly = if py + gap + h <= plot.bottom() - 2.0 {
                py + gap
            } else {
                py - gap - h
            };
            Some((
                vec![(plot.x, py), (plot.right(), py)],
                label.clone(),
                (plot.right() - w - gap, ly),
            ))
        }
    }
}

pub fn draw(p: &mut Painter, frame: Rect, kind: &ChartKind) -> Result<Option<Layout>, ChartError> {
    let ChartKind::Scatter {
        x_label,
        y_label,
        x_format,
        y_format,
        groups,
        x_scale,
        y_scale,
        reference,
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
    // A horizontal reference (zero residual) is always in view.
    let (ylo, yhi) = match reference {
        Some(ReferenceLine::Horizontal { y, .. }) if y.is_finite() => (ylo.min(*y), yhi.max(*y)),
        _ => (ylo, yhi),
    };
    let (xlo, xhi) = padded(xlo, xhi, *x_scale);
    let (ylo, yhi) = padded(ylo, yhi, *y_scale);
    let mut axes = axes::layout(
        p,
        legend.below(frame),
        &XSpec::Value(axis_spec(x_label, *x_format, (xlo, xhi), *x_scale)),
        &axis_spec(y_label, *y_format, (ylo, yhi), *y_scale),
    );
    axes.x_grid = true;
    axes::draw(p, &axes)?;
    legend.draw(p, axes.plot.x, frame.y)?;
    let plot = axes.plot;
    let xs = axes.x_mapping((xlo, xhi));
    let ys = axes.y.mapping();
    // Under the dots: the reference is what they are read against.
    let reference = reference
        .as_ref()
        .and_then(|r| reference_path(p, plot, (xs, ys), r));
    let reference_label = match reference {
        Some((points, label, at)) => {
            let line = p.theme.muted.alpha(0.8);
            p.dashed_polyline(&points, 1.25, line, (DASH, DASH_GAP))?;
            Some((label, at))
        }
        None => None,
    };
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
    // The label over the dots, on a halo.
    if let Some((label, (lx, ly))) = reference_label.filter(|(l, _)| !l.is_empty()) {
        p.text_on_halo(&label, lx, ly, REFERENCE_FONT, theme.muted)?;
    }
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
