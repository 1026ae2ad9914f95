//! Plane geometry of chart furniture in css px: dashes along a path, where a y = x reference
//! line runs inside a plot. Pure arithmetic (no canvas), so it is unit-tested natively.

/// Most dashes cut from one path (a few screens of line; anything longer is cut there).
const MAX_DASHES: usize = 4_000;

/// The dashes of a dashed line along `points` (joined in order): pieces `dash` css px long with
/// `gap` px between them, the pattern running on across corners. Non-finite points break the
/// path (the pattern restarts after them).
pub fn dashes_along(points: &[(f64, f64)], dash: f64, gap: f64) -> Vec<Vec<(f64, f64)>> {
    let mut out: Vec<Vec<(f64, f64)>> = Vec::new();
    if !(dash > 0.0 && gap >= 0.0 && dash.is_finite() && gap.is_finite()) {
        return out;
    }
    let period = dash + gap;
    // Distance along the pattern (0…period) at the current point; `current`: the dash being
    // drawn, if the pen is down.
    let mut phase = 0.0;
    let mut current: Vec<(f64, f64)> = Vec::new();
    let mut last: Option<(f64, f64)> = None;
    for &p in points {
        if !(p.0.is_finite() && p.1.is_finite()) {
            if current.len() > 1 {
                out.push(std::mem::take(&mut current));
            }
            current.clear();
            last = None;
            phase = 0.0;
            continue;
        }
        let Some(a) = last else {
            last = Some(p);
            current = vec![p];
            continue;
        };
        let (dx, dy) = (p.0 - a.0, p.1 - a.1);
        let length = dx.hypot(dy);
        let mut done = 0.0;
        // Walk the segment from one pattern boundary to the next.
        while done < length && out.len() < MAX_DASHES {
            let pen_down = phase < dash;
            let to_boundary = if pen_down {
                dash - phase
            } else {
                period - phase
            };
            let step = to_boundary.min(length - done);
            done += step;
            phase += step;
            let at = (a.0 + dx * done / length, a.1 + dy * done / length);
            if pen_down {
                current.push(at);
            }
            if phase >= dash && pen_down {
                // The dash ends here.
                if current.len() > 1 {
                    out.push(std::mem::take(&mut current));
                }
                current.clear();
            }
            if phase >= period {
                // A new dash starts here.
                phase = 0.0;
                current = vec![at];
            }
        }
        if length == 0.0 && phase < dash && current.is_empty() {
            current.push(p);
        }
        last = Some(p);
    }
    if current.len() > 1 && out.len() < MAX_DASHES {
        out.push(current);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn length(piece: &[(f64, f64)]) -> f64 {
        piece
            .windows(2)
            .map(|w| (w[1].0 - w[0].0).hypot(w[1].1 - w[0].1))
            .sum()
    }

    #[test]
    fn a_straight_line_is_cut_into_dashes_and_gaps() {
        let pieces = dashes_along(&[(0.0, 0.0), (20.0, 0.0)], 5.0, 3.0);
        let spans: Vec<(f64, f64)> = pieces.iter().map(|p| (p[0].0, p[p.len() - 1].0)).collect();
        assert_eq!(spans, vec![(0.0, 5.0), (8.0, 13.0), (16.0, 20.0)]);
    }

    #[test]
    fn the_pattern_runs_on_across_corners() {
        // 4 px right then 6 px down: the first dash (5 px) turns the corner; the gap ends 8 px
        // along (4 down) and the second dash runs to the end.
        let pieces = dashes_along(&[(0.0, 0.0), (4.0, 0.0), (4.0, 6.0)], 5.0, 3.0);
        assert_eq!(pieces.len(), 2, "{pieces:?}");
        assert_eq!(pieces[0], vec![(0.0, 0.0), (4.0, 0.0), (4.0, 1.0)]);
        assert!((length(&pieces[0]) - 5.0).abs() < 1e-9);
        assert_eq!(pieces[1], vec![(4.0, 4.0), (4.0, 6.0)]);
    }

    #[test]
    fn odd_input_gives_no_dashes_and_never_loops() {
        assert!(dashes_along(&[], 5.0, 3.0).is_empty());
        assert!(dashes_along(&[(1.0, 1.0)], 5.0, 3.0).is_empty());
        assert!(dashes_along(&[(0.0, 0.0), (9.0, 0.0)], 0.0, 3.0).is_empty());
        assert!(dashes_along(&[(0.0, 0.0), (9.0, 0.0)], f64::NAN, 3.0).is_empty());
        // A NaN breaks the path: two separate runs.
        let pieces = dashes_along(
            &[
                (0.0, 0.0),
                (4.0, 0.0),
                (f64::NAN, 0.0),
                (10.0, 0.0),
                (14.0, 0.0),
            ],
            5.0,
            3.0,
        );
        assert_eq!(pieces.len(), 2, "{pieces:?}");
        // A huge path stops at the cap.
        let pieces = dashes_along(&[(0.0, 0.0), (1e12, 0.0)], 5.0, 3.0);
        assert!(pieces.len() <= MAX_DASHES);
    }
}
