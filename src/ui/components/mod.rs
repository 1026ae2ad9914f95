//! Components shared by the flow steps.

mod banner;
pub mod chart;
mod grid;
mod progress;

pub use banner::{Banner, ErrorBanner};
pub use grid::{GridColumn, PagedGrid};
pub use progress::{ProgressCard, ReadProgress};
