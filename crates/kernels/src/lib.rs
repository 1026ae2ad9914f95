//! Custos's hot numeric loops, in a crate of their own so that they are compiled for speed
//! (`opt-level = 3`, see the root `Cargo.toml`) while the app, whose WebAssembly must stay small,
//! is compiled for size (`opt-level = "z"`): at "z" the compiler neither unrolls nor vectorises
//! loops, which made the implicit-ALS fit on Online Retail 3.5× slower than the same code at
//! `opt-level = 2` (release CLI 4.5 s against 1.3 s). Only whole loops live here — a small
//! function inlined into the size-optimised caller would be optimised for size again.
//!
//! Plain slices in, plain slices out; no dependencies; never panics (every index is checked or
//! comes from `chunks_exact`).

/// One side of a sparse matrix, row by row: the columns and the confidences of each row.
pub struct Rows<'a> {
    pub offsets: &'a [usize],
    pub cols: &'a [u32],
    pub confidence: &'a [f32],
}

impl Rows<'_> {
    #[inline(always)]
    fn row(&self, row: usize) -> (&[u32], &[f32]) {
        match (self.offsets.get(row), self.offsets.get(row + 1)) {
            (Some(&start), Some(&end)) => (
                self.cols.get(start..end).unwrap_or(&[]),
                self.confidence.get(start..end).unwrap_or(&[]),
            ),
            _ => (&[], &[]),
        }
    }
}

/// The conjugate-gradient half-iteration of implicit ALS (Hu, Koren & Volinsky 2008; Takács,
/// Pilászy & Tikk 2011) and its scratch space: every row's
/// `(YᵀY + Yᵀ(C − I)Y + λI) x = Yᵀ C p` approached by `cg_steps` steps from its previous `x`.
pub struct CgSolver {
    k: usize,
    regularization: f32,
    cg_steps: usize,
    /// `YᵀY + λI`, `k × k` row-major.
    gram: Vec<f32>,
    r: Vec<f32>,
    p: Vec<f32>,
    ap: Vec<f32>,
}

impl CgSolver {
    pub fn new(k: usize, regularization: f32, cg_steps: usize) -> CgSolver {
        CgSolver {
            k,
            regularization,
            cg_steps,
            gram: vec![0.0; k * k],
            r: vec![0.0; k],
            p: vec![0.0; k],
            ap: vec![0.0; k],
        }
    }

    /// Update every row of `solved` (`rows` × k, row-major) from the fixed factors `fixed`; a
    /// row without columns gets factors 0.
    #[inline(never)]
    pub fn solve(&mut self, rows: &Rows, solved: &mut [f32], fixed: &[f32]) {
        let k = self.k;
        if k == 0 {
            return;
        }
        self.gram.fill(0.0);
        for y in fixed.chunks_exact(k) {
            for (&ya, g_row) in y.iter().zip(self.gram.chunks_exact_mut(k)) {
                axpy(ya, y, g_row);
            }
        }
        for (a, g_row) in self.gram.chunks_exact_mut(k).enumerate() {
            if let Some(d) = g_row.get_mut(a) {
                *d += self.regularization;
            }
        }
        let factor = |j: u32| fixed.get(j as usize * k..(j as usize + 1) * k);
        for (row, x) in solved.chunks_exact_mut(k).enumerate() {
            let (cols, conf) = rows.row(row);
            if cols.is_empty() {
                x.fill(0.0);
                continue;
            }
            // r = b − A x, with b = Yᵀ C p and A = YᵀY + λI + Yᵀ(C − I)Y.
            matvec(&self.gram, x, &mut self.r, -1.0);
            for (&j, &c) in cols.iter().zip(conf) {
                if let Some(y) = factor(j) {
                    let weight = if c == 1.0 {
                        c
                    } else {
                        c - (c - 1.0) * dot(y, x)
                    };
                    axpy(weight, y, &mut self.r);
                }
            }
            self.p.copy_from_slice(&self.r);
            let mut rs_old = dot(&self.r, &self.r);
            if rs_old < 1e-20 {
                continue;
            }
            for _ in 0..self.cg_steps {
                matvec(&self.gram, &self.p, &mut self.ap, 1.0);
                for (&j, &c) in cols.iter().zip(conf) {
                    // c = 1 (a single basket with `implicit`'s confidence) adds nothing.
                    if c == 1.0 {
                        continue;
                    }
                    if let Some(y) = factor(j) {
                        axpy((c - 1.0) * dot(y, &self.p), y, &mut self.ap);
                    }
                }
                let p_ap = dot(&self.p, &self.ap);
                if !(p_ap.is_finite() && p_ap > 0.0) {
                    break;
                }
                let step = rs_old / p_ap;
                axpy(step, &self.p, x);
                axpy(-step, &self.ap, &mut self.r);
                let rs_new = dot(&self.r, &self.r);
                if rs_new < 1e-20 {
                    break;
                }
                let beta = rs_new / rs_old;
                for (p, &r) in self.p.iter_mut().zip(&self.r) {
                    *p = r + beta * *p;
                }
                rs_old = rs_new;
            }
        }
    }
}

/// `out[i] = rows[i] · x` for every `k`-long row of the row-major `rows` (`k = x.len()`).
#[inline(never)]
pub fn row_dots(rows: &[f32], x: &[f32], out: &mut Vec<f64>) {
    out.clear();
    if x.is_empty() {
        return;
    }
    out.extend(rows.chunks_exact(x.len()).map(|y| f64::from(dot(y, x))));
}

/// `a · b`, eight running sums so that the compiler can use vector instructions.
#[inline(always)]
pub fn dot(a: &[f32], b: &[f32]) -> f32 {
    let (ca, cb) = (a.chunks_exact(8), b.chunks_exact(8));
    let tail: f32 = ca
        .remainder()
        .iter()
        .zip(cb.remainder())
        .map(|(x, y)| x * y)
        .sum();
    let mut sums = [0.0f32; 8];
    for (x, y) in ca.zip(cb) {
        for ((s, &x), &y) in sums.iter_mut().zip(x).zip(y) {
            *s += x * y;
        }
    }
    sums.iter().sum::<f32>() + tail
}

/// `y += a · x`.
#[inline(always)]
fn axpy(a: f32, x: &[f32], y: &mut [f32]) {
    for (y, &x) in y.iter_mut().zip(x) {
        *y += a * x;
    }
}

/// `out = sign · M v` for the symmetric `k × k` matrix `m`, as a sum of its rows (`Σ_a v_a
/// M_a`: no horizontal sums, so it vectorises fully).
#[inline(always)]
fn matvec(m: &[f32], v: &[f32], out: &mut [f32], sign: f32) {
    out.fill(0.0);
    for (&va, m_row) in v.iter().zip(m.chunks_exact(v.len().max(1))) {
        axpy(sign * va, m_row, out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dot_sums_every_element_including_the_tail() {
        let a: Vec<f32> = (1..=11).map(|v| v as f32).collect();
        assert_eq!(dot(&a, &a), (1..=11).map(|v| (v * v) as f32).sum::<f32>());
    }

    #[test]
    fn row_dots_multiplies_each_row() {
        let mut out = Vec::new();
        row_dots(&[1.0, 2.0, 3.0, 4.0], &[1.0, 1.0], &mut out);
        assert_eq!(out, vec![3.0, 7.0]);
        row_dots(&[1.0], &[], &mut out);
        assert!(out.is_empty());
    }

    #[test]
    fn one_row_one_column_solves_towards_its_preference() {
        // One user who bought the one item, k = 1: x → c·y / (y² + (c − 1)y² + λ).
        let rows = Rows {
            offsets: &[0, 1],
            cols: &[0],
            confidence: &[2.0],
        };
        let mut solver = CgSolver::new(1, 0.0, 3);
        let mut x = [0.0f32];
        solver.solve(&rows, &mut x, &[1.0]);
        assert!((x[0] - 1.0).abs() < 1e-6, "{x:?}");
        // A row without columns gets 0.
        let empty = Rows {
            offsets: &[0, 0],
            cols: &[],
            confidence: &[],
        };
        solver.solve(&empty, &mut x, &[1.0]);
        assert_eq!(x, [0.0]);
    }
}
