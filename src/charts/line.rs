//! Lines over categorical x positions (months, weeks, groups): one colour per series (solid,
//! or dashed for a model's expectation), points, gaps where a value is missing, a legend when
//! there are several series; optionally a note per position in the tooltip and a dashed
//! vertical marker (a cutoff date) labelled above the plot.

use super::axes::{self, LegendItem, Mark, ValueSpec, XSpec};
use super::format;
use super::paint::{Anchor, Font, Painter, Rect, DASH_GAP};
use super::scale::{finite_extent, Band, Linear};
use super::{ChartError, Highlight, Marker, Tooltip};
use crate::core::eda::{LineSeries, ValueFormat, XMarker};

/// Most x positions whose points are marked with dots.
const MAX_POINTS_MARKED: usize = 100;
/// Dashes of a dashed series, css px (longer than the reference lines' dashes: a 2 px line).
const SERIES_DASH: (f64, f64) = (7.0, DASH_GAP);
const MARKER_FONT: Font = Font::regular(11.5);
/// Closest x positions (css px) whose points are marked in a chart with a dashed series.
const MIN_STEP_DASHED: f64 = 16.0;

pub struct Spec<'a> {
    pub x_label: &'a str,
    pub y_label: &'a str,
    pub y_format: ValueFormat,
    pub x_marker: Option<&'a XMarker>,
}

#[derive(Debug, Clone)]
pub struct Layout {
    plot: Rect,
    band: Band,
    y: Linear,
    colours: Vec<String>,
}

impl Layout {
    pub fn plot(&self) -> Rect {
        self.plot
    }

    pub fn hit(
        &self,
        (x, notes): (&[String], Option<&[String]>),
        series: &[LineSeries],
        format: ValueFormat,
        px: f64,
        py: f64,
    ) -> Option<Tooltip> {
        if !self.plot.contains(px, py) {
            return None;
        }
        let i = self.band.index_at(px)?;
        let title = x.get(i)?.clone();
        let mut lines = Vec::with_capacity(series.len() + 1);
        let mut swatches = Vec::with_capacity(series.len() + 1);
        let mut markers = Vec::new();
        if let Some(note) = notes.and_then(|n| n.get(i)).filter(|n| !n.is_empty()) {
            lines.push(note.clone());
            swatches.push(None);
        }
        for (k, s) in series.iter().enumerate() {
            let v = s.values.get(i).copied().flatten().filter(|v| v.is_finite());
            if let (Some(v), Some(colour)) = (v, self.colours.get(k)) {
                markers.push(Marker {
                    x: self.band.center(i),
                    y: self.y.map(v),
                    color: colour.clone(),
                });
            }
            let text = v.map_or_else(|| "no data".to_string(), |v| format::value(v, format));
            lines.push(if s.name.is_empty() {
                text
            } else {
                format!("{}: {text}", s.name)
            });
            swatches.push(self.colours.get(k).cloned());
        }
        Some(Tooltip {
            title,
            lines,
            swatch: None,
            swatches,
            highlight: Some(Highlight::Guide {
                x: self.band.center(i),
                y: self.plot.y,
                h: self.plot.h,
            }),
            markers,
        })
    }
}

pub fn draw(
    p: &mut Painter,
    frame: Rect,
    spec: &Spec,
    x: &[String],
    series: &[LineSeries],
) -> Result<Option<Layout>, ChartError> {
    let n = x.len();
    let values = series
        .iter()
        .flat_map(|s| s.values.iter().take(n).filter_map(|v| *v));
    let (Some((mut lo, hi)), true) = (finite_extent(values), n > 0) else {
        return Ok(None);
    };
    // Amounts and counts start at zero; other measures too unless that squashes the lines.
    let amount = matches!(
        spec.y_format,
        ValueFormat::Count | ValueFormat::Money | ValueFormat::Percent
    );
    if lo > 0.0 && (amount || lo <= hi * 0.5) {
        lo = 0.0;
    }
    let theme = p.theme.clone();
    let colours: Vec<_> = (0..series.len()).map(|k| theme.series(k)).collect();
    let items = series
        .iter()
        .zip(&colours)
        .map(|(s, c)| LegendItem {
            label: s.name.clone(),
            color: *c,
            mark: if s.dashed { Mark::Dashed } else { Mark::Line },
        })
        .collect();
    let legend = axes::Legend::of_series(p, items, frame.w);
    // A strip above the plot for the marker's label.
    let marker = spec
        .x_marker
        .filter(|m| m.position.is_finite() && m.position > -0.5 && m.position < n as f64 - 0.5);
    let below_legend = legend.below(frame);
    let strip = if marker.is_some() {
        MARKER_FONT.line() + 4.0
    } else {
        0.0
    };
    let axes = axes::layout(
        p,
        Rect::new(
            below_legend.x,
            below_legend.y + strip,
            below_legend.w,
            below_legend.h - strip,
        ),
        &XSpec::Categories {
            title: spec.x_label,
            labels: x,
            thin: true,
        },
        &ValueSpec::extended(spec.y_label, spec.y_format, lo, hi),
    );
    axes::draw(p, &axes)?;
    legend.draw(p, axes.plot.x, frame.y)?;
    let plot = axes.plot;
    let band = axes.band(n);
    let ys = axes.y.scale;
    let single = series.len() == 1;
    // Points where they stand apart, and only for short series: on a long curve (e.g. the
    // k-distance curve, over 100 points) they would be beads, not information. Dashes need
    // more room between the points to show.
    let min_step = if series.iter().any(|s| s.dashed) {
        MIN_STEP_DASHED
    } else {
        9.0
    };
    let show_points = band.step >= min_step && n <= MAX_POINTS_MARKED;
    axes::draw_baseline(p, &axes)?;
    for (s, colour) in series.iter().zip(&colours) {
        let points: Vec<Option<(f64, f64)>> = (0..n)
            .map(|i| {
                s.values
                    .get(i)
                    .copied()
                    .flatten()
                    .filter(|v| v.is_finite())
                    .map(|v| (band.center(i), ys.map(v)))
            })
            .collect();
        // Runs of present values; a gap breaks the line.
        let runs: Vec<Vec<(f64, f64)>> = points
            .split(Option::is_none)
            .map(|run| run.iter().flatten().copied().collect::<Vec<_>>())
            .filter(|run| !run.is_empty())
            .collect();
        if single {
            // A light area under a lone series.
            let base = ys.map(ys.d0.max(0.0).min(ys.d1));
            for run in runs.iter().filter(|r| r.len() > 1) {
                let mut area = run.clone();
                if let (Some(first), Some(last)) = (run.first(), run.last()) {
                    area.push((last.0, base));
                    area.push((first.0, base));
                }
                p.polygon(&area, colour.alpha(0.10))?;
            }
        }
        for run in &runs {
            if s.dashed {
                p.dashed_polyline(run, 2.0, *colour, SERIES_DASH)?;
            } else {
                p.polyline(run, 2.0, *colour)?;
            }
            if run.len() == 1 || show_points {
                for &(px, py) in run {
                    p.circle(px, py, 3.0, Some(*colour), Some((theme.background, 1.25)))?;
                }
            }
        }
    }
    if let Some(m) = marker {
        let x = band.start + (m.position + 0.5) * band.step;
        let ink = theme.text_2;
        p.dashed_vline(x, plot.y - 2.0, plot.bottom(), 1.25, ink.alpha(0.75))?;
        if !m.label.is_empty() {
            let text = p.fit(&m.label, MARKER_FONT, plot.w);
            let w = p.measure(&text, MARKER_FONT);
            let lx = (x - w / 2.0).clamp(plot.x, (plot.right() - w).max(plot.x));
            p.text(
                &text,
                lx,
                plot.y - 4.0,
                MARKER_FONT,
                ink,
                Anchor::BOTTOM_LEFT,
            )?;
        }
    }
    Ok(Some(Layout {
        plot,
        band,
        y: ys,
        colours: colours.iter().map(|c| c.css()).collect(),
    }))
}
