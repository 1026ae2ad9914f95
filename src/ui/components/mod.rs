//! Components shared by the flow steps.

mod banner;
pub mod chart;
mod fields;
mod grid;
mod pager;
mod progress;
mod receipt;
mod sort;
mod table;
mod tabs;

pub use banner::{ErrorBanner, StepProblem};
pub use fields::{
    decimal_field, feature_check, number_field, search_field, seed_field, switch_field,
};
pub use grid::{GridColumn, GridSort, PagedGrid};
pub use pager::Pager;
pub use progress::{ReadProgress, StepProgress};
pub use receipt::ReceiptTable;
pub use sort::SortHeader;
pub use table::{Header, ScrollTable};
pub use tabs::{panel_id, tab_id, TabInfo, TabList};
