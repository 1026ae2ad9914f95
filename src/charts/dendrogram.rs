//! Dendrogram: U-shaped links joining leaves and clusters at their Ward merge height, leaves
//! ordered by a walk from the root so that no links cross, leaf labels "(n)" = customers under
//! the leaf (slanted and thinned by the category axis when crowded), and the cut into segments
//! as a dashed line with its segment count.
//!
//! Links are drawn in one neutral colour, not in segment colours: the chart data does not say
//! which segment a leaf went to, and a wrong colour would be worse than none. Merges above the
//! cut (not performed) are lighter. Malformed merges (a child that does not exist yet, or is
//! already merged) are skipped with everything above them; NaN heights take their children's
//! height; a chart without any valid merge shows "No data to show".

use super::axes::{self, ValueSpec, XSpec};
use super::format;
use super::paint::{Anchor, Font, Painter, Rect};
use super::scale::Linear;
use super::{ChartError, Highlight, Tooltip};
use crate::core::eda::{DendrogramLink, ValueFormat};

const CUT_FONT: Font = Font::regular(11.0);
const LINK_WIDTH: f64 = 1.5;
/// Hover reach around a link, css px.
const HIT_DISTANCE: f64 = 6.0;

/// One drawn link, css px: the bar at `y` from `xl` to `xr`, legs down to `yl` and `yr`.
#[derive(Debug, Clone, Copy)]
struct Link {
    merge: usize,
    xl: f64,
    xr: f64,
    y: f64,
    yl: f64,
    yr: f64,
}

impl Link {
    /// Distance from (px, py) to the U shape.
    fn distance(&self, px: f64, py: f64) -> f64 {
        let (xl, xr) = (self.xl.min(self.xr), self.xl.max(self.xr));
        let bar = {
            let dx = (xl - px).max(px - xr).max(0.0);
            dx.hypot(py - self.y)
        };
        let leg = |x: f64, end: f64| {
            let (a, b) = (self.y.min(end), self.y.max(end));
            let dy = (a - py).max(py - b).max(0.0);
            (px - x).hypot(dy)
        };
        bar.min(leg(self.xl, self.yl)).min(leg(self.xr, self.yr))
    }
}

#[derive(Debug, Clone)]
pub struct Layout {
    plot: Rect,
    links: Vec<Link>,
    n_leaves: usize,
    cut: Option<f64>,
}

impl Layout {
    pub fn plot(&self) -> Rect {
        self.plot
    }

    pub fn hit(
        &self,
        leaf_sizes: &[usize],
        merges: &[DendrogramLink],
        px: f64,
        py: f64,
    ) -> Option<Tooltip> {
        let p = self.plot;
        let reach = HIT_DISTANCE;
        if px < p.x - reach || px > p.right() + reach || py < p.y - reach || py > p.bottom() + reach
        {
            return None;
        }
        // The link drawn nearest the pointer, else the merge whose bar is the lowest one above
        // it (the innermost U around it).
        let near = self
            .links
            .iter()
            .map(|l| (l.distance(px, py), l))
            .filter(|(d, _)| d.is_finite() && *d <= reach)
            .min_by(|a, b| a.0.total_cmp(&b.0))
            .map(|(_, l)| l);
        let link = match near {
            Some(l) => l,
            None if py <= p.bottom() => self
                .links
                .iter()
                .filter(|l| l.xl.min(l.xr) <= px && px <= l.xl.max(l.xr) && l.y <= py)
                .max_by(|a, b| a.y.total_cmp(&b.y))?,
            None => return None,
        };
        let merge = merges.get(link.merge)?;
        let size_of = |node: usize| {
            if node < self.n_leaves {
                leaf_sizes.get(node).copied()
            } else {
                merges.get(node - self.n_leaves).map(|m| m.size)
            }
        };
        let mut lines = vec![
            format!(
                "Ward height: {}",
                format::value(merge.height, ValueFormat::Number)
            ),
            format!("Customers merged: {}", format::fixed(merge.size as f64, 0)),
        ];
        if let (Some(a), Some(b)) = (size_of(merge.left), size_of(merge.right)) {
            lines.push(format!(
                "Branches: {} + {}",
                format::fixed(a as f64, 0),
                format::fixed(b as f64, 0)
            ));
        }
        if let Some(cut) = self.cut {
            lines.push(if merge.height > cut {
                "Above the cut: these stay separate segments".to_string()
            } else {
                "Below the cut: inside one segment".to_string()
            });
        }
        let (xl, xr) = (link.xl.min(link.xr), link.xl.max(link.xr));
        let bottom = link.yl.max(link.yr).max(link.y);
        Some(Tooltip::new(
            format!("Merge of {} customers", format::fixed(merge.size as f64, 0)),
            lines,
            Some(Highlight::Rect {
                x: xl - 3.0,
                y: link.y - 3.0,
                w: xr - xl + 6.0,
                h: bottom - link.y + 3.0,
            }),
        ))
    }
}

/// The tree as drawn, in leaf units: x of every node (leaves at `0..n` in walk order), y
/// (height) of every node, the valid merges and the leaf order.
struct Tree {
    /// Children of each merge, `None` for a malformed merge (not drawn).
    children: Vec<Option<(usize, usize)>>,
    x: Vec<f64>,
    y: Vec<f64>,
    /// Leaves in drawing order.
    order: Vec<usize>,
}

impl Tree {
    /// The tree of `n` leaves and `merges`. Indexing below is safe whatever the data: every
    /// index is a node id below `n + merges.len()` (leaves, merge `i` at `n + i`, and children
    /// only once `exists.get(…)` has vouched for them).
    fn new(n: usize, merges: &[DendrogramLink]) -> Self {
        let nodes = n + merges.len();
        let mut exists = vec![false; nodes];
        let mut used = vec![false; nodes];
        for e in exists.iter_mut().take(n) {
            *e = true;
        }
        let mut children = Vec::with_capacity(merges.len());
        for (i, m) in merges.iter().enumerate() {
            let (l, r) = (m.left, m.right);
            let ok = l != r
                && exists.get(l) == Some(&true)
                && exists.get(r) == Some(&true)
                && used.get(l) == Some(&false)
                && used.get(r) == Some(&false);
            if ok {
                used[l] = true;
                used[r] = true;
                exists[n + i] = true;
                children.push(Some((l, r)));
            } else {
                children.push(None);
            }
        }
        // Roots: the latest merges first, then leaves never merged.
        let roots: Vec<usize> = (0..nodes)
            .rev()
            .filter(|&node| exists[node] && !used[node])
            .collect();
        // Walk from each root, left branch first: leaves come out in an order without crossings.
        let mut order = Vec::with_capacity(n);
        let mut stack = Vec::new();
        for root in roots {
            stack.push(root);
            while let Some(node) = stack.pop() {
                if node < n {
                    order.push(node);
                } else if let Some(Some((l, r))) = children.get(node - n) {
                    stack.push(*r);
                    stack.push(*l);
                }
            }
        }
        let mut x = vec![0.0; nodes];
        let mut y = vec![0.0; nodes];
        for (pos, &leaf) in order.iter().enumerate() {
            x[leaf] = pos as f64;
        }
        for (i, (c, m)) in children.iter().zip(merges).enumerate() {
            if let Some((l, r)) = *c {
                x[n + i] = (x[l] + x[r]) / 2.0;
                y[n + i] = if m.height.is_finite() {
                    m.height
                } else {
                    y[l].max(y[r])
                };
            }
        }
        Self {
            children,
            x,
            y,
            order,
        }
    }

    /// (merge index, left child, right child) of every valid merge.
    fn links(&self) -> impl Iterator<Item = (usize, usize, usize)> + '_ {
        self.children
            .iter()
            .enumerate()
            .filter_map(|(i, c)| c.map(|(l, r)| (i, l, r)))
    }
}

pub fn draw(
    p: &mut Painter,
    frame: Rect,
    y_label: &str,
    leaf_sizes: &[usize],
    merges: &[DendrogramLink],
    cut_height: Option<f64>,
) -> Result<Option<Layout>, ChartError> {
    let n = leaf_sizes.len();
    let tree = Tree::new(n, merges);
    if tree.links().next().is_none() {
        return Ok(None);
    }
    let theme = p.theme.clone();
    let heights = || {
        tree.links()
            .filter_map(|(i, _, _)| tree.y.get(n + i).copied())
    };
    let lo = heights().fold(0.0, f64::min);
    let mut hi = heights().fold(lo, f64::max);
    let cut = cut_height.filter(|c| c.is_finite());
    if let Some(c) = cut {
        hi = hi.max(c);
    }
    if hi <= lo {
        hi = lo + 1.0;
    }
    let labels: Vec<String> = tree
        .order
        .iter()
        .map(|&leaf| {
            let size = leaf_sizes.get(leaf).copied().unwrap_or(0);
            format!("({})", format::fixed(size as f64, 0))
        })
        .collect();
    let axes = axes::layout(
        p,
        frame,
        &XSpec::Categories {
            title: "Customers under each leaf",
            labels: &labels,
            thin: false,
        },
        &ValueSpec::extended(y_label, ValueFormat::Number, lo, hi),
    );
    axes::draw(p, &axes)?;
    let plot = axes.plot;
    let band = axes.band(n.max(1));
    let ys: Linear = axes.y.scale;
    let x_px =
        |node: usize| band.start + (tree.x.get(node).copied().unwrap_or(0.0) + 0.5) * band.step;
    let y_px = |node: usize| ys.map(tree.y.get(node).copied().unwrap_or(0.0));

    let mut links = Vec::with_capacity(merges.len());
    for (i, l, r) in tree.links() {
        let node = n + i;
        let link = Link {
            merge: i,
            xl: x_px(l),
            xr: x_px(r),
            y: y_px(node),
            yl: y_px(l),
            yr: y_px(r),
        };
        let above_cut = cut.is_some_and(|c| tree.y.get(node).is_some_and(|&h| h > c));
        let colour = if above_cut { theme.axis } else { theme.text_2 };
        p.vline(link.xl, link.yl, link.y, LINK_WIDTH, colour)?;
        p.vline(link.xr, link.yr, link.y, LINK_WIDTH, colour)?;
        p.hline(link.xl, link.xr, link.y, LINK_WIDTH, colour)?;
        links.push(link);
    }
    p.hline(
        plot.x,
        plot.right(),
        ys.map(0.0).min(plot.bottom()),
        1.0,
        theme.axis,
    )?;

    if let Some(c) = cut {
        let y = ys.map(c);
        if y >= plot.y && y <= plot.bottom() {
            // Merges at or below the cut are performed; each one joins two groups into one.
            let performed = heights().filter(|&h| h <= c).count();
            let k = n.saturating_sub(performed);
            let text = format!("cut: {k} {}", if k == 1 { "segment" } else { "segments" });
            p.dashed_hline(plot.x, plot.right(), y, 1.5, theme.highlight)?;
            p.text(
                &text,
                plot.right() - 2.0,
                y - 3.0,
                CUT_FONT,
                theme.highlight,
                Anchor::BOTTOM_RIGHT,
            )?;
        }
    }

    Ok(Some(Layout {
        plot,
        links,
        n_leaves: n,
        cut,
    }))
}
