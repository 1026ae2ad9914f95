//! Custos's hot numeric loops, in a crate of their own so that they are compiled for speed
//! (`opt-level = 3`, see the root `Cargo.toml`) while the app, whose WebAssembly must stay small,
//! is compiled for size (`opt-level = "z"`): at "z" the compiler neither unrolls nor vectorises
//! loops, which made the implicit-ALS fit on Online Retail 3.5× slower than the same code at
//! `opt-level = 2` (release CLI 4.5 s against 1.3 s). Only whole loops live here — a small
//! function inlined into the size-optimised caller would be optimised for size again.
//!
//! The fat LTO of the release profile re-optimises everything at the app's level, so the
//! compiler's own vectorisation is lost even here; the inner products are therefore written
//! with four-lane SIMD intrinsics (SSE on x86-64; WebAssembly `simd128`, which the wasm build
//! enables in `.cargo/config.toml`), with a scalar fallback elsewhere. The only `unsafe` code of
//! the project is those loads and stores, each within its slices.
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

/// `a · b` over the shorter length: four-lane SIMD where the target has it (SSE on x86-64,
/// `simd128` on WebAssembly when enabled), else eight running sums.
#[inline(always)]
pub fn dot(a: &[f32], b: &[f32]) -> f32 {
    let n = a.len().min(b.len());
    let (a, b) = (a.get(..n).unwrap_or(&[]), b.get(..n).unwrap_or(&[]));
    #[cfg(any(
        target_arch = "x86_64",
        all(target_arch = "wasm32", target_feature = "simd128")
    ))]
    {
        simd::dot(a, b)
    }
    #[cfg(not(any(
        target_arch = "x86_64",
        all(target_arch = "wasm32", target_feature = "simd128")
    )))]
    {
        scalar_dot(a, b)
    }
}

/// `a · b`, eight running sums.
#[allow(dead_code)]
#[inline(always)]
fn scalar_dot(a: &[f32], b: &[f32]) -> f32 {
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

/// `y += a · x` over the shorter length (SIMD as [`dot`]).
#[inline(always)]
fn axpy(a: f32, x: &[f32], y: &mut [f32]) {
    let n = x.len().min(y.len());
    let x = x.get(..n).unwrap_or(&[]);
    let Some(y) = y.get_mut(..n) else {
        return;
    };
    #[cfg(any(
        target_arch = "x86_64",
        all(target_arch = "wasm32", target_feature = "simd128")
    ))]
    {
        simd::axpy(a, x, y)
    }
    #[cfg(not(any(
        target_arch = "x86_64",
        all(target_arch = "wasm32", target_feature = "simd128")
    )))]
    {
        for (y, &x) in y.iter_mut().zip(x) {
            *y += a * x;
        }
    }
}

/// Four-lane versions of [`dot`] and [`axpy`], for slices of equal length. The loads are
/// unaligned and stay within the slices: lane block `i` reads `4i..4i + 4 ≤ len`.
#[cfg(target_arch = "x86_64")]
mod simd {
    use std::arch::x86_64::{
        __m128, _mm_add_ps, _mm_cvtss_f32, _mm_loadu_ps, _mm_movehl_ps, _mm_mul_ps, _mm_set1_ps,
        _mm_setzero_ps, _mm_shuffle_ps, _mm_storeu_ps,
    };

    #[inline(always)]
    pub fn dot(a: &[f32], b: &[f32]) -> f32 {
        let n = a.len().min(b.len());
        let blocks = n / 4;
        // SAFETY: SSE is part of x86-64; every load reads 4 floats at 4i + 3 < n.
        let sum = unsafe {
            let (pa, pb) = (a.as_ptr(), b.as_ptr());
            let (mut s0, mut s1) = (_mm_setzero_ps(), _mm_setzero_ps());
            let mut i = 0;
            while i + 1 < blocks {
                s0 = _mm_add_ps(
                    s0,
                    _mm_mul_ps(_mm_loadu_ps(pa.add(4 * i)), _mm_loadu_ps(pb.add(4 * i))),
                );
                s1 = _mm_add_ps(
                    s1,
                    _mm_mul_ps(
                        _mm_loadu_ps(pa.add(4 * i + 4)),
                        _mm_loadu_ps(pb.add(4 * i + 4)),
                    ),
                );
                i += 2;
            }
            if i < blocks {
                s0 = _mm_add_ps(
                    s0,
                    _mm_mul_ps(_mm_loadu_ps(pa.add(4 * i)), _mm_loadu_ps(pb.add(4 * i))),
                );
            }
            horizontal_sum(_mm_add_ps(s0, s1))
        };
        let tail: f32 = a.iter().zip(b).skip(4 * blocks).map(|(x, y)| x * y).sum();
        sum + tail
    }

    #[inline(always)]
    unsafe fn horizontal_sum(v: __m128) -> f32 {
        let high = _mm_movehl_ps(v, v);
        let pairs = _mm_add_ps(v, high);
        let second = _mm_shuffle_ps(pairs, pairs, 1);
        _mm_cvtss_f32(_mm_add_ps(pairs, second))
    }

    #[inline(always)]
    pub fn axpy(a: f32, x: &[f32], y: &mut [f32]) {
        let n = x.len().min(y.len());
        let blocks = n / 4;
        // SAFETY: SSE is part of x86-64; every load and store touches 4 floats at 4i + 3 < n.
        unsafe {
            let va = _mm_set1_ps(a);
            let (px, py) = (x.as_ptr(), y.as_mut_ptr());
            for i in 0..blocks {
                let sum = _mm_add_ps(
                    _mm_loadu_ps(py.add(4 * i)),
                    _mm_mul_ps(va, _mm_loadu_ps(px.add(4 * i))),
                );
                _mm_storeu_ps(py.add(4 * i), sum);
            }
        }
        for (y, &x) in y.iter_mut().zip(x).skip(4 * blocks) {
            *y += a * x;
        }
    }

    #[inline(always)]
    pub fn axpy4(a: [f32; 4], x: [&[f32]; 4], y: &mut [f32]) {
        let n = x.iter().map(|r| r.len()).fold(y.len(), usize::min);
        let blocks = n / 4;
        let [x0, x1, x2, x3] = x;
        // SAFETY: SSE is part of x86-64; every load and store touches 4 floats at 4i + 3 < n,
        // and n is at most each slice's length.
        unsafe {
            let (a0, a1, a2, a3) = (
                _mm_set1_ps(a[0]),
                _mm_set1_ps(a[1]),
                _mm_set1_ps(a[2]),
                _mm_set1_ps(a[3]),
            );
            let py = y.as_mut_ptr();
            for i in 0..blocks {
                let at = 4 * i;
                let sum = _mm_add_ps(
                    _mm_add_ps(
                        _mm_mul_ps(a0, _mm_loadu_ps(x0.as_ptr().add(at))),
                        _mm_mul_ps(a1, _mm_loadu_ps(x1.as_ptr().add(at))),
                    ),
                    _mm_add_ps(
                        _mm_mul_ps(a2, _mm_loadu_ps(x2.as_ptr().add(at))),
                        _mm_mul_ps(a3, _mm_loadu_ps(x3.as_ptr().add(at))),
                    ),
                );
                _mm_storeu_ps(py.add(at), _mm_add_ps(_mm_loadu_ps(py.add(at)), sum));
            }
        }
        for i in 4 * blocks..n {
            let at = |x: &[f32]| x.get(i).copied().unwrap_or(0.0);
            if let Some(y) = y.get_mut(i) {
                *y += a[0] * at(x0) + a[1] * at(x1) + a[2] * at(x2) + a[3] * at(x3);
            }
        }
    }
}

#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
mod simd {
    use core::arch::wasm32::{
        f32x4_add, f32x4_extract_lane, f32x4_mul, f32x4_splat, v128, v128_load, v128_store,
    };

    #[inline(always)]
    pub fn dot(a: &[f32], b: &[f32]) -> f32 {
        let n = a.len().min(b.len());
        let blocks = n / 4;
        // SAFETY: every load reads 4 floats at 4i + 3 < n (wasm loads need no alignment).
        let sum = unsafe {
            let (pa, pb) = (a.as_ptr(), b.as_ptr());
            let (mut s0, mut s1) = (f32x4_splat(0.0), f32x4_splat(0.0));
            let mut i = 0;
            while i + 1 < blocks {
                s0 = f32x4_add(
                    s0,
                    f32x4_mul(
                        v128_load(pa.add(4 * i) as *const v128),
                        v128_load(pb.add(4 * i) as *const v128),
                    ),
                );
                s1 = f32x4_add(
                    s1,
                    f32x4_mul(
                        v128_load(pa.add(4 * i + 4) as *const v128),
                        v128_load(pb.add(4 * i + 4) as *const v128),
                    ),
                );
                i += 2;
            }
            if i < blocks {
                s0 = f32x4_add(
                    s0,
                    f32x4_mul(
                        v128_load(pa.add(4 * i) as *const v128),
                        v128_load(pb.add(4 * i) as *const v128),
                    ),
                );
            }
            let v = f32x4_add(s0, s1);
            f32x4_extract_lane::<0>(v)
                + f32x4_extract_lane::<1>(v)
                + f32x4_extract_lane::<2>(v)
                + f32x4_extract_lane::<3>(v)
        };
        let tail: f32 = a.iter().zip(b).skip(4 * blocks).map(|(x, y)| x * y).sum();
        sum + tail
    }

    #[inline(always)]
    pub fn axpy(a: f32, x: &[f32], y: &mut [f32]) {
        let n = x.len().min(y.len());
        let blocks = n / 4;
        // SAFETY: every load and store touches 4 floats at 4i + 3 < n.
        unsafe {
            let va = f32x4_splat(a);
            let (px, py) = (x.as_ptr(), y.as_mut_ptr());
            for i in 0..blocks {
                let at = py.add(4 * i) as *mut v128;
                let sum = f32x4_add(
                    v128_load(at as *const v128),
                    f32x4_mul(va, v128_load(px.add(4 * i) as *const v128)),
                );
                v128_store(at, sum);
            }
        }
        for (y, &x) in y.iter_mut().zip(x).skip(4 * blocks) {
            *y += a * x;
        }
    }

    #[inline(always)]
    pub fn axpy4(a: [f32; 4], x: [&[f32]; 4], y: &mut [f32]) {
        let n = x.iter().map(|r| r.len()).fold(y.len(), usize::min);
        let blocks = n / 4;
        let [x0, x1, x2, x3] = x;
        // SAFETY: every load and store touches 4 floats at 4i + 3 < n, and n is at most each
        // slice's length.
        unsafe {
            let (a0, a1, a2, a3) = (
                f32x4_splat(a[0]),
                f32x4_splat(a[1]),
                f32x4_splat(a[2]),
                f32x4_splat(a[3]),
            );
            let py = y.as_mut_ptr();
            let load = |x: &[f32], at: usize| v128_load(x.as_ptr().add(at) as *const v128);
            for i in 0..blocks {
                let at = 4 * i;
                let sum = f32x4_add(
                    f32x4_add(f32x4_mul(a0, load(x0, at)), f32x4_mul(a1, load(x1, at))),
                    f32x4_add(f32x4_mul(a2, load(x2, at)), f32x4_mul(a3, load(x3, at))),
                );
                let out = py.add(at) as *mut v128;
                v128_store(out, f32x4_add(v128_load(out as *const v128), sum));
            }
        }
        for i in 4 * blocks..n {
            let at = |x: &[f32]| x.get(i).copied().unwrap_or(0.0);
            if let Some(y) = y.get_mut(i) {
                *y += a[0] * at(x0) + a[1] * at(x1) + a[2] * at(x2) + a[3] * at(x3);
            }
        }
    }
}

/// `out = sign · M v` for the symmetric `k × k` matrix `m`, as a sum of its rows (`Σ_a v_a
/// M_a`: no horizontal sums), four rows at a time so that `out` is read and written once per
/// four rows.
#[inline(always)]
fn matvec(m: &[f32], v: &[f32], out: &mut [f32], sign: f32) {
    out.fill(0.0);
    let k = v.len();
    if k == 0 {
        return;
    }
    let mut rows = m.chunks_exact(k);
    let mut weights = v.chunks_exact(4);
    for w in weights.by_ref() {
        let (Some(r0), Some(r1), Some(r2), Some(r3)) =
            (rows.next(), rows.next(), rows.next(), rows.next())
        else {
            return;
        };
        let (Some(&w0), Some(&w1), Some(&w2), Some(&w3)) =
            (w.first(), w.get(1), w.get(2), w.get(3))
        else {
            return;
        };
        axpy4(
            [sign * w0, sign * w1, sign * w2, sign * w3],
            [r0, r1, r2, r3],
            out,
        );
    }
    for (&va, m_row) in weights.remainder().iter().zip(rows) {
        axpy(sign * va, m_row, out);
    }
}

/// `y += Σ a_j · x_j` for four rows `x_j` (over the shortest length).
#[inline(always)]
fn axpy4(a: [f32; 4], x: [&[f32]; 4], y: &mut [f32]) {
    let n = x.iter().map(|r| r.len()).fold(y.len(), usize::min);
    let Some(y) = y.get_mut(..n) else {
        return;
    };
    let [x0, x1, x2, x3] = x;
    let (Some(x0), Some(x1), Some(x2), Some(x3)) =
        (x0.get(..n), x1.get(..n), x2.get(..n), x3.get(..n))
    else {
        return;
    };
    #[cfg(any(
        target_arch = "x86_64",
        all(target_arch = "wasm32", target_feature = "simd128")
    ))]
    {
        simd::axpy4(a, [x0, x1, x2, x3], y)
    }
    #[cfg(not(any(
        target_arch = "x86_64",
        all(target_arch = "wasm32", target_feature = "simd128")
    )))]
    {
        for (i, y) in y.iter_mut().enumerate() {
            let at = |x: &[f32]| x.get(i).copied().unwrap_or(0.0);
            *y += a[0] * at(x0) + a[1] * at(x1) + a[2] * at(x2) + a[3] * at(x3);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dot_sums_every_element_including_the_tail() {
        for n in 0..=19 {
            let a: Vec<f32> = (1..=n).map(|v| v as f32).collect();
            let expected: f32 = (1..=n).map(|v| (v * v) as f32).sum();
            assert_eq!(dot(&a, &a), expected, "n = {n}");
            assert_eq!(scalar_dot(&a, &a), expected, "n = {n}");
        }
        // Different lengths: the shorter one.
        assert_eq!(dot(&[1.0, 2.0, 3.0], &[1.0, 1.0]), 3.0);
    }

    #[test]
    fn axpy_adds_every_element_including_the_tail() {
        for n in 0..=13 {
            let x: Vec<f32> = (0..n).map(|v| v as f32).collect();
            let mut y = vec![1.0f32; n];
            axpy(2.0, &x, &mut y);
            assert!(
                y.iter()
                    .enumerate()
                    .all(|(i, &v)| v == 1.0 + 2.0 * i as f32),
                "n = {n}"
            );
        }
        let mut short = [0.0f32; 2];
        axpy(1.0, &[1.0, 2.0, 3.0], &mut short);
        assert_eq!(short, [1.0, 2.0]);
    }

    #[test]
    fn matvec_blocks_of_four_rows_match_the_plain_product() {
        for k in [1usize, 3, 4, 5, 8, 9, 13] {
            let m: Vec<f32> = (0..k * k).map(|i| ((i * 7) % 11) as f32 - 5.0).collect();
            let v: Vec<f32> = (0..k).map(|i| i as f32 * 0.5 - 1.0).collect();
            let mut out = vec![9.0f32; k];
            matvec(&m, &v, &mut out, -1.0);
            for (c, &got) in out.iter().enumerate() {
                let expected: f32 = (0..k).map(|a| -v[a] * m[a * k + c]).sum();
                assert!(
                    (got - expected).abs() < 1e-4,
                    "k {k} column {c}: {got} vs {expected}"
                );
            }
        }
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
