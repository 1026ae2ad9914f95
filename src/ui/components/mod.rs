//! Components shared by the flow steps.

mod banner;
pub mod chart;
mod fields;
mod grid;
mod progress;

pub use banner::{ErrorBanner, StepProblem};
pub use fields::{number_field, seed_field};
pub use grid::{GridColumn, PagedGrid};
pub use progress::{ReadProgress, StepProgress};
