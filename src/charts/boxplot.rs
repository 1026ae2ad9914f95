//! Box plots side by side: Tukey box and whiskers, outlier rings, a mean diamond.

use super::axes::{self, LegendItem, Mark, ValueSpec, XSpec};
use super::format;
use super::paint::{Drawn, Painter, Rect};
use super::scale::{finite_extent, Band, Linear};
use super::{ChartError, Highlight, Tooltip};
use crate::core::eda::{BoxStats, ValueFormat};

#[derive(Debug, Clone)]
pub struct Layout {
    plot: Rect,
    band: Band,
}

impl Layout {
    pub fn plot(&self) -> Rect {
        self.plot
    }

    pub fn hit(&self, boxes: &[BoxStats], format: ValueFormat, x: f64, y: f64) -> Option<Tooltip> {
        if !self.plot.contains(x, y) {
            return None;
        }
        let i = self.band.index_at(x)?;
        let b = boxes.get(i)?;
        let v = |v: f64| format::value(v, format);
        let mut lines = vec![
            format!("n = {}", format::fixed(b.n as f64, 0)),
            format!("Max: {}", v(b.max)),
            format!("Q3: {}", v(b.q3)),
            format!("Median: {}", v(b.median)),
            format!("Q1: {}", v(b.q1)),
            format!("Min: {}", v(b.min)),
            format!("Mean: {}", v(b.mean)),
            format!("Whiskers: {} – {}", v(b.lower_whisker), v(b.upper_whisker)),
        ];
        if b.n_outliers > 0 {
            lines.push(format!(
                "Outliers: {} ({})",
                format::fixed(b.n_outliers as f64, 0),
                format::share(b.n_outliers, b.n)
            ));
        }
        let title = if b.label.is_empty() {
            "Distribution".to_string()
        } else {
            b.label.clone()
        };
        Some(Tooltip::new(
            title,
            lines,
            Some(Highlight::Rect {
                x: self.band.start + i as f64 * self.band.step,
                y: self.plot.y,
                w: self.band.step,
                h: self.plot.h,
            }),
        ))
    }
}

fn values(b: &BoxStats) -> impl Iterator<Item = f64> + '_ {
    [
        b.min,
        b.max,
        b.q1,
        b.q3,
        b.median,
        b.mean,
        b.lower_whisker,
        b.upper_whisker,
    ]
    .into_iter()
    .chain(b.outliers.iter().copied())
}

/// A fixed pseudo-random offset in −1…1 for the i-th outlier (same picture on every draw).
fn jitter(i: usize) -> f64 {
    let h = (i as u64 + 1).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    ((h >> 11) as f64 / (1u64 << 53) as f64) * 2.0 - 1.0
}

pub fn draw(
    p: &mut Painter,
    frame: Rect,
    y_label: &str,
    format: ValueFormat,
    boxes: &[BoxStats],
) -> Result<Option<Layout>, ChartError> {
    let Some((lo, hi)) = finite_extent(boxes.iter().flat_map(values)) else {
        return Ok(None);
    };
    let theme = p.theme.clone();
    let any_outliers = boxes
        .iter()
        .any(|b| b.n_outliers > 0 || !b.outliers.is_empty());
    let mut items = vec![LegendItem {
        label: "Mean".into(),
        color: theme.highlight,
        mark: Mark::Diamond,
    }];
    if any_outliers {
        let total: u64 = boxes.iter().map(|b| b.n_outliers).sum();
        let shown: usize = boxes.iter().map(|b| b.outliers.len()).sum();
        let label = if (shown as u64) < total {
            format!(
                "Outliers ({} of {} shown)",
                format::fixed(shown as f64, 0),
                format::fixed(total as f64, 0)
            )
        } else {
            "Outliers (beyond 1.5 × IQR)".to_string()
        };
        items.push(LegendItem {
            label,
            color: theme.accent(),
            mark: Mark::Ring,
        });
    }
    let legend = axes::Legend::layout(p, items, frame.w);

    let labels: Vec<String> = boxes.iter().map(|b| b.label.clone()).collect();
    let axes = axes::layout(
        p,
        legend.below(frame),
        &XSpec::Categories {
            title: "",
            labels: &labels,
            thin: false,
        },
        &ValueSpec {
            title: y_label,
            format,
            lo,
            hi,
            integer: false,
            extend: true,
            log1p: false,
        },
    );
    axes::draw(p, &axes)?;
    legend.draw(p, axes.plot.x, frame.y)?;
    let plot = axes.plot;
    let band = axes.band(boxes.len().max(1));
    let ys: Linear = axes.y.scale;
    let accent = theme.accent();
    let whisker = theme.text_2.alpha(0.75);

    for (i, b) in boxes.iter().enumerate() {
        let cx = band.center(i);
        let w = (band.step * 0.46).clamp(6.0, 64.0);
        let y = |v: f64| ys.map(v);
        // Whiskers from the box edge to their end, and caps.
        let whisker_to = |p: &mut Painter, edge: f64, end: f64| -> Drawn {
            if !(edge.is_finite() && end.is_finite()) {
                return Ok(());
            }
            p.vline(cx, y(end), y(edge), 1.25, whisker)?;
            p.hline(cx - w / 4.0, cx + w / 4.0, y(end), 1.25, whisker)
        };
        whisker_to(p, b.q1, b.lower_whisker)?;
        whisker_to(p, b.q3, b.upper_whisker)?;
        // Box from Q1 to Q3 (at least a hairline when they are equal).
        if b.q1.is_finite() && b.q3.is_finite() {
            let (top, bottom) = (y(b.q3.max(b.q1)), y(b.q1.min(b.q3)));
            let r = Rect::new(cx - w / 2.0, top, w, (bottom - top).max(1.5));
            p.fill_rect(r, accent.alpha(0.18))?;
            p.stroke_rect(r, 1.5, accent)?;
        }
        if b.median.is_finite() {
            p.hline(cx - w / 2.0, cx + w / 2.0, y(b.median), 2.5, accent)?;
        }
        // Outliers as rings: one per distinct value. Many ties (whole numbers) stay on the
        // centre line; distinct values spread sideways a little so they do not hide each other.
        let finite = b.outliers.iter().copied().filter(|v| v.is_finite());
        let all = finite.clone().count();
        let mut distinct: Vec<f64> = Vec::with_capacity(all);
        for v in finite {
            // At most MAX_OUTLIER_POINTS values: a linear search is fine.
            if !distinct.contains(&v) {
                distinct.push(v);
            }
        }
        let spread = if distinct.len() * 10 >= all * 6 {
            (w * 0.22).max(0.0)
        } else {
            0.0
        };
        let ring = |p: &mut Painter, k: usize, v: f64| {
            p.circle(
                cx + jitter(k) * spread,
                y(v),
                2.75,
                None,
                Some((accent.alpha(0.55), 1.0)),
            )
        };
        for (k, v) in distinct.iter().enumerate() {
            ring(p, k, *v)?;
        }
        // The extremes are outliers too, even when the sample left them out.
        let beyond = |v: f64, whisker: f64, below: bool| {
            v.is_finite() && whisker.is_finite() && if below { v < whisker } else { v > whisker }
        };
        if beyond(b.min, b.lower_whisker, true) && !distinct.contains(&b.min) {
            ring(p, usize::MAX / 2, b.min)?;
        }
        if beyond(b.max, b.upper_whisker, false) && !distinct.contains(&b.max) {
            ring(p, usize::MAX / 3, b.max)?;
        }
        if b.mean.is_finite() {
            axes::diamond(p, cx, y(b.mean), 5.5, theme.background, theme.highlight)?;
        }
    }
    Ok(Some(Layout { plot, band }))
}
