//! Seeded draws that give the same numbers natively and in the browser (wasm32).
//!
//! rand's `gen_range` over `usize` draws a `usize`: 64 bits natively, 32 bits in wasm32, so the
//! same seed would pick other rows in the browser than in the CLI. Every index drawn by the
//! core goes through [`index_in`], which draws a `u32` (as rand's own `shuffle` and
//! `index::sample` do for lengths that fit) and a `u64` only for longer ranges.

use std::ops::Range;

use rand::Rng;

/// A uniform index in `range` (which must not be empty), the same on every platform.
pub fn index_in<R: Rng + ?Sized>(rng: &mut R, range: Range<usize>) -> usize {
    match (u32::try_from(range.start), u32::try_from(range.end)) {
        (Ok(start), Ok(end)) => rng.gen_range(start..end) as usize,
        _ => rng.gen_range(range.start as u64..range.end as u64) as usize,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand_xoshiro::Xoshiro256Plus;

    #[test]
    fn draws_are_the_u32_draws_of_the_seed() {
        // The platform-independent reference: the same generator drawing u32 ranges.
        let mut a = Xoshiro256Plus::seed_from_u64(42);
        let mut b = Xoshiro256Plus::seed_from_u64(42);
        for n in [1usize, 2, 7, 1000, 45_211] {
            let i = index_in(&mut a, 3..n + 3);
            assert_eq!(i, b.gen_range(3u32..n as u32 + 3) as usize);
            assert!((3..n + 3).contains(&i));
        }
    }
}
