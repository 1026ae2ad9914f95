//! Model-evaluation curves (ROC, precision–recall, cumulative gain) on two value axes: one
//! coloured line per series, joined in the order given; a dashed grey reference line with its
//! label (the chance diagonal, a base-rate level); a highlighted marker (e.g. the chosen
//! threshold) with its label; a legend when there are several series.
//!
//! Values are fractions: a `Percent` axis writes them ×100 (see `ChartKind::Curves`). An axis
//! whose values all lie in 0…1 spans exactly 0…1, so that curves of different charts compare.
//! Hovering shows the nearest point of the series whose line is nearest to the pointer.
//! Drawing is a few canvas calls per series (points closer than half a pixel are merged), so
//! redrawing the whole chart for a moved marker stays cheap.

use super::axes::{self, LegendItem, Mark, ValueSpec, XSpec};
use super::format;
use super::paint::{Anchor, Drawn, Font, Painter, Rect, DASH, DASH_GAP};
use super::scale::{finite_extent, Linear};
use super::theme::Rgba;
use super::{ChartError, Highlight, Tooltip};
use crate::core::eda::{ChartKind, CurveMarker, CurveSeries, ReferenceLine, ValueFormat};

/// Hover reach from a line, css px.
const HIT_RADIUS: f64 = 16.0;
/// Series with at most this many points get a dot on each (the operating points show).
const MAX_POINTS_MARKED: usize = 30;
/// Points closer than this to the last drawn one are merged into it, css px.
const MERGE_DISTANCE: f64 = 0.5;
/// Radius of the marker's dot, css px.
const MARKER_RADIUS: f64 = 5.0;
const LABEL_FONT: Font = Font::regular(11.5);
const MARKER_FONT: Font = Font::bold(11.5);

#[derive(Debug, Clone)]
pub struct Layout {
    plot: Rect,
    /// Data (fractions, not ×100) → css px.
    x: Linear,
    y: Linear,
    colours: Vec<String>,
    marker_colour: String,
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

    fn to_px(&self, x: f64, y: f64) -> (f64, f64) {
        (self.x.map(x), self.y.map(y))
    }

    fn coordinates(&self, x: f64, y: f64) -> Vec<String> {
        vec![
            format!("{}: {}", self.x_name, display(x, self.x_format)),
            format!("{}: {}", self.y_name, display(y, self.y_format)),
        ]
    }

    pub fn hit(
        &self,
        series: &[CurveSeries],
        marker: Option<&CurveMarker>,
        px: f64,
        py: f64,
    ) -> Option<Tooltip> {
        // Curves start and end on the frame (0 and 1): the pointer may be just outside it.
        let reach = Rect::new(
            self.plot.x - HIT_RADIUS / 2.0,
            self.plot.y - HIT_RADIUS / 2.0,
            self.plot.w + HIT_RADIUS,
            self.plot.h + HIT_RADIUS,
        );
        if !reach.contains(px, py) {
            return None;
        }
        let swatch = |colour: Option<&String>| {
            if series.len() > 1 {
                colour.cloned()
            } else {
                None
            }
        };
        if let Some(m) = marker.filter(|m| m.x.is_finite() && m.y.is_finite()) {
            let (mx, my) = self.to_px(m.x, m.y);
            if (mx - px).hypot(my - py) <= MARKER_RADIUS + 4.0 {
                let mut lines = self.coordinates(m.x, m.y);
                if !m.label.is_empty() {
                    lines.insert(0, m.label.clone());
                }
                let title = series
                    .get(m.series)
                    .map_or_else(|| "Marker".to_string(), |s| series_name(s, m.series));
                let mut tip = Tooltip::new(
                    title,
                    lines,
                    Some(Highlight::Point {
                        x: mx,
                        y: my,
                        r: MARKER_RADIUS + 3.0,
                    }),
                );
                tip.swatch = swatch(Some(&self.marker_colour));
                return Some(tip);
            }
        }
        // The series whose line passes nearest (later series are drawn on top: they win ties),
        // then its point nearest to the pointer.
        let mut best: Option<(f64, usize)> = None;
        for (k, s) in series.iter().enumerate() {
            if let Some(d) = self.line_distance(s, px, py) {
                if d <= HIT_RADIUS && best.is_none_or(|(bd, _)| d <= bd) {
                    best = Some((d, k));
                }
            }
        }
        let (_, k) = best?;
        let s = series.get(k)?;
        let (vx, vy) = finite_points(s)
            .map(|(x, y)| {
                let (sx, sy) = self.to_px(x, y);
                ((sx - px).powi(2) + (sy - py).powi(2), (x, y))
            })
            .min_by(|a, b| a.0.total_cmp(&b.0))?
            .1;
        let (sx, sy) = self.to_px(vx, vy);
        let mut tip = Tooltip::new(
            series_name(s, k),
            self.coordinates(vx, vy),
            Some(Highlight::Point {
                x: sx,
                y: sy,
                r: 5.0,
            }),
        );
        tip.swatch = swatch(self.colours.get(k));
        Some(tip)
    }

    /// Distance in css px from (`px`, `py`) to the line of `s` (its segments between
    /// consecutive finite points, or its lone points).
    fn line_distance(&self, s: &CurveSeries, px: f64, py: f64) -> Option<f64> {
        let mut best: Option<f64> = None;
        let mut last: Option<(f64, f64)> = None;
        for p in &s.points {
            let [x, y] = *p;
            if !(x.is_finite() && y.is_finite()) {
                last = None;
                continue;
            }
            let b = self.to_px(x, y);
            let a = last.unwrap_or(b);
            let d = segment_distance(a, b, (px, py));
            best = Some(best.map_or(d, |bd| bd.min(d)));
            last = Some(b);
        }
        best
    }
}

/// `s`'s name, or "Curve k" (1-based) when it has none.
fn series_name(s: &CurveSeries, k: usize) -> String {
    if s.name.is_empty() {
        format!("Curve {}", k + 1)
    } else {
        s.name.clone()
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

/// How many display units one data unit is: percentages are carried as fractions.
fn unit(format: ValueFormat) -> f64 {
    if format == ValueFormat::Percent {
        100.0
    } else {
        1.0
    }
}

/// A value (a fraction for `Percent`) written in full for the tooltip.
fn display(v: f64, format: ValueFormat) -> String {
    format::value(v * unit(format), format)
}

fn finite_points(s: &CurveSeries) -> impl Iterator<Item = (f64, f64)> + '_ {
    s.points
        .iter()
        .map(|&[x, y]| (x, y))
        .filter(|(x, y)| x.is_finite() && y.is_finite())
}

/// Distance from `p` to the segment `a`–`b`.
fn segment_distance(a: (f64, f64), b: (f64, f64), p: (f64, f64)) -> f64 {
    let (dx, dy) = (b.0 - a.0, b.1 - a.1);
    let len2 = dx * dx + dy * dy;
    let t = if len2 > 0.0 {
        (((p.0 - a.0) * dx + (p.1 - a.1) * dy) / len2).clamp(0.0, 1.0)
    } else {
        0.0
    };
    (p.0 - (a.0 + t * dx)).hypot(p.1 - (a.1 + t * dy))
}

/// The axis range in data units: exactly 0…1 when every value lies there (`true`), else the
/// values' extent.
fn domain(values: impl IntoIterator<Item = f64>) -> Option<(f64, f64, bool)> {
    let (lo, hi) = finite_extent(values)?;
    Some((lo, hi, lo >= 0.0 && hi <= 1.0))
}

fn axis_spec(title: &str, format: ValueFormat, (lo, hi, fixed): (f64, f64, bool)) -> ValueSpec<'_> {
    let u = unit(format);
    if fixed {
        ValueSpec {
            title,
            format,
            lo: 0.0,
            hi: u,
            integer: false,
            extend: false,
            log1p: false,
        }
    } else {
        ValueSpec {
            integer: false,
            ..ValueSpec::extended(title, format, lo * u, hi * u)
        }
    }
}

/// The scale of a laid-out axis (display units) for data values (fractions for `Percent`).
fn data_scale(axis: Linear, format: ValueFormat) -> Linear {
    let u = unit(format);
    Linear::new((axis.d0 / u, axis.d1 / u), (axis.r0, axis.r1))
}

/// The runs of finite points of `s` in css px (a non-finite point breaks the line), points
/// within [`MERGE_DISTANCE`] of the previous kept one dropped (a run keeps its last point).
fn runs(s: &CurveSeries, xs: &Linear, ys: &Linear) -> Vec<Vec<(f64, f64)>> {
    let mut runs = Vec::new();
    let mut run: Vec<(f64, f64)> = Vec::new();
    let mut dropped = None;
    for &[x, y] in &s.points {
        if !(x.is_finite() && y.is_finite()) {
            run.extend(dropped.take());
            if !run.is_empty() {
                runs.push(std::mem::take(&mut run));
            }
            continue;
        }
        let q = (xs.map(x), ys.map(y));
        match run.last() {
            Some(&(lx, ly)) if (q.0 - lx).hypot(q.1 - ly) < MERGE_DISTANCE => dropped = Some(q),
            _ => {
                run.push(q);
                dropped = None;
            }
        }
    }
    run.extend(dropped);
    if !run.is_empty() {
        runs.push(run);
    }
    runs
}

/// A dashed straight line from `a` to `b`.
fn dashed_line(p: &mut Painter, a: (f64, f64), b: (f64, f64), width: f64, c: Rgba) -> Drawn {
    p.dashed_polyline(&[a, b], width, c, (DASH, DASH_GAP))
}

/// `text` with its top-left corner at (x, y) on a light halo of the background (stays readable
/// over lines and grid).
fn label(p: &mut Painter, text: &str, x: f64, y: f64, font: Font, c: Rgba) -> Drawn {
    p.text_on_halo(text, x, y, font, c)
}

/// The reference line in `plot` (dashed grey) and where its label goes.
fn draw_reference(
    p: &mut Painter,
    plot: Rect,
    xs: &Linear,
    ys: &Linear,
    reference: &ReferenceLine,
) -> Result<Option<(String, f64, f64)>, ChartError> {
    let line = p.theme.muted.alpha(0.8);
    let gap = 4.0;
    match reference {
        ReferenceLine::Diagonal { label } => {
            // y = x where both axes cover it.
            let (xlo, xhi) = (xs.d0.min(xs.d1), xs.d0.max(xs.d1));
            let (ylo, yhi) = (ys.d0.min(ys.d1), ys.d0.max(ys.d1));
            let (t0, t1) = (xlo.max(ylo), xhi.min(yhi));
            // Finite: scales come from finite data.
            if t0 >= t1 {
                return Ok(None);
            }
            let (a, b) = ((xs.map(t0), ys.map(t0)), (xs.map(t1), ys.map(t1)));
            dashed_line(p, a, b, 1.25, line)?;
            // Under the line near its upper end: curves above chance do not pass there.
            let w = p.measure(label, LABEL_FONT);
            let (dx, dy) = (b.0 - a.0, b.1 - a.1);
            let x = (a.0 + 0.85 * dx).min(plot.right() - w - 2.0 * gap);
            let t = if dx.abs() > 0.0 { (x - a.0) / dx } else { 0.85 };
            let y = a.1 + t.clamp(0.0, 1.0) * dy;
            Ok(Some((label.clone(), x + 2.0 * gap, y + gap)))
        }
        ReferenceLine::Horizontal { y, label } => {
            if !y.is_finite() {
                return Ok(None);
            }
            let py = ys.map(*y);
            p.dashed_hline(plot.x, plot.right(), py, 1.25, line)?;
            // Below the line at the right end (curves lie above the base rate), above it when
            // there is no room below.
            let w = p.measure(label, LABEL_FONT);
            let h = LABEL_FONT.line();
            let ly = if py + gap + h <= plot.bottom() - 2.0 {
                py + gap
            } else {
                py - gap - h
            };
            Ok(Some((label.clone(), plot.right() - w - gap, ly)))
        }
    }
}

/// Whether the segment `a`–`b` passes through `r` (Liang–Barsky clipping).
fn crosses(a: (f64, f64), b: (f64, f64), r: Rect) -> bool {
    let (dx, dy) = (b.0 - a.0, b.1 - a.1);
    let (mut t0, mut t1) = (0.0f64, 1.0f64);
    for (p, q) in [
        (-dx, a.0 - r.x),
        (dx, r.right() - a.0),
        (-dy, a.1 - r.y),
        (dy, r.bottom() - a.1),
    ] {
        if p == 0.0 {
            if q < 0.0 {
                return false;
            }
        } else {
            let t = q / p;
            if p < 0.0 {
                t0 = t0.max(t);
            } else {
                t1 = t1.min(t);
            }
            if t0 > t1 {
                return false;
            }
        }
    }
    true
}

/// How many drawn segments (and lone points) of `lines` pass through `r`.
fn clutter(lines: &[Vec<(f64, f64)>], r: Rect) -> usize {
    lines
        .iter()
        .map(|run| match run.as_slice() {
            [only] => usize::from(r.contains(only.0, only.1)),
            _ => run
                .windows(2)
                .filter(|w| matches!(w, [a, b] if crosses(*a, *b, r)))
                .count(),
        })
        .sum()
}

/// The marker's dot (the series colour in a white ring, a thin outer ring) and its label beside
/// it: inside the plot, on the side where it covers the fewest `lines` and not `taken` (the
/// reference's label), right and below first.
fn draw_marker(
    p: &mut Painter,
    plot: Rect,
    at: (f64, f64),
    colour: Rgba,
    text: &str,
    lines: &[Vec<(f64, f64)>],
    taken: Option<Rect>,
) -> Drawn {
    let (x, y) = at;
    let white = Rgba::hex(0xffffff);
    p.circle(x, y, MARKER_RADIUS + 2.5, None, Some((colour, 1.5)))?;
    p.circle(x, y, MARKER_RADIUS, Some(colour), Some((white, 2.0)))?;
    if text.is_empty() {
        return Ok(());
    }
    let w = p.measure(text, MARKER_FONT);
    let h = MARKER_FONT.line();
    let off = MARKER_RADIUS + 6.0;
    let (right, left) = (x + off, x - off - w);
    let (below, above) = (y + 2.0, y - 2.0 - h);
    let inside = |&(lx, ly): &(f64, f64)| {
        lx >= plot.x && lx + w <= plot.right() && ly >= plot.y && ly + h <= plot.bottom()
    };
    let spots = [(right, below), (right, above), (left, above), (left, below)];
    let best = spots.iter().filter(|s| inside(s)).min_by_key(|&&(lx, ly)| {
        let r = Rect::new(lx - 2.0, ly, w + 4.0, h);
        let overlaps =
            |t: Rect| r.x < t.right() && t.x < r.right() && r.y < t.bottom() && t.y < r.bottom();
        clutter(lines, r) + if taken.is_some_and(overlaps) { 1000 } else { 0 }
    });
    let (lx, ly) = best.copied().unwrap_or((
        right.min(plot.right() - w).max(plot.x),
        if below + h <= plot.bottom() {
            below
        } else {
            above
        },
    ));
    let ink = p.theme.text;
    label(p, text, lx, ly, MARKER_FONT, ink)
}

pub fn draw(p: &mut Painter, frame: Rect, kind: &ChartKind) -> Result<Option<Layout>, ChartError> {
    let ChartKind::Curves {
        x_label,
        y_label,
        x_format,
        y_format,
        series,
        reference,
        marker,
    } = kind
    else {
        return Ok(None);
    };
    let (x_format, y_format) = (*x_format, *y_format);
    let points = || series.iter().flat_map(finite_points);
    if points().next().is_none() {
        return Ok(None);
    }
    let marker_at = marker
        .as_ref()
        .filter(|m| m.x.is_finite() && m.y.is_finite());
    let level = match reference {
        Some(ReferenceLine::Horizontal { y, .. }) => Some(*y),
        _ => None,
    };
    let (Some(xd), Some(yd)) = (
        domain(points().map(|(x, _)| x).chain(marker_at.map(|m| m.x))),
        domain(
            points()
                .map(|(_, y)| y)
                .chain(marker_at.map(|m| m.y))
                .chain(level),
        ),
    ) else {
        return Ok(None);
    };

    let theme = p.theme.clone();
    let colours: Vec<_> = (0..series.len()).map(|k| theme.series(k)).collect();
    let items = series
        .iter()
        .zip(&colours)
        .enumerate()
        .map(|(k, (s, c))| LegendItem {
            label: series_name(s, k),
            color: *c,
            mark: Mark::Line,
        })
        .collect();
    let legend = axes::Legend::of_series(p, items, frame.w);
    let mut axes = axes::layout(
        p,
        legend.below(frame),
        &XSpec::Value(axis_spec(x_label, x_format, xd)),
        &axis_spec(y_label, y_format, yd),
    );
    axes.x_grid = true;
    axes::draw(p, &axes)?;
    legend.draw(p, axes.plot.x, frame.y)?;
    let plot = axes.plot;
    let xs = data_scale(
        axes.x_scale((xd.0 * unit(x_format), xd.1 * unit(x_format))),
        x_format,
    );
    let ys = data_scale(axes.y.scale, y_format);

    let reference_label = match reference {
        Some(r) => draw_reference(p, plot, &xs, &ys, r)?,
        None => None,
    };
    let lone = series.len() == 1;
    let drawn: Vec<Vec<Vec<(f64, f64)>>> = series.iter().map(|s| runs(s, &xs, &ys)).collect();
    for ((s, runs), colour) in series.iter().zip(&drawn).zip(&colours) {
        if lone {
            // A light area under a lone curve that runs left to right (or right to left).
            let base = ys.map(ys.d0.max(0.0).min(ys.d1));
            for run in runs.iter().filter(|r| r.len() > 1 && monotone(r)) {
                let mut area = run.clone();
                if let (Some(first), Some(last)) = (run.first(), run.last()) {
                    area.push((last.0, base));
                    area.push((first.0, base));
                }
                p.polygon(&area, colour.alpha(0.10))?;
            }
        }
        let dotted = finite_points(s).count() <= MAX_POINTS_MARKED;
        for run in runs {
            p.polyline(run, 2.0, *colour)?;
            if run.len() == 1 || dotted {
                let r = if run.len() == 1 { 3.0 } else { 2.5 };
                for &(x, y) in run {
                    p.circle(x, y, r, Some(*colour), Some((theme.background, 1.0)))?;
                }
            }
        }
    }
    p.hline(plot.x, plot.right(), plot.bottom(), 1.0, theme.axis)?;
    let mut taken = None;
    if let Some((text, x, y)) = reference_label {
        p.text(&text, x, y, LABEL_FONT, theme.muted, Anchor::TOP_LEFT)?;
        let w = p.measure(&text, LABEL_FONT);
        taken = Some(Rect::new(
            x - 2.0,
            y - 1.0,
            w + 4.0,
            LABEL_FONT.line() + 1.0,
        ));
    }
    let marker_colour = marker_at
        .and_then(|m| colours.get(m.series).copied())
        .unwrap_or(theme.highlight);
    if let Some(m) = marker_at {
        let at = (xs.map(m.x), ys.map(m.y));
        let lines: Vec<_> = drawn.into_iter().flatten().collect();
        draw_marker(p, plot, at, marker_colour, &m.label, &lines, taken)?;
    }
    Ok(Some(Layout {
        plot,
        x: xs,
        y: ys,
        colours: colours.iter().map(|c| c.css()).collect(),
        marker_colour: marker_colour.css(),
        x_name: name_or(x_label, "x"),
        y_name: name_or(y_label, "y"),
        x_format,
        y_format,
    }))
}

/// Whether the x of `run` never turns back (an area under it is then well defined).
fn monotone(run: &[(f64, f64)]) -> bool {
    let steps = || {
        run.windows(2).map(|w| match w {
            [a, b] => b.0 - a.0,
            _ => 0.0,
        })
    };
    steps().all(|d| d >= 0.0) || steps().all(|d| d <= 0.0)
}
