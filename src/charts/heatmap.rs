//! Square matrix heatmap (correlations): diverging colours around 0, values in the cells when
//! they fit, a colour legend bar on the right.

use std::f64::consts::{FRAC_1_SQRT_2, FRAC_PI_4};

use super::axes::{TICK_FONT, TICK_GAP};
use super::format;
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

    // Row labels (left), column labels (bottom, slanted unless they fit flat).
    let widest = p.measure_max(names.iter().map(String::as_str), TICK_FONT);
    let row_w = widest.min(frame.w * 0.32).max(10.0);
    let slant_len = widest.min(MAX_SLANTED);
    let slanted_h = (slant_len + TICK_FONT.size) * FRAC_1_SQRT_2 + TICK_GAP;
    let flat_h = TICK_FONT.line() + TICK_GAP;
    let width_room = frame.w - row_w - TICK_GAP - legend_w;
    let cell_for = |bottom: f64| {
        ((width_room / n as f64).min((frame.h - bottom) / n as f64)).clamp(1.0, MAX_CELL)
    };
    let mut cell = cell_for(flat_h);
    let slanted = widest + 6.0 > cell;
    if slanted {
        cell = cell_for(slanted_h);
    }
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

    // Row labels, thinned when rows are shorter than a line.
    let every = ((TICK_FONT.line() - 1.0) / cell).ceil().clamp(1.0, 1e6) as usize;
    for (i, name) in names.iter().enumerate() {
        if i % every != 0 {
            continue;
        }
        let text = p.fit(name, TICK_FONT, row_w);
        let cy = y0 + (i as f64 + 0.5) * cell;
        p.text(
            &text,
            x0 - TICK_GAP,
            cy,
            TICK_FONT,
            theme.text_2,
            Anchor::RIGHT,
        )?;
    }
    // Column labels.
    let label_y = y0 + side + TICK_GAP;
    let every = if slanted {
        ((TICK_FONT.line() + 1.0) / (cell * FRAC_1_SQRT_2))
            .ceil()
            .clamp(1.0, 1e6) as usize
    } else {
        1
    };
    for (i, name) in names.iter().enumerate() {
        if i % every != 0 {
            continue;
        }
        let cx = x0 + (i as f64 + 0.5) * cell;
        if slanted {
            let text = p.fit(name, TICK_FONT, slant_len);
            p.text_slanted(
                &text,
                cx + 3.0,
                label_y + 2.0,
                -FRAC_PI_4,
                TICK_FONT,
                theme.text_2,
            )?;
        } else {
            let text = p.fit(name, TICK_FONT, cell - 4.0);
            p.text(&text, cx, label_y, TICK_FONT, theme.text_2, Anchor::TOP)?;
        }
    }

    // Legend bar: high at the top.
    let lx = x0 + side + LEGEND_GAP;
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
