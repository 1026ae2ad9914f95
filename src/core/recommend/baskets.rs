//! Baskets of items: what was bought together (one order, or one customer's day).

/// Items `0..items.len()` and the baskets that hold them.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Baskets {
    /// Item names (the product code, or the item text of a basket-list file), indexed by code.
    pub items: Vec<String>,
    /// Each basket's item codes, sorted and without repeats; empty baskets are not kept.
    pub baskets: Vec<Vec<u32>>,
}

impl Baskets {
    pub fn n_items(&self) -> usize {
        self.items.len()
    }

    pub fn n_baskets(&self) -> usize {
        self.baskets.len()
    }
}
