//! Lines over categorical x positions (months): one colour per series, points, gaps where a
//! value is missing, a legend when there are several series.

use super::axes::{self, LegendItem, Mark, ValueSpec, XSpec};
use super::format;
use super::paint::{Painter, Rect};
use super::scale::{finite_extent, Band, Linear};
use super::{ChartError, Highlight, Marker, Tooltip};
use crate::core::eda::{LineSeries, ValueFormat};

/// Most x positions whose points are marked with dots.
const MAX_POINTS_MARKED: usize = 100;

pub struct Spec<'a> {
    pub x_label: &'a str,
    pub y_label: &'a str,
    pub y_format: ValueFormat,
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
        x: &[String],
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
        let mut lines = Vec::with_capacity(series.len());
        let mut swatches = Vec::with_capacity(series.len());
        let mut markers = Vec::new();
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
            mark: Mark::Line,
        })
        .collect();
    let legend = axes::Legend::of_series(p, items, frame.w);
    let axes = axes::layout(
        p,
        legend.below(frame),
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
    // k-distance curve, over 100 points) they would be beads, not information.
    let show_points = band.step >= 9.0 && n <= MAX_POINTS_MARKED;
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
            p.polyline(run, 2.0, *colour)?;
            if run.len() == 1 || show_points {
                for &(px, py) in run {
                    p.circle(px, py, 3.0, Some(*colour), Some((theme.background, 1.25)))?;
                }
            }
        }
    }
    Ok(Some(Layout {
        plot,
        band,
        y: ys,
        colours: colours.iter().map(|c| c.css()).collect(),
    }))
}
