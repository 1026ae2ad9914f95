//! Components shared by the flow steps.

mod banner;
pub mod chart;
mod fields;
mod grid;
mod progress;
mod receipt;
mod sort;
mod table;

pub use banner::{ErrorBanner, StepProblem};
pub use fields::{decimal_field, feature_check, number_field, seed_field};
pub use grid::{GridColumn, GridSort, PagedGrid};
pub use progress::{ReadProgress, StepProgress};
pub use receipt::ReceiptTable;
pub use sort::SortHeader;
pub use table::{Header, ScrollTable};
