//! Histogram: contiguous bars over a numeric axis, counts up the side. Bins spaced evenly in
//! log1p (skewed money) are drawn on a log1p axis, where each keeps its width.

use super::axes::{self, Axes, ValueSpec, XSpec};
use super::format;
use super::paint::{Painter, Rect};
use super::scale::{finite_extent, widen};
use super::{ChartError, Highlight, Tooltip};
use crate::core::eda::{AxisScale, HistogramBin, ValueFormat};

#[derive(Debug, Clone)]
pub struct Layout {
    plot: Rect,
    /// Pixel span of each bin as drawn (zero-width bins get a visible width).
    spans: Vec<(f64, f64)>,
    total: u64,
    /// A log1p axis: bins of uneven widths, their edges written as such.
    log1p: bool,
}

impl Layout {
    pub fn plot(&self) -> Rect {
        self.plot
    }

    pub fn hit(
        &self,
        bins: &[HistogramBin],
        x_format: ValueFormat,
        x: f64,
        y: f64,
    ) -> Option<Tooltip> {
        if y < self.plot.y || y > self.plot.bottom() + 4.0 {
            return None;
        }
        let i = self.spans.iter().position(|(a, b)| x >= *a && x <= *b)?;
        let bin = bins.get(i)?;
        let title = if bin.lo == bin.hi {
            format::value(bin.lo, x_format)
        } else if self.log1p {
            format!(
                "{} – {}",
                format::uneven_edge(bin.lo, x_format),
                format::uneven_edge(bin.hi, x_format)
            )
        } else {
            let width = bin.hi - bin.lo;
            format!(
                "{} – {}",
                format::edge(bin.lo, width, x_format),
                format::edge(bin.hi, width, x_format)
            )
        };
        let line = format!(
            "{} of {} ({})",
            format::fixed(bin.count as f64, 0),
            format::fixed(self.total as f64, 0),
            format::share(bin.count, self.total)
        );
        let (a, b) = self.spans[i];
        Some(Tooltip::new(
            title,
            vec![line],
            Some(Highlight::Rect {
                x: a,
                y: self.plot.y,
                w: b - a,
                h: self.plot.h,
            }),
        ))
    }
}

pub fn draw(
    p: &mut Painter,
    frame: Rect,
    x_label: &str,
    x_format: ValueFormat,
    bins: &[HistogramBin],
    x_scale: AxisScale,
) -> Result<Option<Layout>, ChartError> {
    let log1p = x_scale == AxisScale::Log1p;
    let Some((lo, hi)) = finite_extent(bins.iter().flat_map(|b| [b.lo, b.hi])) else {
        return Ok(None);
    };
    let (lo, hi) = widen(lo, hi);
    let max_count = bins.iter().map(|b| b.count).max().unwrap_or(0).max(1);
    let total = bins.iter().fold(0u64, |t, b| t.saturating_add(b.count));

    let axes: Axes = axes::layout(
        p,
        frame,
        &XSpec::Value(ValueSpec {
            title: x_label,
            format: x_format,
            lo,
            hi,
            integer: x_format == ValueFormat::Count,
            extend: false,
            log1p,
        }),
        &ValueSpec::extended("Count", ValueFormat::Count, 0.0, max_count as f64),
    );
    axes::draw(p, &axes)?;
    let plot = axes.plot;
    let xs = axes.x_mapping((lo, hi));
    let ys = axes.y.scale;

    // Equal-width bins are the rule; a zero-width bin (all values equal) still gets a bar.
    let min_width = (plot.w / bins.len().max(1) as f64 * 0.8).clamp(4.0, 48.0);
    let spans: Vec<(f64, f64)> = bins
        .iter()
        .map(|b| {
            let (a, c) = (xs.map(b.lo), xs.map(b.hi));
            let (a, c) = (a.min(c), a.max(c));
            if !(a.is_finite() && c.is_finite()) {
                (f64::NAN, f64::NAN)
            } else if c - a < 1.0 {
                let mid = (a + c) / 2.0;
                (mid - min_width / 2.0, mid + min_width / 2.0)
            } else {
                (a, c)
            }
        })
        .collect();
    let fill = p.theme.accent();
    let gap = if plot.w / bins.len().max(1) as f64 > 6.0 {
        1.0
    } else {
        0.0
    };
    for (bin, (a, c)) in bins.iter().zip(&spans) {
        if bin.count == 0 || !a.is_finite() {
            continue;
        }
        let top = ys.map(bin.count as f64);
        let base = ys.map(0.0);
        let left = a + gap / 2.0;
        let width = (c - a - gap).max(1.0);
        p.fill_rect(Rect::new(left, top, width, base - top), fill)?;
    }
    axes::draw_baseline(p, &axes)?;
    Ok(Some(Layout {
        plot,
        spans,
        total,
        log1p,
    }))
}
