//! How the row and column labels of a square matrix chart (the correlation heatmap) are written
//! when its cells are small: flat, slanted or vertical, in a font small enough that every row and
//! column gets its label. Only below [`SMALLEST_LABEL`] are labels thinned out (every k-th).
//!
//! Also which end of a long label to keep when it is shortened ([`kept_tail`]).
//!
//! Pure arithmetic (no canvas), so it is unit-tested natively.

/// Smallest label font, css px: below this, labels are thinned rather than shrunk further.
pub const SMALLEST_LABEL: f64 = 8.0;
/// Room left between a flat label and the next one, css px.
const FLAT_ROOM: f64 = 6.0;

/// How the column labels under the matrix are turned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Orientation {
    Flat,
    /// At 45°: as many fit as on a vertical line at a pitch of `cell × √½`.
    Slanted,
    /// Reading bottom to top, one per cell.
    Vertical,
}

/// The labels' plan.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MatrixLabels {
    /// Font size of the row and column labels, css px.
    pub size: f64,
    pub columns: Orientation,
    /// Every `every`-th row and column is labelled (1: all of them).
    pub every: usize,
}

/// Line height of a font of `size` css px (as `paint::Font::line`).
pub fn line_height(size: f64) -> f64 {
    (size * 1.3).ceil()
}

/// Labels for cells of `cell` css px, labels at most `full_size` css px whose widest is
/// `widest_at_full` css px wide at that size (text width scales with the size).
pub fn matrix_labels(cell: f64, full_size: f64, widest_at_full: f64) -> MatrixLabels {
    let cell = if cell.is_finite() { cell.max(0.0) } else { 0.0 };
    // The largest size (in half pixels) whose line fits a cell, within [smallest, full].
    let mut size = ((cell / 1.3) * 2.0).floor() / 2.0;
    size = size.clamp(SMALLEST_LABEL.min(full_size), full_size);
    while size > SMALLEST_LABEL && line_height(size) > cell {
        size -= 0.5;
    }
    let line = line_height(size);
    let every = if line <= cell || cell <= 0.0 {
        if cell <= 0.0 {
            usize::MAX
        } else {
            1
        }
    } else {
        (line / cell).ceil().clamp(1.0, 1e6) as usize
    };
    let widest = if full_size > 0.0 {
        widest_at_full * size / full_size
    } else {
        widest_at_full
    };
    let columns = if widest + FLAT_ROOM <= cell {
        Orientation::Flat
    } else if line <= cell * std::f64::consts::FRAC_1_SQRT_2 {
        Orientation::Slanted
    } else {
        Orientation::Vertical
    };
    MatrixLabels {
        size,
        columns,
        every,
    }
}

/// Narrowest frame (css px) in which `n` rows and columns each get a label at the smallest size:
/// cells of a line each, `beside` css px next to them (gaps, a legend), and the row labels
/// taking `row_share` of the frame. A narrower chart scrolls sideways instead of thinning labels.
pub fn min_matrix_width(n: usize, beside: f64, row_share: f64) -> f64 {
    (n as f64 * line_height(SMALLEST_LABEL) + beside) / (1.0 - row_share.clamp(0.0, 0.9))
}

/// Longest tail (chars) [`kept_tail`] keeps: a code, or what follows a " · ".
const MAX_TAIL: usize = 24;
/// Longest right-hand side of a rule (chars) [`kept_tail`] keeps.
const MAX_RULE_TAIL: usize = 48;

/// Where the part of a label that tells it from its neighbours starts, when the label has to be
/// shortened: the right-hand side of a rule ("A + B → C (22423)"), what follows the last " · "
/// ("Association rules · new products"), or a trailing code in parentheses ("WHITE HANGING
/// HEART T-LIGHT HOLDER (85123A)"). Shortening then cuts the head, not that tail: "WHITE
/// HANGING… (85123A)". `None` when there is no such tail, or when it is not short beside the
/// rest (at most half the label, and [`MAX_RULE_TAIL`] / [`MAX_TAIL`] chars).
pub fn kept_tail(text: &str) -> Option<usize> {
    // A rule's own code tail would read as its left side's: keep the whole right side or none.
    let (start, longest) = if let Some(arrow) = text.rfind(" → ") {
        (arrow, MAX_RULE_TAIL)
    } else if let Some(dot) = text.rfind(" · ") {
        (dot, MAX_TAIL)
    } else if text.ends_with(')') {
        (text.rfind(" (")?, MAX_TAIL)
    } else {
        return None;
    };
    let tail = text.get(start..)?.chars().count();
    let all = text.chars().count();
    (start > 0 && tail <= longest && tail * 2 <= all).then_some(start)
}

#[cfg(test)]
mod tests {
    use super::*;

    const TICK: f64 = 11.5;

    /// 15 columns in a gallery card (cells of 14–18 px): the heatmap labelled every other
    /// column (45° labels need a pitch of a line, 15 px, and had 10–13). Every column now.
    #[test]
    fn fifteen_columns_in_a_card_are_all_labelled() {
        for cell in [11.0, 12.0, 14.0, 16.0, 18.0, 20.0] {
            let plan = matrix_labels(cell, TICK, 140.0);
            assert_eq!(plan.every, 1, "cell {cell}: {plan:?}");
            assert!(plan.size >= SMALLEST_LABEL, "{plan:?}");
            assert!(line_height(plan.size) <= cell, "{plan:?}");
            assert_eq!(plan.columns, Orientation::Vertical, "{plan:?}");
        }
    }

    #[test]
    fn big_cells_keep_the_full_font_flat_or_slanted() {
        let plan = matrix_labels(60.0, TICK, 40.0);
        assert_eq!(
            plan,
            MatrixLabels {
                size: TICK,
                columns: Orientation::Flat,
                every: 1
            }
        );
        let plan = matrix_labels(30.0, TICK, 140.0);
        assert_eq!(plan.columns, Orientation::Slanted);
        assert_eq!((plan.size, plan.every), (TICK, 1));
    }

    #[test]
    fn only_cells_below_the_smallest_font_thin_the_labels() {
        let plan = matrix_labels(5.0, TICK, 140.0);
        assert_eq!(plan.size, SMALLEST_LABEL);
        assert_eq!(plan.every, 3);
        let plan = matrix_labels(line_height(SMALLEST_LABEL), TICK, 140.0);
        assert_eq!(plan.every, 1);
    }

    /// marketing_campaign's 24 columns on a phone were labelled every other one: at the minimum
    /// width every row and column has its label.
    #[test]
    fn at_the_minimum_width_every_label_fits() {
        for n in [2, 9, 15, 24, 40] {
            let (beside, share) = (59.0, 0.28);
            let width = min_matrix_width(n, beside, share);
            let cell = (width * (1.0 - share) - beside) / n as f64;
            let plan = matrix_labels(cell, TICK, 140.0);
            assert_eq!(plan.every, 1, "{n} columns in {width:.0} px: {plan:?}");
        }
    }

    #[test]
    fn odd_sizes_never_panic() {
        for cell in [0.0, -3.0, f64::NAN, f64::INFINITY, 1e9] {
            let plan = matrix_labels(cell, TICK, 100.0);
            assert!(plan.size > 0.0 && plan.every >= 1, "{plan:?}");
        }
    }

    #[test]
    fn the_distinguishing_tail_is_kept() {
        let label = "WHITE HANGING HEART T-LIGHT HOLDER (85123A)";
        assert_eq!(kept_tail(label).map(|i| &label[i..]), Some(" (85123A)"));
        let bar = "Matrix factorisation (implicit ALS) · new products";
        assert_eq!(kept_tail(bar).map(|i| &bar[i..]), Some(" · new products"));
        // Not a short tail beside the rest, or none at all.
        assert_eq!(kept_tail("Bought together (co-occurrence counts)"), None);
        assert_eq!(kept_tail("(85123A)"), None);
        assert_eq!(kept_tail("PARTY BUNTING"), None);
        assert_eq!(kept_tail(""), None);
        assert_eq!(kept_tail("A (averyveryveryveryverylongcode)"), None);
        // A rule keeps its right-hand side whole, never just its code.
        let rule = "REGENCY TEA PLATE GREEN (23171) + REGENCY TEA PLATE ROSES (23170) → REGENCY \
                    TEA PLATE PINK (23172)";
        assert_eq!(
            kept_tail(rule).map(|i| &rule[i..]),
            Some(" → REGENCY TEA PLATE PINK (23172)")
        );
        assert_eq!(
            kept_tail("A (1) → SOMETHING WITH A VERY LONG NAME (2)"),
            None
        );
        // Multi-byte text before the tail.
        let accents = "CRÈME BRÛLÉE SET DE CUISINE (ÉTÉ)";
        assert_eq!(kept_tail(accents).map(|i| &accents[i..]), Some(" (ÉTÉ)"));
    }
}
