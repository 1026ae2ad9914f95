//! Matrix heatmaps: values in the cells when they fit, a colour legend bar on the right, and
//! every row and column labelled (see [`super::labels`]).
//!
//! - Square (correlations, products bought together): square cells, one label list for rows
//!   and columns, diverging colours around 0 for correlations; axis titles and a titled legend
//!   when the chart names them.
//! - Rows × columns (P(alive) over frequency × recency): cells filling the frame, row and column
//!   labels of their own, axis titles, the legend titled with what the cells hold, and the
//!   colour scale the chart asks for (a sequential one for probabilities).

use std::f64::consts::{FRAC_1_SQRT_2, FRAC_PI_2, FRAC_PI_4};

use super::axes::{self, TICK_FONT, TICK_GAP, TITLE_FONT};
use super::format;
use super::labels::{line_height, matrix_labels, min_matrix_width, MatrixLabels, Orientation};
use super::paint::{Anchor, Drawn, Font, Painter, Rect};
use super::scale::{inner_ticks, widen, Linear, Ticks};
use super::theme::{Rgba, Theme};
use super::{ChartError, Highlight, Tooltip};
use crate::core::eda::{ChartKind, ColorScale, ValueFormat};

const MAX_CELL: f64 = 96.0;
/// Widest cell of a rows × columns matrix, css px (a few columns would be bars otherwise).
const MAX_CELL_WIDE: f64 = 140.0;
/// Share of the frame's width row labels may take in a rows × columns matrix.
const GRID_ROW_SHARE: f64 = 0.3;
/// Most rows/columns drawn (more would be unreadable; the worker sends far fewer).
const MAX_SIDE: usize = 200;
const MAX_SLANTED: f64 = 110.0;
/// Longest slanted column label of a square matrix in a frame wider than [`NARROW`].
const MAX_SLANTED_WIDE: f64 = 150.0;
const LEGEND_BAR: f64 = 12.0;
const LEGEND_GAP: f64 = 18.0;
/// Below this frame width (css px, a phone) the row labels and the legend take less room.
const NARROW: f64 = 480.0;
const LEGEND_GAP_NARROW: f64 = 10.0;
/// Share of a narrow frame's width the row labels may take.
const NARROW_ROW_SHARE: f64 = 0.28;

/// A [`ChartKind::Heatmap`]'s fields, borrowed.
pub struct Grid<'a> {
    /// Row labels; also the column labels of a square matrix.
    pub rows: &'a [String],
    /// Column labels of a rows × columns matrix.
    pub columns: Option<&'a [String]>,
    pub cells: &'a [Vec<Option<f64>>],
    pub range: (f64, f64),
    pub format: ValueFormat,
    pub x_label: &'a str,
    pub y_label: &'a str,
    pub value_label: &'a str,
    pub color_scale: ColorScale,
    pub notes: Option<&'a [Vec<String>]>,
}

impl<'a> Grid<'a> {
    pub fn of(kind: &'a ChartKind) -> Option<Self> {
        let ChartKind::Heatmap {
            labels,
            cells,
            min,
            max,
            value_format,
            column_labels,
            x_label,
            y_label,
            value_label,
            color_scale,
            cell_notes,
        } = kind
        else {
            return None;
        };
        Some(Self {
            rows: labels,
            columns: column_labels.as_deref(),
            cells,
            range: (*min, *max),
            format: *value_format,
            x_label,
            y_label,
            value_label,
            color_scale: *color_scale,
            notes: cell_notes.as_deref(),
        })
    }

    fn column_labels(&self) -> &'a [String] {
        self.columns.unwrap_or(self.rows)
    }
}

/// Room the titles a matrix names take, css px: the y axis title up the left side, the x axis
/// title under the column labels, the value's name turned beside the legend's ticks.
struct TitleRoom {
    y_title_w: f64,
    x_title_h: f64,
    value_title_w: f64,
}

impl TitleRoom {
    fn of(grid: &Grid) -> TitleRoom {
        let title_gap = 6.0;
        let line = |text: &str, gap: f64| {
            if text.is_empty() {
                0.0
            } else {
                TITLE_FONT.line() + gap
            }
        };
        TitleRoom {
            y_title_w: line(grid.y_label, title_gap),
            x_title_h: line(grid.x_label, title_gap),
            value_title_w: line(grid.value_label, 6.0),
        }
    }
}

/// The value's name, turned, right of the legend bar at `lx` (`lh` tall from `y0`) and its
/// tick labels (`tick_w` wide).
fn draw_value_title(
    p: &mut Painter,
    grid: &Grid,
    lx: f64,
    tick_w: f64,
    (y0, lh): (f64, f64),
) -> Drawn {
    if grid.value_label.is_empty() {
        return Ok(());
    }
    let colour = p.theme.text_2;
    let text = p.fit(grid.value_label, TITLE_FONT, lh + 20.0);
    let tx = lx + LEGEND_BAR + 6.0 + tick_w + 6.0 + TITLE_FONT.line() / 2.0;
    p.text_vertical(&text, tx, y0 + lh / 2.0, TITLE_FONT, colour)
}

#[derive(Debug, Clone)]
pub struct Layout {
    x0: f64,
    y0: f64,
    cell_w: f64,
    cell_h: f64,
    rows: usize,
    cols: usize,
}

impl Layout {
    pub fn plot(&self) -> Rect {
        Rect::new(
            self.x0,
            self.y0,
            self.cell_w * self.cols as f64,
            self.cell_h * self.rows as f64,
        )
    }

    pub fn hit(&self, grid: &Grid, x: f64, y: f64) -> Option<Tooltip> {
        if self.cell_w <= 0.0
            || self.cell_h <= 0.0
            || self.rows == 0
            || self.cols == 0
            || !self.plot().contains(x, y)
        {
            return None;
        }
        let col = (((x - self.x0) / self.cell_w).floor() as usize).min(self.cols - 1);
        let row = (((y - self.y0) / self.cell_h).floor() as usize).min(self.rows - 1);
        let value = cell_value(grid.cells, row, col);
        let (row_name, col_name) = (label(grid.rows, row), label(grid.column_labels(), col));
        let titled = |title: &str, name: String| {
            if title.is_empty() {
                name
            } else {
                format!("{title}: {name}")
            }
        };
        let mut lines = Vec::new();
        let title = if grid.x_label.is_empty() && grid.y_label.is_empty() {
            format!("{row_name} × {col_name}")
        } else {
            lines.push(titled(grid.x_label, col_name));
            titled(grid.y_label, row_name)
        };
        lines.push(match value {
            Some(v) if grid.format == ValueFormat::Correlation => {
                format!("r = {}", format::fixed(v, 2))
            }
            Some(v) => titled(grid.value_label, format::value(v, grid.format)),
            None if grid.columns.is_none() => "Not defined (a constant column)".to_string(),
            None => titled(grid.value_label, "not defined".to_string()),
        });
        let note = grid
            .notes
            .and_then(|n| n.get(row))
            .and_then(|r| r.get(col))
            .filter(|n| !n.is_empty());
        lines.extend(note.cloned());
        Some(Tooltip::new(
            title,
            lines,
            Some(Highlight::Cell {
                x: self.x0 + col as f64 * self.cell_w,
                y: self.y0 + row as f64 * self.cell_h,
                w: self.cell_w,
                h: self.cell_h,
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
    /// The theme's many-stop sequential ramp (viridis).
    Ramp {
        lo: f64,
        hi: f64,
    },
}

impl ColourScale {
    fn new(grid: &Grid) -> Self {
        let (min, max) = grid.range;
        let (min, max) = if min.is_finite() && max.is_finite() && max >= min {
            (min, max)
        } else {
            let values = grid.cells.iter().flatten().filter_map(|v| *v);
            super::scale::finite_extent(values).unwrap_or((0.0, 1.0))
        };
        match grid.color_scale {
            ColorScale::Auto => {}
            ColorScale::Sequential => {
                let (lo, hi) = widen(min, max);
                return Self::Ramp { lo, hi };
            }
            ColorScale::Diverging => {
                let extent = min.abs().max(max.abs());
                return Self::Diverging {
                    extent: if extent > 0.0 { extent } else { 1.0 },
                };
            }
        }
        if grid.format == ValueFormat::Correlation {
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
            Self::Ramp { lo, hi } => theme.ramp_at((v - lo) / (hi - lo)),
        }
    }

    fn domain(&self) -> (f64, f64) {
        match *self {
            Self::Diverging { extent } => (-extent, extent),
            Self::Sequential { lo, hi } | Self::Ramp { lo, hi } => (lo, hi),
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

/// Narrowest frame (css px) for a square matrix whose axes are named (products bought
/// together): cells big enough to hover on a phone, row labels room for a name and its code,
/// the axis title and the titled legend. Estimated from the labels' length in chars (no canvas
/// to measure with here), so a phone scrolls the matrix sideways rather than shrinking it to
/// dots.
pub fn min_named_frame_width(labels: &[String]) -> f64 {
    const CELL: f64 = 24.0;
    const CHAR: f64 = 6.0;
    const ROW_LABELS: f64 = 150.0;
    let n = labels.len().min(MAX_SIDE);
    let longest = labels.iter().map(|l| l.chars().count()).max().unwrap_or(0);
    let rows = (longest as f64 * CHAR).min(ROW_LABELS);
    let legend = LEGEND_GAP_NARROW + LEGEND_BAR + 6.0 + 30.0 + 6.0 + TITLE_FONT.line();
    let y_title = TITLE_FONT.line() + 6.0;
    y_title + rows + TICK_GAP + n as f64 * CELL + legend
}

pub fn draw(p: &mut Painter, frame: Rect, grid: &Grid) -> Result<Option<Layout>, ChartError> {
    if grid.columns.is_some() {
        draw_rows_by_columns(p, frame, grid)
    } else {
        draw_square(p, frame, grid)
    }
}

fn draw_square(p: &mut Painter, frame: Rect, grid: &Grid) -> Result<Option<Layout>, ChartError> {
    let (labels, cells, format) = (grid.rows, grid.cells, grid.format);
    let n = labels.len().max(cells.len()).min(MAX_SIDE);
    if n == 0 {
        return Ok(None);
    }
    let theme = p.theme.clone();
    let scale = ColourScale::new(grid);
    let names: Vec<String> = (0..n).map(|i| label(labels, i)).collect();

    // Legend bar ticks (right).
    let (dlo, dhi) = scale.domain();
    let ticks = inner_ticks(dlo, dhi, 4, false);
    let tick_labels = format::tick_labels(&ticks.values, ticks.step, format);
    let tick_w = p.measure_max(tick_labels.iter().map(String::as_str), TICK_FONT);
    // Axis titles, when the chart names its rows and columns (an asymmetric matrix: "baskets
    // with" the row's product, "also in the basket" the column's).
    let TitleRoom {
        y_title_w,
        x_title_h,
        value_title_w,
    } = TitleRoom::of(grid);
    let legend_w = LEGEND_GAP + LEGEND_BAR + 6.0 + tick_w + value_title_w;

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
    // Long labels (product names) keep more of themselves where there is room.
    let max_slanted = if narrow {
        MAX_SLANTED
    } else {
        MAX_SLANTED_WIDE
    };
    // (row label width, longest column label, cell side, room under the cells) for a plan.
    let geometry = |plan: &MatrixLabels| {
        let widest = widest_full * plan.size / TICK_FONT.size;
        let row_w = widest.min(frame.w * row_share).max(10.0);
        let label_len = widest.min(max_slanted);
        let bottom = TICK_GAP
            + match plan.columns {
                Orientation::Flat => Font::regular(plan.size).line(),
                Orientation::Slanted => (label_len + plan.size) * FRAC_1_SQRT_2,
                Orientation::Vertical => label_len,
            };
        let width_room = frame.w - y_title_w - row_w - TICK_GAP - legend_w;
        let height_room = frame.h - bottom - x_title_h;
        let cell = ((width_room / n as f64).min(height_room / n as f64)).clamp(1.0, MAX_CELL);
        (row_w, label_len, cell, bottom)
    };
    let mut plan = matrix_labels(MAX_CELL, TICK_FONT.size, widest_full);
    for _ in 0..3 {
        let (_, _, cell, _) = geometry(&plan);
        plan = matrix_labels(cell, TICK_FONT.size, widest_full);
    }
    let (row_w, label_len, cell, bottom) = geometry(&plan);
    if line_height(plan.size) > cell {
        // The last round's labels took more room than the plan assumed: thin them.
        plan.every = plan
            .every
            .max((line_height(plan.size) / cell).ceil() as usize);
    }
    let label_font = Font::regular(plan.size);
    let side = cell * n as f64;
    let block = y_title_w + row_w + TICK_GAP + side + legend_w;
    let left = frame.x + ((frame.w - block) / 2.0).max(0.0);
    let x0 = left + y_title_w + row_w + TICK_GAP;
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

    // Axis titles: up the left side, and right under the column labels.
    let titles_frame = Rect::new(
        left,
        frame.y,
        frame.right() - left,
        (side + bottom + x_title_h).min(frame.h),
    );
    let plot = Rect::new(x0, y0, side, side);
    axes::draw_side_title(p, grid.y_label, titles_frame, plot)?;
    axes::draw_bottom_title(p, grid.x_label, titles_frame, plot)?;

    // Legend bar: high at the top; titled with what the cells hold.
    let lx = x0 + side + legend_gap;
    let lh = side.max(40.0).min(frame.h);
    draw_legend_bar(p, &scale, (&ticks, &tick_labels), (lx, y0), lh)?;
    draw_value_title(p, grid, lx, tick_w, (y0, lh))?;
    Ok(Some(Layout {
        x0,
        y0,
        cell_w: cell,
        cell_h: cell,
        rows: n,
        cols: n,
    }))
}

/// The colour legend bar `lh` px tall with its top-left corner at `at`, high values at the top,
/// ticks labelled on its right.
fn draw_legend_bar(
    p: &mut Painter,
    scale: &ColourScale,
    (ticks, tick_labels): (&Ticks, &[String]),
    (lx, y0): (f64, f64),
    lh: f64,
) -> Drawn {
    let theme = p.theme.clone();
    let (dlo, dhi) = scale.domain();
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
    for (t, text) in ticks.values.iter().zip(tick_labels) {
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
    Ok(())
}

/// Columns a rows × columns matrix draws: its labels or its longest row, at most [`MAX_SIDE`].
pub fn column_count(grid: &Grid) -> usize {
    let widest_row = grid.cells.iter().map(Vec::len).max().unwrap_or(0);
    grid.column_labels().len().max(widest_row).min(MAX_SIDE)
}

/// Narrowest frame (css px) in which a rows × columns matrix of `cols` columns labels every
/// column in the smallest label font.
pub fn min_grid_width(cols: usize) -> f64 {
    let legend = LEGEND_GAP_NARROW + LEGEND_BAR + 6.0 + 30.0 + TITLE_FONT.line();
    min_matrix_width(cols, TICK_GAP + legend + TITLE_FONT.line(), GRID_ROW_SHARE)
}

/// A rows × columns matrix: cells fill the frame (each at most [`MAX_CELL_WIDE`] wide and
/// [`MAX_CELL`] tall), row labels on the left under the y axis title, column labels below
/// (flat, slanted or vertical as they fit) above the x axis title, the legend bar on the right
/// titled with what the cells hold.
fn draw_rows_by_columns(
    p: &mut Painter,
    frame: Rect,
    grid: &Grid,
) -> Result<Option<Layout>, ChartError> {
    let rows = grid.rows.len().max(grid.cells.len()).min(MAX_SIDE);
    let cols = column_count(grid);
    if rows == 0 || cols == 0 {
        return Ok(None);
    }
    let theme = p.theme.clone();
    let scale = ColourScale::new(grid);
    let format = grid.format;
    let row_names: Vec<String> = (0..rows).map(|i| label(grid.rows, i)).collect();
    let col_names: Vec<String> = (0..cols).map(|i| label(grid.column_labels(), i)).collect();
    let narrow = frame.w < NARROW;

    // Legend (right): gap, bar, tick labels, the value's name turned.
    let (dlo, dhi) = scale.domain();
    let ticks = inner_ticks(dlo, dhi, 4, false);
    let tick_labels = format::tick_labels(&ticks.values, ticks.step, format);
    let legend_gap = if narrow {
        LEGEND_GAP_NARROW
    } else {
        LEGEND_GAP
    };
    let tick_w = p.measure_max(tick_labels.iter().map(String::as_str), TICK_FONT);
    // Axis titles: up the left side and along the bottom.
    let TitleRoom {
        y_title_w,
        x_title_h,
        value_title_w,
    } = TitleRoom::of(grid);
    let legend_w = legend_gap + LEGEND_BAR + 6.0 + tick_w + value_title_w;

    // Cell width from the room beside the row labels; the column labels' plan from it; the
    // cell height from the room above them; the row labels' font from that.
    let widest_row = p.measure_max(row_names.iter().map(String::as_str), TICK_FONT);
    let widest_col = p.measure_max(col_names.iter().map(String::as_str), TICK_FONT);
    let row_share = if narrow {
        NARROW_ROW_SHARE
    } else {
        GRID_ROW_SHARE
    };
    let row_w_full = widest_row.min(frame.w * row_share).max(10.0);
    let width_room = frame.w - y_title_w - row_w_full - TICK_GAP - legend_w;
    let cell_w = (width_room / cols as f64).clamp(1.0, MAX_CELL_WIDE);
    let col_plan = matrix_labels(cell_w, TICK_FONT.size, widest_col);
    let col_font = Font::regular(col_plan.size);
    let col_len = (widest_col * col_plan.size / TICK_FONT.size).min(MAX_SLANTED);
    let col_labels_h = TICK_GAP
        + match col_plan.columns {
            Orientation::Flat => col_font.line(),
            Orientation::Slanted => (col_len + col_plan.size) * FRAC_1_SQRT_2,
            Orientation::Vertical => col_len,
        };
    let height_room = frame.h - col_labels_h - x_title_h;
    let cell_h = (height_room / rows as f64).clamp(1.0, MAX_CELL);
    let row_plan = matrix_labels(cell_h, TICK_FONT.size, widest_row);
    let row_font = Font::regular(row_plan.size);
    let row_w = (widest_row * row_plan.size / TICK_FONT.size)
        .min(frame.w * row_share)
        .max(10.0);
    let row_every = if line_height(row_plan.size) > cell_h {
        row_plan
            .every
            .max((line_height(row_plan.size) / cell_h).ceil() as usize)
    } else {
        row_plan.every
    }
    .max(1);
    let col_every = col_plan.every.max(1);

    let (width, height) = (cell_w * cols as f64, cell_h * rows as f64);
    let block = y_title_w + row_w + TICK_GAP + width + legend_w;
    let left = frame.x + ((frame.w - block) / 2.0).max(0.0);
    let x0 = left + y_title_w + row_w + TICK_GAP;
    let y0 = frame.y;
    let plot = Rect::new(x0, y0, width, height);

    // Cells, their values where they fit.
    let gap = if cell_w.min(cell_h) >= 8.0 { 1.0 } else { 0.0 };
    let value_font = Font::regular((cell_h * 0.5).clamp(9.5, 11.5));
    let show_values = cell_h >= value_font.line() + 2.0 && {
        let widest_value = (0..rows)
            .flat_map(|r| (0..cols).map(move |c| (r, c)))
            .filter_map(|(r, c)| cell_value(grid.cells, r, c))
            .map(|v| format::short_value(v, format))
            .fold(0.0, |w: f64, t| w.max(p.measure(&t, value_font)));
        cell_w >= widest_value + 6.0
    };
    for row in 0..rows {
        for col in 0..cols {
            let r = Rect::new(
                x0 + col as f64 * cell_w + gap / 2.0,
                y0 + row as f64 * cell_h + gap / 2.0,
                cell_w - gap,
                cell_h - gap,
            );
            let (cx, cy) = (r.x + r.w / 2.0, r.y + r.h / 2.0);
            match cell_value(grid.cells, row, col) {
                Some(v) => {
                    let fill = scale.colour(&theme, v);
                    p.fill_rect(r, fill)?;
                    if show_values {
                        let text = format::short_value(v, format);
                        let ink = theme.text_on(fill);
                        p.text(&text, cx, cy, value_font, ink, Anchor::CENTER)?;
                    }
                }
                None => {
                    p.fill_rect(r, theme.empty)?;
                    if cell_w.min(cell_h) >= 12.0 {
                        p.text("–", cx, cy, value_font, theme.muted, Anchor::CENTER)?;
                    }
                }
            }
        }
    }

    // Row labels, column labels, axis titles.
    for (i, name) in row_names.iter().enumerate().step_by(row_every) {
        let text = p.fit(name, row_font, row_w);
        let cy = y0 + (i as f64 + 0.5) * cell_h;
        p.text(
            &text,
            x0 - TICK_GAP,
            cy,
            row_font,
            theme.text_2,
            Anchor::RIGHT,
        )?;
    }
    let label_y = y0 + height + TICK_GAP;
    for (i, name) in col_names.iter().enumerate().step_by(col_every) {
        let cx = x0 + (i as f64 + 0.5) * cell_w;
        match col_plan.columns {
            Orientation::Flat => {
                let text = p.fit(name, col_font, cell_w * col_every as f64 - 4.0);
                p.text(&text, cx, label_y, col_font, theme.text_2, Anchor::TOP)?;
            }
            Orientation::Slanted => {
                let text = p.fit(name, col_font, col_len);
                p.text_slanted(
                    &text,
                    cx + 3.0,
                    label_y + 2.0,
                    -FRAC_PI_4,
                    col_font,
                    theme.text_2,
                )?;
            }
            Orientation::Vertical => {
                let text = p.fit(name, col_font, col_len);
                p.text_slanted(&text, cx, label_y, -FRAC_PI_2, col_font, theme.text_2)?;
            }
        }
    }
    // The bottom title right under the column labels, also when the cells stop short.
    let titles_frame = Rect::new(
        left,
        frame.y,
        frame.right() - left,
        (height + col_labels_h + x_title_h).min(frame.h),
    );
    axes::draw_side_title(p, grid.y_label, titles_frame, plot)?;
    axes::draw_bottom_title(p, grid.x_label, titles_frame, plot)?;

    // Legend bar and its title.
    let lx = x0 + width + legend_gap;
    let lh = height.max(40.0).min(frame.h);
    draw_legend_bar(p, &scale, (&ticks, &tick_labels), (lx, y0), lh)?;
    draw_value_title(p, grid, lx, tick_w, (y0, lh))?;
    Ok(Some(Layout {
        x0,
        y0,
        cell_w,
        cell_h,
        rows,
        cols,
    }))
}
