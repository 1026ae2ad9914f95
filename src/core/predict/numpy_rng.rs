//! NumPy's legacy random generator (`numpy.random.RandomState`: MT19937) and scikit-learn's
//! stratified train/test split on top of it, reproduced exactly.
//!
//! Why: with the same seed, Custos holds out the very customers that scikit-learn's
//! `train_test_split(X, y, test_size=…, stratify=y, random_state=seed)` holds out, so a user (and
//! our quality tests) can compare Custos's test ROC-AUC with scikit-learn's on the same test
//! set, not on a different random draw (on 2,240 customers the draw alone moves the AUC by ±0.02).
//!
//! Reproduced pieces (NumPy 1.17+ legacy paths, scikit-learn 1.x):
//! - MT19937 seeded by `init_genrand(seed)` (an integer seed below 2³²);
//! - `random_interval(max)`: masked rejection sampling on 32-bit outputs;
//! - `permutation(n)`: Fisher–Yates from the end, `j = random_interval(i)`;
//! - `StratifiedShuffleSplit`: `n_test = ⌈test_size · n⌉`, class counts by `_approximate_mode`
//!   (ties in the remainders broken by `choice(…, replace=False)` = a permutation), then one
//!   permutation per class (classes in sorted order: the negative class first).
//!
//! Pure Rust: no web-sys, no panics.

/// MT19937 with NumPy's legacy integer seeding.
pub struct Mt19937 {
    state: [u32; 624],
    index: usize,
}

impl Mt19937 {
    /// `numpy.random.RandomState(seed)` for `seed` < 2³² (larger seeds keep their low 32 bits).
    pub fn new(seed: u64) -> Mt19937 {
        let mut state = [0u32; 624];
        let mut previous = (seed & 0xffff_ffff) as u32;
        for (i, slot) in state.iter_mut().enumerate() {
            if i > 0 {
                previous = 1_812_433_253u32
                    .wrapping_mul(previous ^ (previous >> 30))
                    .wrapping_add(i as u32);
            }
            *slot = previous;
        }
        Mt19937 { state, index: 624 }
    }

    fn twist(&mut self) {
        const UPPER: u32 = 0x8000_0000;
        const LOWER: u32 = 0x7fff_ffff;
        for i in 0..624 {
            let y = (self.state[i] & UPPER) | (self.state[(i + 1) % 624] & LOWER);
            let mut next = self.state[(i + 397) % 624] ^ (y >> 1);
            if y & 1 == 1 {
                next ^= 0x9908_b0df;
            }
            self.state[i] = next;
        }
        self.index = 0;
    }

    pub fn next_u32(&mut self) -> u32 {
        if self.index >= 624 {
            self.twist();
        }
        let mut y = self.state[self.index % 624];
        self.index += 1;
        y ^= y >> 11;
        y ^= (y << 7) & 0x9d2c_5680;
        y ^= (y << 15) & 0xefc6_0000;
        y ^ (y >> 18)
    }

    fn next_u64(&mut self) -> u64 {
        let high = u64::from(self.next_u32());
        (high << 32) | u64::from(self.next_u32())
    }

    /// A uniform integer in `0..=max` (NumPy's `random_interval`).
    pub fn random_interval(&mut self, max: u64) -> u64 {
        if max == 0 {
            return 0;
        }
        let mut mask = max;
        mask |= mask >> 1;
        mask |= mask >> 2;
        mask |= mask >> 4;
        mask |= mask >> 8;
        mask |= mask >> 16;
        mask |= mask >> 32;
        loop {
            let value = if max <= 0xffff_ffff {
                u64::from(self.next_u32()) & mask
            } else {
                self.next_u64() & mask
            };
            if value <= max {
                return value;
            }
        }
    }

    /// `RandomState.permutation(n)`.
    pub fn permutation(&mut self, n: usize) -> Vec<usize> {
        let mut values: Vec<usize> = (0..n).collect();
        for i in (1..n).rev() {
            let j = self.random_interval(i as u64) as usize;
            values.swap(i, j);
        }
        values
    }
}

/// scikit-learn's `_approximate_mode`: how many of `n_draws` each class gets, proportionally,
/// the leftover draws going to the largest remainders (ties drawn at random).
fn approximate_mode(class_counts: &[usize], n_draws: usize, rng: &mut Mt19937) -> Vec<usize> {
    let total: usize = class_counts.iter().sum();
    if total == 0 {
        return vec![0; class_counts.len()];
    }
    let continuous: Vec<f64> = class_counts
        .iter()
        .map(|&c| c as f64 / total as f64 * n_draws as f64)
        .collect();
    let mut floored: Vec<f64> = continuous.iter().map(|c| c.floor()).collect();
    let mut need = (n_draws as f64 - floored.iter().sum::<f64>()) as i64;
    if need > 0 {
        let remainder: Vec<f64> = continuous
            .iter()
            .zip(&floored)
            .map(|(c, f)| c - f)
            .collect();
        let mut values = remainder.clone();
        values.sort_by(|a, b| b.total_cmp(a));
        values.dedup();
        for value in values {
            let inds: Vec<usize> = (0..remainder.len())
                .filter(|&i| remainder.get(i) == Some(&value))
                .collect();
            let add_now = inds.len().min(need as usize);
            let picked = rng.permutation(inds.len());
            for &p in picked.iter().take(add_now) {
                if let Some(slot) = inds.get(p).and_then(|&i| floored.get_mut(i)) {
                    *slot += 1.0;
                }
            }
            need -= add_now as i64;
            if need <= 0 {
                break;
            }
        }
    }
    floored.iter().map(|&f| f as usize).collect()
}

/// `train_test_split(range(len(y)), test_size=test_fraction, stratify=y, random_state=seed)`:
/// the (train, test) row positions, each sorted ascending. `None` when scikit-learn would refuse
/// (a class with fewer than 2 rows, or a part smaller than the number of classes).
pub fn sklearn_stratified_split(
    y: &[bool],
    test_fraction: f64,
    seed: u64,
) -> Option<(Vec<usize>, Vec<usize>)> {
    let n = y.len();
    let n_test = (test_fraction * n as f64).ceil() as usize;
    let n_train = n.checked_sub(n_test)?;
    // Classes in sorted order: false (negative) first, as np.unique sorts them.
    let class_indices: [Vec<usize>; 2] = [
        (0..n).filter(|&i| !y[i]).collect(),
        (0..n).filter(|&i| y[i]).collect(),
    ];
    let class_counts: Vec<usize> = class_indices.iter().map(Vec::len).collect();
    if class_counts.iter().any(|&c| c < 2) || n_train < 2 || n_test < 2 {
        return None;
    }
    let mut rng = Mt19937::new(seed);
    let n_i = approximate_mode(&class_counts, n_train, &mut rng);
    let remaining: Vec<usize> = class_counts
        .iter()
        .zip(&n_i)
        .map(|(c, t)| c.saturating_sub(*t))
        .collect();
    let t_i = approximate_mode(&remaining, n_test, &mut rng);
    let mut train = Vec::with_capacity(n_train);
    let mut test = Vec::with_capacity(n_test);
    for (class, rows) in class_indices.iter().enumerate() {
        let permutation = rng.permutation(rows.len());
        let take_train = n_i.get(class).copied().unwrap_or(0);
        let take_test = t_i.get(class).copied().unwrap_or(0);
        let shuffled: Vec<usize> = permutation
            .iter()
            .filter_map(|&p| rows.get(p).copied())
            .collect();
        train.extend(shuffled.iter().take(take_train));
        test.extend(shuffled.iter().skip(take_train).take(take_test));
    }
    train.sort_unstable();
    test.sort_unstable();
    Some((train, test))
}

#[cfg(test)]
mod tests {
    use super::*;

    // Reference values printed by NumPy 2.x / scikit-learn 1.9.1 (target/bench-venv):
    //   np.random.RandomState(42).randint(0, 2**32, dtype=np.uint64)  (first three)
    //   np.random.RandomState(42).permutation(10)
    //   np.random.RandomState(7).permutation(1000)[:8]
    #[test]
    fn mt19937_and_permutation_match_numpy() {
        let mut rng = Mt19937::new(42);
        let first: Vec<u32> = (0..3).map(|_| rng.next_u32()).collect();
        assert_eq!(first, vec![1_608_637_542, 3_421_126_067, 4_083_286_876]);
        assert_eq!(
            Mt19937::new(42).permutation(10),
            vec![8, 1, 5, 0, 7, 2, 9, 4, 3, 6]
        );
        let long = Mt19937::new(7).permutation(1000);
        assert_eq!(long[..8], [778, 334, 271, 802, 216, 408, 812, 94]);
    }

    // y = [0]*17 + [1]*6, train_test_split(…, test_size=0.2, stratify=y, random_state=42) → test
    // [3, 6, 10, 12, 21]; y = [1,0,0,1,0,0,0,1,0,0,0,0,1,0,0], test_size=0.3, random_state=3 →
    // test [1, 5, 7, 11, 14].
    #[test]
    fn stratified_split_matches_scikit_learn() {
        let y: Vec<bool> = (0..23).map(|i| i >= 17).collect();
        let (train, test) = sklearn_stratified_split(&y, 0.2, 42).unwrap();
        assert_eq!(test, vec![3, 6, 10, 12, 21]);
        assert_eq!(train.len() + test.len(), 23);
        let y: Vec<bool> = [1, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0]
            .iter()
            .map(|&v| v == 1)
            .collect();
        let (_, test) = sklearn_stratified_split(&y, 0.3, 3).unwrap();
        assert_eq!(test, vec![1, 5, 7, 11, 14]);
    }

    #[test]
    fn impossible_splits_are_none() {
        assert!(sklearn_stratified_split(&[true, false, false], 0.5, 1).is_none());
        assert!(sklearn_stratified_split(&[], 0.2, 1).is_none());
    }
}
