//! Components shared by the flow steps.

mod banner;
pub mod chart;
mod fields;
mod grid;
mod progress;

pub use banner::{Banner, ErrorBanner};
pub use fields::{number_field, seed_field};
pub use grid::{GridColumn, PagedGrid};
pub use progress::{ProgressCard, ReadProgress};
