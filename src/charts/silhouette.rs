//! Silhouette plot: one block per segment stacked from the top (segment 0 first), each a
//! filled horizontal "knife" of its customers' silhouettes sorted descending, block heights by
//! segment size, segment names on the left, a zero line and the overall mean as a dashed line.
//!
//! Segment i has the scatter's colour for group i (`Theme::series(i)`), so a segment looks the
//! same in every chart. Values outside the axis are clamped, NaN values skipped; segments with
//! no values keep their (thin) block and name.

use super::axes::{self, ValueSpec, TICK_FONT, TICK_GAP, TITLE_FONT};
use super::format;
use super::paint::{Anchor, Font, Painter, Rect};
use super::scale::finite_extent;
use super::{ChartError, Highlight, Tooltip};
use crate::core::eda::{SilhouetteGroup, ValueFormat};

const MEAN_FONT: Font = Font::regular(11.0);
/// Smallest block height, css px (tiny segments stay visible and hoverable).
const MIN_BLOCK: f64 = 4.0;
/// Largest gap between blocks, css px.
const MAX_GAP: f64 = 10.0;

#[derive(Debug, Clone)]
pub struct Layout {
    plot: Rect,
    /// Left edge of the hover area: the segment names answer too.
    hover_left: f64,
    /// Top and height of each segment's block.
    blocks: Vec<(f64, f64)>,
    /// Half the gap between blocks (the hover band of a block reaches into it).
    half_gap: f64,
    colours: Vec<String>,
}

impl Layout {
    pub fn plot(&self) -> Rect {
        self.plot
    }

    pub fn hit(&self, segments: &[SilhouetteGroup], px: f64, py: f64) -> Option<Tooltip> {
        let p = self.plot;
        if px < self.hover_left || px > p.right() || py < p.y || py > p.bottom() {
            return None;
        }
        let i = self
            .blocks
            .iter()
            .position(|&(top, h)| py >= top - self.half_gap && py <= top + h + self.half_gap)?;
        let (top, h) = *self.blocks.get(i)?;
        let group = segments.get(i)?;
        let mut lines = vec![
            format!(
                "{} {}",
                format::fixed(group.size as f64, 0),
                if group.size == 1 {
                    "customer"
                } else {
                    "customers"
                }
            ),
            format!("Mean silhouette: {}", format::fixed(group.mean, 2)),
        ];
        let finite = group.values.iter().filter(|v| v.is_finite()).count();
        if finite > 0 {
            let negative = group.values.iter().filter(|&&v| v < 0.0).count();
            // Downsampled values are evenly spaced order statistics that keep the largest and
            // smallest value: none or all below 0 is exact, a share in between is close.
            let share = if negative == 0 {
                "none".to_string()
            } else if negative == finite {
                "all".to_string()
            } else if group.values.len() < group.size {
                format!("≈ {}", format::share(negative as u64, finite as u64))
            } else {
                format::share(negative as u64, finite as u64)
            };
            lines.push(format!("Below 0 (closer to another segment): {share}"));
        }
        let mut tip = Tooltip::new(
            group.name.clone(),
            lines,
            Some(Highlight::Rect {
                x: p.x,
                y: top,
                w: p.w,
                h,
            }),
        );
        tip.swatch = self.colours.get(i).cloned();
        Some(tip)
    }
}

/// Top and height of each of the blocks stacked in `plot` (heights by `sizes`, at least
/// [`MIN_BLOCK`] when there is room), and the gap between them.
fn stack(plot: Rect, sizes: &[usize]) -> (Vec<(f64, f64)>, f64) {
    let n = sizes.len();
    if n == 0 {
        return (Vec::new(), 0.0);
    }
    let gaps = (n - 1) as f64;
    let gap = if n > 1 {
        (plot.h * 0.05 / gaps)
            .clamp(2.0, MAX_GAP)
            .min(plot.h * 0.3 / gaps)
    } else {
        0.0
    };
    let room = (plot.h - gap * gaps).max(0.0);
    let min_h = (room / n as f64).min(MIN_BLOCK);
    let extra = (room - min_h * n as f64).max(0.0);
    let total: usize = sizes.iter().sum();
    let mut top = plot.y;
    let blocks = sizes
        .iter()
        .map(|&size| {
            let share = if total == 0 {
                1.0 / n as f64
            } else {
                size as f64 / total as f64
            };
            let h = min_h + extra * share;
            let block = (top, h);
            top += h + gap;
            block
        })
        .collect();
    (blocks, gap)
}

pub fn draw(
    p: &mut Painter,
    frame: Rect,
    x_label: &str,
    segments: &[SilhouetteGroup],
    mean: f64,
) -> Result<Option<Layout>, ChartError> {
    let all = || segments.iter().flat_map(|s| s.values.iter().copied());
    let Some((vmin, _)) = finite_extent(all()) else {
        return Ok(None);
    };
    let theme = p.theme.clone();
    // Silhouettes lie in −1…1: show all of 0…1 and a little below zero, more if needed.
    let lo = vmin.clamp(-1.0, -0.1);
    let spec = ValueSpec {
        title: x_label,
        format: ValueFormat::Number,
        lo,
        hi: 1.0,
        integer: false,
        extend: true,
        log1p: false,
    };

    // Left: segment names (at most 30 % of the width). Top: the mean's label. Bottom: ticks and
    // the axis title.
    let widest = p.measure_max(segments.iter().map(|s| s.name.as_str()), TICK_FONT);
    let label_w = widest.min(frame.w * 0.3).max(12.0);
    let left = label_w + TICK_GAP;
    let top = MEAN_FONT.line() + 2.0;
    let bottom = TICK_FONT.line()
        + TICK_GAP
        + if x_label.is_empty() {
            0.0
        } else {
            TITLE_FONT.line() + 6.0
        };
    let plot = Rect::new(
        frame.x + left,
        frame.y + top,
        frame.w - left,
        frame.h - top - bottom,
    );
    let axis = axes::value_axis_x(p, plot, &spec);
    let xs = axis.scale;
    let (dlo, dhi) = (xs.d0.min(xs.d1), xs.d0.max(xs.d1));
    axes::draw_value_ticks_x(p, &axis, plot, true)?;
    axes::draw_bottom_title(p, x_label, frame, plot)?;

    let sizes: Vec<usize> = segments.iter().map(|s| s.size).collect();
    let (blocks, gap) = stack(plot, &sizes);
    let colours: Vec<_> = (0..segments.len()).map(|i| theme.series(i)).collect();
    let zero = xs.map(0.0);
    let label_x = plot.x - TICK_GAP;
    let mut last_label = f64::NEG_INFINITY;
    for ((group, &(top, h)), colour) in segments.iter().zip(&blocks).zip(&colours) {
        let values: Vec<f64> = group
            .values
            .iter()
            .copied()
            .filter(|v| v.is_finite())
            .collect();
        if !values.is_empty() && h > 0.0 {
            // Stairs: one step per value, from the zero line out to the value and back.
            let step = h / values.len() as f64;
            let mut knife = Vec::with_capacity(2 * values.len() + 2);
            knife.push((zero, top));
            for (j, v) in values.iter().enumerate() {
                let x = xs.map(v.clamp(dlo, dhi));
                knife.push((x, top + j as f64 * step));
                knife.push((x, top + (j + 1) as f64 * step));
            }
            knife.push((zero, top + h));
            p.polygon(&knife, *colour)?;
        }
        // Names: every one that does not run into the previous one.
        let cy = top + h / 2.0;
        if cy - last_label >= TICK_FONT.line() {
            let name = p.fit(&group.name, TICK_FONT, label_w);
            p.text(&name, label_x, cy, TICK_FONT, theme.text_2, Anchor::RIGHT)?;
            last_label = cy;
        }
    }
    p.vline(zero, plot.y, plot.bottom(), 1.0, theme.axis)?;
    p.hline(plot.x, plot.right(), plot.bottom(), 1.0, theme.axis)?;

    if mean.is_finite() {
        let x = xs.map(mean.clamp(dlo, dhi));
        p.dashed_vline(x, plot.y, plot.bottom(), 1.5, theme.highlight)?;
        let text = format!("mean {}", format::fixed(mean, 2));
        let w = p.measure(&text, MEAN_FONT);
        let cx = x.clamp(
            frame.x + w / 2.0,
            (frame.right() - w / 2.0).max(frame.x + w / 2.0),
        );
        p.text(
            &text,
            cx,
            plot.y - 2.0,
            MEAN_FONT,
            theme.highlight,
            Anchor::BOTTOM,
        )?;
    }

    Ok(Some(Layout {
        plot,
        hover_left: frame.x,
        blocks,
        half_gap: gap / 2.0,
        colours: colours.iter().map(|c| c.css()).collect(),
    }))
}
