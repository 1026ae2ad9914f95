//! Square matrix heatmap (correlations): diverging colours around 0, values in the cells when
//! they fit, a colour legend bar on the right, and every row and column labelled (see
//! [`super::labels`]).

use std::f64::consts::{FRAC_1_SQRT_2, FRAC_PI_2, FRAC_PI_4};

use super::axes::{TICK_FONT, TICK_GAP};
use super::format;
use super::labels::{line_height, matrix_labels, min_matrix_width, MatrixLabels, Orientation};
use super::paint::{Anchor, Font, Painter, Rect};
use super::scale::{inner_ticks, widen, Linear};
use super::theme::{Rgba, Theme};
use super::{ChartError, Highlight, Tooltip};
use crate::core::eda::ValueFormat;

const MAX_CELL: f64 = 96.0;
/// Most rows/columns drawn (more would be unreadable; the worker sends far fewer).
const MAX_SIDE: usize = 200;
const MAX_SLANTED: f64 = 110.0;
const LEGEND_BAR: f64 = 12.0;
const LEGEND_GAP: f64 = 18.0;
/// Below this frame width (css px, a phone) the row labels and the legend take less room.
const NARROW: f64 = 480.0;
const LEGEND_GAP_NARROW: f64 = 10.0;
/// Share of a narrow frame's width the row labels may take.
const NARROW_ROW_SHARE: f64 = 0.28;

#[derive(Debug, Clone)]
pub struct Layout {
    x0: f64,
    y0: f64,
    cell: f64,
    n: usize,
}

impl Layout {
    pub fn plot(&self) -> Rect {
        let side = self.cell * self.n as f64;
        Rect::new(self.x0, self.y0, side, side)
    }

    pub fn hit(
        &self,
        labels: &[String],
        cells: &[Vec<Option<f64>>],
        format: ValueFormat,
        x: f64,
        y: f64,
    ) -> Option<Tooltip> {
        if self.cell <= 0.0 || !self.plot().contains(x, y) {
            return None;
        }
        let col = (((x - self.x0) / self.cell).floor() as usize).min(self.n - 1);
        let row = (((y - self.y0) / self.cell).floor() as usize).min(self.n - 1);
        let value = cell_value(cells, row, col);
        let title = format!("{} × {}", label(labels, row), label(labels, col));
        let line = match value {
            Some(v) if format == ValueFormat::Correlation => format!("r = {}", format::fixed(v, 2)),
            Some(v) => format::value(v, format),
            None => "Not defined (a constant column)".to_string(),
        };
        Some(Tooltip::new(
            title,
            vec![line],
            Some(Highlight::Cell {
                x: self.x0 + col as f64 * self.cell,
                y: self.y0 + row as f64 * self.cell,
                w: self.cell,
                h: self.cell,
            }),
        ))
    }
}

fn label(labels: &[String], i: usize) -> String {
    labels
        .get(i)
        .cloned()
        .unwrap_or_else(|| format!("#{}", i + 1))
}

fn cell_value(cells: &[Vec<Option<f64>>], row: usize, col: usize) -> Option<f64> {
    cells
        .get(row)
        .and_then(|r| r.get(col))
        .copied()
        .flatten()
        .filter(|v| v.is_finite())
}

/// How values map to colours.
enum ColourScale {
    /// Symmetric around 0: ±`extent`.
    Diverging {
        extent: f64,
    },
    Sequential {
        lo: f64,
        hi: f64,
    },
}

impl ColourScale {
    fn new(format: ValueFormat, min: f64, max: f64, cells: &[Vec<Option<f64>>]) -> Self {
        let (min, max) = if min.is_finite() && max.is_finite() && max >= min {
            (min, max)
        } else {
            let values = cells.iter().flatten().filter_map(|v| *v);
            super::scale::finite_extent(values).unwrap_or((0.0, 1.0))
        };
        if format == ValueFormat::Correlation {
            let extent = min.abs().max(max.abs());
            return Self::Diverging {
                extent: if extent > 0.0 && extent <= 1.0 {
                    1.0
                } else {
                    extent.max(1e-12)
                },
            };
        }
        if min < 0.0 && max > 0.0 {
            return Self::Diverging {
                extent: min.abs().max(max.abs()),
            };
        }
        let (lo, hi) = widen(min, max);
        Self::Sequential { lo, hi }
    }

    fn colour(&self, theme: &Theme, v: f64) -> Rgba {
        match *self {
            Self::Diverging { extent } => theme.diverging_at(v / extent),
            Self::Sequential { lo, hi } => theme.sequential_at((v - lo) / (hi - lo)),
        }
    }

    fn domain(&self) -> (f64, f64) {
        match *self {
            Self::Diverging { extent } => (-extent, extent),
            Self::Sequential { lo, hi } => (lo, hi),
        }
    }
}

/// Narrowest frame (css px) in which `n` rows and columns all get a label in the smallest label
/// font: cells of a line each, row labels at most their share of the width, the legend.
pub fn min_frame_width(n: usize) -> f64 {
    // Legend: gap, bar, tick gap and the widest tick label ("−0.5" ≈ 24 px).
    let legend = LEGEND_GAP_NARROW + LEGEND_BAR + 6.0 + 24.0;
    min_matrix_width(n, TICK_GAP + legend, NARROW_ROW_SHARE)
}

pub fn draw(
    p: &mut Painter,
    frame: Rect,
    labels: &[String],
    cells: &[Vec<Option<f64>>],
    (min, max): (f64, f64),
    format: ValueFormat,
) -> Result<Option<Layout>, ChartError> {
    let n = labels.len().max(cells.len()).min(MAX_SIDE);
    if n == 0 {
        return Ok(None);
    }
    let theme = p.theme.clone();
    let scale = ColourScale::new(format, min, max, cells);
    let names: Vec<String> = (0..n).map(|i| label(labels, i)).collect();

    // Legend bar ticks (right).
    let (dlo, dhi) = scale.domain();
    let ticks = inner_ticks(dlo, dhi, 4, false);
    let tick_labels = format::tick_labels(&ticks.values, ticks.step, format);
    let legend_w = LEGEND_GAP
        + LEGEND_BAR
        + 6.0
        + p.measure_max(tick_labels.iter().map(String::as_str), TICK_FONT);

    // Row labels (left), column labels (bottom): flat, slanted or vertical, in a font small
    // enough that every row and column is labelled (see `labels`). The plan depends on the
    // cell size, which depends on the room the labels take: settle it in a few rounds.
    let widest_full = p.measure_max(names.iter().map(String::as_str), TICK_FONT);
    let narrow = frame.w < NARROW;
    let row_share = if narrow { NARROW_ROW_SHARE } else { 0.32 };
    let legend_gap = if narrow {
        LEGEND_GAP_NARROW
    } else {
        LEGEND_GAP
    };
    let legend_w = legend_w - LEGEND_GAP + legend_gap;
    // (row label width, longest column label, cell side) for a plan.
    let geometry = |plan: &MatrixLabels| {
        let widest = widest_full * plan.size / TICK_FONT.size;
        let row_w = widest.min(frame.w * row_share).max(10.0);
        let label_len = widest.min(MAX_SLANTED);
        let bottom = TICK_GAP
            + match plan.columns {
                Orientation::Flat => Font::regular(plan.size).line(),
                Orientation::Slanted => (label_len + plan.size) * FRAC_1_SQRT_2,
                Orientation::Vertical => label_len,
            };
        let width_room = frame.w - row_w - TICK_GAP - legend_w;
        let cell =
            ((width_room / n as f64).min((frame.h - bottom) / n as f64)).clamp(1.0, MAX_CELL);
        (row_w, label_len, cell)
    };
    let mut plan = matrix_labels(MAX_CELL, TICK_FONT.size, widest_full);
    for _ in 0..3 {
        let (_, _, cell) = geometry(&plan);
        plan = matrix_labels(cell, TICK_FONT.size, widest_full);
    }
    let (row_w, label_len, cell) = geometry(&plan);
    if line_height(plan.size) > cell {
        // The last round's labels took more room than the plan assumed: thin them.
        plan.every = plan
            .every
            .max((line_height(plan.size) / cell).ceil() as usize);
    }
    let label_font = Font::regular(plan.size);
    let side = cell * n as f64;
    let block = row_w + TICK_GAP + side + legend_w;
    let x0 = frame.x + ((frame.w - block) / 2.0).max(0.0) + row_w + TICK_GAP;
    let y0 = frame.y;

    // Cells.
    let gap = if cell >= 8.0 { 1.0 } else { 0.0 };
    let value_font = Font::regular((cell * 0.28).clamp(9.5, 11.5));
    let show_values = cell >= 18.0 && {
        let widest_value = (0..n)
            .flat_map(|r| (0..n).map(move |c| (r, c)))
            .filter_map(|(r, c)| cell_value(cells, r, c))
            .map(|v| format::short_value(v, format))
            .fold(0.0, |w: f64, t| w.max(p.measure(&t, value_font)));
        cell >= widest_value + 3.0
    };
    for row in 0..n {
        for col in 0..n {
            let r = Rect::new(
                x0 + col as f64 * cell + gap / 2.0,
                y0 + row as f64 * cell + gap / 2.0,
                cell - gap,
                cell - gap,
            );
            match cell_value(cells, row, col) {
                Some(v) => {
                    let fill = scale.colour(&theme, v);
                    p.fill_rect(r, fill)?;
                    if show_values {
                        let text = format::short_value(v, format);
                        let (cx, cy) = (r.x + r.w / 2.0, r.y + r.h / 2.0);
                        p.text(
                            &text,
                            cx,
                            cy,
                            value_font,
                            theme.text_on(fill),
                            Anchor::CENTER,
                        )?;
                    }
                }
                None => {
                    p.fill_rect(r, theme.empty)?;
                    if cell >= 12.0 {
                        let (cx, cy) = (r.x + r.w / 2.0, r.y + r.h / 2.0);
                        p.text("–", cx, cy, value_font, theme.muted, Anchor::CENTER)?;
                    }
                }
            }
        }
    }

    // Row labels.
    let every = plan.every.max(1);
    for (i, name) in names.iter().enumerate() {
        if i % every != 0 {
            continue;
        }
        let text = p.fit(name, label_font, row_w);
        let cy = y0 + (i as f64 + 0.5) * cell;
        p.text(
            &text,
            x0 - TICK_GAP,
            cy,
            label_font,
            theme.text_2,
            Anchor::RIGHT,
        )?;
    }
    // Column labels (the full names are in the cells' tooltips).
    let label_y = y0 + side + TICK_GAP;
    for (i, name) in names.iter().enumerate() {
        if i % every != 0 {
            continue;
        }
        let cx = x0 + (i as f64 + 0.5) * cell;
        match plan.columns {
            Orientation::Flat => {
                let text = p.fit(name, label_font, cell - 4.0);
                p.text(&text, cx, label_y, label_font, theme.text_2, Anchor::TOP)?;
            }
            Orientation::Slanted => {
                let text = p.fit(name, label_font, label_len);
                p.text_slanted(
                    &text,
                    cx + 3.0,
                    label_y + 2.0,
                    -FRAC_PI_4,
                    label_font,
                    theme.text_2,
                )?;
            }
            Orientation::Vertical => {
                let text = p.fit(name, label_font, label_len);
                p.text_slanted(&text, cx, label_y, -FRAC_PI_2, label_font, theme.text_2)?;
            }
        }
    }

    // Legend bar: high at the top.
    let lx = x0 + side + legend_gap;
    let lh = side.max(40.0).min(frame.h);
    let steps = 64;
    let ly = Linear::new((dlo, dhi), (y0 + lh, y0));
    for s in 0..steps {
        let t0 = s as f64 / steps as f64;
        let t1 = (s + 1) as f64 / steps as f64;
        let v = dlo + (dhi - dlo) * (t0 + t1) / 2.0;
        let top = y0 + lh * (1.0 - t1);
        p.fill_rect(
            Rect::new(lx, top, LEGEND_BAR, lh / steps as f64 + 0.5),
            scale.colour(&theme, v),
        )?;
    }
    for (t, text) in ticks.values.iter().zip(&tick_labels) {
        let y = ly.map(*t);
        p.hline(lx + LEGEND_BAR, lx + LEGEND_BAR + 3.0, y, 1.0, theme.axis)?;
        p.text(
            text,
            lx + LEGEND_BAR + 6.0,
            y,
            TICK_FONT,
            theme.muted,
            Anchor::LEFT,
        )?;
    }
    Ok(Some(Layout { x0, y0, cell, n }))
}
