//! The histogram tree engine shared by the decision tree, the random forest and gradient
//! boosting (the method of scikit-learn's `HistGradientBoosting` and LightGBM).
//!
//! - [`BinMapper`] cuts every column into at most 255 bins once; [`Binned`] holds the bin of
//!   every cell as one byte, column by column (a split reads one column to partition its rows;
//!   a forest's split builds the histograms of a few random columns, one column at a time).
//! - [`Grower`] grows one tree over per-row statistics `(g, h)`: a node's histogram holds, per
//!   feature and bin, the sums of `g` and `h` and the row count; the best split of a feature is
//!   one scan over its bins, scoring `G_L²/(H_L+λ) + G_R²/(H_R+λ) − G²/(H+λ)`. After a split only
//!   the smaller child's histogram is built; the larger one is the parent's minus the smaller.
//! - A histogram of every feature (boosting, the decision tree) is built row by row from a
//!   sparse copy of the bins: each row lists only its bins that are not its feature's most
//!   frequent one (10 of bank-full's 48 one-hot encoded columns on average), and each
//!   feature's most frequent bin is the node's total minus its other bins. Measured on bank-full
//!   at opt-level "z", this made the boosting fit about twice as fast as filling the histogram
//!   column by column (a 0/1 column sends nearly every row to the same bin, so each addition
//!   waited for the previous one).
//! - The same engine serves three kinds of tree:
//!   - Newton boosting (`g` = gradient, `h` = hessian, leaf value `−G/(H+λ)`): on log loss for
//!     classification, on squared error for regression (`g = w·(ŷ − y)`, `h = w`);
//!   - Gini classification trees: with `g = w·y`, `h = w` and `λ = 0` the gain above is exactly
//!     half the weighted Gini decrease, and the leaf value `G/H` is the weighted share of
//!     positives in the leaf;
//!   - squared-error regression trees: the same `g = w·y`, `h = w`, `λ = 0` with a real `y` make
//!     the gain exactly the decrease of the weighted sum of squared errors (`Σw(y − ȳ)²` =
//!     `Σwy² − G²/H`, and `Σwy²` cancels between a node and its children), and `G/H` the
//!     weighted mean of `y` in the leaf ([`LeafRule::MeanOfReal`]).
//! - A node with few rows (fewer than [`Grower`]'s small-node size, about a sixteenth of the
//!   bins of one feature per row) is split without a histogram: each feature's rows are sorted
//!   by bin and only their distinct bins are scanned. A tree grown to full depth (the random
//!   forest regressor, one customer per leaf) is mostly such nodes, and subtracting and scanning
//!   every bin of every feature there cost far more than the rows themselves: on Online
//!   Retail's 2,156 training customers × 18 features this took a 100-tree forest from 0.67 s to
//!   the figure in `core/value/regress/forest.rs`. The splits are the same (the same gains in
//!   the same order).
//! - A fitted [`Tree`] stores each split as a feature and a threshold *value* (`x ≤ threshold`
//!   goes left, and so does NaN), so it predicts on raw numbers without binning; rows are walked
//!   through the trees eight at a time.
//!
//! Pure Rust: no web-sys; never panics on user data (bad data is a [`TreeError`]; the checks every
//! model shares are in [`super::inputs`]).

use std::borrow::Cow;

use ndarray::ArrayView2;
use rand_xoshiro::Xoshiro256Plus;

use super::inputs::{check_finite, DataError};
use crate::core::random::index_in;

/// Most bins per feature (bin codes are bytes).
pub const MAX_BINS: usize = 255;

/// A tree model cannot be fitted with this data or these settings; the message says what to do.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum TreeError {
    #[error(transparent)]
    Data(#[from] DataError),
    #[error(
        "The data has {found} feature columns but the model was set up for {expected}: use the \
         same columns."
    )]
    ColumnCount { expected: usize, found: usize },
    #[error("The number of bins must be between 2 and 255 (got {0}).")]
    MaxBins(usize),
    #[error("The maximum depth must be at least 1 (got {0}).")]
    MaxDepth(usize),
    #[error("The maximum number of leaves must be at least 2 (got {0}).")]
    MaxLeafNodes(usize),
    #[error("The minimum number of customers per leaf must be at least 1 (got {0}).")]
    MinSamplesLeaf(usize),
    #[error("The forest needs at least 1 tree (got {0}).")]
    NTrees(usize),
    #[error("The share of features tried per split must be above 0 and at most 1 (got {0}).")]
    MaxFeatures(f64),
    #[error("The learning rate must be a positive number (got {0}).")]
    LearningRate(f64),
    #[error("Gradient boosting needs at least 1 iteration (got {0}).")]
    MaxIter(usize),
    #[error("The L2 regularisation must be a number of at least 0 (got {0}).")]
    L2(f64),
    #[error("The validation share for early stopping must be above 0 and below 1 (got {0}).")]
    ValidationFraction(f64),
    #[error("Early stopping needs at least 1 round without improvement (got {0}).")]
    NIterNoChange(usize),
    #[error("The early-stopping tolerance must be a number of at least 0 (got {0}).")]
    Tolerance(f64),
    #[error(
        "Too few rows to hold some out for early stopping ({rows} rows): switch early stopping \
         off or use more data."
    )]
    ValidationTooSmall { rows: usize },
}

/// `x` as one row-major slice (borrowed when it already is one).
pub(crate) fn row_major<'a>(x: &'a ArrayView2<'_, f64>) -> Cow<'a, [f64]> {
    match x.as_slice() {
        Some(xs) => Cow::Borrowed(xs),
        None => Cow::Owned(x.iter().copied().collect()),
    }
}

/// Bin edges of every column, learned from the training data.
#[derive(Debug, Clone, PartialEq)]
pub struct BinMapper {
    /// Per feature, strictly increasing thresholds: bin `b` holds the values `x` with
    /// `thresholds[b − 1] < x ≤ thresholds[b]`; the last bin everything above the last threshold.
    thresholds: Vec<Vec<f64>>,
}

impl BinMapper {
    /// Learn at most `max_bins` bins per column of `x` (finite numbers, at least one row).
    ///
    /// A column with at most `max_bins` distinct values gets a threshold halfway between each
    /// two consecutive distinct values (every value its own bin). Otherwise the thresholds are
    /// the `max_bins − 1` inner quantiles of the column (its values with repeats, "midpoint"
    /// interpolation), repeated thresholds counted once — scikit-learn's
    /// `_find_binning_thresholds`, without its 200 000-row subsample.
    pub fn fit(x: ArrayView2<'_, f64>, max_bins: usize) -> Result<BinMapper, TreeError> {
        if !(2..=MAX_BINS).contains(&max_bins) {
            return Err(TreeError::MaxBins(max_bins));
        }
        let (n, d) = x.dim();
        if n == 0 {
            return Err(DataError::Empty.into());
        }
        if d == 0 {
            return Err(DataError::NoFeatures.into());
        }
        check_finite(x)?;
        Ok(BinMapper::fit_finite(x, max_bins))
    }

    /// [`BinMapper::fit`] for `x` already checked: at least one row and column, finite numbers,
    /// and `max_bins` in 2…255.
    pub(crate) fn fit_finite(x: ArrayView2<'_, f64>, max_bins: usize) -> BinMapper {
        let mut column = Vec::with_capacity(x.nrows());
        let thresholds = x
            .columns()
            .into_iter()
            .map(|values| {
                column.clear();
                column.extend(values.iter().copied());
                column_thresholds(&mut column, max_bins)
            })
            .collect();
        BinMapper { thresholds }
    }

    pub fn n_features(&self) -> usize {
        self.thresholds.len()
    }

    /// Bins of `feature` (0 for a feature the mapper does not have).
    pub fn n_bins(&self, feature: usize) -> usize {
        self.thresholds.get(feature).map_or(0, |t| t.len() + 1)
    }

    /// Thresholds of `feature` (empty for a feature the mapper does not have).
    pub fn thresholds(&self, feature: usize) -> &[f64] {
        self.thresholds.get(feature).map_or(&[], |t| t.as_slice())
    }

    /// Bin of every cell of `x`, which must have the fitted columns and finite numbers.
    pub fn transform(&self, x: ArrayView2<'_, f64>) -> Result<Binned, TreeError> {
        let d = x.ncols();
        if d != self.n_features() {
            return Err(TreeError::ColumnCount {
                expected: self.n_features(),
                found: d,
            });
        }
        check_finite(x)?;
        Ok(self.transform_finite(x))
    }

    /// [`BinMapper::transform`] for `x` already checked: the fitted columns, finite numbers.
    pub(crate) fn transform_finite(&self, x: ArrayView2<'_, f64>) -> Binned {
        let (n, d) = x.dim();
        let mut codes = Vec::with_capacity(n * d);
        for (values, thresholds) in x.columns().into_iter().zip(&self.thresholds) {
            codes.extend(values.iter().map(|&v| bin_of(thresholds, v)));
        }
        let mut offsets = Vec::with_capacity(d + 1);
        let mut total = 0;
        offsets.push(0);
        for t in &self.thresholds {
            total += t.len() + 1;
            offsets.push(total);
        }
        Binned {
            n_rows: n,
            n_features: d,
            codes,
            offsets,
        }
    }
}

/// Bin of `value`: the number of thresholds below it.
fn bin_of(thresholds: &[f64], value: f64) -> u8 {
    thresholds.partition_point(|&t| t < value) as u8
}

/// Halfway between `a` and `b` without overflowing.
fn midpoint(a: f64, b: f64) -> f64 {
    a * 0.5 + b * 0.5
}

/// Thresholds of one column (see [`BinMapper::fit`]); reorders `values`.
fn column_thresholds(values: &mut [f64], max_bins: usize) -> Vec<f64> {
    // Few distinct values (one-hot columns, codes, counts): collect them without sorting.
    let mut distinct: Vec<f64> = Vec::with_capacity(max_bins + 1);
    let mut last = f64::NAN;
    let mut few = true;
    for &v in values.iter() {
        if v == last {
            continue;
        }
        last = v;
        if let Err(at) = distinct.binary_search_by(|d| d.total_cmp(&(v + 0.0))) {
            if distinct.len() == max_bins {
                few = false;
                break;
            }
            distinct.insert(at, v + 0.0);
        }
    }
    if few {
        return distinct.windows(2).map(|w| midpoint(w[0], w[1])).collect();
    }
    values.sort_unstable_by(f64::total_cmp);
    let n = values.len();
    let mut thresholds: Vec<f64> = Vec::with_capacity(max_bins - 1);
    for k in 1..max_bins {
        let position = k as f64 / max_bins as f64 * (n - 1) as f64;
        let below = values[position.floor() as usize];
        let above = values[(position.ceil() as usize).min(n - 1)];
        let t = midpoint(below, above);
        if thresholds.last().is_none_or(|&l| t > l) {
            thresholds.push(t);
        }
    }
    // A threshold at or above the largest value would leave the last bin empty.
    if let Some(&max) = values.last() {
        while thresholds.last().is_some_and(|&t| t >= max) {
            thresholds.pop();
        }
    }
    thresholds
}

/// The bin of every cell, stored column by column.
#[derive(Debug, Clone, PartialEq)]
pub struct Binned {
    n_rows: usize,
    n_features: usize,
    /// `codes[f · n_rows + i]` = bin of row `i`, feature `f`.
    codes: Vec<u8>,
    /// Start of each feature's bins in a node histogram (`n_features + 1` entries).
    offsets: Vec<usize>,
}

impl Binned {
    pub fn n_rows(&self) -> usize {
        self.n_rows
    }

    pub fn n_features(&self) -> usize {
        self.n_features
    }

    /// Bins of one feature, one per row (empty for a feature out of range).
    pub fn column(&self, feature: usize) -> &[u8] {
        self.codes
            .get(feature * self.n_rows..(feature + 1) * self.n_rows)
            .unwrap_or(&[])
    }

    fn total_bins(&self) -> usize {
        self.offsets.last().copied().unwrap_or(0)
    }
}

/// Sums of a set of rows: gradients, hessians, rows.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
struct Stats {
    g: f64,
    h: f64,
    n: u32,
}

impl Stats {
    fn add(&mut self, other: &Stats) {
        self.g += other.g;
        self.h += other.h;
        self.n += other.n;
    }

    fn minus(&self, other: &Stats) -> Stats {
        Stats {
            g: self.g - other.g,
            h: self.h - other.h,
            n: self.n.saturating_sub(other.n),
        }
    }
}

/// How a leaf turns its sums into a value.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum LeafRule {
    /// `−shrinkage · G / (H + λ)`: a Newton step on the loss (gradient boosting).
    Newton { shrinkage: f64 },
    /// `G / H`: the weighted mean of a 0/1 target (classification trees, `g = w·y`, `h = w`).
    /// Pure nodes (one class: `G = 0` or `G = H`) are not split.
    Mean,
    /// `G / H`: the weighted mean of a real target (regression trees, `g = w·y`, `h = w`). A
    /// node whose rows all hold the same `y` is not split; that is checked on the rows, since
    /// `G` and `H` cannot tell (scikit-learn: a node with zero impurity is a leaf).
    MeanOfReal,
}

/// Settings of one tree's growth.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct GrowParams {
    /// Deepest split level (the root is depth 0); `None` = no limit.
    pub max_depth: Option<usize>,
    /// Most leaves; when set the tree grows best-first (the leaf with the largest gain splits
    /// next), as scikit-learn's `HistGradientBoosting` and LightGBM.
    pub max_leaf_nodes: Option<usize>,
    /// Fewest rows in a leaf.
    pub min_samples_leaf: usize,
    /// Smallest hessian sum in a leaf.
    pub min_hessian_leaf: f64,
    /// `λ` of the gain and the Newton leaf value.
    pub l2: f64,
    /// A split must gain more than this.
    pub min_gain: f64,
    /// Features tried per split, drawn at random per node (random forests); `None` = all.
    pub max_features: Option<usize>,
    pub leaf: LeafRule,
}

/// One node of a fitted tree.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Node {
    /// Feature of the split (unused in a leaf).
    pub feature: u32,
    /// Rows with `x[feature] ≤ threshold` go left.
    pub threshold: f64,
    /// Index of the left child (the right one follows it); 0 in a leaf.
    pub left: u32,
    /// The leaf's value (in a split node: the value it had as a leaf).
    pub value: f64,
}

impl Node {
    fn leaf(value: f64) -> Node {
        Node {
            feature: 0,
            threshold: 0.0,
            left: 0,
            value,
        }
    }

    pub fn is_leaf(&self) -> bool {
        self.left == 0
    }
}

/// A fitted tree.
#[derive(Debug, Clone, PartialEq)]
pub struct Tree {
    nodes: Vec<Node>,
    n_leaves: usize,
    depth: usize,
    /// Per feature, the summed gain of its splits.
    feature_gain: Vec<f64>,
    /// The nodes for prediction: a leaf points to itself with an infinite threshold, so every
    /// row takes exactly `depth` steps without asking whether it reached a leaf.
    steps: Vec<Step>,
}

/// One node as [`Tree::add_predictions`] walks it: `x[feature] > threshold` goes to `next + 1`,
/// anything else (NaN too) to `next`.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Step {
    threshold: f64,
    feature: u32,
    next: u32,
}

/// Rows walked through a tree side by side (their memory loads overlap).
const LANES: usize = 8;

impl Tree {
    fn new(nodes: Vec<Node>, n_leaves: usize, depth: usize, feature_gain: Vec<f64>) -> Tree {
        let steps = nodes
            .iter()
            .enumerate()
            .map(|(k, node)| {
                if node.is_leaf() {
                    Step {
                        threshold: f64::INFINITY,
                        feature: 0,
                        next: k as u32,
                    }
                } else {
                    Step {
                        threshold: node.threshold,
                        feature: node.feature,
                        next: node.left,
                    }
                }
            })
            .collect();
        Tree {
            nodes,
            n_leaves,
            depth,
            feature_gain,
            steps,
        }
    }

    pub fn nodes(&self) -> &[Node] {
        &self.nodes
    }

    pub fn n_leaves(&self) -> usize {
        self.n_leaves
    }

    /// Depth of the deepest leaf (0 for a tree that is one leaf).
    pub fn depth(&self) -> usize {
        self.depth
    }

    /// Per feature, the summed gain of its splits (half the weighted Gini decrease in a
    /// classification tree, the loss decrease in a boosting tree).
    pub fn feature_gain(&self) -> &[f64] {
        &self.feature_gain
    }

    /// Value of the leaf `row` falls in (`row` has the fitted columns; a missing column or a
    /// NaN goes left).
    pub fn predict_row(&self, row: &[f64]) -> f64 {
        let mut k = 0usize;
        for _ in 0..self.depth {
            let Some(step) = self.steps.get(k) else {
                break;
            };
            let v = row.get(step.feature as usize).copied().unwrap_or(f64::NAN);
            k = step.next as usize + usize::from(v > step.threshold);
        }
        self.nodes.get(k).map_or(f64::NAN, |node| node.value)
    }

    /// `out[i] += scale · value(row i)` for every row of the row-major `xs` (`d` columns).
    pub(crate) fn add_predictions(&self, xs: &[f64], d: usize, scale: f64, out: &mut [f64]) {
        add_predictions(std::slice::from_ref(self), xs, d, scale, out);
    }

    /// Walk the rows of `block` (`d` columns each, at most [`LANES`]) side by side to their
    /// leaves and add `scale ·` the leaf values to `outs`.
    fn add_block(&self, block: &[f64], d: usize, scale: f64, outs: &mut [f64]) {
        let mut k = [0usize; LANES];
        let m = outs.len().min(block.len() / d.max(1)).min(LANES);
        for level in 0..self.depth {
            // Deep trees (forests) have leaves at many depths: stop once every row is in one.
            if level % 4 == 3
                && k.iter()
                    .take(m)
                    .all(|&kj| self.steps.get(kj).is_none_or(|s| s.next as usize == kj))
            {
                break;
            }
            for (j, kj) in k.iter_mut().enumerate().take(m) {
                let Some(step) = self.steps.get(*kj) else {
                    continue;
                };
                let f = step.feature as usize;
                let v = if f < d {
                    block.get(j * d + f).copied().unwrap_or(f64::NAN)
                } else {
                    f64::NAN
                };
                *kj = step.next as usize + usize::from(v > step.threshold);
            }
        }
        for (o, &kj) in outs.iter_mut().zip(&k) {
            *o += scale * self.nodes.get(kj).map_or(f64::NAN, |node| node.value);
        }
    }
}

/// `out[i] += scale · Σ_trees value(row i)` for every row of the row-major `xs` (`d` columns).
/// [`LANES`] rows at a time go through every tree (the rows stay in cache, and their walks
/// through a tree overlap).
pub(crate) fn add_predictions(trees: &[Tree], xs: &[f64], d: usize, scale: f64, out: &mut [f64]) {
    if d == 0 {
        return;
    }
    for (block, outs) in xs.chunks(LANES * d).zip(out.chunks_mut(LANES)) {
        for tree in trees {
            tree.add_block(block, d, scale, outs);
        }
    }
}

/// A grown tree and, for every leaf, the rows that fell in it: `rows[start..end]` of the row
/// buffer given to [`Grower::grow`], with the leaf's value.
pub(crate) struct Grown {
    pub tree: Tree,
    pub leaves: Vec<(usize, usize, f64)>,
}

/// The best split found for a node.
#[derive(Debug, Clone, Copy)]
struct Split {
    feature: usize,
    bin: u8,
    gain: f64,
    left: Stats,
}

/// A leaf that may still be split.
struct Candidate {
    node: usize,
    start: usize,
    end: usize,
    depth: usize,
    total: Stats,
    hist: Option<Vec<Stats>>,
    split: Split,
}

/// [`Grower`]'s small-node size is the mean bins per feature over this (16 rows at 255 bins).
const SMALL_NODE_DIVISOR: usize = 4;

/// Grows trees over one binned data set; keeps its buffers from tree to tree.
pub(crate) struct Grower<'a> {
    binned: &'a Binned,
    mapper: &'a BinMapper,
    params: GrowParams,
    pool: Vec<Vec<Stats>>,
    ordered: Vec<[f64; 2]>,
    scratch: Vec<u32>,
    features: Vec<usize>,
    one_feature: Vec<Stats>,
    /// Row-wise bins for full histograms (`None` when each split draws its features).
    sparse: Option<SparseRows>,
    /// Four histograms of one feature (see [`build_one`]).
    lanes: Vec<Stats>,
    /// Nodes with fewer rows than this are split from their sorted rows (see the module docs).
    small_node: usize,
    /// One feature's sort keys of a small node's rows (see [`Self::best_split_small`]).
    small_rows: Vec<u32>,
}

/// The bins of every row that are not their feature's most frequent bin, as indexes into a
/// node histogram, row after row. A full histogram adds each row to these bins only (about a
/// quarter of the cells on one-hot encoded data) and derives each feature's most frequent bin
/// from the node's totals; consecutive additions go to different features, so they do not wait
/// on each other.
struct SparseRows {
    /// Row `i`'s bins are `bins[spans[i].0..spans[i].1]`.
    spans: Vec<(usize, usize)>,
    bins: Vec<u32>,
    /// Most frequent bin of each feature.
    default_bin: Vec<u8>,
}

impl SparseRows {
    fn new(binned: &Binned) -> SparseRows {
        let n = binned.n_rows();
        let d = binned.n_features();
        let mut default_bin = Vec::with_capacity(d);
        for f in 0..d {
            let mut counts = [0usize; MAX_BINS + 1];
            for &b in binned.column(f) {
                counts[b as usize] += 1;
            }
            let mut best = 0;
            for (b, &c) in counts.iter().enumerate() {
                if c > counts[best] {
                    best = b;
                }
            }
            default_bin.push(best as u8);
        }
        let mut spans = Vec::with_capacity(n);
        let mut cells = 0;
        for (f, &default) in default_bin.iter().enumerate() {
            cells += binned.column(f).iter().filter(|&&b| b != default).count();
        }
        let mut bins = Vec::with_capacity(cells);
        let columns: Vec<&[u8]> = (0..d).map(|f| binned.column(f)).collect();
        for i in 0..n {
            let start = bins.len();
            for (f, column) in columns.iter().enumerate() {
                let b = column.get(i).copied().unwrap_or(0);
                if b != default_bin[f] {
                    bins.push((binned.offsets[f] + b as usize) as u32);
                }
            }
            spans.push((start, bins.len()));
        }
        SparseRows {
            spans,
            bins,
            default_bin,
        }
    }
}

impl<'a> Grower<'a> {
    pub fn new(binned: &'a Binned, mapper: &'a BinMapper, params: GrowParams) -> Grower<'a> {
        let sparse = params
            .max_features
            .is_none_or(|m| m >= binned.n_features())
            .then(|| SparseRows::new(binned));
        Grower {
            binned,
            mapper,
            params,
            pool: Vec::new(),
            ordered: Vec::new(),
            scratch: Vec::new(),
            features: (0..binned.n_features()).collect(),
            one_feature: vec![Stats::default(); MAX_BINS + 1],
            sparse,
            lanes: Vec::new(),
            small_node: (binned.total_bins() / binned.n_features().max(1) / SMALL_NODE_DIVISOR)
                .min(1 << 16),
            small_rows: Vec::new(),
        }
    }

    /// Grow one tree on the rows listed in `rows` (reordered: each leaf's rows end up
    /// together), with per-row statistics `gh[row] = [g, h]`. `rng` draws the features
    /// of each split when `max_features` is set.
    pub fn grow(&mut self, gh: &[[f64; 2]], rows: &mut [u32], rng: &mut Xoshiro256Plus) -> Grown {
        let d = self.binned.n_features();
        let subset = self.params.max_features.filter(|&m| m < d);
        let mut total = Stats::default();
        for &r in rows.iter() {
            let r = r as usize;
            let [g, h] = gh.get(r).copied().unwrap_or_default();
            total.g += g;
            total.h += h;
            total.n += 1;
        }
        let mut nodes = vec![Node::leaf(self.leaf_value(&total))];
        let mut ranges = vec![(0usize, rows.len())];
        let mut feature_gain = vec![0.0; d];
        let mut frontier: Vec<Candidate> = Vec::new();
        if self.splittable(&total, 0) && !self.same_target(rows, gh) {
            let (hist, split) = match subset {
                Some(m) => (None, self.best_split_subset(rows, gh, &total, m, rng)),
                None if rows.len() < self.small_node => {
                    (None, self.best_split_small(rows, gh, &total))
                }
                None => {
                    let hist = self.build_full(rows, gh, &total);
                    let split = self.best_split_full(&hist, &total);
                    (Some(hist), split)
                }
            };
            match split {
                Some(split) => frontier.push(Candidate {
                    node: 0,
                    start: 0,
                    end: rows.len(),
                    depth: 0,
                    total,
                    hist,
                    split,
                }),
                None => self.release(hist),
            }
        }
        let mut n_leaves = 1usize;
        let best_first = self.params.max_leaf_nodes.is_some();
        while !frontier.is_empty() {
            if self.params.max_leaf_nodes.is_some_and(|m| n_leaves >= m) {
                break;
            }
            let pick = if best_first {
                let mut best = 0;
                for (i, c) in frontier.iter().enumerate() {
                    if c.split.gain > frontier[best].split.gain {
                        best = i;
                    }
                }
                best
            } else {
                frontier.len() - 1
            };
            let mut c = frontier.swap_remove(pick);
            let split = c.split;
            let column = self.binned.column(split.feature);
            let Some(node_rows) = rows.get_mut(c.start..c.end) else {
                self.release(c.hist.take());
                continue;
            };
            let n_left = partition(node_rows, column, split.bin, &mut self.scratch);
            let mid = c.start + n_left;
            let left_total = split.left;
            let right_total = c.total.minus(&left_total);
            let left = nodes.len();
            nodes.push(Node::leaf(self.leaf_value(&left_total)));
            nodes.push(Node::leaf(self.leaf_value(&right_total)));
            ranges.push((c.start, mid));
            ranges.push((mid, c.end));
            if let Some(node) = nodes.get_mut(c.node) {
                node.feature = split.feature as u32;
                node.threshold = self
                    .mapper
                    .thresholds(split.feature)
                    .get(split.bin as usize)
                    .copied()
                    .unwrap_or(f64::INFINITY);
                node.left = left as u32;
            }
            if let Some(fg) = feature_gain.get_mut(split.feature) {
                *fg += split.gain;
            }
            n_leaves += 1;
            let depth = c.depth + 1;
            let children = [
                (left, c.start, mid, left_total),
                (left + 1, mid, c.end, right_total),
            ];
            let can = [
                self.splittable(&left_total, depth) && !self.same_target(&rows[c.start..mid], gh),
                self.splittable(&right_total, depth) && !self.same_target(&rows[mid..c.end], gh),
            ];
            let small = [
                (left_total.n as usize) < self.small_node,
                (right_total.n as usize) < self.small_node,
            ];
            let mut hists: [Option<Vec<Stats>>; 2] = [None, None];
            if subset.is_none() && ((can[0] && !small[0]) || (can[1] && !small[1])) {
                if let Some(mut parent) = c.hist.take() {
                    let small = usize::from(left_total.n > right_total.n);
                    let (_, s, e, small_total) = children[small];
                    let small_hist = self.build_full(&rows[s..e], gh, &small_total);
                    for (p, s) in parent.iter_mut().zip(&small_hist) {
                        *p = p.minus(s);
                    }
                    hists[small] = Some(small_hist);
                    hists[1 - small] = Some(parent);
                }
            }
            self.release(c.hist.take());
            for (k, (node, s, e, child_total)) in children.into_iter().enumerate() {
                let hist = hists[k].take();
                if !can[k] {
                    self.release(hist);
                    continue;
                }
                let hist = if subset.is_none() && small[k] {
                    self.release(hist);
                    None
                } else {
                    hist
                };
                let split = match (&hist, subset) {
                    (_, Some(m)) => self.best_split_subset(&rows[s..e], gh, &child_total, m, rng),
                    (Some(hist), None) => self.best_split_full(hist, &child_total),
                    (None, None) if small[k] => {
                        self.best_split_small(&rows[s..e], gh, &child_total)
                    }
                    (None, None) => None,
                };
                match split {
                    Some(split) => frontier.push(Candidate {
                        node,
                        start: s,
                        end: e,
                        depth,
                        total: child_total,
                        hist,
                        split,
                    }),
                    None => self.release(hist),
                }
            }
        }
        for mut c in frontier {
            self.release(c.hist.take());
        }
        let mut leaves = Vec::with_capacity(n_leaves);
        let mut depth = 0;
        let mut depths = vec![0usize; nodes.len()];
        for k in 0..nodes.len() {
            let node = nodes[k];
            if node.is_leaf() {
                let (s, e) = ranges[k];
                leaves.push((s, e, node.value));
                depth = depth.max(depths[k]);
            } else {
                let l = node.left as usize;
                depths[l] = depths[k] + 1;
                depths[l + 1] = depths[k] + 1;
            }
        }
        Grown {
            tree: Tree::new(nodes, n_leaves, depth, feature_gain),
            leaves,
        }
    }

    fn leaf_value(&self, s: &Stats) -> f64 {
        match self.params.leaf {
            LeafRule::Newton { shrinkage } => {
                let denominator = s.h + self.params.l2;
                if denominator > 0.0 {
                    -shrinkage * s.g / denominator
                } else {
                    0.0
                }
            }
            LeafRule::Mean | LeafRule::MeanOfReal => {
                if s.h > 0.0 {
                    s.g / s.h
                } else {
                    0.0
                }
            }
        }
    }

    /// May a node with these sums at this depth be split at all?
    fn splittable(&self, s: &Stats, depth: usize) -> bool {
        let p = &self.params;
        if p.max_depth.is_some_and(|m| depth >= m) {
            return false;
        }
        if (s.n as usize) < 2 * p.min_samples_leaf || s.h < 2.0 * p.min_hessian_leaf {
            return false;
        }
        if p.leaf == LeafRule::Mean {
            // Pure: every row positive (G = H) or negative (G = 0).
            let tiny = 1e-12 * s.h;
            if s.g <= tiny || s.h - s.g <= tiny {
                return false;
            }
        }
        true
    }

    /// With [`LeafRule::MeanOfReal`]: do all `rows` hold the same target `y = g / h` (to 12
    /// significant digits)? Always `false` for the other rules, whose sums say it.
    fn same_target(&self, rows: &[u32], gh: &[[f64; 2]]) -> bool {
        if self.params.leaf != LeafRule::MeanOfReal {
            return false;
        }
        let mut first: Option<f64> = None;
        for &r in rows {
            let Some(&[g, h]) = gh.get(r as usize) else {
                continue;
            };
            if h <= 0.0 {
                continue;
            }
            let y = g / h;
            match first {
                None => first = Some(y),
                Some(f) if (y - f).abs() > 1e-12 * f.abs().max(y.abs()) => return false,
                _ => {}
            }
        }
        true
    }

    fn release(&mut self, hist: Option<Vec<Stats>>) {
        if let Some(hist) = hist {
            self.pool.push(hist);
        }
    }

    /// Gather `g` and `h` of `rows` in row order (so the per-feature passes read them
    /// sequentially).
    fn gather(&mut self, rows: &[u32], gh: &[[f64; 2]]) {
        self.ordered.clear();
        for &r in rows {
            let r = r as usize;
            self.ordered.push(gh.get(r).copied().unwrap_or_default());
        }
    }

    /// Histogram of every feature over `rows`, whose sums are `total`.
    fn build_full(&mut self, rows: &[u32], gh: &[[f64; 2]], total: &Stats) -> Vec<Stats> {
        let mut hist = self.pool.pop().unwrap_or_default();
        hist.clear();
        hist.resize(self.binned.total_bins(), Stats::default());
        let Some(sparse) = &self.sparse else {
            return hist;
        };
        for &r in rows {
            let r = r as usize;
            let (Some(&[gi, hi]), Some(&(start, end))) = (gh.get(r), sparse.spans.get(r)) else {
                continue;
            };
            for &b in sparse.bins.get(start..end).unwrap_or(&[]) {
                if let Some(s) = hist.get_mut(b as usize) {
                    s.g += gi;
                    s.h += hi;
                    s.n += 1;
                }
            }
        }
        // The default bin of each feature holds the rest of the node.
        let offsets = &self.binned.offsets;
        for (f, &default) in sparse.default_bin.iter().enumerate() {
            let Some(bins) = hist.get_mut(offsets[f]..offsets[f + 1]) else {
                continue;
            };
            let mut rest = *total;
            for s in bins.iter() {
                rest = rest.minus(s);
            }
            if let Some(s) = bins.get_mut(default as usize) {
                *s = rest;
            }
        }
        hist
    }

    /// Best split over every feature of a node's histogram.
    fn best_split_full(&self, hist: &[Stats], total: &Stats) -> Option<Split> {
        let offsets = &self.binned.offsets;
        let mut best: Option<Split> = None;
        for f in 0..self.binned.n_features() {
            let Some(bins) = hist.get(offsets[f]..offsets[f + 1]) else {
                continue;
            };
            self.scan(f, bins, total, &mut best);
        }
        best
    }

    /// Best split over `m` features drawn at random (features constant in the node are not
    /// counted, as scikit-learn: more are drawn until `m` non-constant ones were tried).
    fn best_split_subset(
        &mut self,
        rows: &[u32],
        gh: &[[f64; 2]],
        total: &Stats,
        m: usize,
        rng: &mut Xoshiro256Plus,
    ) -> Option<Split> {
        self.gather(rows, gh);
        let d = self.features.len();
        let mut best: Option<Split> = None;
        let mut tried = 0;
        let mut bins = std::mem::take(&mut self.one_feature);
        for k in 0..d {
            if tried >= m {
                break;
            }
            let j = index_in(rng, k..d);
            self.features.swap(k, j);
            let f = self.features[k];
            let nb = self.mapper.n_bins(f);
            let Some(hist) = bins.get_mut(..nb) else {
                continue;
            };
            hist.fill(Stats::default());
            build_one(
                self.binned.column(f),
                rows,
                &self.ordered,
                hist,
                &mut self.lanes,
            );
            if hist.iter().filter(|s| s.n > 0).count() < 2 {
                continue;
            }
            tried += 1;
            self.scan(f, hist, total, &mut best);
        }
        self.one_feature = bins;
        best
    }

    /// Best split over every feature of a small node, from its rows sorted by bin (no
    /// histogram; see the module docs). The same splits as [`Self::best_split_full`].
    fn best_split_small(&mut self, rows: &[u32], gh: &[[f64; 2]], total: &Stats) -> Option<Split> {
        self.gather(rows, gh);
        let mut best: Option<Split> = None;
        let mut keys = std::mem::take(&mut self.small_rows);
        for f in 0..self.binned.n_features() {
            let column = self.binned.column(f);
            // bin · 2¹⁶ + position: sorted, the rows of a bin stay in row order (summed as a
            // histogram sums them). Small nodes have far fewer than 2¹⁶ rows.
            keys.clear();
            keys.extend(rows.iter().enumerate().map(|(i, &r)| {
                let b = column.get(r as usize).copied().unwrap_or(0);
                (u32::from(b) << 16) | (i as u32 & 0xffff)
            }));
            keys.sort_unstable();
            let ordered = &self.ordered;
            let mut bins = keys.chunk_by(|a, b| a >> 16 == b >> 16).map(|run| {
                let mut s = Stats::default();
                for &k in run {
                    let [g, h] = ordered
                        .get((k & 0xffff) as usize)
                        .copied()
                        .unwrap_or_default();
                    s.g += g;
                    s.h += h;
                    s.n += 1;
                }
                (run.first().map_or(0, |&k| (k >> 16) as u8), s)
            });
            self.scan_bins(f, &mut bins, total, &mut best);
        }
        self.small_rows = keys;
        best
    }

    /// Scan the bins of feature `f` left to right and keep the best split in `best`.
    fn scan(&self, f: usize, bins: &[Stats], total: &Stats, best: &mut Option<Split>) {
        let last = bins.len().saturating_sub(1);
        let mut bins = bins
            .iter()
            .take(last)
            .enumerate()
            .filter(|(_, s)| s.n > 0)
            .map(|(b, s)| (b as u8, *s));
        self.scan_bins(f, &mut bins, total, best);
    }

    /// Scan `(bin, sums)` of feature `f` in increasing bin order (empty bins may be left out);
    /// a split at bin `b` sends bins `≤ b` left.
    fn scan_bins(
        &self,
        f: usize,
        bins: &mut impl Iterator<Item = (u8, Stats)>,
        total: &Stats,
        best: &mut Option<Split>,
    ) {
        let p = &self.params;
        let msl = (p.min_samples_leaf as u32).max(1);
        let parent = total.g * total.g / (total.h + p.l2);
        let mut left = Stats::default();
        for (b, s) in bins {
            left.add(&s);
            if left.n < msl {
                continue;
            }
            let right = total.minus(&left);
            if right.n < msl {
                break;
            }
            if left.h < p.min_hessian_leaf || right.h < p.min_hessian_leaf {
                continue;
            }
            let (dl, dr) = (left.h + p.l2, right.h + p.l2);
            if !(dl > 0.0 && dr > 0.0) {
                continue;
            }
            let gain = left.g * left.g / dl + right.g * right.g / dr - parent;
            if gain > p.min_gain && best.is_none_or(|b| gain > b.gain) {
                *best = Some(Split {
                    feature: f,
                    bin: b,
                    gain,
                    left,
                });
            }
        }
    }
}

/// Add `rows` (with their gathered `(g, h)`) to the histogram `bins` of one feature. On many
/// rows, four histograms take turns and are summed at the end: consecutive rows often fall in
/// the same bin (always, nearly, in a 0/1 column), and one histogram would make each addition
/// wait for the previous one.
fn build_one(
    column: &[u8],
    rows: &[u32],
    gh: &[[f64; 2]],
    bins: &mut [Stats],
    lanes: &mut Vec<Stats>,
) {
    let nb = bins.len();
    if rows.len() < 4 * nb.max(16) {
        for (&r, &pair) in rows.iter().zip(gh) {
            add_row(bins, column, r, pair);
        }
        return;
    }
    lanes.clear();
    lanes.resize(4 * nb, Stats::default());
    let (l0, rest) = lanes.split_at_mut(nb);
    let (l1, rest) = rest.split_at_mut(nb);
    let (l2, l3) = rest.split_at_mut(nb);
    let mut row_quads = rows.chunks_exact(4);
    let mut gh_quads = gh.chunks_exact(4);
    for (r, p) in row_quads.by_ref().zip(gh_quads.by_ref()) {
        add_row(l0, column, r[0], p[0]);
        add_row(l1, column, r[1], p[1]);
        add_row(l2, column, r[2], p[2]);
        add_row(l3, column, r[3], p[3]);
    }
    for (&r, &pair) in row_quads.remainder().iter().zip(gh_quads.remainder()) {
        add_row(l0, column, r, pair);
    }
    for (b, s) in bins.iter_mut().enumerate() {
        *s = l0[b];
        s.add(&l1[b]);
        s.add(&l2[b]);
        s.add(&l3[b]);
    }
}

/// Add row `r` with `(g, h)` to its bin of `column` in `bins`.
#[inline(always)]
fn add_row(bins: &mut [Stats], column: &[u8], r: u32, [g, h]: [f64; 2]) {
    if let Some(s) = column
        .get(r as usize)
        .and_then(|&b| bins.get_mut(b as usize))
    {
        s.g += g;
        s.h += h;
        s.n += 1;
    }
}

/// Stable in-place partition of `rows`: those with `column[row] ≤ bin` first. Returns how many.
/// Branch-free: every row is written to both sides and the side it belongs to advances.
fn partition(rows: &mut [u32], column: &[u8], bin: u8, scratch: &mut Vec<u32>) -> usize {
    let n = rows.len();
    if scratch.len() < n {
        scratch.resize(n, 0);
    }
    let (mut left, mut right) = (0usize, 0usize);
    for i in 0..n {
        let r = rows[i];
        let goes_left = column.get(r as usize).is_some_and(|&b| b <= bin);
        rows[left] = r;
        scratch[right] = r;
        left += usize::from(goes_left);
        right += usize::from(!goes_left);
    }
    rows[left..].copy_from_slice(&scratch[..right]);
    left
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::{array, Array2};
    use rand::{Rng, SeedableRng};

    fn random_matrix(n: usize, d: usize, seed: u64) -> Array2<f64> {
        let mut rng = Xoshiro256Plus::seed_from_u64(seed);
        // Column j takes about 3·(j + 1)² distinct values: 0/1-like columns up to continuous.
        Array2::from_shape_fn((n, d), |(_, j)| {
            let levels = 3 * (j + 1) * (j + 1);
            rng.gen_range(0..levels) as f64 / levels as f64
        })
    }

    fn newton_params() -> GrowParams {
        GrowParams {
            max_depth: None,
            max_leaf_nodes: Some(8),
            min_samples_leaf: 5,
            min_hessian_leaf: 1e-3,
            l2: 1.0,
            min_gain: 0.0,
            max_features: None,
            leaf: LeafRule::Newton { shrinkage: 0.5 },
        }
    }

    /// Gradients and hessians of the log loss at p = 0.5 for a target that depends on
    /// columns 0 and 3.
    fn gradients(x: &Array2<f64>) -> Vec<[f64; 2]> {
        x.rows()
            .into_iter()
            .map(|row| {
                let y = f64::from(u8::from(row[0] + row[3] > 1.0));
                [0.5 - y, 0.25]
            })
            .collect()
    }

    #[test]
    fn few_distinct_values_get_a_threshold_between_each_two() {
        let x = array![[3.0], [1.0], [2.0], [2.0], [1.0], [-0.0], [0.0]];
        let mapper = BinMapper::fit(x.view(), 255).unwrap();
        assert_eq!(mapper.thresholds(0), &[0.5, 1.5, 2.5]);
        let binned = mapper.transform(x.view()).unwrap();
        assert_eq!(binned.column(0), &[3, 1, 2, 2, 1, 0, 0]);
    }

    #[test]
    fn many_distinct_values_get_quantile_thresholds() {
        let x = Array2::from_shape_fn((1000, 1), |(i, _)| ((i * 7919) % 1000) as f64);
        let mapper = BinMapper::fit(x.view(), 10).unwrap();
        let t = mapper.thresholds(0);
        assert_eq!(t.len(), 9);
        assert!(t.windows(2).all(|w| w[0] < w[1]));
        let binned = mapper.transform(x.view()).unwrap();
        let mut counts = [0; 10];
        for &b in binned.column(0) {
            counts[b as usize] += 1;
        }
        assert_eq!(counts, [100; 10]);
    }

    #[test]
    fn a_bin_is_at_most_b_exactly_when_the_value_is_at_most_threshold_b() {
        let x = random_matrix(500, 6, 1);
        let mapper = BinMapper::fit(x.view(), 16).unwrap();
        let binned = mapper.transform(x.view()).unwrap();
        for f in 0..6 {
            let t = mapper.thresholds(f);
            assert!(mapper.n_bins(f) <= 16);
            for (i, &code) in binned.column(f).iter().enumerate() {
                for (b, &tb) in t.iter().enumerate() {
                    assert_eq!(code as usize <= b, x[[i, f]] <= tb);
                }
            }
        }
    }

    #[test]
    fn bad_bins_and_data_are_errors() {
        let x = array![[1.0, 2.0], [3.0, f64::NAN]];
        assert_eq!(
            BinMapper::fit(x.view(), 256).unwrap_err(),
            TreeError::MaxBins(256)
        );
        assert_eq!(
            BinMapper::fit(x.view(), 1).unwrap_err(),
            TreeError::MaxBins(1)
        );
        assert_eq!(
            BinMapper::fit(x.view(), 8).unwrap_err(),
            TreeError::Data(DataError::NonFinite { row: 1, column: 1 })
        );
        let mapper = BinMapper::fit(array![[1.0, 2.0]].view(), 8).unwrap();
        assert_eq!(
            mapper.transform(array![[1.0]].view()).unwrap_err(),
            TreeError::ColumnCount {
                expected: 2,
                found: 1
            }
        );
        assert_eq!(
            BinMapper::fit(Array2::zeros((0, 2)).view(), 8).unwrap_err(),
            TreeError::Data(DataError::Empty)
        );
    }

    #[test]
    fn sparse_histograms_equal_dense_ones_and_subtraction_gives_the_sibling() {
        let x = random_matrix(300, 5, 2);
        let mapper = BinMapper::fit(x.view(), 32).unwrap();
        let binned = mapper.transform(x.view()).unwrap();
        let gh = gradients(&x);
        let mut grower = Grower::new(&binned, &mapper, newton_params());
        let sums = |rows: &[u32]| {
            let mut s = Stats::default();
            for &r in rows {
                let [g, h] = gh[r as usize];
                s.add(&Stats { g, h, n: 1 });
            }
            s
        };
        let dense = |rows: &[u32]| {
            let mut hist = vec![Stats::default(); binned.total_bins()];
            for f in 0..5 {
                for &r in rows {
                    let b = binned.offsets[f] + binned.column(f)[r as usize] as usize;
                    let [g, h] = gh[r as usize];
                    hist[b].add(&Stats { g, h, n: 1 });
                }
            }
            hist
        };
        let all: Vec<u32> = (0..300).collect();
        let (left, right): (Vec<u32>, Vec<u32>) = all.iter().partition(|&&r| r % 3 == 0);
        let parent = grower.build_full(&all, &gh, &sums(&all));
        let small = grower.build_full(&left, &gh, &sums(&left));
        let close = |a: &Stats, b: &Stats| {
            (a.g - b.g).abs() < 1e-9 && (a.h - b.h).abs() < 1e-9 && a.n == b.n
        };
        for (a, b) in small.iter().zip(&dense(&left)) {
            assert!(close(a, b), "{a:?} vs {b:?}");
        }
        for ((p, s), r) in parent.iter().zip(&small).zip(&dense(&right)) {
            assert!(close(&p.minus(s), r), "{:?} vs {r:?}", p.minus(s));
        }
    }

    #[test]
    fn every_leaf_holds_the_rows_that_predict_its_value() {
        let x = random_matrix(400, 5, 3);
        let mapper = BinMapper::fit(x.view(), 32).unwrap();
        let binned = mapper.transform(x.view()).unwrap();
        let gh = gradients(&x);
        let mut grower = Grower::new(&binned, &mapper, newton_params());
        let mut rows: Vec<u32> = (0..400).collect();
        let grown = grower.grow(&gh, &mut rows, &mut Xoshiro256Plus::seed_from_u64(0));
        let n_leaves = grown.tree.n_leaves();
        assert!((4..=8).contains(&n_leaves), "{n_leaves} leaves");
        assert_eq!(grown.leaves.len(), n_leaves);
        let mut seen = vec![false; 400];
        for &(start, end, value) in &grown.leaves {
            assert!(end - start >= 5);
            for &r in &rows[start..end] {
                let row = x.row(r as usize).to_vec();
                assert_eq!(grown.tree.predict_row(&row), value);
                seen[r as usize] = true;
            }
        }
        assert!(seen.iter().all(|&s| s));
        let gain = grown.tree.feature_gain();
        assert!(gain[0] > gain[1] && gain[3] > gain[2], "{gain:?}");
    }

    #[test]
    fn gini_gain_is_half_the_weighted_gini_decrease() {
        // One feature, two bins; weights 1, 2, 1, 3, 1; classes by bin mostly.
        let x = array![[0.0], [0.0], [0.0], [1.0], [1.0]];
        let y = [true, false, false, true, true];
        let w = [1.0, 2.0, 1.0, 3.0, 1.0];
        let gh: Vec<[f64; 2]> = y
            .iter()
            .zip(&w)
            .map(|(&y, &w)| [if y { w } else { 0.0 }, w])
            .collect();
        let mapper = BinMapper::fit(x.view(), 255).unwrap();
        let binned = mapper.transform(x.view()).unwrap();
        let params = GrowParams {
            max_depth: Some(1),
            max_leaf_nodes: None,
            min_samples_leaf: 1,
            min_hessian_leaf: 0.0,
            l2: 0.0,
            min_gain: f64::NEG_INFINITY,
            max_features: None,
            leaf: LeafRule::Mean,
        };
        let mut grower = Grower::new(&binned, &mapper, params);
        let mut rows: Vec<u32> = (0..5).collect();
        let grown = grower.grow(&gh, &mut rows, &mut Xoshiro256Plus::seed_from_u64(0));
        // Weighted Gini = W · 2p(1 − p): root W 8, p 5/8; left W 4, p 1/4; right W 4, p 1.
        let gini = |w: f64, p: f64| w * 2.0 * p * (1.0 - p);
        let decrease = gini(8.0, 5.0 / 8.0) - gini(4.0, 0.25) - gini(4.0, 1.0);
        assert!((grown.tree.feature_gain()[0] - decrease / 2.0).abs() < 1e-12);
        let p: Vec<f64> = x
            .rows()
            .into_iter()
            .map(|r| grown.tree.predict_row(&r.to_vec()))
            .collect();
        assert_eq!(p, vec![0.25, 0.25, 0.25, 1.0, 1.0]);
    }

    #[test]
    fn small_nodes_split_from_sorted_rows_as_histograms_split_them() {
        // Integer targets and weights: every sum is exact, so both ways find the same gains
        // and must grow the same full-depth trees (bootstrap-like weights, several features).
        let x = random_matrix(600, 5, 3);
        let gh: Vec<[f64; 2]> = (0..600)
            .map(|i| {
                let w = (i % 3) as f64;
                [w * ((i * 7919) % 101) as f64, w]
            })
            .collect();
        let mapper = BinMapper::fit(x.view(), 255).unwrap();
        let binned = mapper.transform(x.view()).unwrap();
        let params = GrowParams {
            max_depth: None,
            max_leaf_nodes: None,
            min_samples_leaf: 1,
            min_hessian_leaf: 0.0,
            l2: 0.0,
            min_gain: 0.0,
            max_features: None,
            leaf: LeafRule::MeanOfReal,
        };
        let grow = |small_node: usize| {
            let mut grower = Grower::new(&binned, &mapper, params.clone());
            grower.small_node = small_node;
            let mut rows: Vec<u32> = (0..600).filter(|i| i % 3 != 0).collect();
            grower
                .grow(&gh, &mut rows, &mut Xoshiro256Plus::seed_from_u64(0))
                .tree
        };
        let histograms = grow(0);
        let sorted = grow(usize::MAX);
        let mixed = grow(Grower::new(&binned, &mapper, params.clone()).small_node);
        assert!(histograms.n_leaves() > 100, "{}", histograms.n_leaves());
        assert_eq!(sorted, histograms);
        assert_eq!(mixed, histograms);
    }

    #[test]
    fn real_target_gain_is_the_squared_error_decrease_and_equal_targets_stay_one_leaf() {
        // Spend-like y far above 1 (the 0/1 purity rule would call every node pure).
        let x = array![[0.0], [0.0], [1.0], [1.0], [2.0], [2.0]];
        let y = [100.0, 300.0, 1000.0, 1000.0, 5000.0, 7000.0];
        let gh: Vec<[f64; 2]> = y.iter().map(|&y| [y, 1.0]).collect();
        let mapper = BinMapper::fit(x.view(), 255).unwrap();
        let binned = mapper.transform(x.view()).unwrap();
        let params = GrowParams {
            max_depth: Some(1),
            max_leaf_nodes: None,
            min_samples_leaf: 1,
            min_hessian_leaf: 0.0,
            l2: 0.0,
            min_gain: f64::NEG_INFINITY,
            max_features: None,
            leaf: LeafRule::MeanOfReal,
        };
        let sse = |v: &[f64]| {
            let m = v.iter().sum::<f64>() / v.len() as f64;
            v.iter().map(|y| (y - m) * (y - m)).sum::<f64>()
        };
        let mut grower = Grower::new(&binned, &mapper, params.clone());
        let mut rows: Vec<u32> = (0..6).collect();
        let grown = grower.grow(&gh, &mut rows, &mut Xoshiro256Plus::seed_from_u64(0));
        // The best first split: {0, 1, 1, 1} | {2, 2}.
        let decrease = sse(&y) - sse(&y[..4]) - sse(&y[4..]);
        assert!((grown.tree.feature_gain()[0] - decrease).abs() < 1e-6 * decrease);
        assert_eq!(grown.tree.predict_row(&[0.0]), 600.0);
        assert_eq!(grown.tree.predict_row(&[2.0]), 6000.0);
        // Rows 0..3 hold one value: that node is pure and stays a leaf at any depth, although
        // its x still varies; rows 3..6 split down to one row each.
        let x = array![[0.0], [1.0], [2.0], [3.0], [4.0], [5.0]];
        let y = [1000.0, 1000.0, 1000.0, 5000.0, 6000.0, 7000.0];
        let gh: Vec<[f64; 2]> = y.iter().map(|&y| [y, 1.0]).collect();
        let mapper = BinMapper::fit(x.view(), 255).unwrap();
        let binned = mapper.transform(x.view()).unwrap();
        let mut deeper = params;
        deeper.max_depth = None;
        let mut grower = Grower::new(&binned, &mapper, deeper);
        let mut rows: Vec<u32> = (0..6).collect();
        let tree = grower
            .grow(&gh, &mut rows, &mut Xoshiro256Plus::seed_from_u64(0))
            .tree;
        assert_eq!(tree.n_leaves(), 4, "{:?}", tree.nodes());
        for (row, &yi) in y.iter().enumerate() {
            assert_eq!(tree.predict_row(&[row as f64]), yi);
        }
        let same: Vec<[f64; 2]> = vec![[250.0, 1.0]; 6];
        let mut rows: Vec<u32> = (0..6).collect();
        let one = grower.grow(&same, &mut rows, &mut Xoshiro256Plus::seed_from_u64(0));
        assert_eq!(one.tree.n_leaves(), 1);
    }

    #[test]
    fn block_predictions_equal_row_predictions_and_nan_goes_left() {
        let x = random_matrix(203, 4, 4);
        let mapper = BinMapper::fit(x.view(), 64).unwrap();
        let binned = mapper.transform(x.view()).unwrap();
        let gh = gradients(&x);
        let mut params = newton_params();
        params.max_leaf_nodes = None;
        params.max_depth = Some(6);
        let mut grower = Grower::new(&binned, &mapper, params);
        let mut rows: Vec<u32> = (0..203).collect();
        let tree = grower
            .grow(&gh, &mut rows, &mut Xoshiro256Plus::seed_from_u64(0))
            .tree;
        assert!(tree.depth() > 2);
        let xs = row_major(&x.view()).into_owned();
        let mut out = vec![1.0; 203];
        add_predictions(&[tree.clone(), tree.clone()], &xs, 4, 0.5, &mut out);
        for (row, o) in xs.chunks_exact(4).zip(&out) {
            assert!((o - (1.0 + tree.predict_row(row))).abs() < 1e-12);
        }
        let root = tree.nodes()[0];
        let mut nan_row = vec![0.0; 4];
        nan_row[root.feature as usize] = f64::NAN;
        let mut low_row = nan_row.clone();
        low_row[root.feature as usize] = f64::MIN;
        // Both go left at the root; the other features are 0 in both rows.
        assert_eq!(tree.predict_row(&nan_row), tree.predict_row(&low_row));
    }
}
